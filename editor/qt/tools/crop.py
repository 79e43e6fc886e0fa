"""The crop tool: drag a rectangle (of a fixed shape when an aspect preset is chosen),
adjust it by its handles or move it, then Enter or double-click crops (one undo step);
Esc drops it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from editor.model.transform import (
    ASPECT_PRESETS,
    TransformDocument,
    aspect_preset,
    crop,
    crop_rect_for_aspect,
)
from editor.qt.tools.base import Tool, register

#: widget pixels around a handle that still grab it
HANDLE_REACH = 7
#: drawn size of a handle, widget pixels
HANDLE_SIZE = 8
#: darkening of the area that the crop removes
SHADE = QColor(0, 0, 0, 140)

# handle ids: which of x0, y0, x1, y1 a handle moves
_CORNERS = {"tl": (True, True, False, False), "tr": (False, True, True, False),
            "bl": (True, False, False, True), "br": (False, False, True, True)}
_EDGES = {"l": (True, False, False, False), "t": (False, True, False, False),
          "r": (False, False, True, False), "b": (False, False, False, True)}


def tr(text: str) -> str:
    return QCoreApplication.translate("CropTool", text)


@register
class CropTool(Tool):
    name = "crop"
    label = "Crop"
    icon = "crop"
    hint = "Crop: drag a frame, adjust it, then Enter or double-click crops; Esc cancels"
    shortcut = "C"
    order = 30

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.preset = "free"
        self._rect: QRectF | None = None  # image coordinates
        self._drag: str | None = None  # "new", "move" or a handle id
        self._anchor = QPointF()  # "new"/corner: the fixed corner; "move": press offset
        self._options: QWidget | None = None
        self._combo: QComboBox | None = None

    # -- public API ---------------------------------------------------------------------
    @property
    def ratio(self) -> tuple[int, int] | None:
        return aspect_preset(self.preset).ratio

    def crop_rect(self) -> tuple[int, int, int, int] | None:
        """The frame in whole image pixels (x0, y0, x1, y1), or None."""
        if self._rect is None:
            return None
        r = self._rect.normalized()
        x0, y0, x1, y1 = round(r.left()), round(r.top()), round(r.right()), round(r.bottom())
        return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None

    def set_preset(self, key: str) -> None:
        """Choose the frame's shape (a key of :data:`ASPECT_PRESETS`); the frame, or the
        largest frame of that shape when there is none yet, takes it at once."""
        aspect_preset(key)  # KeyError for an unknown key
        self.preset = key
        if self._combo is not None:
            self._combo.setCurrentIndex(self._combo.findData(key))
        doc = self.canvas.document()
        if doc is not None and self.ratio is not None:
            within = self.crop_rect() or (0, 0, doc.width, doc.height)
            x0, y0, x1, y1 = crop_rect_for_aspect(doc.size, self.ratio, within)
            self._rect = QRectF(QPointF(x0, y0), QPointF(x1, y1))
            self.canvas.viewport().update()

    def set_rect(self, rect: tuple[float, float, float, float] | None) -> None:
        """Show the frame at ``rect`` (image coordinates) or none."""
        self._rect = None if rect is None else QRectF(QPointF(*rect[:2]), QPointF(*rect[2:]))
        self.canvas.viewport().update()

    def apply(self) -> bool:
        """Crop the document to the frame (one undo step); False if there is no frame."""
        doc, rect = self.canvas.document(), self.crop_rect()
        self._rect, self._drag = None, None
        self.canvas.viewport().update()
        if doc is None or rect is None or rect == (0, 0, doc.width, doc.height):
            return False
        doc.history.push(TransformDocument(crop(rect), tr("Crop")))
        return True

    # -- events -------------------------------------------------------------------------
    def press(self, event: QMouseEvent) -> bool:
        doc = self.canvas.document()
        if doc is None:
            return False
        pos = event.position()
        handle = self._hit(pos)
        if event.type() == QEvent.Type.MouseButtonDblClick and handle == "move":
            self.apply()
            return True
        point = self._clamp(self.canvas.widget_to_image(pos))
        self._drag = handle or "new"
        if handle == "move":
            self._anchor = point - self._rect.topLeft()
        elif handle in _CORNERS or handle is None:
            self._anchor = self._opposite(handle) if handle else point
            if handle is None:
                self._rect = None
        return True

    def move(self, event: QMouseEvent) -> bool:
        if self._drag is None:
            self._update_cursor(event.position())
            return False
        point = self._clamp(self.canvas.widget_to_image(event.position()))
        if self._drag == "move":
            self._move_to(point - self._anchor)
        elif self._drag in _EDGES:
            self._drag_edge(self._drag, point)
        else:
            self._rect = self._frame(self._anchor, point)
        self.canvas.viewport().update()
        return True

    def release(self, event: QMouseEvent) -> bool:
        if self._drag is None:
            return False
        self._drag = None
        if self.crop_rect() is None:
            self._rect = None
        self.canvas.viewport().update()
        return True

    def key_press(self, event: QKeyEvent) -> bool:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._rect is not None:
            self.apply()
            return True
        return False

    def cancel(self) -> bool:
        had = self._rect is not None
        self._rect, self._drag = None, None
        if had:
            self.canvas.viewport().update()
        return had

    def paint(self, painter: QPainter) -> None:
        doc = self.canvas.document()
        if doc is None or self._rect is None:
            return
        image = QRectF(self.canvas.image_to_widget(QPointF(0, 0)),
                       self.canvas.image_to_widget(QPointF(doc.width, doc.height)))
        frame = self._widget_rect()
        outside = QPainterPath()
        outside.addRect(image)
        inside = QPainterPath()
        inside.addRect(frame)
        painter.fillPath(outside.subtracted(inside), SHADE)
        painter.setPen(QPen(QColor(255, 255, 255, 110), 1))
        for i in (1, 2):  # rule of thirds
            x = frame.left() + frame.width() * i / 3
            y = frame.top() + frame.height() * i / 3
            painter.drawLine(QPointF(x, frame.top()), QPointF(x, frame.bottom()))
            painter.drawLine(QPointF(frame.left(), y), QPointF(frame.right(), y))
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.drawRect(frame)
        painter.setPen(QPen(QColor("black"), 1))
        painter.setBrush(QColor("white"))
        for point in self._handles().values():
            painter.drawRect(QRectF(point.x() - HANDLE_SIZE / 2, point.y() - HANDLE_SIZE / 2,
                                    HANDLE_SIZE, HANDLE_SIZE))
        if (rect := self.crop_rect()) is not None:
            painter.setPen(QColor("white"))
            painter.drawText(frame.adjusted(6, 4, 0, 0).topLeft() + QPointF(0, 12),
                             f"{rect[2] - rect[0]} × {rect[3] - rect[1]}")

    def options(self) -> QWidget:
        if self._options is None:
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            self._combo = QComboBox()
            for preset in ASPECT_PRESETS:
                self._combo.addItem(tr(preset.label), preset.key)
            self._combo.setCurrentIndex(self._combo.findData(self.preset))
            self._combo.activated.connect(
                lambda i: self.set_preset(self._combo.itemData(i)))
            apply = QPushButton(tr("Crop"))
            apply.clicked.connect(self.apply)
            row.addWidget(QLabel(tr("Aspect")))
            row.addWidget(self._combo, 1)
            row.addWidget(apply)
            self._options = box
        return self._options

    # -- geometry (image coordinates unless named widget) -------------------------------
    def _clamp(self, point: QPointF) -> QPointF:
        doc = self.canvas.document()
        return QPointF(min(max(point.x(), 0.0), doc.width), min(max(point.y(), 0.0), doc.height))

    def _frame(self, anchor: QPointF, point: QPointF) -> QRectF:
        """The frame from ``anchor`` towards ``point``, of the preset's shape, inside the
        image."""
        ratio = self.ratio
        dx, dy = point.x() - anchor.x(), point.y() - anchor.y()
        if ratio is None:
            return QRectF(anchor, point).normalized()
        doc = self.canvas.document()
        sx, sy = (1 if dx >= 0 else -1), (1 if dy >= 0 else -1)
        room_w = doc.width - anchor.x() if sx > 0 else anchor.x()
        room_h = doc.height - anchor.y() if sy > 0 else anchor.y()
        r = ratio[0] / ratio[1]
        w, h = abs(dx), abs(dy)
        w, h = (h * r, h) if w / r > h else (w, w / r)
        if w > room_w:
            w, h = room_w, room_w / r
        if h > room_h:
            w, h = room_h * r, room_h
        return QRectF(anchor, QPointF(anchor.x() + sx * w, anchor.y() + sy * h)).normalized()

    def _opposite(self, handle: str) -> QPointF:
        r = self._rect.normalized()
        moves_x0, moves_y0, *_ = _CORNERS[handle]
        return QPointF(r.right() if moves_x0 else r.left(), r.bottom() if moves_y0 else r.top())

    def _drag_edge(self, edge: str, point: QPointF) -> None:
        r = self._rect.normalized()
        x0, y0, x1, y1 = r.left(), r.top(), r.right(), r.bottom()
        moves = _EDGES[edge]
        x0, y0 = (point.x() if moves[0] else x0), (point.y() if moves[1] else y0)
        x1, y1 = (point.x() if moves[2] else x1), (point.y() if moves[3] else y1)
        self._rect = QRectF(QPointF(x0, y0), QPointF(x1, y1)).normalized()

    def _move_to(self, top_left: QPointF) -> None:
        doc = self.canvas.document()
        r = self._rect.normalized()
        x = min(max(top_left.x(), 0.0), doc.width - r.width())
        y = min(max(top_left.y(), 0.0), doc.height - r.height())
        self._rect = QRectF(x, y, r.width(), r.height())

    def _widget_rect(self) -> QRectF:
        r = self._rect.normalized()
        return QRectF(self.canvas.image_to_widget(r.topLeft()),
                      self.canvas.image_to_widget(r.bottomRight()))

    def _handles(self) -> dict[str, QPointF]:
        """Handle positions in widget coordinates; edges only for a free shape."""
        f = self._widget_rect()
        cx, cy = f.center().x(), f.center().y()
        points = {"tl": f.topLeft(), "tr": f.topRight(), "bl": f.bottomLeft(),
                  "br": f.bottomRight()}
        if self.ratio is None:
            points |= {"l": QPointF(f.left(), cy), "r": QPointF(f.right(), cy),
                       "t": QPointF(cx, f.top()), "b": QPointF(cx, f.bottom())}
        return points

    def _hit(self, pos: QPointF) -> str | None:
        """The handle under ``pos`` (widget), "move" inside the frame, else None."""
        if self._rect is None:
            return None
        for name, point in self._handles().items():
            near = max(abs(point.x() - pos.x()), abs(point.y() - pos.y()))
            if near <= HANDLE_REACH:
                return name
        return "move" if self._widget_rect().contains(pos) else None

    def _update_cursor(self, pos: QPointF) -> None:
        shapes = {"tl": Qt.CursorShape.SizeFDiagCursor, "br": Qt.CursorShape.SizeFDiagCursor,
                  "tr": Qt.CursorShape.SizeBDiagCursor, "bl": Qt.CursorShape.SizeBDiagCursor,
                  "l": Qt.CursorShape.SizeHorCursor, "r": Qt.CursorShape.SizeHorCursor,
                  "t": Qt.CursorShape.SizeVerCursor, "b": Qt.CursorShape.SizeVerCursor,
                  "move": Qt.CursorShape.SizeAllCursor}
        self.canvas.viewport().setCursor(shapes.get(self._hit(pos), self.cursor))
