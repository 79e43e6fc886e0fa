"""Mask and selection tools driven with the mouse: brush, eraser, fill, ellipse, lasso and
magic wand change the pixels or selection a user expects, and one undo takes it back."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from editor.model.commands import AddLayer, SetLayerProperties, SetSelection
from editor.model.document import Document
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.canvas import Canvas

W, H = 200, 100
NO = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
LEFT = Qt.MouseButton.LeftButton


def photo() -> np.ndarray:
    """Grey, with a red square at (20..60, 20..60) and a same-red one at (120..160, 20..60)."""
    image = np.full((H, W, 4), 128, np.uint8)
    image[..., 3] = 255
    image[20:60, 20:60, :3] = (220, 30, 30)
    image[20:60, 120:160, :3] = (220, 30, 30)
    return image


@pytest.fixture
def doc(canvas) -> Document:
    document = Document(W, H)
    document.history.push(AddLayer(RasterLayer("Photo", photo())))
    document.history.push(AddLayer(MaskLayer("Mask", np.zeros((H, W), np.uint8))))
    canvas.set_document(document)
    assert canvas.zoom() == pytest.approx(1.0)
    return document


def at(canvas: Canvas, x: float, y: float):
    return canvas.image_to_widget(QPointF(x, y)).toPoint()


def drag(qtbot, canvas: Canvas, points: list[tuple[float, float]], modifiers=NO) -> None:
    """Press at the first image point, move through the others, release at the last."""
    view = canvas.viewport()
    qtbot.mousePress(view, LEFT, modifiers, at(canvas, *points[0]))
    for point in points[1:]:
        qtbot.mouseMove(view, at(canvas, *point))
    qtbot.mouseRelease(view, LEFT, modifiers, at(canvas, *points[-1]))


def click(qtbot, canvas: Canvas, x: float, y: float, modifiers=NO) -> None:
    qtbot.mouseClick(canvas.viewport(), LEFT, modifiers, at(canvas, x, y))


def mask_of(doc: Document) -> np.ndarray:
    return doc.active_layer.mask


# -- brush and eraser ---------------------------------------------------------------------
def test_a_brush_stroke_paints_the_mask_and_one_undo_takes_it_back(qtbot, canvas, doc):
    canvas.set_tool("brush")
    canvas.tool_instance().set_brush(size=10, hardness=1.0, opacity=1.0)
    steps = len(doc.history.texts)
    drag(qtbot, canvas, [(20, 50), (60, 50), (100, 50), (180, 50)])  # fast, far-apart moves
    mask = mask_of(doc)
    assert (mask[50, 20:180] == 255).all()  # no gaps between the mouse events
    assert mask[30, 100] == 0 and mask[70, 100] == 0
    assert len(doc.history.texts) == steps + 1
    doc.history.undo()
    assert not mask_of(doc).any()
    doc.history.redo()
    assert (mask_of(doc)[50, 20:180] == 255).all()


def test_a_click_paints_one_dab_of_the_brush_size(qtbot, canvas, doc):
    canvas.set_tool("brush")
    canvas.tool_instance().set_brush(size=20, hardness=1.0, opacity=1.0)
    click(qtbot, canvas, 100.5, 50.5)
    assert mask_of(doc).sum() / 255 == pytest.approx(math.pi * 10**2, rel=0.05)


def test_brackets_change_the_brush_size_and_its_slider(qtbot, canvas, doc):
    canvas.set_tool("brush")
    brush = canvas.tool_instance()
    brush.set_brush(size=30)
    slider = brush.options().findChildren(type(brush._sliders["size"]))[0]
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert brush.brush.size == pytest.approx(36)
    assert slider.value() == 36
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert brush.brush.size == pytest.approx(25)
    slider.setValue(80)
    assert brush.brush.size == 80


def test_the_eraser_clears_where_it_passes_and_undo_restores(qtbot, canvas, doc):
    layer = doc.active_layer
    layer.mask[...] = 255
    canvas.set_tool("eraser")
    canvas.tool_instance().set_brush(size=8, hardness=1.0, opacity=1.0)
    drag(qtbot, canvas, [(100, 5), (100, 95)])
    assert (layer.mask[5:95, 100] == 0).all()
    assert (layer.mask[:, :90] == 255).all()
    doc.history.undo()
    assert (layer.mask == 255).all()


def test_half_opacity_paints_half_way(qtbot, canvas, doc):
    canvas.set_tool("brush")
    canvas.tool_instance().set_brush(size=10, hardness=1.0, opacity=0.5)
    drag(qtbot, canvas, [(50, 50), (150, 50), (50, 50)])  # back over the same pixels
    assert mask_of(doc)[50, 100] == 128


def test_the_brush_refuses_a_locked_mask_and_says_why(qtbot, canvas, doc):
    layer = doc.active_layer
    doc.history.push(SetLayerProperties(layer, locked=True))
    steps = len(doc.history.texts)
    canvas.set_tool("brush")
    with qtbot.waitSignal(canvas.notice) as notice:
        drag(qtbot, canvas, [(50, 50), (150, 50)])
    assert "locked" in notice.args[0] and notice.args[1] == "warning"
    assert not layer.mask.any()
    assert len(doc.history.texts) == steps


def test_the_brush_refuses_a_photo_layer(qtbot, canvas, doc):
    photo_layer = doc.layers[0]
    doc.set_active(photo_layer)
    before = photo_layer.pixels.copy()
    canvas.set_tool("brush")
    with qtbot.waitSignal(canvas.notice) as notice:
        click(qtbot, canvas, 50, 50)
    assert "mask layer" in notice.args[0]
    assert np.array_equal(photo_layer.pixels, before)


def test_escape_during_a_stroke_takes_it_back_without_a_step(qtbot, canvas, doc):
    canvas.set_tool("brush")
    steps = len(doc.history.texts)
    view = canvas.viewport()
    qtbot.mousePress(view, LEFT, NO, at(canvas, 50, 50))
    qtbot.mouseMove(view, at(canvas, 120, 50))
    assert mask_of(doc).any()  # shown live
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(view, LEFT, NO, at(canvas, 120, 50))
    assert not mask_of(doc).any()
    assert len(doc.history.texts) == steps


def test_the_brush_stays_inside_the_selection(qtbot, canvas, doc):
    selection = np.zeros((H, W), np.uint8)
    selection[:, :100] = 255
    doc.history.push(SetSelection(selection))
    canvas.set_tool("brush")
    canvas.tool_instance().set_brush(size=10, hardness=1.0)
    drag(qtbot, canvas, [(50, 50), (150, 50)])
    assert mask_of(doc)[50, 80] == 255 and mask_of(doc)[50, 120] == 0


# -- fill ---------------------------------------------------------------------------------
def test_fill_pours_into_the_enclosed_area_and_alt_empties_it(qtbot, canvas, doc):
    layer = doc.active_layer
    layer.mask[:, 100] = 128  # a wall, beyond the tolerance of both 0 and 255
    canvas.set_tool("fill")
    click(qtbot, canvas, 30, 30)
    assert (layer.mask[:, :100] == 255).all() and not layer.mask[:, 101:].any()
    click(qtbot, canvas, 30, 30, ALT)
    assert not layer.mask[:, :100].any() and (layer.mask[:, 100] == 128).all()
    doc.history.undo()
    assert (layer.mask[:, :100] == 255).all()
    doc.history.undo()
    assert not layer.mask[:, :100].any()


# -- selections ---------------------------------------------------------------------------
def test_ellipse_select_and_its_modifiers(qtbot, canvas, doc):
    canvas.set_tool("ellipse_select")
    drag(qtbot, canvas, [(20, 20), (60, 40), (100, 80)])
    first = doc.selection.copy()
    assert first.sum() / 255 == pytest.approx(math.pi * 40 * 30, rel=0.03)
    assert first[50, 60] == 255 and first[22, 22] == 0
    drag(qtbot, canvas, [(120, 20), (180, 80)], SHIFT)  # add a second one
    assert doc.selection[50, 60] == 255 and doc.selection[50, 150] == 255
    drag(qtbot, canvas, [(40, 20), (80, 80)], ALT)  # bite out of the first
    assert doc.selection[50, 60] == 0 and doc.selection[50, 30] == 255
    doc.history.undo()
    doc.history.undo()
    assert np.array_equal(doc.selection, first)
    doc.history.undo()
    assert doc.selection is None


def test_shift_alt_keeps_only_the_overlap(qtbot, canvas, doc):
    canvas.set_tool("ellipse_select")
    drag(qtbot, canvas, [(0, 0), (120, 100)])
    drag(qtbot, canvas, [(80, 0), (200, 100)], SHIFT | ALT)
    assert doc.selection[50, 100] == 255
    assert doc.selection[50, 40] == 0 and doc.selection[50, 160] == 0


def test_lasso_selects_the_traced_polygon(qtbot, canvas, doc):
    canvas.set_tool("lasso_select")
    drag(qtbot, canvas, [(10, 10), (60, 10), (110, 10), (110, 40), (110, 60)])
    assert doc.selection.sum() / 255 == pytest.approx(100 * 50 / 2, rel=0.05)
    assert doc.selection[15, 100] == 255 and doc.selection[55, 20] == 0
    click(qtbot, canvas, 150, 80)  # a click without a drag deselects
    assert doc.selection is None
    doc.history.undo()
    assert doc.selection is not None


def test_magic_wand_selects_the_clicked_colour_region_only(qtbot, canvas, doc):
    canvas.set_tool("magic_wand")
    click(qtbot, canvas, 30, 30)
    selected = doc.selection > 127
    assert selected[20:60, 20:60].all()
    assert selected.sum() == 40 * 40  # not the same-red square that is not connected
    wand = canvas.tool_instance()
    wand.contiguous = False
    click(qtbot, canvas, 30, 30, SHIFT)
    assert (doc.selection > 127).sum() == 2 * 40 * 40
    doc.history.undo()
    doc.history.undo()
    assert doc.selection is None


def test_each_tool_offers_options_and_a_shortcut(canvas):
    for name in ("brush", "eraser", "fill", "magic_wand"):
        assert canvas.tool_instance(name).options() is not None
    keys = {canvas.tool_instance(n).shortcut for n in
            ("brush", "eraser", "fill", "ellipse_select", "lasso_select", "magic_wand")}
    assert len(keys) == 6


def test_the_magic_wand_on_a_large_photo_works_off_the_ui_thread(qtbot, monkeypatch):
    from editor.qt.tools import select_shapes

    monkeypatch.setattr(select_shapes, "SYNC_PIXELS", 100)  # treat this photo as large
    pixels = np.zeros((60, 80, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[10:30, 10:40, :3] = 200
    doc = Document(80, 60)
    doc.history.push(AddLayer(RasterLayer("p", pixels)))
    canvas = Canvas()
    qtbot.addWidget(canvas)
    canvas.set_document(doc)
    canvas.resize(300, 240)
    canvas.show()
    canvas.actual_size()
    canvas.set_tool("magic_wand")
    point = canvas.image_to_widget(QPointF(20, 20)).toPoint()
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: doc.selection is not None, timeout=10000)
    assert doc.selection[20, 20] == 255 and doc.selection[50, 70] == 0
