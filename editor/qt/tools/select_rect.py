"""Rectangle selection: drag to select, click or Esc to deselect."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent, QPainter, QPalette, QPen

from editor.model.masks import CombineMode
from editor.qt.tools.base import Tool, register
from editor.qt.tools.selecting import CLICK_SLOP, push_selection, selection_mode


@register
class RectSelectTool(Tool):
    name = "rect_select"
    label = "Rectangle select"
    icon = "selection"
    hint = ("Rectangle select: drag to select (Shift adds, Alt subtracts, both intersect); "
            "click or Esc deselects")
    shortcut = "M"
    order = 10

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self._press = QPointF()
        self._start: QPointF | None = None  # image coordinates
        self._end: QPointF | None = None
        self._mode: CombineMode = "replace"

    def press(self, event: QMouseEvent) -> bool:
        if self.canvas.document() is None:
            return False
        self._press = event.position()
        self._start = self.canvas.widget_to_image(event.position())
        self._end = None
        self._mode = selection_mode(event.modifiers())
        return True

    def move(self, event: QMouseEvent) -> bool:
        if self._start is None:
            return False
        if (event.position() - self._press).manhattanLength() >= CLICK_SLOP:
            self._end = self.canvas.widget_to_image(event.position())
            self.canvas.viewport().update()
        return True

    def release(self, event: QMouseEvent) -> bool:
        if self._start is None:
            return False
        start, end = self._start, self._end
        self.cancel()
        self._select(start, end)
        return True

    def cancel(self) -> bool:
        had = self._start is not None
        self._start = self._end = None
        if had:
            self.canvas.viewport().update()
        return had

    def rubber_band(self) -> tuple[QPointF, QPointF] | None:
        """The corners (image coordinates) of the rectangle being dragged, if any."""
        if self._start is None or self._end is None:
            return None
        return self._start, self._end

    def paint(self, painter: QPainter) -> None:
        band = self.rubber_band()
        if band is None:
            return
        rect = QRectF(self.canvas.image_to_widget(band[0]),
                      self.canvas.image_to_widget(band[1])).normalized()
        pen = QPen(self.canvas.palette().color(QPalette.ColorRole.Highlight), 1,
                   Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRect(rect)

    def _select(self, start: QPointF, end: QPointF | None) -> None:
        doc = self.canvas.document()
        if doc is None:
            return
        x0 = x1 = y0 = y1 = 0
        if end is not None:
            x0 = max(0, min(doc.width, round(min(start.x(), end.x()))))
            x1 = max(0, min(doc.width, round(max(start.x(), end.x()))))
            y0 = max(0, min(doc.height, round(min(start.y(), end.y()))))
            y1 = max(0, min(doc.height, round(max(start.y(), end.y()))))
        if x1 <= x0 or y1 <= y0:
            if self._mode == "replace":  # a plain click deselects; a modified one does nothing
                self.canvas.deselect()
            return
        mask = np.zeros((doc.height, doc.width), np.uint8)
        mask[y0:y1, x0:x1] = 255
        push_selection(self.canvas, mask, self._mode, self.canvas.tr("Select rectangle"))
