"""The jobs panel: one row per plugin job with its state, progress, device and errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.qt.icons import icon
from editor.tasks.jobs import Job, JobState

if TYPE_CHECKING:
    from editor.qt.jobs import JobController

_STATE_ICONS = {
    JobState.QUEUED: "clock-outline",
    JobState.RUNNING: "progress-clock",
    JobState.DONE: "check-circle-outline",
    JobState.FAILED: "alert-circle-outline",
    JobState.CANCELLED: "cancel",
}


class JobRow(QFrame):
    """One job: title, state icon, progress with time left, device, cancel, error details."""

    def __init__(self, job: Job, controller: JobController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.controller = controller
        self.details_dialog: QDialog | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)

        self.state_icon = QLabel()
        self.title = QLabel(job.title)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.device = QLabel()
        self.device.setWordWrap(True)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.cancel_button = QToolButton()
        self.cancel_button.setIcon(icon("close-circle-outline"))
        self.cancel_button.setToolTip(self.tr("Cancel this job"))
        self.cancel_button.clicked.connect(lambda: self.controller.cancel(self.job))
        self.details_button = QPushButton(self.tr("Details…"))
        self.details_button.clicked.connect(self.show_details)

        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.addWidget(self.state_icon, 0, 0)
        grid.addWidget(self.title, 0, 1)
        grid.addWidget(self.cancel_button, 0, 2)
        grid.addWidget(self.progress, 1, 1, 1, 2)
        grid.addWidget(self.message, 2, 1, 1, 2)
        grid.addWidget(self.device, 3, 1, 1, 2)
        error_row = QHBoxLayout()
        error_row.addWidget(self.error, 1)
        error_row.addWidget(self.details_button)
        grid.addLayout(error_row, 4, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        self.refresh()

    def refresh(self) -> None:
        """Show the job's current state."""
        job = self.job
        state = job.state
        self.state_icon.setPixmap(icon(_STATE_ICONS[state]).pixmap(18, 18))
        self.state_icon.setToolTip(self.state_text(state))
        self.progress.setValue(round(job.progress * 1000))
        self.progress.setFormat(self.progress_text(job))
        self.progress.setVisible(state in (JobState.QUEUED, JobState.RUNNING))
        if state is JobState.RUNNING:
            self.message.setText(job.message)
        elif state is JobState.DONE:
            done = self.tr("Done in {seconds:.1f} s").format(seconds=job.elapsed)
            self.message.setText(f"{done}: {job.summary}" if job.summary else done)
        else:
            self.message.setText(self.state_text(state))
        if job.device:
            self.device.setText(self.tr("Ran on {device}").format(device=job.device.upper())
                                if state.finished else
                                self.tr("Running on {device}").format(device=job.device.upper()))
            self.device.setToolTip(job.device_reason)
            if job.device_reason:
                self.device.setText(f"{self.device.text()} — {job.device_reason}")
        self.device.setVisible(bool(job.device))
        self.cancel_button.setVisible(not state.finished)
        failed = state is JobState.FAILED
        self.error.setText(job.error if failed else "")
        self.error.setVisible(failed)
        self.details_button.setVisible(failed and bool(job.details))

    def progress_text(self, job: Job) -> str:
        if job.state is JobState.QUEUED:
            return self.tr("Waiting")
        eta = job.eta
        if eta is None:
            return "%p%"
        if eta >= 90:
            left = self.tr("{n} min left").format(n=round(eta / 60))
        else:
            left = self.tr("{n} s left").format(n=max(1, round(eta)))
        return f"%p% — {left}"

    def state_text(self, state: JobState) -> str:
        return {
            JobState.QUEUED: self.tr("Queued"),
            JobState.RUNNING: self.tr("Running"),
            JobState.DONE: self.tr("Done"),
            JobState.FAILED: self.tr("Failed"),
            JobState.CANCELLED: self.tr("Cancelled"),
        }[state]

    def show_details(self) -> QDialog:
        """Open (without blocking) a window with the error and its traceback."""
        if self.details_dialog is None:
            dialog = QDialog(self)
            dialog.setWindowTitle(self.tr("{title} failed").format(title=self.job.title))
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setPlainText(f"{self.job.error}\n\n{self.job.details}")
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            buttons.rejected.connect(dialog.reject)
            layout = QVBoxLayout(dialog)
            layout.addWidget(text)
            layout.addWidget(buttons)
            dialog.resize(640, 400)
            dialog.text = text  # type: ignore[attr-defined]
            self.details_dialog = dialog
        self.details_dialog.open()
        return self.details_dialog


class JobsPanel(QWidget):
    """Every job of the session, newest at the top; finished ones can be cleared."""

    def __init__(self, controller: JobController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.rows: dict[int, JobRow] = {}

        self._list = QWidget()
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(0, 0, 0, 0)
        self._list_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._list)
        self.empty = QLabel(self.tr("No jobs yet. Run a plugin to start one."))
        self.empty.setWordWrap(True)
        self.clear_button = QPushButton(icon("broom"), self.tr("Clear finished"))
        self.clear_button.clicked.connect(self.controller.clear_finished)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.clear_button)

        controller.job_added.connect(self._on_added)
        controller.job_updated.connect(self._on_updated)
        controller.job_finished.connect(self._on_updated)
        controller.job_removed.connect(self._on_removed)
        for job in controller.jobs:
            self._on_added(job)
        self._update_footer()

    def row(self, job: Job) -> JobRow:
        """The row showing ``job``."""
        return self.rows[job.id]

    def _on_added(self, job: Job) -> None:
        row = JobRow(job, self.controller)
        self.rows[job.id] = row
        self._list_layout.insertWidget(0, row)
        self._update_footer()

    def _on_updated(self, job: Job) -> None:
        row = self.rows.get(job.id)
        if row is not None:
            row.refresh()
        self._update_footer()

    def _on_removed(self, job: Job) -> None:
        row = self.rows.pop(job.id, None)
        if row is not None:
            self._list_layout.removeWidget(row)
            row.deleteLater()
        self._update_footer()

    def _update_footer(self) -> None:
        self.empty.setVisible(not self.rows)
        self.clear_button.setEnabled(any(r.job.state.finished for r in self.rows.values()))
