"""The "Run recipe on folder" window: what to run where, then each photo's state, the
progress with an ETA, and the failures with their reason.

It renders and asks through signals only; :mod:`editor.qt.features.recipes` runs the batch
on a worker thread.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

FILE_COLUMN, STATE_COLUMN, SECONDS_COLUMN, REASON_COLUMN = range(4)


class RecipeRunDialog(QDialog):
    """Choose a recipe, an input folder and an output folder; watch the batch run."""

    #: Run pressed: recipe path, input folder, output folder, keep step images
    run_requested = Signal(str, str, str, bool)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Run recipe on folder"))
        self.resize(720, 480)
        self._started = 0.0
        self._total = 0
        self._finished = 0
        self._running = False
        self.recipe_edit, self.input_edit, self.output_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.keep_steps = QCheckBox(self.tr("Also save each step's image"))
        form = QFormLayout()
        form.addRow(self.tr("Recipe:"), self._with_browse(self.recipe_edit, self._pick_recipe))
        form.addRow(self.tr("Photos folder:"),
                    self._with_browse(self.input_edit, lambda: self._pick_folder(self.input_edit)))
        form.addRow(self.tr("Output folder:"),
                    self._with_browse(self.output_edit,
                                      lambda: self._pick_folder(self.output_edit)))
        form.addRow("", self.keep_steps)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Photo"), self.tr("State"), self.tr("Seconds"), self.tr("Reason")])
        self.table.horizontalHeader().setSectionResizeMode(REASON_COLUMN,
                                                           QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.progress = QProgressBar()
        self.status = QLabel(self.tr("Choose a recipe and the folders, then press Run."))
        self.status.setWordWrap(True)
        self.run_button = QPushButton(self.tr("Run"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.run_button.clicked.connect(self._run_pressed)
        self.cancel_button.clicked.connect(self._cancel_pressed)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # -- choosing -----------------------------------------------------------------------------
    def _with_browse(self, edit: QLineEdit, pick: Any) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(pick)
        row.addWidget(browse)
        return box

    def _pick_recipe(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a recipe"),
                                              self.recipe_edit.text(),
                                              self.tr("Recipes (*.toml)"))
        if path:
            self.recipe_edit.setText(path)

    def _pick_folder(self, edit: QLineEdit) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), edit.text())
        if path:
            edit.setText(path)

    def _run_pressed(self) -> None:
        fields = [self.recipe_edit.text().strip(), self.input_edit.text().strip(),
                  self.output_edit.text().strip()]
        if not all(fields):
            self.status.setText(self.tr("Choose a recipe, a photos folder and an output "
                                        "folder first."))
            return
        self.run_requested.emit(*fields, self.keep_steps.isChecked())

    def _cancel_pressed(self) -> None:
        self.cancel_button.setEnabled(False)
        self.status.setText(self.tr("Cancelling after the photo being processed…"))
        self.cancel_requested.emit()

    # -- showing the run ------------------------------------------------------------------------
    def show_starting(self) -> None:
        self._running = True
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.table.setRowCount(0)
        self.progress.setValue(0)
        self.status.setText(self.tr("Checking the recipe and looking for photos…"))

    def show_planned(self, inputs: list[str]) -> None:
        """The photos of the batch, all waiting."""
        self._total, self._finished, self._started = len(inputs), 0, time.monotonic()
        self.table.setRowCount(len(inputs))
        for row, path in enumerate(inputs):
            self.table.setItem(row, FILE_COLUMN, QTableWidgetItem(Path(path).name))
            self.table.setItem(row, STATE_COLUMN, QTableWidgetItem(self.tr("waiting")))
            for column in (SECONDS_COLUMN, REASON_COLUMN):
                self.table.setItem(row, column, QTableWidgetItem(""))
        self.progress.setRange(0, max(1, len(inputs)))
        self.progress.setValue(0)
        self.status.setText(self.tr("{count} photos to process").format(count=len(inputs)))

    def show_started(self, index: int) -> None:
        self._set(index, STATE_COLUMN, self.tr("running"))

    def show_done(self, outcome: Any) -> None:
        """One photo finished (a :class:`editor.batch.FileOutcome`)."""
        states = {"ok": self.tr("done"), "failed": self.tr("failed"),
                  "skipped": self.tr("skipped (already done)"),
                  "cancelled": self.tr("cancelled")}
        self._set(outcome.index, STATE_COLUMN, states.get(outcome.status, outcome.status))
        if outcome.seconds:
            self._set(outcome.index, SECONDS_COLUMN, f"{outcome.total:.2f}")
        self._set(outcome.index, REASON_COLUMN, outcome.error if outcome.status == "failed"
                  else "")
        self._finished += 1
        self.progress.setValue(self._finished)
        self.status.setText(self.progress_text())

    def progress_text(self) -> str:
        done, total = self._finished, self._total
        elapsed = time.monotonic() - self._started
        if 0 < done < total:
            left = elapsed / done * (total - done)
            return self.tr("{done} of {total} photos, about {eta} left").format(
                done=done, total=total, eta=_duration(left))
        return self.tr("{done} of {total} photos").format(done=done, total=total)

    def show_finished(self, ok: int, failed: int, skipped: int, cancelled: int) -> None:
        self._running = False
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        text = self.tr("Finished: {ok} done, {failed} failed, {skipped} skipped").format(
            ok=ok, failed=failed, skipped=skipped)
        if cancelled:
            text += self.tr(", {count} not run (cancelled)").format(count=cancelled)
        self.status.setText(text)

    def show_error(self, message: str) -> None:
        self._running = False
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.status.setText(message)

    @property
    def running(self) -> bool:
        return self._running

    def failures(self) -> list[tuple[str, str]]:
        """(photo, reason) of every failed row, as listed."""
        rows = []
        for row in range(self.table.rowCount()):
            reason = self.table.item(row, REASON_COLUMN)
            if reason is not None and reason.text():
                rows.append((self.table.item(row, FILE_COLUMN).text(), reason.text()))
        return rows

    def _set(self, row: int, column: int, text: str) -> None:
        if 0 <= row < self.table.rowCount():
            item = self.table.item(row, column)
            if item is None:
                self.table.setItem(row, column, QTableWidgetItem(text))
            else:
                item.setText(text)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"

