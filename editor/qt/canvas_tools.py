"""Mouse and keyboard input of the canvas: panning, the view's shortcut keys, and handing
left-button gestures to the active tool (:mod:`editor.qt.tools`).

Tools change the view only through the canvas's public API and the document only through
commands on its history, so they never touch what the canvas shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter

from editor.model.commands import SetSelection
from editor.qt.tools import Tool, tool_classes

if TYPE_CHECKING:
    from editor.qt.canvas import Canvas

#: tool names accepted by :meth:`Canvas.set_tool`
TOOLS = tuple(cls.name for cls in tool_classes())
DEFAULT_TOOL = "rect_select"
#: widget pixels an arrow key pans the view
KEY_PAN_STEP = 40


class CanvasTools:
    """Turns a canvas's input events into view changes and the active tool's gestures."""

    def __init__(self, canvas: Canvas) -> None:
        self._canvas = canvas
        self._tools: dict[str, Tool] = {cls.name: cls(canvas) for cls in tool_classes()}
        self.tool = DEFAULT_TOOL
        self._space_down = False
        self._pan_from: QPointF | None = None

    @property
    def active(self) -> Tool:
        return self._tools[self.tool]

    def get(self, name: str) -> Tool:
        """The canvas's instance of tool ``name`` (e.g. to reach its options)."""
        return self._tools[name]

    def set_tool(self, name: str) -> bool:
        """Choose the left-button tool; True if it changed."""
        if name not in self._tools:
            raise ValueError(f"unknown tool {name!r}; expected one of {', '.join(self._tools)}")
        if name == self.tool:
            return False
        self.active.deactivate()
        self.tool = name
        self.active.activate()
        self.update_cursor()
        return True

    def update_cursor(self) -> None:
        if self._pan_from is not None:
            shape = Qt.CursorShape.ClosedHandCursor
        elif self._space_down:
            shape = Qt.CursorShape.OpenHandCursor
        else:
            shape = self.active.cursor
        self._canvas.viewport().setCursor(shape)

    def paint(self, painter: QPainter) -> None:
        """Let the active tool draw its overlay (widget coordinates)."""
        self.active.paint(painter)

    def cancel_drag(self) -> None:
        self.active.cancel()

    # -- mouse ------------------------------------------------------------------------
    def _pans(self, event: QMouseEvent) -> bool:
        button = event.button()
        return button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and (self.tool == "pan" or self._space_down)
        )

    def mouse_press(self, event: QMouseEvent) -> None:
        if self._pans(event):
            self._pan_from = event.position()
            self.update_cursor()
        elif event.button() == Qt.MouseButton.LeftButton:
            self.active.press(event)

    def mouse_move(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            pos = event.position()
            delta = pos - self._pan_from
            self._pan_from = pos
            self._canvas.pan_by(delta.x(), delta.y())
        else:
            self.active.move(event)

    def mouse_release(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.update_cursor()
        elif event.button() == Qt.MouseButton.LeftButton:
            self.active.release(event)

    # -- keys -------------------------------------------------------------------------
    def key_press(self, event: QKeyEvent) -> bool:
        """Handle a key; False if neither the canvas nor the active tool uses it."""
        canvas = self._canvas
        key = event.key()
        step = KEY_PAN_STEP
        pans = {
            Qt.Key.Key_Left: (step, 0), Qt.Key.Key_Right: (-step, 0),
            Qt.Key.Key_Up: (0, step), Qt.Key.Key_Down: (0, -step),
        }
        if self.active.key_press(event):
            return True
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            canvas.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            canvas.zoom_out()
        elif key == Qt.Key.Key_0:
            canvas.fit()
        elif key == Qt.Key.Key_1:
            canvas.actual_size()
        elif key in pans:
            canvas.pan_by(*pans[key])
        elif key == Qt.Key.Key_Escape:
            if not self.active.cancel():
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

    def deselect(self) -> None:
        """Drop the selection (one undoable step), if there is one."""
        doc = self._canvas.document()
        if doc is not None and doc.selection is not None:
            doc.history.push(SetSelection(None, self._canvas.tr("Deselect")))
