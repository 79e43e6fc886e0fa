"""Geometric transforms of a whole document: crop, canvas size, resize, rotate, flip and
straighten. Pure data, no Qt.

A :class:`Transform` maps each kind of layer data (RGBA pixels, a mask, boxes) of a
``width x height`` document to a new size, so that raster, mask and box layers and the
selection stay aligned. :func:`transform_stack` applies one to a stack of layers without
changing them; :class:`TransformDocument` applies one to a document as a single undo step.

Coordinates are image pixels with integer pixel edges: pixel ``(c, r)`` covers
``[c, c + 1) x [r, r + 1)``, as in :class:`editor.model.layers.Box`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from editor.model.history import Command
from editor.model.layers import Box, BoxLayer, Layer, MaskLayer, RasterLayer

if TYPE_CHECKING:
    from editor.model.document import Document

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)
Size = tuple[int, int]  # width, height
RGBA = tuple[int, int, int, int]
#: where the old image sits in a larger or smaller canvas: (column, row), each 0, 1 or 2
Anchor = tuple[int, int]
#: the largest side a transform may produce (a typo must not allocate gigabytes)
MAX_SIDE = 30000

# -- aspect presets ------------------------------------------------------------------------


@dataclass(frozen=True)
class AspectPreset:
    """A crop or canvas shape: ``ratio`` = (width, height), None = free."""

    key: str
    #: untranslated label; the GUI translates it
    label: str
    ratio: tuple[int, int] | None


#: plain ratios first, then marketplaces (shapes from shared/research/marketplace-rules.md)
ASPECT_PRESETS: tuple[AspectPreset, ...] = (
    AspectPreset("free", "Free", None),
    AspectPreset("1:1", "1:1 (square)", (1, 1)),
    AspectPreset("4:5", "4:5 (portrait)", (4, 5)),
    AspectPreset("3:4", "3:4 (portrait)", (3, 4)),
    AspectPreset("2:3", "2:3 (portrait)", (2, 3)),
    AspectPreset("16:9", "16:9 (wide)", (16, 9)),
    AspectPreset("amazon", "Amazon main image (1:1)", (1, 1)),
    AspectPreset("amazon-apparel", "Amazon apparel (3:4)", (3, 4)),
    AspectPreset("walmart", "Walmart (1:1)", (1, 1)),
    AspectPreset("shopee", "Shopee (1:1)", (1, 1)),
    AspectPreset("etsy", "Etsy first photo (4:3)", (4, 3)),
    AspectPreset("zalando", "Zalando (1:1.44)", (25, 36)),
)


def aspect_preset(key: str) -> AspectPreset:
    """The preset called ``key``; raises KeyError naming the known keys."""
    for preset in ASPECT_PRESETS:
        if preset.key == key:
            return preset
    raise KeyError(f"no aspect preset {key!r}; known: {', '.join(p.key for p in ASPECT_PRESETS)}")


def crop_rect_for_aspect(size: Size, ratio: tuple[float, float] | None,
                         within: Rect | None = None) -> Rect:
    """The largest rectangle of shape ``ratio`` (width, height) centred in ``within``
    (default the whole ``size`` image); ``ratio`` None gives ``within`` itself."""
    x0, y0, x1, y1 = within if within is not None else (0, 0, *size)
    if ratio is None:
        return x0, y0, x1, y1
    w, h = x1 - x0, y1 - y0
    target = ratio[0] / ratio[1]
    if w / h > target:
        new_w, new_h = max(1, round(h * target)), h
    else:
        new_w, new_h = w, max(1, round(w / target))
    left, top = x0 + (w - new_w) // 2, y0 + (h - new_h) // 2
    return left, top, left + new_w, top + new_h


def padded_size_for_aspect(size: Size, ratio: tuple[float, float]) -> Size:
    """The smallest canvas of shape ``ratio`` that holds a ``size`` image (pad to aspect)."""
    w, h = size
    target = ratio[0] / ratio[1]
    if w / h > target:
        return w, max(h, round(w / target))
    return max(w, round(h * target)), h


# -- transforms ----------------------------------------------------------------------------


class Transform(ABC):
    """Maps a ``size`` document's layer data to the :meth:`output_size` document."""

    #: untranslated history text
    text = "Transform"

    def output_size(self, size: Size) -> Size:
        return size

    @abstractmethod
    def pixels(self, rgba: np.ndarray, *, bottom: bool = False) -> np.ndarray:
        """New RGBA pixels; ``bottom``: this is the lowest raster layer (the photo)."""

    @abstractmethod
    def mask(self, mask: np.ndarray) -> np.ndarray:
        """New mask (or selection); areas that were outside the image become 0."""

    @abstractmethod
    def boxes(self, boxes: Sequence[Box], size: Size) -> list[Box]:
        """New boxes, clipped to the new image; boxes left with no area are dropped."""


def _map_boxes(boxes: Sequence[Box], out: Size,
               point: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
               ) -> list[Box]:
    """Boxes through ``point`` (x, y arrays -> x, y arrays): the box around the mapped
    corners, clipped to ``out``; boxes that end up with no area are dropped."""
    result = []
    for box in boxes:
        xs, ys = point(np.array([box.x0, box.x1, box.x0, box.x1], np.float64),
                       np.array([box.y0, box.y0, box.y1, box.y1], np.float64))
        x0, x1 = (float(np.clip(v, 0, out[0])) for v in (xs.min(), xs.max()))
        y0, y1 = (float(np.clip(v, 0, out[1])) for v in (ys.min(), ys.max()))
        if x1 > x0 and y1 > y0:
            result.append(Box(x0, y0, x1, y1, box.label, box.score))
    return result


@dataclass(frozen=True)
class CanvasSize(Transform):
    """Place the image at ``offset`` (its top-left in the new canvas; negative crops) in a
    ``width x height`` canvas. New area: ``fill`` on the bottom raster layer (the photo),
    transparent on the layers above (so blend modes keep working), 0 in masks."""

    width: int
    height: int
    offset: tuple[int, int] = (0, 0)
    fill: RGBA = (0, 0, 0, 0)
    text: str = "Canvas size"

    def __post_init__(self) -> None:
        _check_size(self.width, self.height)

    @classmethod
    def anchored(cls, size: Size, new: Size, anchor: Anchor = (1, 1),
                 fill: RGBA = (0, 0, 0, 0)) -> CanvasSize:
        """The image placed at ``anchor`` ((0, 0) top-left, (1, 1) centre, (2, 2)
        bottom-right) in a ``new`` canvas."""
        offset = ((new[0] - size[0]) * anchor[0] // 2, (new[1] - size[1]) * anchor[1] // 2)
        return cls(new[0], new[1], offset, tuple(fill))

    def output_size(self, size: Size) -> Size:
        return self.width, self.height

    def _paste(self, data: np.ndarray, fill: np.ndarray | int) -> np.ndarray:
        out = np.empty((self.height, self.width, *data.shape[2:]), data.dtype)
        out[...] = fill
        ox, oy = self.offset
        h, w = data.shape[:2]
        sx0, sy0 = max(0, -ox), max(0, -oy)
        dx0, dy0 = max(0, ox), max(0, oy)
        cw = min(w - sx0, self.width - dx0)
        ch = min(h - sy0, self.height - dy0)
        if cw > 0 and ch > 0:
            out[dy0 : dy0 + ch, dx0 : dx0 + cw] = data[sy0 : sy0 + ch, sx0 : sx0 + cw]
        return out

    def pixels(self, rgba: np.ndarray, *, bottom: bool = False) -> np.ndarray:
        fill = np.array(self.fill if bottom else (0, 0, 0, 0), np.uint8)
        return self._paste(rgba, fill)

    def mask(self, mask: np.ndarray) -> np.ndarray:
        return self._paste(mask, 0)

    def boxes(self, boxes: Sequence[Box], size: Size) -> list[Box]:
        ox, oy = self.offset
        return _map_boxes(boxes, (self.width, self.height), lambda x, y: (x + ox, y + oy))


def crop(rect: Rect) -> CanvasSize:
    """Keep only ``rect`` (x0, y0, x1, y1) of the image."""
    x0, y0, x1, y1 = rect
    return CanvasSize(x1 - x0, y1 - y0, (-x0, -y0), text="Crop")


@dataclass(frozen=True)
class Resize(Transform):
    """Scale to ``width x height``: area averaging when shrinking, Lanczos when enlarging,
    on premultiplied colour so transparent pixels do not bleed into edges. Masks are
    resized smoothly (area / linear) and boxes scaled."""

    width: int
    height: int
    text: str = "Resize"

    def __post_init__(self) -> None:
        _check_size(self.width, self.height)

    def output_size(self, size: Size) -> Size:
        return self.width, self.height

    def _interpolation(self, shape: tuple[int, ...], smooth: int) -> int:
        h, w = shape[:2]
        return cv2.INTER_AREA if self.width <= w and self.height <= h else smooth

    def pixels(self, rgba: np.ndarray, *, bottom: bool = False) -> np.ndarray:
        how = self._interpolation(rgba.shape, cv2.INTER_LANCZOS4)
        if (rgba[..., 3] == 255).all():  # opaque: nothing to premultiply
            return cv2.resize(rgba, (self.width, self.height), interpolation=how)
        return _unpremultiply(cv2.resize(_premultiply(rgba), (self.width, self.height),
                                         interpolation=how))

    def mask(self, mask: np.ndarray) -> np.ndarray:
        how = self._interpolation(mask.shape, cv2.INTER_LINEAR)
        return cv2.resize(mask, (self.width, self.height), interpolation=how)

    def boxes(self, boxes: Sequence[Box], size: Size) -> list[Box]:
        sx, sy = self.width / size[0], self.height / size[1]
        return _map_boxes(boxes, (self.width, self.height), lambda x, y: (x * sx, y * sy))


@dataclass(frozen=True)
class Rotate90(Transform):
    """Turn by ``quarter_turns`` x 90 degrees clockwise (1, 2 or 3); exact."""

    quarter_turns: int

    @property
    def text(self) -> str:  # type: ignore[override]
        return {1: "Rotate 90° clockwise", 2: "Rotate 180°",
                3: "Rotate 90° counter-clockwise"}[self.quarter_turns % 4]

    def output_size(self, size: Size) -> Size:
        return (size[1], size[0]) if self.quarter_turns % 2 else size

    def pixels(self, rgba: np.ndarray, *, bottom: bool = False) -> np.ndarray:
        return np.ascontiguousarray(np.rot90(rgba, -self.quarter_turns))

    def mask(self, mask: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.rot90(mask, -self.quarter_turns))

    def boxes(self, boxes: Sequence[Box], size: Size) -> list[Box]:
        w, h = size
        turns = self.quarter_turns % 4
        maps = {
            0: lambda x, y: (x, y),
            1: lambda x, y: (h - y, x),
            2: lambda x, y: (w - x, h - y),
            3: lambda x, y: (y, w - x),
        }
        return _map_boxes(boxes, self.output_size(size), maps[turns])


@dataclass(frozen=True)
class Flip(Transform):
    """Mirror left-right (``horizontal``) or top-bottom; exact."""

    horizontal: bool

    @property
    def text(self) -> str:  # type: ignore[override]
        return "Flip horizontal" if self.horizontal else "Flip vertical"

    def pixels(self, rgba: np.ndarray, *, bottom: bool = False) -> np.ndarray:
        return np.ascontiguousarray(rgba[:, ::-1] if self.horizontal else rgba[::-1])

    def mask(self, mask: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(mask[:, ::-1] if self.horizontal else mask[::-1])

    def boxes(self, boxes: Sequence[Box], size: Size) -> list[Box]:
        w, h = size
        if self.horizontal:
            return _map_boxes(boxes, size, lambda x, y: (w - x, y))
        return _map_boxes(boxes, size, lambda x, y: (x, h - y))


@dataclass(frozen=True)
class Straighten(Transform):
    """Turn by ``degrees`` (positive = clockwise) about the centre.

    ``crop`` (the default) keeps the largest centred rectangle of the original shape that
    lies wholly inside the turned photo, so a straightened listing photo keeps its aspect
    ratio and has no empty corners; ``crop=False`` enlarges the canvas to hold the whole
    turned photo, with transparent corners.
    """

    degrees: float
    crop: bool = True
    text: str = "Straighten"

    def output_size(self, size: Size) -> Size:
        w, h = size
        a = math.radians(self.degrees)
        c, s = abs(math.cos(a)), abs(math.sin(a))
        if self.crop:  # corners of (k w, k h) must stay inside the turned w x h rectangle
            k = min(w / (w * c + h * s), h / (w * s + h * c))
            return max(1, math.floor(w * k + 1e-6)), max(1, math.floor(h * k + 1e-6))
        return math.ceil(w * c + h * s - 1e-6), math.ceil(w * s + h * c - 1e-6)

    def _matrix(self, size: Size) -> np.ndarray:
        """2x3 affine map from source to output pixel-centre coordinates."""
        w, h = size
        out_w, out_h = self.output_size(size)
        # cv2's positive angle turns counter-clockwise on screen (y down)
        m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), -self.degrees, 1.0)
        m[0, 2] += (out_w - w) / 2
        m[1, 2] += (out_h - h) / 2
        return m

    def _warp(self, data: np.ndarray, how: int) -> np.ndarray:
        h, w = data.shape[:2]
        border = cv2.BORDER_REPLICATE if self.crop else cv2.BORDER_CONSTANT
        return cv2.warpAffine(data, self._matrix((w, h)), self.output_size((w, h)),
                              flags=how, borderMode=border, borderValue=0)

    def pixels(self, rgba: np.ndarray, *, bottom: bool = False) -> np.ndarray:
        if self.crop and (rgba[..., 3] == 255).all():
            return self._warp(rgba, cv2.INTER_CUBIC)
        return _unpremultiply(self._warp(_premultiply(rgba), cv2.INTER_CUBIC))

    def mask(self, mask: np.ndarray) -> np.ndarray:
        return self._warp(mask, cv2.INTER_LINEAR)

    def boxes(self, boxes: Sequence[Box], size: Size) -> list[Box]:
        m = self._matrix(size)
        # pixel edges -> centres (-0.5), through the map, back to edges (+0.5)
        return _map_boxes(boxes, self.output_size(size), lambda x, y: (
            m[0, 0] * (x - 0.5) + m[0, 1] * (y - 0.5) + m[0, 2] + 0.5,
            m[1, 0] * (x - 0.5) + m[1, 1] * (y - 0.5) + m[1, 2] + 0.5))


def _check_size(width: int, height: int) -> None:
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise ValueError(f"a document must be 1 to {MAX_SIDE} pixels a side, "
                         f"not {width}x{height}")


def _premultiply(rgba: np.ndarray) -> np.ndarray:
    out = rgba.astype(np.float32)
    out[..., :3] *= out[..., 3:4] / 255.0
    return out


def _unpremultiply(data: np.ndarray) -> np.ndarray:
    alpha = np.clip(data[..., 3:4], 0, 255)
    colour = np.divide(data[..., :3] * 255.0, alpha, out=np.zeros_like(data[..., :3]),
                       where=alpha > 0.5)
    out = np.empty(data.shape, np.uint8)
    out[..., :3] = np.clip(colour + 0.5, 0, 255)
    out[..., 3:] = np.clip(alpha + 0.5, 0, 255)
    return out


# -- whole stacks and the command ----------------------------------------------------------

#: what a layer holds that a transform changes: pixels, a mask, or (boxes, size)
LayerData = np.ndarray | tuple[list[Box], Size]


@dataclass
class TransformedStack:
    """The outcome of :func:`transform_stack`: new size, new data per layer (same order as
    the input layers) and the new selection."""

    size: Size
    data: list[LayerData]
    selection: np.ndarray | None


def layer_data(layer: Layer) -> LayerData:
    """What ``layer`` holds that a transform changes."""
    if isinstance(layer, RasterLayer):
        return layer.pixels
    if isinstance(layer, MaskLayer):
        return layer.mask
    if isinstance(layer, BoxLayer):
        return list(layer.boxes), layer.size
    raise TypeError(f"cannot transform a {type(layer).__name__}")


def _set_layer_data(layer: Layer, data: LayerData) -> None:
    if isinstance(layer, RasterLayer):
        layer.pixels = data
    elif isinstance(layer, MaskLayer):
        layer.mask = data
    elif isinstance(layer, BoxLayer):
        layer.boxes, layer.size = list(data[0]), data[1]


def transform_stack(transform: Transform, layers: Sequence[Layer], size: Size,
                    selection: np.ndarray | None = None) -> TransformedStack:
    """Apply ``transform`` to every layer of a ``size`` document and its selection,
    leaving them unchanged (a pure function)."""
    new_size = transform.output_size(size)
    _check_size(*new_size)
    rasters = [layer for layer in layers if isinstance(layer, RasterLayer)]
    data: list[LayerData] = []
    for layer in layers:
        if isinstance(layer, RasterLayer):
            data.append(transform.pixels(layer.pixels, bottom=layer is rasters[0]))
        elif isinstance(layer, MaskLayer):
            data.append(transform.mask(layer.mask))
        elif isinstance(layer, BoxLayer):
            data.append((transform.boxes(layer.boxes, size), new_size))
        else:
            raise TypeError(f"cannot transform a {type(layer).__name__}")
    new_selection = None if selection is None else transform.mask(selection)
    expected = (new_size[1], new_size[0])
    for item in [*data, new_selection]:
        if isinstance(item, np.ndarray) and item.shape[:2] != expected:
            raise ValueError(f"{transform.text}: made {item.shape[1]}x{item.shape[0]} data "
                             f"for a {new_size[0]}x{new_size[1]} document")
    return TransformedStack(new_size, data, new_selection)


def _data_nbytes(data: LayerData) -> int:
    if isinstance(data, np.ndarray):
        return int(data.nbytes)
    return 64 * len(data[0])


class TransformDocument(Command):
    """Apply a :class:`Transform` to every layer and the selection as one undo step.

    The layers stay the same objects (other commands and views keep referring to them);
    their data is swapped for the transformed data, and back on undo. The command keeps
    both the old and the new data, so redo gives back exactly what undo took away.
    """

    def __init__(self, transform: Transform, text: str | None = None) -> None:
        self.transform = transform
        self.text = text or transform.text
        self._layers: list[Layer] = []
        self._old: tuple[Size, list[LayerData], np.ndarray | None] | None = None
        self._new: tuple[Size, list[LayerData], np.ndarray | None] | None = None
        self._swapped = 0  # redo count: a prepared result is checked before its first use

    def prepare(self, layers: list[Layer], size: Size, selection: np.ndarray | None) -> None:
        """Compute the transformed data ahead of time from the document's current layers
        (it only reads them), e.g. on a worker thread; :meth:`redo` then only swaps."""
        self._layers = list(layers)
        self._old = (size, [layer_data(layer) for layer in self._layers], selection)
        stack = transform_stack(self.transform, self._layers, size, selection)
        self._new = (stack.size, stack.data, stack.selection)

    def redo(self, doc: Document) -> None:
        if self._new is None or (self._swapped == 0 and not self._prepared_for(doc)):
            self.prepare(doc.layers, doc.size, doc.selection)
        self._swap(doc, self._new)
        self._swapped += 1

    def _prepared_for(self, doc: Document) -> bool:
        """Was :meth:`prepare` given exactly this document's layers and size?"""
        return self._old is not None and self._old[0] == doc.size and \
            [id(layer) for layer in self._layers] == [id(layer) for layer in doc.layers]

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        self._swap(doc, self._old)

    def _swap(self, doc: Document,
              state: tuple[Size, list[LayerData], np.ndarray | None]) -> None:
        size, data, selection = state
        for layer, item in zip(self._layers, data, strict=True):
            _set_layer_data(layer, item)
        doc._replace_all(size[0], size[1], self._layers, selection)

    @property
    def nbytes(self) -> int:
        total = 0
        for state in (self._old, self._new):
            if state is not None:
                total += sum(_data_nbytes(d) for d in state[1])
                total += 0 if state[2] is None else int(state[2].nbytes)
        return total
