"""Backdrop sets go through the background plugin: each backdrop, the product kept."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from editor.tasks.api import PluginError, RecordingContext, Request
from editor.tasks.chain import registry
from plugins.variants.task import run

from .samples import two_colour_product


def _backgrounds(image, mask, **params):
    values = registry().get("variants").manifest.validate({"kind": "backgrounds", **params})
    return run(Request(image, values, mask=mask), RecordingContext())


def test_each_backdrop_is_a_variant_with_the_product_on_it(tmp_path):
    image, product, _ = two_colour_product()
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    Image.fromarray(np.full((40, 60, 3), (20, 120, 40), np.uint8)).save(scenes / "lawn.png")
    result = _backgrounds(image, product, backgrounds="white,#f3e5d8,gradient,sweep",
                          folder=str(scenes), shadow="contact")
    names = [layer.role for layer in result.layers]
    assert names == ["bg-white", "bg-f3e5d8", "bg-gradient", "bg-sweep", "bg-lawn"]
    corners = {layer.role: tuple(layer.data[2, 2, :3]) for layer in result.layers}
    assert corners["bg-white"] == (255, 255, 255)
    assert corners["bg-f3e5d8"] == (243, 229, 216)
    assert corners["bg-lawn"] == (20, 120, 40)
    inside = product == 255
    for layer in result.layers:
        assert layer.data.shape == image.shape
        # the product's own pixels are the photo's (white, colour: no harmonising)
        if layer.role in ("bg-white", "bg-f3e5d8"):
            assert np.abs(layer.data[inside].astype(int) - image[inside]).max() <= 2
    assert all(v["shadow"] == "contact" for v in result.report["variants"])


@pytest.mark.parametrize("text", ["white,marble", "#12345", "gradient:#nothex"])
def test_an_unknown_backdrop_is_named(text):
    image, product, _ = two_colour_product()
    with pytest.raises(PluginError, match="backgrounds"):
        _backgrounds(image, product, backgrounds=text)
