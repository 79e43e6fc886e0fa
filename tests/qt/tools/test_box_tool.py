"""The Box tool driven with the mouse and keys: every edit is one undo step."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import Box, BoxLayer, RasterLayer
from editor.qt.canvas import Canvas

LEFT = Qt.MouseButton.LeftButton


def make_doc(boxes=None):
    doc = Document(200, 100)
    doc.history.push(AddLayer(RasterLayer("photo", np.full((100, 200, 4), 200, np.uint8))))
    if boxes is not None:
        doc.history.push(AddLayer(BoxLayer("Labels", boxes, doc.size)))
    doc.history.clear()
    return doc


@pytest.fixture
def canvas(qtbot):
    view = Canvas()
    qtbot.addWidget(view)
    view.resize(420, 220)
    view.show()
    view.set_tool("boxes")
    return view


def at(canvas, x, y) -> QPoint:
    return canvas.image_to_widget(QPointF(x, y)).toPoint()


def drag(qtbot, canvas, start, end, modifier=Qt.KeyboardModifier.NoModifier):
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, LEFT, modifier, at(canvas, *start))
    middle = at(canvas, (start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    qtbot.mouseMove(viewport, middle)
    qtbot.mouseMove(viewport, at(canvas, *end))
    qtbot.mouseRelease(viewport, LEFT, modifier, at(canvas, *end))


def click(qtbot, canvas, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(canvas.viewport(), LEFT, modifier, at(canvas, x, y))


def labels(doc):
    return next(x for x in doc.layers if isinstance(x, BoxLayer))


def near(box, expected, tol=1.0):
    return all(abs(a - b) <= tol for a, b in zip(
        (box.x0, box.y0, box.x1, box.y1), expected, strict=True))


def test_drawing_with_no_box_layer_makes_labels_in_one_step(qtbot, canvas):
    doc = make_doc()
    canvas.set_document(doc)
    canvas.set_zoom(2.0)
    canvas.tool_instance("boxes").session.set_classes(["cup", "bottle"])
    drag(qtbot, canvas, (20, 20), (60, 50))
    layer = labels(doc)
    assert layer.name == "Labels" and len(layer.boxes) == 1
    assert near(layer.boxes[0], (20, 20, 60, 50)) and layer.boxes[0].label == "cup"
    assert len(doc.history.texts) == 1
    doc.history.undo()
    assert not any(isinstance(x, BoxLayer) for x in doc.layers)


def test_select_move_resize_delete_each_undo(qtbot, canvas):
    doc = make_doc([Box(20, 20, 60, 50, "cup"), Box(100, 30, 150, 80, "cup")])
    canvas.set_document(doc)
    canvas.set_zoom(2.0)
    tool = canvas.tool_instance("boxes")
    click(qtbot, canvas, 40, 30)
    assert tool.selected == [0]
    click(qtbot, canvas, 120, 50, Qt.KeyboardModifier.ShiftModifier)
    assert tool.selected == [0, 1]
    click(qtbot, canvas, 5, 90)
    assert tool.selected == []
    drag(qtbot, canvas, (40, 30), (50, 40))  # move the first box by (10, 10)
    layer = labels(doc)
    assert near(layer.boxes[0], (30, 30, 70, 60)) and near(layer.boxes[1], (100, 30, 150, 80))
    doc.history.undo()
    assert layer.boxes[0] == Box(20, 20, 60, 50, "cup")
    doc.history.redo()
    assert tool.layer() is layer
    tool.select([0])
    drag(qtbot, canvas, (70, 60), (90, 70))  # bottom-right handle
    assert near(layer.boxes[0], (30, 30, 90, 70))
    doc.history.undo()
    assert near(layer.boxes[0], (30, 30, 70, 60))
    tool.select([1])
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(layer.boxes) == 1
    doc.history.undo()
    assert len(layer.boxes) == 2


def test_number_keys_set_the_class_and_a_accepts(qtbot, canvas):
    doc = make_doc([Box(20, 20, 60, 50, "cup", 0.3)])
    canvas.set_document(doc)
    canvas.set_zoom(2.0)
    tool = canvas.tool_instance("boxes")
    tool.session.set_classes(["cup", "bottle", "jar"])
    click(qtbot, canvas, 40, 30)
    qtbot.keyClick(canvas, Qt.Key.Key_2)
    layer = labels(doc)
    assert layer.boxes[0].label == "bottle" and tool.session.current == "bottle"
    qtbot.keyClick(canvas, Qt.Key.Key_A)
    assert layer.boxes[0].score == 1.0
    doc.history.undo()
    assert layer.boxes[0].score == 0.3
    doc.history.undo()
    assert layer.boxes[0].label == "cup"


def test_copy_then_paste_into_another_document(qtbot, canvas):
    first = make_doc([Box(20, 20, 60, 50, "cup"), Box(150, 60, 199, 99, "jar")])
    canvas.set_document(first)
    canvas.set_zoom(2.0)
    tool = canvas.tool_instance("boxes")
    qtbot.keyClick(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    second = Document(160, 80)
    second.history.push(AddLayer(RasterLayer("p", np.zeros((80, 160, 4), np.uint8))))
    canvas.set_document(second)
    qtbot.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pasted = labels(second).boxes
    assert pasted[0] == Box(20, 20, 60, 50, "cup")
    assert pasted[1] == Box(150, 60, 160, 80, "jar")  # clipped to the smaller photo
    assert tool.selected == [0, 1]
    second.history.undo()
    assert not any(isinstance(x, BoxLayer) for x in second.layers)


def test_clicks_find_boxes_among_a_thousand(qtbot, canvas):
    rng = np.random.default_rng(1)
    corners = rng.uniform(0, 180, (1000, 2))
    boxes = [Box(x, y * 0.5, x + 10, y * 0.5 + 10, "cup") for x, y in corners]
    boxes.append(Box(185, 85, 195, 95, "target"))
    doc = make_doc(boxes)
    canvas.set_document(doc)
    canvas.set_zoom(2.0)
    canvas.pan_by(-1000, -1000)
    tool = canvas.tool_instance("boxes")
    click(qtbot, canvas, 190, 90)
    assert tool.selected == [1000]
