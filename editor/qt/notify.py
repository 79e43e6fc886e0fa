"""The notification bar: the one place the GUI shows errors and notices.

Messages stack above the canvas, newest at the bottom; info messages hide by themselves after
a few seconds, warnings and errors stay until closed. Nothing here is modal.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from superqt.fonticon import icon as font_icon

from editor.qt.icons import icon

LEVELS = ("info", "warning", "error")
INFO_TIMEOUT_MS = 6000
MAX_MESSAGES = 4
_ICONS = {"info": "information-outline", "warning": "alert-outline", "error": "alert-circle"}
_TINTS = {"info": "#2f6fde", "warning": "#d29922", "error": "#d1242f"}


class _Message(QFrame):
    """One message row: icon, text, optional "Details…", close button."""

    closed = Signal(object)

    def __init__(self, text: str, level: str, details: str | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.level = level
        self.text = text
        self.details = details
        self.setObjectName(f"notification-{level}")
        tint = _TINTS[level]
        base = self.palette().color(QPalette.ColorRole.Base).name()
        self.setStyleSheet(
            f"#notification-{level} {{ background: {base}; border: 1px solid {tint};"
            f" border-left: 4px solid {tint}; border-radius: 6px; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(8)
        glyph = QLabel(self)
        glyph.setPixmap(_tinted_icon(level).pixmap(20, 20))
        layout.addWidget(glyph)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.label, 1)
        if details:
            more = QToolButton(self)
            more.setText(self.tr("Details…"))
            more.clicked.connect(self.show_details)
            layout.addWidget(more)
        close = QToolButton(self)
        close.setIcon(icon("close"))
        close.setToolTip(self.tr("Close"))
        close.setAutoRaise(True)
        close.clicked.connect(lambda: self.closed.emit(self))
        layout.addWidget(close)
        self.count = 1

    def repeat(self) -> None:
        """The same message again: count it instead of stacking a copy."""
        self.count += 1
        self.label.setText(f"{self.text} (×{self.count})")

    def show_details(self) -> QDialog:
        """Open the details in a read-only, non-modal dialog."""
        dialog = QDialog(self.window())
        dialog.setWindowTitle(self.tr("Details"))
        dialog.resize(640, 360)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(self.text, dialog))
        view = QPlainTextEdit(self.details or "", dialog)
        view.setReadOnly(True)
        layout.addWidget(view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.close)
        layout.addWidget(buttons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog


def _tinted_icon(level: str) -> QIcon:
    return font_icon(f"mdi7.{_ICONS[level]}", color=_TINTS[level])


class NotificationBar(QWidget):
    """Non-modal messages above the canvas. Hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 0)
        self._layout.setSpacing(4)
        self._rows: list[_Message] = []
        self.setVisible(False)

    def show_message(self, text: str, level: str = "info", details: str | None = None) -> None:
        """Show ``text`` (``level`` = "info", "warning" or "error"), with optional details
        the user can open. Info messages hide after a few seconds."""
        if level not in LEVELS:
            raise ValueError(f"unknown message level {level!r}")
        for row in self._rows:
            if row.text == text and row.level == level:
                row.repeat()
                return
        row = _Message(text, level, details, self)
        row.closed.connect(self._remove)
        self._rows.append(row)
        self._layout.addWidget(row)
        if level == "info":
            QTimer.singleShot(INFO_TIMEOUT_MS, row, lambda: self._remove(row))
        while len(self._rows) > MAX_MESSAGES:
            oldest = next((r for r in self._rows if r.level == "info"), self._rows[0])
            self._remove(oldest)
        self.setVisible(True)

    def messages(self) -> list[tuple[str, str]]:
        """The messages shown now, oldest first, as (level, text)."""
        return [(row.level, row.text) for row in self._rows]

    def clear(self) -> None:
        for row in list(self._rows):
            self._remove(row)

    def _remove(self, row: _Message) -> None:
        if row in self._rows:
            self._rows.remove(row)
            row.hide()
            row.deleteLater()
        self.setVisible(bool(self._rows))
