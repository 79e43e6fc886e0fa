"""Background: the Background dock puts the product on a new backdrop with its shadow.

While the user drags a control, a preview of the longest side :data:`PREVIEW_SIDE` is
computed on a worker thread (debounced; the latest settings win, an older preview still
running is cancelled at its next step) and shown in the dock; the GUI thread never waits.
The product mask is cached per document, so dragging a slider does not cut the product
out again each time. Apply runs the ``background`` plugin at full size through the job
controller and lands its layers (backdrop, shadow, product) as one undo step.

The product is the selection when there is one, else the active mask layer or the
cutout's product mask; without any the plugin cuts the product out itself.
"""

from __future__ import annotations

import copy
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from shiboken6 import isValid
from superqt.utils import create_worker

from editor.model.compositor import composite
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.convert import rgba_to_qimage
from editor.qt.features import Feature, feature
from editor.qt.panels.background import BackgroundPanel
from editor.tasks.api import Cancelled, PluginError, QuietContext, Request
from editor.tasks.chain import call_plugin, first_layer
from editor.tasks.jobs import JobState
from editor.tasks.manifest import ParamError

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow
    from editor.tasks.jobs import Job
    from editor.tasks.registry import PluginInfo

PLUGIN = "background"
#: the preview's longest side, in pixels
PREVIEW_SIDE = 512
#: how long the preview waits after the last change of a control
PREVIEW_DELAY_MS = 120


def tr(text: str) -> str:
    return QCoreApplication.translate("BackgroundFeature", text)


# -- work done on the worker thread (plain data in, plain data out) -----------------------
@dataclass
class PreviewJob:
    """Everything one preview needs, taken on the GUI thread."""

    serial: int
    plugin: PluginInfo
    params: dict[str, Any]
    layers: list[RasterLayer] | None  # None: ``image`` is the cached small composite
    size: tuple[int, int]
    image: np.ndarray | None = None
    mask: np.ndarray | None = None  # full size (selection / mask layer), or None
    cached_mask: np.ndarray | None = None  # the product found earlier, preview size


@dataclass
class PreviewOutcome:
    serial: int
    image: np.ndarray  # the preview, RGBA
    small: np.ndarray  # the composite at preview size (cached by the GUI)
    found: np.ndarray | None = None  # a product mask found by segment (cached by the GUI)
    report: dict[str, Any] = field(default_factory=dict)


class _LatestOnly(QuietContext):
    """Cancels a preview as soon as a newer one has been asked for."""

    def __init__(self, stale: Any) -> None:
        self.stale = stale

    def progress(self, fraction: float, message: str = "") -> None:
        self.check_cancelled()

    def check_cancelled(self) -> None:
        if self.stale():
            raise Cancelled()


def shrink(image: np.ndarray, side: int = PREVIEW_SIDE) -> np.ndarray:
    """``image`` (or a mask) with its longest side at most ``side``."""
    h, w = image.shape[:2]
    scale = min(1.0, side / max(h, w))
    if scale >= 1.0:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def render_preview(job: PreviewJob, stale: Any = lambda: False) -> PreviewOutcome:
    """The background plugin on a small copy of the document (worker thread)."""
    ctx = _LatestOnly(stale)
    small = job.image if job.image is not None else shrink(composite(job.layers, job.size))
    ctx.check_cancelled()
    found = None
    if job.mask is not None:
        mask = cv2.resize(job.mask, (small.shape[1], small.shape[0]),
                          interpolation=cv2.INTER_AREA)
    elif job.cached_mask is not None and job.cached_mask.shape == small.shape[:2]:
        mask = job.cached_mask
    else:
        cut = call_plugin("segment", small, {"output": "mask"}, ctx)
        layer = first_layer(cut, "mask")
        if layer is None or not (layer.data >= 128).any():  # type: ignore[operator]
            raise PluginError(tr("No product found: select it, or cut it out with the "
                                 "Cutout tool."))
        mask = found = np.asarray(layer.data)
    manifest = job.plugin.manifest
    assert manifest is not None
    scale = small.shape[1] / job.size[0]
    params = dict(job.params, layers="flat")
    params["image_blur"] = params.get("image_blur", 0.0) * scale
    values = manifest.validate(params)
    result = job.plugin.load_run()(Request(small, values, mask=mask), ctx)
    return PreviewOutcome(job.serial, result.layers[0].data, small, found, result.report)


def _frozen_rasters(doc: Document) -> list[RasterLayer]:
    out = []
    for layer in doc.layers:
        if isinstance(layer, RasterLayer) and layer.visible and layer.opacity > 0:
            twin = copy.copy(layer)
            twin.pixels = layer.pixels.copy()
            out.append(twin)
    return out


@dataclass
class _Cache:
    """What one document's previews reuse: its small composite (while the history stays
    at ``version``) and the product found in it (while its geometry stays)."""

    version: int = -1
    small: np.ndarray | None = None
    geometry: int = -1
    mask: np.ndarray | None = None


# -- the feature ----------------------------------------------------------------------------
@feature
class BackgroundFeature(Feature):
    """The Background dock, its previews and its Apply."""

    name = "background"
    order = 70

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.panel = BackgroundPanel()
        self.dock = window.add_dock("background", tr("Background"), self.panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self._doc: Document | None = None
        self._caches: weakref.WeakKeyDictionary[Document, _Cache] = weakref.WeakKeyDictionary()
        self._serial = 0
        self._running = False
        self._pending = False
        self._workers: set[Any] = set()
        self._job: Job | None = None
        #: how many times a preview had to find the product (the cache saves the rest)
        self.masks_found = 0
        self.preview_image: np.ndarray | None = None
        # owned here, not by the panel: ``busy`` must answer after the window is gone
        self._timer = QTimer(singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.preview_now)
        self.panel.changed.connect(self._timer.start)
        self.panel.apply_requested.connect(self.apply)
        window.jobs.job_finished.connect(self._job_finished)
        #: previews are computed only while the dock can be seen (not behind another tab)
        self._shown = False
        self._stale = True
        self.dock.visibilityChanged.connect(self._dock_shown)
        self.set_document(window.document)

    @property
    def busy(self) -> bool:
        """True while a preview or an Apply is under way or about to start."""
        return self._running or self._job is not None or self._timer.isActive() \
            or bool(self._workers)

    def set_document(self, doc: Document | None) -> None:
        if self._doc is not None:
            self._doc.history.changed.disconnect(self._document_changed)
        self._doc = doc
        self._serial += 1
        self.preview_image = None
        self.panel.show_preview(None)
        self.panel.apply_button.setEnabled(doc is not None)
        if doc is None:
            self.panel.show_status(tr("Open a photo to restyle its background."))
            return
        doc.history.changed.connect(self._document_changed)
        self.panel.show_status("")
        self._document_changed()

    def _plugin(self) -> PluginInfo | None:
        try:
            plugin = self.window.plugin_panel.registry.get(PLUGIN)
        except KeyError:
            self.panel.show_status(tr("The “background” plugin is not installed."))
            return None
        if plugin.broken or plugin.manifest is None:
            self.panel.show_status(tr("The background plugin cannot run: {error}").format(
                error=plugin.error))
            return None
        return plugin

    def product_mask(self, doc: Document) -> tuple[np.ndarray | None, str]:
        """The product as the user marked it: the selection, else the active mask layer or
        the cutout's product mask; (None, ...) when the plugin must find it."""
        if doc.selection is not None and doc.selection.any():
            return doc.selection, tr("the selection")
        layer = doc.active_layer
        if not isinstance(layer, MaskLayer):
            layer = next((x for x in reversed(doc.layers) if isinstance(x, MaskLayer)
                          and x.source.get("plugin") == "segment"), None)
        if isinstance(layer, MaskLayer) and layer.mask.any():
            return layer.mask, tr("the mask “{name}”").format(name=layer.name)
        return None, tr("found automatically")

    # -- preview ------------------------------------------------------------------------
    def preview_now(self) -> None:
        """Compute a preview of the current settings on a worker (a running one is
        superseded: it stops at its next step and its result is dropped)."""
        self._timer.stop()
        if not isValid(self.panel):
            return
        doc = self._doc
        plugin = self._plugin()
        if doc is None or plugin is None:
            return
        self._serial += 1
        self._stale = False
        if self._running:
            self._pending = True
            return
        self._start_preview(doc, plugin)

    def _start_preview(self, doc: Document, plugin: PluginInfo) -> None:
        self._pending = False
        cache = self._caches.setdefault(doc, _Cache())
        if cache.geometry != doc.geometry:
            cache.geometry, cache.mask = doc.geometry, None
        fresh = cache.version == doc.history.version and cache.small is not None
        mask, _ = self.product_mask(doc)
        job = PreviewJob(self._serial, plugin, self.panel.params(),
                         None if fresh else _frozen_rasters(doc), doc.size,
                         image=cache.small if fresh else None,
                         mask=None if mask is None else mask.copy(), cached_mask=cache.mask)
        serial, version, geometry = self._serial, doc.history.version, doc.geometry
        self._running = True
        worker = create_worker(render_preview, job, lambda: serial != self._serial,
                               _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(lambda out: self._previewed(doc, version, geometry, out))
        worker.errored.connect(lambda exc: self._preview_failed(serial, exc))
        worker.finished.connect(lambda: self._preview_finished(worker))
        worker.start()

    def _previewed(self, doc: Document, version: int, geometry: int,
                   outcome: PreviewOutcome) -> None:
        if not isValid(self.panel):
            return
        cache = self._caches.setdefault(doc, _Cache())
        if doc.history.version == version:
            cache.version, cache.small = version, outcome.small
        if outcome.found is not None and doc.geometry == geometry:
            cache.geometry, cache.mask = geometry, outcome.found
            self.masks_found += 1
        if outcome.serial != self._serial or doc is not self._doc:
            return  # newer settings (or another photo) came meanwhile
        self.preview_image = outcome.image
        self.panel.show_preview(rgba_to_qimage(outcome.image))
        note = outcome.report.get("note")
        self.panel.show_status(str(note) if note else "")

    def _preview_failed(self, serial: int, exc: BaseException) -> None:
        if isinstance(exc, Cancelled) or serial != self._serial or not isValid(self.panel):
            return
        self.panel.show_preview(None)
        self.panel.show_status(tr("No preview: {error}").format(error=exc))

    def _preview_finished(self, worker: Any) -> None:
        self._workers.discard(worker)
        self._running = False
        if self._pending and self._doc is not None and isValid(self.panel):
            plugin = self._plugin()
            if plugin is not None:
                self._start_preview(self._doc, plugin)

    def _document_changed(self) -> None:
        self._stale = True
        if self._shown and isValid(self.dock):
            self._timer.start()

    def _dock_shown(self, visible: bool) -> None:
        self._shown = visible
        if visible and self._stale and self._doc is not None:
            self._timer.start()

    # -- apply ----------------------------------------------------------------------------
    def apply(self) -> None:
        """Run the plugin at full size as a job; its layers land as one undo step."""
        doc = self._doc
        plugin = self._plugin()
        if doc is None or plugin is None or self._job is not None:
            return
        mask, source = self.product_mask(doc)
        params = dict(self.panel.params(), layers="stack")
        device = self.window.plugin_panel.device_combo.currentData() or "auto"
        try:
            self._job = self.window.jobs.submit(doc, plugin, params, device=device,
                                                mask=None if mask is None else mask.copy())
        except (ValueError, ParamError, PluginError) as exc:
            self.panel.show_status(tr("Cannot apply: {error}").format(error=exc))
            return
        self.panel.set_applying(True)
        self.panel.show_status(tr("Applying; the product is {source}.").format(source=source))

    def _job_finished(self, job: Job) -> None:
        if job is not self._job:
            return
        self._job = None
        if not isValid(self.panel):
            return
        self.panel.set_applying(False)
        if job.state is JobState.DONE:
            self.panel.show_status(tr("Applied: hide or edit the Shadow layer in Layers."))
        elif job.state is JobState.FAILED:
            self.panel.show_status(tr("Apply failed: {error}").format(error=job.error))
        else:
            self.panel.show_status(tr("Apply cancelled."))
