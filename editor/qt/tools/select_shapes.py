"""Ellipse, lasso and magic-wand selection.

Hold Shift to add to the selection, Alt to subtract from it, both to keep only the
overlap; the modifiers are read when the mouse goes down. A click without a drag (ellipse,
lasso) deselects.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QWidget
from superqt.utils import create_worker

from editor.model.compositor import composite
from editor.model.masks import CombineMode, ellipse_mask, magic_wand, polygon_mask
from editor.qt.tools.base import Tool, register
from editor.qt.tools.brush import tolerance_options, tr
from editor.qt.tools.selecting import CLICK_SLOP, push_selection, selection_mode

#: documents up to this many pixels run the wand at once; larger ones on a worker thread
SYNC_PIXELS = 2_000_000

if TYPE_CHECKING:
    from editor.qt.canvas import Canvas


def _dashed(canvas: Canvas) -> QPen:
    pen = QPen(canvas.palette().color(QPalette.ColorRole.Highlight), 1, Qt.PenStyle.DashLine)
    pen.setCosmetic(True)
    return pen


class _DragSelect(Tool, metaclass=ABCMeta):
    """A selection drawn by dragging; subclasses keep the points and rasterise them."""

    def __init__(self, canvas: Canvas) -> None:
        super().__init__(canvas)
        self._press = QPointF()
        self._mode: CombineMode = "replace"
        self._points: list[QPointF] | None = None  # image coordinates
        self._dragged = False

    def press(self, event: QMouseEvent) -> bool:
        if self.canvas.document() is None:
            return False
        self._press = event.position()
        self._mode = selection_mode(event.modifiers())
        self._points = [self.canvas.widget_to_image(event.position())]
        self._dragged = False
        return True

    def move(self, event: QMouseEvent) -> bool:
        if self._points is None:
            return False
        if (event.position() - self._press).manhattanLength() >= CLICK_SLOP:
            self._dragged = True
        if self._dragged:
            self._add_point(self.canvas.widget_to_image(event.position()))
            self.canvas.viewport().update()
        return True

    def release(self, event: QMouseEvent) -> bool:
        if self._points is None:
            return False
        if self._dragged:
            self._add_point(self.canvas.widget_to_image(event.position()))
        points, dragged, mode = self._points, self._dragged, self._mode
        self.cancel()
        doc = self.canvas.document()
        if doc is None:
            return True
        mask = self._rasterise(points, (doc.height, doc.width)) if dragged else None
        if mask is None or not mask.any():
            if mode == "replace":
                self.canvas.deselect()
            return True
        push_selection(self.canvas, mask, mode, self._text())
        return True

    def cancel(self) -> bool:
        had = self._points is not None
        self._points = None
        if had:
            self.canvas.viewport().update()
        return had

    @abstractmethod
    def _add_point(self, point: QPointF) -> None:
        """Extend the shape being dragged to ``point`` (image coordinates)."""

    @abstractmethod
    def _rasterise(self, points: list[QPointF], shape: tuple[int, int]) -> np.ndarray | None:
        """The selection mask of the dragged shape (None: nothing selected)."""

    @abstractmethod
    def _text(self) -> str:
        """The history text of the step."""


@register
class EllipseSelectTool(_DragSelect):
    name = "ellipse_select"
    label = "Ellipse select"
    icon = "selection-ellipse"
    hint = "Ellipse select: drag; Shift adds, Alt subtracts, Shift+Alt intersects"
    shortcut = "O"
    order = 11

    def _add_point(self, point: QPointF) -> None:
        assert self._points is not None
        self._points[1:] = [point]  # only the drag's corners matter

    def _rasterise(self, points: list[QPointF], shape: tuple[int, int]) -> np.ndarray | None:
        if len(points) < 2:
            return None
        a, b = points[0], points[-1]
        return ellipse_mask(shape, a.x(), a.y(), b.x(), b.y())

    def _text(self) -> str:
        return tr("Select ellipse")

    def paint(self, painter: QPainter) -> None:
        if not self._points or len(self._points) < 2:
            return
        rect = QRectF(self.canvas.image_to_widget(self._points[0]),
                      self.canvas.image_to_widget(self._points[-1])).normalized()
        painter.save()
        painter.setPen(_dashed(self.canvas))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(rect)
        painter.restore()


@register
class LassoSelectTool(_DragSelect):
    name = "lasso_select"
    label = "Lasso select"
    icon = "lasso"
    hint = "Lasso select: drag around an area; Shift adds, Alt subtracts, Shift+Alt intersects"
    shortcut = "L"
    order = 12

    def _add_point(self, point: QPointF) -> None:
        assert self._points is not None
        if (point - self._points[-1]).manhattanLength() > 0:
            self._points.append(point)

    def _rasterise(self, points: list[QPointF], shape: tuple[int, int]) -> np.ndarray | None:
        if len(points) < 3:
            return None
        return polygon_mask(shape, [(p.x(), p.y()) for p in points])

    def _text(self) -> str:
        return tr("Select lasso")

    def paint(self, painter: QPainter) -> None:
        if not self._points or len(self._points) < 2:
            return
        polygon = QPolygonF([self.canvas.image_to_widget(p) for p in self._points])
        painter.save()
        painter.setPen(_dashed(self.canvas))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolygon(polygon)
        painter.restore()


@register
class MagicWandTool(Tool):
    name = "magic_wand"
    label = "Magic wand"
    icon = "auto-fix"
    hint = ("Magic wand: click to select similar colours; Shift adds, Alt subtracts,"
            " Shift+Alt intersects")
    shortcut = "W"
    order = 13

    def __init__(self, canvas: Canvas) -> None:
        super().__init__(canvas)
        #: how far (0..255, per channel) a colour may be from the clicked one
        self.tolerance = 32
        #: select only the area connected to the click (else every similar pixel)
        self.contiguous = True
        self._options: QWidget | None = None

    def options(self) -> QWidget:
        if self._options is None:
            self._options = tolerance_options(self)
        return self._options

    def press(self, event: QMouseEvent) -> bool:
        doc = self.canvas.document()
        if doc is None:
            return False
        point = self.canvas.widget_to_image(event.position())
        x, y = int(np.floor(point.x())), int(np.floor(point.y()))
        mode = selection_mode(event.modifiers())
        if not (0 <= x < doc.width and 0 <= y < doc.height):
            if mode == "replace":
                self.canvas.deselect()
            return True
        tolerance, contiguous = self.tolerance, self.contiguous
        if doc.width * doc.height <= SYNC_PIXELS:
            image = composite(doc.layers, doc.size)
            mask = magic_wand(image, (x, y), tolerance, contiguous=contiguous)
            push_selection(self.canvas, mask, mode, tr("Magic wand"))
            return True
        # a large photo: composite and flood on a worker, from a copy of the layers
        snapshot, version, canvas = doc.snapshot(), doc.history.version, self.canvas

        def work() -> np.ndarray:
            image = composite(snapshot.layers, snapshot.size)
            return magic_wand(image, (x, y), tolerance, contiguous=contiguous)

        def done(mask: np.ndarray) -> None:
            if canvas.document() is doc and doc.history.version == version:
                push_selection(canvas, mask, mode, tr("Magic wand"))

        worker = create_worker(work, _start_thread=False)
        worker.returned.connect(done)
        worker.start()
        return True
