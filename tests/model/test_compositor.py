"""The flattened image, checked against values worked out by hand (straight alpha, 0-255)."""

from __future__ import annotations

import numpy as np
import pytest

from editor.model.compositor import composite
from editor.model.layers import Box, BoxLayer, MaskLayer, RasterLayer

W, H = 6, 4
SIZE = (W, H)


def solid(name: str, rgba: tuple[int, int, int, int], **props) -> RasterLayer:
    return RasterLayer(name, np.tile(np.array(rgba, np.uint8), (H, W, 1)), **props)


def noisy(name: str, seed: int, **props) -> RasterLayer:
    rng = np.random.default_rng(seed)
    return RasterLayer(name, rng.integers(0, 256, (H, W, 4), dtype=np.uint8), **props)


def pixel(image: np.ndarray) -> np.ndarray:
    """The one colour of a uniform image (and a check that it is uniform)."""
    assert (image == image[0, 0]).all()
    return image[0, 0].astype(int)


def assert_rgba(image: np.ndarray, expected: tuple[int, int, int, int]) -> None:
    """Within one level of the hand-computed value (rounding of the last bit is free)."""
    np.testing.assert_allclose(pixel(image), expected, atol=1)


def test_a_single_opaque_layer_is_returned_as_it_is() -> None:
    photo = noisy("Photo", 1)
    out = composite([photo], SIZE)
    assert out.dtype == np.uint8 and out.shape == (H, W, 4)
    np.testing.assert_array_equal(out, photo.pixels)
    out[...] = 0  # the result is the caller's to change
    assert photo.pixels.any()


def test_no_visible_layers_give_a_transparent_image() -> None:
    out = composite([solid("Hidden", (255, 0, 0, 255), visible=False)], SIZE)
    assert out.shape == (H, W, 4) and not out.any()
    assert not composite([], SIZE).any()


def test_half_opacity_red_over_opaque_blue() -> None:
    layers = [solid("Blue", (0, 0, 255, 255)), solid("Red", (255, 0, 0, 255), opacity=0.5)]
    assert_rgba(composite(layers, SIZE), (128, 0, 128, 255))


def test_half_transparent_red_pixels_over_opaque_blue() -> None:
    layers = [solid("Blue", (0, 0, 255, 255)), solid("Red", (255, 0, 0, 128))]
    # 255 * 128/255 = 128 red, 255 * 127/255 = 127 blue
    assert_rgba(composite(layers, SIZE), (128, 0, 127, 255))


def test_multiply_against_hand_computed_values() -> None:
    backdrop = solid("Photo", (200, 100, 50, 255))
    top = solid("Tint", (100, 255, 0, 255), blend="multiply")
    # 200*100/255 = 78.4, 100*255/255 = 100, 50*0/255 = 0
    assert_rgba(composite([backdrop, top], SIZE), (78, 100, 0, 255))


def test_screen_against_hand_computed_values() -> None:
    backdrop = solid("Photo", (200, 100, 50, 255))
    top = solid("Glow", (100, 255, 0, 255), blend="screen")
    # 255 - (255-200)(255-100)/255 = 221.6, 255 - 155*0/255 = 255, 255 - 205*255/255 = 50
    assert_rgba(composite([backdrop, top], SIZE), (222, 255, 50, 255))


def test_multiply_at_half_opacity_is_halfway_between_backdrop_and_product() -> None:
    backdrop = solid("Photo", (200, 100, 50, 255))
    top = solid("Tint", (100, 255, 0, 255), blend="multiply", opacity=0.5)
    # (200 + 78.4) / 2 = 139.2, (100 + 100) / 2 = 100, (50 + 0) / 2 = 25
    assert_rgba(composite([backdrop, top], SIZE), (139, 100, 25, 255))


def test_blend_modes_over_transparency_show_the_layer_unchanged() -> None:
    # with no backdrop there is nothing to multiply or screen with
    for mode in ("multiply", "screen"):
        top = solid("Tint", (100, 255, 0, 128), blend=mode, opacity=0.999)
        assert_rgba(composite([top], SIZE), (100, 255, 0, 128))


def test_semi_transparent_layer_over_transparency_keeps_straight_alpha() -> None:
    red = solid("Red", (255, 0, 0, 128))
    faded = solid("Faded red", (255, 0, 0, 255), opacity=0.5)
    empty = solid("Empty", (0, 0, 0, 0))
    # the colour stays full red (not darkened towards black); only alpha drops
    assert_rgba(composite([empty, red], SIZE), (255, 0, 0, 128))
    assert_rgba(composite([faded], SIZE), (255, 0, 0, 128))
    assert_rgba(composite([empty, faded, empty], SIZE), (255, 0, 0, 128))


def test_two_semi_transparent_layers_combine_alpha() -> None:
    red = solid("Red", (255, 0, 0, 255), opacity=0.5)
    blue = solid("Blue", (0, 0, 255, 255), opacity=0.5)
    # alpha 0.5 + 0.5 * 0.5 = 0.75; colour 0.5 blue + 0.25 red over 0.75 = 1/3 red, 2/3 blue
    assert_rgba(composite([red, blue], SIZE), (85, 0, 170, 191))


def test_fully_transparent_pixels_leave_the_backdrop_alone() -> None:
    photo = noisy("Photo", 3)
    photo.pixels[..., 3] = 255
    ghost = solid("Ghost", (0, 255, 0, 0))
    np.testing.assert_array_equal(composite([photo, ghost], SIZE), photo.pixels)


def test_hidden_and_zero_opacity_layers_are_ignored() -> None:
    photo = noisy("Photo", 4)
    hidden = solid("Hidden", (255, 0, 0, 255), visible=False)
    clear = solid("Clear", (0, 255, 0, 255), opacity=0.0)
    np.testing.assert_array_equal(composite([photo, hidden, clear], SIZE), photo.pixels)


def test_mask_and_box_layers_are_not_part_of_the_image() -> None:
    photo = solid("Photo", (10, 20, 30, 200), opacity=0.75)
    mask = MaskLayer("Mask", np.full((H, W), 255, np.uint8), opacity=1.0)
    boxes = BoxLayer("Boxes", [Box(0, 0, W, H)], SIZE)
    expected = composite([photo], SIZE)
    np.testing.assert_array_equal(composite([mask, photo, boxes], SIZE), expected)
    np.testing.assert_array_equal(composite([mask, boxes], SIZE), np.zeros((H, W, 4), np.uint8))


def test_compositing_does_not_change_the_layers() -> None:
    layers = [noisy("A", 5), noisy("B", 6, blend="screen", opacity=0.4)]
    before = [layer.pixels.copy() for layer in layers]
    composite(layers, SIZE, background=(255, 255, 255))
    for layer, pixels in zip(layers, before, strict=True):
        np.testing.assert_array_equal(layer.pixels, pixels)


@pytest.mark.parametrize("rect", [(0, 0, W, H), (1, 1, 4, 3), (5, 0, 6, 4), (2, 3, 3, 4)])
@pytest.mark.parametrize("stack", ["single", "blended"])
def test_a_rect_equals_cropping_the_full_composite(rect, stack: str) -> None:
    if stack == "single":
        layers = [noisy("Photo", 7)]
    else:
        layers = [noisy("Photo", 7), noisy("Ink", 8, blend="multiply", opacity=0.6),
                  noisy("Glow", 9, blend="screen"), noisy("Top", 10, opacity=0.3)]
    x0, y0, x1, y1 = rect
    full = composite(layers, SIZE)
    np.testing.assert_array_equal(composite(layers, SIZE, rect), full[y0:y1, x0:x1])
    flat = composite(layers, SIZE, background=(40, 50, 60))
    np.testing.assert_array_equal(
        composite(layers, SIZE, rect, background=(40, 50, 60)), flat[y0:y1, x0:x1]
    )


def test_a_rect_past_the_edges_is_clipped_to_the_image() -> None:
    layers = [noisy("Photo", 11), noisy("Top", 12, opacity=0.5)]
    np.testing.assert_array_equal(
        composite(layers, SIZE, (-3, -2, W + 4, H + 1)), composite(layers, SIZE)
    )


def test_a_background_flattens_to_opaque() -> None:
    red = solid("Red", (255, 0, 0, 128))
    # over white: 255 red; 255 * 127/255 = 127 green and blue
    assert_rgba(composite([red], SIZE, background=(255, 255, 255)), (255, 127, 127, 255))
    assert_rgba(composite([], SIZE, background=(1, 2, 3)), (1, 2, 3, 255))
    photo = noisy("Photo", 13)
    flat = composite([photo], SIZE, background=(0, 0, 0))
    assert (flat[..., 3] == 255).all()
    # over black the colour is darkened by alpha: c * a
    expected = np.rint(photo.pixels[..., :3] * (photo.pixels[..., 3:4] / 255.0))
    np.testing.assert_allclose(flat[..., :3], expected, atol=1)


def test_the_order_of_layers_matters() -> None:
    red = solid("Red", (255, 0, 0, 255), opacity=0.75)
    blue = solid("Blue", (0, 0, 255, 255))
    assert_rgba(composite([blue, red], SIZE), (191, 0, 64, 255))
    assert_rgba(composite([red, blue], SIZE), (0, 0, 255, 255))
    a, b = noisy("A", 14), noisy("B", 15, opacity=0.5)
    assert not np.array_equal(composite([a, b], SIZE), composite([b, a], SIZE))
