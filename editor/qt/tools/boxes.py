"""The Box tool: draw, select, move, resize, delete, copy and paste box annotations, set
their class with the number keys and accept low-confidence boxes.

Every edit is one :class:`~editor.model.commands.SetBoxes` on the history, pushed when the
gesture ends; while dragging, the tool only paints a preview. Hit-testing runs on numpy
arrays of the boxes (:func:`editor.qt.canvas_overlays.box_arrays`), so it stays instant
with thousands of boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPalette, QPen

from editor.model.commands import AddLayer, Macro, SetBoxes
from editor.model.labels import palette
from editor.model.layers import Box, BoxLayer
from editor.qt.canvas_overlays import box_arrays
from editor.qt.tools.base import Tool, register

#: widget pixels a press may move and still count as a click
CLICK_SLOP = 3
#: side of a resize handle, and how near the cursor must be to grab one (widget pixels)
HANDLE = 8
#: handles: (x edge, y edge) each -1 (left/top), 0 (unchanged) or 1 (right/bottom)
_HANDLES = ((-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0))
_HANDLE_CURSORS = (Qt.CursorShape.SizeFDiagCursor, Qt.CursorShape.SizeVerCursor,
                   Qt.CursorShape.SizeBDiagCursor, Qt.CursorShape.SizeHorCursor)
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
#: the name of the box layer made when someone draws with no box layer to draw on
NEW_LAYER_NAME = "Labels"
DEFAULT_CLASS = "object"


class BoxSession(QObject):
    """What the Box tool shares with the Classes panel and across images: the class list
    (its order gives the number keys 1-9), the class for new boxes and the clipboard."""

    classes_changed = Signal()
    current_changed = Signal(str)
    #: a short line for the status bar (a number key with no class behind it, ...)
    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.classes: list[str] = []
        self.current = ""
        #: boxes copied with Ctrl+C, pasted with Ctrl+V into any image
        self.clipboard: list[Box] = []

    def set_classes(self, classes: list[str]) -> None:
        """Replace the class list (duplicates and empty names dropped)."""
        cleaned = list(dict.fromkeys(c for c in classes if c))
        if cleaned != self.classes:
            self.classes = cleaned
            palette.set_classes(cleaned)  # a class's colour follows its place in the list
            self.classes_changed.emit()
        if self.current not in self.classes and self.classes:
            self.set_current(self.classes[0])

    def add(self, names: list[str]) -> None:
        """Append the classes not in the list yet."""
        self.set_classes([*self.classes, *names])

    def set_current(self, name: str) -> None:
        """The class new boxes get."""
        if name and name != self.current:
            self.current = name
            if name not in self.classes:
                self.add([name])
            self.current_changed.emit(name)

    def for_key(self, number: int) -> str | None:
        """The class number key ``number`` (1-9) stands for."""
        return self.classes[number - 1] if 0 < number <= len(self.classes) else None

    def class_for_new_box(self) -> str:
        return self.current or (self.classes[0] if self.classes else DEFAULT_CLASS)


@dataclass
class _Drag:
    kind: str  # "draw", "move" or "resize"
    press: QPointF  # widget coordinates
    start: QPointF  # image coordinates
    end: QPointF
    handle: int = -1
    moved: bool = False


@register
class BoxTool(Tool):
    name = "boxes"
    label = "Boxes"
    icon = "vector-square"
    hint = ("Boxes: drag to draw; click to select (Shift adds); drag a box to move it, a "
            "handle to resize; 1-9 set the class; A accepts; X or Del rejects; Ctrl+C/V copy/paste")
    shortcut = "R"
    order = 40

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        #: replaced by the annotation feature with the window's shared session
        self.session = BoxSession()
        #: indices of the selected boxes in the layer's list
        self.selected: list[int] = []
        self._seen: list[Box] | None = None  # the list ``selected`` indexes
        self._drag: _Drag | None = None

    # -- the layer and the selection -------------------------------------------------------
    def layer(self) -> BoxLayer | None:
        """The box layer edits go to: the active one, else the topmost box layer."""
        doc = self.canvas.document()
        if doc is None:
            return None
        if isinstance(doc.active_layer, BoxLayer):
            layer = doc.active_layer
        else:
            layer = next((x for x in reversed(doc.layers) if isinstance(x, BoxLayer)), None)
        if layer is not None and layer.boxes is not self._seen:
            self.selected = []  # undone, redone or changed elsewhere: indices are stale
            self._seen = layer.boxes
        return layer

    def selected_boxes(self) -> list[Box]:
        layer = self.layer()
        return [layer.boxes[i] for i in self.selected] if layer is not None else []

    def select(self, indices: list[int]) -> None:
        """Select boxes of :meth:`layer` by index."""
        layer = self.layer()
        count = len(layer.boxes) if layer is not None else 0
        self.selected = sorted({i for i in indices if 0 <= i < count})
        self.canvas.viewport().update()

    def _commit(self, layer: BoxLayer | None, boxes: list[Box], text: str,
                selected: list[int]) -> None:
        """Push one undo step; with no layer, make the "Labels" layer in the same step."""
        doc = self.canvas.document()
        if doc is None:
            return
        text = self.canvas.tr(text)
        if layer is None:
            layer = BoxLayer(self.canvas.tr(NEW_LAYER_NAME), [], doc.size)
            doc.history.push(Macro(text, [AddLayer(layer), SetBoxes(layer, boxes, text)]))
        else:
            if layer.locked:
                self._notice(self.canvas.tr("The layer “{name}” is locked").format(
                    name=layer.name))
                return
            doc.history.push(SetBoxes(layer, boxes, text))
            doc.set_active(layer)
        self.session.add([b.label for b in boxes])
        self._seen = layer.boxes
        self.selected = selected
        self.canvas.viewport().update()

    def _notice(self, text: str) -> None:
        signal = getattr(self.canvas, "notice", None)
        if signal is not None:
            signal.emit(text, "warning")

    # -- mouse -----------------------------------------------------------------------------
    def press(self, event: QMouseEvent) -> bool:
        if self.canvas.document() is None:
            return False
        pos = event.position()
        point = self.canvas.widget_to_image(pos)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        layer = self.layer()
        handle = self._handle_at(pos) if layer is not None and not shift else None
        if handle is not None:
            self.selected = [handle[0]]
            self._drag = _Drag("resize", pos, point, point, handle[1])
            return True
        hit = box_arrays(layer.boxes).at(point.x(), point.y()) \
            if layer is not None and layer.visible and layer.boxes else None
        if hit is not None and shift:
            self.select([i for i in self.selected if i != hit] if hit in self.selected
                        else [*self.selected, hit])
        elif hit is not None:
            if hit not in self.selected:
                self.select([hit])
            self._drag = _Drag("move", pos, point, point)
        else:
            if not shift:
                self.select([])
            self._drag = _Drag("draw", pos, point, point)
        return True

    def move(self, event: QMouseEvent) -> bool:
        drag = self._drag
        if drag is None:
            self._hover(event.position())
            return False
        if not drag.moved and (event.position() - drag.press).manhattanLength() < CLICK_SLOP:
            return True
        drag.moved = True
        drag.end = self.canvas.widget_to_image(event.position())
        self.canvas.viewport().update()
        return True

    def release(self, event: QMouseEvent) -> bool:
        drag = self._drag
        if drag is None:
            return False
        self.cancel()
        if not drag.moved:
            return True
        layer = self.layer()
        boxes = list(layer.boxes) if layer is not None else []
        if drag.kind == "draw":
            box = self._drawn(drag)
            if box is not None:
                self._commit(layer, [*boxes, box], "Draw box", [len(boxes)])
        elif layer is not None:
            changed = self._dragged(drag, layer)
            for i, box in changed.items():
                boxes[i] = box
            if changed:
                text = "Move boxes" if drag.kind == "move" else "Resize box"
                self._commit(layer, boxes, text, sorted(changed))
        return True

    def cancel(self) -> bool:
        had = self._drag is not None
        self._drag = None
        if had:
            self.canvas.viewport().update()
        return had

    def _hover(self, pos: QPointF) -> None:
        handle = self._handle_at(pos)
        shape = self.cursor
        if handle is not None:
            shape = _HANDLE_CURSORS[handle[1] % 4]
        else:
            layer, point = self.layer(), self.canvas.widget_to_image(pos)
            if layer is not None and layer.boxes and \
                    box_arrays(layer.boxes).at(point.x(), point.y()) is not None:
                shape = Qt.CursorShape.SizeAllCursor
        self.canvas.viewport().setCursor(shape)

    def _handle_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(box index, handle number) of the selected box handle under ``pos``."""
        layer = self.layer()
        if layer is None:
            return None
        for i in reversed(self.selected):
            for number, centre in enumerate(self._handle_points(layer.boxes[i])):
                if abs(centre.x() - pos.x()) <= HANDLE and abs(centre.y() - pos.y()) <= HANDLE:
                    return i, number
        return None

    def _handle_points(self, box: Box) -> list[QPointF]:
        rect = self._widget_rect(box)
        xs = {-1: rect.left(), 0: rect.center().x(), 1: rect.right()}
        ys = {-1: rect.top(), 0: rect.center().y(), 1: rect.bottom()}
        return [QPointF(xs[hx], ys[hy]) for hx, hy in _HANDLES]

    def _widget_rect(self, box: Box) -> QRectF:
        return QRectF(self.canvas.image_to_widget(QPointF(box.x0, box.y0)),
                      self.canvas.image_to_widget(QPointF(box.x1, box.y1)))

    # -- what a drag makes -----------------------------------------------------------------
    def _drawn(self, drag: _Drag) -> Box | None:
        doc = self.canvas.document()
        width, height = doc.size
        x0, x1 = sorted((_clamp(drag.start.x(), width), _clamp(drag.end.x(), width)))
        y0, y1 = sorted((_clamp(drag.start.y(), height), _clamp(drag.end.y(), height)))
        if x1 - x0 <= 0 or y1 - y0 <= 0:
            return None
        return Box(x0, y0, x1, y1, self.session.class_for_new_box(), 1.0)

    def _dragged(self, drag: _Drag, layer: BoxLayer) -> dict[int, Box]:
        """The selected boxes as the drag leaves them, by index (empty: nothing changes)."""
        width, height = self.canvas.document().size  # the image's bounds, as when drawing
        dx, dy = drag.end.x() - drag.start.x(), drag.end.y() - drag.start.y()
        chosen = {i: layer.boxes[i] for i in self.selected if i < len(layer.boxes)}
        if not chosen:
            return {}
        if drag.kind == "move":
            # the group moves together and stays inside the image
            dx = min(max(dx, -min(b.x0 for b in chosen.values())),
                     width - max(b.x1 for b in chosen.values()))
            dy = min(max(dy, -min(b.y0 for b in chosen.values())),
                     height - max(b.y1 for b in chosen.values()))
            if dx == 0 and dy == 0:
                return {}
            return {i: replace(b, x0=b.x0 + dx, y0=b.y0 + dy, x1=b.x1 + dx, y1=b.y1 + dy)
                    for i, b in chosen.items()}
        index = next(iter(chosen))
        box = chosen[index]
        hx, hy = _HANDLES[drag.handle]
        x0, y0, x1, y1 = box.x0, box.y0, box.x1, box.y1
        if hx < 0:
            x0 = _clamp(x0 + dx, width)
        elif hx > 0:
            x1 = _clamp(x1 + dx, width)
        if hy < 0:
            y0 = _clamp(y0 + dy, height)
        elif hy > 0:
            y1 = _clamp(y1 + dy, height)
        (x0, x1), (y0, y1) = sorted((x0, x1)), sorted((y0, y1))
        if x1 <= x0 or y1 <= y0:
            return {}
        return {index: replace(box, x0=x0, y0=y0, x1=x1, y1=y1)}

    # -- keys ------------------------------------------------------------------------------
    def key_press(self, event: QKeyEvent) -> bool:
        if self.canvas.document() is None:
            return False
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        layer = self.layer()
        if ctrl and key == Qt.Key.Key_C:
            self.session.clipboard = self.selected_boxes()
        elif ctrl and key == Qt.Key.Key_V:
            self.paste()
        elif ctrl and key == Qt.Key.Key_A and layer is not None:
            self.select(list(range(len(layer.boxes))))
        elif ctrl:
            return False
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_X):  # X: reject
            if layer is not None and self.selected:
                gone = set(self.selected)
                self._commit(layer, [b for i, b in enumerate(layer.boxes) if i not in gone],
                             "Delete boxes", [])
        elif key in _DIGITS:
            name = self.session.for_key(_DIGITS[key])
            if name is None:
                self.session.message.emit(_no_class_message(_DIGITS[key],
                                                             len(self.session.classes)))
            self.set_class(name)
        elif key == Qt.Key.Key_A:
            self.accept()
        else:
            return False
        return True

    def set_class(self, name: str | None) -> None:
        """Give the selected boxes class ``name`` (and make it the class for new boxes)."""
        if not name:
            return
        self.session.set_current(name)
        layer = self.layer()
        if layer is None or not self.selected:
            return
        boxes = list(layer.boxes)
        for i in self.selected:
            boxes[i] = replace(boxes[i], label=name)
        if boxes != layer.boxes:
            self._commit(layer, boxes, "Set box class", list(self.selected))

    def accept(self) -> None:
        """Mark the selected boxes as checked by a person (score 1.0)."""
        layer = self.layer()
        if layer is None or not any(layer.boxes[i].score < 1.0 for i in self.selected):
            return
        boxes = list(layer.boxes)
        for i in self.selected:
            boxes[i] = replace(boxes[i], score=1.0)
        self._commit(layer, boxes, "Accept boxes", list(self.selected))

    def paste(self) -> None:
        """Add the clipboard's boxes (clipped to this image) and select them."""
        doc = self.canvas.document()
        if doc is None or not self.session.clipboard:
            return
        width, height = doc.size
        pasted = []
        for b in self.session.clipboard:
            x0, y0 = _clamp(b.x0, width), _clamp(b.y0, height)
            x1, y1 = _clamp(b.x1, width), _clamp(b.y1, height)
            if x1 > x0 and y1 > y0:
                pasted.append(replace(b, x0=x0, y0=y0, x1=x1, y1=y1))
        if not pasted:
            return
        layer = self.layer()
        boxes = list(layer.boxes) if layer is not None else []
        self._commit(layer, boxes + pasted, "Paste boxes",
                     list(range(len(boxes), len(boxes) + len(pasted))))

    # -- painting --------------------------------------------------------------------------
    def paint(self, painter: QPainter) -> None:
        layer = self.layer()
        highlight = self.canvas.palette().color(QPalette.ColorRole.Highlight)
        painter.save()
        if layer is not None and layer.visible:
            for i in self.selected:
                rect = self._widget_rect(layer.boxes[i])
                painter.setPen(_pen(QColor(255, 255, 255), 3))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect)
                painter.setPen(_pen(highlight, 1))
                painter.drawRect(rect)
                painter.setBrush(QColor(255, 255, 255))
                for centre in self._handle_points(layer.boxes[i]):
                    painter.drawRect(QRectF(centre.x() - HANDLE / 2, centre.y() - HANDLE / 2,
                                            HANDLE, HANDLE))
        drag = self._drag
        if drag is not None and drag.moved:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(_pen(highlight, 2, Qt.PenStyle.DashLine))
            if drag.kind == "draw":
                ghost = self._drawn(drag)
                ghosts = [ghost] if ghost is not None else []
            else:
                ghosts = list(self._dragged(drag, layer).values()) if layer else []
            for box in ghosts:
                painter.drawRect(self._widget_rect(box))
        painter.restore()


def _no_class_message(number: int, count: int) -> str:
    """What a number key with no class behind it says."""
    if count == 0:
        return QCoreApplication.translate(
            "BoxTool", "Key {number}: there are no classes yet; add one in the Classes panel"
        ).format(number=number)
    return QCoreApplication.translate(
        "BoxTool", "Key {number}: there are only {count} classes (keys 1-{count}); add more "
        "in the Classes panel").format(number=number, count=count)


def _pen(colour: QColor, width: int, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width, style)
    pen.setCosmetic(True)
    return pen


def _clamp(value: float, limit: int) -> float:
    return float(min(max(value, 0.0), float(limit)))
