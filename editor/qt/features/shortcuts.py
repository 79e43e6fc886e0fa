"""Help > Keyboard Shortcuts: a cheat sheet built from the window's menus when it opens, so
every action with a shortcut (tools and features added later included) is listed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.qt.features import Feature, feature

if TYPE_CHECKING:
    from editor.qt.main_window import MainWindow

#: (untranslated key, untranslated meaning) of keys the canvas handles itself
CANVAS_KEYS = (
    ("+ / -", "Zoom in / out"),
    ("0", "Fit the photo in the view"),
    ("1", "Actual pixels (100 %)"),
    ("Arrows", "Pan the view"),
    ("Space + drag", "Pan with any tool"),
    ("Middle button drag", "Pan"),
    ("Wheel", "Zoom around the cursor"),
    ("Esc", "Cancel the gesture, else deselect"),
    ("[ / ]", "Smaller / larger brush"),
    ("Enter", "Apply (crop)"),
)

Group = tuple[str, list[tuple[str, str]]]


def tr(text: str) -> str:
    return QCoreApplication.translate("Shortcuts", text)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


def _collect(menu: QMenu, prefix: str, rows: list[tuple[str, str]]) -> None:
    for action in menu.actions():
        if action.menu() is not None:
            _collect(action.menu(), f"{prefix}{_plain(action.text())} › ", rows)
        elif not action.isSeparator():
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText)
                    for k in action.shortcuts() if not k.isEmpty()]
            if keys:
                rows.append((prefix + _plain(action.text()), ", ".join(keys)))


def shortcut_groups(window: QWidget) -> list[Group]:
    """(menu title, [(command, keys)]) for every menu-bar menu with shortcuts, in menu-bar
    order, then the canvas's own keys."""
    groups: list[Group] = []
    for action in window.menuBar().actions():
        if action.menu() is None:
            continue
        rows: list[tuple[str, str]] = []
        _collect(action.menu(), "", rows)
        if rows:
            groups.append((_plain(action.text()), rows))
    groups.append((tr("Canvas"), [(tr(meaning), tr(keys)) for keys, meaning in CANVAS_KEYS]))
    return groups


class ShortcutsDialog(QDialog):
    """The cheat sheet: commands grouped by menu, with a filter."""

    def __init__(self, groups: list[Group], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Keyboard Shortcuts"))
        self.filter = QLineEdit(placeholderText=tr("Filter, e.g. crop or Ctrl"))
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("Command"), tr("Keys")])
        self.tree.setRootIsDecorated(False)
        for title, rows in groups:
            group = QTreeWidgetItem(self.tree, [title])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(True)
            for command, keys in rows:
                QTreeWidgetItem(group, [command, keys])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.filter.textChanged.connect(self._filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(520, 640)

    def visible_rows(self) -> list[tuple[str, str]]:
        """(command, keys) of the rows the filter leaves visible."""
        rows = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                item = group.child(j)
                if not item.isHidden():
                    rows.append((item.text(0), item.text(1)))
        return rows

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            shown = 0
            for j in range(group.childCount()):
                item = group.child(j)
                hit = not needle or needle in f"{item.text(0)} {item.text(1)}".lower()
                item.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)


@feature
class ShortcutsFeature(Feature):
    """Help > Keyboard Shortcuts."""

    name = "shortcuts"
    order = 1000  # last, so the Help menu ends the menu bar

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.dialog: ShortcutsDialog | None = None
        self.action = QAction(tr("&Keyboard Shortcuts"), window)
        self.action.setShortcut(QKeySequence("Ctrl+/"))
        self.action.triggered.connect(self.show_dialog)
        window.menu(window.tr("&Help")).addAction(self.action)

    def show_dialog(self) -> ShortcutsDialog:
        """Build the cheat sheet from the menus as they are now and show it."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = ShortcutsDialog(shortcut_groups(self.window), self.window)
        self.dialog.show()
        return self.dialog
