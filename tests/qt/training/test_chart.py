"""The training chart: curves in their colours, ticks that cover the data, any number of
points, both themes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette

from editor.qt.convert import qimage_to_rgba
from editor.qt.theme import palette_for
from editor.qt.training.chart import EPOCH_COLOUR, METRIC_COLOURS, TrainingChart, nice_ticks


def history(epochs: int) -> list[dict[str, float]]:
    return [{"epoch": e, "train_loss": 0.7 / e, "val_iou": 1 - 0.5 / e}
            for e in range(1, epochs + 1)]


def pixels_near(chart: TrainingChart, colour: str, tolerance: int = 40) -> int:
    """How many pixels of the painted chart are close to ``colour``."""
    rgba = qimage_to_rgba(chart.grab().toImage()).astype(int)
    target = QColor(colour)
    distance = np.abs(rgba[..., :3] - [target.red(), target.green(), target.blue()]).sum(axis=2)
    return int((distance < tolerance).sum())


@pytest.fixture
def chart(qtbot) -> TrainingChart:
    c = TrainingChart()
    c.setPalette(palette_for(dark=False))
    c.resize(520, 280)
    qtbot.addWidget(c)
    return c


def test_epoch_loss_and_validation_curves_are_painted_in_their_colours(chart):
    chart.set_epochs(5)
    for i in range(40):
        chart.add_step(i / 8, 0.8 - i / 80)
    chart.set_history(history(5))
    assert chart.epoch_points() == 5 and chart.step_points() == 40
    assert pixels_near(chart, EPOCH_COLOUR[0]) > 100
    assert pixels_near(chart, METRIC_COLOURS[0][0]) > 100
    labels = [c.label for c in chart.curves()]
    assert labels == ["Training loss (smoothed)", "Training loss per epoch", "Validation iou"]


def test_dark_theme_uses_the_dark_colours(chart):
    chart.setPalette(palette_for(dark=True))
    chart.set_history(history(3))
    background = chart.palette().color(QPalette.ColorRole.Base)
    assert background.lightness() < 128
    assert pixels_near(chart, EPOCH_COLOUR[1]) > 50
    assert pixels_near(chart, EPOCH_COLOUR[0], tolerance=10) < 10


@pytest.mark.parametrize("points", [0, 1, 1000])
def test_any_number_of_points_paints(chart, points):
    chart.set_epochs(10)
    for i in range(points):
        chart.add_step(10 * i / max(1, points), 1.0 / (1 + i))
    chart.set_history(history(min(points, 10)))
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() == 520
    assert chart.step_points() == points


def test_it_paints_at_small_and_large_sizes(chart):
    chart.set_history(history(4))
    chart.setMinimumSize(0, 0)  # a squeezed layout: too small for a plot, still no error
    for size in ((60, 40), (1600, 900)):
        chart.resize(*size)
        assert chart.grab().width() == size[0]


def test_a_non_finite_loss_is_left_out(chart):
    chart.add_step(0.1, math.nan)
    chart.add_step(0.2, 0.5)
    assert chart.step_points() == 1


def test_ticks_cover_the_data_with_round_numbers():
    ticks = nice_ticks(0.9259, 0.99, 4)
    assert ticks[0] <= 0.9259 and ticks[-1] >= 0.99
    assert all(round(t, 3) == t for t in ticks)
    assert nice_ticks(0, 3, 3) == [0, 1, 2, 3]
    assert nice_ticks(5, 5) and nice_ticks(math.nan, 1) == []
