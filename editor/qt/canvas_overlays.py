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


#: boxes whose score is below this are drawn dashed, for a person to review
REVIEW_THRESHOLD = 0.5
#: a box gets its label tag when it is at least this wide on screen (widget pixels)
TAG_MIN_WIDTH = 28.0
#: at most this many tags are drawn; beyond, the view is too crowded to read them anyway
MAX_TAGS = 300
_ARRAYS: dict[int, tuple[list[Box], BoxArrays]] = {}
_ARRAYS_KEPT = 8


class BoxArrays:
    """A box list as numpy arrays, for vectorised hit-testing and culling."""

    def __init__(self, boxes: list[Box]) -> None:
        n = len(boxes)
        self.coords = np.array([(b.x0, b.y0, b.x1, b.y1) for b in boxes], float).reshape(n, 4)
        self.scores = np.array([b.score for b in boxes], float)
        self.names = list(dict.fromkeys(b.label for b in boxes))
        index = {name: i for i, name in enumerate(self.names)}
        self.codes = np.array([index[b.label] for b in boxes], np.int32)

    def at(self, x: float, y: float) -> int | None:
        """Index of the smallest box containing image point (x, y), or None."""
        c = self.coords
        hit = np.flatnonzero((c[:, 0] <= x) & (x <= c[:, 2]) & (c[:, 1] <= y) & (y <= c[:, 3]))
        if not len(hit):
            return None
        areas = (c[hit, 2] - c[hit, 0]) * (c[hit, 3] - c[hit, 1])
        return int(hit[np.argmin(areas)])


def box_arrays(boxes: list[Box]) -> BoxArrays:
    """The arrays of ``boxes``, cached for as long as the same list object is shown (box
    lists are replaced, never changed in place, by every command)."""
    key = id(boxes)
    cached = _ARRAYS.get(key)
    if cached is not None and cached[0] is boxes and len(cached[1].scores) == len(boxes):
        return cached[1]
    arrays = BoxArrays(boxes)
    _ARRAYS[key] = (boxes, arrays)  # the list is kept alive, so its id cannot be reused
    while len(_ARRAYS) > _ARRAYS_KEPT:
        del _ARRAYS[next(iter(_ARRAYS))]
    return arrays




def label_colour(label: str) -> QColor:
    """The colour of a box label: by the class's place in the session's class list, from a
    palette designed for distinctness (:mod:`editor.model.labels.palette`)."""
    from editor.model.labels.palette import colour_of

    return QColor(colour_of(label))


def draw_boxes(painter: QPainter, boxes: list[Box], to_widget, opacity: float, *,
               threshold: float = REVIEW_THRESHOLD) -> None:
    """Draw labelled rectangles; ``to_widget`` maps an image QPointF to widget coordinates.

    Only boxes inside the painter's device are drawn, grouped by colour and line style so
    a thousand boxes cost a few calls; a box scored below ``threshold`` is dashed."""
    if not boxes:
        return
    arrays = box_arrays(boxes)
    origin, unit = to_widget(QPointF(0, 0)), to_widget(QPointF(1, 1))
    sx, sy = unit.x() - origin.x(), unit.y() - origin.y()
    c = arrays.coords
    wx0, wx1 = c[:, 0] * sx + origin.x(), c[:, 2] * sx + origin.x()
    wy0, wy1 = c[:, 1] * sy + origin.y(), c[:, 3] * sy + origin.y()
    device = painter.device()
    width, height = device.width(), device.height()
    shown = np.flatnonzero((wx1 >= -4) & (wx0 <= width + 4) & (wy1 >= -4) & (wy0 <= height + 4))
    if not len(shown):
        return
    painter.save()
    painter.setOpacity(opacity)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    low = arrays.scores < threshold
    colours = [label_colour(name) for name in arrays.names]
    for code in np.unique(arrays.codes[shown]).tolist():
        ours = shown[arrays.codes[shown] == code]
        for dashed in (False, True):
            group = ours[low[ours] == dashed]
            if not len(group):
                continue
            pen = QPen(colours[code], 2, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawRects([QRectF(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in zip(
                wx0[group].tolist(), wy0[group].tolist(), wx1[group].tolist(),
                wy1[group].tolist(), strict=True)])
    tagged = shown[(wx1[shown] - wx0[shown]) >= TAG_MIN_WIDTH]
    if len(tagged) <= MAX_TAGS:
        _draw_tags(painter, boxes, tagged.tolist(), wx0, wy0, colours, arrays.codes)
    painter.restore()


def _draw_tags(painter: QPainter, boxes: list[Box], indices: list[int], wx0: np.ndarray,
               wy0: np.ndarray, colours: list[QColor], codes: np.ndarray) -> None:
    """The label (and score, when below 1) above each box's top-left corner."""
    metrics = QFontMetricsF(painter.font())
    height = metrics.height() + 2
    for i in indices:
        box = boxes[i]
        colour = colours[codes[i]]
        text = box.label if box.score >= 1.0 else f"{box.label} {box.score:.2f}"
        top = wy0[i] - height if wy0[i] - height >= 0 else wy0[i]
        tag = QRectF(wx0[i], top, metrics.horizontalAdvance(text) + 8, height)
        painter.fillRect(tag, colour)
        painter.setPen(QColor(0, 0, 0) if colour.lightness() > 140 else QColor(255, 255, 255))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)


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
