"""What the Train dialog found in the chosen folder: format, counts, thumbnails, problems."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.qt.convert import rgba_to_qimage
from editor.qt.icons import item_icon
from editor.qt.training.scan import THUMBNAIL_SIZE, FolderScan

#: problems listed one per row; the rest are counted
MAX_PROBLEMS_SHOWN = 200
_ICON = THUMBNAIL_SIZE * 7 // 12
_CELL = QSize(_ICON + 28, _ICON + 24)
#: how texts that report a problem look (the notification bar's error tint)
ERROR_STYLE = "color: #d1242f;"


class DatasetView(QWidget):
    """Shows a :class:`FolderScan`: a headline, a count table, thumbnails and the files
    that were skipped with their reasons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = QTableWidget(0, 2)
        self.counts.setHorizontalHeaderLabels([self.tr("What"), self.tr("Count")])
        self.counts.verticalHeader().hide()
        self.counts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.counts.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.counts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.thumbnails = QListWidget()
        self.thumbnails.setViewMode(QListView.ViewMode.IconMode)
        self.thumbnails.setFlow(QListView.Flow.LeftToRight)
        self.thumbnails.setWrapping(True)
        self.thumbnails.setResizeMode(QListView.ResizeMode.Adjust)
        self.thumbnails.setIconSize(QSize(_ICON, _ICON))
        self.thumbnails.setFixedHeight(2 * _CELL.height() + 8)  # two rows: 8 thumbnails
        self.thumbnails.setGridSize(_CELL)
        self.thumbnails.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.thumbnails.setMovement(QListView.Movement.Static)
        self.thumbnails.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.problems_label = QLabel()
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.setMaximumHeight(110)
        self.problems.setTextElideMode(Qt.TextElideMode.ElideMiddle)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.counts)
        layout.addWidget(self.thumbnails)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems)
        self.show_nothing()

    # -- states ---------------------------------------------------------------------------
    def show_nothing(self) -> None:
        """No folder chosen yet."""
        self.headline.setStyleSheet("")
        self.headline.setText(self.tr("Choose the folder of examples to learn from."))
        self._set_details_visible(False)

    def show_scanning(self, folder: str) -> None:
        self.headline.setStyleSheet("")
        self.headline.setText(self.tr("Looking at {folder}…").format(folder=folder))
        self._set_details_visible(False)

    def show_scan(self, result: FolderScan) -> None:
        """Show what was found, or why the folder cannot be used."""
        dataset = result.dataset
        if dataset is None:
            self.headline.setText(result.error)
            self.headline.setStyleSheet(ERROR_STYLE)
            self._set_details_visible(False)
            return
        self.headline.setStyleSheet("")
        self.headline.setText(self.tr("{format}: {count} usable samples").format(
            format=dataset.format, count=f"{len(dataset.samples):,}"))
        rows = list(dataset.counts().items())
        self.counts.setRowCount(len(rows))
        for row, (name, count) in enumerate(rows):
            label = dataset.format if name == dataset.kind else name
            self.counts.setItem(row, 0, QTableWidgetItem(label))
            number = QTableWidgetItem(f"{count:,}")
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.counts.setItem(row, 1, number)
        self.thumbnails.clear()
        for thumb in result.thumbnails:
            item = QListWidgetItem(QIcon(QPixmap.fromImage(rgba_to_qimage(thumb.pixels))),
                                   thumb.caption)
            item.setToolTip(str(thumb.path))
            self.thumbnails.addItem(item)
        self.problems.clear()
        for problem in dataset.problems[:MAX_PROBLEMS_SHOWN]:
            item = QListWidgetItem(item_icon("alert-outline"), str(problem))
            item.setToolTip(str(problem))
            self.problems.addItem(item)
        hidden = len(dataset.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            self.problems.addItem(self.tr("… and {n} more").format(n=f"{hidden:,}"))
        self.problems_label.setText(
            self.tr("Skipped files ({n}):").format(n=len(dataset.problems)) if dataset.problems
            else self.tr("No files were skipped."))
        self._set_details_visible(True)
        rows_height = sum(self.counts.rowHeight(r) for r in range(self.counts.rowCount()))
        self.counts.setFixedHeight(min(160, self.counts.horizontalHeader().height()
                                       + rows_height + 2 * self.counts.frameWidth()))
        self.problems.setVisible(bool(dataset.problems))
        self.thumbnails.setVisible(bool(result.thumbnails))

    def problem_texts(self) -> list[str]:
        """The problem rows as shown."""
        return [self.problems.item(i).text() for i in range(self.problems.count())]

    def count_texts(self) -> list[tuple[str, str]]:
        """The count table as shown: (what, count) per row."""
        return [(self.counts.item(r, 0).text(), self.counts.item(r, 1).text())
                for r in range(self.counts.rowCount())]

    def _set_details_visible(self, visible: bool) -> None:
        for widget in (self.counts, self.thumbnails, self.problems_label, self.problems):
            widget.setVisible(visible)
