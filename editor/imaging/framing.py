"""Framing a product for an aspect ratio: the whole product, centred, filling a share of
the frame, padded with the backdrop where the photo is too tight. Never cuts the product.

- The frame is exact to the pixel: ``ratio`` ``w:h`` (reduced, e.g. ``4:5``, ``191:100`` for
  ``1.91:1``) times the largest whole number that keeps the longer side within ``size``.
- *Fill* is measured as marketplaces do (Amazon's 85 %): the product's bounding box over the
  frame, on the side where it is larger, ``max(box_w / W, box_h / H)``.
- The product is centred on its *visual centre*, the mask-weighted centroid (a bottle with
  a long neck sits by its body, not its bounding box), shifted back when that would leave
  less than a quarter of the free space on a side: never cutting, never touching the
  frame's edge come first.
- Where the photo does not reach, the frame is padded with the backdrop colour, the median
  of the photo's border outside the product (white when that border is busy), or left
  transparent when the photo is a cutout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

#: mask values at or above this count as the product (soft edges below it may be cut)
PRODUCT_LEVEL = 32
#: a border busier than this (std of 0..255 values) is not a backdrop colour to pad with
BUSY_BORDER = 24.0
WHITE = (255, 255, 255)
#: the least share of the free space kept on each side of the product when centring it
MARGIN_SHARE = 0.25


@dataclass
class Framed:
    """One framed image and where the product went."""

    image: np.ndarray  # uint8 (H, W, 4)
    mask: np.ndarray  # uint8 (H, W), the product in the frame
    ratio: tuple[int, int]
    #: how much the photo was scaled
    scale: float
    #: the product's box in the frame, x0, y0, x1, y1 (exclusive)
    box: tuple[int, int, int, int]

    @property
    def fill(self) -> float:
        h, w = self.mask.shape
        x0, y0, x1, y1 = self.box
        return max((x1 - x0) / w, (y1 - y0) / h)


def parse_ratio(text: str) -> tuple[int, int]:
    """``"4:5"``, ``"1.91:1"`` or ``"16x9"`` -> the reduced whole-number ratio; ValueError
    saying why for anything else."""
    parts = text.strip().lower().replace("x", ":").split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        w, h = (Fraction(p.strip()).limit_denominator(100) for p in parts)
        if w <= 0 or h <= 0 or max(w / h, h / w) > 10:
            raise ValueError
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not an aspect ratio; write width:height, e.g. 4:5 "
                         "or 1.91:1 (at most 10 to 1)") from None
    ratio = w / h
    return ratio.numerator, ratio.denominator


def frame_size(ratio: tuple[int, int], size: int) -> tuple[int, int]:
    """The largest ``(W, H)`` with ``W:H`` exactly ``ratio`` and ``max(W, H) <= size``."""
    rw, rh = ratio
    k = size // max(rw, rh)
    if k < 1:
        raise ValueError(f"{rw}:{rh} cannot be made exactly within {size} pixels")
    return rw * k, rh * k


def product_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box around every product pixel, or None when the mask is empty."""
    on = mask >= PRODUCT_LEVEL
    rows, cols = np.flatnonzero(on.any(1)), np.flatnonzero(on.any(0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def backdrop_colour(rgba: np.ndarray, mask: np.ndarray) -> tuple[int, int, int] | None:
    """The photo's backdrop for padding: median of its border outside the product; white
    when that border is busy; None (pad transparent) when the border is transparent."""
    border = np.zeros(mask.shape, bool)
    border[:2], border[-2:], border[:, :2], border[:, -2:] = True, True, True, True
    pixels = rgba[border & (mask < PRODUCT_LEVEL)]
    if pixels.size == 0:
        return WHITE
    if np.median(pixels[:, 3]) < 128:
        return None
    rgb = pixels[:, :3].astype(np.float32)
    if float(rgb.std(axis=0).max()) > BUSY_BORDER:
        return WHITE
    return tuple(int(v) for v in np.median(rgb, axis=0))  # type: ignore[return-value]


def visual_centre(mask: np.ndarray) -> tuple[float, float]:
    """The mask-weighted centroid (x, y) in pixel centres."""
    weight = mask.astype(np.float64)
    total = weight.sum()
    ys, xs = np.indices(mask.shape)
    return float((weight * xs).sum() / total) + 0.5, float((weight * ys).sum() / total) + 0.5


def frame(rgba: np.ndarray, mask: np.ndarray, ratio: tuple[int, int], size: int,
          fill: float = 0.85) -> Framed:
    """``rgba`` framed at ``ratio`` within ``size`` px with the product filling ``fill``;
    ValueError when the mask holds no product."""
    import cv2

    if not 0 < fill <= 1:
        raise ValueError(f"fill must be above 0 and at most 1, got {fill}")
    box = product_box(mask)
    if box is None:
        raise ValueError("the product mask is empty")
    out_w, out_h = frame_size(ratio, size)
    bw, bh = box[2] - box[0], box[3] - box[1]
    scale = fill / max(bw / out_w, bh / out_h)
    src_h, src_w = mask.shape
    new_w, new_h = max(1, round(src_w * scale)), max(1, round(src_h * scale))
    scale_x, scale_y = new_w / src_w, new_h / src_h
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    image = cv2.resize(rgba, (new_w, new_h), interpolation=method)
    product = cv2.resize(mask, (new_w, new_h), interpolation=method)
    # the product's box after scaling, on the pixel grid
    sx0, sy0 = math.floor(box[0] * scale_x), math.floor(box[1] * scale_y)
    sx1, sy1 = math.ceil(box[2] * scale_x), math.ceil(box[3] * scale_y)
    cx, cy = visual_centre(mask)
    off_x = _offset(out_w / 2 - cx * scale_x, sx0, sx1, out_w)
    off_y = _offset(out_h / 2 - cy * scale_y, sy0, sy1, out_h)

    pad = backdrop_colour(rgba, mask)
    canvas = np.zeros((out_h, out_w, 4), np.uint8)
    if pad is not None:
        canvas[..., :3], canvas[..., 3] = pad, 255
    placed = np.zeros((out_h, out_w), np.uint8)
    # the part of the scaled photo that lands inside the frame
    x0, y0 = max(0, off_x), max(0, off_y)
    x1, y1 = min(out_w, off_x + new_w), min(out_h, off_y + new_h)
    canvas[y0:y1, x0:x1] = image[y0 - off_y:y1 - off_y, x0 - off_x:x1 - off_x]
    placed[y0:y1, x0:x1] = product[y0 - off_y:y1 - off_y, x0 - off_x:x1 - off_x]
    found = product_box(placed) or (sx0 + off_x, sy0 + off_y, sx1 + off_x, sy1 + off_y)
    return Framed(canvas, placed, ratio, scale, found)


def _offset(wanted: float, lo: int, hi: int, length: int) -> int:
    """Where the scaled photo starts along one axis: ``wanted`` (centred), shifted so the
    product span ``lo..hi`` stays inside ``0..length`` with at least :data:`MARGIN_SHARE`
    of the free space on either side (a curved banana's centroid must not push it onto
    the frame's edge)."""
    margin = max(1, int((length - (hi - lo)) * MARGIN_SHARE))
    offset = round(wanted)
    offset = min(offset, length - margin - hi)  # product's far edge inside
    return max(offset, margin - lo)  # product's near edge inside (wins when both cannot hold)
