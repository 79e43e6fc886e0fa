"""Signed-distance shapes, shading helpers and a painter for the sample renderer.

Distances are in pixels and negative inside a shape. The coverage of a pixel is estimated as
``clip(0.5 - d, 0, 1)``, which is exact for a straight edge crossing a box-filtered pixel: it
gives every silhouette an anti-aliased edge without rendering at a higher resolution, so a
product costs one evaluation per pixel.
"""

from __future__ import annotations

import cv2
import numpy as np

Array = np.ndarray
F32 = np.float32

# Key light: a big softbox at the front left, a little above the product. Camera space:
# x right, y down (image rows), z towards the camera.
LIGHT = np.array([-0.55, -0.45, 0.70], dtype=F32) / np.linalg.norm([-0.55, -0.45, 0.70])


def grid(h: int, w: int) -> tuple[Array, Array]:
    """Pixel-centre coordinates ``(x, y)`` of an ``h`` x ``w`` canvas, float32."""
    ys, xs = np.mgrid[0:h, 0:w].astype(F32)
    return xs + F32(0.5), ys + F32(0.5)


def coverage(d: Array) -> Array:
    """Fraction of each pixel inside the shape whose signed distance is ``d``."""
    return np.clip(F32(0.5) - d, 0.0, 1.0).astype(F32)


def box(x: Array, y: Array, cx: float, cy: float, hw: float, hh: float, r: float = 0.0) -> Array:
    """Rounded rectangle centred on ``(cx, cy)`` with half sizes ``hw``, ``hh``, corner ``r``."""
    r = max(0.0, min(r, hw, hh))
    qx = np.abs(x - cx) - (hw - r)
    qy = np.abs(y - cy) - (hh - r)
    outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
    return (outside + np.minimum(np.maximum(qx, qy), 0) - r).astype(F32)


def span(x: Array, y: Array, hw: float, y0: float, y1: float, r: float = 0.0) -> Array:
    """Rounded rectangle centred on ``x = 0`` from row ``y0`` down to row ``y1``."""
    return box(x, y, 0.0, (y0 + y1) / 2, hw, max(y1 - y0, 0.0) / 2, r)


def ellipse(x: Array, y: Array, cx: float, cy: float, a: float, b: float) -> Array:
    """Ellipse with half axes ``a`` (x) and ``b`` (y); distance is close to exact near the edge."""
    a, b = max(a, 1e-3), max(b, 1e-3)
    px, py = (x - cx) / a, (y - cy) / b
    k0 = np.hypot(px, py)
    k1 = np.hypot(px / a, py / b)
    # k0 / k1 is the local scale of the ellipse; at the centre both vanish, so use the minor axis.
    scale = np.where(k1 > 1e-6, k0 / np.maximum(k1, 1e-6), min(a, b))
    return ((k0 - 1.0) * scale).astype(F32)


def convex(x: Array, y: Array, points: Array) -> Array:
    """Convex polygon (vertices in order, either winding): the largest edge-line distance."""
    pts = np.asarray(points, dtype=np.float64)
    area = np.sum(pts[:, 0] * np.roll(pts[:, 1], -1) - np.roll(pts[:, 0], -1) * pts[:, 1])
    sign = 1.0 if area > 0 else -1.0
    d = np.full(x.shape, -np.inf, dtype=F32)
    for p0, p1 in zip(pts, np.roll(pts, -1, axis=0), strict=True):
        ex, ey = p1 - p0
        length = max(np.hypot(ex, ey), 1e-9)
        nx, ny = sign * ey / length, -sign * ex / length
        d = np.maximum(d, (x - p0[0]) * F32(nx) + (y - p0[1]) * F32(ny))
    return d


def smin(a: Array, b: Array, k: float) -> Array:
    """Smooth union of two shapes, blending over about ``k`` pixels (a moulded shoulder)."""
    if k <= 0:
        return np.minimum(a, b)
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return (b * (1 - h) + a * h - k * h * (1 - h)).astype(F32)


def smoothstep(e0: float, e1: float, t: Array) -> Array:
    """Hermite step from 0 at ``e0`` to 1 at ``e1``."""
    s = np.clip((t - e0) / (e1 - e0), 0.0, 1.0)
    return (s * s * (3 - 2 * s)).astype(F32)


def noise(rng: np.random.Generator, h: int, w: int, cells: float) -> Array:
    """Smooth value noise in about ``[-1, 1]`` with features ``cells`` pixels across."""
    gh = max(2, int(np.ceil(h / max(cells, 1.0))) + 2)
    gw = max(2, int(np.ceil(w / max(cells, 1.0))) + 2)
    coarse = rng.uniform(-1.0, 1.0, (gh, gw)).astype(F32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def lambert(nx: Array, ny: Array, nz: Array, wrap: float = 0.35) -> Array:
    """Diffuse light from the key softbox; ``wrap`` lets it reach round the side as a big
    softbox does, so the shadow side is never black."""
    d = nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]
    return np.clip((d + wrap) / (1 + wrap), 0.0, 1.0).astype(F32)


def streak(u: Array, centre: float, width: float) -> Array:
    """A vertical highlight: the reflection of a tall softbox in a glossy cylinder."""
    return np.exp(-(((u - centre) / width) ** 2)).astype(F32)


class Painter:
    """Paints parts back to front. Colour is accumulated premultiplied; the silhouette alpha
    comes from the union of the shapes instead, so parts that share an edge (box faces)
    leave no half-transparent seam."""

    def __init__(self, h: int, w: int) -> None:
        self.rgb = np.zeros((h, w, 3), F32)
        self.weight = np.zeros((h, w), F32)

    def paint(self, d: Array, colour: Array) -> None:
        """Lay ``colour`` ((H, W, 3) or (3,), 0..1) over what is there, where ``d < 0``."""
        c = coverage(d)
        self.rgb *= (1 - c)[..., None]
        self.rgb += np.asarray(colour, F32) * c[..., None]
        self.weight = self.weight * (1 - c) + c

    def straight(self) -> Array:
        """Un-premultiplied colour, defined (not black) right up to the silhouette edge."""
        return self.rgb / np.maximum(self.weight, 1e-6)[..., None]


class Canvas:
    """The pixel grid of one product, ``h`` pixels tall and ``2 * half_width`` wide, with a
    margin so that the anti-aliased edge is never cut. ``x`` is 0 on the product's axis and
    ``y`` is 0 at its top, so shapes are written in product pixels."""

    def __init__(self, h: float, half_width: float, margin: int = 2) -> None:
        self.h = float(h)
        self.height = int(np.ceil(h)) + 2 * margin
        self.width = 2 * (int(np.ceil(half_width)) + margin)
        self.cx = self.width / 2
        self.top = float(margin)
        x, y = grid(self.height, self.width)
        self.x = x - F32(self.cx)
        self.y = y - F32(self.top)
        self.painter = Painter(self.height, self.width)
