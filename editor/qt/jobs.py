"""Run plugin jobs on a background thread and land their results on the history.

The :class:`JobController` is the only place where the GUI starts AI work. Jobs run one at a
time on a single worker thread; only plain data (the :class:`~editor.tasks.jobs.Job` with its
numpy request and result) crosses threads. Every signal of the controller is emitted on the
GUI thread, and a finished job's result is pushed onto the document's history there, as one
undo step, so the document is never changed from the worker.

The worker does read the document once, after the plugin: it builds the undo command for
the result (an upscale's resize of every layer is the costly part) so the GUI thread only
pushes it. The command is used if the document's history did not move meanwhile; after
any edit it is built again on the GUI thread from the document as it is then.
"""

from __future__ import annotations

import time
import traceback
import weakref
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from editor.tasks.apply import plan_request, report_summary, result_command
from editor.tasks.jobs import Job, JobState

if TYPE_CHECKING:
    import numpy as np

    from editor.model.commands import Command
    from editor.model.document import Document
    from editor.model.layers import Layer
    from editor.tasks.api import Prompt
    from editor.tasks.registry import PluginInfo

#: at most this many progress updates per second reach the GUI
UPDATES_PER_SECOND = 20


@dataclass
class _Pending:
    """What the GUI thread needs to land a job's result: kept on the GUI side only."""

    doc: weakref.ref[Document]
    placement: Any
    params: dict[str, Any]
    geometry: int  # the document's geometry version when the job was submitted
    text: str  # the undo step's name
    #: output roles whose result is written over these layers instead of adding new ones
    targets: dict[str, Layer] = field(default_factory=dict)


@dataclass
class _Landing:
    """A result's undo command, built on the worker at history version ``version``."""

    version: int
    command: Command | None


class _Worker(QObject):
    """Lives on the worker thread; runs one job at a time and reports back by signals."""

    updated = Signal(object)
    finished = Signal(object, object)  # the job, its _Landing (None: build it on the GUI)

    @Slot(object, object)
    def run(self, job: Job, prepare: Callable[[Job], _Landing | None]) -> None:
        interval = 1.0 / UPDATES_PER_SECOND
        last = {"time": 0.0, "state": None}

        def on_update(j: Job) -> None:
            # state changes always go through; progress reports are throttled
            now = time.monotonic()
            if j.state is not last["state"] or now - last["time"] >= interval:
                last["time"], last["state"] = now, j.state
                self.updated.emit(j)

        try:
            job.run(on_update=on_update)
        except Exception as exc:  # Job.run promises not to raise; never let it kill the thread
            job.state = JobState.FAILED
            job.error = str(exc) or type(exc).__name__
            job.details = traceback.format_exc()
        landing = None
        if job.state is JobState.DONE:
            try:
                landing = prepare(job)
            except Exception:  # noqa: BLE001 - the GUI thread builds it again and reports
                landing = None
        self.finished.emit(job, landing)


class JobController(QObject):
    """Queue of plugin jobs; runs them in order on one worker thread.

    Signals (all on the GUI thread): ``job_added(job)``, ``job_updated(job)`` (progress,
    throttled to ~20 per second, and every state change), ``job_finished(job)`` (done,
    failed or cancelled, after the result landed on the history) and ``job_removed(job)``
    (:meth:`clear_finished`).
    """

    job_added = Signal(object)
    job_updated = Signal(object)
    job_finished = Signal(object)
    job_removed = Signal(object)
    _start = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []
        self._queue: deque[Job] = deque()
        self._pending: dict[str, _Pending] = {}
        self._running: Job | None = None
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._stuck: list[QThread] = []
        app = QCoreApplication.instance()
        if app is not None:  # a last resort: the window should call shutdown itself
            app.aboutToQuit.connect(self.shutdown)

    # -- state --------------------------------------------------------------------------
    @property
    def jobs(self) -> list[Job]:
        """Every job still listed, oldest first (finished ones until cleared)."""
        return list(self._jobs)

    @property
    def busy(self) -> bool:
        """True while a job is running or waiting."""
        return self._running is not None or bool(self._queue)

    # -- actions ------------------------------------------------------------------------
    def submit(
        self,
        doc: Document,
        plugin: PluginInfo,
        params: dict[str, Any],
        *,
        selection_only: bool = False,
        device: str = "auto",
        prompts: Sequence[Prompt] = (),
        targets: Mapping[str, Layer] | None = None,
        mask: np.ndarray | None = None,
    ) -> Job:
        """Validate ``params``, build the request from ``doc`` now, and queue the job.

        ``prompts`` (box and clicks, document pixels) go into the request; an output whose
        role is a key of ``targets`` replaces that layer's pixels rather than adding a layer
        (a canvas tool refining its earlier result). ``mask`` (document size) goes to a
        plugin that uses a mask in place of the selection.

        Raises ``ValueError`` for a broken plugin, ``ParamError`` for bad params and
        ``PluginError`` when there is nothing to run on (nothing is queued then); whatever
        goes wrong while the job runs ends in a FAILED job instead.
        """
        if plugin.broken or plugin.manifest is None:
            raise ValueError(self.tr("{name} cannot run: {error}").format(
                name=plugin.name, error=plugin.error))
        manifest = plugin.manifest
        values = manifest.validate(params)
        plan = plan_request(doc, manifest, values, selection_only=selection_only,
                            prompts=prompts, mask=mask)
        title = plugin.name
        if selection_only:
            title = self.tr("{name} (selection)").format(name=plugin.name)
        job = Job(plugin, plan.build, device=device, title=title)
        self._pending[job.id] = _Pending(weakref.ref(doc), plan.placement, values,
                                         doc.geometry,
                                         self.tr("Run {name}").format(name=plugin.name),
                                         dict(targets or {}))
        self._jobs.append(job)
        self._queue.append(job)
        self.job_added.emit(job)
        self._start_next()
        return job

    def cancel(self, job: Job) -> None:
        """Ask ``job`` to stop: a waiting job is cancelled at once, a running one soon."""
        job.cancel()
        if job in self._queue:
            self._queue.remove(job)
            job.run()  # returns at once as CANCELLED: the cancel is checked before starting
            self._finish(job)

    def cancel_all(self) -> None:
        """Cancel every waiting and running job."""
        for job in list(self._queue):
            self.cancel(job)
        if self._running is not None:
            self._running.cancel()

    def drop_document(self, doc: Document) -> None:
        """The document is closing: cancel its jobs and never land their results."""
        for job in list(self._queue) + ([self._running] if self._running else []):
            pending = self._pending.get(job.id)
            if pending is not None and pending.doc() is doc:
                pending.doc = _dead_ref
                self.cancel(job)

    def clear_finished(self) -> None:
        """Forget finished jobs (the jobs panel's "Clear finished")."""
        for job in [j for j in self._jobs if j.state.finished]:
            self._jobs.remove(job)
            self.job_removed.emit(job)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and join the worker thread; True if it stopped in time.

        Call it when the window closes. Results that arrive after this are dropped.
        """
        self.cancel_all()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        thread.quit()
        stopped = thread.wait(timeout_ms)
        if stopped:
            self._running = None
            self._worker = None
            thread.deleteLater()
        else:
            self._stuck.append(thread)  # a plugin ignores cancel: never drop a live QThread
        return stopped

    # -- internals ----------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        self._thread = QThread()
        self._thread.setObjectName("lightbox-jobs")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._start.connect(self._worker.run)
        self._worker.updated.connect(self._on_updated)
        self._worker.finished.connect(self._on_finished)
        self._thread.finished.connect(self._worker.deleteLater)
        self._thread.start()

    def _start_next(self) -> None:
        if self._running is not None or not self._queue:
            return
        self._ensure_thread()
        self._running = self._queue.popleft()
        pending = self._pending.get(self._running.id)
        self._start.emit(self._running, lambda job: _prepare(pending, job))

    @Slot(object)
    def _on_updated(self, job: Job) -> None:
        if not job.state.finished:  # the finished signal reports the final state
            self.job_updated.emit(job)

    @Slot(object, object)
    def _on_finished(self, job: Job, landing: _Landing | None) -> None:
        if job is self._running:
            self._running = None
        if job.state is JobState.DONE:
            self._land(job, landing)
        self._finish(job)
        if self._thread is not None:
            self._start_next()

    def _land(self, job: Job, landing: _Landing | None = None) -> None:
        """Push the result of a DONE job onto its document's history as one undo step
        (the worker's ``landing`` if the document did not change since it was built)."""
        pending = self._pending.get(job.id)
        doc = pending.doc() if pending is not None else None
        if pending is None or doc is None or job.result is None or self._thread is None:
            return  # the document (or the whole window) closed meanwhile
        try:
            if doc.geometry != pending.geometry:
                raise ValueError(self.tr("the image was cropped, resized, rotated or flipped "
                                         "while the job ran; run it again"))
            if landing is not None and landing.version == doc.history.version:
                command = landing.command
            else:
                command = result_command(doc, job.result, pending.placement,
                                         _source(job, pending), text=pending.text,
                                         targets=pending.targets)
            if command is not None:
                doc.history.push(command)
            elif job.result.report:  # a report only: say what it found
                job.summary = report_summary(job.result.report)
        except Exception as exc:  # a result that does not fit is the job's failure
            job.state = JobState.FAILED
            job.error = self.tr("Could not add the result: {error}").format(error=exc)
            job.details = traceback.format_exc()

    def _finish(self, job: Job) -> None:
        self._pending.pop(job.id, None)
        # the result now lives in the document (and its history): keep only the record
        job.request = None  # type: ignore[assignment]
        job.result = None
        self.job_updated.emit(job)
        self.job_finished.emit(job)


def _source(job: Job, pending: _Pending) -> dict[str, Any]:
    """What a result layer records about the run that made it."""
    manifest = job.plugin.manifest
    return {"plugin": job.plugin.id,
            "version": manifest.version if manifest is not None else "",
            "params": dict(pending.params), "device": job.device}


def _prepare(pending: _Pending | None, job: Job) -> _Landing | None:
    """On the worker: ``job``'s undo command, built from the document as it is now and
    stamped with the history version it was read at (checked again before it is used)."""
    doc = pending.doc() if pending is not None else None
    if pending is None or doc is None or job.result is None or \
            doc.geometry != pending.geometry:
        return None
    version = doc.history.version
    command = result_command(doc, job.result, pending.placement, _source(job, pending),
                             text=pending.text, targets=pending.targets)
    return _Landing(version, command)


def _dead_ref() -> None:
    """Stands in for the weak reference of a closed document."""
    return None
