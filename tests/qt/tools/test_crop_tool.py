"""The crop tool: drag a frame (of the chosen shape), Enter crops, undo brings it back."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.canvas import Canvas


@pytest.fixture
def canvas(qtbot):
    view = Canvas()
    qtbot.addWidget(view)
    view.resize(300, 260)
    view.show()
    qtbot.waitExposed(view)
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (80, 100, 4), dtype=np.uint8)
    doc = Document(100, 80)
    doc.history.push(AddLayer(RasterLayer("photo", pixels)))
    view.set_document(doc)
    view.set_zoom(2.0)
    view.set_tool("crop")
    return view


def _at(canvas, x, y) -> QPoint:
    return canvas.image_to_widget(QPointF(x, y)).toPoint()


def _drag(qtbot, canvas, start, end) -> None:
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=_at(canvas, *start))
    qtbot.mouseMove(viewport, _at(canvas, (start[0] + end[0]) / 2, (start[1] + end[1]) / 2))
    qtbot.mouseMove(viewport, _at(canvas, *end))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=_at(canvas, *end))


def test_drag_then_enter_crops_to_the_frame_and_undo_restores(qtbot, canvas):
    doc = canvas.document()
    before = doc.layers[0].pixels.copy()
    _drag(qtbot, canvas, (10, 20), (40, 50))
    assert canvas.tool_instance("crop").crop_rect() == (10, 20, 40, 50)
    assert doc.size == (100, 80)  # nothing happens before Enter
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.size == (30, 30)
    assert np.array_equal(doc.layers[0].pixels, before[20:50, 10:40])
    canvas.wait_for_composite()
    assert canvas.widget_to_image(QPointF(canvas.viewport().width() / 2, 0)).x() == \
        pytest.approx(15, abs=1)  # the view now shows the cropped photo, centred
    doc.history.undo()
    assert doc.size == (100, 80) and np.array_equal(doc.layers[0].pixels, before)


def test_a_preset_keeps_the_frame_square_and_inside_the_photo(qtbot, canvas):
    tool = canvas.tool_instance("crop")
    tool.set_preset("1:1")
    assert tool.crop_rect() == (10, 0, 90, 80)  # the largest square, offered at once
    _drag(qtbot, canvas, (5, 5), (60, 30))
    x0, y0, x1, y1 = tool.crop_rect()
    assert (x0, y0) == (5, 5) and x1 - x0 == y1 - y0
    _drag(qtbot, canvas, (50, 40), (200, 200))  # far past the corner
    x0, y0, x1, y1 = tool.crop_rect()
    assert x1 - x0 == y1 - y0 == 40 and (x1, y1) == (90, 80)


def test_handles_resize_and_dragging_inside_moves_the_frame(qtbot, canvas):
    tool = canvas.tool_instance("crop")
    _drag(qtbot, canvas, (10, 10), (30, 30))
    _drag(qtbot, canvas, (30, 30), (50, 40))  # bottom-right handle
    assert tool.crop_rect() == (10, 10, 50, 40)
    _drag(qtbot, canvas, (20, 20), (30, 25))  # inside: move
    assert tool.crop_rect() == (20, 15, 60, 45)
    _drag(qtbot, canvas, (20, 30), (5, 30))  # the left edge
    assert tool.crop_rect() == (5, 15, 60, 45)


def test_escape_drops_the_frame_and_double_click_crops(qtbot, canvas):
    doc = canvas.document()
    tool = canvas.tool_instance("crop")
    _drag(qtbot, canvas, (10, 10), (30, 30))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert tool.crop_rect() is None and doc.size == (100, 80)
    _drag(qtbot, canvas, (10, 10), (30, 40))
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=_at(canvas, 20, 20))
    assert doc.size == (20, 30)
    assert doc.history.undo_text == "Crop"
