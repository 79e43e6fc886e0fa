"""The end of a training run in the Train dialog: the model card's figures and, when the
plugin makes them, a few validation samples before and after the model."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.qt.convert import rgba_to_qimage
from editor.qt.training.worker import Preview
from editor.training.run import TrainingOutcome
from editor.training.store import BUNDLED, ModelCard

#: longest side of a before/after image in the result panel
PREVIEW_SIDE = 128


def metric_text(card: ModelCard, metric: str | None = None) -> str:
    """``"iou 0.873"``: the named figure of the card (or its first one)."""
    if not card.metrics:
        return ""
    name = metric if metric in card.metrics else next(iter(card.metrics))
    return f"{name} {card.metrics[name]:.4g}"


class ResultView(QWidget):
    """The figures of a freshly trained model, and before/after previews."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        #: makes the plugin use the model just trained (shown while it does not)
        self.use_button = QPushButton(self.tr("Use this model"))
        self.use_button.setObjectName("use-trained-model")
        self.use_button.hide()
        self.figures = QFormLayout()
        self.figures.setContentsMargins(0, 0, 0, 0)
        self.previews = QGridLayout()
        self.previews.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.use_button)
        layout.addLayout(self.figures)
        layout.addLayout(self.previews)
        self._preview_widgets: list[QWidget] = []
        self._preview_rows = 0

    def show_card(self, card: ModelCard, plugin_name: str, metric: str | None = None,
                  outcome: TrainingOutcome | None = None) -> None:
        """Show ``card``: what the model scored, on what, next to the model the plugin uses
        now (from ``outcome``), and whether the plugin uses the new one."""
        while self.figures.rowCount():
            self.figures.removeRow(0)
        self.clear_previews()
        current = outcome.comparison.current_metrics if outcome else {}
        ordered = sorted(card.metrics.items(), key=lambda kv: kv[0] != metric)
        for name, value in ordered:
            text = f"{value:.4g}"
            if name in current:
                text = self.tr("{new}   (current model {old})").format(
                    new=text, old=f"{current[name]:.4g}")
            self._row(self.tr("Validation {metric}").format(metric=name), text)
        if outcome is not None and not current:
            self._row(self.tr("Current model"), outcome.comparison.reason)
        if outcome is None:
            self.note.setText(self.tr("Saved “{name}”.").format(name=card.name))
            self.use_button.hide()
        else:
            self.show_choice(outcome, plugin_name)
        data = card.data
        self._row(self.tr("Examples"), self.tr("{train} for training, {val} for validation, "
                                               "{skipped} skipped").format(
            train=data.get("train", "?"), val=data.get("validation", "?"),
            skipped=data.get("skipped", 0)))
        self._row(self.tr("Epochs"), str(card.epochs))
        self._row(self.tr("Time"), duration(card.seconds))
        self._row(self.tr("Device"), card.device)
        self._row(self.tr("Model"), self.tr("{arch}, {n} parameters").format(
            arch=card.architecture, n=f"{card.parameters:,}"))

    def show_choice(self, outcome: TrainingOutcome, plugin_name: str) -> None:
        """Which model the plugin uses now, and the button to switch to the new one."""
        name = outcome.card.name
        if outcome.activated:
            self.note.setText(self.tr(
                "Saved “{name}”. {plugin} now uses this model; choose another in the Plugins "
                "panel's Model list.").format(name=name, plugin=plugin_name))
            self.use_button.hide()
            return
        current = outcome.comparison.current
        which = (self.tr("the bundled default") if current is None or
                 current.is_relative_to(BUNDLED) else current.stem)
        self.note.setText(self.tr(
            "Saved “{name}”. {plugin} still uses {current}: compare the figures, measured "
            "on the same held-out photos, and choose.").format(
            name=name, plugin=plugin_name, current=which))
        self.use_button.show()

    def show_previews(self, previews: Sequence[Preview]) -> None:
        """Before/after images, one row per validation sample."""
        self.clear_previews()
        if not previews:
            return
        for column, title in enumerate((self.tr("Before"), self.tr("After"))):
            self._add(QLabel(f"<b>{title}</b>"), 0, column + 1)
        for row, preview in enumerate(previews, 1):
            name = QLabel(preview.name)
            name.setTextFormat(Qt.TextFormat.PlainText)
            self._add(name, row, 0)
            for column, pixels in enumerate((preview.before, preview.after), 1):
                label = QLabel()
                pixmap = QPixmap.fromImage(rgba_to_qimage(pixels))
                label.setPixmap(pixmap.scaled(
                    PREVIEW_SIDE, PREVIEW_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))
                self._add(label, row, column)
        self._preview_rows = len(previews)

    def preview_count(self) -> int:
        """How many samples are shown before/after."""
        return self._preview_rows

    def clear_previews(self) -> None:
        for widget in self._preview_widgets:
            self.previews.removeWidget(widget)
            widget.deleteLater()
        self._preview_widgets.clear()
        self._preview_rows = 0

    def _add(self, widget: QWidget, row: int, column: int) -> None:
        self.previews.addWidget(widget, row, column)
        self._preview_widgets.append(widget)

    def _row(self, label: str, value: str) -> None:
        text = QLabel(value)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figures.addRow(label, text)


def duration(seconds: float | None) -> str:
    """``"42 s"``, ``"3 min 05 s"`` or ``"1 h 20 min"``."""
    seconds = int(round(seconds or 0))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
