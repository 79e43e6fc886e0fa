"""The canvas's composite image, recomposited off the GUI thread when the work is large.

Small changes (a brush dab, a tiny document) are composited at once on the GUI thread: they
take a few milliseconds. Anything larger runs on the worker of :mod:`editor.qt.canvas_worker`
over a snapshot of the layer stack while the canvas keeps showing the previous image. Bursts
coalesce: at most one composite is in flight and one region is pending, and the pending run
reads the layers afresh when it starts, so the latest state wins. A finished composite becomes
a QImage (through :mod:`editor.qt.convert`, on the GUI thread) a slice per event-loop turn.

Layer pixel arrays are shared with the worker, not copied. Commands patch them in place on the
GUI thread, so a patch that lands while a composite runs may be read half-written: a small
patch is composited again onto the result when it arrives, and a large one drops the result
and runs again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtGui import QImage, QPainter

from editor.model.compositor import composite
from editor.model.document import Document, Rect
from editor.qt.canvas_overlays import Pyramid
from editor.qt.canvas_worker import CompositeRequest, CompositeWorker, snapshot_layers
from editor.qt.convert import rgba_to_qimage

#: regions of at most this many pixels are composited on the GUI thread (a few ms)
SYNC_AREA = 512 * 512
#: a region larger than this share of the image is recomposited whole
WHOLE_ABOVE = 0.5
#: small patches that landed during one composite and are redone on its result, at most
DIRTY_AREA_LIMIT = 4 * SYNC_AREA
#: a finished composite becomes a QImage this many pixels per event-loop turn, so that the
#: GUI thread never spends ~100 ms converting a whole 12-megapixel photo at once
LAND_PIXELS = 2_000_000


@dataclass
class _Landing:
    """A finished composite being turned into a QImage a slice of rows at a time."""

    request: CompositeRequest
    pixels: np.ndarray
    #: the new base image for a whole result; None: slices go into the shown image
    target: QImage | None
    rows_done: int = 0


class CompositeCache(QObject):
    """The composite of one document (or none) as a :class:`Pyramid`, kept up to date.

    The owner forwards the document's changes to :meth:`refresh`; ``on_change`` is called
    whenever :attr:`image` changed. Call :meth:`stop` when the view closes; the worker also
    stops when the parent is destroyed.
    """

    def __init__(self, parent: QObject, on_change: Callable[[], None]) -> None:
        super().__init__(parent)
        self._on_change = on_change
        self.image: Pyramid | None = None
        self._doc: Document | None = None
        self._generation = 0
        self._in_flight: CompositeRequest | None = None
        self._pending: Rect | None = None
        self._dirty: list[Rect] = []  # small patches since the in-flight snapshot
        self._torn = False  # a large patch landed while the in-flight composite read it
        self._stale = False  # work was dropped by stop(); redo it on resume()
        self._waiting: list[QEventLoop] = []  # wait() calls in progress
        self._landing: _Landing | None = None
        self._land_timer = QTimer(self, interval=0)
        self._land_timer.timeout.connect(self._land_slice)
        self._worker = CompositeWorker(self._on_outcome)
        parent.destroyed.connect(self._worker.shutdown)

    @property
    def busy(self) -> bool:
        """True while a composite is in flight or pending."""
        return self._in_flight is not None or self._pending is not None

    def set_document(self, doc: Document | None) -> None:
        """Composite ``doc`` from scratch (nothing is shown until the result arrives)."""
        self._drop_work()
        self._generation += 1  # a result still on its way belongs to the old document
        self._doc = doc
        self.image = None
        if doc is None:
            self._worker.stop()
        else:
            self.refresh()
        self._on_change()
        if not self.busy:
            self._settle()

    def refresh(self, rect: Rect | None = None, *, pixels: bool = False) -> None:
        """Recomposite ``rect`` (None: everything). ``pixels``: the layers' pixels changed
        in place there, rather than layer properties or the stack."""
        doc = self._doc
        if doc is None:
            return
        whole = (0, 0, doc.width, doc.height)
        region = _clip(rect or whole, whole)
        if region is None:
            return
        if _area(region) <= SYNC_AREA:
            if self.image is not None or region == whole:
                self._composite_now(region)
            if self._in_flight is not None:
                self._dirty.append(region)  # the running composite may have read it already
                return
            if self.image is not None:
                return
        if _area(region) > WHOLE_ABOVE * _area(whole):
            region = whole
        self._generation += 1
        if self._in_flight is None:
            self._start(region)
            return
        self._pending = _union(self._pending, region)
        if pixels and _overlaps(region, self._in_flight.rect):
            self._torn = True

    def stop(self) -> None:
        """Cancel and join the worker; :meth:`resume` redoes what was dropped."""
        self._stale = self._stale or self.busy
        self._drop_work()
        self._worker.stop()
        self._settle()

    def resume(self) -> None:
        if self._stale and self._doc is not None:
            self._stale = False
            self.refresh()

    def wait(self, timeout_ms: int) -> bool:
        """Run the event loop until nothing is in flight or pending (or ``timeout_ms``
        passes); True if settled."""
        if not self.busy:
            return True
        loop = QEventLoop()
        # _settle() quits the loop directly: disconnecting a Qt signal corrupts reference
        # counts in PySide6 6.12.0, so no connection is made that must be undone
        timer = QTimer(singleShot=True, interval=max(0, timeout_ms))
        timer.timeout.connect(loop.quit)
        self._waiting.append(loop)
        timer.start()
        try:
            loop.exec()
        finally:
            timer.stop()
            self._waiting.remove(loop)
        return not self.busy

    # -- internals ----------------------------------------------------------------------
    def _drop_work(self) -> None:
        self._worker.cancel()
        self._land_timer.stop()
        self._landing = None
        self._in_flight = self._pending = None
        self._dirty = []
        self._torn = False

    def _start(self, region: Rect) -> None:
        doc = self._doc
        assert doc is not None
        if self.image is None:
            region = (0, 0, doc.width, doc.height)
        request = CompositeRequest(self._generation, doc.size, region,
                                   snapshot_layers(doc.layers))
        self._in_flight = request
        self._dirty = []
        self._torn = False
        self._worker.start(request)

    def _composite_now(self, region: Rect) -> None:
        doc = self._doc
        assert doc is not None
        self._show(region, composite(doc.layers, doc.size, region))

    def _show(self, region: Rect, pixels: np.ndarray) -> None:
        doc = self._doc
        assert doc is not None
        if region == (0, 0, doc.width, doc.height):
            self.image = Pyramid(rgba_to_qimage(pixels))
        elif self.image is not None:
            self.image.replace(region[0], region[1], rgba_to_qimage(pixels))
        self._on_change()

    def _on_outcome(self, generation: int, pixels: np.ndarray | None,
                    error: BaseException | None) -> None:
        request = self._in_flight
        if request is None or generation != request.generation:
            return  # cancelled: a document switch or stop() already moved on
        if error is not None or pixels is None or self._torn or (
            sum(map(_area, self._dirty)) > DIRTY_AREA_LIMIT
        ):
            self._in_flight = None
            self._dirty = []
            self._torn = False
            if error is None:
                self._pending = _union(self._pending, request.rect)  # redo it from scratch
            self._start_pending()
            if error is not None:
                raise error
            return
        # Landed even when a newer run is pending: it is a true, more recent state, and
        # during a long slider drag it is the only feedback the user gets. It stays in
        # flight until its last slice is in, so requests meanwhile wait as pending.
        target = None
        if request.whole or self.image is None:
            target = QImage(request.size[0], request.size[1],
                            QImage.Format.Format_ARGB32_Premultiplied)
        self._landing = _Landing(request, pixels, target)
        self._land_timer.start()

    def _land_slice(self) -> None:
        landing = self._landing
        if landing is None:
            self._land_timer.stop()
            return
        x0, y0, x1, y1 = landing.request.rect
        top = y0 + landing.rows_done
        bottom = min(y1, top + max(1, LAND_PIXELS // (x1 - x0)))
        patch = rgba_to_qimage(landing.pixels[top - y0 : bottom - y0])
        if landing.target is not None:
            _paste(landing.target, x0, top, patch)
        elif self.image is not None:
            self.image.replace(x0, top, patch)
        landing.rows_done = bottom - y0
        if bottom < y1:
            return
        self._land_timer.stop()
        self._landing = self._in_flight = None
        if landing.target is not None:
            self.image = Pyramid(landing.target)
        dirty, self._dirty = self._dirty, []
        self._torn = False  # the result was read before any later patch: only dirty counts
        for rect in dirty:
            self._composite_now(rect)
        self._on_change()
        self._start_pending()

    def _start_pending(self) -> None:
        if self._pending is not None and self._doc is not None:
            region, self._pending = self._pending, None
            self._start(region)
        else:
            self._pending = None
            self._settle()

    def _settle(self) -> None:
        for loop in self._waiting:
            loop.quit()


def _paste(target: QImage, x: int, y: int, patch: QImage) -> None:
    painter = QPainter(target)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
    painter.drawImage(x, y, patch)
    painter.end()


def _area(rect: Rect) -> int:
    return (rect[2] - rect[0]) * (rect[3] - rect[1])


def _clip(rect: Rect, bounds: Rect) -> Rect | None:
    x0, y0 = max(rect[0], bounds[0]), max(rect[1], bounds[1])
    x1, y1 = min(rect[2], bounds[2]), min(rect[3], bounds[3])
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _union(a: Rect | None, b: Rect) -> Rect:
    if a is None:
        return b
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _overlaps(a: Rect, b: Rect) -> bool:
    return _clip(a, b) is not None
