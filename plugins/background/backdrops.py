"""The backdrops the product is put on, as ``uint8 (H, W, 3)`` RGB (or RGBA for ``keep``):
a flat colour, a two-colour gradient, a studio sweep, a photo scaled to cover, and the
photo's own backdrop blurred like a shallow depth of field.

Smooth backdrops (gradient, sweep) are computed at a reduced size and resized up once:
they have no detail to lose, and a 2000x2000 one then costs a few milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from editor.model.imageio import ImageFileError, flatten, load_image
from editor.tasks.api import PluginError

RGB = tuple[int, int, int]
#: the long side at which smooth backdrops are computed before resizing up
SMOOTH_SIDE = 640


def flat(h: int, w: int, colour: RGB) -> np.ndarray:
    """One colour, exactly."""
    out = np.empty((h, w, 3), np.uint8)
    out[...] = np.asarray(colour, np.uint8)
    return out


def _small_grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Pixel-centre coordinates in full-size pixels over a reduced grid (x (1, sw), y
    (sh, 1)), and the reduced size."""
    scale = min(1.0, SMOOTH_SIDE / max(h, w))
    sw, sh = max(2, round(w * scale)), max(2, round(h * scale))
    x = ((np.arange(sw, dtype=np.float32) + 0.5) * (w / sw))[None, :]
    y = ((np.arange(sh, dtype=np.float32) + 0.5) * (h / sh))[:, None]
    return x, y, sw, sh


def _up(values: np.ndarray, h: int, w: int) -> np.ndarray:
    """Float RGB 0..255 at the reduced size -> uint8 at (h, w), with a faint fixed dither
    so an 8-bit gradient shows no bands."""
    full = cv2.resize(values.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    dither = np.tile(_DITHER, (h // 8 + 1, w // 8 + 1))[:h, :w, None]
    full += dither
    return np.clip(full, 0, 255, out=full).astype(np.uint8)


# an 8x8 Bayer matrix centred on 0, spanning one grey level
_BAYER = np.array([[0, 32, 8, 40, 2, 34, 10, 42], [48, 16, 56, 24, 50, 18, 58, 26],
                   [12, 44, 4, 36, 14, 46, 6, 38], [60, 28, 52, 20, 62, 30, 54, 22],
                   [3, 35, 11, 43, 1, 33, 9, 41], [51, 19, 59, 27, 49, 17, 57, 25],
                   [15, 47, 7, 39, 13, 45, 5, 37], [63, 31, 55, 23, 61, 29, 53, 21]],
                  np.float32)
_DITHER = (_BAYER + 0.5) / 64.0


def gradient(h: int, w: int, first: RGB, second: RGB, angle: float) -> np.ndarray:
    """``first`` to ``second`` along the direction ``angle`` degrees (0 = left to right,
    90 = bottom to top), corner to corner."""
    x, y, sw, sh = _small_grid(h, w)
    theta = np.radians(angle)
    dx, dy = np.cos(theta), -np.sin(theta)
    p = (x - w / 2) * dx + (y - h / 2) * dy
    reach = abs(dx) * w / 2 + abs(dy) * h / 2
    t = np.clip((p / max(reach, 1e-6) + 1) / 2, 0, 1)[..., None]
    a, b = np.asarray(first, np.float32), np.asarray(second, np.float32)
    return _up(a * (1 - t) + b * t, h, w)


def _smoothstep(lo: float, hi: float, v: np.ndarray) -> np.ndarray:
    t = np.clip((v - lo) / (hi - lo), 0, 1)
    return t * t * (3 - 2 * t)


def sweep(h: int, w: int, floor: RGB, wall: RGB | None, horizon: float) -> np.ndarray:
    """A paper studio sweep: the ``wall`` colour above (default: ``floor`` a little
    darker), curving into the ``floor`` colour around row ``horizon`` (where the floor
    meets the wall behind the product), brightest just in front of the curve and
    falling off softly towards the camera, with a faint vignette."""
    x, y, sw, sh = _small_grid(h, w)
    f = np.asarray(floor, np.float32)
    top = np.asarray(wall, np.float32) if wall is not None else f * 0.86
    curve = horizon - 0.04 * h * ((x - w / 2) / (w / 2)) ** 2
    t = (y - curve) / h
    lift = _smoothstep(-0.45, 0.04, t)[..., None]  # wall -> floor across the curve
    fall = 1 - 0.07 * _smoothstep(0.05, 0.8, t)[..., None]  # the floor falls off
    r2 = ((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2
    vignette = (1 - 0.06 * (r2 / 2) ** 1.3)[..., None]
    values = (top * (1 - lift) + f * lift) * fall * vignette
    return _up(values, h, w)


def photo(path: str, h: int, w: int, blur: float = 0.0) -> np.ndarray:
    """The image at ``path`` scaled to cover ``w`` x ``h`` and centred (cropping what
    overhangs), blurred by ``blur`` pixels; PluginError naming the file if it is not a
    usable image."""
    try:
        loaded = load_image(Path(path))
    except ImageFileError as exc:
        raise PluginError(f"image={path}: {exc.args[0] if exc.args else exc}") from None
    rgb = flatten(loaded.pixels, (255, 255, 255))
    ih, iw = rgb.shape[:2]
    scale = max(w / iw, h / ih)
    cw, ch = max(w, round(iw * scale)), max(h, round(ih * scale))
    inter = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    covered = cv2.resize(rgb, (cw, ch), interpolation=inter)
    x0, y0 = (cw - w) // 2, (ch - h) // 2
    out = np.ascontiguousarray(covered[y0:y0 + h, x0:x0 + w])
    if blur > 0:
        out = _gauss(out, blur)
    return out


def _gauss(rgb: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur of ``sigma`` pixels; a wide one is done on a shrunk copy (it has
    no detail left to lose) so its cost does not grow with the radius."""
    h, w = rgb.shape[:2]
    shrink = max(1.0, sigma / 4.0)
    if shrink <= 1.5:
        return cv2.GaussianBlur(rgb, (0, 0), sigma)
    small = cv2.resize(rgb, (max(1, round(w / shrink)), max(1, round(h / shrink))),
                       interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / shrink)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def fill_behind(rgb: np.ndarray, alpha: np.ndarray, sigma: float) -> np.ndarray:
    """The backdrop of ``rgb`` with the product (``alpha``) taken out and the hole filled
    from the backdrop around it, blurred by ``sigma`` pixels: a normalised convolution,
    so the product's colours never bleed into the blur around it."""
    h, w = alpha.shape
    shrink = max(1.0, sigma / 3.0, max(h, w) / 1024)
    sw, sh = max(1, round(w / shrink)), max(1, round(h / shrink))
    grown = cv2.dilate(alpha, np.ones((5, 5), np.uint8))  # the product's soft rim too
    keep = 1.0 - grown.astype(np.float32) / 255.0
    if not keep.any():  # nothing but product: no backdrop to fill from
        return rgb.copy()
    # weight before shrinking, so no shrunk pixel mixes the product's colour in
    num0 = cv2.resize(rgb.astype(np.float32) * keep[..., None], (sw, sh),
                      interpolation=cv2.INTER_AREA)
    weight = cv2.resize(keep, (sw, sh), interpolation=cv2.INTER_AREA)
    s = max(0.5, sigma / shrink)
    num = cv2.GaussianBlur(num0, (0, 0), s)
    den = cv2.GaussianBlur(weight, (0, 0), s)
    # deep inside a large product the blur reaches no backdrop: fill from further away
    # (a wide blur, done on a copy shrunk further so it costs no more than a narrow one)
    far = max(s * 4, max(sw, sh) / 8)
    step = max(1.0, far / 4)
    tiny = (max(1, round(sw / step)), max(1, round(sh / step)))
    num_far = cv2.resize(cv2.GaussianBlur(cv2.resize(num0, tiny, interpolation=cv2.INTER_AREA),
                                          (0, 0), far / step), (sw, sh),
                         interpolation=cv2.INTER_LINEAR)
    den_far = cv2.resize(cv2.GaussianBlur(cv2.resize(weight, tiny, interpolation=cv2.INTER_AREA),
                                          (0, 0), far / step), (sw, sh),
                         interpolation=cv2.INTER_LINEAR)
    mix = np.clip(den / 0.05, 0, 1)[..., None]
    near = num / np.maximum(den, 1e-6)[..., None]
    wide = num_far / np.maximum(den_far, 1e-6)[..., None]
    filled = near * mix + wide * (1 - mix)
    full = cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(full + 0.5, 0, 255).astype(np.uint8)
