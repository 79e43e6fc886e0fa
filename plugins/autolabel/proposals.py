"""Class-agnostic "product" proposals without any trained model.

Product photos are mostly a product against a backdrop that reaches the photo's edges, so
the backdrop's colours are learned from a strip along the border (k-means in Lab), and a
pixel's *saliency* is how far its colour is from all of them. The saliency map is cut at
several levels; each connected region becomes a box, scored by how much more salient its
inside is than the ring around it (a clean cut-out scores near 1, a patch of busy
backdrop near 0). Boxes that repeat one another are merged by non-maximum suppression.

Good on studio and white-background shots, weaker on busy shelves: it is the starting point
before any detector is trained, and the baseline the detector is measured against.
"""

from __future__ import annotations

import cv2
import numpy as np

from editor.model.imageio import flatten
from editor.model.layers import Box

#: the side the photo is shrunk to before the saliency map is computed
WORK_SIDE = 256
#: width of the border strip that shows the backdrop, as a share of the shorter side
BORDER = 0.05
BACKDROP_COLOURS = 4
#: cut levels, as shares of the saliency map's high percentile
LEVELS = (0.2, 0.35, 0.5, 0.65, 0.8)
#: regions smaller than this share of the photo are noise
MIN_AREA = 0.004
NMS_IOU = 0.7


def saliency(image: np.ndarray) -> np.ndarray:
    """Float32 map in 0..1 (at most :data:`WORK_SIDE` on the long side): distance in Lab from
    the backdrop colours seen along the border, smoothed and scaled to its 99th percentile."""
    rgb = flatten(image, (255, 255, 255)) if image.shape[2] == 4 else image[..., :3]
    h, w = rgb.shape[:2]
    scale = min(1.0, WORK_SIDE / max(h, w))
    if scale < 1.0:
        rgb = cv2.resize(np.ascontiguousarray(rgb), (max(1, round(w * scale)),
                         max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB).astype(np.float32)
    hh, ww = lab.shape[:2]
    b = max(1, round(BORDER * min(hh, ww)))
    strip = np.concatenate([lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3),
                            lab[:, :b].reshape(-1, 3), lab[:, -b:].reshape(-1, 3)])
    k = min(BACKDROP_COLOURS, len(np.unique(strip.round(), axis=0)))
    if k >= 2:
        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
        _, _, centres = cv2.kmeans(strip, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    else:
        centres = strip[:1]
    flat = lab.reshape(-1, 1, 3)
    dist = np.sqrt(((flat - centres[None]) ** 2).sum(-1)).min(1).reshape(hh, ww)
    dist = cv2.GaussianBlur(dist, (0, 0), max(1.0, min(hh, ww) / 100))
    top = float(np.percentile(dist, 99))
    return np.clip(dist / top, 0, 1).astype(np.float32) if top > 1e-6 else np.zeros_like(dist)


def propose(image: np.ndarray, max_boxes: int = 20) -> list[Box]:
    """Up to ``max_boxes`` "product" boxes in the photo's pixels, scores in 0..1, best first."""
    sal = saliency(image)
    hh, ww = sal.shape
    h, w = image.shape[:2]
    sx, sy = w / ww, h / hh
    boxes: list[tuple[float, float, float, float, float]] = []
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    for level in LEVELS:
        binary = (sal >= level).astype(np.uint8)
        binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
        for i in range(1, count):
            x, y, bw, bh, area = (int(v) for v in stats[i])
            if area < MIN_AREA * hh * ww or bw * bh >= 0.98 * hh * ww:
                continue
            score = _contrast(sal, labels == i, x, y, bw, bh)
            if score > 0.02:
                boxes.append((x * sx, y * sy, (x + bw) * sx, (y + bh) * sy, score))
    return [Box(x0, y0, x1, y1, "product", round(s, 4))
            for x0, y0, x1, y1, s in _nms(boxes, NMS_IOU)[:max_boxes]]


def _contrast(sal: np.ndarray, region: np.ndarray, x: int, y: int, bw: int, bh: int) -> float:
    """How much more salient a region is than a ring around its box, times how much of the
    box the region fills (a thin diagonal sliver makes a poor box)."""
    hh, ww = sal.shape
    m = max(2, round(0.15 * max(bw, bh)))
    x0, y0, x1, y1 = max(0, x - m), max(0, y - m), min(ww, x + bw + m), min(hh, y + bh + m)
    ring = np.ones((y1 - y0, x1 - x0), dtype=bool)
    ring[y - y0:y - y0 + bh, x - x0:x - x0 + bw] = False
    inside = float(sal[region].mean())
    outside = float(sal[y0:y1, x0:x1][ring].mean()) if ring.any() else 0.0
    fill = float(region[y:y + bh, x:x + bw].mean())
    return max(0.0, inside - outside) * np.sqrt(fill)


def _nms(boxes: list[tuple[float, float, float, float, float]], iou: float
         ) -> list[tuple[float, float, float, float, float]]:
    if not boxes:
        return []
    arr = np.asarray(boxes, dtype=np.float32)
    keep = cv2.dnn.NMSBoxes([[float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])]
                             for b in arr], arr[:, 4].tolist(), 0.0, iou)
    order = sorted(np.asarray(keep).ravel().tolist(), key=lambda i: -arr[i, 4])
    return [boxes[i] for i in order]
