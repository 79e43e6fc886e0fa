"""The history panel: every undo step of the document; click one to go back or forward to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QVBoxLayout, QWidget

from editor.qt.icons import item_icon

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.model.history import History

Index = QModelIndex | QPersistentModelIndex


class HistoryModel(QAbstractListModel):
    """Row 0 is the opened document; row ``i`` is the state after ``i`` steps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: History | None = None

    def set_history(self, history: History | None) -> None:
        self.beginResetModel()
        self.history = history
        self.endResetModel()

    def refresh(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() or self.history is None:
            return 0
        return len(self.history.texts) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.history is None or not index.isValid():
            return None
        row = index.row()
        current = self.history.index
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Open") if row == 0 else self.history.texts[row - 1]
        if role == Qt.ItemDataRole.DecorationRole:
            return item_icon("file-outline" if row == 0 else "circle-small")
        if role == Qt.ItemDataRole.FontRole and row == current:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row > current:
            # undone steps: still reachable by redo, shown greyed
            return QPalette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row > current:
                return self.tr("Undone — click to redo up to here")
            return self.tr("Click to go back to this step")
        return None


class HistoryPanel(QWidget):
    """Lists "Open" and then every step; the current step is highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: Document | None = None
        self.model = HistoryModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.clicked.connect(self._on_clicked)
        self.view.activated.connect(self._on_clicked)
        self.model.modelReset.connect(self._select_current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def set_document(self, doc: Document | None) -> None:
        """Show the history of ``doc`` (or nothing)."""
        if self.doc is not None:
            self.doc.history.changed.disconnect(self.model.refresh)
        self.doc = doc
        if doc is not None:
            doc.history.changed.connect(self.model.refresh)
        self.model.set_history(doc.history if doc is not None else None)

    @property
    def current_row(self) -> int:
        """The highlighted row (= the number of applied steps), -1 without a document."""
        return self.doc.history.index if self.doc is not None else -1

    def _on_clicked(self, index: QModelIndex) -> None:
        if self.doc is not None and index.isValid() and index.row() != self.doc.history.index:
            self.doc.history.goto(index.row())

    def _select_current(self) -> None:
        if self.doc is None:
            return
        index = self.model.index(self.doc.history.index)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
