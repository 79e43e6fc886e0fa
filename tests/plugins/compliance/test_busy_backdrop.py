"""A product on a busy backdrop (wood grain): the cutout finds it, the background rule
fails the backdrop, nothing is called cut off, and the fix puts it on white."""

from __future__ import annotations

import cv2
import numpy as np

from plugins.compliance.checks import check, inspect
from plugins.compliance.cutout import busy_backdrop
from plugins.compliance.facts import FileFacts
from plugins.compliance.fixes import apply_fixes, verify
from plugins.compliance.profiles import load_profile

FACTS = FileFacts("jpeg", 500_000)


def _carton_on_wood(side: int = 600) -> np.ndarray:
    rng = np.random.default_rng(0)
    x, y = np.arange(side)[None, :], np.arange(side)[:, None]
    grain = np.sin(x / 3.5 + 4 * np.sin(y / 30.0)) * 0.5 + 0.5
    noise = cv2.GaussianBlur(rng.normal(0, 1, (side, side)).astype(np.float32), (0, 0), 2)
    t = np.clip(grain * 0.7 + noise * 0.3, 0, 1)
    img = np.dstack([110 + 60 * t, 70 + 40 * t, 35 + 25 * t]).astype(np.uint8)
    a, b = side * 7 // 24, side * 17 // 24
    img[a:b, side * 35 // 100:side * 65 // 100] = (230, 230, 225)
    img[side * 3 // 8:side * 13 // 30, side * 38 // 100:side * 62 // 100] = (30, 60, 140)
    return np.dstack([img, np.full((side, side), 255, np.uint8)])


def test_wood_backdrop_fails_background_white_and_is_not_called_cut_off() -> None:
    image = _carton_on_wood()
    rules = {v.rule: v for v in check(image, FACTS, load_profile("amazon-main"))}
    assert rules["background_white"].severity == "error"
    assert "product_cropped" not in rules


def test_the_cutout_runs_only_on_a_busy_backdrop() -> None:
    white = np.full((400, 400, 4), 255, np.uint8)
    white[100:300, 150:250, :3] = (40, 90, 160)
    assert not busy_backdrop(white[..., :3])
    assert inspect(white, text=False).mask is None
    assert busy_backdrop(_carton_on_wood()[..., :3])


def test_fix_puts_the_product_on_white_and_the_recheck_passes() -> None:
    profile = load_profile("amazon-main")
    fixed = apply_fixes(_carton_on_wood(), FACTS, profile)
    assert "whiten_background" in fixed.applied
    assert (fixed.image[:5, :5, :3] == 255).all()
    assert not [v for v in verify(fixed, profile) if v.severity == "error"]


def test_resize_fix_reaches_the_recommended_size() -> None:
    profile = load_profile("amazon-main")
    small = np.full((300, 300, 4), 255, np.uint8)
    small[40:260, 60:240, :3] = (40, 90, 160)
    fixed = apply_fixes(small, FACTS, profile)
    assert max(fixed.image.shape[:2]) >= profile.rules["min_size"].params["recommended_longest"]
    assert "min_size" not in {v.rule for v in verify(fixed, profile)}


def test_cutout_clutter_at_the_edge_is_not_taken_for_a_cut_product() -> None:
    from plugins.compliance.cutout import _main_parts

    mask = np.zeros((400, 400), bool)
    mask[120:330, 150:260] = True       # the product, clear of the edge
    mask[0:400, 330:400] = True         # the next products on the shelf, at the edge
    mask[200:204, 260:330] = True       # joined to the product by a thin bridge
    kept = _main_parts(mask) > 0
    assert kept[200, 200] and not kept[:, 340:].any()
    # nothing clear of the edge: the largest part stays (the product is cut off indeed)
    cut = np.zeros((400, 400), bool)
    cut[250:400, 100:300] = True
    assert (_main_parts(cut) > 0)[399, 200]
