"""The classical cutout: a colour model of the backdrop learnt from the image border,
GrabCut seeded from it (and from the user's box and clicks), at a small working size.

It returns a coarse probability map; :mod:`plugins.segment.edges` takes it to full
resolution with soft, colour-clean edges. :func:`plain_grabcut` is the textbook GrabCut
with a 5 % margin rectangle, kept as the benchmark's baseline.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import cv2
import numpy as np

#: long side of the image GrabCut works on (it is O(pixels) per iteration, and slow)
WORK_SIDE = 384
GRABCUT_ITERATIONS = 4
#: backdrop colour clusters learnt from the border
BORDER_CLUSTERS = 6
#: a border whose colour clusters spread this wide (Lab units) is a photo, not a backdrop
CLUTTERED = 32.0
#: in a photo, pixels this close (share of the threshold) to a border colour start as backdrop
CLUTTER_MATCH = 0.12


@dataclass
class Seeds:
    """User hints in working-image pixels: a box, and positive / negative points."""

    box: tuple[float, float, float, float] | None = None
    positive: list[tuple[float, float]] = field(default_factory=list)
    negative: list[tuple[float, float]] = field(default_factory=list)
    #: pixels known to be backdrop (e.g. transparent in the input), bool (h, w)
    known_background: np.ndarray | None = None


def work_size(h: int, w: int, side: int = WORK_SIDE) -> tuple[int, int]:
    """(height, width) of the working image: the long side ``side``, never upscaled."""
    scale = min(1.0, side / max(h, w))
    return max(1, round(h * scale)), max(1, round(w * scale))


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)


def border_distance(rgb: np.ndarray, ring: int) -> tuple[np.ndarray, float]:
    """Each pixel's Lab distance to the nearest backdrop colour cluster (learnt from the
    outer ``ring`` pixels), and a threshold above which a pixel is unlike the backdrop."""
    lab = _lab(rgb)
    h, w = lab.shape[:2]
    border = np.ones((h, w), bool)
    border[ring:h - ring, ring:w - ring] = False
    samples = lab[border]
    k = int(min(BORDER_CLUSTERS, max(1, len(samples) // 20)))
    if k > 1:
        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
        _, labels, centres = cv2.kmeans(samples, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    else:
        centres = samples.mean(axis=0, keepdims=True)
        labels = np.zeros((len(samples), 1), np.int32)
    flat = lab.reshape(-1, 3)
    dist = np.full(flat.shape[0], np.inf, np.float32)
    for c in centres:
        dist = np.minimum(dist, np.linalg.norm(flat - c, axis=1))
    spread = np.linalg.norm(samples - centres[labels.ravel()], axis=1)
    # a backdrop pixel sits within its cluster's spread; lighting gradients and noise widen it
    threshold = float(max(12.0, 2.5 * np.percentile(spread, 90)))
    return dist.reshape(h, w), threshold


def classical_probability(rgb: np.ndarray, seeds: Seeds | None = None) -> np.ndarray:
    """Probability (float32 0..1) that each pixel of ``rgb`` (uint8 RGB at working size)
    is product. All zero when nothing stands out from the backdrop."""
    seeds = seeds or Seeds()
    h, w = rgb.shape[:2]
    cv2.setRNGSeed(1)  # k-means and GrabCut's colour models start from OpenCV's RNG
    ring = max(2, round(0.03 * min(h, w)))
    dist, threshold = border_distance(rgb, ring)
    mask = np.where(dist > threshold, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    if threshold > CLUTTERED:
        # a busy border (a photo, not a studio backdrop): its colours say little, so start
        # as plain GrabCut does, from everything inside, minus what matches the border well
        mask[:] = cv2.GC_PR_FGD
        mask[dist < CLUTTER_MATCH * threshold] = cv2.GC_PR_BGD
    inside = np.zeros((h, w), bool)
    if seeds.box is not None:
        x0, y0, x1, y1 = (int(round(v)) for v in seeds.box)
        x0, y0 = max(0, x0), max(0, y0)
        x1, y1 = min(w, max(x1, x0 + 1)), min(h, max(y1, y0 + 1))
        inside[y0:y1, x0:x1] = True
        # inside a user's box, unlike-the-border is a confident start; outside is backdrop
        mask[~inside] = cv2.GC_BGD
    else:
        inside[ring:h - ring, ring:w - ring] = True
        mask[~inside] = cv2.GC_BGD
    if seeds.known_background is not None:
        mask[seeds.known_background] = cv2.GC_BGD
    radius = max(2, round(0.012 * max(h, w)))
    for x, y in seeds.positive:
        cv2.circle(mask, (int(x), int(y)), radius, cv2.GC_FGD, -1)
    for x, y in seeds.negative:
        cv2.circle(mask, (int(x), int(y)), radius, cv2.GC_BGD, -1)
    fg = (mask == cv2.GC_PR_FGD) | (mask == cv2.GC_FGD)
    bg = (mask == cv2.GC_PR_BGD) | (mask == cv2.GC_BGD)
    if (fg.sum() < max(4, 0.0005 * h * w) or bg.sum() < 4) and not seeds.positive:
        return np.zeros((h, w), np.float32)
    # a lone candidate speck is noise, not a product: start GrabCut without it
    mask = _drop_specks(mask, min_area=max(4, int(0.0008 * h * w)))
    if not ((mask == cv2.GC_PR_FGD) | (mask == cv2.GC_FGD)).any():
        return np.zeros((h, w), np.float32)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    # too few samples for one of GrabCut's models: keep the colour-model start
    with contextlib.suppress(cv2.error):
        cv2.grabCut(np.ascontiguousarray(rgb[..., ::-1]), mask, None, bgd, fgd,
                    GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_MASK)
    fg = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
    prob = fg.astype(np.float32)
    return cv2.GaussianBlur(prob, (0, 0), 0.7)


def _drop_specks(mask: np.ndarray, min_area: int) -> np.ndarray:
    cand = ((mask == cv2.GC_PR_FGD) | (mask == cv2.GC_FGD)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    small = np.zeros(n, bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] < min_area
    out = mask.copy()
    out[small[labels] & (mask == cv2.GC_PR_FGD)] = cv2.GC_PR_BGD
    return out


def plain_grabcut(rgb: np.ndarray, margin: float = 0.05) -> np.ndarray:
    """Textbook GrabCut: a rectangle ``margin`` in from each side, 5 iterations, at the
    working size; returns a uint8 0/255 mask at the size of ``rgb``."""
    h, w = rgb.shape[:2]
    sh, sw = work_size(h, w)
    small = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
    rect = (int(margin * sw), int(margin * sh),
            max(1, int((1 - 2 * margin) * sw)), max(1, int((1 - 2 * margin) * sh)))
    mask = np.zeros((sh, sw), np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(1)
    try:
        cv2.grabCut(np.ascontiguousarray(small[..., ::-1]), mask, rect, bgd, fgd, 5,
                    cv2.GC_INIT_WITH_RECT)
    except cv2.error:
        return np.zeros((h, w), np.uint8)
    fg = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8) * 255
    return cv2.resize(fg, (w, h), interpolation=cv2.INTER_NEAREST)


#: where the coarse map is this sure, it may be tracing a product's rim
FAINT = 0.15


def studio_backdrop(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """:func:`border_distance` from the outer 3 % of a working-size image: what
    :func:`add_thin_parts` and :func:`fill_product_holes` compare pixels with (compute it
    once and hand it to both)."""
    return border_distance(rgb, max(2, round(0.03 * min(rgb.shape[:2]))))


def add_thin_parts(rgb: np.ndarray, prob: np.ndarray,
                   backdrop: tuple[np.ndarray, float] | None = None) -> np.ndarray:
    """``prob`` plus thin parts the coarse map lost: on a studio backdrop (a calm border),
    pixels clearly unlike the backdrop that form thin structures (what an opening of
    three working pixels removes: sticks, stems, cables, handles) and touch the product.
    Blobs such as a contact shadow are not thin, so they are never added."""
    h, w = rgb.shape[:2]
    if min(h, w) < 16:
        return prob
    dist, threshold = backdrop or studio_backdrop(rgb)
    if threshold > CLUTTERED:
        return prob
    distinct = (dist > 1.5 * threshold).astype(np.uint8)
    opened = cv2.morphologyEx(distinct, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    thin = distinct & (1 - opened)
    product = (prob >= 0.5).astype(np.uint8)
    if not thin.any() or not product.any():
        return prob
    n, labels = cv2.connectedComponents(thin | product, connectivity=8)
    touching = np.unique(labels[product > 0])
    add = np.isin(labels, touching[touching > 0]) & (thin > 0)
    return np.where(add, np.maximum(prob, 0.9), prob).astype(np.float32)


def fill_product_holes(rgb: np.ndarray, prob: np.ndarray,
                       backdrop: tuple[np.ndarray, float] | None = None) -> np.ndarray:
    """``prob`` with the holes the coarse map left inside a product filled, on a studio
    backdrop (a calm border). The network can see only the rim of a large plain face or
    label; within that rim (traced where the map is even faintly on, and closed over small
    gaps), a region whose pixels are clearly unlike the backdrop is product, while a hole
    that shows the backdrop (inside a mug's handle) stays a hole."""
    h, w = rgb.shape[:2]
    product = prob >= 0.5
    if min(h, w) < 16 or not product.any():
        return prob
    size = max(3, round(0.06 * min(h, w))) | 1
    rim = cv2.morphologyEx((prob >= FAINT).astype(np.uint8), cv2.MORPH_CLOSE,
                           cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    n, labels = cv2.connectedComponents(1 - rim, connectivity=4)
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    inside = (rim > 0) | ~np.isin(labels, edge)
    candidates = (inside & ~product).astype(np.uint8)
    if not candidates.any():
        return prob
    dist, threshold = backdrop or studio_backdrop(rgb)
    if threshold > CLUTTERED:
        return prob
    n, labels = cv2.connectedComponents(candidates, connectivity=4)
    distinct = (dist > 1.5 * threshold).ravel()
    count = np.bincount(labels.ravel(), minlength=n)
    share = np.bincount(labels.ravel(), weights=distinct, minlength=n) / np.maximum(count, 1)
    fill = np.flatnonzero(share > 0.8)
    fill = fill[fill > 0]
    if fill.size == 0:
        return prob
    return np.where(np.isin(labels, fill), np.maximum(prob, 0.9), prob).astype(np.float32)
