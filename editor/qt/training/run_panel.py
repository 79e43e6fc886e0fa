"""The run side of the Train dialog: live chart, progress with the time left, a log line per
epoch and, at the end, the result panel."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QProgressBar, QVBoxLayout, QWidget

from editor.qt.training.chart import TrainingChart
from editor.qt.training.result_view import ResultView, duration, metric_text

if TYPE_CHECKING:
    from editor.qt.training.worker import TrainingStart
    from editor.training.run import TrainingOutcome
    from editor.training.trainer import TrainingProgress

_PROGRESS_STEPS = 1000  # progress bar resolution


class RunPanel(QWidget):
    """Shows one training run as it happens; the dialog feeds it the worker's reports."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = TrainingChart()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, _PROGRESS_STEPS)
        self.progress_bar.setFormat("%p %")
        self.eta_label = QLabel()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)
        self.log.setPlaceholderText(self.tr("A line per epoch appears here."))
        self.result_view = ResultView()
        self.result_view.hide()
        self.metric = ""
        self._first_report = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chart, 3)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.eta_label)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.result_view)

    def begin(self, name: str, resuming: bool) -> None:
        """A new run of model ``name`` (continuing a checkpoint when ``resuming``)."""
        self.chart.clear()
        self.result_view.hide()
        self.progress_bar.setValue(0)
        self.eta_label.clear()
        self._first_report = True
        self.add_line(self.tr("Continuing “{name}” from its saved checkpoint…") if resuming
                      else self.tr("Training “{name}”…"), name=name)

    def started(self, start: TrainingStart) -> None:
        """The worker has planned the run and picked the device."""
        self.metric = start.metric
        why = f" ({start.reason})" if start.reason else ""
        self.add_line(self.tr("Training on {device}{why}."), device=start.device, why=why)

    def show_progress(self, step: TrainingProgress) -> None:
        if step.note:
            self.add_line("{note}", note=step.note)
        if self._first_report:
            self._first_report = False
            self.chart.set_epochs(step.epochs)
            done = len(step.history) - (1 if step.epoch_finished else 0)
            if done:
                self.add_line(self.tr("Resumed after epoch {n} (saved earlier)."), n=done)
        self.progress_bar.setValue(round(step.fraction * _PROGRESS_STEPS))
        if step.epoch_finished:
            self.chart.set_history(step.history)
            record = step.history[-1] if step.history else {}
            figures = ", ".join(f"{k.replace('_', ' ')} {v:.4g}" for k, v in record.items()
                                if k != "epoch")
            self.add_line(self.tr("Epoch {e}/{n}: {figures}"), e=step.epoch, n=step.epochs,
                          figures=figures)
        elif step.train_loss is not None:
            self.chart.add_step(step.epoch - 1 + step.step / max(1, step.steps), step.train_loss)
        eta = self.tr(", about {t} left").format(t=duration(step.eta)) if step.eta else ""
        self.eta_label.setText(self.tr("Epoch {e} of {n}, step {s} of {m}{eta}").format(
            e=step.epoch, n=step.epochs, s=step.step, m=step.steps, eta=eta))

    def show_finished(self, outcome: TrainingOutcome, plugin_name: str) -> None:
        """The model is saved: show its figures next to the current model's."""
        card = outcome.card
        self.progress_bar.setValue(_PROGRESS_STEPS)
        self.eta_label.setText(self.tr("Finished in {t}.").format(t=duration(card.seconds)))
        asked = int(card.params.get("epochs", card.epochs))
        if card.epochs < asked:
            self.add_line(self.tr("Stopped early after epoch {n}: {metric} was no longer "
                                  "improving."), n=card.epochs, metric=self.metric)
        self.result_view.show_card(card, plugin_name, self.metric, outcome)
        self.result_view.show()
        self.add_line(self.tr("Saved “{name}”: {figure}."), name=card.name,
                      figure=metric_text(card, self.metric))

    def add_line(self, template: str, **values: object) -> None:
        """Append ``template.format(**values)`` to the log, with the time."""
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.log.appendPlainText(f"{stamp}  {template.format(**values)}")

    def log_lines(self) -> list[str]:
        """The log as shown, one entry per line."""
        return self.log.toPlainText().splitlines()
