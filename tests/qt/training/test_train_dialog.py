"""The Train dialog as a user meets it: choose a folder, see what is in it, train a real
tiny model, pause, cancel and continue, close mid-run; and the Plugins panel's Model list."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

# The first `import torch` in a process holds the GIL for seconds. Importing it here, before
# any test runs, keeps that one-off cost out of the responsiveness measurement below, which
# is about training, not about loading the library.
import torch  # noqa: F401
from PySide6.QtCore import QTimer

from editor.qt.main_window import MainWindow
from editor.qt.panels.plugins import PluginPanel
from editor.qt.training.dialog import TrainDialog
from editor.tasks.registry import Registry
from editor.training.datasets import DatasetError, scan
from editor.training.store import ModelStore


@pytest.fixture
def dialog(qtbot, tinyseg) -> TrainDialog:
    d = TrainDialog(Registry.discover(), plugin_id="tinyseg")
    d.ask_stop_training = lambda: True
    qtbot.addWidget(d)
    d.show()
    yield d
    d.shutdown()


@pytest.fixture
def squares(tmp_path, make_squares) -> Path:
    return make_squares(tmp_path / "d", broken=True)


def choose(qtbot, dialog: TrainDialog, folder: Path) -> None:
    """Pick ``folder`` with Browse… and wait for the scan to come back."""
    dialog.ask_folder = lambda: folder
    dialog.browse_button.click()
    qtbot.waitUntil(lambda: dialog.scan_result is not None, timeout=10_000)


def start(dialog: TrainDialog, **values) -> None:
    dialog.form.set_values({"epochs": 3, "batch": 4, **values})
    dialog.start_button.click()


def wait_done(qtbot, dialog: TrainDialog, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: not dialog.is_training(), timeout=timeout)


def test_choosing_a_folder_shows_what_it_holds_and_what_was_skipped(qtbot, dialog, squares):
    choose(qtbot, dialog, squares)
    view = dialog.dataset_view
    assert "image+mask pairs" in view.headline.text()
    assert ("image+mask pairs", "12") in view.count_texts()
    assert any("small.png" in text for text in view.problem_texts())
    assert view.thumbnails.count() == 8
    assert dialog.name_edit.text().startswith("d-")  # "<folder>-<date>"
    assert dialog.start_button.isEnabled()


def test_a_folder_that_is_not_a_dataset_says_why(qtbot, dialog, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("no pictures here")
    with pytest.raises(DatasetError) as expected:
        scan(folder, "pairs")
    choose(qtbot, dialog, folder)
    assert str(expected.value) in dialog.dataset_view.headline.text()
    assert not dialog.start_button.isEnabled()


def test_start_trains_to_the_end_and_the_plugin_uses_the_model(qtbot, dialog, squares):
    panel = PluginPanel(dialog.registry, object(), devices=["cpu"])
    qtbot.addWidget(panel)
    panel.select_plugin("tinyseg")
    assert panel.model_combo.count() == 1  # only the bundled default so far
    with qtbot.waitSignal(dialog.model_trained, timeout=60_000) as trained:
        choose(qtbot, dialog, squares)
        start(dialog)
    card, metric = trained.args
    run = dialog.run_panel
    assert run.progress_bar.value() == run.progress_bar.maximum()
    assert "100" in run.progress_bar.text()
    assert [line for line in run.log_lines() if "Epoch 3/3" in line]
    assert run.chart.epoch_points() == 3
    assert run.result_view.isVisible() and metric == "iou"
    assert "now uses" in dialog.status.text()

    store = ModelStore()
    path = store.root / "tinyseg" / f"{card.name}.pt"
    assert [p for p, _ in store.models("tinyseg")] == [path]
    assert store.active("tinyseg") == path

    panel.refresh_models()
    names = [panel.model_combo.itemText(i) for i in range(panel.model_combo.count())]
    assert any(card.name in name for name in names)
    assert panel.model_combo.currentData() == str(path)
    assert panel.values()["model"] == str(path)
    panel.model_combo.setCurrentIndex(0)
    panel.model_combo.activated.emit(0)  # the user picks "Bundled default"
    assert store.active("tinyseg") is None and panel.values()["model"] is None


def test_the_window_stays_responsive_while_training(qtbot, dialog, squares):
    choose(qtbot, dialog, squares)
    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    start(dialog, epochs=40, patience=0)  # long enough to sample on a fast, quiet machine
    wait_done(qtbot, dialog)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(gaps) > 10
    assert max(gaps) < 0.1, f"the GUI thread stalled for {max(gaps) * 1000:.0f} ms"


def test_cancel_keeps_a_checkpoint_and_start_continues_from_it(qtbot, dialog, squares):
    choose(qtbot, dialog, squares)
    start(dialog, epochs=30, patience=0)
    dialog.worker.progress.connect(
        lambda step: step.epoch_finished and step.epoch >= 1 and dialog.cancel())
    with qtbot.waitSignal(dialog.worker.cancelled, timeout=60_000):
        pass
    wait_done(qtbot, dialog)
    assert dialog.output_path().with_suffix(".ckpt").exists()
    assert "Stopped" in dialog.status.text()
    assert "unfinished training" in dialog.name_note.text()

    first: list = []
    dialog.start_button.click()
    dialog.worker.progress.connect(lambda step: first or first.append(step))
    qtbot.waitUntil(lambda: bool(first), timeout=30_000)
    assert first[0].epoch > 1
    # the lambda above runs on the worker's thread; the panel hears of the same report
    # through the GUI thread's event queue, a moment later on a busy machine
    qtbot.waitUntil(lambda: any("Resumed after epoch" in line
                                for line in dialog.run_panel.log_lines()), timeout=10_000)
    dialog.shutdown()


def test_pause_stops_progress_and_resume_continues(qtbot, dialog, squares):
    choose(qtbot, dialog, squares)
    start(dialog, epochs=60, patience=0)
    bar = dialog.run_panel.progress_bar
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=30_000)
    dialog.pause_button.click()
    assert dialog.pause_button.text() == "Resume"
    # a step in flight and queued reports may still land (slowly on a loaded machine):
    # wait until the bar settles, then it must stay put
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        before = bar.value()
        qtbot.wait(700)
        if bar.value() == before:
            break
    paused_at = bar.value()
    qtbot.wait(500)
    assert bar.value() == paused_at
    dialog.pause_button.click()
    assert dialog.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: bar.value() > paused_at, timeout=30_000)


def test_cancel_works_while_paused(qtbot, dialog, squares):
    choose(qtbot, dialog, squares)
    start(dialog, epochs=60, patience=0)
    qtbot.waitUntil(lambda: dialog.run_panel.progress_bar.value() > 0, timeout=30_000)
    dialog.pause_button.click()
    with qtbot.waitSignal(dialog.worker.cancelled, timeout=10_000):
        dialog.cancel_button.click()
    wait_done(qtbot, dialog)
    assert dialog.start_button.isEnabled()


def test_closing_mid_run_stops_training_and_joins_its_thread(qtbot, dialog, squares):
    choose(qtbot, dialog, squares)
    start(dialog, epochs=60, patience=0)
    worker = dialog.worker
    qtbot.waitUntil(lambda: dialog.run_panel.progress_bar.value() > 0, timeout=30_000)
    asked = []
    dialog.ask_stop_training = lambda: asked.append(True) or True
    assert dialog.close()
    assert asked and not dialog.isVisible()
    assert not worker.is_running()
    assert not dialog.is_training()


def test_closing_can_be_refused_to_keep_training(qtbot, dialog, squares):
    choose(qtbot, dialog, squares)
    start(dialog, epochs=60, patience=0)
    dialog.ask_stop_training = lambda: False
    assert not dialog.close()
    assert dialog.isVisible() and dialog.is_training()


def test_a_second_model_waits_for_use_this_model_beside_the_current_figures(qtbot, dialog,
                                                                            squares):
    with qtbot.waitSignal(dialog.model_trained, timeout=60_000) as first:
        choose(qtbot, dialog, squares)
        start(dialog)
    first_card = first.args[0]
    store = ModelStore()
    assert store.active("tinyseg").stem == first_card.name
    view = dialog.run_panel.result_view
    assert not view.use_button.isVisibleTo(dialog)  # the plugin had none: it uses the first

    with qtbot.waitSignal(dialog.model_trained, timeout=60_000) as second:
        start(dialog, epochs=1)
    second_card = second.args[0]
    assert second_card.name != first_card.name
    assert store.active("tinyseg").stem == first_card.name  # unchanged without the user's say
    assert view.use_button.isVisibleTo(dialog)
    assert "still uses" in view.note.text() and "keeps its current model" in dialog.status.text()
    figures = [view.figures.itemAt(i).widget().text() for i in range(view.figures.count())
               if view.figures.itemAt(i).widget() is not None]
    assert any("current model" in text for text in figures)

    with qtbot.waitSignal(dialog.model_trained, timeout=5_000):
        view.use_button.click()
    assert store.active("tinyseg").stem == second_card.name
    assert not view.use_button.isVisibleTo(dialog) and "now uses" in view.note.text()


def test_the_main_window_opens_one_dialog_and_announces_the_model(qtbot, tinyseg, squares):
    window = MainWindow(Registry.discover())
    window.ask_save_changes = lambda: "discard"
    qtbot.addWidget(window)
    window.plugin_panel.select_plugin("tinyseg")
    assert window.plugin_panel.model_row.isVisibleTo(window.plugin_panel)
    window.plugin_panel.train_button.click()
    dialog = window.train_dialog
    assert dialog is not None and dialog.isVisible() and dialog.plugin.id == "tinyseg"
    window.actions_.train.trigger()
    assert window.train_dialog is dialog  # one dialog, raised again
    with qtbot.waitSignal(dialog.model_trained, timeout=60_000) as trained:
        choose(qtbot, dialog, squares)
        start(dialog)
    card = trained.args[0]
    messages = [text for _, text in window.notifications.messages()]
    assert any(text.startswith(f"Trained {card.name}: iou ")
               and text.endswith("; Tiny segmenter now uses it") for text in messages)
    names = [window.plugin_panel.model_combo.itemText(i)
             for i in range(window.plugin_panel.model_combo.count())]
    assert any(card.name in name for name in names)
    dialog.close()
