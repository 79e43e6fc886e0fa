"""The Cutout tool driven with the mouse: a box or a click becomes a prompt for the segment
plugin, brush strokes add to or subtract from the mask at once along the photo's edges, and
one undo takes a stroke back."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.canvas import Canvas
from editor.qt.tools.cutout import CutoutTool

W, H = 200, 100
NO = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier
LEFT = Qt.MouseButton.LeftButton


def photo() -> np.ndarray:
    """Light grey, with a dark blue product at (20..80, 20..80) and another at (120..180)."""
    image = np.full((H, W, 4), 225, np.uint8)
    image[..., 3] = 255
    image[20:80, 20:80, :3] = (30, 40, 140)
    image[20:80, 120:180, :3] = (30, 40, 140)
    return image


@pytest.fixture
def doc(canvas) -> Document:
    document = Document(W, H)
    document.history.push(AddLayer(RasterLayer("Photo", photo())))
    mask = np.zeros((H, W), np.uint8)
    mask[20:80, 20:80] = 255  # the left product, already cut out
    document.history.push(AddLayer(MaskLayer("Product mask", mask,
                                             source={"plugin": "segment"})))
    canvas.set_document(document)
    assert canvas.zoom() == pytest.approx(1.0)
    return document


@pytest.fixture
def tool(canvas) -> CutoutTool:
    canvas.set_tool("cutout")
    cutout = canvas.tool_instance()
    assert isinstance(cutout, CutoutTool)
    cutout.runs = []
    cutout.runner = lambda prompts, target: cutout.runs.append((prompts, target))
    return cutout


def at(canvas: Canvas, x: float, y: float):
    return canvas.image_to_widget(QPointF(x, y)).toPoint()


def drag(qtbot, canvas: Canvas, points, modifiers=NO) -> None:
    view = canvas.viewport()
    qtbot.mousePress(view, LEFT, modifiers, at(canvas, *points[0]))
    for point in points[1:]:
        qtbot.mouseMove(view, at(canvas, *point))
    qtbot.mouseRelease(view, LEFT, modifiers, at(canvas, *points[-1]))


def click(qtbot, canvas: Canvas, x: float, y: float, modifiers=NO) -> None:
    qtbot.mouseClick(canvas.viewport(), LEFT, modifiers, at(canvas, x, y))


def test_a_box_drag_asks_for_the_product_inside_it(qtbot, canvas, doc, tool):
    drag(qtbot, canvas, [(110, 10), (150, 50), (190, 90)])
    (prompts, target), = tool.runs
    assert [p.kind for p in prompts] == ["box"]
    assert prompts[0].coords == pytest.approx((110, 10, 190, 90), abs=1)
    assert target is doc.active_layer, "the active product mask is refined, not duplicated"


def test_clicks_add_positive_and_negative_points_to_the_same_product(qtbot, canvas, doc, tool):
    drag(qtbot, canvas, [(110, 10), (190, 90)])
    click(qtbot, canvas, 150, 50)
    click(qtbot, canvas, 130, 30, ALT)
    tool.set_mode("remove_click")
    click(qtbot, canvas, 170, 70)
    prompts, target = tool.runs[-1]
    assert [(p.kind, p.positive) for p in prompts] == [
        ("box", True), ("point", True), ("point", False), ("point", False)]
    assert prompts[1].coords == pytest.approx((150, 50), abs=1)


def test_new_product_and_esc_start_over_in_a_new_layer(qtbot, canvas, doc, tool):
    click(qtbot, canvas, 50, 50)
    tool.new_product()
    doc.set_active(doc.layers[0])  # the photo: nothing to refine
    click(qtbot, canvas, 150, 50)
    prompts, target = tool.runs[-1]
    assert len(prompts) == 1 and target is None
    assert tool.cancel() and tool.prompts == []


def test_a_subtract_stroke_removes_a_region_and_undo_restores_it(qtbot, canvas, doc, tool):
    tool.set_mode("subtract_brush")
    tool.set_size(16)
    before = doc.active_layer.mask.copy()
    steps = len(doc.history.texts)
    drag(qtbot, canvas, [(50, 10), (50, 40), (50, 90)])
    mask = doc.active_layer.mask
    assert (mask[25:75, 45:56] == 0).all(), "the stroke removed its path at once"
    assert (mask[20:80, 20:38] == 255).all() and (mask[20:80, 62:80] == 255).all()
    assert len(doc.history.texts) == steps + 1 and tool.runs == []
    doc.history.undo()
    assert np.array_equal(doc.active_layer.mask, before)


def test_an_add_stroke_with_edge_snap_adds_the_product_not_the_backdrop(qtbot, canvas, doc,
                                                                        tool):
    tool.set_mode("add_brush")
    tool.set_size(24)
    drag(qtbot, canvas, [(170, 25), (172, 50), (170, 75)])  # spills past x = 180
    mask = doc.active_layer.mask
    assert (mask[30:70, 162:178] == 255).all()
    assert (mask[:, 181:] == 0).all()


def test_alt_turns_an_add_stroke_into_a_subtract_stroke(qtbot, canvas, doc, tool):
    tool.set_mode("add_brush")
    tool.snap = False
    tool.set_size(10)
    drag(qtbot, canvas, [(30, 50), (70, 50)], ALT)
    assert (doc.active_layer.mask[47:54, 32:68] == 0).all()


def test_brush_needs_a_mask_layer(qtbot, canvas, doc, tool):
    doc.set_active(doc.layers[0])
    tool.set_mode("add_brush")
    notices = []
    canvas.notice.connect(lambda text, level: notices.append(level))
    drag(qtbot, canvas, [(30, 50), (70, 50)])
    assert notices == ["warning"]
    assert not np.array_equal(doc.layers[0].pixels[..., 3], 0)


def test_options_bar_switches_mode_and_size(canvas, tool):
    tool.options()
    tool.set_mode("add_click")
    assert tool._mode_box.currentData() == "add_click"
    tool.set_size(1000)
    assert tool.size == 500
    with pytest.raises(ValueError, match="unknown cutout mode"):
        tool.set_mode("lasso")
