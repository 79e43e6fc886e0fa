"""Brush and eraser: paint on the active mask layer, one undo step per stroke.

The stroke is shown live: each mouse move writes the swept pixels into the mask and reports
just that rectangle, and the release pushes one :class:`ReplaceRegion` holding the pixels
the stroke changed and what they were before, so a single undo takes the stroke back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget
from superqt import QLabeledSlider

from editor.model.commands import ReplaceRegion
from editor.model.layers import MaskLayer
from editor.model.masks import Brush, Point, Rect, paint_segment, union_rect
from editor.qt.tools.base import Tool, register

if TYPE_CHECKING:
    from editor.qt.canvas import Canvas

MIN_SIZE, MAX_SIZE = 1, 500
#: ``[`` and ``]`` change the size by this factor (at least one pixel)
SIZE_STEP = 1.2


def tr(text: str) -> str:
    return QCoreApplication.translate("MaskTools", text)


def editable_mask(canvas: Canvas, tool_title: str) -> MaskLayer | None:
    """The active layer if a mask tool may change it; otherwise say why on the canvas's
    notice signal and return None."""
    doc = canvas.document()
    if doc is None:
        return None
    layer = doc.active_layer
    if not isinstance(layer, MaskLayer):
        reason = tr("{tool} works on a mask layer: choose one in the Layers panel or add one"
                    " with Mask → New Mask Layer.")
    elif layer.locked:
        reason = tr("{tool}: the layer “{name}” is locked; unlock it first.")
    elif not layer.visible:
        reason = tr("{tool}: the layer “{name}” is hidden; show it first.")
    else:
        return layer
    canvas.notice.emit(reason.format(tool=tool_title, name=getattr(layer, "name", "")),
                       "warning")
    return None


def slider(low: int, high: int, value: int, changed: Callable[[int], object]) -> QLabeledSlider:
    """A horizontal slider with its value beside it."""
    widget = QLabeledSlider(Qt.Orientation.Horizontal)
    widget.setRange(low, high)
    widget.setValue(value)
    widget.setMinimumWidth(140)
    widget.valueChanged.connect(changed)
    return widget


def tolerance_options(tool: Any) -> QWidget:
    """Tolerance slider and Contiguous box for a tool with ``tolerance`` and ``contiguous``
    attributes (fill, magic wand)."""
    tolerance = slider(0, 255, tool.tolerance, lambda v: setattr(tool, "tolerance", v))
    contiguous = QCheckBox(tr("Contiguous"))
    contiguous.setChecked(tool.contiguous)
    contiguous.toggled.connect(lambda on: setattr(tool, "contiguous", on))
    return options_row((tr("Tolerance"), tolerance), contiguous)


def options_row(*items: tuple[str, QWidget] | QWidget) -> QWidget:
    """A one-line options widget for the tool options bar: labelled controls side by side."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for item in items:
        if isinstance(item, tuple):
            row.addWidget(QLabel(item[0]))
            item = item[1]
        row.addWidget(item)
        row.addSpacing(8)
    row.addStretch(1)
    return box


class _Stroke:
    """One stroke in progress: the layer, its pixels before the stroke, where it has been."""

    def __init__(self, layer: MaskLayer, point: Point) -> None:
        self.layer = layer
        self.before = layer.mask.copy()
        self.last = point
        self.rect: Rect | None = None


@register
class BrushTool(Tool):
    """Paints 255 into the active mask layer (the eraser subclass paints 0)."""

    name = "brush"
    label = "Brush"
    icon = "brush"
    hint = "Brush: paint on the mask layer; [ and ] change the size"
    shortcut = "B"
    order = 30
    erase = False

    def __init__(self, canvas: Canvas) -> None:
        super().__init__(canvas)
        self.brush = Brush(size=30, hardness=0.8, opacity=1.0)
        self._stroke: _Stroke | None = None
        self._hover: QPointF | None = None  # widget coordinates
        self._options: QWidget | None = None
        self._sliders: dict[str, QLabeledSlider] = {}

    # -- settings -----------------------------------------------------------------------
    def set_brush(self, size: float | None = None, hardness: float | None = None,
                  opacity: float | None = None) -> None:
        """Change the brush (size in pixels, hardness and opacity 0..1)."""
        b = self.brush
        self.brush = Brush(
            size=b.size if size is None else float(min(MAX_SIZE, max(MIN_SIZE, size))),
            hardness=b.hardness if hardness is None else float(min(1.0, max(0.0, hardness))),
            opacity=b.opacity if opacity is None else float(min(1.0, max(0.0, opacity))),
        )
        for key, value in (("size", self.brush.size), ("hardness", self.brush.hardness * 100),
                           ("opacity", self.brush.opacity * 100)):
            widget = self._sliders.get(key)
            if widget is not None and widget.value() != round(value):
                widget.blockSignals(True)
                widget.setValue(round(value))
                widget.blockSignals(False)
        self.canvas.viewport().update()

    def options(self) -> QWidget:
        if self._options is None:
            b = self.brush
            self._sliders = {
                "size": slider(MIN_SIZE, MAX_SIZE, round(b.size),
                               lambda v: self.set_brush(size=v)),
                "hardness": slider(0, 100, round(b.hardness * 100),
                                   lambda v: self.set_brush(hardness=v / 100)),
                "opacity": slider(1, 100, round(b.opacity * 100),
                                  lambda v: self.set_brush(opacity=v / 100)),
            }
            self._options = options_row((tr("Size"), self._sliders["size"]),
                                        (tr("Hardness %"), self._sliders["hardness"]),
                                        (tr("Opacity %"), self._sliders["opacity"]))
        return self._options

    def key_press(self, event: QKeyEvent) -> bool:
        size = self.brush.size
        if event.key() == Qt.Key.Key_BracketRight:
            self.set_brush(size=max(size + 1, size * SIZE_STEP))
        elif event.key() == Qt.Key.Key_BracketLeft:
            self.set_brush(size=min(size - 1, size / SIZE_STEP))
        else:
            return False
        return True

    # -- the stroke ---------------------------------------------------------------------
    def _image_point(self, event: QMouseEvent) -> Point:
        point = self.canvas.widget_to_image(event.position())
        return point.x(), point.y()

    def press(self, event: QMouseEvent) -> bool:
        layer = editable_mask(self.canvas, self.title())
        if layer is None:
            return self.canvas.document() is not None
        point = self._image_point(event)
        self._stroke = _Stroke(layer, point)
        self._paint_to(point)
        return True

    def move(self, event: QMouseEvent) -> bool:
        old, self._hover = self._hover, event.position()
        if self._stroke is not None:
            self._paint_to(self._image_point(event))
        # repaint only around the outline's old and new place, not the whole view
        for centre in (old, self._hover):
            if centre is not None:
                self.canvas.viewport().update(self._outline_rect(centre))
        return True

    def _outline_rect(self, centre: QPointF) -> QRect:
        r = self.brush.size / 2 * self.canvas.zoom() + 3
        return QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r).toAlignedRect()

    def release(self, event: QMouseEvent) -> bool:
        stroke = self._stroke
        if stroke is None:
            return False
        self._paint_to(self._image_point(event))
        self._stroke = None
        doc = self.canvas.document()
        if stroke.rect is None or doc is None:
            return True
        x0, y0, x1, y1 = stroke.rect
        new = stroke.layer.mask[y0:y1, x0:x1]
        old = stroke.before[y0:y1, x0:x1]
        if np.array_equal(new, old):
            return True
        text = tr("Erase mask") if self.erase else tr("Paint mask")
        doc.history.push(ReplaceRegion(stroke.layer, x0, y0, new, text, old=old))
        return True

    def _paint_to(self, point: Point) -> None:
        stroke = self._stroke
        doc = self.canvas.document()
        if stroke is None or doc is None:
            return
        hit = paint_segment(stroke.layer.mask, stroke.before, stroke.last, point, self.brush,
                            erase=self.erase, within=doc.selection)
        stroke.last = point
        if hit is None:
            return
        patch, rect = hit
        x0, y0, x1, y1 = rect
        stroke.layer.mask[y0:y1, x0:x1] = patch
        stroke.rect = union_rect(stroke.rect, rect)
        # shown live; the history gets the whole stroke as one step on release
        doc.content_changed.emit(stroke.layer, rect)

    def cancel(self) -> bool:
        """Esc during a stroke takes it back without leaving a step in the history."""
        stroke, self._stroke = self._stroke, None
        if stroke is None:
            return False
        doc = self.canvas.document()
        if stroke.rect is not None and doc is not None:
            x0, y0, x1, y1 = stroke.rect
            stroke.layer.mask[y0:y1, x0:x1] = stroke.before[y0:y1, x0:x1]
            doc.content_changed.emit(stroke.layer, stroke.rect)
        return True

    def deactivate(self) -> None:
        super().deactivate()
        self._hover = None
        self.canvas.viewport().update()

    # -- overlay ------------------------------------------------------------------------
    def paint(self, painter: QPainter) -> None:
        """The brush outline under the cursor, black and white so it shows on any photo."""
        if self._hover is None or self.canvas.document() is None:
            return
        radius = max(1.0, self.brush.size / 2 * self.canvas.zoom())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for colour, r in ((QColor(0, 0, 0, 200), radius + 1), (QColor(255, 255, 255, 220),
                                                                 radius)):
            pen = QPen(colour, 1)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawEllipse(self._hover, r, r)
        painter.restore()


@register
class EraserTool(BrushTool):
    """Paints 0 into the active mask layer."""

    name = "eraser"
    label = "Eraser"
    icon = "eraser"
    hint = "Eraser: erase from the mask layer; [ and ] change the size"
    shortcut = "E"
    order = 31
    erase = True
