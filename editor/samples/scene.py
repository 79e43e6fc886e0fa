"""Put a product on a backdrop with its shadows, and record the exact ground truth."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from editor.samples import cylinders, solids
from editor.samples.backgrounds import BACKGROUNDS, backdrop
from editor.samples.parts import Colour, ProductImage, to_unit
from editor.samples.sdf import F32, ellipse, grid

Builder = Callable[[float, np.random.Generator, np.ndarray | None], ProductImage]

# Adding a product kind is adding a builder here; nothing else switches on the kind.
BUILDERS: dict[str, Builder] = {
    "bottle": cylinders.bottle,
    "box": solids.carton,
    "mug": cylinders.mug,
    "jar": cylinders.jar,
    "can": cylinders.can,
    "bag": solids.bag,
}
KINDS: tuple[str, ...] = tuple(BUILDERS)

# Independent random streams, so that e.g. changing the backdrop keeps the same product.
_PRODUCT, _BACKDROP, _NOISE = 0, 1, 2


@dataclass
class Sample:
    """A rendered product photo and its ground truth.

    ``image`` is opaque RGBA uint8 (H, W, 4). ``mask`` is the product's exact coverage,
    uint8 (H, W), anti-aliased at the edge, shadows excluded: it is the alpha the product
    was composited with. ``shadow`` is how much the backdrop was darkened, uint8 0..255.
    ``box`` is ``x0, y0, x1, y1`` (x1/y1 exclusive) tight around ``mask > 0``, or all zero
    when the product is out of the frame.
    """

    image: np.ndarray
    mask: np.ndarray
    shadow: np.ndarray
    box: tuple[int, int, int, int]
    kind: str
    background: str


def _rng(seed: int, kind: str, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(kind.encode()), stream])


def _build(kind: str, height_px: float, seed: int, colour: Colour | None) -> ProductImage:
    if kind not in BUILDERS:
        raise ValueError(f"unknown product kind {kind!r}; choose one of {', '.join(KINDS)}")
    unit = None if colour is None else to_unit(colour)
    return BUILDERS[kind](max(float(height_px), 4.0), _rng(seed, kind, _PRODUCT), unit)


def render_product(
    kind: str, height_px: float, seed: int = 0, colour: Colour | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One product on a transparent canvas about ``height_px`` tall, for composites.

    Returns ``(rgba, mask)``: ``rgba`` is uint8 (H, W, 4) with STRAIGHT (not premultiplied)
    alpha, its colour valid right up to the edge so it can be composited with any alpha
    convention; ``mask`` is uint8 (H, W) and equal to the alpha channel. ``colour`` is the
    main RGB colour 0..255; ``None`` picks a colourway from ``seed``.
    """
    product = _build(kind, height_px, seed, colour)
    mask = np.rint(product.alpha * 255).astype(np.uint8)
    rgb = np.rint(product.rgb * 255).astype(np.uint8)
    return np.dstack([rgb, mask]), mask


def _shadow(alpha: np.ndarray, base: tuple[float, float, float, float], height: float,
            drop: bool) -> np.ndarray:
    """Darkening of the floor, 0..1: a soft contact shadow and a tight occlusion core where
    the product touches the floor, plus a drop shadow thrown back and to the right."""
    h, w = alpha.shape
    x, y = grid(h, w)
    cx, cy, rx, ry = base
    ry = max(ry, 0.02 * height, 0.6)
    soft = np.clip(0.5 - ellipse(x, y, cx, cy + 0.25 * ry, 1.12 * rx, 1.5 * ry), 0, 1)
    soft = cv2.GaussianBlur(soft, (0, 0), max(0.045 * height, 0.6))
    core = np.clip(0.5 - ellipse(x, y, cx, cy + 0.1 * ry, 1.0 * rx, 1.1 * ry), 0, 1)
    core = cv2.GaussianBlur(core, (0, 0), max(0.008 * height, 0.5))
    shade = 1 - (1 - 0.42 * soft) * (1 - 0.45 * core)
    if drop:
        shear, squash = 0.8, 0.12
        warp = np.float32([[1, -shear, shear * cy], [0, squash, cy * (1 - squash)]])
        cast = cv2.warpAffine(alpha, warp, (w, h), flags=cv2.INTER_LINEAR)
        cast = cv2.GaussianBlur(cast, (0, 0), max(0.03 * height, 0.6))
        fade = np.exp(-np.maximum(x - cx, 0) / max(0.5 * height, 1.0))
        shade = 1 - (1 - shade) * (1 - 0.22 * cast * fade)
    return shade.astype(F32)


def _tight_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return (0, 0, 0, 0)
    return (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


def render_sample(
    kind: str = "bottle",
    size: tuple[int, int] = (1200, 900),
    *,
    background: str = "sweep",
    seed: int = 0,
    colour: Colour | None = None,
    scale: float = 0.6,
    position: tuple[float, float] | None = None,
    noise_sigma: float = 1.5,
    drop_shadow: bool = True,
) -> Sample:
    """Render a product photo ``size = (width, height)`` pixels with exact ground truth.

    The same arguments always give the same pixels. The product is about ``scale`` of the
    frame height tall (narrowed to fit the width), centred on ``position`` (fractions of the
    width and height, default the middle of the frame). ``colour`` is the product's main
    RGB colour, 0..255; ``None`` picks a colourway from ``seed``. ``noise_sigma`` is sensor
    noise in grey levels; on ``white`` it is left out of the blown-out backdrop, which
    marketplaces require to be exactly 255.
    """
    if background not in BACKGROUNDS:
        raise ValueError(f"unknown background {background!r}; choose one of "
                         f"{', '.join(BACKGROUNDS)}")
    w, h = int(size[0]), int(size[1])
    if w < 1 or h < 1:
        raise ValueError(f"size must be at least 1x1, got {w}x{h}")
    probe = _build(kind, 100.0, seed, colour)
    aspect = probe.alpha.shape[1] / probe.alpha.shape[0]
    height = min(scale * h, 0.9 * w / aspect)
    product = _build(kind, height, seed, colour)
    fx, fy = position if position is not None else (0.5, 0.5)
    ph, pw = product.alpha.shape
    ox, oy = int(round(fx * w - pw / 2)), int(round(fy * h - ph / 2))

    # Paste the product canvas into the frame, clipped at the frame's edges.
    alpha = np.zeros((h, w), F32)
    rgb = np.zeros((h, w, 3), F32)
    fy0, fy1, fx0, fx1 = max(oy, 0), min(oy + ph, h), max(ox, 0), min(ox + pw, w)
    if fy1 > fy0 and fx1 > fx0:
        src = (slice(fy0 - oy, fy1 - oy), slice(fx0 - ox, fx1 - ox))
        alpha[fy0:fy1, fx0:fx1] = product.alpha[src]
        rgb[fy0:fy1, fx0:fx1] = product.rgb[src]
    mask = np.rint(alpha * 255).astype(np.uint8)

    cx, cy, rx, ry = product.base
    base = (cx + ox, cy + oy, rx, ry)
    shadow = np.rint(_shadow(alpha, base, height, drop_shadow) * 255).astype(np.uint8)
    floor = backdrop(background, w, h, _rng(seed, background, _BACKDROP), base[1] - 0.12 * height)

    # Composite with the quantised mask and shadow, so the ground truth is exactly what
    # produced the pixels.
    a = (mask.astype(F32) / 255)[..., None]
    lit = floor * (1 - shadow.astype(F32) / 255)[..., None]
    out = rgb * 255 * a + lit * (1 - a)
    if noise_sigma > 0:
        grain = _rng(seed, kind, _NOISE).normal(0, noise_sigma, out.shape).astype(F32)
        if background == "white":
            grain *= ((mask > 0) | (shadow > 0))[..., None]
        out += grain
    image = np.dstack([np.clip(np.rint(out), 0, 255).astype(np.uint8),
                       np.full((h, w), 255, np.uint8)])
    return Sample(image, mask, shadow, _tight_box(mask), kind, background)
