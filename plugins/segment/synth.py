"""Training and benchmark composites: product cutouts pasted, with a contact shadow and a
change of light, onto varied backdrops (studio sweeps, plain colours, gradients, wood and
concrete textures, natural photos), with the exact mask as the target.

Products come from white-background shots (their masks derived from the white, see
:func:`white_shot_alpha`) and from this project's own renderer (:mod:`editor.samples`).
"""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from editor.samples.backgrounds import backdrop

F32 = np.float32
#: how unlike white (0..255, largest channel deficit) a pixel must be to be product
WHITE_TOLERANCE = 16


@dataclass
class Cutout:
    """A product on a transparent canvas: float RGB 0..1 (H, W, 3) and alpha 0..1 (H, W)."""

    rgb: np.ndarray
    alpha: np.ndarray
    name: str = ""


def white_shot_alpha(rgb: np.ndarray, tolerance: int = WHITE_TOLERANCE) -> np.ndarray:
    """uint8 alpha of the product in a photo on white: everything not connected to the
    border through near-white pixels, with a one-pixel soft edge."""
    h, w = rgb.shape[:2]
    deficit = 255 - rgb.astype(np.int16).min(axis=2)
    deficit = cv2.GaussianBlur(deficit.astype(F32), (3, 3), 0)
    rim = np.concatenate([deficit[0], deficit[-1], deficit[:, 0], deficit[:, -1]])
    # an off-white (JPEG-grey) backdrop raises the bar by what its border shows
    tolerance = max(tolerance, float(np.percentile(rim, 90)) + 8)
    white = (deficit < tolerance).astype(np.uint8)
    n, labels = cv2.connectedComponents(white, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    backdrop_px = np.isin(labels, edge[edge > 0]) & (white > 0)
    product = (~backdrop_px).astype(np.uint8)
    product = cv2.morphologyEx(product, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    # a white label touching the edge of a white carton: close small bites, fill holes
    product = cv2.morphologyEx(product, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (7, 7)))
    product = _fill_holes(product)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(product, connectivity=8)
    if n > 1:
        floor = max(4, 0.002 * h * w)
        keep = np.zeros(n, bool)
        keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= floor
        product = keep[labels].astype(np.uint8)
    soft = cv2.GaussianBlur(product.astype(F32), (0, 0), 0.6)
    return np.clip(soft * 255 + 0.5, 0, 255).astype(np.uint8)


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` (0/1) with every background region not touching the border filled."""
    padded = np.pad(mask, 1)
    seed = np.zeros((padded.shape[0] + 2, padded.shape[1] + 2), np.uint8)
    flooded = padded.copy()
    cv2.floodFill(flooded, seed, (0, 0), 2)
    return (flooded[1:-1, 1:-1] != 2).astype(np.uint8)


def cutout_from_white(rgb: np.ndarray, name: str = "") -> Cutout | None:
    """The product of a white-background shot, cropped to it; None if nothing is there."""
    alpha = white_shot_alpha(rgb)
    ys, xs = np.nonzero(alpha > 0)
    if len(ys) < 16:
        return None
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    a = alpha[y0:y1, x0:x1].astype(F32) / 255
    colour = rgb[y0:y1, x0:x1].astype(F32) / 255
    # edge pixels are part white: take the colour of the nearest solid product pixel
    solid = (a > 0.98).astype(np.uint8)
    if solid.any():
        _, nearest = cv2.distanceTransformWithLabels(1 - solid, cv2.DIST_L2, 3,
                                                     labelType=cv2.DIST_LABEL_PIXEL)
        sy, sx = np.nonzero(solid)
        table = np.zeros((nearest.max() + 1, 3), F32)
        table[nearest[sy, sx]] = colour[sy, sx]
        colour = np.where((a < 0.98)[..., None], table[nearest], colour)
    return Cutout(colour, a, name)


def cutout_from_pair(rgb: np.ndarray, mask: np.ndarray, name: str = "",
                     margin: int = 2) -> Cutout | None:
    """The object of a photo+mask pair (uint8), cropped to its mask, to paste elsewhere."""
    ys, xs = np.nonzero(mask > 127)
    if len(ys) < 16:
        return None
    h, w = mask.shape
    y0, y1 = max(0, ys.min() - margin), min(h, ys.max() + 1 + margin)
    x0, x1 = max(0, xs.min() - margin), min(w, xs.max() + 1 + margin)
    return Cutout(rgb[y0:y1, x0:x1, :3].astype(F32) / 255,
                  mask[y0:y1, x0:x1].astype(F32) / 255, name)


def held_out(names: Sequence[str], count: int = 10, seed: str = "lightbox-segment") -> set[str]:
    """The ``count`` names (stable under additions) kept out of training for the benchmark."""
    def key(name: str) -> bytes:
        return hashlib.blake2b(f"{seed}\0{name}".encode(), digest_size=8).digest()

    return set(sorted(names, key=key)[:count])


def rendered_products(count: int, height: float = 200.0, start_seed: int = 100) -> list[Cutout]:
    """``count`` products from the project's renderer, cycling through its kinds."""
    from editor.samples import KINDS, render_product

    out = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        rgba, mask = render_product(kind, height, seed=start_seed + i)
        out.append(Cutout(rgba[..., :3].astype(F32) / 255, mask.astype(F32) / 255, kind))
    return out


def random_backdrop(rng: np.random.Generator, w: int, h: int,
                    photos: Sequence[np.ndarray] = (), horizon: float | None = None) -> np.ndarray:
    """float RGB 0..255 (h, w, 3): a studio sweep, plain colour, gradient, texture or photo."""
    roll = rng.uniform()
    horizon = h * rng.uniform(0.4, 0.8) if horizon is None else horizon
    if photos and roll < 0.3:
        # A scene behind a product is out of focus and seen close up. Left sharp and whole,
        # its own subjects (people, animals) would teach the network that a salient object
        # in a photo is backdrop, the opposite of what a cutout of a real photo needs.
        photo = photos[int(rng.integers(len(photos)))]
        ph, pw = photo.shape[:2]
        scale = max(w / pw, h / ph) * rng.uniform(1.2, 2.5)
        big = cv2.resize(photo, (int(np.ceil(pw * scale)), int(np.ceil(ph * scale))),
                         interpolation=cv2.INTER_LINEAR)
        y = int(rng.integers(0, big.shape[0] - h + 1))
        x = int(rng.integers(0, big.shape[1] - w + 1))
        out = big[y:y + h, x:x + w].astype(F32)
        return cv2.GaussianBlur(out, (0, 0), rng.uniform(1.5, 5.0) * h / 224)
    if roll < 0.45:
        hue, sat, val = rng.uniform(), rng.uniform(0, 0.9), rng.uniform(0.15, 1.0)
        colour = np.array(colorsys.hsv_to_rgb(hue, sat, val), F32) * 255
        out = np.broadcast_to(colour, (h, w, 3)).astype(F32)
        shade = 1 + rng.uniform(-0.08, 0.08) * np.linspace(-1, 1, h, dtype=F32)[:, None, None]
        return np.clip(out * shade, 0, 255)
    name = ("sweep", "white", "gradient", "texture")[int(rng.integers(4))]
    out = backdrop(name, w, h, rng, horizon)
    if name in ("sweep", "white") and rng.uniform() < 0.5:  # coloured paper sweeps too
        tint = np.array(colorsys.hsv_to_rgb(rng.uniform(), rng.uniform(0.1, 0.6), 1.0), F32)
        out = out * tint
    return out


def _place(rng: np.random.Generator, item: Cutout, w: int, h: int, frac: float,
           stretch: float, widest: float = 0.95) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The product resized to ``frac`` of the frame's height (and at most ``widest`` of its
    width), flipped half the time, at a random position; an item larger than the frame is
    cut by it anywhere."""
    ph, pw = item.alpha.shape
    target = frac * h
    scale = min(target / ph, widest * w / (pw * stretch))
    nh, nw = max(2, int(ph * scale)), max(2, int(pw * scale * stretch))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    rgb = cv2.resize(item.rgb, (nw, nh), interpolation=interp)
    alpha = cv2.resize(item.alpha, (nw, nh), interpolation=interp)
    if rng.uniform() < 0.5:
        rgb, alpha = rgb[:, ::-1], alpha[:, ::-1]
    x = int(rng.integers(-nw // 6, w - nw + nw // 6 + 1)) if w > nw else \
        int(rng.integers(w - nw, 1))
    y = int(rng.integers(-nh // 8, h - nh + nh // 8 + 1)) if h > nh else \
        int(rng.integers(h - nh, 1))
    return rgb, alpha, x, y


def _paste(canvas: np.ndarray, layer: np.ndarray, x: int, y: int) -> None:
    """``canvas[y:, x:] = layer`` clipped to the canvas (layer may stick out)."""
    h, w = canvas.shape[:2]
    lh, lw = layer.shape[:2]
    cy0, cx0, cy1, cx1 = max(0, y), max(0, x), min(h, y + lh), min(w, x + lw)
    if cy1 > cy0 and cx1 > cx0:
        canvas[cy0:cy1, cx0:cx1] = layer[cy0 - y:cy1 - y, cx0 - x:cx1 - x]


def _shadow(rng: np.random.Generator, alpha_full: np.ndarray, h: int, w: int) -> np.ndarray:
    """Darkening 0..1: a soft contact ellipse under the product and sometimes a cast."""
    ys, xs = np.nonzero(alpha_full > 0.5)
    if len(ys) == 0:
        return np.zeros((h, w), F32)
    bottom, left, right = ys.max(), xs.min(), xs.max()
    height = ys.max() - ys.min() + 1
    shade = np.zeros((h, w), F32)
    cx, rx = (left + right) / 2, max(2.0, (right - left) / 2 * rng.uniform(0.8, 1.1))
    ry = max(1.0, rx * rng.uniform(0.06, 0.2))
    cv2.ellipse(shade, (int(cx), int(bottom)), (int(rx), int(ry)), 0, 0, 360, 1.0, -1)
    shade = cv2.GaussianBlur(shade, (0, 0), max(1.0, rng.uniform(0.02, 0.08) * height))
    strength = rng.uniform(0.2, 0.65)
    if rng.uniform() < 0.4:
        shear = rng.uniform(-1.0, 1.0)
        squash = rng.uniform(0.1, 0.5)
        warp = np.float32([[1, shear, -shear * bottom], [0, squash, bottom * (1 - squash)]])
        cast = cv2.warpAffine(alpha_full, warp, (w, h), flags=cv2.INTER_LINEAR)
        cast = cv2.GaussianBlur(cast, (0, 0), max(1.0, rng.uniform(0.01, 0.05) * height))
        shade = np.maximum(shade, cast * rng.uniform(0.3, 0.8))
    return np.clip(shade * strength, 0, 0.9)


def composite(rng: np.random.Generator, products: Sequence[Cutout], w: int, h: int,
              photos: Sequence[np.ndarray] = (), count: int | None = None,
              background: np.ndarray | None = None, close_ups: float = 0.0
              ) -> tuple[np.ndarray, np.ndarray]:
    """(uint8 RGB (h, w, 3), uint8 mask (h, w)): 1-3 products on a random backdrop.

    ``close_ups`` is the share of single products framed tightly: 0.8-1.3 of the frame's
    height and up to 1.2 of its width, so they fill most of it and are often cut by its
    edges, as in a close shot (and as salient objects in photos often are)."""
    if count is None:
        count = 1 if rng.uniform() < 0.7 else int(rng.integers(2, 4))
    floor = random_backdrop(rng, w, h, photos) if background is None else background.copy()
    placed = []
    for _ in range(count):
        item = products[int(rng.integers(len(products)))]
        close = close_ups > 0 and count == 1 and rng.uniform() < close_ups
        frac = rng.uniform(0.8, 1.3) if close else \
            rng.uniform(0.3, 0.85) if count == 1 else rng.uniform(0.25, 0.55)
        rgb, alpha, x, y = _place(rng, item, w, h, frac, float(np.exp(rng.uniform(-0.2, 0.2))),
                                  1.2 if close else 0.95)
        # the product's own light: exposure, contrast and a colour cast
        gain = rng.uniform(0.75, 1.2) * (1 + rng.uniform(-0.06, 0.06, 3)).astype(F32)
        rgb = np.clip((rgb - 0.5) * rng.uniform(0.85, 1.15) + 0.5, 0, 1) * gain
        layer_a = np.zeros((h, w), F32)
        layer_rgb = np.zeros((h, w, 3), F32)
        _paste(layer_a, alpha, x, y)
        _paste(layer_rgb, rgb.astype(F32), x, y)
        placed.append((layer_rgb, layer_a))
    # nearer (lower) products are drawn last
    placed.sort(key=lambda p: np.nonzero(p[1].any(axis=1))[0].max(initial=0))
    mask = np.zeros((h, w), F32)
    out = floor
    for layer_rgb, layer_a in placed:
        out = out * (1 - _shadow(rng, layer_a, h, w) * (1 - mask))[..., None]
        out = layer_rgb * 255 * layer_a[..., None] + out * (1 - layer_a[..., None])
        mask = layer_a + mask * (1 - layer_a)
    if rng.uniform() < 0.3:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 1.0))
    out = out + rng.normal(0, rng.uniform(0, 4), out.shape).astype(F32)
    image = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    return image, np.clip(mask * 255 + 0.5, 0, 255).astype(np.uint8)


def studio_composite(item: Cutout, background: str, w: int, h: int,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A benchmark photo: one product on a ``grey`` sweep, a ``gradient`` or a ``texture``,
    with its contact shadow; deterministic in ``seed``."""
    rng = np.random.default_rng([seed, hash_name(item.name), hash_name(background)])
    name = {"grey": "sweep"}.get(background, background)
    floor = backdrop(name, w, h, rng, h * 0.7)
    return composite(rng, [item], w, h, count=1, background=floor)


def hash_name(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big")


def upright_mask(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``mask`` turned to match ``image`` when it was stored a quarter turn off (some
    salient-object sets do): the turn whose boundary follows the photo's edges best. A mask
    of any other size is a ValueError: resizing it would teach a boundary that is not
    there."""
    if mask.shape[:2] == image.shape[:2]:
        return mask
    if mask.shape[:2] != image.shape[:2][::-1]:
        raise ValueError(f"the mask is {mask.shape[1]}x{mask.shape[0]} but its image is "
                         f"{image.shape[1]}x{image.shape[0]}")
    grey = cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY).astype(F32)
    grad = np.hypot(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))

    def fit(turned: np.ndarray) -> float:
        edge = cv2.morphologyEx((turned > 127).astype(np.uint8), cv2.MORPH_GRADIENT,
                                np.ones((3, 3), np.uint8)).astype(bool)
        return float(grad[edge].mean()) if edge.any() else 0.0

    options = [np.ascontiguousarray(np.rot90(mask, k)) for k in (3, 1)]
    return max(options, key=fit)
