"""Start the GUI: application, theme, main window, the files given on the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from editor.qt.icons import icon


def run_gui(paths: list[str]) -> int:
    """Open the editor (with ``paths``, the first one shown) and run until it closes;
    returns the exit code."""
    from editor.qt.main_window import MainWindow
    from editor.qt.theme import ThemeManager

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Lightbox")
    app.setApplicationName("Lightbox")
    app.setApplicationDisplayName("Lightbox")
    theme = ThemeManager(app)
    theme.apply()
    app.setWindowIcon(icon("image-filter-center-focus-weak"))
    window = MainWindow(theme=theme)
    window.show()
    if paths:
        # one document at a time: the editor shows the first file given
        window.open_path(paths[0])
        if len(paths) > 1:
            window.notifications.show_message(
                app.translate("Lightbox", "Lightbox edits one photo at a time; opened {name}.")
                .format(name=Path(paths[0]).name), "info")
    return app.exec()
