"""The main window's actions and the recent-files list. Only creation and wiring of texts,
shortcuts and icons lives here; what an action does is the main window's business."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from editor.paths import settings_path
from editor.qt.icons import icon
from editor.qt.tools import tool_classes

MAX_RECENT = 10
_RECENT_KEY = "files/recent"


def settings() -> QSettings:
    """The per-user settings file (``settings.ini`` in the Lightbox data folder)."""
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


class RecentFiles:
    """The last :data:`MAX_RECENT` files opened or saved, newest first, kept in settings."""

    def paths(self) -> list[Path]:
        value = settings().value(_RECENT_KEY, [])
        if isinstance(value, str):  # QSettings gives a bare string for a one-item list
            value = [value]
        return [Path(p) for p in value or []]

    def add(self, path: Path) -> None:
        path = Path(path).resolve()
        entries = [p for p in self.paths() if p != path]
        self._store([path, *entries][:MAX_RECENT])

    def remove_missing(self) -> list[Path]:
        """Forget files that no longer exist; returns the ones forgotten."""
        entries = self.paths()
        missing = [p for p in entries if not p.is_file()]
        if missing:
            self._store([p for p in entries if p.is_file()])
        return missing

    def clear(self) -> None:
        self._store([])

    def _store(self, paths: list[Path]) -> None:
        settings().setValue(_RECENT_KEY, [str(p) for p in paths])


class WindowActions(QObject):
    """Every QAction of the main window, with texts, shortcuts and icons."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        standard = QKeySequence.StandardKey
        self._icon_names: list[tuple[QAction, str]] = []
        # File
        self.open = self._make(self.tr("&Open…"), "folder-open-outline", standard.Open)
        self.save = self._make(self.tr("&Save"), "content-save-outline", standard.Save)
        self.save_as = self._make(self.tr("Save &As…"), None, standard.SaveAs)
        self.export = self._make(self.tr("&Export…"), "export", "Ctrl+E")
        self.close = self._make(self.tr("&Close"), None, standard.Close)
        self.quit = self._make(self.tr("&Quit"), None, standard.Quit)
        self.clear_recent = self._make(self.tr("Clear &List"), None)
        # Edit
        self.undo = self._make(self.tr("&Undo"), "undo", standard.Undo)
        self.redo = self._make(self.tr("&Redo"), "redo", standard.Redo)
        self.deselect = self._make(self.tr("&Deselect"), "selection-off", "Ctrl+Shift+A")
        # View
        self.zoom_in = self._make(self.tr("Zoom &In"), "magnify-plus-outline", standard.ZoomIn)
        self.zoom_out = self._make(self.tr("Zoom &Out"), "magnify-minus-outline",
                                   standard.ZoomOut)
        self.fit = self._make(self.tr("&Fit"), "fit-to-screen-outline", "Ctrl+0")
        self.actual_size = self._make(self.tr("&100 %"), "numeric-1-box-outline", "Ctrl+1")
        # Tools: exclusive, checkable, one per registered canvas tool
        self.tools = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for cls in tool_classes():
            action = self._make(cls.title(), cls.icon, cls.shortcut or None)
            action.setCheckable(True)
            action.setData(cls.name)
            tip = cls.tip()
            action.setToolTip(f"{tip} ({cls.shortcut})" if cls.shortcut else tip)
            self.tools.addAction(action)
            self.tool_actions[cls.name] = action
        self.tool_pan = self.tool_actions["pan"]
        self.tool_select = self.tool_actions["rect_select"]
        self.tool_select.setChecked(True)
        # Tools: training
        self.train = self._make(self.tr("&Train…"), "school-outline")
        self.train.setToolTip(self.tr("Teach a plugin on a folder of your own examples"))

    def _make(
        self, text: str, icon_name: str | None,
        shortcut: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
            self._icon_names.append((action, icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def refresh_icons(self) -> None:
        """Re-tint icons after a theme change."""
        for action, name in self._icon_names:
            action.setIcon(icon(name))
