"""Shadows made from a product's alpha: where they fall, how dark, and what they leave alone."""

import numpy as np

from editor.imaging.shadows import (
    contact_shadow,
    darken,
    darkness_layer,
    drop_shadow,
    footprint,
    light_offset,
    reflection,
)


def standing_box(h=200, w=300, x0=100, x1=200, y0=40, y1=150):
    """A product standing on the floor at row y1 - 1."""
    alpha = np.zeros((h, w), np.uint8)
    alpha[y0:y1, x0:x1] = 255
    return alpha


def test_footprint_is_the_base_on_the_floor_not_a_handle_above_it():
    alpha = standing_box()
    alpha[60:100, 200:240] = 255  # a mug's handle, well above the floor
    fp = footprint(alpha)
    assert fp is not None
    assert fp.floor == 149 and (fp.x0, fp.x1) == (100, 200)
    assert fp.box == (100, 40, 240, 150)
    assert footprint(np.zeros((10, 10), np.uint8)) is None


def test_contact_shadow_darkens_the_floor_under_the_base_and_nothing_far_away():
    alpha = standing_box()
    dark = contact_shadow(alpha, opacity=0.6)
    assert dark.shape == alpha.shape and dark.dtype == np.uint8
    under = dark[150:156, 110:190]
    assert under.mean() > 60  # clearly darker right under the product
    assert dark.max() <= round(0.6 * 255) + 1
    assert dark[:30].max() == 0  # the wall above the product
    assert dark[:, :40].max() == 0 and dark[:, 260:].max() == 0  # far to the sides
    # softer is wider and less dark at the core
    soft = contact_shadow(alpha, opacity=0.6, softness=3.0)
    assert (soft > 5).sum() > (dark > 5).sum()


def test_contact_shadow_of_no_product_is_empty():
    assert contact_shadow(np.zeros((50, 60), np.uint8)).max() == 0


def test_drop_shadow_falls_away_from_the_light_at_its_opacity():
    alpha = standing_box()
    dark = drop_shadow(alpha, light_angle=135, distance=0.2, softness=0.02, opacity=0.5)
    ys, xs = np.nonzero(dark > 10)
    py, px = np.nonzero(alpha)
    assert xs.mean() > px.mean() + 10 and ys.mean() > py.mean() + 10  # to the lower right
    assert abs(int(dark.max()) - 128) <= 3
    left = drop_shadow(alpha, light_angle=0, distance=0.2, softness=0.02)
    assert np.nonzero(left > 10)[1].mean() < px.mean() - 10  # light from the right


def test_light_offset_points_away_from_the_light():
    dx, dy = light_offset(90, 10)  # light from above: the shadow falls straight down
    assert abs(dx) < 1e-6 and abs(dy - 10) < 1e-6


def test_reflection_mirrors_the_base_below_the_floor_and_fades():
    h, w = 200, 120
    alpha = standing_box(h, w, 30, 90, 40, 120)
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[100:120, 30:90] = (200, 0, 0)  # a red base
    rgb[40:100, 30:90] = (0, 0, 200)  # a blue top
    mirror = reflection(rgb, alpha, opacity=0.5, fade=0.5)
    assert mirror[:120, :, 3].max() == 0  # nothing over or above the product
    assert tuple(mirror[121, 60, :3]) == (200, 0, 0)  # the base just under the floor
    assert abs(int(mirror[120, 60, 3]) - 127) <= 2
    column = mirror[120:180, 60, 3].astype(int)
    assert (np.diff(column) <= 0).all() and column[-1] < column[0] // 4  # fading away


def test_darkness_layer_darkens_a_backdrop_as_darken_says():
    dark = np.zeros((4, 5), np.uint8)
    dark[1, 2] = 128
    layer = darkness_layer(dark)
    assert layer[..., :3].max() == 0 and layer[1, 2, 3] == 128
    floor = np.full((4, 5, 3), 200, np.uint8)
    out = darken(floor, dark)
    assert tuple(out[1, 2]) == (100, 100, 100) and tuple(out[0, 0]) == (200, 200, 200)
