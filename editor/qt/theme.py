"""Light and dark themes on the Fusion style, following the system colour scheme unless the
user picks one in View ▸ Theme (saved in the settings)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from editor.paths import settings_path
from editor.qt import icons

MODES = ("system", "light", "dark")
_SETTINGS_KEY = "view/theme"

_LIGHT = {
    "Window": "#f3f4f6", "WindowText": "#1f2328", "Base": "#ffffff", "AlternateBase": "#f6f8fa",
    "Text": "#1f2328", "Button": "#eceef1", "ButtonText": "#1f2328", "ToolTipBase": "#ffffff",
    "ToolTipText": "#1f2328", "PlaceholderText": "#8c959f", "Highlight": "#2f6fde",
    "HighlightedText": "#ffffff", "Link": "#2f6fde", "BrightText": "#ffffff",
    "Light": "#ffffff", "Midlight": "#e4e7eb", "Mid": "#c9ced6", "Dark": "#9aa1ab",
    "Shadow": "#6e7781",
}
_DARK = {
    "Window": "#26282c", "WindowText": "#e6e8eb", "Base": "#1d1f22", "AlternateBase": "#2b2e33",
    "Text": "#e6e8eb", "Button": "#31343a", "ButtonText": "#e6e8eb", "ToolTipBase": "#31343a",
    "ToolTipText": "#e6e8eb", "PlaceholderText": "#7d848e", "Highlight": "#3d7ef0",
    "HighlightedText": "#ffffff", "Link": "#6ea2ff", "BrightText": "#ffffff",
    "Light": "#3a3d44", "Midlight": "#33363c", "Mid": "#44474e", "Dark": "#17181a",
    "Shadow": "#0c0c0d",
}

_STYLESHEET = """
QMainWindow::separator { width: 4px; height: 4px; }
QDockWidget { titlebar-close-icon: none; }
QDockWidget::title {
    padding: 6px 8px; background: palette(window); font-weight: 600;
    border-bottom: 1px solid palette(mid);
}
QToolBar { border: none; spacing: 4px; padding: 4px; }
QToolButton { border: 1px solid transparent; border-radius: 6px; padding: 4px; }
QToolButton:hover { background: palette(midlight); }
QToolButton:checked { background: palette(highlight); color: palette(highlighted-text); }
QStatusBar::item { border: none; }
QStatusBar QLabel { padding: 0 8px; }
QMenu::item { padding: 5px 24px 5px 24px; }
QMenu::separator { height: 1px; background: palette(mid); margin: 4px 8px; }
"""


def palette_for(dark: bool) -> QPalette:
    """The Lightbox palette, light or dark."""
    colours = _DARK if dark else _LIGHT
    palette = QPalette()
    for role_name, value in colours.items():
        role = getattr(QPalette.ColorRole, role_name)
        palette.setColor(QPalette.ColorGroup.All, role, QColor(value))
    disabled = QColor(colours["PlaceholderText"])
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


class ThemeManager(QObject):
    """Applies the theme to the application and keeps it in step with the system."""

    #: emitted after the palette changed; argument: True for dark
    theme_changed = Signal(bool)

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        stored = str(QSettings(str(settings_path()), QSettings.Format.IniFormat)
                     .value(_SETTINGS_KEY, "system"))
        self._mode = stored if stored in MODES else "system"
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)

    @property
    def mode(self) -> str:
        """``"system"``, ``"light"`` or ``"dark"``."""
        return self._mode

    def is_dark(self) -> bool:
        if self._mode == "system":
            scheme = QGuiApplication.styleHints().colorScheme()
            return scheme == Qt.ColorScheme.Dark
        return self._mode == "dark"

    def set_mode(self, mode: str) -> None:
        """Choose the theme and remember the choice for the next run."""
        if mode not in MODES:
            raise ValueError(f"unknown theme {mode!r}; expected one of {', '.join(MODES)}")
        self._mode = mode
        QSettings(str(settings_path()), QSettings.Format.IniFormat).setValue(_SETTINGS_KEY, mode)
        self.apply()

    def apply(self) -> None:
        """Install the Fusion style, the palette and the stylesheet."""
        dark = self.is_dark()
        self._app.setStyle("Fusion")
        self._app.setPalette(palette_for(dark))
        self._app.setStyleSheet(_STYLESHEET)
        icons.clear_cache()
        self.theme_changed.emit(dark)

    def _system_changed(self) -> None:
        if self._mode == "system":
            self.apply()

    def menu(self, parent: QWidget) -> QMenu:
        """A View ▸ Theme submenu with System / Light / Dark as exclusive choices."""
        menu = QMenu(QCoreApplication.translate("Theme", "&Theme"), parent)
        group = QActionGroup(menu)
        labels = {
            "system": QCoreApplication.translate("Theme", "Follow &System"),
            "light": QCoreApplication.translate("Theme", "&Light"),
            "dark": QCoreApplication.translate("Theme", "&Dark"),
        }
        for mode in MODES:
            action = QAction(labels[mode], menu, checkable=True)
            action.setChecked(mode == self._mode)
            action.setData(mode)
            action.triggered.connect(lambda _=False, m=mode: self.set_mode(m))
            group.addAction(action)
            menu.addAction(action)
        return menu
