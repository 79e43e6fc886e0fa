"""Soft mattes: the old backdrop's colour taken out of a product's semi-transparent rim."""

import numpy as np

from editor.imaging.matte import clean_edges


def red_disc_on_blue(size=120, radius=35.0):
    y, x = np.mgrid[:size, :size].astype(np.float32)
    distance = np.hypot(x - size / 2, y - size / 2)
    alpha = np.clip((radius + 3 - distance) / 6, 0, 1)  # a six-pixel soft rim
    a = alpha[..., None]
    photo = a * np.array([220, 30, 30]) + (1 - a) * np.array([20, 40, 200])
    return np.rint(photo).astype(np.uint8), np.rint(alpha * 255).astype(np.uint8)


def test_the_rim_loses_the_old_backdrops_colour_and_the_rest_is_unchanged():
    photo, alpha = red_disc_on_blue()
    clean = clean_edges(photo, alpha)
    rim = (alpha > 40) & (alpha < 255)
    before = np.abs(photo[rim].astype(int) - (220, 30, 30)).mean()
    after = np.abs(clean[rim].astype(int) - (220, 30, 30)).mean()
    assert after < before / 4
    untouched = (alpha == 0) | (alpha == 255)
    assert (clean[untouched] == photo[untouched]).all()


def test_a_hard_mask_changes_nothing():
    photo, alpha = red_disc_on_blue()
    hard = np.where(alpha >= 128, 255, 0).astype(np.uint8)
    assert (clean_edges(photo, hard) == photo).all()


def test_a_rim_of_more_than_32767_soft_pixels_is_cleaned_too():
    """A cutout's soft mask on a large photo: cv2.remap refuses maps over 32,767 wide."""
    size = 2400
    y, x = np.mgrid[:size, :size].astype(np.float32)
    distance = np.hypot(x - size / 2, y - size / 2)
    alpha = np.clip((1000 + 3 - distance) / 6, 0, 1)
    assert ((alpha > 0) & (alpha < 1)).sum() > 32_767
    a = alpha[..., None]
    mixed = np.clip(a * 250 + (1 - a) * np.array([120, 80, 40]) + 0.5, 0, 255).astype(np.uint8)
    alpha8 = np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)
    out = clean_edges(mixed, alpha8)
    rim = (alpha8 > 100) & (alpha8 < 200)
    before = np.abs(mixed[rim].astype(int) - 250).mean()
    after = np.abs(out[rim].astype(int) - 250).mean()
    assert after < before / 3
