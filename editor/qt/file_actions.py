"""Opening, saving and exporting documents for the main window: every file operation runs
on a worker thread, errors land in the notification bar naming the file, and the questions
to the user are methods tests can replace."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QFileDialog, QMessageBox
from superqt.utils import create_worker

from editor.model.atomic import OutputError
from editor.model.document import Document
from editor.model.files import OPENABLE_SUFFIXES, export_image, open_document, save_document
from editor.model.imageio import ImageFileError

if TYPE_CHECKING:
    from editor.qt.actions import RecentFiles
    from editor.qt.notify import NotificationBar

_FILE_ERRORS = (ImageFileError, OutputError, OSError, ValueError)
_EXPORT_FILTER = "PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp)"


class DocumentFiles:
    """Mixed into :class:`editor.qt.main_window.MainWindow` (a QMainWindow)."""

    _doc: Document | None
    _workers: set[Any]
    _load_serial: int
    recent: RecentFiles
    notifications: NotificationBar

    def open_path(self, path: str | Path) -> None:
        """Open ``path`` in the background (after asking to save changes); errors and
        notices appear in the notification bar."""
        path = Path(path)
        if not self._confirm_discard():
            return
        self._load_serial += 1
        serial = self._load_serial
        self.statusBar().showMessage(self.tr("Opening {name}…").format(name=path.name))

        def done(result: tuple[Document, list[str]]) -> None:
            if serial == self._load_serial:  # a later open wins over a slow earlier one
                self.load_document(*result)

        self._in_background(open_document, (path,), done, path)

    def close_document(self) -> None:
        if self._confirm_discard():
            self.load_document(None, [])

    def save(self) -> None:
        """Save to the document's .ora project, or ask where (in the background)."""
        if self._doc is None:
            return
        path = self._doc.path
        if path is None or path.suffix.lower() != ".ora":
            self.save_as()
        else:
            self.save_to(path)

    def save_as(self) -> None:
        if self._doc is not None and (path := self.ask_save_path()) is not None:
            self.save_to(path)

    def save_to(self, path: Path) -> None:
        """Save a snapshot of the document as an OpenRaster project on a worker."""
        doc = self._doc
        if doc is None:
            return
        path = Path(path).with_suffix(".ora") if Path(path).suffix.lower() != ".ora" \
            else Path(path)
        at_version = doc.history.version

        def done(_: object) -> None:
            doc.path = path
            if doc.history.version == at_version:  # not edited while saving
                doc.history.mark_clean()
            self.recent.add(path)
            self._history_changed()
            self.statusBar().showMessage(self.tr("Saved {name}").format(name=path.name), 4000)

        self._in_background(save_document, (doc.snapshot(), path), done, path)

    def export(self) -> None:
        """Ask for a file and export the flattened image (JPEG: onto a chosen colour)."""
        if self._doc is None or (path := self.ask_export_path()) is None:
            return
        background = None
        if path.suffix.lower() in (".jpg", ".jpeg"):
            background = self.ask_flatten_colour()
            if background is None:
                return
        self.export_to(path, background)

    def export_to(self, path: Path, background: tuple[int, int, int] | None = None) -> None:
        if self._doc is None:
            return
        kwargs = {"background": background} if background is not None else {}

        def done(_: object) -> None:
            self.statusBar().showMessage(self.tr("Exported {name}").format(name=path.name), 4000)

        self._in_background(lambda d, p: export_image(d, p, **kwargs),
                            (self._doc.snapshot(), Path(path)), done, Path(path))

    def _in_background(self, func: Callable, args: tuple, done: Callable, path: Path) -> None:
        """Run ``func(*args)`` on the thread pool; ``done(result)`` or an error message
        naming ``path`` follows on the GUI thread."""
        worker = create_worker(func, *args, _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(done)
        worker.errored.connect(lambda exc: self._file_failed(path, exc))
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.finished.connect(lambda: self.statusBar().clearMessage()
                                if not self._workers else None)
        worker.start()

    def _file_failed(self, path: Path, exc: BaseException) -> None:
        if isinstance(exc, _FILE_ERRORS):
            text = str(exc) if str(path) in str(exc) else f"{path}: {exc}"
            self.notifications.show_message(text, "error")
        else:
            details = "".join(traceback.format_exception(exc))
            self.notifications.show_message(
                self.tr("{path}: unexpected error ({error})").format(path=path, error=exc),
                "error", details)

    def _choose_and_open(self) -> None:
        if (path := self.ask_open_path()) is not None:
            self.open_path(path)

    def _confirm_discard(self) -> bool:
        """True when the current document may be replaced (saved or changes discarded)."""
        doc = self._doc
        if doc is None or doc.history.is_clean:
            return True
        answer = self.ask_save_changes()
        if answer == "save":
            path = doc.path if doc.path and doc.path.suffix.lower() == ".ora" \
                else self.ask_save_path()
            if path is None:
                return False
            try:
                save_document(doc, path)  # on this thread: the window waits for it anyway
            except _FILE_ERRORS as exc:
                self._file_failed(path, exc)
                return False
            self.recent.add(path)
            return True
        return answer == "discard"

    # -- questions (tests replace these) ------------------------------------------------
    def ask_save_changes(self) -> str:
        """Ask whether to save changes: ``"save"``, ``"discard"`` or ``"cancel"``."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, self.tr("Save changes?"),
            self.tr("“{name}” has changes that are not saved.").format(name=self._doc.title),
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")

    def ask_open_path(self) -> Path | None:
        patterns = " ".join(f"*{s}" for s in sorted(OPENABLE_SUFFIXES))
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open"), "", self.tr("Images and projects ({p})").format(p=patterns))
        return Path(name) if name else None

    def ask_save_path(self) -> Path | None:
        stem = self._doc.path.stem if self._doc and self._doc.path else "untitled"
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save As"), f"{stem}.ora", self.tr("OpenRaster project (*.ora)"))
        return Path(name) if name else None

    def ask_export_path(self) -> Path | None:
        stem = self._doc.path.stem if self._doc and self._doc.path else "untitled"
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export"), f"{stem}.png",
                                              _EXPORT_FILTER)
        return Path(name) if name else None

    def ask_flatten_colour(self) -> tuple[int, int, int] | None:
        """The colour transparent parts become in a JPEG (default white); None = cancel."""
        colour = QColorDialog.getColor(QColor("white"), self, self.tr("Background for JPEG"))
        return (colour.red(), colour.green(), colour.blue()) if colour.isValid() else None

    # -- reactions ----------------------------------------------------------------------
