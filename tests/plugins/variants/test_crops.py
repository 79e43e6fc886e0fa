"""Crop sets: every ratio exact, the product whole, filling its share, padded not cut."""

from __future__ import annotations

import numpy as np
import pytest

from editor.imaging import framing
from editor.tasks.api import PluginError, RecordingContext, Request
from editor.tasks.chain import registry
from plugins.variants.task import run

from .samples import product_touching_border


def _crops(image, mask, **params):
    values = registry().get("variants").manifest.validate({"kind": "crops", **params})
    return run(Request(image, values, mask=mask), RecordingContext())


def test_every_ratio_is_exact_and_the_product_is_whole_and_fills_its_share():
    image, mask = product_touching_border()
    result = _crops(image, mask, ratios="1:1,4:5,16:9,3:4,1.91:1", size=400, fill=0.85)
    assert [layer.role for layer in result.layers] == [
        "crop-1x1", "crop-4x5", "crop-16x9", "crop-3x4", "crop-1_91x1"]
    wanted = {"crop-1x1": (1, 1), "crop-4x5": (4, 5), "crop-16x9": (16, 9),
              "crop-3x4": (3, 4), "crop-1_91x1": (191, 100)}
    for layer, entry in zip(result.layers, result.report["variants"], strict=True):
        h, w = layer.data.shape[:2]
        rw, rh = wanted[layer.role]
        assert w * rh == h * rw, layer.role  # exact to the pixel
        assert max(w, h) <= 400
        assert 0.84 <= entry["fill"] <= 0.86


def test_a_product_touching_the_border_is_padded_not_cut():
    image, mask = product_touching_border()
    for ratio in ("1:1", "16:9", "4:5"):
        framed = framing.frame(image, mask, framing.parse_ratio(ratio), 300, 0.85)
        x0, y0, x1, y1 = framed.box
        h, w = framed.mask.shape
        assert x0 > 0 and y0 > 0 and x1 < w and y1 < h  # margin on every side
        # every product pixel came along: its area is the scaled original area
        kept = (framed.mask >= 128).sum() / ((mask >= 128).sum() * framed.scale ** 2)
        assert kept == pytest.approx(1.0, abs=0.03)
        # where the photo did not reach, the frame is the photo's own grey backdrop
        assert tuple(framed.image[1, 1, :3]) == (200, 200, 200)


def test_a_cutout_is_padded_transparent():
    image, mask = product_touching_border()
    image[..., 3] = mask
    framed = framing.frame(image, mask, (1, 1), 200, 0.8)
    assert framed.image[0, 0, 3] == 0


def test_a_profile_gives_its_ratio_and_fill():
    image, mask = product_touching_border()
    result = _crops(image, mask, profile="zalando", size=500)
    h, w = result.layers[0].data.shape[:2]
    assert w * 36 == h * 25  # Zalando's 1:1.44
    amazon = _crops(image, mask, profile="amazon-main", size=500)
    assert amazon.report["fill"] >= 0.85


@pytest.mark.parametrize("ratios", ["4:x", "square", "1:0", "20:1", ""])
def test_an_unknown_ratio_is_named(ratios):
    image, mask = product_touching_border()
    with pytest.raises(PluginError, match="ratio"):
        _crops(image, mask, ratios=ratios)


def test_an_empty_product_mask_is_refused():
    image, mask = product_touching_border()
    with pytest.raises(PluginError, match="empty"):
        _crops(image, np.zeros_like(mask))


def test_progress_rises_within_0_and_1_and_cancel_stops_the_set():
    from editor.tasks.api import Cancelled

    image, mask = product_touching_border()
    values = registry().get("variants").manifest.validate(
        {"kind": "crops", "ratios": "1:1,4:5,16:9,3:4"})
    ctx = RecordingContext()
    run(Request(image, values, mask=mask), ctx)
    assert ctx.fractions == sorted(ctx.fractions) and ctx.fractions[-1] == 1.0
    with pytest.raises(Cancelled):
        run(Request(image, values, mask=mask), RecordingContext(cancel_after=2))
