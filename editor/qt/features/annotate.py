"""Box annotation: the Classes dock, the Label menu (import and export label files for the
open image) and annotating a folder image by image with auto-save.

**Open Folder for Annotation…** lists the folder's photos and detects its label format
(YOLO when it has none yet). **Next Image** (PageDown or D) and **Previous Image** (PageUp
or S) first save the current image's boxes next to it in the folder's format (atomically,
and only when they changed), then open the neighbour with its labels. Listing, saving and
loading run on a worker thread; a save that fails keeps the current image open.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from superqt.utils import create_worker

from editor.model.commands import AddLayer, Macro, SetBoxes
from editor.model.document import Document
from editor.model.files import open_document
from editor.model.history import Command
from editor.model.imageio import iter_image_files
from editor.model.labels import convert
from editor.model.labels.common import Problem
from editor.model.layers import Box, BoxLayer, Layer
from editor.qt.features import Feature, feature
from editor.qt.panels.classes import ClassesPanel
from editor.qt.tools.boxes import NEW_LAYER_NAME, BoxSession

_FILTERS = {"yolo": "YOLO (*.txt)", "coco": "COCO JSON (*.json)",
            "voc": "Pascal VOC XML (*.xml)", "labelme": "labelme JSON (*.json)"}


@dataclass
class AnnotationFolder:
    """The folder being annotated: its photos, label format and the photo shown."""

    root: Path
    format: str
    images: list[Path]
    index: int = -1


@dataclass
class _Save:
    """Plain data for the worker: one image's boxes to write."""

    image: Path
    size: tuple[int, int]
    boxes: list[Box]
    classes: list[str]


def label_layer(doc: Document | None) -> BoxLayer | None:
    """The box layer labels are read from and saved to: the active one, else the topmost."""
    if doc is None:
        return None
    if isinstance(doc.active_layer, BoxLayer):
        return doc.active_layer
    return next((x for x in reversed(doc.layers) if isinstance(x, BoxLayer)), None)


def _open_with_labels(folder: AnnotationFolder, index: int, save: _Save | None,
                      layer_name: str
                      ) -> tuple[Document, list[str], list[str], list[Problem], list[str]]:
    """Worker: save the current image's labels, then open image ``index`` with its own.
    What the save had to say (class ids mapped by name, classes added to the folder's
    list) comes back last, so the annotator hears it."""
    notes: list[str] = []
    if save is not None:
        convert.write_image(save.image, save.size, save.boxes, save.classes, folder.root,
                            folder.format, notes)
    image = folder.images[index]
    doc, notices = open_document(image)
    boxes, classes, problems = convert.read_image(image, doc.size, folder.root, folder.format)
    doc.history.push(AddLayer(BoxLayer(layer_name, boxes, doc.size)))
    doc.history.clear()  # opening an image with its labels is not an undoable step
    return doc, notices, classes, problems, notes


class _SetClassList(Command):
    """The session's class list as part of an undo step (rename and delete change it)."""

    def __init__(self, session: BoxSession, classes: list[str]) -> None:
        self.session = session
        self.new = list(classes)
        self.old: list[str] | None = None

    def redo(self, doc: Document | None) -> None:
        if self.old is None:
            self.old = list(self.session.classes)
        self.session.set_classes(self.new)

    def undo(self, doc: Document | None) -> None:
        assert self.old is not None
        self.session.set_classes(self.old)


@feature
class AnnotateFeature(Feature):
    """Classes dock, Label menu and folder annotation."""

    name = "annotate"
    order = 50

    def __init__(self, window) -> None:
        super().__init__(window)
        self.session = BoxSession(window)
        self.session.message.connect(lambda text: window.statusBar().showMessage(text, 4000))
        self.folder: AnnotationFolder | None = None
        self._doc: Document | None = None
        self._busy = False
        self._switching = False  # one image switch at a time
        self._workers: set = set()
        tool_instance = getattr(window.canvas, "tool_instance", None)
        if tool_instance is not None:
            tool_instance("boxes").session = self.session
        self.panel = ClassesPanel(self.session)
        self.panel.add_requested.connect(self.add_class)
        self.panel.rename_requested.connect(self.rename_class)
        self.panel.delete_requested.connect(self.delete_class)
        window.add_dock("classes", window.tr("Classes"), self.panel,
                        Qt.DockWidgetArea.RightDockWidgetArea)
        menu = window.menu(window.tr("&Label"))
        tr = window.tr
        self.import_action = self._action(tr("&Import Labels…"), self.import_labels)
        self.export_action = self._action(tr("&Export Labels…"), self.export_labels)
        self.folder_action = self._action(tr("Open &Folder for Annotation…"), self.open_folder)
        self.next_action = self._action(tr("&Next Image"), self.next_image,
                                        [QKeySequence(Qt.Key.Key_PageDown), QKeySequence("D")])
        self.previous_action = self._action(tr("&Previous Image"), self.previous_image,
                                            [QKeySequence(Qt.Key.Key_PageUp),
                                             QKeySequence("S")])
        menu.addActions([self.import_action, self.export_action])
        menu.addSeparator()
        menu.addActions([self.folder_action, self.next_action, self.previous_action])
        self._update_actions()

    def _action(self, text: str, slot, keys: list[QKeySequence] | None = None) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcuts(keys)
            action.setToolTip(f"{text.replace('&', '')} ({keys[0].toString()})")
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)  # shortcuts work while the menu is closed
        return action

    # -- the document ----------------------------------------------------------------------
    def set_document(self, doc: Document | None) -> None:
        if self._doc is not None:
            self._doc.content_changed.disconnect(self._on_content)
            self._doc.structure_changed.disconnect(self._refresh_counts)
        self._doc = doc
        if doc is not None:
            doc.content_changed.connect(self._on_content)
            doc.structure_changed.connect(self._refresh_counts)
            self.session.add([b.label for x in doc.layers if isinstance(x, BoxLayer)
                              for b in x.boxes])
        if self.folder is not None and (doc is None or doc.path not in self.folder.images):
            self.folder = None  # the user opened something else
        self._refresh_counts()
        self._update_actions()

    def _on_content(self, layer: Layer, _rect: object) -> None:
        if isinstance(layer, BoxLayer):
            self._refresh_counts()

    def _refresh_counts(self) -> None:
        layer = label_layer(self._doc)
        self.panel.set_counts(dict(Counter(b.label for b in layer.boxes)) if layer else {})

    def _update_actions(self) -> None:
        has_doc = self._doc is not None
        self.import_action.setEnabled(has_doc and not self._busy)
        self.export_action.setEnabled(has_doc and not self._busy)
        folder = self.folder
        self.next_action.setEnabled(bool(folder) and not self._busy
                                    and folder.index < len(folder.images) - 1)
        self.previous_action.setEnabled(bool(folder) and not self._busy and folder.index > 0)

    # -- classes ---------------------------------------------------------------------------
    def add_class(self) -> None:
        name = self.ask_text(self.window.tr("Add Class"), self.window.tr("Class name:"), "")
        if name:
            self.session.add([name])
            self.session.set_current(name)

    def rename_class(self, old: str) -> None:
        new = self.ask_text(self.window.tr("Rename Class"), self.window.tr("New name:"), old)
        if not new or new == old:
            return
        current = self.session.current
        self._relabel([new if c == old else c for c in self.session.classes],
                      lambda b: Box(b.x0, b.y0, b.x1, b.y1, new, b.score) if b.label == old
                      else b, self.window.tr("Rename class “{name}”").format(name=old))
        if current == old:
            self.session.set_current(new)

    def delete_class(self, name: str) -> None:
        layer = label_layer(self._doc)
        used = sum(b.label == name for b in layer.boxes) if layer else 0
        if used and not self.ask_yes(self.window.tr(
                "Delete the class “{name}” and its {count} boxes on this image?").format(
                name=name, count=used)):
            return
        self._relabel([c for c in self.session.classes if c != name],
                      lambda b: None if b.label == name else b,
                      self.window.tr("Delete class “{name}”").format(name=name))

    def _relabel(self, classes: list[str], change, text: str) -> None:
        """Change the class list and the boxes that use it as ONE undo step."""
        steps: list[Command] = [_SetClassList(self.session, classes)]
        layer = label_layer(self._doc)
        if layer is not None:
            boxes = [new for b in layer.boxes if (new := change(b)) is not None]
            if boxes != layer.boxes:
                steps.append(SetBoxes(layer, boxes, text))
        if self._doc is None:
            steps[0].redo(None)  # no document, no history: just the list
        else:
            self._doc.history.push(Macro(text, steps))

    # -- import / export -------------------------------------------------------------------
    def import_labels(self) -> None:
        """Ask for a label file and add its boxes for this image as a new box layer."""
        doc = self._doc
        path = self.ask_import_path() if doc is not None else None
        if path is None:
            return
        image = doc.path or Path(f"{doc.title}.png")

        def read() -> tuple[list[Box], list[str], list[Problem]]:
            problems: list[Problem] = []
            boxes, classes = convert.read_file(path, image, doc.size, problems)
            return boxes, classes, problems

        def done(result: tuple[list[Box], list[str], list[Problem]]) -> None:
            boxes, classes, problems = result
            if doc is not self._doc:
                return
            self.session.add(classes)
            layer = BoxLayer(path.name, boxes, doc.size)
            doc.history.push(AddLayer(layer, text=self.window.tr("Import labels “{name}”")
                                      .format(name=path.name)))
            self._report(problems)

        self._run(read, done, path)

    def export_labels(self) -> None:
        """Ask for a file and a format and write the open image's boxes there."""
        doc, layer = self._doc, label_layer(self._doc)
        target = self.ask_export_target() if doc is not None else None
        if target is None:
            return
        path, fmt = target
        image = doc.path or Path(f"{doc.title}.png")
        boxes = list(layer.boxes) if layer is not None else []
        classes = list(self.session.classes)

        def done(_: object) -> None:
            self.window.statusBar().showMessage(
                self.window.tr("Exported labels to {name}").format(name=path.name), 4000)

        self._run(lambda: convert.write_file(path, fmt, image, doc.size, boxes, classes),
                  done, path)

    # -- folder annotation -----------------------------------------------------------------
    def open_folder(self, root: Path | None = None) -> None:
        """Annotate the photos of ``root`` (asked when None), starting with the first."""
        root = root or self.ask_folder()
        if root is None or not self._may_replace():
            return
        save, old = self._pending_save(), self.folder

        def scan() -> AnnotationFolder:
            if save is not None and old is not None:  # the photo being left keeps its labels
                convert.write_image(save.image, save.size, save.boxes, save.classes,
                                    old.root, old.format)
            images = iter_image_files([convert.images_folder(root)])
            return AnnotationFolder(root, convert.detect_format(root) or "yolo", images)

        def done(folder: AnnotationFolder) -> None:
            if not folder.images:
                self.window.notifications.show_message(
                    self.window.tr("{folder}: no photos to annotate").format(folder=root),
                    "error")
                return
            self.folder = folder
            self.window.statusBar().showMessage(self.window.tr(
                "Annotating {count} photos in {folder} ({format} labels)").format(
                count=len(folder.images), folder=root.name,
                format=convert.TITLES[folder.format]), 6000)
            self.go_to(0)

        self._run(scan, done, root)

    def next_image(self) -> None:
        if self.folder is not None:
            self.go_to(self.folder.index + 1)

    def previous_image(self) -> None:
        if self.folder is not None:
            self.go_to(self.folder.index - 1)

    def go_to(self, index: int) -> None:
        """Save the current image's labels (when changed) and open photo ``index``."""
        folder = self.folder
        if folder is None or self._switching or not 0 <= index < len(folder.images):
            return
        self._switching = True
        save = self._pending_save()
        layer_name = self.window.tr(NEW_LAYER_NAME)

        def done(result: tuple[Document, list[str], list[str], list[Problem], list[str]]
                 ) -> None:
            doc, notices, classes, problems, notes = result
            self._switching = False
            if self.folder is not folder:
                return
            self.session.add(classes)
            folder.index = index
            self.window.load_document(doc, notices)
            self._report(problems)
            self._tell_saved(notes)

        self._run(lambda: _open_with_labels(folder, index, save, layer_name), done,
                  folder.images[index], on_error=lambda: setattr(self, "_switching", False))

    def save_labels(self) -> None:
        """Write the open image's labels into the annotation folder now (on a worker)."""
        save, folder, doc = self._pending_save(), self.folder, self._doc
        if save is None or folder is None or doc is None:
            return
        at_step = doc.history.index

        notes: list[str] = []

        def done(_: object) -> None:
            if doc.history.index == at_step:
                doc.history.mark_clean()
            self._tell_saved(notes)

        self._run(lambda: convert.write_image(save.image, save.size, save.boxes,
                                              save.classes, folder.root, folder.format,
                                              notes),
                  done, save.image)

    def _pending_save(self) -> _Save | None:
        doc, folder = self._doc, self.folder
        if doc is None or folder is None or doc.path not in folder.images \
                or doc.history.is_clean:
            return None
        layer = label_layer(doc)
        boxes = list(layer.boxes) if layer is not None else []
        return _Save(doc.path, doc.size, boxes, list(self.session.classes))

    # -- plumbing --------------------------------------------------------------------------
    def _run(self, func, done, path: Path, on_error=None) -> None:
        """``func()`` on a worker; ``done(result)`` or an error naming ``path`` after."""
        worker = create_worker(func, _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        self._busy = True
        self._update_actions()
        worker.returned.connect(done)
        worker.errored.connect(lambda exc: self.window.notifications.show_message(
            f"{path}: {exc}" if str(path) not in str(exc) else str(exc), "error"))
        if on_error is not None:
            worker.errored.connect(lambda _exc: on_error())
        worker.finished.connect(lambda: self._finished(worker))
        worker.start()

    def _finished(self, worker) -> None:
        self._workers.discard(worker)
        self._busy = bool(self._workers)
        self._update_actions()

    def _may_replace(self) -> bool:
        """Ask about unsaved changes before the folder's first photo replaces the open
        document; saving runs on a snapshot, so the photo may open at once."""
        doc = self._doc
        if doc is None or doc.history.is_clean or self._pending_save() is not None:
            return True
        answer = self.window.ask_save_changes()
        if answer == "save":
            self.window.save()
        return answer != "cancel"

    @property
    def is_busy(self) -> bool:
        """True while labels are read or written in the background."""
        return self._busy

    def _tell_saved(self, notes: list[str]) -> None:
        """Say how saving matched the folder's class list (ids by name, names added)."""
        if notes:
            self.window.notifications.show_message(
                self.window.tr("Labels saved; {note}").format(note=notes[0]), "warning",
                "\n".join(notes))

    def _report(self, problems: list[Problem]) -> None:
        if not problems:
            return
        first = str(problems[0])
        more = self.window.tr(" (and {count} more; see Details)").format(
            count=len(problems) - 1) if len(problems) > 1 else ""
        self.window.notifications.show_message(
            self.window.tr("Some labels were skipped: {problem}{more}").format(
                problem=first, more=more), "warning", "\n".join(map(str, problems)))

    # -- questions (tests replace these) ---------------------------------------------------
    def ask_folder(self) -> Path | None:
        name = QFileDialog.getExistingDirectory(self.window,
                                                self.window.tr("Open Folder for Annotation"))
        return Path(name) if name else None

    def ask_import_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self.window, self.window.tr("Import Labels"), "",
            self.window.tr("Label files (*.txt *.json *.xml)"))
        return Path(name) if name else None

    def ask_export_target(self) -> tuple[Path, str] | None:
        doc = self._doc
        stem = doc.path.stem if doc and doc.path else "labels"
        chosen, flt = QFileDialog.getSaveFileName(
            self.window, self.window.tr("Export Labels"), f"{stem}.txt",
            ";;".join(_FILTERS.values()))
        if not chosen:
            return None
        fmt = next((k for k, v in _FILTERS.items() if v == flt), "yolo")
        return Path(chosen).with_suffix(convert.SUFFIXES[fmt]), fmt

    def ask_text(self, title: str, label: str, text: str) -> str | None:
        value, ok = QInputDialog.getText(self.window, title, label, text=text)
        return value.strip() if ok and value.strip() else None

    def ask_yes(self, question: str) -> bool:
        buttons = QMessageBox.StandardButton
        return QMessageBox.question(self.window, self.window.tr("Lightbox"), question,
                                    buttons.Yes | buttons.No) == buttons.Yes
