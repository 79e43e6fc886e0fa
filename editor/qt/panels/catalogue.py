"""The Catalogue dock's widgets: the folder being indexed and its progress, the open photo's
predicted tags, a thumbnail grid of the most similar catalogue images, and the groups of
duplicates with "Keep the best". It only shows things and emits requests; the work is
done by :mod:`editor.qt.features.catalogue`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.qt.convert import rgba_to_qimage

THUMB = 96


def tr(text: str) -> str:
    return QCoreApplication.translate("Catalogue", text)


def thumbnail_icon(rgb: np.ndarray) -> QIcon:
    """An icon of a small uint8 RGB(A) image (made on the GUI thread)."""
    if rgb.shape[2] == 3:
        rgb = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    return QIcon(QPixmap.fromImage(rgba_to_qimage(np.ascontiguousarray(rgb))))


class CataloguePanel(QWidget):
    """Signals: ``choose_requested``, ``rebuild_requested``, ``tag_folder_requested``,
    ``duplicates_requested``, ``open_requested(path)``, ``keep_best_requested(group)``."""

    choose_requested = Signal()
    rebuild_requested = Signal()
    tag_folder_requested = Signal()
    duplicates_requested = Signal()
    open_requested = Signal(str)
    keep_best_requested = Signal(object)  # list[str]: the group, best first

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogue-panel")
        column = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.choose_button = QPushButton(tr("Choose folder…"))
        self.rebuild_button = QPushButton(tr("Rebuild"))
        self.rebuild_button.setEnabled(False)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.rebuild_button)
        column.addLayout(buttons)
        self.status = QLabel(tr("Choose a folder of product photos to search."))
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        column.addWidget(self.progress)

        self.tags = QLabel(tr("Tags: open a photo"))
        self.tags.setObjectName("catalogue-tags")
        self.tags.setWordWrap(True)
        column.addWidget(self.tags)
        self.tag_folder_button = QPushButton(tr("Tag a folder…"))
        column.addWidget(self.tag_folder_button)

        column.addWidget(QLabel(tr("Most similar in the catalogue:")))
        self.grid = QListWidget()
        self.grid.setViewMode(QListWidget.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.grid.setMovement(QListWidget.Movement.Static)
        self.grid.setWordWrap(True)
        column.addWidget(self.grid, 2)

        dup_row = QHBoxLayout()
        self.duplicates_button = QPushButton(tr("Find duplicates"))
        self.duplicates_button.setEnabled(False)
        self.keep_button = QPushButton(tr("Keep the best"))
        self.keep_button.setToolTip(tr("Move the other copies of the selected group to the "
                                       "trash, keeping the largest, sharpest one"))
        self.keep_button.setEnabled(False)
        dup_row.addWidget(self.duplicates_button)
        dup_row.addWidget(self.keep_button)
        column.addLayout(dup_row)
        self.groups = QTreeWidget()
        self.groups.setHeaderLabels([tr("Duplicates")])
        column.addWidget(self.groups, 1)

        self.choose_button.clicked.connect(self.choose_requested)
        self.rebuild_button.clicked.connect(self.rebuild_requested)
        self.tag_folder_button.clicked.connect(self.tag_folder_requested)
        self.duplicates_button.clicked.connect(self.duplicates_requested)
        self.grid.itemActivated.connect(self._activated)
        self.grid.itemClicked.connect(self._activated)
        self.groups.itemDoubleClicked.connect(self._group_item_opened)
        self.groups.itemSelectionChanged.connect(
            lambda: self.keep_button.setEnabled(self.selected_group() is not None))
        self.keep_button.clicked.connect(self._keep_best)

    # -- showing ---------------------------------------------------------------------------
    def set_status(self, text: str, fraction: float | None = None) -> None:
        """A line about the catalogue; a progress bar while ``fraction`` is given."""
        self.status.setText(text)
        self.progress.setVisible(fraction is not None)
        if fraction is not None:
            self.progress.setValue(int(1000 * max(0.0, min(1.0, fraction))))

    def set_ready(self, ready: bool) -> None:
        self.rebuild_button.setEnabled(ready)
        self.duplicates_button.setEnabled(ready)

    def set_tags(self, text: str) -> None:
        self.tags.setText(text)

    def show_matches(self, matches: list[tuple[str, float, np.ndarray]]) -> None:
        """Thumbnails of (path, score, small RGB image), best first."""
        self.grid.clear()
        for path, score, thumb in matches:
            item = QListWidgetItem(thumbnail_icon(thumb), f"{Path(path).name}\n{score:.2f}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.grid.addItem(item)

    def show_groups(self, groups: list[list[str]]) -> None:
        """Groups of copies, each best first (marked)."""
        self.groups.clear()
        for n, group in enumerate(groups, 1):
            top = QTreeWidgetItem([tr("Group {n}: {count} copies").format(n=n,
                                                                         count=len(group))])
            top.setData(0, Qt.ItemDataRole.UserRole, group)
            for k, path in enumerate(group):
                label = (tr("{name} (best)") if k == 0 else "{name}").format(
                    name=Path(path).name)
                child = QTreeWidgetItem([label])
                child.setToolTip(0, path)
                child.setData(0, Qt.ItemDataRole.UserRole, path)
                top.addChild(child)
            self.groups.addTopLevelItem(top)
            top.setExpanded(True)
        if not groups:
            self.groups.addTopLevelItem(QTreeWidgetItem([tr("No duplicates found.")]))

    def selected_group(self) -> list[str] | None:
        item = self.groups.currentItem()
        if item is None:
            return None
        item = item.parent() or item
        group = item.data(0, Qt.ItemDataRole.UserRole)
        return list(group) if isinstance(group, list) else None

    # -- requests --------------------------------------------------------------------------
    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.open_requested.emit(str(path))

    def _group_item_opened(self, item: QTreeWidgetItem) -> None:
        path = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(path, str):
            self.open_requested.emit(path)

    def _keep_best(self) -> None:
        group = self.selected_group()
        if group:
            self.keep_best_requested.emit(group)
