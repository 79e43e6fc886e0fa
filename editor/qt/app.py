"""Start the GUI: application, theme, main window, the files given on the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from editor.paths import ROOT, SAMPLES
from editor.qt.icons import icon


def run_gui(paths: list[str]) -> int:
    """Open the editor (with ``paths``, the first one shown) and run until it closes;
    returns the exit code."""
    from editor.qt import i18n
    from editor.qt.features import tour
    from editor.qt.main_window import MainWindow
    from editor.qt.theme import ThemeManager
    from editor.tasks.registry import Registry

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Lightbox")
    app.setApplicationName("Lightbox")
    app.setApplicationDisplayName("Lightbox")
    # the language is fixed for the session (Preferences changes it for the next start)
    language = i18n.resolve(i18n.chosen_language())
    i18n.install(app, language)
    theme = ThemeManager(app)
    theme.apply()
    app.setWindowIcon(app_icon())
    registry = i18n.translate_registry(Registry.discover(), language)
    window = MainWindow(registry=registry, theme=theme)
    window.show()
    first_run = tour.is_first_run()
    if first_run and not paths:
        paths = [str(SAMPLES / "bottle.png")]  # the tour works on a sample photo
    if paths:
        # one document at a time: the editor shows the first file given
        window.open_path(paths[0])
        if len(paths) > 1:
            window.notifications.show_message(
                app.translate("Lightbox", "Lightbox edits one photo at a time; opened {name}.")
                .format(name=Path(paths[0]).name), "info")
    if first_run:
        tour.start(window)
    return app.exec()


def app_icon() -> QIcon:
    """The Lightbox icon (packaging/icons), else a stand-in from the icon font."""
    folder = ROOT / "packaging" / "icons"
    files = sorted(folder.glob("lightbox-*.png"))
    if not files:
        return icon("image-filter-center-focus-weak")
    result = QIcon()
    for path in files:
        result.addFile(str(path))
    return result
