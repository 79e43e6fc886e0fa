"""The thread that composites for the canvas: plain data in, a numpy array out.

A :class:`CompositeRequest` is frozen on the GUI thread; the worker composites it band by band
(checking for cancelling in between, as a cancel point) and hands the outcome back to the GUI
thread. Nothing here builds a QImage or touches a widget.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shiboken6
from PySide6.QtCore import QMetaObject, QObject, QRunnable, Qt, QThreadPool, Slot

from editor.model.compositor import composite
from editor.model.document import Rect
from editor.model.layers import Layer, RasterLayer

#: the worker composites this many rows at a time and checks for cancelling in between
BAND_ROWS = 128


@dataclass(frozen=True)
class CompositeRequest:
    """What one background composite reads, frozen when it starts."""

    generation: int
    size: tuple[int, int]
    rect: Rect
    #: shallow copies: properties as they were at the start; pixel arrays shared
    layers: tuple[RasterLayer, ...]

    @property
    def whole(self) -> bool:
        return self.rect == (0, 0, *self.size)


def snapshot_layers(layers: Sequence[Layer]) -> tuple[RasterLayer, ...]:
    """The raster layers with their visibility, opacity and blend mode frozen now."""
    return tuple(copy.copy(layer) for layer in layers if isinstance(layer, RasterLayer))


def render(request: CompositeRequest, cancelled: Callable[[], bool]) -> np.ndarray | None:
    """Composite ``request.rect`` band by band (worker thread); None if cancelled."""
    x0, y0, x1, y1 = request.rect
    out = np.empty((y1 - y0, x1 - x0, 4), np.uint8)
    for top in range(y0, y1, BAND_ROWS):
        if cancelled():
            return None
        bottom = min(y1, top + BAND_ROWS)
        out[top - y0 : bottom - y0] = composite(request.layers, request.size,
                                                (x0, top, x1, bottom))
    return out


#: what a finished composite hands back: generation, pixels (None if cancelled), error
Outcome = tuple[int, np.ndarray | None, BaseException | None]


class _Relay(QObject):
    """Hands outcomes from the worker to ``deliver`` on the GUI thread.

    A locked list and a queued slot call instead of a signal: ``Signal.emit`` in PySide6
    6.12.0 drops a reference to ``True`` on every call, which crashes a long session.
    """

    def __init__(self, deliver: Callable[..., None]) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._outcomes: list[Outcome] = []
        self._deliver: Callable[..., None] | None = deliver

    def post(self, outcome: Outcome) -> None:
        """Worker thread: queue ``outcome`` and wake the GUI thread."""
        with self._lock:
            self._outcomes.append(outcome)
        QMetaObject.invokeMethod(self, "_wake", Qt.ConnectionType.QueuedConnection)

    def detach(self) -> None:
        """Deliver nothing more (the receiver is going away)."""
        self._deliver = None

    @Slot()
    def _wake(self) -> None:
        with self._lock:
            outcomes, self._outcomes = self._outcomes, []
        for outcome in outcomes:
            if self._deliver is not None:
                self._deliver(*outcome)


class _CompositeJob(QRunnable):
    def __init__(self, request: CompositeRequest, cancel: threading.Event,
                 relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._request = request
        self._cancel = cancel
        self._relay = relay

    def run(self) -> None:
        generation = self._request.generation
        try:
            pixels = render(self._request, self._cancel.is_set)
        except Exception as exc:  # raised again on the GUI thread, where errors are shown
            self._relay.post((generation, None, exc))
        else:
            self._relay.post((generation, pixels, None))


class CompositeWorker:
    """One background thread for composites, which :meth:`stop` cancels and joins."""

    def __init__(self, deliver: Callable[..., None]) -> None:
        self.relay = _Relay(deliver)
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)
        self._cancel: threading.Event | None = None

    def start(self, request: CompositeRequest) -> None:
        """Run ``request``; a composite still running is cancelled first."""
        self.cancel()
        self._cancel = threading.Event()
        self._pool.start(_CompositeJob(request, self._cancel, self.relay))

    def cancel(self) -> None:
        """Ask the running composite to stop at its next band; does not wait."""
        if self._cancel is not None:
            self._cancel.set()

    def stop(self, *_args: object) -> None:
        """Cancel, and wait until the thread has finished and exited."""
        self.cancel()
        self._pool.clear()
        self._pool.waitForDone()

    def shutdown(self, *_args: object) -> None:
        """Stop for good: the owner is being destroyed."""
        self.relay.detach()
        if shiboken6.isValid(self._pool):  # at interpreter exit it may already be gone
            self.stop()
