"""Canvas tools are found by registration, get the left button, and Esc cancels them."""

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.canvas import TOOLS, Canvas
from editor.qt.tools import REGISTRY, Tool, register, tool_classes


def test_every_registered_tool_is_offered_in_order():
    names = [cls.name for cls in tool_classes()]
    assert names[:2] == ["pan", "rect_select"]
    assert set(TOOLS) <= set(REGISTRY)


def test_a_registered_tool_receives_the_left_button(qtbot):
    seen = []

    class Probe(Tool):
        name = "probe-test"

        def press(self, event):
            seen.append(("press", event.button()))
            return True

        def cancel(self):
            seen.append("cancel")
            return True

    register(Probe)
    try:
        canvas = Canvas()
        qtbot.addWidget(canvas)
        doc = Document(40, 30)
        doc.history.push(AddLayer(RasterLayer("p", np.zeros((30, 40, 4), np.uint8))))
        canvas.set_document(doc)
        canvas.resize(200, 150)
        canvas.show()
        canvas.set_tool("probe-test")
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
        qtbot.keyClick(canvas, Qt.Key.Key_Escape)
        assert seen == [("press", Qt.MouseButton.LeftButton), "cancel"]
    finally:
        del REGISTRY["probe-test"]


def test_rectangle_select_adds_and_subtracts_with_shift_and_alt(qtbot):
    canvas = Canvas()
    qtbot.addWidget(canvas)
    doc = Document(100, 80)
    doc.history.push(AddLayer(RasterLayer("p", np.zeros((80, 100, 4), np.uint8))))
    canvas.set_document(doc)
    canvas.resize(300, 260)
    canvas.show()
    canvas.actual_size()
    canvas.set_tool("rect_select")

    def drag(x0, y0, x1, y1, modifier=Qt.KeyboardModifier.NoModifier):
        a = canvas.image_to_widget(QPointF(x0, y0)).toPoint()
        b = canvas.image_to_widget(QPointF(x1, y1)).toPoint()
        qtbot.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, modifier, a)
        qtbot.mouseMove(canvas.viewport(), b)
        qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, modifier, b)

    drag(10, 10, 30, 30)
    drag(50, 10, 70, 30, Qt.KeyboardModifier.ShiftModifier)
    assert doc.selection[20, 20] and doc.selection[20, 60] and not doc.selection[20, 40]
    drag(55, 15, 65, 25, Qt.KeyboardModifier.AltModifier)
    assert doc.selection[20, 52] and not doc.selection[20, 60]
    doc.history.undo()
    assert doc.selection[20, 60]
