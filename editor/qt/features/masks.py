"""The Select and Mask menus, the tool options bar, and tool notices.

Select: select all, deselect, invert, selection from / to a mask layer, feather, grow,
shrink and smooth. Mask: new mask layer, invert, feather, grow, shrink, smooth, fill,
clear, and how masks are shown (red overlay or black and white). Every change is one
command on the document's history; the pixel work lives in :mod:`editor.model.masks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLabel, QStackedWidget, QToolBar, QWidget

from editor.model import masks
from editor.model.commands import AddLayer, ReplaceRegion, SetSelection
from editor.model.layers import MaskLayer
from editor.qt.features import Feature, feature
from editor.qt.tools import tool_classes
from editor.qt.tools.brush import editable_mask

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow

#: the radius each refinement starts with in its dialog (pixels)
DEFAULT_RADIUS = {"feather": 4, "grow": 4, "shrink": 4, "smooth": 4}
MAX_RADIUS = 500


def tr(text: str) -> str:
    return QCoreApplication.translate("MaskFeature", text)


def _refinements() -> dict[str, tuple[str, Callable[[np.ndarray, int], np.ndarray]]]:
    """Radius-taking refinements by key: (menu text, function)."""
    return {
        "feather": (tr("&Feather…"), masks.feather),
        "grow": (tr("&Grow…"), masks.grow),
        "shrink": (tr("S&hrink…"), masks.shrink),
        "smooth": (tr("S&mooth…"), masks.smooth),
    }


@feature
class MaskFeature(Feature):
    """Mask and selection commands, plus the bar showing the active tool's options."""

    name = "masks"
    order = 20

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._doc: Document | None = None
        #: every action of the two menus by key, e.g. ``"select_all"``, ``"mask_grow"``
        self.actions: dict[str, QAction] = {}
        self._build_select_menu()
        self._build_mask_menu()
        self._build_options_bar()
        window.canvas.notice.connect(window.notifications.show_message)
        self.set_document(window.document)

    # -- building -----------------------------------------------------------------------
    def _action(self, key: str, text: str, slot: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        self.actions[key] = action
        return action

    def _build_select_menu(self) -> None:
        menu = self.window.menu(tr("&Select"))
        menu.addAction(self._action("select_all", tr("Select &All"), self.select_all,
                                    QKeySequence.StandardKey.SelectAll))
        menu.addAction(self._action("deselect", tr("&Deselect"), self.window.canvas.deselect))
        menu.addAction(self._action("select_invert", tr("&Invert Selection"),
                                    self.invert_selection, "Ctrl+Shift+I"))
        menu.addSeparator()
        menu.addAction(self._action("select_from_mask", tr("Selection from &Mask"),
                                    self.selection_from_mask))
        menu.addAction(self._action("mask_from_selection", tr("Mask from &Selection"),
                                    self.mask_from_selection))
        menu.addSeparator()
        for key, (text, func) in _refinements().items():
            menu.addAction(self._action(f"select_{key}", text,
                                        lambda k=key, f=func: self.refine_selection(k, f)))

    def _build_mask_menu(self) -> None:
        menu = self.window.menu(tr("&Mask"))
        menu.addAction(self._action("mask_new", tr("&New Mask Layer"), self.new_mask_layer))
        menu.addSeparator()
        menu.addAction(self._action("mask_invert", tr("&Invert Mask"), self.invert_mask))
        for key, (text, func) in _refinements().items():
            menu.addAction(self._action(f"mask_{key}", text,
                                        lambda k=key, f=func: self.refine_mask(k, f)))
        menu.addSeparator()
        menu.addAction(self._action("mask_fill", tr("Fi&ll Mask"), lambda: self.fill_mask(255)))
        menu.addAction(self._action("mask_clear", tr("&Clear Mask"), lambda: self.fill_mask(0)))
        menu.addSeparator()
        view = menu.addMenu(tr("Show Mask &as"))
        group = QActionGroup(self.window)
        for key, text in (("overlay", tr("&Red Overlay")), ("bw", tr("&Black and White"))):
            action = self._action(f"mask_view_{key}", text,
                                  lambda k=key: self.window.canvas.set_mask_view(k))
            action.setCheckable(True)
            action.setChecked(self.window.canvas.mask_view() == key)
            group.addAction(action)
            view.addAction(action)

    def _build_options_bar(self) -> None:
        """A toolbar row showing the active tool's name and its ``options()`` widget."""
        window = self.window
        window.addToolBarBreak()
        bar = self.options_bar = QToolBar(tr("Tool Options"), window)
        bar.setObjectName("toolbar-tool-options")
        bar.setMovable(False)
        self._tool_label = QLabel()
        self._tool_label.setContentsMargins(6, 0, 12, 0)
        self._options = QStackedWidget()
        self._pages: dict[str, int] = {}
        empty = self._options.addWidget(QWidget())
        for cls in tool_classes():
            widget = window.canvas.tool_instance(cls.name).options()
            self._pages[cls.name] = empty if widget is None else self._options.addWidget(widget)
        bar.addWidget(self._tool_label)
        bar.addWidget(self._options)
        window.addToolBar(bar)
        window.menu(window.tr("&View")).addAction(bar.toggleViewAction())
        window.canvas.tool_changed.connect(self._show_options)
        self._show_options(window.canvas.tool())

    def _show_options(self, name: str) -> None:
        self._tool_label.setText(self.window.canvas.tool_instance(name).title())
        self._options.setCurrentIndex(self._pages.get(name, 0))

    # -- document -----------------------------------------------------------------------
    def set_document(self, doc: Document | None) -> None:
        if self._doc is not None:
            self._doc.active_changed.disconnect(self._active_changed)
        self._doc = doc
        if doc is not None:
            doc.active_changed.connect(self._active_changed)
        for action in self.actions.values():
            action.setEnabled(doc is not None)

    def _active_changed(self, _layer: object) -> None:
        self.window.canvas.viewport().update()  # the black-and-white view shows the active mask

    def _tell(self, text: str, level: str = "info") -> None:
        self.window.notifications.show_message(text, level)

    # -- questions (tests replace this) -------------------------------------------------
    def ask_radius(self, title: str, default: int) -> int | None:
        """Ask for a radius in pixels; None when cancelled."""
        value, ok = QInputDialog.getInt(self.window, title, tr("Radius (pixels):"), default,
                                        1, MAX_RADIUS)
        return value if ok else None

    # -- selection ----------------------------------------------------------------------
    def _set_selection(self, mask: np.ndarray | None, text: str) -> None:
        doc = self._doc
        if doc is None:
            return
        if mask is not None and not mask.any():
            mask = None
        if mask is None and doc.selection is None:
            return
        doc.history.push(SetSelection(mask, text))

    def select_all(self) -> None:
        if self._doc is not None:
            full = np.full((self._doc.height, self._doc.width), 255, np.uint8)
            self._set_selection(full, tr("Select all"))

    def invert_selection(self) -> None:
        doc = self._doc
        if doc is None:
            return
        if doc.selection is None:
            self._tell(tr("Nothing is selected, so there is nothing to invert."))
            return
        self._set_selection(masks.invert(doc.selection), tr("Invert selection"))

    def selection_from_mask(self) -> None:
        doc = self._doc
        if doc is None:
            return
        layer = doc.active_layer
        if not isinstance(layer, MaskLayer):
            self._tell(tr("Selection from Mask needs a mask layer: choose one in the Layers"
                          " panel."), "warning")
            return
        if not layer.mask.any():
            self._tell(tr("The mask “{name}” is empty.").format(name=layer.name), "warning")
            return
        self._set_selection(layer.mask.copy(), tr("Selection from mask"))

    def mask_from_selection(self) -> None:
        doc = self._doc
        if doc is None:
            return
        if doc.selection is None:
            self._tell(tr("Select an area first; Mask from Selection turns it into a mask"
                          " layer."), "warning")
            return
        layer = MaskLayer(tr("Selection mask"), doc.selection.copy())
        doc.history.push(AddLayer(layer, text=tr("Mask from selection")))

    def refine_selection(self, key: str,
                         func: Callable[[np.ndarray, int], np.ndarray]) -> None:
        doc = self._doc
        if doc is None:
            return
        if doc.selection is None:
            self._tell(tr("Nothing is selected."))
            return
        radius = self.ask_radius(_refinements()[key][0].replace("&", "").rstrip("…"),
                                 DEFAULT_RADIUS[key])
        if radius is None:
            return
        text = {"feather": tr("Feather selection"), "grow": tr("Grow selection"),
                "shrink": tr("Shrink selection"), "smooth": tr("Smooth selection")}[key]
        self._set_selection(func(doc.selection, radius), text)

    # -- masks --------------------------------------------------------------------------
    def new_mask_layer(self) -> None:
        doc = self._doc
        if doc is None:
            return
        count = sum(isinstance(layer, MaskLayer) for layer in doc.layers)
        name = tr("Mask") if count == 0 else tr("Mask {n}").format(n=count + 1)
        layer = MaskLayer(name, np.zeros((doc.height, doc.width), np.uint8))
        doc.history.push(AddLayer(layer, text=tr("New mask layer")))

    def _replace_mask(self, title: str, text: str,
                      change: Callable[[np.ndarray], np.ndarray | None]) -> None:
        """Apply ``change`` to the active mask layer as one step (only the changed rect)."""
        doc = self._doc
        if doc is None:
            return
        layer = editable_mask(self.window.canvas, title)
        if layer is None:
            return
        new = change(layer.mask)
        if new is None:
            return
        rect = masks.changed_rect(layer.mask, new)
        if rect is not None:
            x0, y0, x1, y1 = rect
            doc.history.push(ReplaceRegion(layer, x0, y0, new[y0:y1, x0:x1], text))

    def invert_mask(self) -> None:
        self._replace_mask(tr("Invert Mask"), tr("Invert mask"), masks.invert)

    def refine_mask(self, key: str, func: Callable[[np.ndarray, int], np.ndarray]) -> None:
        title = _refinements()[key][0].replace("&", "").rstrip("…")
        text = {"feather": tr("Feather mask"), "grow": tr("Grow mask"),
                "shrink": tr("Shrink mask"), "smooth": tr("Smooth mask")}[key]

        def change(mask: np.ndarray) -> np.ndarray | None:
            radius = self.ask_radius(title, DEFAULT_RADIUS[key])
            return None if radius is None else func(mask, radius)

        self._replace_mask(title, text, change)

    def fill_mask(self, value: int) -> None:
        """Fill the active mask with ``value`` (255 fill, 0 clear), inside the selection
        when there is one."""
        doc = self._doc
        if doc is None:
            return
        selection = doc.selection

        def change(mask: np.ndarray) -> np.ndarray:
            if selection is None:
                return np.full_like(mask, value)
            mixed = mask + (value - mask.astype(np.float32)) * (selection / np.float32(255))
            return np.rint(mixed).astype(np.uint8)

        if value:
            self._replace_mask(tr("Fill Mask"), tr("Fill mask"), change)
        else:
            self._replace_mask(tr("Clear Mask"), tr("Clear mask"), change)
