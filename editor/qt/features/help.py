"""Help -> About Lightbox, Help -> Run Self-Test, and Edit -> Preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction

from editor.qt.features import Feature, feature
from editor.qt.help_dialogs import AboutDialog, SelfTestDialog
from editor.qt.preferences import PreferencesDialog

if TYPE_CHECKING:
    from editor.qt.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("HelpFeature", text)


@feature
class HelpFeature(Feature):
    name = "help"
    order = 1020  # after Keyboard Shortcuts (1000), which opens the Help menu

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.selftest_dialog: SelfTestDialog | None = None
        help_menu = window.menu(window.tr("&Help"))
        self.selftest_action = help_menu.addAction(tr("Run &Self-Test…"))
        self.selftest_action.triggered.connect(self.show_selftest)
        help_menu.addSeparator()
        self.about_action = help_menu.addAction(tr("&About Lightbox"))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.preferences_action = QAction(tr("&Preferences…"), window)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(self.show_preferences)
        edit = window.menu(window.tr("&Edit"))
        edit.addSeparator()
        edit.addAction(self.preferences_action)

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.window)
        dialog.show()
        return dialog

    def show_selftest(self) -> SelfTestDialog:
        """Open the self-test window and start a run (unless one is running)."""
        if self.selftest_dialog is None:
            self.selftest_dialog = SelfTestDialog(self.window)
        self.selftest_dialog.show()
        self.selftest_dialog.raise_()
        self.selftest_dialog.start()
        return self.selftest_dialog

    def show_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.window)
        dialog.open()
        return dialog
