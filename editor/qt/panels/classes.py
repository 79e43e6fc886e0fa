"""The Classes panel: the box classes of the annotation session with their colours, box
counts on the open image and number-key hints; add, rename and delete.

It renders a :class:`~editor.qt.tools.boxes.BoxSession` and asks for changes through
signals; the annotation feature does them (renaming or deleting a class edits boxes, which
takes a command on the document's history).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.qt.canvas_overlays import label_colour
from editor.qt.icons import icon
from editor.qt.tools.boxes import BoxSession

_NAME_ROLE = Qt.ItemDataRole.UserRole


class ClassesPanel(QWidget):
    """The class list: click a class to draw new boxes with it."""

    add_requested = Signal()
    rename_requested = Signal(str)
    delete_requested = Signal(str)

    def __init__(self, session: BoxSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._counts: dict[str, int] = {}
        self.list = QListWidget()
        self.list.setObjectName("classes-list")
        self.list.itemClicked.connect(self._clicked)
        self.list.itemDoubleClicked.connect(lambda item: self.rename_requested.emit(
            item.data(_NAME_ROLE)))
        self.hint = QLabel(self.tr("Keys 1–9 give the selected boxes a class; A accepts a "
                                   "dashed (low-confidence) box."))
        self.hint.setWordWrap(True)
        self.add_button = self._button("plus", self.tr("Add a class"), self.add_requested.emit)
        self.rename_button = self._button("pencil-outline", self.tr("Rename the class"),
                                          lambda: self._with_current(self.rename_requested))
        self.delete_button = self._button("delete-outline",
                                          self.tr("Delete the class and its boxes on this "
                                                  "image"),
                                          lambda: self._with_current(self.delete_requested))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.list, 1)
        column.addLayout(buttons)
        column.addWidget(self.hint)
        session.classes_changed.connect(self.refresh)
        session.current_changed.connect(lambda _name: self.refresh())
        self.refresh()

    def _button(self, icon_name: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(icon_name))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def set_counts(self, counts: dict[str, int]) -> None:
        """Boxes per class on the open image."""
        if counts != self._counts:
            self._counts = dict(counts)
            self.refresh()

    def refresh(self) -> None:
        """Rebuild the rows from the session."""
        self.list.clear()
        for number, name in enumerate(self.session.classes, start=1):
            key = str(number) if number <= 9 else " "
            count = self._counts.get(name, 0)
            item = QListWidgetItem(_swatch(label_colour(name)),
                                   self.tr("{key}  {name}  ({count})").format(
                                       key=key, name=name, count=count))
            item.setData(_NAME_ROLE, name)
            item.setToolTip(self.tr("Key {key}: {name}, {count} boxes on this image").format(
                key=key.strip() or "–", name=name, count=count))
            self.list.addItem(item)
            if name == self.session.current:
                self.list.setCurrentItem(item)
        has = bool(self.session.classes)
        self.rename_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.session.set_current(item.data(_NAME_ROLE))

    def _with_current(self, signal) -> None:
        item = self.list.currentItem()
        if item is not None:
            signal.emit(item.data(_NAME_ROLE))


def _swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(colour)
    return QIcon(pixmap)
