"""Compare in the View menu: the before/after split slider over the canvas (Y) and the
side-by-side window (Shift+Y)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QKeySequence

from editor.qt.compare import CompareImages, SideBySideView, SplitView
from editor.qt.features import Feature, feature

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("Compare", text)


class _CloseWatcher(QObject):
    """Unticks the side-by-side action when its window is closed."""

    def __init__(self, action, parent: QObject) -> None:
        super().__init__(parent)
        self._action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Close:
            self._action.setChecked(False)
        return False


@feature
class CompareFeature(Feature):
    """Split slider and side-by-side compare of two versions of the photo."""

    name = "compare"
    order = 40

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.split_images = CompareImages(window)
        self.side_images = CompareImages(window)
        self.split = SplitView(window.canvas, self.split_images)
        self.side_by_side = SideBySideView(self.side_images, window)
        menu = window.menu(window.tr("&View"))
        menu.addSeparator()
        self.split_action = menu.addAction(tr("Compare: &Split View"))
        self.split_action.setShortcut(QKeySequence("Y"))
        self.side_action = menu.addAction(tr("Compare: Side &by Side"))
        self.side_action.setShortcut(QKeySequence("Shift+Y"))
        for action in (self.split_action, self.side_action):
            action.setCheckable(True)
            action.setEnabled(False)
        self.split_action.setToolTip(
            tr("Drag the divider to compare before and after; Y again closes it"))
        self.split_action.toggled.connect(self.show_split)
        self.side_action.toggled.connect(self.show_side_by_side)
        self.side_by_side.installEventFilter(_CloseWatcher(self.side_action, self.side_by_side))

    def set_document(self, doc: Document | None) -> None:
        for images in (self.split_images, self.side_images):
            images.set_document(doc)
        for action in (self.split_action, self.side_action):
            action.setEnabled(doc is not None)
            if doc is None:
                action.setChecked(False)

    def show_split(self, on: bool) -> None:
        """Show or hide the split slider over the canvas."""
        self.split_action.setChecked(on)
        self.split_images.set_active(on)
        self.split.setVisible(on)
        if on:
            self.split.raise_()

    def show_side_by_side(self, on: bool) -> None:
        """Show or hide the side-by-side window."""
        self.side_action.setChecked(on)
        self.side_images.set_active(on)
        self.side_by_side.setVisible(on)
        if on:
            self.side_by_side.raise_()
