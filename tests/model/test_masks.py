"""Mask arithmetic as a user notices it: brush dabs and strokes, fills, the magic wand,
refinements, shapes and combining selections."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from editor.model import masks
from editor.model.commands import ReplaceRegion
from editor.model.document import Document
from editor.model.layers import MaskLayer
from editor.model.masks import Brush


def blank(w: int = 100, h: int = 100) -> np.ndarray:
    return np.zeros((h, w), np.uint8)


def dab(size: float, hardness: float, opacity: float = 1.0, at=(50.0, 50.0)) -> np.ndarray:
    mask = blank()
    patch, (x0, y0, x1, y1) = masks.paint_segment(mask, mask, at, at,
                                                  Brush(size, hardness, opacity))
    mask[y0:y1, x0:x1] = patch
    return mask


def disc(radius: float, w: int = 200, h: int = 200) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w] + 0.5
    return ((xx - w / 2) ** 2 + (yy - h / 2) ** 2 <= radius**2).astype(np.uint8) * 255


def test_a_hard_dab_of_size_20_covers_a_disc_of_radius_10():
    mask = dab(20, hardness=1.0)
    assert mask.sum() / 255 == pytest.approx(math.pi * 10**2, rel=0.02)
    assert mask[50, 50] == 255 and mask[50, 61] == 0
    # the edge is crisp: at most a one-pixel anti-aliased ring between full and empty
    partial = (mask > 0) & (mask < 255)
    assert partial.sum() < 2 * math.pi * 10 * 1.5


def test_a_soft_dab_fades_from_the_centre_to_the_rim():
    mask = dab(40, hardness=0.0)
    row = mask[50, 50:72].astype(int)
    assert row[0] == 255
    assert (np.diff(row) <= 0).all()  # never brighter further out
    assert 0 < row[10] < 255  # half-way out is half painted
    assert row[-1] == 0
    hard = dab(40, hardness=1.0)
    assert ((mask > 0) & (mask < 255)).sum() > 5 * ((hard > 0) & (hard < 255)).sum()


def test_opacity_caps_a_stroke_even_where_it_crosses_itself():
    mask = blank()
    brush = Brush(10, 1.0, 0.5)
    before = mask.copy()
    for p0, p1 in (((10, 50), (90, 50)), ((90, 50), (10, 50)), ((50, 10), (50, 90))):
        patch, (x0, y0, x1, y1) = masks.paint_segment(mask, before, p0, p1, brush)
        mask[y0:y1, x0:x1] = patch
    assert mask[50, 50] == 128
    assert mask.max() == 128


def test_a_fast_stroke_leaves_no_gaps():
    mask = blank(400, 100)
    patch, (x0, y0, x1, y1) = masks.paint_segment(mask, mask, (5, 50), (395, 50),
                                                  Brush(6, 1.0))
    mask[y0:y1, x0:x1] = patch
    assert (mask[50, 5:395] == 255).all()


def test_the_eraser_removes_only_where_it_passes():
    mask = np.full((100, 100), 255, np.uint8)
    patch, (x0, y0, x1, y1) = masks.paint_segment(mask, mask.copy(), (50, 0), (50, 100),
                                                  Brush(10, 1.0), erase=True)
    mask[y0:y1, x0:x1] = patch
    assert (mask[:, 50] == 0).all()
    assert (mask[:, :40] == 255).all() and (mask[:, 60:] == 255).all()


def test_the_brush_stays_inside_the_selection():
    mask = blank()
    selection = blank()
    selection[:, :50] = 255
    patch, (x0, y0, x1, y1) = masks.paint_segment(mask, mask, (10, 50), (90, 50),
                                                  Brush(10, 1.0), within=selection)
    mask[y0:y1, x0:x1] = patch
    assert mask[50, 20] == 255 and mask[50, 70] == 0


def test_a_stroke_update_on_a_large_mask_is_fast():
    mask = np.zeros((2000, 3000), np.uint8)
    before = mask.copy()
    brush = Brush(120, 0.5)
    masks.paint_segment(mask, before, (0, 0), (10, 10), brush)  # warm up
    start = time.perf_counter()
    for i in range(20):
        masks.paint_segment(mask, before, (100 + 40 * i, 100 + 30 * i),
                            (140 + 40 * i, 130 + 30 * i), brush)
    per_update = (time.perf_counter() - start) / 20
    start = time.perf_counter()
    masks.paint_segment(mask, before, (0, 0), (2999, 1999), brush)  # one huge mouse jump
    assert per_update < 0.01
    assert time.perf_counter() - start < 0.05


def test_a_stroke_pushed_with_its_old_pixels_undoes_in_one_step():
    doc = Document(100, 100)
    layer = MaskLayer("m", blank())
    before = layer.mask.copy()
    patch, (x0, y0, x1, y1) = masks.paint_segment(layer.mask, before, (20, 20), (80, 80),
                                                  Brush(10, 1.0))
    layer.mask[y0:y1, x0:x1] = patch  # shown live, already in the layer
    doc.history.push(ReplaceRegion(layer, x0, y0, patch, "Paint",
                                   old=before[y0:y1, x0:x1]))
    doc.history.undo()
    assert np.array_equal(layer.mask, before)
    doc.history.redo()
    assert layer.mask[50, 50] == 255


def test_flood_fill_stops_at_edges_beyond_the_tolerance():
    mask = blank()
    mask[:, 50] = 255  # a wall
    mask[:, 25:50] = 10  # close to the empty left quarter
    filled = masks.flood_fill(mask, (5, 5), 255, tolerance=16)
    assert (filled[:, :50] == 255).all()
    assert (filled[:, 51:] == 0).all()
    strict = masks.flood_fill(mask, (5, 5), 255, tolerance=5)
    assert (strict[:, :25] == 255).all() and (strict[:, 25:50] == 10).all()
    everywhere = masks.flood_fill(mask, (5, 5), 255, tolerance=16, contiguous=False)
    assert (everywhere == 255).all()


def test_magic_wand_selects_the_connected_region_within_tolerance():
    image = np.zeros((100, 100, 4), np.uint8)
    image[..., 3] = 255
    image[10:40, 10:40, :3] = (200, 50, 50)
    image[20:30, 20:30, :3] = (210, 60, 45)  # within tolerance of the seed colour
    image[60:90, 60:90, :3] = (200, 50, 50)  # same colour, not connected
    selected = masks.magic_wand(image, (15, 15), tolerance=20)
    assert selected.dtype == np.uint8
    assert (selected[10:40, 10:40] == 255).all()
    assert (selected[60:90, 60:90] == 0).all()
    assert selected.sum() // 255 == 30 * 30
    assert masks.magic_wand(image, (15, 15), tolerance=5)[25, 25] == 0
    every = masks.magic_wand(image, (15, 15), tolerance=20, contiguous=False)
    assert every.sum() // 255 == 2 * 30 * 30


def test_grow_then_shrink_gives_back_a_disc():
    shape = disc(40)
    grown = masks.grow(shape, 12)
    assert (grown > 127).sum() == pytest.approx(math.pi * 52**2, rel=0.04)
    back = masks.shrink(grown, 12)
    assert np.abs(back.astype(int) - shape).sum() / 255 < 0.02 * (shape > 0).sum()
    assert (masks.shrink(shape, 12) > 127).sum() == pytest.approx(math.pi * 28**2, rel=0.05)


def test_feather_softens_the_edge_but_keeps_the_middle():
    shape = disc(40)
    soft = masks.feather(shape, 6)
    assert soft[100, 100] == 255 and soft[0, 0] == 0
    assert ((soft > 10) & (soft < 245)).sum() > 5 * ((shape > 10) & (shape < 245)).sum()
    assert soft.sum() == pytest.approx(shape.sum(), rel=0.02)


def test_smooth_removes_specks_and_fills_notches():
    shape = disc(40)
    shape[5:8, 5:8] = 255  # a speck
    shape[98:102, 60:64] = 0  # a notch in the rim
    shape[90:93, 90:93] = 0  # a pinhole
    smoothed = masks.smooth(shape, 4)
    assert smoothed[6, 6] == 0
    assert smoothed[100, 62] == 255 and smoothed[91, 91] == 255
    assert (smoothed > 127).sum() == pytest.approx(math.pi * 40**2, rel=0.03)


def test_invert():
    mask = np.array([[0, 100, 255]], np.uint8)
    assert masks.invert(mask).tolist() == [[255, 155, 0]]


def test_ellipse_and_lasso_cover_their_areas():
    ellipse = masks.ellipse_mask((200, 200), 20, 30, 120, 90)
    assert ellipse.sum() / 255 == pytest.approx(math.pi * 50 * 30, rel=0.01)
    assert ellipse[60, 70] == 255 and ellipse[31, 21] == 0
    triangle = masks.polygon_mask((200, 200), [(10, 10), (110, 10), (110, 60)])
    assert triangle.sum() / 255 == pytest.approx(100 * 50 / 2, rel=0.02)
    half = masks.polygon_mask((10, 10), [(0, 0), (4.5, 0), (4.5, 10), (0, 10)])
    assert half[5, 4] == pytest.approx(128, abs=2)  # a half-covered pixel is half set


@pytest.mark.parametrize(("mode", "expected"), [
    ("replace", [0, 255, 255]),
    ("add", [255, 255, 255]),
    ("subtract", [255, 0, 0]),
    ("intersect", [0, 255, 0]),
])
def test_combining_selections(mode, expected):
    old = np.array([[255, 255, 0]], np.uint8)
    new = np.array([[0, 255, 255]], np.uint8)
    assert masks.combine(old, new, mode).tolist() == [expected]


def test_combining_with_no_selection():
    new = np.array([[0, 255]], np.uint8)
    assert masks.combine(None, new, "add").tolist() == [[0, 255]]
    assert masks.combine(None, new, "subtract") is None
    assert masks.combine(new, new, "subtract") is None  # nothing left: deselect


def test_changed_rect():
    a = blank()
    b = a.copy()
    b[10:20, 30:35] = 1
    assert masks.changed_rect(a, b) == (30, 10, 35, 20)
    assert masks.changed_rect(a, a) is None
