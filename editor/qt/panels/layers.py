"""The layers panel: the document's layer stack, top layer first, edited through commands.

:class:`LayerListModel` is a thin Qt item model over ``doc.layers`` (napari style): it reads
the document and turns every edit (rename, show/hide, lock, drag to reorder) into a command
on the history; it resets itself when the document says its structure changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QEvent,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QSlider,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.model.commands import (
    AddLayer,
    MoveLayer,
    RemoveLayer,
    SetLayerProperties,
    set_visibility,
)
from editor.model.layers import BLEND_MODES, Layer, RasterLayer
from editor.qt.icons import icon, item_icon

if TYPE_CHECKING:
    from editor.model.document import Document

Index = QModelIndex | QPersistentModelIndex

LAYER_ROLE = Qt.ItemDataRole.UserRole + 1
VISIBLE_ROLE = Qt.ItemDataRole.UserRole + 2
LOCKED_ROLE = Qt.ItemDataRole.UserRole + 3
MIME_TYPE = "application/x-lightbox-layer-rows"
_KIND_ICONS = {"raster": "image-outline", "mask": "domino-mask", "boxes": "vector-square"}
_TOGGLE = 22  # width of the eye and lock toggles at the left of each row


class LayerListModel(QAbstractListModel):
    """Rows = ``doc.layers`` reversed (row 0 is the top layer)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: Document | None = None

    def set_document(self, doc: Document | None) -> None:
        self.beginResetModel()
        self.doc = doc
        self.endResetModel()

    def refresh(self) -> None:
        """Re-read the whole stack (after an insert, removal or move)."""
        self.beginResetModel()
        self.endResetModel()

    # -- rows <-> layers ----------------------------------------------------------------
    def layer_at(self, row: int) -> Layer | None:
        if self.doc is None or not 0 <= row < len(self.doc.layers):
            return None
        return self.doc.layers[len(self.doc.layers) - 1 - row]

    def row_of(self, layer: Layer) -> int:
        assert self.doc is not None
        return len(self.doc.layers) - 1 - self.doc.index_of(layer.id)

    def layer_changed(self, layer: Layer) -> None:
        """Repaint the row of ``layer``."""
        if self.doc is not None and layer in self.doc.layers:
            index = self.index(self.row_of(layer))
            self.dataChanged.emit(index, index)

    # -- reading ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.doc is None else len(self.doc.layers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        layer = self.layer_at(index.row()) if index.isValid() else None
        if layer is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return layer.name
        if role == Qt.ItemDataRole.DecorationRole:
            return item_icon(_KIND_ICONS.get(layer.kind, "layers-outline"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if layer.locked:
                return self.tr("{name} is locked: unlock it to rename or delete it").format(
                    name=layer.name)
            return self.tr("{name} — double-click to rename").format(name=layer.name)
        if role == LAYER_ROLE:
            return layer
        if role == VISIBLE_ROLE:
            return layer.visible
        if role == LOCKED_ROLE:
            return layer.locked
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsDropEnabled  # drops land between rows, never on one
        layer = self.layer_at(index.row()) if index.isValid() else None
        if layer is None:
            return flags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        flags |= Qt.ItemFlag.ItemIsDragEnabled
        if not layer.locked:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # -- editing: every change is a command ---------------------------------------------
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        layer = self.layer_at(index.row()) if index.isValid() else None
        if layer is None or self.doc is None:
            return False
        if role == Qt.ItemDataRole.EditRole:
            name = str(value).strip()
            if layer.locked or not name or name == layer.name:
                return False
            self.doc.history.push(SetLayerProperties(layer, name=name))
        elif role == VISIBLE_ROLE:
            if bool(value) == layer.visible:
                return False
            set_visibility(self.doc, layer, bool(value))  # not an undo step
        elif role == LOCKED_ROLE:
            if bool(value) == layer.locked:
                return False
            self.doc.history.push(SetLayerProperties(layer, locked=bool(value)))
        else:
            return False
        return True

    def moveRows(  # noqa: N802
        self, source_parent: Index, source_row: int, count: int,
        destination_parent: Index, destination_child: int,
    ) -> bool:
        """Move ``count`` rows to before ``destination_child`` (Qt's numbering) as commands."""
        if self.doc is None or count != 1 or source_parent.isValid():
            return False
        layer = self.layer_at(source_row)
        if layer is None:
            return False
        n = len(self.doc.layers)
        target_row = destination_child if destination_child < source_row else destination_child - 1
        target_row = max(0, min(target_row, n - 1))
        if target_row == source_row:
            return False
        self.doc.history.push(MoveLayer(layer, n - 1 - target_row))
        return True

    # -- drag and drop within the list --------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data.setData(MIME_TYPE, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def dropMimeData(  # noqa: N802
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index,
    ) -> bool:
        """A drop between rows moves the dragged layer there (one MoveLayer command)."""
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME_TYPE):
            return False
        text = bytes(data.data(MIME_TYPE).data()).decode()
        rows = [int(r) for r in text.split(",") if r]
        if len(rows) != 1:
            return False
        if row < 0:  # dropped on a row or past the end
            row = parent.row() if parent.isValid() else self.rowCount()
        return self.moveRows(QModelIndex(), rows[0], 1, QModelIndex(), row)


class LayerDelegate(QStyledItemDelegate):
    """Draws an eye and a lock toggle at the left of each row and flips them on click."""

    def _toggle_rects(self, rect: QRect) -> tuple[QRect, QRect]:
        eye = QRect(rect.left(), rect.top(), _TOGGLE, rect.height())
        lock = QRect(rect.left() + _TOGGLE, rect.top(), _TOGGLE, rect.height())
        return eye, lock

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        eye, lock = self._toggle_rects(option.rect)
        rest = QStyleOptionViewItem(option)
        rest.rect = option.rect.adjusted(2 * _TOGGLE, 0, 0, 0)
        super().paint(painter, rest, index)
        visible = icon("eye" if index.data(VISIBLE_ROLE) else "eye-off")
        locked = icon("lock" if index.data(LOCKED_ROLE) else "lock-open-variant-outline")
        side = min(16, option.rect.height())
        for rect, pic in ((eye, visible), (lock, locked)):
            target = QRect(0, 0, side, side)
            target.moveCenter(rect.center())
            pic.paint(painter, target)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        return QSize(size.width() + 2 * _TOGGLE, max(size.height(), _TOGGLE))

    def updateEditorGeometry(  # noqa: N802
        self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex,
    ) -> None:
        rest = QStyleOptionViewItem(option)
        rest.rect = option.rect.adjusted(2 * _TOGGLE, 0, 0, 0)
        super().updateEditorGeometry(editor, rest, index)

    def editorEvent(self, event: QEvent, model: Any, option: Any, index: QModelIndex) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                    QEvent.Type.MouseButtonRelease):
            eye, lock = self._toggle_rects(option.rect)
            point = event.position().toPoint()
            if kind != QEvent.Type.MouseButtonRelease:
                # the toggles act on release; a press there starts no edit and no drag
                return eye.contains(point) or lock.contains(point) or super().editorEvent(
                    event, model, option, index)
            if eye.contains(point):
                return model.setData(index, not index.data(VISIBLE_ROLE), VISIBLE_ROLE)
            if lock.contains(point):
                return model.setData(index, not index.data(LOCKED_ROLE), LOCKED_ROLE)
        return super().editorEvent(event, model, option, index)


class LayersPanel(QWidget):
    """Layer list with visibility/lock toggles, opacity, blend mode and stack buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: Document | None = None
        self._syncing = False

        self.model = LayerListModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(LayerDelegate(self.view))
        # room for a photo, its cutout, mask and shadow without scrolling
        self.view.setMinimumHeight(5 * self.view.fontMetrics().height() * 2 + 12)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.selectionModel().currentChanged.connect(self._on_current_row)
        self.model.modelReset.connect(self._select_active)

        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(0, 100)
        self.opacity_spin = QSpinBox()
        self.opacity_spin.setRange(0, 100)
        self.opacity_spin.setSuffix(" %")
        self.opacity_slider.valueChanged.connect(self._on_opacity)
        self.opacity_spin.valueChanged.connect(self._on_opacity)
        self.blend_combo = QComboBox()
        names = {"normal": self.tr("Normal"), "multiply": self.tr("Multiply"),
                 "screen": self.tr("Screen")}
        for mode in BLEND_MODES:
            self.blend_combo.addItem(names.get(mode, mode), mode)
        self.blend_combo.currentIndexChanged.connect(self._on_blend)

        self.add_button = self._button("layers-plus", self.tr("Add an empty layer"), self.add_layer)
        self.duplicate_button = self._button(
            "content-copy", self.tr("Duplicate the layer"), self.duplicate_layer)
        self.delete_button = self._button(
            "delete-outline", self.tr("Delete the layer"), self.delete_layer)
        self.up_button = self._button("arrow-up", self.tr("Move the layer up"), self.move_up)
        self.down_button = self._button(
            "arrow-down", self.tr("Move the layer down"), self.move_down)
        self.status = QLabel()
        self.status.setWordWrap(True)

        properties = QHBoxLayout()
        properties.addWidget(QLabel(self.tr("Opacity")))
        properties.addWidget(self.opacity_slider, 1)
        properties.addWidget(self.opacity_spin)
        blend = QHBoxLayout()
        blend.addWidget(QLabel(self.tr("Blend")))
        blend.addWidget(self.blend_combo, 1)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.duplicate_button, self.delete_button,
                       self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(properties)
        layout.addLayout(blend)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._update_controls()

    def _button(self, name: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(name))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    # -- document -----------------------------------------------------------------------
    def set_document(self, doc: Document | None) -> None:
        """Mirror ``doc`` (or nothing)."""
        if self.doc is not None:
            self.doc.structure_changed.disconnect(self.model.refresh)
            self.doc.layer_changed.disconnect(self._on_layer_changed)
            self.doc.active_changed.disconnect(self._on_active_changed)
        self.doc = doc
        self.model.set_document(doc)
        if doc is not None:
            doc.structure_changed.connect(self.model.refresh)
            doc.layer_changed.connect(self._on_layer_changed)
            doc.active_changed.connect(self._on_active_changed)
        self._select_active()

    @property
    def active(self) -> Layer | None:
        return self.doc.active_layer if self.doc is not None else None

    # -- actions (buttons) --------------------------------------------------------------
    def add_layer(self) -> None:
        """Add an empty transparent raster layer above the active one."""
        if self.doc is None:
            return
        count = sum(isinstance(layer, RasterLayer) for layer in self.doc.layers) + 1
        pixels = np.zeros((self.doc.height, self.doc.width, 4), np.uint8)
        layer = RasterLayer(self.tr("Layer {n}").format(n=count), pixels)
        self.doc.history.push(AddLayer(layer, self._above_active()))

    def duplicate_layer(self) -> None:
        """Copy the active layer, placing the copy right above it."""
        layer = self.active
        if self.doc is None or layer is None:
            return
        twin = layer.duplicate(self.tr("{name} copy").format(name=layer.name))
        twin.locked = False
        self.doc.history.push(AddLayer(twin, self._above_active()))

    def delete_layer(self) -> None:
        """Delete the active layer unless it is locked."""
        layer = self.active
        if self.doc is None or layer is None:
            return
        if layer.locked:
            self.status.setText(self.tr("“{name}” is locked: unlock it to delete it").format(
                name=layer.name))
            return
        self.doc.history.push(RemoveLayer(layer))

    def move_up(self) -> None:
        self._move_by(1)

    def move_down(self) -> None:
        self._move_by(-1)

    def _move_by(self, step: int) -> None:
        layer = self.active
        if self.doc is None or layer is None:
            return
        index = self.doc.index_of(layer.id) + step
        if 0 <= index < len(self.doc.layers):
            self.doc.history.push(MoveLayer(layer, index))

    def _above_active(self) -> int | None:
        layer = self.active
        return None if self.doc is None or layer is None else self.doc.index_of(layer.id) + 1

    # -- widgets -> document ------------------------------------------------------------
    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or self.doc is None:
            return
        layer = self.model.layer_at(current.row()) if current.isValid() else None
        if layer is not None:
            self.doc.set_active(layer)

    def _on_opacity(self, value: int) -> None:
        layer = self.active
        if self._syncing or self.doc is None or layer is None:
            return
        if round(layer.opacity * 100) != value:
            self.doc.history.push(SetLayerProperties(layer, opacity=value / 100))

    def _on_blend(self, _index: int) -> None:
        layer = self.active
        mode = self.blend_combo.currentData()
        if self._syncing or self.doc is None or layer is None or mode == layer.blend:
            return
        self.doc.history.push(SetLayerProperties(layer, blend=mode))

    # -- document -> widgets ------------------------------------------------------------
    def _on_layer_changed(self, layer: Layer, _names: tuple[str, ...]) -> None:
        self.model.layer_changed(layer)
        if layer is self.active:
            self._update_controls()

    def _on_active_changed(self, _layer: Layer | None) -> None:
        self._select_active()

    def _select_active(self) -> None:
        layer = self.active
        self._syncing = True
        try:
            if layer is not None and self.doc is not None and layer in self.doc.layers:
                index = self.model.index(self.model.row_of(layer))
                self.view.setCurrentIndex(index)
            else:
                self.view.clearSelection()
        finally:
            self._syncing = False
        self._update_controls()

    def _update_controls(self) -> None:
        layer = self.active
        has = layer is not None
        self._syncing = True
        try:
            percent = round(layer.opacity * 100) if layer is not None else 100
            self.opacity_slider.setValue(percent)
            self.opacity_spin.setValue(percent)
            index = self.blend_combo.findData(layer.blend if layer is not None else "normal")
            self.blend_combo.setCurrentIndex(max(0, index))
        finally:
            self._syncing = False
        for widget in (self.opacity_slider, self.opacity_spin, self.duplicate_button):
            widget.setEnabled(has)
        self.blend_combo.setEnabled(isinstance(layer, RasterLayer))
        self.add_button.setEnabled(self.doc is not None)
        locked = layer is not None and layer.locked
        self.delete_button.setEnabled(has and not locked)
        self.delete_button.setToolTip(
            self.tr("“{name}” is locked: unlock it to delete it").format(name=layer.name)
            if locked and layer is not None else self.tr("Delete the layer"))
        index = self.doc.index_of(layer.id) if self.doc is not None and layer else -1
        self.up_button.setEnabled(has and self.doc is not None
                                  and index < len(self.doc.layers) - 1)
        self.down_button.setEnabled(has and index > 0)
        if not locked:
            self.status.clear()
