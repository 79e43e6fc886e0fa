"""Edit -> Preferences: the editor's language (applies at the next start)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from editor.qt import i18n


def tr(text: str) -> str:
    return QCoreApplication.translate("Preferences", text)


class PreferencesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Preferences"))
        self.language = QComboBox()
        system = i18n.LANGUAGES[i18n.resolve("system")]
        self.language.addItem(tr("Follow the system ({language})").format(language=system),
                              "system")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.chosen_language())))
        note = QLabel(tr("A new language applies when Lightbox starts again."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(tr("Language"), self.language)
        form.addRow(note)
        form.addRow(buttons)

    def accept(self) -> None:
        i18n.set_chosen_language(self.language.currentData())
        super().accept()
