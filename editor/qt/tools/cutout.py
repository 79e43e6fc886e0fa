"""The Cutout tool: pick a product with a box or clicks, then touch the mask up with an
edge-aware brush.

Box and clicks are *prompts* for the ``segment`` plugin. The tool only collects them and
hands them to its ``runner`` (set by :mod:`editor.qt.features.cutout`, which runs the plugin
as a job off the GUI thread). The first run adds a "Product mask" layer; further prompts
refine the same product and replace that layer's pixels, one undo step each.

Brush strokes are local: the stroke is drawn live as an overlay while dragging and, on
release, :func:`plugins.segment.refine.refine_stroke` turns it into mask pixels that follow
the photo's edges, pushed as one :class:`ReplaceRegion`. It only reads the stroke's
neighbourhood (a few milliseconds for a typical stroke on a 2000 px photo), so it runs here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton, QWidget
from superqt import QLabeledSlider

from editor.model.commands import ReplaceRegion
from editor.model.compositor import composite
from editor.model.layers import MaskLayer
from editor.qt.tools.base import Tool, register
from editor.qt.tools.brush import MAX_SIZE, MIN_SIZE, SIZE_STEP, editable_mask, options_row, slider
from editor.tasks.api import Prompt
from plugins.segment.refine import StrokeEdit, refine_stroke, stroke_rect

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.canvas import Canvas

#: a press and release closer than this (widget pixels) is a click, not a box
CLICK_SLOP = 4
#: the plugin whose mask layers the tool refines
PLUGIN = "segment"
MODES = ("box", "add_click", "remove_click", "add_brush", "subtract_brush")
#: a brush stroke keeps at most one point per this many image pixels of travel
MIN_STEP = 1.0

#: Runner(prompts, target): run the plugin with ``prompts``; write over ``target`` if given
Runner = Callable[[list[Prompt], MaskLayer | None], None]


def tr(text: str) -> str:
    return QCoreApplication.translate("CutoutTool", text)


def mode_titles() -> dict[str, str]:
    return {
        "box": tr("Box"),
        "add_click": tr("Add click"),
        "remove_click": tr("Remove click"),
        "add_brush": tr("Add brush"),
        "subtract_brush": tr("Subtract brush"),
    }


def is_product_mask(layer: object) -> bool:
    """True for a mask layer the segment plugin made (the layer prompts refine)."""
    return isinstance(layer, MaskLayer) and layer.source.get("plugin") == PLUGIN


@register
class CutoutTool(Tool):
    """Box / click prompts for the segment plugin, and an edge-snapping mask brush."""

    name = "cutout"
    label = "Cutout"
    icon = "content-cut"
    hint = ("Cutout: drag a box around a product or click it (Alt+click: not this); "
            "brush modes add to or subtract from the mask along the photo's edges")
    shortcut = "K"
    order = 35

    def __init__(self, canvas: Canvas) -> None:
        super().__init__(canvas)
        self.mode = "box"
        self.size = 40.0  # brush diameter, image pixels
        self.snap = True
        #: set by the Cutout feature: runs the plugin on the job thread
        self.runner: Runner | None = None
        #: the prompts of the product being picked, and the layer they refine
        self.prompts: list[Prompt] = []
        self._session: MaskLayer | None = None
        self._press: QPointF | None = None  # widget coordinates of a box/click press
        self._drag: QPointF | None = None
        self._alt = False
        self._stroke: list[tuple[float, float]] = []  # image coordinates
        self._stroke_layer: MaskLayer | None = None
        self._hover: QPointF | None = None
        self._options: QWidget | None = None
        self._mode_box: QComboBox | None = None
        self._size_slider: QLabeledSlider | None = None

    # -- settings -----------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown cutout mode {mode!r}; expected one of {', '.join(MODES)}")
        self._drop_gesture()
        self.mode = mode
        if self._mode_box is not None and self._mode_box.currentData() != mode:
            self._mode_box.setCurrentIndex(MODES.index(mode))
        self.canvas.viewport().update()

    def set_size(self, size: float) -> None:
        self.size = float(min(MAX_SIZE, max(MIN_SIZE, size)))
        if self._size_slider is not None and self._size_slider.value() != round(self.size):
            self._size_slider.blockSignals(True)
            self._size_slider.setValue(round(self.size))
            self._size_slider.blockSignals(False)
        self.canvas.viewport().update()

    def new_product(self) -> None:
        """Forget the prompts: the next box or click starts a new product mask layer."""
        self.prompts = []
        self._session = None
        self.canvas.viewport().update()

    def options(self) -> QWidget:
        if self._options is None:
            box = self._mode_box = QComboBox()
            for key, text in mode_titles().items():
                box.addItem(text, key)
            box.setCurrentIndex(MODES.index(self.mode))
            box.currentIndexChanged.connect(lambda i: self.set_mode(MODES[i]))
            self._size_slider = slider(MIN_SIZE, MAX_SIZE, round(self.size), self.set_size)
            snap = QCheckBox(tr("Edge snap"))
            snap.setToolTip(tr("Brush strokes stop at the product's edges, and picked masks get"
                               " soft edges"))
            snap.setChecked(self.snap)
            snap.toggled.connect(lambda on: setattr(self, "snap", on))
            new = QPushButton(tr("New product"))
            new.setToolTip(tr("The next box or click starts a new product mask layer"))
            new.clicked.connect(self.new_product)
            self._options = options_row((tr("Mode"), box), (tr("Brush size"), self._size_slider),
                                        snap, new)
        return self._options

    # -- events -------------------------------------------------------------------------
    @property
    def brushing(self) -> bool:
        return self.mode in ("add_brush", "subtract_brush")

    def _image_point(self, pos: QPointF) -> tuple[float, float]:
        point = self.canvas.widget_to_image(pos)
        return point.x(), point.y()

    def press(self, event: QMouseEvent) -> bool:
        doc = self.canvas.document()
        if doc is None:
            return False
        self._alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if self.brushing:
            layer = editable_mask(self.canvas, self.title())
            if layer is None:
                return True
            self._stroke_layer = layer
            self._stroke = [self._image_point(event.position())]
        else:
            self._press = self._drag = event.position()
        self.canvas.viewport().update()
        return True

    def move(self, event: QMouseEvent) -> bool:
        self._hover = event.position()
        if self._stroke_layer is not None:
            point = self._image_point(event.position())
            last = self._stroke[-1]
            if math.dist(point, last) >= MIN_STEP:
                self._stroke.append(point)
        elif self._press is not None:
            self._drag = event.position()
        self.canvas.viewport().update()
        return True

    def release(self, event: QMouseEvent) -> bool:
        if self._stroke_layer is not None:
            self._stroke.append(self._image_point(event.position()))
            self._finish_stroke()
            return True
        start, self._press, self._drag = self._press, None, None
        if start is None:
            return False
        end = event.position()
        if self.mode == "box" and (end - start).manhattanLength() >= CLICK_SLOP:
            self.set_box(*self._image_point(start), *self._image_point(end))
        else:  # a click (a drag in a click mode counts as a click where it ended)
            alt = self._alt or bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            positive = (self.mode != "remove_click") != alt
            self.add_point(*self._image_point(end), positive=positive)
        self.canvas.viewport().update()
        return True

    def key_press(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_BracketRight:
            self.set_size(max(self.size + 1, self.size * SIZE_STEP))
        elif event.key() == Qt.Key.Key_BracketLeft:
            self.set_size(min(self.size - 1, self.size / SIZE_STEP))
        else:
            return False
        return True

    def cancel(self) -> bool:
        """Esc drops a drag or stroke in progress; with none, it forgets the prompts."""
        busy = self._drop_gesture()
        if not busy and self.prompts:
            self.new_product()
            busy = True
        return busy

    def _drop_gesture(self) -> bool:
        """Forget a drag or stroke in progress; True if there was one."""
        busy = self._press is not None or self._stroke_layer is not None
        self._press = self._drag = None
        self._stroke, self._stroke_layer = [], None
        self._alt = False
        self.canvas.viewport().update()
        return busy

    def deactivate(self) -> None:
        self._drop_gesture()
        self._hover = None

    # -- prompts ------------------------------------------------------------------------
    def _target(self, doc: Document) -> MaskLayer | None:
        """The product mask the next run replaces: the active one, when it is one."""
        layer = doc.active_layer
        return layer if is_product_mask(layer) else None

    def set_box(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Pick the product inside a box (image pixels): a new set of prompts."""
        doc = self.canvas.document()
        if doc is None:
            return
        x0, x1 = sorted((min(max(x0, 0.0), doc.width), min(max(x1, 0.0), doc.width)))
        y0, y1 = sorted((min(max(y0, 0.0), doc.height), min(max(y1, 0.0), doc.height)))
        if x1 - x0 < 2 or y1 - y0 < 2:
            return
        self.prompts = [Prompt("box", (x0, y0, x1, y1))]
        self._session = self._target(doc)
        self._run(doc)

    def add_point(self, x: float, y: float, positive: bool = True) -> None:
        """A click on (``positive``) or off the product; refines the current product when
        its mask is the active layer, else starts a new one."""
        doc = self.canvas.document()
        if doc is None or not (0 <= x < doc.width and 0 <= y < doc.height):
            return
        target = self._target(doc)
        if target is not self._session:
            self.prompts = []  # the active layer is not the product these prompts made
            self._session = target
        self.prompts.append(Prompt("point", (x, y), positive))
        self._run(doc)

    @property
    def session(self) -> MaskLayer | None:
        """The product mask the current prompts refine (None: the next run adds one)."""
        return self._session

    def adopt(self, layer: MaskLayer) -> None:
        """The runner's first result landed as ``layer``: later prompts refine it."""
        self._session = layer

    def _run(self, doc: Document) -> None:
        if self.runner is None:
            self.canvas.notice.emit(tr("Cutout needs the “Cut out product” plugin, which is not"
                                       " installed."), "warning")
            return
        self.runner(list(self.prompts), self._session)

    # -- brush --------------------------------------------------------------------------
    def _finish_stroke(self) -> None:
        layer, points = self._stroke_layer, self._stroke
        self._stroke, self._stroke_layer = [], None
        doc = self.canvas.document()
        self.canvas.viewport().update()
        if doc is None or layer is None or not points:
            return
        add = (self.mode == "add_brush") != self._alt
        self._alt = False
        edit = self.refine(doc, layer, points, add)
        if edit is None:
            return
        x0, y0, x1, y1 = edit.rect
        text = tr("Add to mask") if add else tr("Subtract from mask")
        doc.history.push(ReplaceRegion(layer, x0, y0, edit.patch, text))

    def refine(self, doc: Document, layer: MaskLayer, points: list[tuple[float, float]],
               add: bool) -> StrokeEdit | None:
        """The stroke's change to ``layer``: only the stroke's neighbourhood is composited
        and looked at, so the cost follows the stroke, not the photo."""
        radius = self.size / 2
        region = stroke_rect(points, radius, layer.mask.shape, margin=radius + 8)
        if region is None:
            return None
        x0, y0, x1, y1 = region
        image = composite(doc.layers, doc.size, rect=region)
        local = [(x - x0, y - y0) for x, y in points]
        edit = refine_stroke(image, layer.mask[y0:y1, x0:x1], local, radius, add=add,
                             snap=self.snap)
        if edit is None:
            return None
        ex0, ey0, ex1, ey1 = edit.rect
        return StrokeEdit((ex0 + x0, ey0 + y0, ex1 + x0, ey1 + y0), edit.patch)

    # -- overlay ------------------------------------------------------------------------
    def paint(self, painter: QPainter) -> None:
        if self.canvas.document() is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._paint_prompts(painter)
        if self._press is not None and self._drag is not None and self.mode == "box":
            rect = QRectF(self._press, self._drag).normalized()
            for colour, style in ((QColor(0, 0, 0, 200), Qt.PenStyle.SolidLine),
                                  (QColor(255, 255, 255, 230), Qt.PenStyle.DashLine)):
                pen = QPen(colour, 1, style)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect)
        if self._stroke:
            self._paint_stroke(painter)
        if self.brushing and self._hover is not None:
            radius = max(1.0, self.size / 2 * self.canvas.zoom())
            for colour, r in ((QColor(0, 0, 0, 200), radius + 1),
                              (QColor(255, 255, 255, 220), radius)):
                pen = QPen(colour, 1)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(self._hover, r, r)
        painter.restore()

    def _paint_stroke(self, painter: QPainter) -> None:
        """The stroke so far, as a translucent band the width of the brush."""
        add = (self.mode == "add_brush") != self._alt
        colour = QColor(60, 200, 90, 110) if add else QColor(230, 60, 60, 110)
        path = QPainterPath()
        points = [self.canvas.image_to_widget(QPointF(x, y)) for x, y in self._stroke]
        path.moveTo(points[0])
        for point in points[1:]:
            path.lineTo(point)
        pen = QPen(colour, max(1.0, self.size * self.canvas.zoom()))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if len(points) == 1:
            painter.drawPoint(points[0])
        else:
            painter.drawPath(path)

    def _paint_prompts(self, painter: QPainter) -> None:
        """The current product's box and clicks: green for on, red for off."""
        for prompt in self.prompts:
            if prompt.kind == "box":
                x0, y0, x1, y1 = prompt.coords
                rect = QRectF(self.canvas.image_to_widget(QPointF(x0, y0)),
                              self.canvas.image_to_widget(QPointF(x1, y1)))
                pen = QPen(QColor(80, 170, 255, 230), 1.5, Qt.PenStyle.DashLine)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect)
                continue
            centre = self.canvas.image_to_widget(QPointF(*prompt.coords[:2]))
            fill = QColor(60, 200, 90) if prompt.positive else QColor(230, 60, 60)
            painter.setPen(QPen(QColor(255, 255, 255), 1.5))
            painter.setBrush(fill)
            painter.drawEllipse(centre, 6, 6)
            painter.setPen(QPen(QColor(255, 255, 255), 2))
            painter.drawLine(QPointF(centre.x() - 3, centre.y()), QPointF(centre.x() + 3,
                                                                          centre.y()))
            if prompt.positive:
                painter.drawLine(QPointF(centre.x(), centre.y() - 3),
                                 QPointF(centre.x(), centre.y() + 3))
