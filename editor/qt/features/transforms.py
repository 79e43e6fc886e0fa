"""The Image menu: crop to the selection, canvas size, resize, rotate, flip, straighten and
the crop tool's aspect presets. Each transform is one undo step (TransformDocument)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QSpinBox,
    QToolButton,
    QWidget,
)
from superqt.utils import create_worker

from editor.model.transform import (
    ASPECT_PRESETS,
    MAX_SIDE,
    CanvasSize,
    Flip,
    Resize,
    Rotate90,
    Straighten,
    Transform,
    TransformDocument,
    crop,
    padded_size_for_aspect,
)
from editor.qt.features import Feature, feature

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow

RGBA = tuple[int, int, int, int]
#: documents up to this many pixels are transformed at once; larger ones on a worker thread
SYNC_PIXELS = 4_000_000


def tr(text: str) -> str:
    return QCoreApplication.translate("Transforms", text)


def _spin(value: int, lo: int = 1, hi: int = MAX_SIDE, suffix: str = " px") -> QSpinBox:
    box = QSpinBox(minimum=lo, maximum=hi, value=value)
    box.setSuffix(suffix)
    return box


class CanvasSizeDialog(QDialog):
    """New width and height (or padding to a marketplace shape), where the photo sits
    (a 3x3 anchor) and the colour of the new area."""

    def __init__(self, size: tuple[int, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Canvas Size"))
        self._size = size
        self.fill: RGBA = (0, 0, 0, 0)
        form = QFormLayout(self)
        self.width_box, self.height_box = _spin(size[0]), _spin(size[1])
        form.addRow(tr("Width"), self.width_box)
        form.addRow(tr("Height"), self.height_box)
        self.aspect = QComboBox()
        self.aspect.addItem(tr("Pad to shape…"), None)
        for preset in ASPECT_PRESETS[1:]:
            self.aspect.addItem(tr(preset.label), preset.ratio)
        self.aspect.activated.connect(self._pad_to_aspect)
        form.addRow(tr("Shape"), self.aspect)
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setSpacing(2)
        self.anchors = QButtonGroup(self)
        for i in range(9):
            button = QToolButton(checkable=True, text="•")
            button.setFixedSize(26, 26)
            self.anchors.addButton(button, i)
            grid.addWidget(button, i // 3, i % 3)
        self.anchors.button(4).setChecked(True)
        form.addRow(tr("Anchor"), grid_box)
        self.colour = QComboBox()
        for text, rgba in ((tr("Transparent"), (0, 0, 0, 0)), (tr("White"), (255, 255, 255, 255)),
                           (tr("Black"), (0, 0, 0, 255)), (tr("Other colour…"), None)):
            self.colour.addItem(text, rgba)
        self.colour.activated.connect(self._colour_chosen)
        form.addRow(tr("New area"), self.colour)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _pad_to_aspect(self, index: int) -> None:
        ratio = self.aspect.itemData(index)
        if ratio is not None:
            w, h = padded_size_for_aspect(self._size, ratio)
            self.width_box.setValue(w)
            self.height_box.setValue(h)

    def _colour_chosen(self, index: int) -> None:
        rgba = self.colour.itemData(index)
        if rgba is None:
            colour = QColorDialog.getColor(QColor("white"), self, tr("Colour of the new area"))
            if not colour.isValid():
                self.colour.setCurrentIndex(0)
                rgba = (0, 0, 0, 0)
            else:
                rgba = (colour.red(), colour.green(), colour.blue(), 255)
        self.fill = tuple(rgba)

    def transform(self) -> CanvasSize:
        anchor = self.anchors.checkedId()
        return CanvasSize.anchored(self._size, (self.width_box.value(), self.height_box.value()),
                                   (anchor % 3, anchor // 3), self.fill)


class ResizeDialog(QDialog):
    """New size in pixels or per cent, keeping the aspect ratio unless told not to."""

    def __init__(self, size: tuple[int, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Resize"))
        self._size = size
        self._updating = False
        self._unit = "px"
        form = QFormLayout(self)
        self.unit = QComboBox()
        self.unit.addItem(tr("pixels"), "px")
        self.unit.addItem(tr("per cent"), "%")
        form.addRow(tr("Unit"), self.unit)
        self.width_box, self.height_box = _spin(size[0]), _spin(size[1])
        form.addRow(tr("Width"), self.width_box)
        form.addRow(tr("Height"), self.height_box)
        self.keep = QCheckBox(tr("Keep aspect ratio"), checked=True)
        form.addRow(self.keep)
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self.width_box.valueChanged.connect(lambda v: self._follow(self.height_box, v, 0))
        self.height_box.valueChanged.connect(lambda v: self._follow(self.width_box, v, 1))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _percent(self) -> bool:
        return self._unit == "%"

    def _unit_changed(self) -> None:
        w, h = self.pixels()  # in the unit shown until now
        self._unit = self.unit.currentData()
        self._updating = True
        for box, full, value in ((self.width_box, self._size[0], w),
                                 (self.height_box, self._size[1], h)):
            if self._percent():
                box.setRange(1, 1000)
                box.setSuffix(" %")
                box.setValue(max(1, round(value * 100 / full)))
            else:
                box.setRange(1, MAX_SIDE)
                box.setSuffix(" px")
                box.setValue(value)
        self._updating = False

    def _follow(self, other: QSpinBox, value: int, axis: int) -> None:
        if self._updating or not self.keep.isChecked():
            return
        self._updating = True
        if self._percent():
            other.setValue(value)
        else:
            ratio = self._size[1 - axis] / self._size[axis]
            other.setValue(max(1, round(value * ratio)))
        self._updating = False

    def pixels(self) -> tuple[int, int]:
        """The new size in pixels."""
        w, h = self.width_box.value(), self.height_box.value()
        if self._percent():
            return max(1, round(self._size[0] * w / 100)), max(1, round(self._size[1] * h / 100))
        return w, h

    def transform(self) -> Resize:
        return Resize(*self.pixels())


class StraightenDialog(QDialog):
    """An angle (positive turns clockwise) and whether to crop away the empty corners."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Straighten"))
        form = QFormLayout(self)
        self.angle = QDoubleSpinBox(minimum=-45.0, maximum=45.0, singleStep=0.1, decimals=1)
        self.angle.setSuffix(" °")
        self.angle.setToolTip(tr("Positive turns the photo clockwise"))
        form.addRow(tr("Angle"), self.angle)
        self.crop = QCheckBox(tr("Crop to the original shape (no empty corners)"), checked=True)
        form.addRow(self.crop)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def transform(self) -> Straighten:
        return Straighten(self.angle.value(), crop=self.crop.isChecked())


@feature
class TransformsFeature(Feature):
    """The Image menu."""

    name = "transforms"
    order = 20

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._doc: Document | None = None
        self._workers: set[Any] = set()
        self.menu = window.menu(tr("&Image"))
        make = self._action
        self.crop_selection = make(tr("&Crop to Selection"), self.crop_to_selection,
                                   "Ctrl+Shift+X")
        self.canvas_size = make(tr("Canvas &Size…"), self._ask_and_apply(
            lambda d: self.ask_canvas_size(d), tr("Canvas size")), "Ctrl+Alt+C")
        self.resize = make(tr("&Resize…"), self._ask_and_apply(
            lambda d: self.ask_resize(d), tr("Resize")), "Ctrl+Alt+I")
        self.menu.addSeparator()
        self.rotate_cw = make(tr("Rotate 90° &Clockwise"),
                              lambda: self.apply(Rotate90(1), tr("Rotate 90° clockwise")),
                              "Ctrl+R")
        self.rotate_ccw = make(tr("Rotate 90° C&ounter-clockwise"),
                               lambda: self.apply(Rotate90(3), tr("Rotate 90° counter-clockwise")),
                               "Ctrl+Shift+R")
        self.rotate_180 = make(tr("Rotate &180°"),
                               lambda: self.apply(Rotate90(2), tr("Rotate 180°")))
        self.flip_h = make(tr("Flip &Horizontal"),
                           lambda: self.apply(Flip(True), tr("Flip horizontal")))
        self.flip_v = make(tr("Flip &Vertical"),
                           lambda: self.apply(Flip(False), tr("Flip vertical")))
        self.straighten = make(tr("S&traighten…"), self._ask_and_apply(
            lambda d: self.ask_straighten(d), tr("Straighten")))
        self.menu.addSeparator()
        aspects = self.menu.addMenu(tr("Crop &Aspect"))
        self.aspect_group = QActionGroup(self.menu)
        for preset in ASPECT_PRESETS:
            action = aspects.addAction(tr(preset.label))
            action.setCheckable(True)
            action.setChecked(preset.key == "free")
            action.setData(preset.key)
            self.aspect_group.addAction(action)
        self.aspect_group.triggered.connect(lambda a: self.choose_aspect(a.data()))
        self._update_actions()

    def _action(self, text: str, slot: Callable[[], None], shortcut: str | None = None) -> QAction:
        action = self.menu.addAction(text)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def set_document(self, doc: Document | None) -> None:
        if self._doc is not None:
            self._doc.selection_changed.disconnect(self._update_actions)
        self._doc = doc
        if doc is not None:
            doc.selection_changed.connect(self._update_actions)
        self._update_actions()

    def _update_actions(self) -> None:
        doc = self._doc
        for action in self.menu.actions():
            action.setEnabled(doc is not None)
        self.crop_selection.setEnabled(doc is not None and doc.selection is not None
                                       and bool(doc.selection.any()))

    # -- doing it -----------------------------------------------------------------------
    def apply(self, transform: Transform, text: str) -> None:
        """Apply ``transform`` to the whole document as one undo step."""
        doc = self._doc
        if doc is None:
            return
        command = TransformDocument(transform, text)
        if doc.width * doc.height <= SYNC_PIXELS:
            self._push(doc, command, doc.history.version)
            return
        # a large photo: compute on a worker (it only reads the layers), push when done
        version, layers, size, selection = (doc.history.version, list(doc.layers), doc.size,
                                            doc.selection)
        self.window.statusBar().showMessage(tr("{step}…").format(step=text))
        worker = create_worker(command.prepare, layers, size, selection, _start_thread=False)
        worker.returned.connect(lambda _: self._push(doc, command, version))
        worker.errored.connect(lambda exc: self._failed(text, exc))
        self._workers.add(worker)
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()

    def _push(self, doc: Document, command: TransformDocument, version: int) -> None:
        self.window.statusBar().clearMessage()
        if doc is not self._doc or doc.history.version != version:
            self.window.notifications.show_message(
                tr("{step} was not applied: the image changed meanwhile; try again").format(
                    step=command.text), "warning")
            return
        try:
            doc.history.push(command)
        except (ValueError, MemoryError) as exc:
            self._failed(command.text, exc)

    def _failed(self, text: str, exc: BaseException) -> None:
        self.window.statusBar().clearMessage()
        self.window.notifications.show_message(
            tr("{step} failed: {error}").format(step=text, error=exc), "error")

    def crop_to_selection(self) -> None:
        """Crop to the bounding box of the selection."""
        doc = self._doc
        if doc is None or doc.selection is None or not doc.selection.any():
            return
        rows = np.flatnonzero(doc.selection.any(axis=1))
        cols = np.flatnonzero(doc.selection.any(axis=0))
        rect = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
        self.apply(crop(rect), tr("Crop to selection"))

    def choose_aspect(self, key: str) -> None:
        """Pick the crop tool with frames of the preset ``key``."""
        for action in self.aspect_group.actions():
            action.setChecked(action.data() == key)
        canvas = self.window.canvas
        canvas.set_tool("crop")
        canvas.tool_instance("crop").set_preset(key)

    def _ask_and_apply(self, ask: Callable[[Document], Transform | None],
                       text: str) -> Callable[[], None]:
        def run() -> None:
            if self._doc is not None and (transform := ask(self._doc)) is not None:
                self.apply(transform, text)
        return run

    # -- questions (tests replace these) ------------------------------------------------
    def ask_canvas_size(self, doc: Document) -> Transform | None:
        dialog = CanvasSizeDialog(doc.size, self.window)
        return dialog.transform() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_resize(self, doc: Document) -> Transform | None:
        dialog = ResizeDialog(doc.size, self.window)
        return dialog.transform() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_straighten(self, doc: Document) -> Transform | None:
        dialog = StraightenDialog(self.window)
        return dialog.transform() if dialog.exec() == QDialog.DialogCode.Accepted else None
