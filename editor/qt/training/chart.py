"""The live training chart: loss per step and per epoch, and the validation figures.

Painted with QPainter (no chart library). The x axis counts epochs; the left axis is the
loss (the smoothed training loss per step, the mean per epoch, and any validation loss),
the right axis the other validation figures (IoU, accuracy...). Colours follow the palette,
so the chart reads in the light and the dark theme.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

#: weight of the newest step in the smoothed loss (an exponential moving average)
SMOOTHING = 0.15
#: curve colours: (light theme, dark theme)
STEP_COLOUR = ("#8fb3f0", "#4f6fa8")
EPOCH_COLOUR = ("#2f6fde", "#6ea2ff")
METRIC_COLOURS = (("#d9822b", "#f0a350"), ("#2e9e5b", "#5cc98a"), ("#a347ba", "#cf86e0"))
_MARGIN = (52, 12, 52, 34)  # left, top, right, bottom: room for the tick labels


@dataclass
class _Curve:
    label: str
    colour: QColor
    points: list[tuple[float, float]]
    right_axis: bool
    markers: bool
    width: float


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``..``high`` (about ``count`` of them)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    value = math.floor(low / step + 1e-9) * step
    ticks = [round(value, 12)]
    while ticks[-1] < high - step * 1e-6:
        value += step
        ticks.append(round(value, 12))
    return ticks


def _fmt(value: float) -> str:
    return f"{value:.3g}" if value else "0"


class TrainingChart(QWidget):
    """Loss and validation curves of a training run, updated as progress arrives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 160)
        self._epochs = 1
        self._steps: list[tuple[float, float]] = []  # (epoch position, smoothed loss)
        self._smoothed: float | None = None
        self._history: list[dict[str, float]] = []
        self.metric_names: dict[str, str] = {}

    # -- data -----------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every point (a new run)."""
        self._steps.clear()
        self._smoothed = None
        self._history = []
        self.update()

    def set_epochs(self, epochs: int) -> None:
        """The length of the x axis."""
        self._epochs = max(1, int(epochs))
        self.update()

    def add_step(self, position: float, loss: float) -> None:
        """One training step's loss at ``position`` (in epochs, e.g. 2.5 = half way
        through the third epoch); it is smoothed before it is drawn."""
        if not math.isfinite(loss):
            return
        if self._smoothed is None or (self._steps and position < self._steps[-1][0]):
            self._smoothed = loss  # the first step, or a resumed run starting over
        else:
            self._smoothed += SMOOTHING * (loss - self._smoothed)
        self._steps.append((position, self._smoothed))
        self.update()

    def set_history(self, history: Sequence[Mapping[str, float]]) -> None:
        """The per-epoch records (``{"epoch", "train_loss", "val_<metric>"...}``)."""
        self._history = [dict(record) for record in history]
        if self._history:
            self._epochs = max(self._epochs, int(max(r.get("epoch", 0) for r in self._history)))
        self.update()

    def step_points(self) -> int:
        return len(self._steps)

    def epoch_points(self) -> int:
        """How many finished epochs the chart shows."""
        return len(self._history)

    # -- painting -------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(520, 260)

    def curves(self) -> list[_Curve]:
        """What would be drawn now: one curve per series, in legend order."""
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        pick = int(dark)
        curves = [_Curve(self.tr("Training loss (smoothed)"), QColor(STEP_COLOUR[pick]),
                         self._steps, False, False, 1.5)]
        epochs = [r for r in self._history if "epoch" in r]
        curves.append(_Curve(self.tr("Training loss per epoch"), QColor(EPOCH_COLOUR[pick]),
                             [(r["epoch"], r["train_loss"]) for r in epochs if "train_loss" in r],
                             False, True, 2.0))
        keys = [k for k in (epochs[-1] if epochs else {}) if k.startswith("val_")]
        for i, key in enumerate(keys):
            name = key.removeprefix("val_")
            colour = QColor(METRIC_COLOURS[i % len(METRIC_COLOURS)][pick])
            label = self.tr("Validation {metric}").format(
                metric=self.metric_names.get(name, name))
            curves.append(_Curve(label, colour, [(r["epoch"], r[key]) for r in epochs
                                                 if key in r], "loss" not in name, True, 2.0))
        return curves

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        curves = self.curves()
        shown = [c for c in curves if c.points]
        left, top, right, bottom = _MARGIN
        legend = self._legend_layout(shown, self.width() - left - right)
        top += len({y for _, y, _ in legend}) * (self.fontMetrics().height() + 2)
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        if plot.width() < 20 or plot.height() < 20:
            painter.end()
            return
        x_ticks = self._x_ticks()
        loss_ticks = nice_ticks(*_span(p[1] for c in curves if not c.right_axis
                                       for p in c.points), 4)
        metric_ticks = nice_ticks(*_span(p[1] for c in curves if c.right_axis
                                         for p in c.points), 4)
        self._draw_axes(painter, plot, x_ticks, loss_ticks, metric_ticks)
        x_range = (0.0, float(self._epochs))
        for curve in curves:
            ticks = metric_ticks if curve.right_axis else loss_ticks
            if curve.points and ticks:
                self._draw_curve(painter, plot, curve, x_range, (ticks[0], ticks[-1]))
        if not shown:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter,
                             self.tr("The curves appear here once training starts"))
        self._draw_legend(painter, QPointF(left, 6), legend)
        painter.end()

    def _x_ticks(self) -> list[float]:
        ticks = [t for t in nice_ticks(0, self._epochs, min(self._epochs, 8))
                 if float(t).is_integer()]
        return ticks or [0, self._epochs]

    def _draw_axes(self, painter: QPainter, plot: QRectF, x_ticks: list[float],
                   loss_ticks: list[float], metric_ticks: list[float]) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        grid = palette.color(QPalette.ColorRole.Mid)
        grid.setAlpha(110)
        metrics = painter.fontMetrics()
        painter.setPen(QPen(grid, 1))
        for value in loss_ticks:
            y = _map(value, loss_ticks[0], loss_ticks[-1], plot.bottom(), plot.top())
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(text)
        for value in x_ticks:
            x = _map(value, 0, self._epochs, plot.left(), plot.right())
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            label = f"{value:g}"
            painter.drawText(QPointF(x - metrics.horizontalAdvance(label) / 2,
                                     plot.bottom() + 6 + metrics.ascent()), label)
        caption = self.tr("epoch")
        painter.drawText(QPointF(plot.right() - metrics.horizontalAdvance(caption),
                                 plot.bottom() + 6 + metrics.ascent() + metrics.height()
                                 - 2), caption)
        for ticks, at_left in ((loss_ticks, True), (metric_ticks, False)):
            for value in ticks:
                y = _map(value, ticks[0], ticks[-1], plot.bottom(), plot.top())
                label = _fmt(value)
                width = metrics.horizontalAdvance(label)
                x = plot.left() - 6 - width if at_left else plot.right() + 6
                painter.drawText(QPointF(x, y + metrics.ascent() / 2 - 1), label)
        painter.setPen(QPen(text, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        if metric_ticks:
            painter.drawLine(plot.bottomRight(), plot.topRight())

    def _draw_curve(self, painter: QPainter, plot: QRectF, curve: _Curve,
                    x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        points = [QPointF(_map(x, *x_range, plot.left(), plot.right()),
                          _map(y, *y_range, plot.bottom(), plot.top()))
                  for x, y in _thin(curve.points, int(plot.width()) * 2)]
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(curve.colour, curve.width, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.drawPath(path)
        if curve.markers:
            painter.setBrush(curve.colour)
            for point in points:
                painter.drawEllipse(point, 3.0, 3.0)

    def _legend_layout(self, curves: list[_Curve], width: float
                       ) -> list[tuple[float, int, _Curve]]:
        """(x, row, curve) of each legend entry, in rows above the plot."""
        metrics = self.fontMetrics()
        placed: list[tuple[float, int, _Curve]] = []
        x, row = 0.0, 0
        for curve in curves:
            entry = 24 + metrics.horizontalAdvance(curve.label)
            if x and x + entry > width:
                x, row = 0.0, row + 1
            placed.append((x, row, curve))
            x += entry + 16
        return placed

    def _draw_legend(self, painter: QPainter, origin: QPointF,
                     placed: list[tuple[float, int, _Curve]]) -> None:
        metrics = painter.fontMetrics()
        line = metrics.height() + 2
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for x, row, curve in placed:
            left = origin.x() + x
            y = origin.y() + row * line + line / 2
            painter.setPen(QPen(curve.colour, 2.5))
            painter.drawLine(QPointF(left, y), QPointF(left + 18, y))
            if curve.markers:
                painter.setBrush(curve.colour)
                painter.drawEllipse(QPointF(left + 9, y), 3.0, 3.0)
            painter.setPen(text)
            painter.drawText(QPointF(left + 24, y + metrics.ascent() / 2 - 1), curve.label)


def _span(values: Iterable[float]) -> tuple[float, float]:
    """(low, high) of the finite values; NaN when there are none (no ticks)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return math.nan, math.nan
    low, high = min(finite), max(finite)
    if low >= 0 and high <= 1 and high - low > 0.2:
        return 0.0, 1.0 if high > 0.5 else high  # fractions (IoU, accuracy) read best from 0
    return min(low, 0.0) if low >= 0 and low < 0.25 * high else low, high


def _map(value: float, low: float, high: float, to_low: float, to_high: float) -> float:
    if high == low:
        return (to_low + to_high) / 2
    return to_low + (value - low) * (to_high - to_low) / (high - low)


def _thin(points: list[tuple[float, float]], limit: int) -> list[tuple[float, float]]:
    """At most about ``limit`` points (every n-th, keeping the last): more than one per
    pixel adds nothing but painting time."""
    if len(points) <= limit or limit < 2:
        return points
    step = math.ceil(len(points) / limit)
    return points[::step] + ([points[-1]] if (len(points) - 1) % step else [])
