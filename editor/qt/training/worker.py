"""Training off the GUI thread: plan, train and preview on a QThread, reporting through signals.

The trainer is a generator (:func:`editor.training.run.run_training`); this worker pulls it
step by step on its own thread. Pausing simply stops pulling (the worker waits on an event),
cancelling makes the trainer's ``check_cancelled`` raise :class:`~editor.tasks.api.Cancelled`.
Only plain data crosses to the GUI thread: :class:`TrainingProgress`, the :class:`ModelCard`,
numpy preview images and strings.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from editor.tasks.api import Cancelled
from editor.training.run import plan_training, run_training

if TYPE_CHECKING:
    from editor.tasks.registry import PluginInfo
    from editor.training.datasets import Dataset
    from editor.training.run import TrainingPlan

#: at most this many progress reports per second reach the GUI (epoch ends always do)
PROGRESS_PER_SECOND = 10
#: validation samples shown before/after in the result panel
PREVIEW_SAMPLES = 3


@dataclass
class Preview:
    """One validation sample before and after the trained model (RGBA uint8 arrays)."""

    name: str
    before: np.ndarray
    after: np.ndarray


@dataclass
class TrainingStart:
    """What the worker found when training began (sent once, before the first step)."""

    device: str
    #: why the device differs from the one asked for ("" when it does not)
    reason: str
    output: Path
    #: the validation figure that picks the best epoch ("iou", "psnr"...)
    metric: str


class TrainingWorker(QObject):
    """Trains ``plugin`` on ``data_dir`` into ``output`` on its own thread.

    Call :meth:`start` once. Exactly one of ``finished(card)``, ``failed(message, details)``
    or ``cancelled()`` ends every run; ``previews(list[Preview])`` comes just before
    ``finished`` when the plugin can show them. :meth:`join` waits for the thread to end.
    """

    started_training = Signal(object)  # TrainingStart
    progress = Signal(object)  # TrainingProgress
    previews = Signal(object)  # list[Preview]
    finished = Signal(object)  # TrainingOutcome
    failed = Signal(str, str)
    cancelled = Signal()

    def __init__(
        self, plugin: PluginInfo, data_dir: Path, output: Path, values: dict[str, Any],
        device: str = "auto", dataset: Dataset | None = None,
    ) -> None:
        super().__init__()  # no parent: the object moves to the training thread
        self._args = (plugin, Path(data_dir), Path(output), dict(values), device, dataset)
        self._cancel = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._thread: QThread | None = None
        self._last_emit = 0.0

    # -- control (call from the GUI thread) ---------------------------------------------
    def start(self) -> None:
        """Begin training on a new thread."""
        if self._thread is not None:
            raise RuntimeError("a TrainingWorker runs once")
        self._thread = QThread()
        self._thread.setObjectName("lightbox-training")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)
        self._thread.start()

    def pause(self) -> None:
        """Stop after the current step until :meth:`resume` (or :meth:`cancel`)."""
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        """Stop at the next step; the last finished epoch stays saved as a checkpoint."""
        self._cancel.set()
        self._running.set()  # wake a paused run so it can stop

    @property
    def is_paused(self) -> bool:
        return not self._running.is_set()

    def is_running(self) -> bool:
        """True from :meth:`start` until the thread has ended."""
        return self._thread is not None and self._thread.isRunning()

    def join(self, timeout_ms: int = 60_000) -> bool:
        """Wait for the thread to end; True when it has."""
        return self._thread is None or self._thread.wait(timeout_ms)

    # -- the training thread ------------------------------------------------------------
    def _check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def _run(self) -> None:
        try:
            self._train()
        finally:
            # hand the object back to the GUI thread so it can be deleted there
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())
            thread = self._thread
            if thread is not None:
                thread.quit()

    def _train(self) -> None:
        plugin, data_dir, output, values, device, dataset = self._args
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            plan = plan_training(plugin, data_dir, output, values, device, dataset=dataset)
            self.started_training.emit(TrainingStart(plan.device.name, plan.device.reason,
                                                     plan.output, plan.task.primary_metric))
            steps = run_training(plan, check_cancelled=self._check_cancelled)
            while True:
                self._wait_while_paused()
                step = next(steps)
                now = time.monotonic()
                if step.epoch_finished or now - self._last_emit >= 1 / PROGRESS_PER_SECOND:
                    self._last_emit = now
                    self.progress.emit(step)
        except StopIteration as done:
            outcome = done.value
        except Cancelled:
            self.cancelled.emit()
            return
        except Exception as exc:  # plugin code can raise anything: report it, keep the app up
            self.failed.emit(_message(exc), "".join(traceback.format_exception(exc)))
            return
        try:
            shown = _previews(plan, output)
        except Exception:  # previews are a nicety: the model is saved already
            shown = []
        if shown:
            self.previews.emit(shown)
        self.finished.emit(outcome)

    def _wait_while_paused(self) -> None:
        while not self._running.wait(0.1):
            pass
        self._check_cancelled()


def _message(exc: BaseException) -> str:
    text = str(exc)
    return text if text else type(exc).__name__


def _previews(plan: TrainingPlan, model_path: Path) -> list[Preview]:
    """Before/after images of a few validation samples, when the plugin's task makes them."""
    from editor.training.store import load_model

    weights, _ = load_model(model_path, plan.plugin.id)
    model = plan.task.build_model()
    model.load_state_dict(weights)
    model = model.to(plan.device.name).eval()
    _, val = plan.dataset.split(plan.params["val_fraction"], plan.params["seed"])
    import torch

    shown: list[Preview] = []
    with torch.no_grad():
        for sample in list(val or plan.dataset.samples)[:PREVIEW_SAMPLES]:
            pair = plan.task.preview(model, sample, plan.device.name)
            if pair is None:
                break
            shown.append(Preview(sample.image.name, *pair))
    return shown
