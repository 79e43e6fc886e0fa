"""The Catalogue dock: search a folder of product photos for the ones most like the open
photo, tag photos with the classifier, and clear out duplicates.

Choosing a folder indexes it (:mod:`plugins.similar.index`, incremental: a second time only
new or changed photos are embedded) into the per-user data folder, on a worker thread with
progress. With an index ready, every document shown gets its most similar catalogue photos
as a thumbnail grid (click one to open it) and its predicted tags (:mod:`plugins.classify`,
also shown in the status bar). "Tag a folder…" writes a ``predictions.csv`` for a whole
folder; "Find duplicates" groups near-copies in the catalogue, best first, and "Keep the
best" moves the other copies to the trash. The GUI thread never waits on any of it; a
result for a document no longer shown is dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QFile, QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog
from shiboken6 import isValid
from superqt.utils import create_worker

from editor.model.atomic import atomic_write
from editor.model.compositor import composite
from editor.model.imageio import flatten, iter_image_files
from editor.paths import user_data_dir
from editor.qt.actions import settings
from editor.qt.features import Feature, feature
from editor.qt.panels.catalogue import THUMB, CataloguePanel

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow

_FOLDER_KEY = "catalogue/folder"
MATCHES = 12


def tr(text: str) -> str:
    return QCoreApplication.translate("Catalogue", text)


def index_path_for(folder: Path) -> Path:
    """Where the index of ``folder`` is kept (one per folder, in the user data folder)."""
    key = hashlib.blake2b(str(folder.resolve()).encode(), digest_size=8).hexdigest()
    path = user_data_dir() / "catalogues" / f"{key}.idx"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# -- work done on worker threads (plain data in, plain data out) ------------------------------
def index_folder(folder: Path, rebuild: bool, progress: Any) -> tuple[Any, Any]:
    """(index, stats) of ``folder``, updated from its saved index unless ``rebuild``;
    IndexFileError (offering a rebuild) when the saved one cannot be read."""
    from plugins.similar.embed import embedding_for
    from plugins.similar.index import CatalogueIndex, update_index

    path = index_path_for(folder)
    old = CatalogueIndex.load(path) if path.exists() and not rebuild else None
    index, stats = update_index(old, [folder], embedding_for(), progress=progress)
    index.save(path)
    return index, stats


def _thumb(path: str) -> np.ndarray:
    import cv2

    from editor.training.features import load_rgb

    try:
        rgb = load_rgb(path)
    except Exception:  # a file gone or damaged since indexing: a grey tile
        return np.full((THUMB, THUMB, 3), 128, np.uint8)
    scale = THUMB / max(rgb.shape[:2])
    size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def describe_photo(snapshot: Document, index: Any) -> tuple[dict | str | None, list]:
    """(tags report, or why there are none; [(path, score, thumbnail)]) of a document."""
    from editor.training.features import shared_embedder
    from editor.training.store import model_for
    from plugins.classify.model import cached_classifier
    from plugins.similar.index import embedding_of

    rgb = flatten(composite(snapshot.layers, snapshot.size), (255, 255, 255))
    features = shared_embedder("cpu")([rgb])
    tags: dict | str | None = None
    model = model_for("classify")
    if model is not None:
        try:
            classifier = cached_classifier(model)
            # its own path: a fine-tuned classifier reads more than the shared features
            tags = classifier.describe(classifier.classify([rgb])[0])
        except Exception as exc:  # a damaged model must not stop the search
            tags = str(exc)
    matches: list = []
    if index is not None:
        embedding = embedding_of(index, "catalogue index")
        matches = [(p, s, _thumb(p)) for p, s in index.search(embedding(features), MATCHES)[0]]
    return tags, matches


def tag_folder(folder: Path, target: Path, progress: Any) -> tuple[int, int, list]:
    """Classify every photo in ``folder`` into the CSV ``target``; (tagged, flagged for
    review, unreadable (path, reason))."""
    from editor.training.store import model_for
    from plugins.classify.model import cached_classifier

    model = model_for("classify")
    if model is None:
        raise ValueError(tr("no classifier: train one with Tools → Train… (classify)"))
    classifier = cached_classifier(model)
    cache = classifier.feature_cache()  # what the classifier itself reads, cached per file
    found = cache.features(iter_image_files([folder]), progress=progress)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "label", "score", "coarse", "top5", "review"])
    flagged = 0
    for path, feats in zip(found.paths, found.features, strict=True):
        r = classifier.describe(classifier.predict(feats[:1])[0])
        review = r["score"] < 0.5
        flagged += review
        writer.writerow([path, r["label"], r["score"], r["coarse"],
                         ";".join(f"{t['label']}:{t['score']:.3f}" for t in r["top5"]),
                         "yes" if review else ""])
    with atomic_write(target, "w") as fh:
        fh.write(buffer.getvalue())
    return len(found.paths), flagged, found.problems


def duplicate_groups(folder: Path, progress: Any) -> list[list[str]]:
    """Groups of copies in ``folder``, each with its best copy first."""
    from plugins.similar.duplicates import best_of, find_duplicates

    groups, _ = find_duplicates(iter_image_files([folder]), progress=progress)
    out = []
    for group in groups:
        best = best_of(group)
        out.append([str(best)] + [str(p) for p in group if p != best])
    return out


def _to_trash(path: str) -> bool:
    result = QFile.moveToTrash(path)  # a bool, or (bool, path in the trash), by version
    return bool(result[0] if isinstance(result, tuple) else result)


class _Relay(QObject):
    """Carries progress from a worker thread to the GUI thread (a queued signal)."""

    progress = Signal(float, str)


# -- the feature ----------------------------------------------------------------------------
@feature
class CatalogueFeature(Feature):
    """The Catalogue dock and the indexing, matching, tagging and duplicates behind it."""

    name = "catalogue"
    order = 70

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.panel = CataloguePanel()
        self.dock = window.add_dock("catalogue", tr("Catalogue"), self.panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.folder: Path | None = None
        self.index: Any = None
        self._doc: Document | None = None
        self._serial = 0
        self._workers: set[Any] = set()
        self._relay = _Relay()
        self._relay.progress.connect(self._progress)
        p = self.panel
        p.choose_requested.connect(self._choose)
        p.rebuild_requested.connect(lambda: self.index_folder(self.folder, rebuild=True))
        p.tag_folder_requested.connect(self._choose_tag_folder)
        p.duplicates_requested.connect(self.find_duplicates)
        p.open_requested.connect(window.open_path)
        p.keep_best_requested.connect(self.keep_best)
        saved = str(settings().value(_FOLDER_KEY, "") or "")
        if saved and Path(saved).is_dir():
            self.index_folder(Path(saved))

    @property
    def busy(self) -> bool:
        """True while any catalogue work runs on a worker."""
        return bool(self._workers)

    def _run(self, fn: Any, *args: Any, done: Any, what: str) -> None:
        worker = create_worker(fn, *args, _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(lambda result: isValid(self.panel) and done(result))
        worker.errored.connect(lambda exc: self._failed(what, exc))
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()

    def _failed(self, what: str, exc: BaseException) -> None:
        if not isValid(self.panel):
            return
        message = f"{what}: {exc}"
        if "rebuild" in str(exc):
            message += " " + tr("(press Rebuild)")
            self.panel.set_ready(True)
        self.panel.set_status(message)
        self.window.notifications.show_message(
            tr("Catalogue: {message}").format(message=message), "error",
            "".join(traceback.format_exception(exc)))

    def _progress(self, fraction: float, message: str) -> None:
        if isValid(self.panel):
            self.panel.set_status(message, fraction)

    # -- indexing ----------------------------------------------------------------------------
    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.panel, tr("Choose a catalogue folder"))
        if folder:
            self.index_folder(Path(folder))

    def index_folder(self, folder: Path | None, rebuild: bool = False) -> None:
        """Index ``folder`` on a worker (returns at once); matches follow when it is done."""
        if folder is None:
            return
        self.folder = folder
        settings().setValue(_FOLDER_KEY, str(folder))
        self.panel.set_ready(False)
        self.panel.set_status(tr("Indexing {folder}…").format(folder=folder.name), 0.0)
        self._run(index_folder, folder, rebuild, self._relay.progress.emit,
                  done=self._indexed, what=tr("Indexing failed"))

    def _indexed(self, result: tuple[Any, Any]) -> None:
        self.index, stats = result
        self.panel.set_ready(True)
        skipped = len(stats.problems)
        self.panel.set_status(tr("{n} photos in {folder} ({new} embedded, {skipped} skipped)")
                              .format(n=len(self.index), folder=self.folder.name,
                                      new=stats.embedded, skipped=skipped))
        self._describe()

    # -- the open photo ----------------------------------------------------------------------
    def set_document(self, doc: Document | None) -> None:
        self._doc = doc
        self._serial += 1
        if doc is None:
            self.panel.show_matches([])
            self.panel.set_tags(tr("Tags: open a photo"))
            return
        self._describe()

    def _describe(self) -> None:
        doc, serial = self._doc, self._serial
        if doc is None:
            return
        self.panel.set_tags(tr("Tags: …"))
        self._run(describe_photo, doc.snapshot(), self.index,
                  done=lambda result: self._described(serial, result),
                  what=tr("Matching failed"))

    def _described(self, serial: int, result: tuple[Any, list]) -> None:
        if serial != self._serial:
            return  # another document is shown now
        tags, matches = result
        if isinstance(tags, dict):
            text = tr("Tags: {label} ({score:.0%}), {coarse}").format(**tags)
            if tags["score"] < 0.5:
                text += " — " + tr("check this")
            self.window.statusBar().showMessage(text, 8000)
        else:
            text = tr("Tags: none ({why})").format(why=tags or tr("no classifier"))
        self.panel.set_tags(text)
        self.panel.show_matches(matches)

    # -- tagging a folder ---------------------------------------------------------------------
    def _choose_tag_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.panel, tr("Choose photos to tag"))
        if not folder:
            return
        target, _ = QFileDialog.getSaveFileName(self.panel, tr("Save the tags as"),
                                                str(Path(folder) / "predictions.csv"),
                                                tr("CSV files (*.csv)"))
        if target:
            self.tag_folder(Path(folder), Path(target))

    def tag_folder(self, folder: Path, target: Path) -> None:
        """Classify every photo in ``folder`` on a worker, writing ``target`` (a CSV)."""
        self.panel.set_status(tr("Tagging {folder}…").format(folder=folder.name), 0.0)

        def done(result: tuple[int, int, list]) -> None:
            tagged, flagged, problems = result
            self.panel.set_status(tr("{n} photos tagged into {file}; {flagged} to check, "
                                     "{skipped} unreadable").format(
                n=tagged, file=target.name, flagged=flagged, skipped=len(problems)))

        self._run(tag_folder, folder, target, self._relay.progress.emit, done=done,
                  what=tr("Tagging failed"))

    # -- duplicates ---------------------------------------------------------------------------
    def find_duplicates(self) -> None:
        """Group near-copies in the catalogue folder on a worker."""
        if self.folder is None:
            return
        self.panel.set_status(tr("Looking for duplicates…"), 0.0)

        def done(groups: list[list[str]]) -> None:
            self.panel.show_groups(groups)
            self.panel.set_status(tr("{n} groups of duplicates").format(n=len(groups)))

        self._run(duplicate_groups, self.folder, self._relay.progress.emit, done=done,
                  what=tr("Finding duplicates failed"))

    def keep_best(self, group: list[str]) -> list[str]:
        """Move every copy but the first (the best) to the trash; the paths moved."""
        moved = [p for p in group[1:] if _to_trash(p)]
        failed = len(group) - 1 - len(moved)
        self.window.notifications.show_message(
            tr("Kept {name}; {n} copies moved to the trash").format(
                name=Path(group[0]).name, n=len(moved))
            + (tr(" ({failed} could not be moved)").format(failed=failed) if failed else ""),
            "warning" if failed else "info")
        if self.folder is not None:
            self.index_folder(self.folder)  # the moved copies leave the index
        return moved
