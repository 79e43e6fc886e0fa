"""The synthetic sample photos: deterministic, with exact masks, and the bundled files are
what the script renders."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from editor.paths import SAMPLES
from editor.samples import BACKGROUNDS, KINDS, main, render_product, render_sample
from editor.samples.cli import SIZE, bundled_sample

SMALL = (320, 240)


@pytest.fixture(scope="module")
def small() -> dict:
    """Every kind once on a sweep at a small size, shared by the tests that only look."""
    return {kind: render_sample(kind, SMALL, seed=3) for kind in KINDS}


def test_there_are_the_promised_kinds_and_backgrounds():
    assert {"bottle", "box", "mug", "bag"} <= set(KINDS)
    assert {"jar", "can"} & set(KINDS)
    assert set(BACKGROUNDS) == {"sweep", "white", "gradient", "texture"}


def test_same_seed_same_pixels_other_seed_other_pixels():
    a = render_sample("bottle", SMALL, seed=7)
    b = render_sample("bottle", SMALL, seed=7)
    c = render_sample("bottle", SMALL, seed=8)
    assert np.array_equal(a.image, b.image) and np.array_equal(a.mask, b.mask)
    assert not np.array_equal(a.image, c.image)


def test_image_is_opaque_rgba_and_ground_truth_has_the_documented_types(small):
    for kind, s in small.items():
        assert s.image.shape == (240, 320, 4) and s.image.dtype == np.uint8
        assert (s.image[..., 3] == 255).all()
        assert s.mask.shape == s.shadow.shape == (240, 320) and s.mask.dtype == np.uint8
        assert s.kind == kind and s.background == "sweep"


def test_mask_covers_the_product_and_is_zero_away_from_it(small):
    for kind, s in small.items():
        x0, y0, x1, y1 = s.box
        inside = s.mask[y0:y1, x0:x1]
        assert (inside == 255).mean() > 0.3, kind
        outside = s.mask.copy()
        outside[y0:y1, x0:x1] = 0
        assert not outside.any(), kind
        assert s.mask[:10].max() == 0 and s.mask[-5:].max() == 0, kind
        # The product is darker or more colourful than the pale sweep somewhere in the mask.
        product = s.image[..., :3][s.mask == 255].astype(int)
        assert (np.abs(product - 230).max(axis=1) > 40).mean() > 0.2, kind


def test_mask_edge_is_anti_aliased(small):
    for kind, s in small.items():
        edge = (s.mask > 0) & (s.mask < 255)
        assert edge.sum() > 50, kind
        assert len(np.unique(s.mask[edge])) > 20, kind


def test_box_is_tight(small):
    for kind, s in small.items():
        x0, y0, x1, y1 = s.box
        assert s.mask[y0].any() and s.mask[y1 - 1].any(), kind
        assert s.mask[:, x0].any() and s.mask[:, x1 - 1].any(), kind


def test_the_hole_in_the_mug_handle_is_background():
    s = render_sample("mug", (640, 480))
    count, labels = cv2.connectedComponents((s.mask == 0).astype(np.uint8), connectivity=4)
    border = set(labels[0]) | set(labels[-1]) | set(labels[:, 0]) | set(labels[:, -1])
    holes = [i for i in range(1, count) if i not in border]
    assert len(holes) == 1
    hole = labels == holes[0]
    assert hole.sum() > 1000
    assert hole.nonzero()[1].mean() > (s.box[0] + s.box[2]) / 2  # on the handle's side


def test_white_background_is_exactly_white_outside_product_and_shadow():
    for kind in KINDS:
        s = render_sample(kind, SMALL, background="white", seed=1, noise_sigma=3.0)
        clear = (s.mask == 0) & (s.shadow == 0)
        assert clear.mean() > 0.5, kind
        assert (s.image[..., :3][clear] == 255).all(), kind
        assert s.shadow.max() > 60, kind  # the product still stands on a shadow


def test_shadow_lies_under_the_product_not_in_the_mask():
    s = render_sample("box", SMALL, background="white", noise_sigma=0)
    x0, y0, x1, y1 = s.box
    below = s.shadow[y1 : y1 + 6, x0:x1]
    above = s.shadow[: max(y0 - 10, 1)]
    assert below.max() > 40 and above.max() == 0


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_every_kind_renders_at_every_size(background):
    for kind in KINDS:
        for size in [(64, 48), (48, 64), (150, 100)]:
            s = render_sample(kind, size, background=background, seed=2)
            assert s.image.shape == (size[1], size[0], 4)
            assert s.mask.max() == 255, (kind, size)


def test_a_product_partly_or_wholly_out_of_frame_is_clipped():
    s = render_sample("bag", SMALL, position=(0.0, 0.5))
    assert s.box[0] == 0 and s.mask.max() == 255
    gone = render_sample("bag", SMALL, position=(5.0, 5.0))
    assert gone.box == (0, 0, 0, 0) and gone.mask.max() == 0


def test_colour_and_bad_arguments():
    red = render_sample("mug", SMALL, colour=(200, 20, 20), noise_sigma=0)
    pixels = red.image[..., :3][red.mask == 255].astype(int)
    assert np.median(pixels[:, 0] - pixels[:, 2]) > 50
    with pytest.raises(ValueError, match="unknown product kind"):
        render_sample("teapot", SMALL)
    with pytest.raises(ValueError, match="unknown background"):
        render_sample("mug", SMALL, background="beach")


def test_render_product_has_straight_alpha_equal_to_the_mask():
    rgba, mask = render_product("mug", 200, seed=4, colour=(230, 225, 215))
    assert rgba.dtype == np.uint8 and rgba.shape[2] == 4
    assert 200 <= rgba.shape[0] <= 210
    assert np.array_equal(rgba[..., 3], mask)
    # Straight alpha: a faint edge pixel keeps the product's colour; premultiplied colour
    # could never exceed the alpha.
    faint = (mask > 0) & (mask < 100)
    assert (rgba[..., :3].max(axis=2)[faint] > mask[faint]).mean() > 0.6
    assert mask[0].max() == 0 and mask[:, 0].max() == 0  # a margin keeps the edge whole


def test_bundled_files_are_what_the_script_renders():
    for kind in KINDS:
        photo = np.asarray(Image.open(SAMPLES / f"{kind}.png").convert("RGB"))
        mask = np.asarray(Image.open(SAMPLES / "masks" / f"{kind}.png"))
        fresh = bundled_sample(kind)
        assert photo.shape == (SIZE[1], SIZE[0], 3)
        # One grey level of slack: float maths may round differently on another CPU's SIMD
        # path, but any real change to the script moves far more than that.
        for got, want in [(photo, fresh.image[..., :3]), (mask, fresh.mask)]:
            diff = np.abs(got.astype(int) - want.astype(int))
            assert diff.max() <= 1 and (diff > 0).mean() < 0.001, kind
    assert "Apache-2.0" in (SAMPLES / "README.md").read_text()


def test_main_writes_photos_masks_and_readme(tmp_path):
    assert main([str(tmp_path), "--size", "96x72"]) == 0
    for kind in KINDS:
        photo = Image.open(tmp_path / f"{kind}.png")
        mask = Image.open(tmp_path / "masks" / f"{kind}.png")
        assert photo.size == mask.size == (96, 72) and mask.mode == "L"
    assert "generated" in (tmp_path / "README.md").read_text()
