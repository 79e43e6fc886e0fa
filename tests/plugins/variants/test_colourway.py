"""Colourways move the product's main colour only: label, print and backdrop stay."""

from __future__ import annotations

import numpy as np
import pytest

from editor.imaging import colour as cs
from editor.tasks.api import PluginError, RecordingContext, Request
from editor.tasks.chain import registry
from plugins.variants import colourway as cw
from plugins.variants.task import run

from .samples import two_colour_product


def _lch(image: np.ndarray) -> np.ndarray:
    return cs.lab_to_lch(cs.srgb_to_lab(cs.to_float(image[..., :3])))


def _request(image, mask, **params) -> Request:
    values = registry().get("variants").manifest.validate({"kind": "colourway", **params})
    return Request(image, values, mask=mask)


def test_a_two_colour_product_changes_only_its_main_colour():
    image, product, label = two_colour_product()
    result = run(_request(image, product, colours="#2e7d32,#1565c0"), RecordingContext())
    assert [layer.role for layer in result.layers] == ["colour-2e7d32", "colour-1565c0"]
    body = (product > 0) & (label == 0)
    before = _lch(image)
    for layer, target in zip(result.layers, ("#2e7d32", "#1565c0"), strict=True):
        out = layer.data
        after = _lch(out)
        target_hue = cs.lab_to_lch(cw.hex_to_lab(target))[2]
        vivid = body & (before[..., 1] > 20)
        assert np.median(cs.hue_difference(after[vivid, 2], target_hue)) < 8
        # the white label, its black print and the backdrop are bit-identical
        assert np.array_equal(out[label > 0], image[label > 0])
        assert np.array_equal(out[product == 0], image[product == 0])
        # the shading survives: lightness keeps its pattern inside the body
        corr = np.corrcoef(before[body, 0], after[body, 0])[0, 1]
        assert corr > 0.95


def test_lightness_zero_keeps_the_products_lightness():
    image, product, label = two_colour_product()
    body = (product > 0) & (label == 0)
    kept = run(_request(image, product, colours="#f9a825", lightness=0.0),
               RecordingContext()).layers[0].data
    matched = run(_request(image, product, colours="#f9a825"), RecordingContext()).layers[0].data
    before, after_kept, after_matched = _lch(image), _lch(kept), _lch(matched)
    assert abs(np.mean(after_kept[body, 0] - before[body, 0])) < 3
    target_l = cs.lab_to_lch(cw.hex_to_lab("#f9a825"))[0]
    assert abs(np.median(after_matched[body, 0]) - target_l) < abs(
        np.median(before[body, 0]) - target_l) - 10


def test_auto_proposes_distinct_hues_at_the_products_chroma():
    image, product, _ = two_colour_product()
    result = run(_request(image, product, colours="auto", count=3), RecordingContext())
    hues = [cs.lab_to_lch(cw.hex_to_lab(v["colour"]))[2] for v in result.report["variants"]]
    assert len(result.layers) == 3
    gaps = [cs.hue_difference(a, b) for i, a in enumerate(hues) for b in hues[i + 1:]]
    assert min(gaps) > 60
    assert result.report["main_colour"].startswith("#")


def test_a_protect_mask_keeps_its_part(tmp_path):
    from editor.model.imageio import save_mask

    image, product, _ = two_colour_product()
    protect = np.zeros_like(product)
    protect[20:40, 40:80] = 255
    path = tmp_path / "protect.png"
    save_mask(path, protect)
    out = run(_request(image, product, colours="#1565c0", protect=str(path)),
              RecordingContext()).layers[0].data
    assert np.array_equal(out[protect > 0], image[protect > 0])
    assert not np.array_equal(out[product > 0], image[product > 0])


@pytest.mark.parametrize("colours", ["#12345", "blue", "#1565c0,#zzzzzz", ","])
def test_an_unparsable_colour_is_named(colours):
    image, product, _ = two_colour_product()
    with pytest.raises(PluginError, match="colour"):
        run(_request(image, product, colours=colours), RecordingContext())


def test_a_neutral_product_says_there_is_no_colour_to_change():
    image, product, _ = two_colour_product(main=(128, 128, 128))
    with pytest.raises(PluginError, match="no main colour"):
        run(_request(image, product, colours="#1565c0"), RecordingContext())
