"""Drawing helpers for the canvas: image pyramids, overlays and the selection outline.

Nothing here knows about documents or history; the canvas feeds it plain data.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QImage, QPainter, QPen, QPixmap

from editor.model.layers import Box

Rect = tuple[int, int, int, int]

#: the smallest pyramid level kept (about this many pixels on its long side)
_MIN_LEVEL_SIDE = 64


class Pyramid:
    """An image and lazily built half-size copies, so drawing at zoom < 1 stays smooth and
    cheap: the canvas draws from the smallest level that is still at least as large as the
    screen size, instead of filtering the full image on every paint."""

    def __init__(self, base: QImage) -> None:
        # premultiplied ARGB is what the raster engine draws without converting each time
        self.base = base.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        self._levels: dict[int, QImage] = {}

    @property
    def width(self) -> int:
        return self.base.width()

    @property
    def height(self) -> int:
        return self.base.height()

    def level_for(self, zoom: float) -> tuple[QImage, float]:
        """The image to draw at ``zoom`` and its scale relative to the base image."""
        if zoom >= 1.0:
            return self.base, 1.0
        level = int(math.floor(math.log2(1.0 / zoom)))
        while level > 0 and max(self.width, self.height) >> level < _MIN_LEVEL_SIDE:
            level -= 1
        if level <= 0:
            return self.base, 1.0
        image = self._levels.get(level) or self._build_cached(level)
        return image, image.width() / self.width

    def replace(self, x: int, y: int, patch: QImage) -> None:
        """Write ``patch`` into the base at (x, y) and refresh the matching part of each
        level already built (only that part is rescaled)."""
        painter = QPainter(self.base)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.drawImage(x, y, patch.convertToFormat(self.base.format()))
        painter.end()
        rect = (x, y, x + patch.width(), y + patch.height())
        for level, image in self._levels.items():
            self._refresh(level, image, rect)

    def _build(self, level: int) -> QImage:
        return self.base.scaled(
            max(1, self.width >> level), max(1, self.height >> level),
            Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation,
        )

    def _build_cached(self, level: int) -> QImage:
        self._levels[level] = self._build(level)
        return self._levels[level]

    def _refresh(self, level: int, image: QImage, rect: Rect) -> None:
        sx = image.width() / self.width
        sy = image.height() / self.height
        tx0, ty0 = int(rect[0] * sx), int(rect[1] * sy)
        tx1 = min(image.width(), math.ceil(rect[2] * sx) + 1)
        ty1 = min(image.height(), math.ceil(rect[3] * sy) + 1)
        if tx1 <= tx0 or ty1 <= ty0:
            return
        source = QRect(
            int(tx0 / sx), int(ty0 / sy), math.ceil((tx1 - tx0) / sx), math.ceil((ty1 - ty0) / sy)
        ).intersected(self.base.rect())
        scaled = self.base.copy(source).scaled(
            tx1 - tx0, ty1 - ty0,
            Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation,
        )
        painter = QPainter(image)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.drawImage(tx0, ty0, scaled)
        painter.end()


def checkerboard_brush(cell: int = 8) -> QBrush:
    """The grey-and-white pattern that shows transparency (fixed size on screen)."""
    tile = QPixmap(cell * 2, cell * 2)
    tile.fill(QColor(255, 255, 255))
    painter = QPainter(tile)
    grey = QColor(204, 204, 204)
    painter.fillRect(0, 0, cell, cell, grey)
    painter.fillRect(cell, cell, cell, cell, grey)
    painter.end()
    return QBrush(tile)


def mask_outline(mask: np.ndarray) -> list[QLineF]:
    """The boundary of ``mask >= 128`` as axis-aligned segments in image pixel coordinates
    (pixel edges), adjacent edges merged into one segment per run."""
    inside = np.zeros((mask.shape[0] + 2, mask.shape[1] + 2), bool)
    inside[1:-1, 1:-1] = mask >= 128
    lines: list[QLineF] = []
    # horizontal edges lie between rows y-1 and y of the mask (y = 0..H)
    horizontal = inside[1:, 1:-1] != inside[:-1, 1:-1]
    for y, x0, x1 in _runs(horizontal):
        lines.append(QLineF(x0, y, x1, y))
    vertical = (inside[1:-1, 1:] != inside[1:-1, :-1]).T
    for x, y0, y1 in _runs(vertical):
        lines.append(QLineF(x, y0, x, y1))
    return lines


def _runs(rows: np.ndarray) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of True in each row of a 2-D bool array."""
    h, w = rows.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = rows
    flat = np.diff(padded.ravel())
    starts = np.flatnonzero(flat == 1)
    ends = np.flatnonzero(flat == -1)
    stride = w + 2
    return [(int(s // stride), int(s % stride), int(e % stride)) for s, e in zip(starts, ends,
                                                                              strict=True)]


def label_colour(label: str) -> QColor:
    """A stable, distinct colour for a box label."""
    hue = (sum(ord(c) * 31 ** i for i, c in enumerate(label)) * 47) % 360
    return QColor.fromHsv(hue, 200, 230)


def draw_boxes(painter: QPainter, boxes: list[Box], to_widget, opacity: float) -> None:
    """Draw labelled rectangles; ``to_widget`` maps an image QPointF to widget coordinates."""
    painter.save()
    painter.setOpacity(opacity)
    metrics = QFontMetricsF(painter.font())
    for box in boxes:
        colour = label_colour(box.label)
        top_left = to_widget(QPointF(box.x0, box.y0))
        bottom_right = to_widget(QPointF(box.x1, box.y1))
        rect = QRectF(top_left, bottom_right)
        pen = QPen(colour, 2)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        text = box.label if box.score >= 1.0 else f"{box.label} {box.score:.2f}"
        tag = QRectF(0, 0, metrics.horizontalAdvance(text) + 8, metrics.height() + 2)
        tag.moveBottomLeft(rect.topLeft())
        if tag.top() < 0:
            tag.moveTopLeft(rect.topLeft())
        painter.fillRect(tag, colour)
        painter.setPen(QColor(0, 0, 0) if colour.lightness() > 140 else QColor(255, 255, 255))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def draw_marching_ants(painter: QPainter, lines: list[QLineF], phase: int) -> None:
    """Draw ``lines`` (already in widget coordinates) as a black-and-white dashed outline
    whose dashes move with ``phase``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    white = QPen(QColor(255, 255, 255), 1)
    white.setCosmetic(True)
    painter.setPen(white)
    painter.drawLines(lines)
    black = QPen(QColor(0, 0, 0), 1, Qt.PenStyle.CustomDashLine)
    black.setCosmetic(True)
    black.setDashPattern([4.0, 4.0])
    black.setDashOffset(phase)
    painter.setPen(black)
    painter.drawLines(lines)
    painter.restore()
