"""Seeing and exporting a cutout the way Photoroom and remove.bg show it.

When a cutout lands (the ``segment`` plugin's *Cutout* layer), the photo under it and the
product mask are hidden, so the product shows on the checkerboard instead of red-tinted
over the untouched photo. Hiding is looking, not editing: no undo step, and the eye icons
bring them back. **File → Export Cutout…** writes the product alone as a PNG with
transparency, **File → Export on White…** flattens it on pure white (a marketplace main
image), each in one step and on a worker thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog
from superqt.utils import create_worker

from editor.model.commands import set_visibility
from editor.model.compositor import composite
from editor.model.imageio import flatten, save_image
from editor.model.layers import Layer, MaskLayer, RasterLayer
from editor.qt.features import Feature, feature
from editor.tasks.jobs import Job, JobState

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow

PLUGIN = "segment"
CUTOUT_NAME = "Cutout"
WHITE = (255, 255, 255)


def tr(text: str) -> str:
    return QCoreApplication.translate("CutoutView", text)


def cutout_layer(doc: Document) -> RasterLayer | None:
    """The top-most cutout the segment plugin made, or None."""
    for layer in reversed(doc.layers):
        if isinstance(layer, RasterLayer) and layer.source.get("plugin") == PLUGIN \
                and layer.name.startswith(CUTOUT_NAME):
            return layer
    return None


def product_mask(doc: Document) -> MaskLayer | None:
    """The top-most product mask the segment plugin made, or None."""
    for layer in reversed(doc.layers):
        if isinstance(layer, MaskLayer) and layer.source.get("plugin") == PLUGIN:
            return layer
    return None


def cutout_pixels(doc: Document) -> np.ndarray | None:
    """The product alone, RGBA with its soft alpha: the cutout layer, else the visible
    photo cut by the product mask; None when there is neither."""
    layer = cutout_layer(doc)
    if layer is not None:
        return layer.pixels.copy()
    mask = product_mask(doc)
    if mask is None:
        return None
    rasters = [la for la in doc.layers if isinstance(la, RasterLayer) and la.visible]
    out = composite(rasters, doc.size)
    out[..., 3] = (out[..., 3].astype(np.uint16) * mask.mask // 255).astype(np.uint8)
    return out


def show_on_transparency(doc: Document, cutout: Layer) -> list[Layer]:
    """Hide what covers the view of ``cutout``: the layers under it that are not shadows
    of it (the photo) and the product masks. Returns the layers hidden."""
    hidden = []
    index = doc.index_of(cutout.id)
    for position, layer in enumerate(doc.layers):
        if layer is cutout or not layer.visible:
            continue
        is_mask = isinstance(layer, MaskLayer) and layer.source.get("plugin") == PLUGIN
        is_photo_below = (position < index and isinstance(layer, RasterLayer)
                          and layer.source.get("plugin") != PLUGIN)
        if is_mask or is_photo_below:
            set_visibility(doc, layer, False)
            hidden.append(layer)
    doc.set_active(cutout)
    return hidden


def write_cutout(pixels: np.ndarray, path: Path, on_white: bool) -> Path:
    """Save the product (PNG keeps alpha) or the product flattened on white."""
    if on_white:
        flat = flatten(pixels, WHITE)
        pixels = np.dstack([flat, np.full(flat.shape[:2], 255, np.uint8)])
    save_image(path, pixels, background=WHITE)
    return path


@feature
class CutoutViewFeature(Feature):
    """Shows a fresh cutout on transparency; File → Export Cutout / Export on White."""

    name = "cutout-view"
    order = 45

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._doc: Document | None = None
        self._workers: set[Any] = set()
        window.jobs.job_finished.connect(self._job_finished)
        menu = window.menu(QCoreApplication.translate("MainWindow", "&File"))
        self.export_cutout = QAction(tr("Export &Cutout…"), window)
        self.export_cutout.setToolTip(tr("Save the product alone as a PNG with transparency"))
        self.export_cutout.triggered.connect(lambda: self.export(on_white=False))
        self.export_white = QAction(tr("Export on &White…"), window)
        self.export_white.setToolTip(tr("Save the product on pure white, as a marketplace "
                                        "main image wants it"))
        self.export_white.triggered.connect(lambda: self.export(on_white=True))
        anchor = window.actions_.export
        actions = menu.actions()
        after = actions[actions.index(anchor) + 1] if anchor in actions[:-1] else None
        for action in (self.export_cutout, self.export_white):
            if after is not None:
                menu.insertAction(after, action)
            else:
                menu.addAction(action)
        self.set_document(window.document)

    def set_document(self, doc: Document | None) -> None:
        self._doc = doc
        for action in (self.export_cutout, self.export_white):
            action.setEnabled(doc is not None)

    def _job_finished(self, job: Job) -> None:
        doc = self._doc
        if doc is None or job.state is not JobState.DONE or job.plugin.id != PLUGIN:
            return
        layer = cutout_layer(doc)
        if layer is None or not layer.visible:
            return
        if show_on_transparency(doc, layer):
            self.window.notifications.show_message(tr(
                "Showing the cutout on transparency (the photo and mask are hidden). "
                "File → Export Cutout… saves it."),
                "info")

    # -- export -------------------------------------------------------------------------
    def ask_path(self, on_white: bool) -> Path | None:
        """Ask where to save (tests replace this)."""
        doc = self._doc
        stem = doc.path.stem if doc is not None and doc.path is not None else "product"
        suggested = f"{stem}-white.jpg" if on_white else f"{stem}-cutout.png"
        filters = (tr("JPEG (*.jpg);;PNG (*.png)") if on_white else tr("PNG (*.png)"))
        name, _ = QFileDialog.getSaveFileName(
            self.window, tr("Export on White") if on_white else tr("Export Cutout"),
            suggested, filters)
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".jpg" if on_white else ".png")

    def export(self, on_white: bool) -> None:
        doc = self._doc
        if doc is None:
            return
        pixels = cutout_pixels(doc)
        if pixels is None:
            self.window.notifications.show_message(tr(
                "There is no cutout yet: run Cut out product (or the Cutout tool, K) first."),
                "warning")
            return
        path = self.ask_path(on_white)
        if path is None:
            return
        worker = create_worker(write_cutout, pixels, path, on_white, _start_thread=False,
                               _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(lambda saved: self.window.statusBar().showMessage(
            tr("Exported {name}").format(name=saved.name), 4000))
        worker.errored.connect(lambda exc: self.window.notifications.show_message(
            f"{path}: {exc}", "error"))
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()
