"""Brush refine of a product mask: an add or subtract stroke whose edge follows the photo.

Qt-free and local: everything happens inside the stroke's bounding box (plus a margin of
context), so a stroke costs the same on a 2000 px photo as on a thumbnail.

With edge snap, the stroke is not painted as a plain disc trail. Its centre line (the core)
is what the user surely meant; the rest of the swept area is decided by a local colour
model: colour histograms of what the stroke adds (the core, and for an add stroke the mask
already there) against what it must not reach (the rest of the neighbourhood), so an add
stroke that spills over the product's edge onto the background stops at the edge, and a
subtract stroke that grazes the product leaves it. Pixels the model is unsure of follow
the stroke, and so does the whole stroke when the colours under its centre look like what
it must not reach (cutting a uniform product in two). Only regions connected to the core
are taken, and their rim gets soft values from a guided filter on the photo's luminance
where the photo has an edge, so the mask hugs it to the pixel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

Rect = tuple[int, int, int, int]
Point = tuple[float, float]

#: the core of the stroke (always taken) is this fraction of the brush radius
CORE_FRACTION = 0.3
#: colour bins per channel of the local colour model
BINS = 16
#: a swept pixel is kept unless the model gives the stroke's side less than this share
KEEP_BELOW = 0.3
#: the model is used only if it gives the stroke's own centre at least this share
TRUST_CORE = 0.6
#: fewer samples than this on either side and the model is not trusted: plain stroke
MIN_SAMPLES = 24
#: guided filter radius (pixels) and regulariser for the soft edge
GUIDE_RADIUS = 2
GUIDE_EPS = 1e-3


@dataclass(frozen=True)
class StrokeEdit:
    """The pixels a stroke changes: ``patch`` belongs at ``rect`` = (x0, y0, x1, y1)."""

    rect: Rect
    patch: np.ndarray


def stroke_rect(points: Sequence[Point], radius: float, shape: tuple[int, ...],
                margin: float = 0.0) -> Rect | None:
    """The bounding box of a stroke's swept discs (plus ``margin``), clipped to ``shape``;
    None if it misses the image."""
    if not points:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    pad = radius + margin + 1
    x0 = max(0, math.floor(min(xs) - pad))
    y0 = max(0, math.floor(min(ys) - pad))
    x1 = min(shape[1], math.ceil(max(xs) + pad))
    y1 = min(shape[0], math.ceil(max(ys) + pad))
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def _trail(size: tuple[int, int], points: Sequence[Point], radius: float,
           origin: tuple[int, int]) -> np.ndarray:
    """Bool (h, w): the discs of ``radius`` swept along ``points`` (image coordinates)."""
    h, w = size
    out = np.zeros((h, w), np.uint8)
    shift = 4  # sub-pixel precision for OpenCV's drawing
    scale = 1 << shift
    pts = [(round((x - origin[0] - 0.5) * scale), round((y - origin[1] - 0.5) * scale))
           for x, y in points]
    r = max(0, round(radius * scale))
    for p in pts:
        cv2.circle(out, p, r, 1, -1, cv2.LINE_8, shift)
    thickness = max(1, round(2 * radius))
    for a, b in zip(pts, pts[1:], strict=False):
        cv2.line(out, a, b, 1, thickness, cv2.LINE_8, shift)
    return out.astype(bool)


def _colour_share(rgb: np.ndarray, ours: np.ndarray, theirs: np.ndarray) -> np.ndarray | None:
    """For every pixel, the share (0..1) of the ``ours`` colour histogram against
    ``theirs`` at its colour; None when either side has too few samples."""
    n_ours, n_theirs = int(ours.sum()), int(theirs.sum())
    if n_ours < MIN_SAMPLES or n_theirs < MIN_SAMPLES:
        return None
    q = rgb >> 4  # 16 bins per channel
    index = ((q[..., 0].astype(np.uint16) << 8) | (q[..., 1].astype(np.uint16) << 4)
             | q[..., 2])
    bins = BINS ** 3
    h_ours = np.bincount(index[ours], minlength=bins).astype(np.float32)
    h_theirs = np.bincount(index[theirs], minlength=bins).astype(np.float32)
    p_ours = _smooth(h_ours) / n_ours + 1e-4
    p_theirs = _smooth(h_theirs) / n_theirs + 1e-4
    share = p_ours / (p_ours + p_theirs)
    return share[index]


def _smooth(histogram: np.ndarray) -> np.ndarray:
    """A colour histogram blurred by [1, 2, 1] / 4 along each channel, so a shade seen
    once also speaks for its neighbours."""
    h = histogram.reshape(BINS, BINS, BINS)
    for axis in range(3):
        padded = np.pad(h, [(1, 1) if a == axis else (0, 0) for a in range(3)], mode="edge")
        lo = np.take(padded, range(0, BINS), axis=axis)
        mid = np.take(padded, range(1, BINS + 1), axis=axis)
        hi = np.take(padded, range(2, BINS + 2), axis=axis)
        h = (lo + 2 * mid + hi) / 4
    return h.ravel()


def _guided(guide: np.ndarray, src: np.ndarray, radius: int,
            eps: float) -> tuple[np.ndarray, np.ndarray]:
    """He et al.'s guided filter (grey guide): ``src`` smoothed, its edges moved onto the
    guide's edges (both float32 in 0..1); and the guide's local variance."""
    k = (2 * radius + 1, 2 * radius + 1)

    def box(a: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(a, -1, k, borderType=cv2.BORDER_REFLECT)

    mean_i, mean_p = box(guide), box(src)
    cov = box(guide * src) - mean_i * mean_p
    var = box(guide * guide) - mean_i * mean_i
    a = cov / (var + eps)
    b = mean_p - a * mean_i
    return box(a) * guide + box(b), var


def refine_stroke(image: np.ndarray, mask: np.ndarray, points: Sequence[Point],
                  radius: float, *, add: bool = True, snap: bool = True) -> StrokeEdit | None:
    """The change an add (``add=True``) or subtract stroke makes to ``mask``.

    ``image`` is the photo (uint8 RGBA or RGB, (H, W, ...)), ``mask`` the current mask
    (uint8 (H, W)), ``points`` the stroke's path in image pixels and ``radius`` the brush
    radius. Returns the new pixels of the stroke's bounding box, or None when the stroke
    misses the image or changes nothing. ``mask`` itself is not modified.
    """
    if image.shape[:2] != mask.shape:
        raise ValueError(f"mask {mask.shape} does not match the image {image.shape[:2]}")
    radius = max(0.5, float(radius))
    inner = stroke_rect(points, radius, mask.shape)
    if inner is None:
        return None
    # context: the colour model looks at a ring one brush radius wide around the stroke
    outer = stroke_rect(points, radius, mask.shape, margin=radius + 8)
    assert outer is not None
    ox0, oy0, ox1, oy1 = outer
    size = (oy1 - oy0, ox1 - ox0)
    old = mask[oy0:oy1, ox0:ox1]
    swept = _trail(size, points, radius, (ox0, oy0))
    if not swept.any():
        return None
    if snap:
        rgb = np.ascontiguousarray(image[oy0:oy1, ox0:ox1, :3])
        effect = _snapped(rgb, old, swept, points, radius, (ox0, oy0), add)
    else:
        effect = swept.astype(np.float32)
    effect *= swept  # never beyond the brush
    if add:
        new = np.maximum(old, np.rint(effect * 255).astype(np.uint8))
    else:
        new = np.minimum(old, np.rint((1 - effect) * 255).astype(np.uint8))
    ix0, iy0, ix1, iy1 = inner
    patch = new[iy0 - oy0 : iy1 - oy0, ix0 - ox0 : ix1 - ox0]
    if np.array_equal(patch, mask[iy0:iy1, ix0:ix1]):
        return None
    return StrokeEdit(inner, np.ascontiguousarray(patch))


def _snapped(rgb: np.ndarray, old: np.ndarray, swept: np.ndarray, points: Sequence[Point],
             radius: float, origin: tuple[int, int], add: bool) -> np.ndarray:
    """float32 0..1: how strongly each pixel of the region takes the stroke's effect."""
    core = _trail(swept.shape, points, max(0.5, radius * CORE_FRACTION), origin)
    inside = old >= 128
    outside_brush = ~swept
    if add:  # what the product looks like here against the background around the stroke
        ours = core | inside
        theirs = outside_brush & ~inside
    else:  # what is being removed against the product that stays
        ours = core | (outside_brush & ~inside)
        theirs = outside_brush & inside
    share = _colour_share(rgb, ours, theirs)
    if share is None or float(share[core].mean()) < TRUST_CORE:
        # the colours under the stroke's centre are the ones it must not reach (removing
        # part of a uniform product): colour cannot tell them apart, the brush decides
        return swept.astype(np.float32)
    taken = (swept & (share >= KEEP_BELOW)) | core
    # only what hangs together with the core: no specks of look-alike colour
    count, labels = cv2.connectedComponents(taken.astype(np.uint8), connectivity=8)
    if count > 2:
        keep = np.zeros(count, bool)
        keep[np.unique(labels[core])] = True
        keep[0] = False
        taken = keep[labels]
    # soft edges only where the stroke reaches (plus the filter's reach), not the context
    ys, xs = np.nonzero(swept)
    pad = 2 * GUIDE_RADIUS + 1
    y0, y1 = max(0, ys.min() - pad), min(swept.shape[0], ys.max() + 1 + pad)
    x0, x1 = max(0, xs.min() - pad), min(swept.shape[1], xs.max() + 1 + pad)
    grey = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    hard = taken[y0:y1, x0:x1].astype(np.float32)
    soft, var = _guided(grey, hard, GUIDE_RADIUS, GUIDE_EPS)
    soft = np.clip(soft, 0, 1)
    # soft values only on the rim of what was taken and only at an edge of the photo;
    # elsewhere (inside, outside, a stroke's side in a flat area) it stays exact
    kernel = np.ones((2 * GUIDE_RADIUS + 1,) * 2, np.uint8)
    rim = (cv2.dilate(hard, kernel) != cv2.erode(hard, kernel)) & (var > GUIDE_EPS)
    soft = np.where(rim, soft, hard)
    soft[soft < 0.03] = 0.0
    soft[soft > 0.97] = 1.0
    out = np.zeros(swept.shape, np.float32)
    out[y0:y1, x0:x1] = soft
    out[core] = 1.0
    return out


def apply_stroke(image: np.ndarray, mask: np.ndarray, points: Sequence[Point], radius: float,
                 *, add: bool = True, snap: bool = True) -> np.ndarray:
    """``mask`` after the stroke, as a new full-size array (tests, scripts)."""
    out = mask.copy()
    edit = refine_stroke(image, mask, points, radius, add=add, snap=snap)
    if edit is not None:
        x0, y0, x1, y1 = edit.rect
        out[y0:y1, x0:x1] = edit.patch
    return out
