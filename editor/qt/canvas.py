"""The canvas: shows a document's composite with its overlays; zoom, pan, rectangle select.

The composite is cached as a QImage (plus half-size copies for zoom < 1) and recomposited
only where the document says it changed, large changes on a worker thread
(:mod:`editor.qt.canvas_cache`); pan and zoom only repaint from the cache. Mouse and key
handling lives in :mod:`editor.qt.canvas_tools`.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from editor.model.document import Document, Rect
from editor.model.layers import BoxLayer, Layer, MaskLayer, RasterLayer
from editor.qt.canvas_cache import CompositeCache
from editor.qt.canvas_overlays import (
    Pyramid,
    checkerboard_brush,
    draw_boxes,
    draw_marching_ants,
    mask_outline,
)
from editor.qt.canvas_tools import TOOLS, CanvasTools
from editor.qt.convert import mask_to_qimage, rgba_to_qimage
from editor.qt.tools import Tool

__all__ = ["MASK_VIEWS", "MAX_ZOOM", "MIN_ZOOM", "NEAREST_ABOVE", "TOOLS", "ZOOM_STEP",
           "Canvas"]

ZOOM_STEP = 1.25
MIN_ZOOM = 0.01
MAX_ZOOM = 64.0
#: above this zoom pixels are drawn as crisp squares instead of being smoothed
NEAREST_ABOVE = 2.0
#: how mask layers are shown (:meth:`Canvas.set_mask_view`)
MASK_VIEWS = ("overlay", "bw")
#: layer properties that do not change how the layer looks
_INVISIBLE_PROPERTIES = {"name", "locked"}


class Canvas(QAbstractScrollArea):
    """A view of one :class:`Document` (or none)."""

    #: the zoom factor (1.0 = one image pixel per screen pixel)
    zoom_changed = Signal(float)
    #: image pixel under the cursor and its composite colour (r, g, b, a), or None outside
    cursor_moved = Signal(int, int, object)
    #: the active tool changed (one of :data:`TOOLS`)
    tool_changed = Signal(str)
    #: a tool's message for the user (text, level "info" | "warning" | "error"), e.g. why
    #: it refused; the window shows it in the notification bar
    notice = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc: Document | None = None
        self._composite = CompositeCache(self, on_change=self.viewport().update)
        self._tools = CanvasTools(self)
        self._masks: dict[str, Pyramid] = {}
        self._mask_view = "overlay"
        self._outline: list = []
        self._highlight: Rect | None = None
        self._zoom = 1.0
        self._scroll = QPointF(0, 0)  # scaled-image coordinates at the viewport's top-left
        self._fitting = True  # keep fitting while the window resizes, until the user zooms
        self._syncing = False
        self._size_reset = False
        self._ants_phase = 0
        self._ants = QTimer(self, interval=150, timeout=self._march)
        self._checker = checkerboard_brush()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._tools.update_cursor()

    # -- document ---------------------------------------------------------------------
    def set_document(self, doc: Document | None) -> None:
        """Show ``doc`` (or nothing), fitted to the view; stop listening to the old one."""
        if self._doc is not None:
            self._doc.structure_changed.disconnect(self._on_structure)
            self._doc.layer_changed.disconnect(self._on_layer)
            self._doc.content_changed.disconnect(self._on_content)
            self._doc.selection_changed.disconnect(self._on_selection)
            self._doc.size_changed.disconnect(self._on_size)
        self._doc = doc
        self._masks.clear()
        self._tools.cancel_drag()
        if doc is not None:
            doc.structure_changed.connect(self._on_structure)
            doc.layer_changed.connect(self._on_layer)
            doc.content_changed.connect(self._on_content)
            doc.selection_changed.connect(self._on_selection)
            doc.size_changed.connect(self._on_size)
        self._composite.set_document(doc)
        self._on_selection()
        self.fit()

    def document(self) -> Document | None:
        return self._doc

    def wait_for_composite(self, timeout_ms: int = 10000) -> bool:
        """Run the event loop until the picture shows the document's current state (large
        recomposites finish in the background), at most ``timeout_ms``; True if it does.
        For tests and scripts: the editor itself never waits."""
        return self._composite.wait(timeout_ms)

    def _on_size(self, _width: int, _height: int) -> None:
        """A transform swapped every layer's data: drop the caches and fit the new size."""
        self._masks.clear()
        self._tools.cancel_drag()
        self._composite.set_document(self._doc)
        self._size_reset = True  # the structure change that follows is already composited
        self.fit()

    def _on_structure(self) -> None:
        if self._size_reset:
            self._size_reset = False
            return
        alive = {layer.id for layer in self._doc.layers} if self._doc else set()
        self._masks = {k: v for k, v in self._masks.items() if k in alive}
        self._composite.refresh()

    def _on_layer(self, layer: Layer, names: tuple) -> None:
        if isinstance(layer, RasterLayer) and set(names) - _INVISIBLE_PROPERTIES:
            self._composite.refresh()
        else:
            self.viewport().update()  # overlays read their properties while painting

    def _on_content(self, layer: Layer, rect: Rect | None) -> None:
        if isinstance(layer, RasterLayer):
            self._composite.refresh(rect, pixels=True)
        elif isinstance(layer, MaskLayer) and layer.id in self._masks:
            if rect is None:
                del self._masks[layer.id]
            else:
                x0, y0, x1, y1 = rect
                patch = self._mask_image(layer, layer.mask[y0:y1, x0:x1])
                self._masks[layer.id].replace(x0, y0, patch)
        self.viewport().update()

    def _on_selection(self) -> None:
        selection = self._doc.selection if self._doc else None
        self._outline = mask_outline(selection) if selection is not None else []
        if self._outline:
            self._ants.start()
        else:
            self._ants.stop()
        self.viewport().update()

    def _march(self) -> None:
        self._ants_phase = (self._ants_phase + 1) % 8
        self.viewport().update()

    # -- highlight --------------------------------------------------------------------
    def set_highlight(self, rect: Rect | None) -> None:
        """Outline ``rect`` (x0, y0, x1, y1 image pixels) with a dashed frame, e.g. the
        region a panel points at; None removes it. The document is not changed."""
        self._highlight = None if rect is None else tuple(int(v) for v in rect)
        self.viewport().update()

    def highlight(self) -> Rect | None:
        return self._highlight

    # -- zoom and mapping -------------------------------------------------------------
    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``factor`` keeping the image point under ``anchor`` (widget coordinates
        of the viewport; default its centre) where it is."""
        self._fitting = False
        self._apply_zoom(factor, anchor)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / ZOOM_STEP)

    def fit(self) -> None:
        """Show the whole image, as large as the view allows (at most 100 %)."""
        self._fitting = True
        if self._doc is None:
            self._apply_zoom(1.0, None)
            return
        view = self.viewport().size()
        margin = 16
        factor = min(
            (view.width() - margin) / self._doc.width, (view.height() - margin) / self._doc.height
        )
        self._apply_zoom(min(1.0, max(MIN_ZOOM, factor)), None)

    def actual_size(self) -> None:
        """Show image pixels one to one."""
        self.set_zoom(1.0)

    def _apply_zoom(self, factor: float, anchor: QPointF | None) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, float(factor)))
        if anchor is None:
            anchor = QPointF(self.viewport().width() / 2, self.viewport().height() / 2)
        fixed = self.widget_to_image(anchor)
        changed = not math.isclose(factor, self._zoom)
        self._zoom = factor
        margin = self._centring()
        self._scroll = QPointF(
            fixed.x() * factor + margin.x() - anchor.x(),
            fixed.y() * factor + margin.y() - anchor.y(),
        )
        self._clamp_and_sync()
        self.viewport().update()
        if changed:
            self.zoom_changed.emit(self._zoom)

    def _scaled_size(self) -> tuple[float, float]:
        if self._doc is None:
            return 0.0, 0.0
        return self._doc.width * self._zoom, self._doc.height * self._zoom

    def _centring(self) -> QPointF:
        """Offset that centres an image smaller than the view."""
        w, h = self._scaled_size()
        view = self.viewport()
        # whole pixels, so an image at 100 % lands on the screen's pixel grid
        return QPointF(max(0, (view.width() - w) // 2), max(0, (view.height() - h) // 2))

    def image_to_widget(self, point: QPointF) -> QPointF:
        """Viewport coordinates of an image point (image pixel edges are integers)."""
        margin = self._centring()
        return QPointF(
            point.x() * self._zoom - self._scroll.x() + margin.x(),
            point.y() * self._zoom - self._scroll.y() + margin.y(),
        )

    def widget_to_image(self, point: QPointF) -> QPointF:
        """Image coordinates of a viewport point (may lie outside the image)."""
        margin = self._centring()
        return QPointF(
            (point.x() + self._scroll.x() - margin.x()) / self._zoom,
            (point.y() + self._scroll.y() - margin.y()) / self._zoom,
        )

    def _transform(self) -> QTransform:
        origin = self.image_to_widget(QPointF(0, 0))
        return QTransform(self._zoom, 0, 0, self._zoom, origin.x(), origin.y())

    # -- scrolling --------------------------------------------------------------------
    def pan_by(self, dx: float, dy: float) -> None:
        """Move the view so the image moves by (dx, dy) widget pixels."""
        self._scroll -= QPointF(dx, dy)
        self._clamp_and_sync()
        self.viewport().update()

    def _clamp_and_sync(self) -> None:
        w, h = self._scaled_size()
        view = self.viewport()
        max_x, max_y = max(0.0, w - view.width()), max(0.0, h - view.height())
        self._scroll = QPointF(
            min(max(0.0, self._scroll.x()), max_x), min(max(0.0, self._scroll.y()), max_y)
        )
        self._syncing = True
        for bar, top, page in (
            (self.horizontalScrollBar(), max_x, view.width()),
            (self.verticalScrollBar(), max_y, view.height()),
        ):
            bar.setRange(0, math.ceil(top))
            bar.setPageStep(page)
            bar.setSingleStep(max(1, page // 10))
        self.horizontalScrollBar().setValue(round(self._scroll.x()))
        self.verticalScrollBar().setValue(round(self._scroll.y()))
        self._syncing = False

    def _scrolled(self) -> None:
        if not self._syncing:
            self._scroll = QPointF(self.horizontalScrollBar().value(),
                                   self.verticalScrollBar().value())
            self.viewport().update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._fitting:
            self.fit()
        else:
            self._clamp_and_sync()

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.Mid).darker(115))
        doc, image = self._doc, self._composite.image
        if doc is None:
            painter.end()
            return
        target = QRectF(self.image_to_widget(QPointF(0, 0)),
                        self.image_to_widget(QPointF(doc.width, doc.height)))
        visible = target.intersected(QRectF(event.rect()))
        if visible.isEmpty():
            painter.end()
            return
        painter.fillRect(visible, self._checker)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform,
                              self._zoom <= NEAREST_ABOVE)
        if image is not None:  # None until the first composite of a large document lands
            self._draw_pyramid(painter, image, visible)
        grey = self._grey_mask_layer()
        for layer in doc.layers:
            if not layer.visible or layer.opacity <= 0:
                continue
            if isinstance(layer, MaskLayer) and grey is not None:
                continue
            if isinstance(layer, MaskLayer):
                painter.setOpacity(layer.opacity)
                self._draw_pyramid(painter, self._mask_pyramid(layer), visible)
                painter.setOpacity(1.0)
            elif isinstance(layer, BoxLayer):
                draw_boxes(painter, layer.boxes, self.image_to_widget, layer.opacity)
        if grey is not None:
            self._draw_pyramid(painter, self._mask_pyramid(grey), visible)
        if self._outline:
            painter.setTransform(self._transform())
            draw_marching_ants(painter, self._outline, self._ants_phase)
            painter.resetTransform()
        if self._highlight is not None:
            self._draw_highlight(painter)
        self._tools.paint(painter)
        painter.end()

    def _draw_highlight(self, painter: QPainter) -> None:
        x0, y0, x1, y1 = self._highlight
        frame = QRectF(self.image_to_widget(QPointF(x0, y0)),
                       self.image_to_widget(QPointF(x1, y1))).adjusted(-1, -1, 1, 1)
        for colour, style in ((QColor(255, 255, 255), Qt.PenStyle.SolidLine),
                              (QColor(230, 40, 120), Qt.PenStyle.DashLine)):
            pen = QPen(colour, 2, style)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawRect(frame)

    def _draw_pyramid(self, painter: QPainter, pyramid: Pyramid, visible: QRectF) -> None:
        """Draw the part of ``pyramid`` under ``visible`` (widget rect) from the best level."""
        level, scale = pyramid.level_for(self._zoom)
        top_left = self.widget_to_image(visible.topLeft())
        bottom_right = self.widget_to_image(visible.bottomRight())
        source = QRectF(top_left * scale, bottom_right * scale)
        painter.drawImage(visible, level, source)

    def _mask_pyramid(self, layer: MaskLayer) -> Pyramid:
        if layer.id not in self._masks:
            self._masks[layer.id] = Pyramid(self._mask_image(layer, layer.mask))
        return self._masks[layer.id]

    def _mask_image(self, layer: MaskLayer, mask: np.ndarray) -> QImage:
        if self._mask_view == "bw":
            return rgba_to_qimage(np.dstack([mask, mask, mask, np.full_like(mask, 255)]))
        return mask_to_qimage(mask, layer.color, 1.0)

    # -- mask view ------------------------------------------------------------------------
    def mask_view(self) -> str:
        return self._mask_view

    def set_mask_view(self, view: str) -> None:
        """Show masks as a tinted ``"overlay"`` on the photo, or the active mask layer (else
        the topmost visible one) as an opaque black-and-white image (``"bw"``)."""
        if view not in MASK_VIEWS:
            raise ValueError(f"unknown mask view {view!r}; expected one of {MASK_VIEWS}")
        if view != self._mask_view:
            self._mask_view = view
            self._masks.clear()
            self.viewport().update()

    def _grey_mask_layer(self) -> MaskLayer | None:
        """The mask shown in black and white, or None in overlay view."""
        if self._mask_view != "bw" or self._doc is None:
            return None
        active = self._doc.active_layer
        if isinstance(active, MaskLayer):
            return active
        shown = [m for m in self._doc.layers if isinstance(m, MaskLayer) and m.visible]
        return shown[-1] if shown else None

    # -- input (see canvas_tools) ---------------------------------------------------------
    def tool(self) -> str:
        return self._tools.tool

    def tool_instance(self, name: str | None = None) -> Tool:
        """This canvas's instance of tool ``name`` (default: the active one), e.g. to show
        its options."""
        return self._tools.get(name or self._tools.tool)

    def set_tool(self, name: str) -> None:
        """Choose the left-button tool: ``"pan"`` or ``"rect_select"``."""
        if self._tools.set_tool(name):
            self.tool_changed.emit(name)

    def deselect(self) -> None:
        """Drop the selection (one undoable step), if there is one."""
        self._tools.deselect()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        delta = event.angleDelta()
        if delta.y() == 0 and delta.x() != 0:  # sideways trackpad swipe pans
            self.pan_by(delta.x() / 2, 0)
        elif delta.y() != 0:
            self.set_zoom(self._zoom * ZOOM_STEP ** (delta.y() / 120), event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._tools.mouse_press(event)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        # the tool sees it as a press whose type() is MouseButtonDblClick
        self._tools.mouse_press(event)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._tools.mouse_move(event)
        self._report_cursor(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._tools.mouse_release(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self._tools.key_press(event):
            event.accept()
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        self._tools.key_release(event)
        super().keyReleaseEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.cursor_moved.emit(-1, -1, None)
        super().leaveEvent(event)

    def _report_cursor(self, pos: QPointF) -> None:
        point = self.widget_to_image(pos)
        x, y = math.floor(point.x()), math.floor(point.y())
        image = self._composite.image
        rgba = None
        if image is not None and 0 <= x < image.width and 0 <= y < image.height:
            c = image.base.pixelColor(x, y)
            rgba = (c.red(), c.green(), c.blue(), c.alpha())
        self.cursor_moved.emit(x, y, rgba)

    # -- lifetime -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self._composite.stop()  # no composite thread outlives a closed canvas
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        self._composite.resume()
        super().showEvent(event)
