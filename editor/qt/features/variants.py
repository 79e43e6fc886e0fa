"""Listing variants in the editor: the Variants dock runs the ``variants`` plugin on the
photo and shows the set as a grid of thumbnails; each can be opened as its own document,
or the whole set exported to a folder (``<folder>/<stem>/<variant>.png`` +
``variants.json``, as ``lightbox run`` writes it).

The product is the selection, else the newest cutout mask layer, else the plugin cuts it
out itself. A mask layer named ``protect`` keeps its parts out of a colourway.

The plugin runs as a :class:`~editor.tasks.jobs.Job` on a worker thread (compositing the
snapshot, the run and the thumbnails all happen there); progress comes back through a
queued signal and Cancel stops it at its next progress report. Nothing is added to the
document: variants are new pictures, not layers of this one.
"""

from __future__ import annotations

import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog
from shiboken6 import isValid
from superqt.utils import create_worker

from editor.model.compositor import composite
from editor.model.imageio import save_image, save_mask
from editor.model.layers import MaskLayer
from editor.qt.features import Feature, feature
from editor.qt.panels.variants import VariantsPanel, thumbnail
from editor.qt.tools.cutout import is_product_mask
from editor.tasks.api import Request, Result
from editor.tasks.jobs import Job, JobState
from editor.tasks.manifest import ParamError
from editor.tasks.outputs import write_result

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow

PLUGIN = "variants"
PROTECT_NAME = "protect"


def tr(text: str) -> str:
    return QCoreApplication.translate("Variants", text)


@dataclass(frozen=True)
class Outcome:
    """A finished run, as plain data: the result and the grid's thumbnails."""

    state: JobState
    error: str
    result: Result | None
    thumbs: list[np.ndarray]


class _Relay(QObject):
    """Carries a job's progress from the worker thread to the GUI thread (queued)."""

    progress = Signal(float, str)


def request_builder(snapshot: Document, params: dict[str, Any], scratch: Path
                    ) -> Any:
    """A function building the request on the worker thread: the composite, the product
    mask and, from a mask layer named ``protect``, the protect file."""

    def build() -> Request:
        image = composite(snapshot.layers, snapshot.size)
        mask = snapshot.selection
        if mask is None:
            cutouts = [la for la in snapshot.layers if is_product_mask(la) and la.visible]
            mask = cutouts[-1].mask if cutouts else None
        values = dict(params)
        protect = [la for la in snapshot.layers
                   if isinstance(la, MaskLayer) and la.name.strip().lower() == PROTECT_NAME]
        if protect and values.get("kind") == "colourway":
            path = scratch / "protect.png"
            save_mask(path, protect[-1].mask)
            values["protect"] = str(path)
        return Request(image, values, mask=mask)

    return build


def run_job(job: Job, relay: _Relay) -> Outcome:
    """Run ``job`` here (the worker thread); thumbnails of what it made."""
    job.run(on_update=lambda j: relay.progress.emit(float(j.progress), j.message))
    result = job.result if job.state is JobState.DONE else None
    thumbs = [thumbnail(layer.data) for layer in result.layers  # type: ignore[arg-type]
              if layer.kind == "raster"] if result else []
    return Outcome(job.state, job.error, result, thumbs)


@feature
class VariantsFeature(Feature):
    """The Variants dock and the runs behind it."""

    name = "variants"
    order = 70

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.panel = VariantsPanel()
        self.dock = window.add_dock("variants", tr("Variants"), self.panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self._doc: Document | None = None
        self._job: Job | None = None
        self._workers: set[Any] = set()
        self._scratch = tempfile.TemporaryDirectory(prefix="lightbox-variants-")
        self.result: Result | None = None
        self._stem = "untitled"
        self._relay = _Relay()
        self._relay.progress.connect(self.panel.set_progress)
        self.panel.run_requested.connect(self.make)
        self.panel.cancel_requested.connect(self.cancel)
        self.panel.open_requested.connect(self.open_variant)
        self.panel.export_requested.connect(self.export)

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    def set_document(self, doc: Document | None) -> None:
        self._doc = doc
        if doc is None:
            self.panel.show_message(tr("Open a product photo to make its variants."))

    # -- making a set -----------------------------------------------------------------------
    def make(self, kind: str, field: str, text: str) -> None:
        """Start a run of ``kind`` with ``field`` = ``text`` (empty: the param's default)."""
        doc = self._doc
        if doc is None or self._job is not None:
            return
        try:
            plugin = self.window.plugin_panel.registry.get(PLUGIN)
            assert plugin.manifest is not None
            params = plugin.manifest.validate({"kind": kind, **({field: text} if text else {})})
        except (KeyError, AssertionError, ParamError) as exc:
            self.panel.show_message(str(exc))
            return
        self._stem = doc.path.stem if doc.path else "untitled"
        job = Job(plugin, request_builder(doc.snapshot(), params, Path(self._scratch.name)),
                  title=tr("Variants"))
        self._job = job
        self.panel.set_running(True)
        self.panel.show_message(tr("Making variants…"))
        self._start(run_job, (job, self._relay), self._made)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.panel.show_message(tr("Cancelling…"))

    def _made(self, outcome: Outcome) -> None:
        self._job = None
        if not isValid(self.panel):
            return
        self.panel.set_running(False)
        if outcome.state is JobState.CANCELLED:
            self.panel.show_message(tr("Cancelled."))
            return
        if outcome.result is None:
            self.panel.show_message(tr("The variants could not be made: {error}").format(
                error=outcome.error))
            return
        self.result = outcome.result
        names = [layer.role for layer in outcome.result.layers]
        self.panel.set_variants(names, outcome.thumbs)
        self.panel.show_message(tr("{n} variants. Double-click one to open it.").format(
            n=len(names)))

    # -- opening and exporting ------------------------------------------------------------
    def open_variant(self, row: int) -> None:
        """Open variant ``row`` as its own document (the window asks to save changes)."""
        if self.result is None or not 0 <= row < len(self.result.layers):
            return
        layer = self.result.layers[row]
        path = Path(self._scratch.name) / f"{self._stem}-{layer.role}.png"
        self._start(save_image, (path, layer.data), lambda _: self.window.open_path(path))

    def export(self) -> None:
        """Write the whole set to a folder the user picks."""
        if self.result is None:
            return
        folder = self.ask_folder()
        if folder is None:
            return
        result, stem = self.result, self._stem
        self._start(write_result, (result, folder, stem, set()), lambda paths: (
            self.panel.show_message(tr("Exported {n} files to {folder}").format(
                n=len(paths), folder=folder / stem))))

    def ask_folder(self) -> Path | None:
        """Where to export (tests replace this)."""
        chosen = QFileDialog.getExistingDirectory(self.panel, tr("Export variants to"))
        return Path(chosen) if chosen else None

    # -- workers ----------------------------------------------------------------------------
    def _start(self, func: Any, args: tuple, done: Any) -> None:
        worker = create_worker(func, *args, _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(done)
        worker.errored.connect(self._failed)
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        details = "".join(traceback.format_exception(exc))
        self.window.notifications.show_message(
            tr("Variants: {error}").format(error=str(exc) or type(exc).__name__), "error",
            details)
        if isValid(self.panel):
            self.panel.set_running(False)
