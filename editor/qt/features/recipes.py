"""Recipes in the editor: File → "Save as recipe…" records the AI layers of the open
document (each knows its plugin, version and params) as a recipe; File → "Run recipe on
folder…" replays a recipe over a folder of photos in a window that lists each photo's
state, the ETA and the failures with their reason, and can cancel.

The batch runs on a worker thread on the in-process local engine
(:func:`editor.batch.run_batch`); only plain data (outcomes) comes back, through queued
signals, so the UI thread never waits on a model or a file scan.
"""

from __future__ import annotations

import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QFileDialog
from shiboken6 import isValid
from superqt.utils import create_worker

from editor.batch import BatchError, BatchOptions, BatchResult, RecipeError, load_recipe
from editor.batch.engine import run_batch
from editor.batch.recipe import recipe_from_layers, recipe_toml
from editor.model.atomic import OutputError, atomic_write
from editor.qt.features import Feature, feature
from editor.qt.panels.recipes import RecipeRunDialog
from editor.tasks.registry import Registry

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("Recipes", text)


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the calls to the GUI thread."""

    planned = Signal(object)  # list of input paths
    started = Signal(int)  # index of the photo starting
    done = Signal(object)  # a FileOutcome


class _OnClose(QObject):
    """Calls ``callback`` when the watched window is closing (and lets it close)."""

    def __init__(self, callback: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Close:
            self._callback()
        return False


def run_folder(recipe_path: str, folder: str, outdir: str, keep_steps: bool, relay: _Relay,
               cancel: threading.Event) -> BatchResult:
    """On the worker thread: check the recipe, find the photos, run the batch."""
    from editor.cli.common import UsageError, refuse_outdir_inside_inputs
    from editor.model.imageio import ImageFileError, iter_image_files

    recipe = load_recipe(recipe_path, Registry.discover())
    try:
        refuse_outdir_inside_inputs(Path(outdir), [Path(folder)])
        files = iter_image_files([folder])
    except (UsageError, ImageFileError) as exc:
        raise BatchError(str(exc)) from None
    if not files:
        raise BatchError(tr("{folder}: no photos in this folder").format(folder=folder))
    relay.planned.emit([str(f) for f in files])
    return run_batch(recipe, files, BatchOptions(Path(outdir), keep_steps=keep_steps),
                     on_start=lambda item: relay.started.emit(item.index),
                     on_done=relay.done.emit, cancel=cancel)


@feature
class RecipesFeature(Feature):
    """File → Save as recipe… and Run recipe on folder…"""

    name = "recipes"
    order = 80

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._doc: Document | None = None
        self._worker: Any = None
        self._cancel = threading.Event()
        self.dialog: RecipeRunDialog | None = None
        menu = window.menu(window.tr("&File"))
        menu.addSeparator()
        self.save_action = menu.addAction(tr("Save as Recipe…"))
        self.save_action.setStatusTip(tr("Record the AI layers of this photo as a recipe to "
                                         "replay on other photos"))
        self.save_action.triggered.connect(self._save_pressed)
        self.save_action.setEnabled(False)
        self.run_action = menu.addAction(tr("Run Recipe on Folder…"))
        self.run_action.triggered.connect(self.show_run_dialog)
        # closing the editor stops a running batch at its next photo or tile, so the
        # window's wait for background work ends soon (a rerun resumes)
        self._close_watch = _OnClose(self.cancel, window)
        window.installEventFilter(self._close_watch)

    def set_document(self, doc: Document | None) -> None:
        self._doc = doc
        self.save_action.setEnabled(doc is not None)

    # -- saving ---------------------------------------------------------------------------------
    def _save_pressed(self) -> None:
        if self._doc is None:
            return
        stem = self._doc.path.stem if self._doc.path else "recipe"
        path, _ = QFileDialog.getSaveFileName(self.window, tr("Save as recipe"),
                                              f"{stem}-recipe.toml", tr("Recipes (*.toml)"))
        if path:
            self.save_recipe(Path(path))

    def save_recipe(self, path: Path) -> bool:
        """Write the open document's AI layers as a recipe at ``path``; says why not."""
        notify = self.window.notifications.show_message
        if self._doc is None:
            return False
        name = self._doc.path.stem if self._doc.path else path.stem
        try:
            recipe = recipe_from_layers(self._doc.layers, Registry.discover(), name)
            with atomic_write(path, "w") as fh:
                fh.write(recipe_toml(recipe))
        except (RecipeError, OutputError, OSError) as exc:
            notify(tr("Could not save the recipe: {error}").format(error=exc), "error")
            return False
        notify(tr("Saved the recipe {name} ({count} steps).").format(
            name=path.name, count=len(recipe.steps)), "info")
        return True

    # -- running ----------------------------------------------------------------------------------
    def show_run_dialog(self) -> RecipeRunDialog:
        if self.dialog is None or not isValid(self.dialog):
            self.dialog = RecipeRunDialog(self.window)
            self.dialog.run_requested.connect(self.run)
            self.dialog.cancel_requested.connect(self.cancel)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def run(self, recipe: str, folder: str, outdir: str, keep_steps: bool) -> None:
        """Start the batch on a worker thread (one at a time)."""
        dialog = self.show_run_dialog()
        if self._worker is not None:
            return
        self._cancel = threading.Event()
        relay = _Relay(dialog)
        relay.planned.connect(dialog.show_planned)
        relay.started.connect(dialog.show_started)
        relay.done.connect(dialog.show_done)
        dialog.show_starting()
        worker = create_worker(run_folder, recipe, folder, outdir, keep_steps, relay,
                               self._cancel, _start_thread=False, _ignore_errors=True)
        self._worker = worker
        worker.returned.connect(lambda result: self._finished(dialog, result))
        worker.errored.connect(lambda exc: self._failed(dialog, exc))
        worker.finished.connect(self._worker_done)
        worker.start()

    def cancel(self) -> None:
        """Stop after the photo being processed; the finished ones stay."""
        self._cancel.set()

    def _worker_done(self) -> None:
        self._worker = None

    def _finished(self, dialog: RecipeRunDialog, result: BatchResult) -> None:
        if not isValid(dialog):
            return
        dialog.show_finished(result.count("ok"), result.count("failed"),
                             result.count("skipped"), result.count("cancelled"))

    def _failed(self, dialog: RecipeRunDialog, exc: BaseException) -> None:
        if isinstance(exc, RecipeError | BatchError):
            message = str(exc)
            details = None
        else:
            message = tr("The batch stopped: {error}").format(error=exc)
            details = "".join(traceback.format_exception(exc))
        if isValid(dialog):
            dialog.show_error(message)
        self.window.notifications.show_message(message, "error", details)
