"""A job: one plugin run with explicit states, progress, ETA, cooperative cancel.

``Job.run`` executes in whichever thread calls it (a Qt worker thread in the editor, the main
thread in the CLI) and never raises: the outcome is in ``state``, ``result`` and ``error``.
"""

from __future__ import annotations

import enum
import itertools
import logging
import threading
import time
import traceback
from collections.abc import Callable

from editor.tasks.api import Cancelled, PluginError, Request, Result
from editor.tasks.device import choose_device
from editor.tasks.registry import PluginInfo, PluginLoadError

log = logging.getLogger("lightbox.jobs")
_ids = itertools.count(1)


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class _JobContext:
    """The :class:`editor.tasks.api.Context` a plugin sees while its job runs."""

    def __init__(self, job: Job, device: str, notify: Callable[[], None]) -> None:
        self._job = job
        self._notify = notify
        self.device = device
        self.log = logging.getLogger(f"lightbox.plugin.{job.plugin.id}")

    def check_cancelled(self) -> None:
        if self._job.cancel_requested:
            raise Cancelled()

    def progress(self, fraction: float, message: str = "") -> None:
        self.check_cancelled()
        self._job.progress = min(1.0, max(self._job.progress, float(fraction)))
        if message:
            self._job.message = message
        self._notify()


class Job:
    def __init__(
        self, plugin: PluginInfo, request: Request | Callable[[], Request], *,
        device: str = "auto", title: str | None = None,
    ) -> None:
        """``request`` may be a function building it, so the work of preparing the image
        (compositing a large document) happens in the thread that runs the job."""
        self.id = next(_ids)
        self.plugin = plugin
        self.request = request
        self.requested_device = device
        self.title = title or plugin.name
        self.state = JobState.QUEUED
        self.progress = 0.0
        self.message = ""
        #: for a result that is only a report (a check, a classifier): what it found
        self.summary = ""
        self.device = ""
        self.device_reason = ""
        self.error = ""
        self.details = ""
        self.result: Result | None = None
        self.started: float | None = None
        self.finished: float | None = None
        self._cancel = threading.Event()

    # -- state --------------------------------------------------------------------------
    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.monotonic()) - self.started

    @property
    def eta(self) -> float | None:
        """Seconds left, extrapolated from progress so far; None until it can be guessed."""
        if self.state is not JobState.RUNNING or self.progress <= 0.02 or self.elapsed < 0.2:
            return None
        return self.elapsed * (1.0 - self.progress) / self.progress

    def cancel(self) -> None:
        """Ask the job to stop at its next cancel point (safe from any thread)."""
        self._cancel.set()

    # -- running ------------------------------------------------------------------------
    def run(self, on_update: Callable[[Job], None] | None = None) -> None:
        """Run the plugin in this thread. Never raises; the outcome is in :attr:`state`."""

        def notify() -> None:
            if on_update is not None:
                on_update(self)

        if self.cancel_requested:
            self._finish(JobState.CANCELLED, notify)
            return
        self.state = JobState.RUNNING
        self.started = time.monotonic()
        try:
            supported = self.plugin.manifest.devices if self.plugin.manifest else ()
            choice = choose_device(self.requested_device, supported or ("cpu",))
            self.device, self.device_reason = choice.name, choice.reason
            notify()
            run = self.plugin.load_run()
            ctx = _JobContext(self, choice.name, notify)
            if callable(self.request):
                ctx.progress(0.0, "Preparing the image")
                self.request = self.request()
            result = run(self.request, ctx)
            if not isinstance(result, Result):
                raise PluginError(f"the plugin returned {type(result).__name__}, not a Result")
            ctx.check_cancelled()  # a cancel at the last moment still wins
            self.result = result
            self.progress = 1.0
            self._finish(JobState.DONE, notify)
        except Cancelled:
            self._finish(JobState.CANCELLED, notify)
        except (PluginError, PluginLoadError, ValueError) as exc:
            self._fail(str(exc), notify)
        except MemoryError:
            self._fail("not enough memory for this image; try a smaller image or tile", notify)
        except Exception as exc:  # a plugin bug must not take the editor down
            log.exception("plugin %s crashed", self.plugin.id)
            self._fail(f"{type(exc).__name__}: {exc}", notify)

    def _fail(self, message: str, notify: Callable[[], None]) -> None:
        self.error = message
        self.details = traceback.format_exc()
        self._finish(JobState.FAILED, notify)

    def _finish(self, state: JobState, notify: Callable[[], None]) -> None:
        self.state = state
        self.finished = time.monotonic()
        if self.started is None:
            self.started = self.finished
        notify()

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.plugin.id} {self.state.value}>"
