"""The notification bar: the one place the GUI shows errors and notices.

Messages stack above the canvas, newest at the bottom, compactly: each at most two lines
(the whole text in its tooltip and "Details…"), the newest :data:`MAX_VISIBLE` shown and
the older ones behind a "N more" button. Info messages hide by themselves after a few
seconds and warnings a little later; errors stay until closed. Messages belong to the
document shown when they came (:meth:`NotificationBar.set_document`): opening another
photo takes the old photo's messages away. Nothing here is modal.
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
WARNING_TIMEOUT_MS = 15000
#: messages kept; the newest MAX_VISIBLE are shown, the rest behind "N more"
MAX_MESSAGES = 8
MAX_VISIBLE = 2
#: lines of text a message row shows before its text is cut (the tooltip has it all)
MAX_LINES = 2
_ICONS = {"info": "information-outline", "warning": "alert-outline", "error": "alert-circle"}
_TINTS = {"info": "#2f6fde", "warning": "#d29922", "error": "#d1242f"}


class _Message(QFrame):
    """One message row: icon, text, optional "Details…", close button."""

    closed = Signal(object)

    def __init__(self, text: str, level: str, details: str | None, parent: QWidget,
                 document: object | None = None) -> None:
        super().__init__(parent)
        self.level = level
        self.text = text
        self.details = details
        #: the document the message is about (None: the whole app)
        self.document = document
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
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        # whole lines only: top-aligned, exactly MAX_LINES high (the rest is cut, not shown
        # as a sliver; the tooltip and Details… have it all)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setMaximumHeight(self.label.fontMetrics().lineSpacing() * MAX_LINES)
        self.label.setToolTip(text)
        layout.addWidget(self.label, 1)
        if details or len(text) > 160:
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
        self.label.setToolTip(self.label.text())

    def show_details(self) -> QDialog:
        """Open the details in a read-only, non-modal dialog."""
        dialog = QDialog(self.window())
        dialog.setWindowTitle(self.tr("Details"))
        dialog.resize(640, 360)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(self.text, dialog))
        view = QPlainTextEdit(self.details or self.text, dialog)
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
        self._document: object | None = None
        self._expanded = False
        self.more_button = QToolButton(self)
        self.more_button.setAutoRaise(True)
        self.more_button.setObjectName("notification-more")
        self.more_button.clicked.connect(self._toggle_expanded)
        self._layout.addWidget(self.more_button)
        self.setVisible(False)

    def set_document(self, document: object | None) -> None:
        """The window now shows ``document``: messages about other documents go."""
        self._document = document
        for row in [r for r in self._rows
                    if r.document is not None and r.document is not document]:
            self._remove(row)

    def show_message(self, text: str, level: str = "info", details: str | None = None, *,
                     app_wide: bool = False) -> None:
        """Show ``text`` (``level`` = "info", "warning" or "error"), with optional details
        the user can open. Info and warning messages hide after a while. The message is
        about the document shown now, unless ``app_wide`` (training, settings...)."""
        if level not in LEVELS:
            raise ValueError(f"unknown message level {level!r}")
        for row in self._rows:
            if row.text == text and row.level == level:
                row.repeat()
                return
        row = _Message(text, level, details, self, None if app_wide else self._document)
        row.closed.connect(self._remove)
        self._rows.append(row)
        self._layout.insertWidget(self._layout.count() - 1, row)
        timeout = {"info": INFO_TIMEOUT_MS, "warning": WARNING_TIMEOUT_MS}.get(level)
        if timeout is not None:
            QTimer.singleShot(timeout, row, lambda: self._remove(row))
        while len(self._rows) > MAX_MESSAGES:
            oldest = next((r for r in self._rows if r.level != "error"), self._rows[0])
            self._remove(oldest)
        self._arrange()

    def messages(self) -> list[tuple[str, str]]:
        """The messages kept now (shown or folded away), oldest first, as (level, text)."""
        return [(row.level, row.text) for row in self._rows]

    def visible_messages(self) -> list[tuple[str, str]]:
        """The messages on screen now, oldest first."""
        return [(row.level, row.text) for row in self._rows if not row.isHidden()]

    def clear(self) -> None:
        for row in list(self._rows):
            self._remove(row)

    def _toggle_expanded(self) -> None:
        self._expanded = not self._expanded
        self._arrange()

    def _arrange(self) -> None:
        """Show the newest MAX_VISIBLE rows (all when expanded) and the "N more" button."""
        folded = 0 if self._expanded else max(0, len(self._rows) - MAX_VISIBLE)
        for index, row in enumerate(self._rows):
            row.setVisible(index >= folded)
        hidden = max(0, len(self._rows) - MAX_VISIBLE)
        self.more_button.setVisible(hidden > 0)
        self.more_button.setText(
            self.tr("Show fewer messages") if self._expanded
            else self.tr("{n} more messages…").format(n=hidden))
        self.setVisible(bool(self._rows))

    def _remove(self, row: _Message) -> None:
        if row in self._rows:
            self._rows.remove(row)
            row.hide()
            row.deleteLater()
        if len(self._rows) <= MAX_VISIBLE:
            self._expanded = False
        self._arrange()
