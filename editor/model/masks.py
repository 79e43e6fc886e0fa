"""Mask and selection arithmetic: brush strokes, fills, magic wand, shapes and refinements.

Pure numpy/OpenCV, no Qt. Masks are ``uint8 (H, W)``, 0..255 (255 = inside). Functions
return new arrays, or a patch plus the rectangle ``(x0, y0, x1, y1)`` (exclusive) it belongs
to, so that callers can push just the changed region as one command. Pixel ``(x, y)`` covers
the square from ``(x, y)`` to ``(x + 1, y + 1)``: its centre is at ``(x + 0.5, y + 0.5)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

Rect = tuple[int, int, int, int]
Point = tuple[float, float]
CombineMode = Literal["replace", "add", "subtract", "intersect"]
COMBINE_MODES: tuple[CombineMode, ...] = ("replace", "add", "subtract", "intersect")

#: a long stroke segment is split into pieces this many brush diameters long, so that the
#: pixels looked at stay close to the pixels painted (a diagonal across a whole photo would
#: otherwise touch its entire bounding box)
_PIECE_DIAMETERS = 2.0
#: grow/shrink dilate in steps of at most this radius: discs add up (a disc of r1 grown by
#: a disc of r2 is a disc of r1 + r2), and small kernels are much faster than one big one
_MORPH_STEP = 8


@dataclass(frozen=True)
class Brush:
    """A round brush. ``size`` is the diameter in image pixels; ``hardness`` 1 paints a
    crisp (anti-aliased) edge, 0 fades from the centre to the rim; ``opacity`` caps what
    one stroke adds (or removes), however often it passes over a pixel."""

    size: float = 20.0
    hardness: float = 0.8
    opacity: float = 1.0

    @property
    def radius(self) -> float:
        return max(0.5, self.size / 2)


# -- rectangles ---------------------------------------------------------------------------
def union_rect(a: Rect | None, b: Rect | None) -> Rect | None:
    """The smallest rectangle holding both (either may be None)."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def changed_rect(old: np.ndarray, new: np.ndarray) -> Rect | None:
    """The bounding rectangle of the pixels that differ between two same-shaped arrays."""
    diff = old != new
    if diff.ndim == 3:
        diff = diff.any(axis=2)
    rows = np.flatnonzero(diff.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(diff.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _clip_rect(x0: float, y0: float, x1: float, y1: float, shape: tuple[int, ...]) -> Rect | None:
    h, w = shape[:2]
    r = (max(0, math.floor(x0)), max(0, math.floor(y0)),
         min(w, math.ceil(x1)), min(h, math.ceil(y1)))
    return r if r[2] > r[0] and r[3] > r[1] else None


# -- brush --------------------------------------------------------------------------------
def _pieces(p0: Point, p1: Point, r: float,
            shape: tuple[int, ...]) -> tuple[Rect | None, list[tuple[Point, Point, Rect]]]:
    """The rectangle a swept segment touches, and the segment cut into short pieces, each
    with the rectangle it touches (pieces that miss the image are left out)."""
    def bounds(a: Point, b: Point) -> Rect | None:
        return _clip_rect(min(a[0], b[0]) - r - 1, min(a[1], b[1]) - r - 1,
                          max(a[0], b[0]) + r + 1, max(a[1], b[1]) + r + 1, shape)

    length = math.hypot(p1[0] - p0[0], p1[1] - p0[1])
    count = max(1, math.ceil(length / (_PIECE_DIAMETERS * 2 * r)))
    pieces = []
    for i in range(count):
        a, b = _lerp(p0, p1, i / count), _lerp(p0, p1, (i + 1) / count)
        if (rect := bounds(a, b)) is not None:
            pieces.append((a, b, rect))
    return bounds(p0, p1), pieces


def segment_coverage(p0: Point, p1: Point, brush: Brush,
                     shape: tuple[int, ...]) -> tuple[np.ndarray, Rect] | None:
    """How much the brush swept from ``p0`` to ``p1`` covers each pixel: float32 0..1 over
    the returned rectangle (None when it misses the image).

    The brush is swept continuously (as if dabs were spaced infinitely close), so a fast
    mouse move leaves no gaps and overlapping dabs do not darken. ``p0 == p1`` is one dab.
    """
    rect, pieces = _pieces(p0, p1, brush.radius, shape)
    if rect is None:
        return None
    cover = np.zeros((rect[3] - rect[1], rect[2] - rect[0]), np.float32)
    for a, b, part in pieces:
        view = cover[part[1] - rect[1]: part[3] - rect[1], part[0] - rect[0]: part[2] - rect[0]]
        np.maximum(view, _capsule(a, b, brush.radius, brush.hardness, part), out=view)
    return cover, rect


def _lerp(a: Point, b: Point, t: float) -> Point:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _capsule(p0: Point, p1: Point, r: float, hardness: float, rect: Rect) -> np.ndarray:
    """Coverage of a segment of radius ``r`` over ``rect``: 1 inside ``r * hardness`` of the
    segment, falling smoothly to 0 at ``r`` (over one pixel when hardness is 1)."""
    ys = np.arange(rect[1], rect[3], dtype=np.float32)[:, None] + 0.5
    xs = np.arange(rect[0], rect[2], dtype=np.float32)[None, :] + 0.5
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    length2 = dx * dx + dy * dy
    px, py = xs - np.float32(p0[0]), ys - np.float32(p0[1])
    if length2 > 1e-12:
        t = np.clip((px * dx + py * dy) / np.float32(length2), 0.0, 1.0)
        px = px - t * np.float32(dx)
        py = py - t * np.float32(dy)
    dist = np.sqrt(px * px + py * py)
    ramp = max(1.0, r * (1.0 - min(1.0, max(0.0, hardness))))
    # a hard brush's one-pixel ramp is centred on the rim, so it covers about pi r^2
    t = np.clip((np.float32(r + 0.5) - dist) / np.float32(ramp), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)  # smoothstep: a soft rim without a visible kink


def paint_segment(mask: np.ndarray, before: np.ndarray, p0: Point, p1: Point, brush: Brush,
                  *, erase: bool = False,
                  within: np.ndarray | None = None) -> tuple[np.ndarray, Rect] | None:
    """The new pixels of ``mask`` after the brush swept from ``p0`` to ``p1``, as a patch and
    its rectangle (None when the segment misses the image). ``mask`` is not changed.

    ``before`` is the mask as it was when the stroke began: a stroke moves each pixel from
    its value before the stroke towards 255 (or 0 when ``erase``) by coverage x opacity, and
    never undoes what earlier segments of the same stroke did, so one stroke's opacity is a
    cap, not a build-up. ``within`` (a selection) limits where the brush acts.
    """
    rect, pieces = _pieces(p0, p1, brush.radius, mask.shape)
    if rect is None:
        return None
    patch = mask[rect[1]:rect[3], rect[0]:rect[2]].copy()
    opacity = np.float32(min(1.0, max(0.0, brush.opacity)))
    for a, b, (x0, y0, x1, y1) in pieces:
        cover = _capsule(a, b, brush.radius, brush.hardness, (x0, y0, x1, y1))
        cover *= opacity
        if within is not None:
            cover *= within[y0:y1, x0:x1].astype(np.float32) * np.float32(1 / 255)
        base = before[y0:y1, x0:x1].astype(np.float32)
        view = patch[y0 - rect[1]: y1 - rect[1], x0 - rect[0]: x1 - rect[0]]
        if erase:
            np.minimum(view, np.rint(base * (1.0 - cover)).astype(np.uint8), out=view)
        else:
            np.maximum(view, np.rint(base + (255.0 - base) * cover).astype(np.uint8), out=view)
    return patch, rect


# -- fills and the magic wand -------------------------------------------------------------
def _region(within: np.ndarray, seed: tuple[int, int], contiguous: bool) -> np.ndarray:
    """``within`` (bool) limited to the 4-connected part holding ``seed`` if contiguous."""
    if not contiguous:
        return within
    x, y = seed
    if not within[y, x]:
        return np.zeros_like(within)
    flags = 4 | cv2.FLOODFILL_MASK_ONLY | (1 << 8)
    grown = np.zeros((within.shape[0] + 2, within.shape[1] + 2), np.uint8)
    cv2.floodFill(within.astype(np.uint8), grown, (int(x), int(y)), 0, 0, 0, flags)
    return grown[1:-1, 1:-1].astype(bool)


def flood_fill(mask: np.ndarray, seed: tuple[int, int], value: int = 255,
               tolerance: int = 0, *, contiguous: bool = True,
               within: np.ndarray | None = None) -> np.ndarray:
    """A copy of ``mask`` with ``value`` poured in at ``seed`` = (x, y): every pixel whose
    value lies within ``tolerance`` of the seed pixel's, connected to it (4-neighbours)
    unless ``contiguous`` is False. ``within`` (a selection) limits the fill."""
    h, w = mask.shape
    x, y = int(seed[0]), int(seed[1])
    out = mask.copy()
    if not (0 <= x < w and 0 <= y < h):
        return out
    near = np.abs(mask.astype(np.int16) - int(mask[y, x])) <= int(tolerance)
    region = _region(near, (x, y), contiguous)
    if within is not None:
        out[region] = np.rint(mask[region] + (int(value) - mask[region].astype(np.float32))
                              * within[region] / 255.0).astype(np.uint8)
    else:
        out[region] = int(value)
    return out


def magic_wand(image: np.ndarray, seed: tuple[int, int], tolerance: int = 32,
               *, contiguous: bool = True) -> np.ndarray:
    """A selection mask (0/255) of the pixels of ``image`` (uint8 RGBA) whose colour is
    within ``tolerance`` of the seed pixel's in every channel (alpha included), and
    connected to it through such pixels unless ``contiguous`` is False."""
    h, w = image.shape[:2]
    x, y = int(seed[0]), int(seed[1])
    if not (0 <= x < w and 0 <= y < h):
        return np.zeros((h, w), np.uint8)
    diff = np.abs(image.astype(np.int16) - image[y, x].astype(np.int16)).max(axis=2)
    region = _region(diff <= int(tolerance), (x, y), contiguous)
    return region.astype(np.uint8) * np.uint8(255)


# -- refinements --------------------------------------------------------------------------
def invert(mask: np.ndarray) -> np.ndarray:
    """255 - mask."""
    return np.subtract(np.uint8(255), mask)


def feather(mask: np.ndarray, radius: float) -> np.ndarray:
    """Soften the edge with a Gaussian blur; the edge fades over about 2 x ``radius``."""
    if radius <= 0:
        return mask.copy()
    return cv2.GaussianBlur(mask, (0, 0), sigmaX=radius / 2, borderType=cv2.BORDER_REPLICATE)


def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def _morph(mask: np.ndarray, radius: int, grow: bool) -> np.ndarray:
    op = cv2.dilate if grow else cv2.erode
    out = mask
    left = int(radius)
    while left > 0:
        step = min(_MORPH_STEP, left)
        out = op(out, _disc(step), borderType=cv2.BORDER_REPLICATE)
        left -= step
    return out if out is not mask else mask.copy()


def grow(mask: np.ndarray, radius: int) -> np.ndarray:
    """Move the edge outwards by ``radius`` pixels (round corners); soft edges stay soft."""
    return _morph(mask, radius, grow=True)


def shrink(mask: np.ndarray, radius: int) -> np.ndarray:
    """Move the edge inwards by ``radius`` pixels; soft edges stay soft."""
    return _morph(mask, radius, grow=False)


def smooth(mask: np.ndarray, radius: int) -> np.ndarray:
    """Fill notches and holes, then remove specks, smaller than ``radius`` (a closing, then
    an opening), and round jagged edges, keeping an anti-aliased edge."""
    if radius <= 0:
        return mask.copy()
    kernel = _disc(int(radius))
    out = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    out = cv2.morphologyEx(out, cv2.MORPH_OPEN, kernel, borderType=cv2.BORDER_REPLICATE)
    blurred = cv2.GaussianBlur(out, (0, 0), sigmaX=radius / 2,
                               borderType=cv2.BORDER_REPLICATE).astype(np.float32)
    # steepen the blur back into a ~1 px anti-aliased edge
    return np.clip((blurred - 127.5) * max(1.0, radius / 2) + 127.5, 0, 255).astype(np.uint8)


# -- shapes -------------------------------------------------------------------------------
def polygon_mask(shape: tuple[int, ...], points: Sequence[Point]) -> np.ndarray:
    """A ``uint8 (H, W)`` mask of the closed polygon ``points`` (image coordinates),
    anti-aliased: each edge pixel holds the share of it the polygon covers."""
    h, w = shape[:2]
    out = np.zeros((h, w), np.uint8)
    if len(points) < 3:
        return out
    pts = np.asarray(points, np.float64)
    rect = _clip_rect(pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max(), shape)
    if rect is None:
        return out
    x0, y0, x1, y1 = rect
    # supersample the bounding box, then average down: exact enough coverage at the edge
    factor = 4 if (x1 - x0) * (y1 - y0) <= 4_000_000 else 2
    # fillPoly sets a pixel when its index lies inside; our pixel centres sit at +0.5
    local = np.rint(((pts - (x0, y0)) * factor - 0.5) * 16).astype(np.int32)
    big = np.zeros(((y1 - y0) * factor, (x1 - x0) * factor), np.uint8)
    cv2.fillPoly(big, [local], 255, lineType=cv2.LINE_8, shift=4)
    # fillPoly includes both ends of every span, one sample too many on the right and the
    # bottom; a 2x2 erosion anchored at the top-left takes exactly that sample away
    big = cv2.erode(big, np.ones((2, 2), np.uint8), anchor=(0, 0),
                    borderType=cv2.BORDER_CONSTANT, borderValue=0)
    out[y0:y1, x0:x1] = cv2.resize(big, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    return out


def ellipse_mask(shape: tuple[int, ...], x0: float, y0: float, x1: float,
                 y1: float) -> np.ndarray:
    """A ``uint8 (H, W)`` anti-aliased mask of the ellipse inscribed in the rectangle from
    ``(x0, y0)`` to ``(x1, y1)`` (image coordinates, any corner order)."""
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    a, b = abs(x1 - x0) / 2, abs(y1 - y0) / 2
    if a <= 0 or b <= 0:
        return np.zeros(shape[:2], np.uint8)
    n = int(min(2048, max(32, 2 * math.pi * max(a, b))))  # ~2 px per segment or better
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    return polygon_mask(shape, np.stack([cx + a * np.cos(t), cy + b * np.sin(t)], axis=1))


# -- combining selections -----------------------------------------------------------------
def combine(old: np.ndarray | None, new: np.ndarray, mode: CombineMode) -> np.ndarray | None:
    """Combine a new selection with the current one (None = nothing selected):
    ``replace``, ``add`` (union), ``subtract`` or ``intersect``. An empty result is None."""
    if mode not in COMBINE_MODES:
        raise ValueError(f"unknown selection mode {mode!r}")
    if mode == "replace" or (old is None and mode == "add"):
        out = new.copy()
    elif old is None:
        return None
    elif mode == "add":
        out = np.maximum(old, new)
    elif mode == "subtract":
        out = np.minimum(old, invert(new))
    else:
        out = np.minimum(old, new)
    return out if out.any() else None
