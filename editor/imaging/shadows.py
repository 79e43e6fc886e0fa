"""Shadows a product casts on a new backdrop, made from its alpha alone: a contact shadow
where it meets the floor, a drop shadow thrown by a light from a direction, and a floor
reflection.

Each is its own layer under the product, so a user can edit or hide it: the contact and
drop shadows are a *darkness* ``uint8 (H, W)`` (255 = black) that :func:`darkness_layer`
turns into a black layer with that darkness as alpha (laid over any backdrop it darkens it
the same); the reflection is an RGBA layer of the product's own pixels, flipped and fading.

Speed matters (a 2000x2000 backdrop with its shadow in well under a second): the soft
shapes are built and blurred at a working size of at most :data:`WORK_SIDE` and resized up
once, which loses nothing because they are smooth by design.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: the long side, in pixels, at which soft shadow shapes are built before resizing up
WORK_SIDE = 512
#: alpha at or above which a pixel counts as product when finding the product's outline
SOLID = 128


@dataclass(frozen=True)
class Footprint:
    """Where the product stands: its bounding box and the part of its base that touches
    the floor (``x0..x1`` at row ``floor``), in the pixels of the alpha it was found in."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)
    floor: int  # the lowest product row
    x0: int  # the base's left and right ends on the floor (x1 exclusive)
    x1: int

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]


def footprint(alpha: np.ndarray) -> Footprint | None:
    """The product's footprint in ``alpha`` (uint8 (H, W)), or None when it is empty.

    The base is every column whose lowest product pixel lies within a few percent of the
    product's height of its lowest row: a bottle's flat bottom, a mug's foot but not its
    handle, both feet of a pair of shoes."""
    solid = alpha >= SOLID
    cols = np.flatnonzero(solid.any(axis=0))
    if cols.size == 0:
        return None
    rows = np.flatnonzero(solid.any(axis=1))
    y0, y1 = int(rows[0]), int(rows[-1]) + 1
    x0, x1 = int(cols[0]), int(cols[-1]) + 1
    # the lowest product row of each column, found from the bottom
    sub = solid[y0:y1, x0:x1]
    lowest = (y1 - 1) - np.argmax(sub[::-1], axis=0)
    lowest = np.where(sub.any(axis=0), lowest, -1)
    near = lowest >= (y1 - 1) - max(1.0, 0.04 * (y1 - y0))
    base = np.flatnonzero(near)
    return Footprint((x0, y0, x1, y1), y1 - 1, x0 + int(base[0]), x0 + int(base[-1]) + 1)


def _small(alpha: np.ndarray) -> tuple[np.ndarray, float]:
    """``alpha`` at the working size, as float 0..1, and the scale it was shrunk by."""
    h, w = alpha.shape
    scale = min(1.0, WORK_SIDE / max(h, w))
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        small = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    else:
        small = alpha
    return small.astype(np.float32) / 255.0, scale


def _full(shape_small: np.ndarray, shape: tuple[int, int], opacity: float) -> np.ndarray:
    """A 0..1 float shape at the working size -> uint8 darkness at ``shape`` (H, W)."""
    h, w = shape
    if shape_small.shape != (h, w):
        shape_small = cv2.resize(shape_small, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(shape_small * (255.0 * opacity) + 0.5, 0, 255).astype(np.uint8)


def _blur(values: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(values, (0, 0), max(0.3, float(sigma)),
                            borderType=cv2.BORDER_CONSTANT)


def contact_shadow(alpha: np.ndarray, *, opacity: float = 0.6,
                   softness: float = 1.0) -> np.ndarray:
    """Darkness ``uint8 (H, W)`` of a contact shadow under the product in ``alpha``.

    Two parts, as a photographed product on a table has: a soft flat ellipse under the
    whole base (the ambient occlusion of the floor around it) and a tight dark core right
    along the base, strongest where the product touches. ``softness`` scales both blurs
    (1 = a studio softbox); ``opacity`` is the darkness at the very core (0..1)."""
    if alpha.ndim != 2 or alpha.dtype != np.uint8:
        raise ValueError("alpha must be a uint8 (H, W) array")
    small, _ = _small(alpha)
    fp = footprint((small * 255).astype(np.uint8))
    if fp is None:
        return np.zeros(alpha.shape, np.uint8)
    sh, sw = small.shape
    base_w = max(1.0, fp.x1 - fp.x0)
    cx = (fp.x0 + fp.x1 - 1) / 2
    rx = base_w / 2
    # perspective: the floor under a base of width w looks a fraction of w deep
    ry = max(0.6, 0.09 * base_w, 0.012 * fp.height)
    soft_sigma = softness * max(0.6, 0.035 * fp.height, 0.12 * ry)
    pad = int(3 * soft_sigma + 2 * ry + 2)
    # build in a window around the base only: a shadow is small next to the frame
    wx0, wx1 = max(0, int(fp.x0 - rx - pad)), min(sw, int(fp.x1 + rx + pad))
    wy0, wy1 = max(0, int(fp.floor - 2 * ry - pad)), min(sh, int(fp.floor + 2 * ry + pad))
    if wx1 <= wx0 or wy1 <= wy0:
        return np.zeros(alpha.shape, np.uint8)
    y = np.arange(wy0, wy1, dtype=np.float32)[:, None]
    x = np.arange(wx0, wx1, dtype=np.float32)[None, :]
    # signed distance (in pixels, roughly) to an ellipse: anti-aliased by clipping
    d_soft = (np.sqrt(((x - cx) / (1.1 * rx + 0.5)) ** 2 + ((y - fp.floor) / (1.4 * ry)) ** 2)
              - 1.0) * min(rx, ry)
    soft = _blur(np.clip(0.5 - d_soft, 0, 1).astype(np.float32), soft_sigma)
    # the core: the base's own outline pressed onto the floor, just under it
    base_rows = small[max(0, wy0):fp.floor + 1, wx0:wx1]
    core = np.zeros_like(soft)
    depth = max(1, int(round(0.5 * ry)))
    band = base_rows[-depth:].max(axis=0) if base_rows.size else np.zeros(wx1 - wx0)
    top = fp.floor - wy0 - depth // 2
    core[max(0, top):top + 2 * depth] = band
    core = _blur(core, softness * max(0.5, 0.3 * ry))
    shade = 1 - (1 - 0.55 * soft) * (1 - 0.8 * np.clip(core * 1.6, 0, 1))
    out = np.zeros((sh, sw), np.float32)
    out[wy0:wy1, wx0:wx1] = shade
    return _full(out, alpha.shape, opacity)


def light_offset(light_angle: float, distance: float) -> tuple[float, float]:
    """Where a shadow falls, ``(dx, dy)`` in image pixels (y down), for a light coming
    from ``light_angle`` degrees (counter-clockwise from the right: 90 = from above,
    135 = from the upper left) at ``distance`` pixels: the opposite way."""
    theta = np.radians(light_angle)
    return float(-np.cos(theta) * distance), float(np.sin(theta) * distance)


def drop_shadow(alpha: np.ndarray, *, light_angle: float = 135.0, distance: float = 0.05,
                softness: float = 0.03, opacity: float = 0.45) -> np.ndarray:
    """Darkness ``uint8 (H, W)`` of the product's silhouette thrown by a light from
    ``light_angle`` (see :func:`light_offset`), offset by ``distance`` and blurred by
    ``softness``, both as fractions of the product's height, at ``opacity`` (0..1)."""
    small, scale = _small(alpha)
    fp = footprint((small * 255).astype(np.uint8))
    if fp is None:
        return np.zeros(alpha.shape, np.uint8)
    dx, dy = light_offset(light_angle, distance * fp.height)
    moved = cv2.warpAffine(small, np.float32([[1, 0, dx], [0, 1, dy]]),
                           (small.shape[1], small.shape[0]), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT)
    blurred = _blur(moved, max(0.3, softness * fp.height)) if softness > 0 else moved
    return _full(blurred, alpha.shape, opacity)


def reflection(rgb: np.ndarray, alpha: np.ndarray, *, opacity: float = 0.35,
               fade: float = 0.35, gap: int = 0) -> np.ndarray:
    """RGBA ``uint8 (H, W, 4)``: the product mirrored below its lowest row, as on a glossy
    floor, ``opacity`` at the base fading to nothing over ``fade`` of the product's height;
    ``gap`` pixels between the product and its mirror image."""
    h, w = alpha.shape
    out = np.zeros((h, w, 4), np.uint8)
    fp = footprint(alpha)
    if fp is None:
        return out
    x0, y0, x1, _ = fp.box
    start = fp.floor + 1 + max(0, int(gap))
    rows = min(h - start, fp.floor + 1 - y0)
    if rows <= 0:
        return out
    span = slice(fp.floor - rows + 1, fp.floor + 1)
    out[start:start + rows, x0:x1, :3] = rgb[span, x0:x1][::-1]
    reach = max(1.0, fade * fp.height)
    ramp = np.clip(1.0 - np.arange(rows, dtype=np.float32) / reach, 0, 1) ** 1.5
    mirrored = alpha[span, x0:x1][::-1].astype(np.float32)
    out[start:start + rows, x0:x1, 3] = np.clip(
        mirrored * (ramp[:, None] * float(opacity)) + 0.5, 0, 255).astype(np.uint8)
    return out


def darkness_layer(darkness: np.ndarray) -> np.ndarray:
    """RGBA ``uint8 (H, W, 4)``: black, with ``darkness`` as its alpha."""
    out = np.zeros(darkness.shape + (4,), np.uint8)
    out[..., 3] = darkness
    return out


def darken(rgb: np.ndarray, darkness: np.ndarray) -> np.ndarray:
    """``rgb`` (uint8 (H, W, 3)) under a black layer of ``darkness``: what the shadow
    layer does to the backdrop, computed where the darkness is not zero only."""
    out = rgb.copy()
    rows = np.flatnonzero(darkness.any(axis=1))
    if rows.size == 0:
        return out
    cols = np.flatnonzero(darkness.any(axis=0))
    ys, xs = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    keep = (255 - darkness[ys, xs]).astype(np.uint16)[..., None]
    out[ys, xs] = ((rgb[ys, xs].astype(np.uint16) * keep + 127) // 255).astype(np.uint8)
    return out
