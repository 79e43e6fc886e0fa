"""Cutout: runs the ``segment`` plugin for the Cutout tool's box and clicks, cuts the
product out with a mask, and saves corrected masks as training pairs.

The tool (:mod:`editor.qt.tools.cutout`) collects prompts; this feature turns them into
jobs on the :class:`~editor.qt.jobs.JobController` (never on the GUI thread). The first
job of a product adds its "Product mask" layer; later ones write over that layer (one
undo step each). A click made while a job runs is not lost: the latest prompts run as soon
as the job before them has landed.

Mask → Save as Training Pair… writes the photo and the mask the user corrected into a
folder in the layout ``lightbox train segment DIR`` reads (``images/NAME.png`` +
``masks/NAME.png``), atomically, never over an existing pair.
"""

from __future__ import annotations

import copy
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog
from superqt.utils import create_worker

from editor.model.atomic import OutputError
from editor.model.commands import AddLayer
from editor.model.compositor import composite
from editor.model.imageio import ImageFileError, save_image, save_mask
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.features import Feature, feature
from editor.qt.tools.cutout import PLUGIN, CutoutTool, is_product_mask
from editor.tasks.api import PluginError, Prompt
from editor.tasks.jobs import JobState

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow
    from editor.tasks.jobs import Job


def tr(text: str) -> str:
    return QCoreApplication.translate("CutoutFeature", text)


def pair_name(folder: Path, stem: str) -> str:
    """A name for a new pair in ``folder`` that no image or mask there has yet (any
    suffix): ``stem``, else ``stem-2``, ``stem-3``, ..."""
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._") or "untitled"
    taken = {p.stem for sub in ("images", "masks") if (folder / sub).is_dir()
             for p in (folder / sub).iterdir()}
    name, n = stem, 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}"
    return name


def write_training_pair(folder: Path, stem: str, layers: list[RasterLayer],
                        size: tuple[int, int], mask: np.ndarray) -> tuple[Path, Path]:
    """Write the composite of ``layers`` and ``mask`` as ``images/NAME.png`` and
    ``masks/NAME.png`` under ``folder`` (worker thread); returns both paths.

    The mask is written first and removed again if the image fails, so a failure never
    leaves half a pair that the training scan would complain about."""
    folder = Path(folder)
    for sub in ("images", "masks"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    name = pair_name(folder, stem)
    image_path = folder / "images" / f"{name}.png"
    mask_path = folder / "masks" / f"{name}.png"
    image = composite(layers, size)
    save_mask(mask_path, mask)
    try:
        save_image(image_path, image)
    except Exception:
        mask_path.unlink(missing_ok=True)
        raise
    return image_path, mask_path


def cut_out(layers: list[RasterLayer], size: tuple[int, int], mask: np.ndarray) -> np.ndarray:
    """The composite of ``layers`` with its alpha multiplied by ``mask`` (worker thread)."""
    image = composite(layers, size)
    alpha = image[..., 3].astype(np.uint16) * mask
    image[..., 3] = ((alpha + 127) // 255).astype(np.uint8)
    return image


def _visible_rasters(doc: Document) -> list[RasterLayer]:
    """Frozen copies of the raster layers the composite is made of (GUI thread)."""
    out = []
    for layer in doc.layers:
        if isinstance(layer, RasterLayer) and layer.visible and layer.opacity > 0:
            twin = copy.copy(layer)
            twin.pixels = layer.pixels.copy()  # the user may paint on while it is written
            out.append(twin)
    return out


@feature
class CutoutFeature(Feature):
    """The Cutout tool's jobs, and the Mask menu's cutout and training-pair commands."""

    name = "cutout"
    order = 40

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._doc: Document | None = None
        self._job: Job | None = None
        self._waiting = False  # prompts came in while a job ran
        self._workers: set[Any] = set()
        self.folder: Path | None = None  # last training-pair folder this session
        tool = window.canvas.tool_instance("cutout")
        assert isinstance(tool, CutoutTool)
        self.tool = tool
        tool.runner = self.run_prompts
        window.jobs.job_finished.connect(self._job_finished)
        self.actions: dict[str, QAction] = {}
        menu = window.menu(QCoreApplication.translate("MaskFeature", "&Mask"))
        menu.addSeparator()
        for key, text, slot in (
            ("cut_out", tr("Cut &Out with Mask"), self.cut_out_with_mask),
            ("save_pair", tr("Save as &Training Pair…"), self.save_training_pair),
        ):
            action = QAction(text, window)
            action.triggered.connect(lambda _=False, s=slot: s())
            menu.addAction(action)
            self.actions[key] = action
        self.actions["cut_out"].setToolTip(tr("A new layer: the photo, transparent outside "
                                              "the active mask"))
        self.actions["save_pair"].setToolTip(tr("Save the photo and the active mask as an "
                                                "example for training the cutout model"))
        self.set_document(window.document)

    def set_document(self, doc: Document | None) -> None:
        self._doc = doc
        self.tool.new_product()
        self._waiting = False
        for action in self.actions.values():
            action.setEnabled(doc is not None)

    def _tell(self, text: str, level: str = "info", details: str | None = None) -> None:
        self.window.notifications.show_message(text, level, details)

    # -- prompts ------------------------------------------------------------------------
    def run_prompts(self, prompts: list[Prompt], target: MaskLayer | None) -> None:
        """Run the segment plugin with ``prompts``; write over ``target`` when given."""
        doc = self._doc
        if doc is None or not prompts:
            return
        if self._job is not None:
            self._waiting = True  # the latest prompts run when this job has landed
            return
        try:
            plugin = self.window.plugin_panel.registry.get(PLUGIN)
        except KeyError:
            self._tell(tr("Cutout needs the “segment” plugin, which is not installed."),
                       "error")
            return
        manifest = plugin.manifest
        if plugin.broken or manifest is None:
            self._tell(tr("Cutout cannot run: {error}").format(error=plugin.error), "error")
            return
        names = {param.name for param in manifest.params}
        wanted = {"output": "mask", "edges": self.tool.snap}
        params = {key: value for key, value in wanted.items() if key in names}
        device = self.window.plugin_panel.device_combo.currentData() or "auto"
        try:
            self._job = self.window.jobs.submit(
                doc, plugin, params, device=device, prompts=prompts,
                targets={"mask": target} if target is not None else None)
        except (ValueError, PluginError) as exc:
            self._tell(tr("Cutout: {error}").format(error=exc), "error")

    def _job_finished(self, job: Job) -> None:
        if job is not self._job:
            return
        self._job = None
        doc = self._doc
        if job.state is JobState.DONE and doc is not None and self.tool.session is None:
            layer = doc.active_layer
            if is_product_mask(layer):
                self.tool.adopt(layer)  # type: ignore[arg-type]
        if self._waiting:
            self._waiting = False
            if job.state is JobState.DONE:
                self.run_prompts(list(self.tool.prompts), self.tool.session)

    # -- mask commands ------------------------------------------------------------------
    def _mask(self, title: str) -> MaskLayer | None:
        """The active mask layer, else the top product mask; None (and a message) if the
        document has no such mask or it is empty."""
        doc = self._doc
        if doc is None:
            return None
        layer = doc.active_layer
        if not isinstance(layer, MaskLayer):
            layer = next((x for x in reversed(doc.layers) if is_product_mask(x)), None)
        if layer is None:
            self._tell(tr("{title} needs a mask: pick the product with the Cutout tool or "
                          "choose a mask layer.").format(title=title), "warning")
            return None
        if not layer.mask.any():
            self._tell(tr("The mask “{name}” is empty.").format(name=layer.name), "warning")
            return None
        return layer

    def cut_out_with_mask(self) -> None:
        """Add a "Cutout" layer: the visible image, transparent outside the mask."""
        doc = self._doc
        layer = self._mask(tr("Cut Out with Mask"))
        if doc is None or layer is None:
            return
        geometry = doc.geometry

        def done(pixels: np.ndarray) -> None:
            if self._doc is not doc or doc.geometry != geometry:
                return  # the document changed shape or closed meanwhile
            doc.history.push(AddLayer(RasterLayer(tr("Cutout"), pixels),
                                      text=tr("Cut out with mask")))

        self._in_background(cut_out, (_visible_rasters(doc), doc.size, layer.mask.copy()),
                            done, tr("Cut Out with Mask"))

    def ask_folder(self) -> Path | None:
        """Ask for the training-pair folder; None when cancelled (tests replace this)."""
        start = str(self.folder) if self.folder else ""
        name = QFileDialog.getExistingDirectory(self.window, tr("Save Training Pair To"),
                                                start)
        return Path(name) if name else None

    def save_training_pair(self) -> None:
        """Write the photo and the active mask into a chosen pairs folder (worker)."""
        doc = self._doc
        layer = self._mask(tr("Save as Training Pair"))
        if doc is None or layer is None:
            return
        folder = self.ask_folder()
        if folder is None:
            return
        self.folder = folder
        stem = doc.path.stem if doc.path is not None else "untitled"

        def done(paths: tuple[Path, Path]) -> None:
            image, _mask = paths
            self._tell(tr("Saved the training pair “{name}” in {folder}; train with: "
                          "lightbox train segment {folder}").format(name=image.stem,
                                                                    folder=folder))

        self._in_background(write_training_pair,
                            (folder, stem, _visible_rasters(doc), doc.size, layer.mask.copy()),
                            done, tr("Save as Training Pair"))

    def _in_background(self, func: Any, args: tuple, done: Any, title: str) -> None:
        worker = create_worker(func, *args, _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(done)
        worker.errored.connect(lambda exc: self._failed(title, exc))
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()

    def _failed(self, title: str, exc: BaseException) -> None:
        if isinstance(exc, ImageFileError | OutputError | OSError):
            self._tell(f"{title}: {exc}", "error")
        else:
            self._tell(tr("{title}: unexpected error ({error})").format(title=title, error=exc),
                       "error", "".join(traceback.format_exception(exc)))

    @property
    def busy(self) -> bool:
        """True while a cutout, save or prompt job is still under way."""
        return self._job is not None or bool(self._workers)
