"""Where the product is: a mask estimated from the background, or the one a cutout gave.

The estimate works on a reduced copy (``WORK_SIDE`` on the longest side). The background is
whatever is connected to the frame's edge through smooth colour changes: a flood fill from
the edge pixels that look like the dominant edge colour, with a *floating* range, so soft
shadows and sweep gradients join the background while the product's edges stop it. What
the flood does not reach, cleaned by a morphological opening, is the product.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: longest side of the working copy the pixel rules measure on
WORK_SIDE = 800
#: largest colour step between neighbours that the background flood crosses
FLOOD_STEP = 3
#: an edge pixel seeds the flood when this close to the dominant edge colour. Tight, so that
#: a light product cut at the frame edge (a grey carton on white: 35 levels off) is not
#: flooded from its own cut edge; darker corners of a backdrop still join the flood through
#: its smooth gradient
SEED_DISTANCE = 16
#: colour distance from the background's tint, and darkness relative to it, that stop the flood
BARRIER_CHROMA = 14
BARRIER_DARK = 0.6
#: components smaller than this share of the frame are specks, not products
MIN_COMPONENT = 0.0005

Box = tuple[int, int, int, int]


@dataclass
class Frame:
    """The working copy of a photo and what the checks share about it.

    ``rgb`` is the reduced RGB copy (alpha flattened on white); ``scale`` maps working
    pixels to image pixels. ``background`` is the flooded background (bool), ``product``
    the product mask (bool), both at working size. ``inner`` is the region inside a
    detected border (working pixels), the whole frame when there is none.
    """

    rgb: np.ndarray
    scale: float
    background: np.ndarray
    product: np.ndarray
    inner: Box
    border: int = 0

    def to_image(self, box: Box, shape: tuple[int, int]) -> list[int]:
        """A working-pixel box in image pixels, clipped to an image of ``shape`` (h, w)."""
        h, w = shape
        x0, y0, x1, y1 = (int(round(v * self.scale)) for v in box)
        return [max(0, x0), max(0, y0), min(w, max(x1, x0 + 1)), min(h, max(y1, y0 + 1))]


def working_copy(rgb: np.ndarray, side: int = WORK_SIDE) -> tuple[np.ndarray, float]:
    """``rgb`` reduced so its longest side is at most ``side``; and the image/working scale."""
    h, w = rgb.shape[:2]
    factor = min(1.0, side / max(h, w))
    if factor >= 1.0:
        return np.ascontiguousarray(rgb), 1.0
    small = cv2.resize(rgb, (max(1, round(w * factor)), max(1, round(h * factor))),
                       interpolation=cv2.INTER_AREA)
    return small, max(h, w) / max(small.shape[:2])


def find_border(rgb: np.ndarray, max_fraction: float = 0.12) -> int:
    """Width in pixels of a solid frame around the image (0 when there is none).

    A frame is a run of outer rings, each of one colour all round, whose colour differs from
    what lies just inside it. An image whose background itself is uniform up to the product
    has no frame: the run reaches the product and its inside is not uniform.
    """
    h, w = rgb.shape[:2]
    limit = int(min(h, w) * max_fraction)
    if limit < 2:
        return 0
    rgb = rgb.astype(np.int16)
    frame_colour = None
    depth = 0
    for k in range(limit):
        ring = np.concatenate([rgb[k, k:w - k], rgb[h - 1 - k, k:w - k],
                               rgb[k:h - k, k], rgb[k:h - k, w - 1 - k]])
        median = np.median(ring, axis=0)
        uniform = (np.abs(ring - median).max(axis=1) <= 12).mean() >= 0.97
        if frame_colour is None:
            if not uniform:
                return 0
            frame_colour = median
        if uniform and np.abs(median - frame_colour).max() <= 12:
            depth = k + 1
            continue
        # the ring differs from the frame: a border only if enough of it changed colour
        changed = (np.abs(ring - frame_colour).max(axis=1) > 24).mean()
        return depth if changed >= 0.5 and depth >= 1 else 0
    return 0


def estimate_background(rgb: np.ndarray) -> np.ndarray:
    """Background (bool, same size as ``rgb``): the smooth region connected to the edge."""
    h, w = rgb.shape[:2]
    smooth = cv2.GaussianBlur(rgb, (5, 5), 1.0)
    edge = np.concatenate([smooth[0], smooth[-1], smooth[:, 0], smooth[:, -1]]).astype(np.int16)
    dominant = np.median(edge, axis=0)
    fill = np.zeros((h + 2, w + 2), np.uint8)
    # Barriers the flood may not cross however gradual the change: colours whose chroma
    # is far from the background's, or much darker than it (a product's shaded side that
    # a soft shadow would otherwise lead into). A shadow keeps the background's hue.
    pixels = smooth.astype(np.int16)
    chroma = pixels - pixels.mean(axis=2, keepdims=True)
    tint = dominant - dominant.mean()
    luma = pixels.mean(axis=2)
    far = (np.abs(chroma - tint).max(axis=2) > BARRIER_CHROMA) | \
        (luma < BARRIER_DARK * dominant.mean())
    fill[1:-1, 1:-1][far] = 1
    flags = 4 | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
    step = (FLOOD_STEP,) * 3
    seeds = [(x, 0) for x in range(0, w, 2)] + [(x, h - 1) for x in range(0, w, 2)]
    seeds += [(0, y) for y in range(0, h, 2)] + [(w - 1, y) for y in range(0, h, 2)]
    for x, y in seeds:
        if fill[y + 1, x + 1]:
            continue
        if np.abs(smooth[y, x].astype(np.int16) - dominant).max() > SEED_DISTANCE:
            continue
        cv2.floodFill(smooth, fill, (x, y), (0, 0, 0), step, step, flags)
    return fill[1:-1, 1:-1] == 255


def clean_product(product: np.ndarray) -> np.ndarray:
    """Drop specks and fill holes smaller than the specks; keep the product's shape."""
    mask = cv2.morphologyEx(product.astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= MIN_COMPONENT * mask.size
    return keep[labels]


def remove_text(product: np.ndarray, boxes: list[tuple[float, float, float, float]]
                ) -> np.ndarray:
    """Drop text that stands apart from the product: the parts of the mask that lie (almost)
    wholly inside a text box. Text touching or printed on the product stays product."""
    h, w = product.shape
    count, labels, stats, _ = cv2.connectedComponentsWithStats(product.astype(np.uint8), 8)
    drop = np.zeros(count, bool)
    for box in boxes:
        x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
        x1, y1 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
        parts = _parts_in(labels, stats, (x0, y0, x1, y1))
        if parts is not None:
            drop[parts] = True
    drop[0] = False
    return product & ~drop[labels]


def _parts_in(labels: np.ndarray, stats: np.ndarray, box: Box) -> np.ndarray | None:
    """Labels of the components a box holds (80 % or more of each inside it); None when
    the box cuts through a component, or holds one of the products (the detector may read
    a whole printed product as one block of text)."""
    x0, y0, x1, y1 = box
    inside = np.bincount(labels[y0:y1, x0:x1].ravel(), minlength=len(stats))
    touched = np.flatnonzero(inside[1:]) + 1
    areas = stats[:, cv2.CC_STAT_AREA]
    largest = int(areas[1:].max()) if len(areas) > 1 else 0
    if any(inside[i] < 0.8 * areas[i] or areas[i] >= 0.25 * largest for i in touched):
        return None
    return touched


def off_product(box: Box, product: np.ndarray) -> bool:
    """Whether a box (working pixels) sits apart from the product: every part of the mask
    it touches lies (almost) wholly inside it."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(product.astype(np.uint8), 8)
    return _parts_in(labels, stats, box) is not None


def close_product(product: np.ndarray) -> np.ndarray:
    """Bridge narrow leaks (a bright highlight running into a white background) and fill
    the holes they leave: a closing about 3 % of the frame wide, then hole filling."""
    size = max(3, int(0.03 * max(product.shape)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    padded = cv2.copyMakeBorder(product.astype(np.uint8), size, size, size, size,
                                cv2.BORDER_CONSTANT, value=0)
    closed = cv2.morphologyEx(padded, cv2.MORPH_CLOSE, kernel)[size:-size, size:-size]
    outside = np.zeros((closed.shape[0] + 2, closed.shape[1] + 2), np.uint8)
    work = closed.copy()
    for x, y in _edge_points(*closed.shape):
        if work[y, x] == 0 and outside[y + 1, x + 1] == 0:
            cv2.floodFill(work, outside, (x, y), 1, 0, 0, 4 | cv2.FLOODFILL_MASK_ONLY | (1 << 8))
    return (outside[1:-1, 1:-1] == 0) | product


def _edge_points(h: int, w: int) -> list[tuple[int, int]]:
    return ([(x, 0) for x in range(w)] + [(x, h - 1) for x in range(w)]
            + [(0, y) for y in range(h)] + [(w - 1, y) for y in range(h)])


def components(product: np.ndarray, min_share: float = MIN_COMPONENT) -> list[tuple[Box, int]]:
    """The product's connected parts as ``(box, area)``, largest first (working pixels)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(product.astype(np.uint8), 8)
    parts = []
    for i in range(1, count):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if area >= min_share * product.size:
            parts.append(((x, y, x + bw, y + bh), area))
    return sorted(parts, key=lambda p: -p[1])


def bounding_box(mask: np.ndarray) -> Box | None:
    """Tight box around ``mask`` (x1/y1 exclusive), or None when it is empty."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


def analyse(rgba: np.ndarray, mask: np.ndarray | None = None,
            text: list[Box] | None = None) -> Frame:
    """The working copy, border, background and product of an RGBA image.

    ``mask`` (uint8, image size) is a product mask from a cutout when one exists; an image
    with real transparency uses its alpha. Otherwise the mask is estimated; ``text`` boxes
    (image pixels) that lie mostly off the product are then not taken for product.
    """
    alpha = rgba[..., 3]
    transparent = bool((alpha < 255).any())
    rgb = _on_white(rgba) if transparent else rgba[..., :3]
    small, scale = working_copy(rgb)
    h, w = small.shape[:2]
    given = mask if mask is not None else (alpha if transparent else None)
    if given is not None:
        given_small = cv2.resize(given, (w, h), interpolation=cv2.INTER_AREA) > 127
        product = clean_product(given_small)
        background = ~cv2.dilate(given_small.astype(np.uint8), np.ones((3, 3), np.uint8)
                                 ).astype(bool)
        return Frame(small, scale, background, product, (0, 0, w, h))
    border = find_border(small)
    if border:  # skip the blend between frame and photo
        border = min(border + 2, min(h, w) // 4)
    inner = (border, border, w - border, h - border)
    background = np.zeros((h, w), bool)
    product = np.zeros((h, w), bool)
    crop = small[border:h - border, border:w - border]
    if crop.size:
        raw = clean_product(~estimate_background(crop))
        if text:
            shift = [(x0 / scale - border, y0 / scale - border, x1 / scale - border,
                      y1 / scale - border) for x0, y0, x1, y1 in text]
            raw = clean_product(remove_text(raw, shift))
        solid = close_product(raw)
        background[border:h - border, border:w - border] = ~solid
        product[border:h - border, border:w - border] = solid
    return Frame(small, scale, background, product, inner, border)


def _on_white(rgba: np.ndarray) -> np.ndarray:
    a = rgba[..., 3:4].astype(np.uint16)
    return ((rgba[..., :3] * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)
