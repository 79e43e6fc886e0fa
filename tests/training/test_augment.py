"""Augmentations move the image, its mask and its boxes together, the same way every run."""

from __future__ import annotations

import numpy as np
import pytest

from editor.model.layers import Box
from editor.training.augment import colour_jitter, random_crop, random_flip, random_scale


def marked(width: int = 40, height: int = 30, at: tuple[int, int] = (7, 5)) -> tuple:
    """A noisy RGBA image whose mask is 255 exactly where a 3x3 white marker sits."""
    rng = np.random.default_rng(1)
    image = rng.integers(0, 200, (height, width, 4), dtype=np.uint8)
    image[..., 3] = 255
    mask = np.zeros((height, width), np.uint8)
    x, y = at
    image[y:y + 3, x:x + 3, :3] = 255
    mask[y:y + 3, x:x + 3] = 255
    return image, mask, Box(x, y, x + 3, y + 3, "marker")


def marker_centre(array: np.ndarray) -> tuple[float, float]:
    """Centre (x, y) of the white marker in an image or of the 255s in a mask."""
    hits = np.all(array[..., :3] == 255, axis=-1) if array.ndim == 3 else array > 127
    ys, xs = np.nonzero(hits)
    return float(xs.mean()), float(ys.mean())


def box_centre(box: Box) -> tuple[float, float]:
    return (box.x0 + box.x1) / 2 - 0.5, (box.y0 + box.y1) / 2 - 0.5  # pixel-centre convention


@pytest.mark.parametrize("seed", range(5))
def test_crop_keeps_marker_mask_and_box_together(seed: int) -> None:
    image, mask, box = marked(at=(18, 13))  # every 24x20 window holds the whole marker
    out = random_crop(image, mask, (24, 20), np.random.default_rng(seed), boxes=[box])
    assert out.image.shape == (20, 24, 4) and out.target.shape == (20, 24)
    assert marker_centre(out.image) == marker_centre(out.target) == box_centre(out.boxes[0])


def test_crop_is_the_same_for_the_same_seed_and_varies_between_seeds() -> None:
    image, mask, _ = marked()
    first = random_crop(image, mask, 16, np.random.default_rng(3))
    again = random_crop(image, mask, 16, np.random.default_rng(3))
    assert np.array_equal(first.image, again.image) and np.array_equal(first.target, again.target)
    crops = {random_crop(image, mask, 16, np.random.default_rng(s)).image.tobytes()
             for s in range(10)}
    assert len(crops) > 1


def test_crop_pads_a_small_image_and_drops_boxes_mostly_outside() -> None:
    image, mask, _ = marked(width=10, height=8)
    out = random_crop(image, mask, (12, 12), np.random.default_rng(0))
    assert out.image.shape == (12, 12, 4)
    assert not out.image[8:].any() and not out.target[:, 10:].any()
    wide = np.zeros((10, 100, 3), np.uint8)
    boxes = [Box(0, 0, 10, 10, "left"), Box(90, 0, 100, 10, "right")]
    out = random_crop(wide, None, (20, 10), np.random.default_rng(0), boxes=boxes)
    assert out.target is None
    assert len(out.boxes) <= 1  # a 20-wide window cannot hold both far ends


def test_horizontal_flip_mirrors_boxes() -> None:
    image = np.zeros((6, 10, 3), np.uint8)
    out = random_flip(image, None, np.random.default_rng(0),
                      boxes=[Box(1, 2, 4, 5, "cup", 0.9)], horizontal=1.0)
    assert out.boxes == [Box(6, 2, 9, 5, "cup", 0.9)]


def test_vertical_flip_mirrors_boxes() -> None:
    image = np.zeros((6, 10, 3), np.uint8)
    out = random_flip(image, None, np.random.default_rng(0),
                      boxes=[Box(1, 0, 4, 2, "cup")], horizontal=0.0, vertical=1.0)
    assert out.boxes == [Box(1, 4, 4, 6, "cup")]


def test_flip_moves_marker_mask_and_box_together() -> None:
    image, mask, box = marked()
    out = random_flip(image, mask, np.random.default_rng(0), boxes=[box],
                      horizontal=1.0, vertical=1.0)
    assert marker_centre(out.image) == marker_centre(out.target) == box_centre(out.boxes[0])
    assert marker_centre(out.image) != marker_centre(image)


def test_flipping_twice_gives_back_the_original() -> None:
    image, mask, box = marked()
    once = random_flip(image, mask, np.random.default_rng(0), [box], horizontal=1.0)
    twice = random_flip(once.image, once.target, np.random.default_rng(0), once.boxes,
                        horizontal=1.0)
    assert np.array_equal(twice.image, image) and np.array_equal(twice.target, mask)
    assert twice.boxes == [box]


def test_flip_with_default_probability_happens_about_half_the_time() -> None:
    image, mask, _ = marked()
    rng = np.random.default_rng(0)
    flipped = sum(not np.array_equal(random_flip(image, mask, rng).image, image)
                  for _ in range(200))
    assert 70 < flipped < 130


@pytest.mark.parametrize("seed", range(4))
def test_scale_keeps_marker_mask_and_box_together(seed: int) -> None:
    image, mask, box = marked(width=60, height=50, at=(30, 20))
    image[20:23, 30:33, :3] = 255
    out = random_scale(image, mask, np.random.default_rng(seed), boxes=[box], low=0.7, high=1.6)
    assert out.image.shape[:2] == out.target.shape
    assert set(np.unique(out.target)) <= {0, 255}  # nearest neighbour keeps the mask binary
    mask_x, mask_y = marker_centre(out.target)
    box_x, box_y = box_centre(out.boxes[0])
    assert abs(mask_x - box_x) <= 1 and abs(mask_y - box_y) <= 1
    factor = out.image.shape[1] / 60
    assert abs(out.boxes[0].width - 3 * factor) < 1e-6


def test_scale_keeps_single_channel_targets_two_dimensional() -> None:
    image, mask, _ = marked()
    out = random_scale(image, mask[..., None], np.random.default_rng(0))
    assert out.target.ndim == 3 and out.target.shape[2] == 1


def test_colour_jitter_is_repeatable_and_keeps_alpha() -> None:
    image, _, _ = marked()
    image[..., 3] = np.arange(image.shape[1], dtype=np.uint8)
    first = colour_jitter(image, np.random.default_rng(5), 0.4)
    again = colour_jitter(image, np.random.default_rng(5), 0.4)
    assert np.array_equal(first, again)
    assert np.array_equal(first[..., 3], image[..., 3])
    assert not np.array_equal(first[..., :3], image[..., :3])
    assert first.dtype == np.uint8 and first.shape == image.shape


def test_colour_jitter_with_no_strength_changes_nothing() -> None:
    image, _, _ = marked()
    assert np.array_equal(colour_jitter(image, np.random.default_rng(0), 0.0), image)
    grey = image[..., 0]
    assert np.array_equal(colour_jitter(grey, np.random.default_rng(0), 0.0), grey)


def test_a_target_of_another_size_is_refused() -> None:
    image, mask, _ = marked()
    with pytest.raises(ValueError, match="must match"):
        random_flip(image, mask[:-1], np.random.default_rng(0))
