"""Compare two versions of the photo: a before/after split slider drawn over the canvas (same
zoom and pan as the canvas), and a side-by-side window of two synced views.

What can be compared (:func:`source_choices`): the composite without its top raster layer
("before" an AI result), the full composite, or any single raster layer. Large documents are
composited on a worker thread; the images become QImages on the GUI thread.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPalette, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import create_worker

from editor.model.compositor import composite
from editor.model.document import Document
from editor.model.layers import Layer, RasterLayer
from editor.qt.canvas_overlays import checkerboard_brush
from editor.qt.convert import rgba_to_qimage

COMPOSITE = "composite"
BELOW_TOP = "below-top"
#: documents up to this many pixels are composited on the GUI thread (well under 50 ms)
SYNC_PIXELS = 512 * 512


def tr(text: str) -> str:
    return QCoreApplication.translate("Compare", text)


def source_choices(doc: Document) -> list[tuple[str, str]]:
    """(key, label) of everything that can be compared, composites first."""
    choices = [(BELOW_TOP, tr("Without the top layer")), (COMPOSITE, tr("All layers"))]
    rasters = [layer for layer in doc.layers if isinstance(layer, RasterLayer)]
    return choices + [(layer.id, layer.name) for layer in reversed(rasters)]


def render_source(key: str, layers: Sequence[Layer], size: tuple[int, int]) -> np.ndarray:
    """The RGBA image of ``key`` (see :func:`source_choices`); safe on a worker thread
    when ``layers`` is a snapshot."""
    rasters = [layer for layer in layers if isinstance(layer, RasterLayer)]
    if key == COMPOSITE:
        return composite(rasters, size)
    if key == BELOW_TOP:
        shown = [layer for layer in rasters if layer.visible and layer.opacity > 0]
        return composite(shown[:-1], size) if len(shown) > 1 else composite(shown, size)
    for layer in rasters:
        if layer.id == key:
            return layer.pixels.copy()
    return np.zeros((size[1], size[0], 4), np.uint8)


class CompareImages(QObject):
    """The two images being compared (``a`` = before, ``b`` = after) of one document,
    re-rendered when the document changes while :attr:`active`."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc: Document | None = None
        self.keys = [BELOW_TOP, COMPOSITE]
        self.images: list[QImage | None] = [None, None]
        self.active = False
        self._generation = 0
        self._workers: set = set()

    def set_document(self, doc: Document | None) -> None:
        signals = ("structure_changed", "layer_changed", "content_changed", "size_changed")
        if self.doc is not None:
            for name in signals:
                getattr(self.doc, name).disconnect(self._doc_changed)
        self.doc = doc
        if doc is not None:
            for name in signals:
                getattr(doc, name).connect(self._doc_changed)
        self.refresh()

    def set_keys(self, a: str, b: str) -> None:
        self.keys = [a, b]
        self.refresh()

    def set_active(self, active: bool) -> None:
        self.active = active
        self.refresh()

    def label(self, index: int) -> str:
        if self.doc is None:
            return ""
        return dict(source_choices(self.doc)).get(self.keys[index], tr("(deleted layer)"))

    def _doc_changed(self, *_args: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Render both images again (off the GUI thread for large documents)."""
        self._generation += 1
        doc = self.doc
        if doc is None or not self.active:
            self.images = [None, None]
            self.changed.emit()
            return
        layers = [copy.copy(layer) for layer in doc.layers]  # properties frozen now
        args = (tuple(self.keys), layers, doc.size)
        if doc.width * doc.height <= SYNC_PIXELS:
            self._land(self._generation, _render_pair(*args))
            return
        generation = self._generation
        worker = create_worker(_render_pair, *args, _start_thread=False)
        self._workers.add(worker)
        worker.returned.connect(lambda pair: self._land(generation, pair))
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()

    def busy(self) -> bool:
        return bool(self._workers)

    def _land(self, generation: int, pair: tuple[np.ndarray, np.ndarray]) -> None:
        if generation == self._generation:
            self.images = [rgba_to_qimage(pixels) for pixels in pair]
            self.changed.emit()


def _render_pair(keys: tuple[str, str], layers: list[Layer], size: tuple[int, int]
                 ) -> tuple[np.ndarray, np.ndarray]:
    return render_source(keys[0], layers, size), render_source(keys[1], layers, size)


def _source_combo(images: CompareImages, index: int) -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def fill() -> None:
        combo.blockSignals(True)
        combo.clear()
        for key, text in source_choices(images.doc) if images.doc else []:
            combo.addItem(text, key)
        combo.setCurrentIndex(max(0, combo.findData(images.keys[index])))
        combo.blockSignals(False)

    def chosen(i: int) -> None:
        keys = list(images.keys)
        keys[index] = combo.itemData(i)
        images.set_keys(*keys)

    combo.activated.connect(chosen)
    images.changed.connect(fill)
    fill()
    return combo


def source_bar(images: CompareImages) -> QWidget:
    """Two combos choosing what is compared, with a swap button between them."""
    bar = QWidget()
    row = QHBoxLayout(bar)
    row.setContentsMargins(6, 4, 6, 4)
    swap = QToolButton(text="⇄")
    swap.setToolTip(tr("Swap the two sides"))
    swap.clicked.connect(lambda: images.set_keys(images.keys[1], images.keys[0]))
    row.addWidget(QLabel(tr("Before")))
    row.addWidget(_source_combo(images, 0))
    row.addWidget(swap)
    row.addWidget(QLabel(tr("After")))
    row.addWidget(_source_combo(images, 1))
    row.addStretch(1)
    return bar


def _draw_image(painter: QPainter, image: QImage | None, target: QRectF, smooth: bool) -> None:
    painter.fillRect(target, checkerboard_brush())
    if image is not None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        painter.drawImage(target, image)


class SplitView(QWidget):
    """Covers the canvas's viewport: ``a`` left of a draggable divider, ``b`` right of it,
    at the canvas's zoom and pan. The wheel and the middle button still zoom and pan."""

    def __init__(self, canvas, images: CompareImages) -> None:
        super().__init__(canvas.viewport())
        self.canvas = canvas
        self.images = images
        self.divider = 0.5  # share of the view's width left of the divider
        self._dragging = False
        self._pan_from: QPointF | None = None
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.SplitHCursor)
        self.bar = source_bar(images)
        self.bar.setParent(self)
        self.bar.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        images.changed.connect(self._images_changed)
        canvas.zoom_changed.connect(self.update)
        canvas.horizontalScrollBar().valueChanged.connect(self.update)
        canvas.verticalScrollBar().valueChanged.connect(self.update)
        canvas.viewport().installEventFilter(self)
        self._follow_viewport()
        self.hide()

    def set_divider(self, share: float) -> None:
        self.divider = min(1.0, max(0.0, share))
        self.update()

    def divider_x(self) -> float:
        return self.divider * self.width()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self._follow_viewport()
        return False

    def _images_changed(self) -> None:
        self.bar.adjustSize()  # the combos' texts may have grown
        self.update()

    def _follow_viewport(self) -> None:
        self.setGeometry(self.canvas.viewport().rect())
        self.bar.adjustSize()
        self.bar.move(0, 0)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        doc = self.images.doc
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Mid).darker(115))
        if doc is not None:
            target = QRectF(self.canvas.image_to_widget(QPointF(0, 0)),
                            self.canvas.image_to_widget(QPointF(doc.width, doc.height)))
            x = self.divider_x()
            smooth = self.canvas.zoom() <= 2.0
            for side, clip in ((0, QRectF(0, 0, x, self.height())),
                               (1, QRectF(x, 0, self.width() - x, self.height()))):
                painter.save()
                painter.setClipRect(clip)
                _draw_image(painter, self.images.images[side], target, smooth)
                painter.restore()
        self._draw_divider(painter)
        painter.end()

    def _draw_divider(self, painter: QPainter) -> None:
        x = self.divider_x()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(0, 0, 0, 120), 3))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.setBrush(QColor("white"))
        painter.drawEllipse(QPointF(x, self.height() / 2), 9, 9)
        painter.setPen(QPen(QColor(40, 40, 40), 1.5))
        y = self.height() / 2
        for sign in (-1, 1):
            painter.drawLine(QPointF(x + sign * 2, y - 4), QPointF(x + sign * 6, y))
            painter.drawLine(QPointF(x + sign * 6, y), QPointF(x + sign * 2, y + 4))
        bottom = self.height() - 10
        for text, right in ((self.images.label(0), False), (self.images.label(1), True)):
            width = painter.fontMetrics().horizontalAdvance(text) + 12
            box = QRectF(x + 8 if right else x - 8 - width, bottom - 20, width, 20)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self.set_divider(event.position().x() / max(1, self.width()))
        elif event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._dragging:
            self.set_divider(event.position().x() / max(1, self.width()))
        elif self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.canvas.pan_by(delta.x(), delta.y())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._dragging = False
        self._pan_from = None

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        self.canvas.wheelEvent(event)


class ImagePane(QWidget):
    """One side of the side-by-side view: an image with its own zoom and centre, which
    the wheel and a drag change (:attr:`view_changed` tells the other side)."""

    view_changed = Signal(float, QPointF)

    def __init__(self, images: CompareImages, index: int) -> None:
        super().__init__()
        self.images = images
        self.index = index
        self.zoom = 0.0  # 0 = fit
        self.centre = QPointF(-1, -1)  # image point at the pane's centre; <0 = middle
        self._pan_from: QPointF | None = None
        self.setMinimumSize(160, 120)
        images.changed.connect(self.update)

    def _size(self) -> tuple[int, int]:
        doc = self.images.doc
        return (doc.width, doc.height) if doc is not None else (1, 1)

    def effective_zoom(self) -> float:
        w, h = self._size()
        return self.zoom or min(self.width() / w, self.height() / h)

    def set_view(self, zoom: float, centre: QPointF) -> None:
        self.zoom, self.centre = zoom, QPointF(centre)
        self.update()

    def _centre(self) -> QPointF:
        w, h = self._size()
        return self.centre if self.centre.x() >= 0 else QPointF(w / 2, h / 2)

    def image_to_widget(self, point: QPointF) -> QPointF:
        z, c = self.effective_zoom(), self._centre()
        return QPointF(self.width() / 2 + (point.x() - c.x()) * z,
                       self.height() / 2 + (point.y() - c.y()) * z)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Mid).darker(115))
        w, h = self._size()
        target = QRectF(self.image_to_widget(QPointF(0, 0)), self.image_to_widget(QPointF(w, h)))
        _draw_image(painter, self.images.images[self.index], target,
                    self.effective_zoom() <= 2.0)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(8, 6, self.width() - 16, 20), self.images.label(self.index))
        painter.end()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom = max(0.01, min(64.0, self.effective_zoom() * 1.25 ** steps))
            self.centre = self._centre()
            self._changed()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._pan_from = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._pan_from is not None:
            delta = (event.position() - self._pan_from) / self.effective_zoom()
            self._pan_from = event.position()
            self.zoom = self.effective_zoom()
            self.centre = self._centre() - delta
            self._changed()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._pan_from = None

    def _changed(self) -> None:
        self.update()
        self.view_changed.emit(self.zoom, self.centre)


class SideBySideView(QWidget):
    """A window with the two images next to each other; zoom and pan stay in step."""

    def __init__(self, images: CompareImages, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(tr("Compare side by side"))
        self.images = images
        self.panes = [ImagePane(images, 0), ImagePane(images, 1)]
        column = QWidget()
        rows = QHBoxLayout()
        rows.setSpacing(2)
        for pane in self.panes:
            rows.addWidget(pane, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        stack = QVBoxLayout(column)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.addWidget(source_bar(images))
        stack.addLayout(rows, 1)
        layout.addWidget(column)
        self.panes[0].view_changed.connect(self.panes[1].set_view)
        self.panes[1].view_changed.connect(self.panes[0].set_view)
        self.resize(1100, 600)
