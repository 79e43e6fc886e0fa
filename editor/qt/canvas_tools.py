"""Mouse and keyboard input of the canvas: the left-button tools, panning and shortcut keys.

The tools change the view only through the canvas's public API (zoom, pan, mapping) and the
document only through commands on its history, so they never touch what the canvas shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent

from editor.model.commands import SetSelection

if TYPE_CHECKING:
    from editor.qt.canvas import Canvas

#: tool names accepted by :meth:`Canvas.set_tool`
TOOLS = ("pan", "rect_select")
#: widget pixels a press may move and still count as a click
CLICK_SLOP = 3
#: widget pixels an arrow key pans the view
KEY_PAN_STEP = 40


class CanvasTools:
    """Turns a canvas's input events into view changes and selection commands."""

    def __init__(self, canvas: Canvas) -> None:
        self._canvas = canvas
        self.tool = "rect_select"
        self._space_down = False
        self._pan_from: QPointF | None = None
        self._drag_from: QPointF | None = None  # rectangle select, in image coordinates
        self._drag_to: QPointF | None = None
        self._drag_press = QPointF()

    def set_tool(self, name: str) -> bool:
        """Choose the left-button tool; True if it changed."""
        if name not in TOOLS:
            raise ValueError(f"unknown tool {name!r}; expected one of {', '.join(TOOLS)}")
        if name == self.tool:
            return False
        self.tool = name
        self.update_cursor()
        return True

    def update_cursor(self) -> None:
        if self._pan_from is not None:
            shape = Qt.CursorShape.ClosedHandCursor
        elif self.tool == "pan" or self._space_down:
            shape = Qt.CursorShape.OpenHandCursor
        else:
            shape = Qt.CursorShape.CrossCursor
        self._canvas.viewport().setCursor(shape)

    def rubber_band(self) -> tuple[QPointF, QPointF] | None:
        """The corners (image coordinates) of the rectangle being dragged, if any."""
        if self._drag_from is None or self._drag_to is None:
            return None
        return self._drag_from, self._drag_to

    def cancel_drag(self) -> None:
        self._drag_from = self._drag_to = None

    # -- mouse ------------------------------------------------------------------------
    def mouse_press(self, event: QMouseEvent) -> None:
        button = event.button()
        left = button == Qt.MouseButton.LeftButton
        if button == Qt.MouseButton.MiddleButton or (
            left and (self.tool == "pan" or self._space_down)
        ):
            self._pan_from = event.position()
            self.update_cursor()
        elif left and self.tool == "rect_select" and self._canvas.document() is not None:
            self._drag_press = event.position()
            self._drag_from = self._canvas.widget_to_image(event.position())
            self._drag_to = None

    def mouse_move(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self._canvas.pan_by(delta.x(), delta.y())
        elif (
            self._drag_from is not None
            and (pos - self._drag_press).manhattanLength() >= CLICK_SLOP
        ):
            self._drag_to = self._canvas.widget_to_image(pos)
            self._canvas.viewport().update()

    def mouse_release(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.update_cursor()
        elif self._drag_from is not None and event.button() == Qt.MouseButton.LeftButton:
            start, end = self._drag_from, self._drag_to
            self.cancel_drag()
            self._select(start, end)
            self._canvas.viewport().update()

    # -- keys -------------------------------------------------------------------------
    def key_press(self, event: QKeyEvent) -> bool:
        """Handle a shortcut key; False if the key is not one of the canvas's."""
        canvas = self._canvas
        key = event.key()
        step = KEY_PAN_STEP
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            canvas.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            canvas.zoom_out()
        elif key == Qt.Key.Key_0:
            canvas.fit()
        elif key == Qt.Key.Key_1:
            canvas.actual_size()
        elif key == Qt.Key.Key_Left:
            canvas.pan_by(step, 0)
        elif key == Qt.Key.Key_Right:
            canvas.pan_by(-step, 0)
        elif key == Qt.Key.Key_Up:
            canvas.pan_by(0, step)
        elif key == Qt.Key.Key_Down:
            canvas.pan_by(0, -step)
        elif key == Qt.Key.Key_Escape:
            if self._drag_from is not None:
                self.cancel_drag()
                canvas.viewport().update()
            else:
                self.deselect()
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.update_cursor()
        else:
            return False
        return True

    def key_release(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.update_cursor()

    # -- selection --------------------------------------------------------------------
    def _select(self, start: QPointF, end: QPointF | None) -> None:
        """Finish a rectangle-select drag: select the rectangle, or deselect on a click."""
        doc = self._canvas.document()
        if doc is None:
            return
        x0 = x1 = y0 = y1 = 0
        if end is not None:
            x0 = max(0, min(doc.width, round(min(start.x(), end.x()))))
            x1 = max(0, min(doc.width, round(max(start.x(), end.x()))))
            y0 = max(0, min(doc.height, round(min(start.y(), end.y()))))
            y1 = max(0, min(doc.height, round(max(start.y(), end.y()))))
        if x1 <= x0 or y1 <= y0:
            self.deselect()
            return
        mask = np.zeros((doc.height, doc.width), np.uint8)
        mask[y0:y1, x0:x1] = 255
        doc.history.push(SetSelection(mask, self._canvas.tr("Select rectangle")))

    def deselect(self) -> None:
        """Drop the selection (one undoable step), if there is one."""
        doc = self._canvas.document()
        if doc is not None and doc.selection is not None:
            doc.history.push(SetSelection(None, self._canvas.tr("Deselect")))
