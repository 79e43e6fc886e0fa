"""The Variants dock's widgets: what to make, progress and cancel, and the set as a grid
of thumbnails. It renders state and emits requests; :mod:`editor.qt.features.variants`
does the work."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.qt.convert import rgba_to_qimage

THUMB = 120
#: per kind: the plugin param the text field fills, and its starting text
KIND_FIELDS = {
    "colourway": ("colours", "auto"),
    "backgrounds": ("backgrounds", "white,#f3e5d8,gradient,sweep"),
    "crops": ("ratios", "1:1,4:5,16:9,3:4"),
    "generate": ("model", ""),
}


def thumbnail(rgba: np.ndarray, side: int = THUMB) -> np.ndarray:
    """A small copy of ``rgba`` whose longer side is ``side`` (worker-thread safe)."""
    import cv2

    h, w = rgba.shape[:2]
    scale = side / max(h, w)
    if scale >= 1:
        return np.ascontiguousarray(rgba)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgba, size, interpolation=cv2.INTER_AREA)


class VariantsPanel(QWidget):
    """Signals: ``run_requested(kind, field, text)``, ``cancel_requested()``,
    ``open_requested(row)``, ``export_requested()``."""

    run_requested = Signal(str, str, str)
    cancel_requested = Signal()
    open_requested = Signal(int)
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for kind, title in (("colourway", self.tr("Colourways")),
                            ("backgrounds", self.tr("Backdrops")),
                            ("crops", self.tr("Marketplace crops")),
                            ("generate", self.tr("Generated backdrops"))):
            self.kind.addItem(title, kind)
        self.text = QLineEdit()
        self.run_button = QPushButton(self.tr("Make variants"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.grid = QListWidget()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.open_button = QPushButton(self.tr("Open as document"))
        self.export_button = QPushButton(self.tr("Export all…"))

        form = QFormLayout()
        form.addRow(self.tr("Make"), self.kind)
        self.field_label = QLabel()
        form.addRow(self.field_label, self.text)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.grid, 1)
        layout.addLayout(actions)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.run_button.clicked.connect(self._run)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.grid.itemDoubleClicked.connect(lambda item: self.open_requested.emit(
            self.grid.row(item)))
        self.open_button.clicked.connect(self._open_current)
        self.export_button.clicked.connect(self.export_requested)
        self._kind_changed()
        self.set_variants([], [])

    # -- what the feature tells it --------------------------------------------------------
    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        if running:
            self.progress.setValue(0)

    def set_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.status.setText(message)

    def show_message(self, text: str) -> None:
        self.status.setText(text)

    def set_variants(self, names: list[str], thumbs: list[np.ndarray]) -> None:
        """Show the set: one thumbnail per variant, named by its file."""
        self.grid.clear()
        for name, thumb in zip(names, thumbs, strict=True):
            item = QListWidgetItem(QIcon(QPixmap.fromImage(rgba_to_qimage(thumb))), name)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.grid.addItem(item)
        self.open_button.setEnabled(bool(names))
        self.export_button.setEnabled(bool(names))

    # -- user actions ---------------------------------------------------------------------
    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def _kind_changed(self) -> None:
        field, text = KIND_FIELDS[self.current_kind()]
        labels = {"colours": self.tr("Colours"), "backgrounds": self.tr("Backdrops"),
                  "ratios": self.tr("Ratios"), "model": self.tr("Generator model")}
        self.field_label.setText(labels[field])
        self.text.setText(text)

    def _run(self) -> None:
        kind = self.current_kind()
        self.run_requested.emit(kind, KIND_FIELDS[kind][0], self.text.text().strip())

    def _open_current(self) -> None:
        row = self.grid.currentRow()
        if row >= 0:
            self.open_requested.emit(row)
