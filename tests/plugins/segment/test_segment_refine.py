"""Brush refine of a product mask: add and subtract strokes change the pixels a user
expects, stop at the product's edge when edge snap is on, and touch nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.segment.refine import apply_stroke, refine_stroke, stroke_rect

H, W = 240, 320
#: the product: a blue block on a light, slightly noisy backdrop
PRODUCT = (slice(60, 180), slice(80, 240))


def photo() -> np.ndarray:
    rng = np.random.default_rng(1)
    image = np.empty((H, W, 4), np.uint8)
    image[..., :3] = np.clip(230 + rng.integers(-10, 10, (H, W, 3)), 0, 255)
    image[..., 3] = 255
    image[PRODUCT[0], PRODUCT[1], :3] = (40, 60, 150)
    return image


def half_mask() -> np.ndarray:
    """The product's left half is in the mask; its right half was missed."""
    mask = np.zeros((H, W), np.uint8)
    mask[60:180, 80:160] = 255
    return mask


def along_right_edge(x: float = 225) -> list[tuple[float, float]]:
    """A stroke down the product's right part, close to its edge at x = 240."""
    return [(x, y) for y in range(70, 175, 5)]


def test_add_stroke_with_edge_snap_stops_at_the_product_edge():
    image, mask = photo(), half_mask()
    new = apply_stroke(image, mask, along_right_edge(), radius=30, add=True, snap=True)
    assert (new[70:170, 205:238] == 255).all(), "the product under the stroke is added"
    assert (new[:, 242:] == 0).all(), "the backdrop the brush spilled onto stays out"
    assert np.array_equal(new[:, :160], mask[:, :160])


def test_add_stroke_without_snap_paints_the_whole_brush():
    image, mask = photo(), half_mask()
    new = apply_stroke(image, mask, along_right_edge(), radius=30, add=True, snap=False)
    assert (new[100:150, 240:250] == 255).all()


def test_subtract_stroke_removes_a_region_and_keeps_the_rest():
    image, mask = photo(), half_mask()
    new = apply_stroke(image, mask, [(120, 90), (120, 150)], radius=15, add=False, snap=False)
    assert (new[95:145, 110:131] == 0).all()
    assert (new[60:180, 80:100] == 255).all() and (new[60:180, 140:160] == 255).all()


def test_subtract_stroke_with_snap_spares_the_product():
    """The mask spilled onto the backdrop left of the product; a stroke to remove the
    spill that grazes the product leaves the product whole."""
    image = photo()
    mask = np.zeros((H, W), np.uint8)
    mask[60:180, 60:240] = 255  # 20 px of backdrop on the left
    stroke = [(72, y) for y in range(65, 178, 5)]
    new = apply_stroke(image, mask, stroke, radius=16, add=False, snap=True)
    assert (new[70:170, 60:78] == 0).all(), "the spill is gone"
    assert (new[60:180, 82:240] == 255).all(), "the product stays"


def test_edit_covers_only_the_stroke_and_leaves_the_input_alone():
    image, mask = photo(), half_mask()
    before = mask.copy()
    edit = refine_stroke(image, mask, [(200, 100), (210, 110)], radius=10, add=True)
    assert edit is not None
    x0, y0, x1, y1 = edit.rect
    assert x1 - x0 <= 2 * 10 + 14 and y1 - y0 <= 2 * 10 + 14
    assert edit.patch.shape == (y1 - y0, x1 - x0)
    assert np.array_equal(mask, before)


def test_a_stroke_that_changes_nothing_or_misses_the_image_gives_none():
    image, mask = photo(), half_mask()
    assert refine_stroke(image, mask, [(120, 120)], radius=10, add=True) is None
    assert refine_stroke(image, mask, [(-100, -100)], radius=10, add=True) is None
    assert stroke_rect([], 10, mask.shape) is None


def test_a_mask_of_another_size_is_refused():
    with pytest.raises(ValueError, match="does not match"):
        refine_stroke(photo(), np.zeros((10, 10), np.uint8), [(5, 5)], radius=3)
