"""Edge colours of a soft matte: a product's semi-transparent rim still holds some of the
backdrop it was photographed on. Laid over a new backdrop unchanged, it shows a fringe of
the old one (a dark halo of wood on white). :func:`clean_edges` takes it out.

A pixel of alpha ``a`` is ``I = a F + (1 - a) B``: with the old backdrop ``B`` estimated
from the fully outside pixels nearby, the product's own colour is ``F = (I - (1 - a) B) / a``.
Where ``a`` is small that division amplifies noise, so there ``F`` leans on the colour of
the fully inside pixels nearby. Both estimates are smooth, so they are computed on a shrunk
copy; only the rim's pixels change.
"""

from __future__ import annotations

import cv2
import numpy as np

#: the estimates' blur in image pixels: this, or 0.4 % of the long side if more
SIGMA = 2.0
#: the estimates are blurred on a copy shrunk until the blur is this many of its pixels
SMALL_SIGMA = 2.0
#: points per row when the estimates are read at the rim (cv2.remap's maps stay small)
REMAP_ROW = 8192


def _local_mean(rgb: np.ndarray, weight: np.ndarray, size: tuple[int, int],
                sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """The weighted local mean colour of ``rgb`` and the local weight, at ``size``."""
    num = cv2.resize(rgb * weight[..., None], size, interpolation=cv2.INTER_AREA)
    den = cv2.resize(weight, size, interpolation=cv2.INTER_AREA)
    num = cv2.GaussianBlur(num, (0, 0), sigma)
    den = cv2.GaussianBlur(den, (0, 0), sigma)
    return num / np.maximum(den, 1e-6)[..., None], den


def clean_edges(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``rgb`` (uint8 (H, W, 3)) with the old backdrop's colour taken out of the pixels
    where ``alpha`` (uint8 (H, W)) is strictly between 0 and 255; the others unchanged."""
    soft = (alpha > 0) & (alpha < 255)
    if not soft.any():
        return rgb.copy()
    h, w = alpha.shape
    rows = np.flatnonzero(soft.any(axis=1))
    cols = np.flatnonzero(soft.any(axis=0))
    margin = max(8, round(0.02 * max(h, w)))
    y0, y1 = max(0, rows[0] - margin), min(h, rows[-1] + 1 + margin)
    x0, x1 = max(0, cols[0] - margin), min(w, cols[-1] + 1 + margin)
    crop = rgb[y0:y1, x0:x1].astype(np.float32)
    a = alpha[y0:y1, x0:x1].astype(np.float32) / 255.0
    ch, cw = a.shape
    full_sigma = max(SIGMA, 0.004 * max(h, w))
    scale = min(1.0, SMALL_SIGMA / full_sigma)
    size = (max(1, round(cw * scale)), max(1, round(ch * scale)))
    sigma = max(0.8, full_sigma * scale)
    back, back_w = _local_mean(crop, (a == 0).astype(np.float32), size, sigma)
    inner, inner_w = _local_mean(crop, (a == 1).astype(np.float32), size, sigma)
    # the estimates are read at the rim's pixels only (bilinear), never resized up whole
    ys, xs = np.nonzero(soft[y0:y1, x0:x1])
    n = len(xs)
    # cv2.remap takes maps under 32,767 a side: lay the rim's points out in rows
    width = min(n, REMAP_ROW)
    rows = -(-n // width)
    pad = rows * width - n
    mx = np.pad((xs + 0.5) * (size[0] / cw) - 0.5, (0, pad), mode="edge")
    my = np.pad((ys + 0.5) * (size[1] / ch) - 0.5, (0, pad), mode="edge")
    mx = mx.astype(np.float32).reshape(rows, width)
    my = my.astype(np.float32).reshape(rows, width)

    def at(values: np.ndarray) -> np.ndarray:
        read = cv2.remap(values, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return read.reshape(rows * width, *read.shape[2:])[:n]

    pixel = crop[ys, xs]
    a1 = a[ys, xs][:, None]
    has_back = at(back_w)[:, None] > 1e-3
    has_inner = at(inner_w)[:, None] > 1e-3
    unmixed = np.where(has_back, (pixel - (1 - a1) * at(back)) / np.maximum(a1, 1e-3), pixel)
    trust = np.clip((a1 - 0.15) / 0.45, 0, 1)  # the formula, once alpha is large enough
    fallback = np.where(has_inner, at(inner), unmixed)
    colours = np.clip(trust * unmixed + (1 - trust) * fallback + 0.5, 0, 255).astype(np.uint8)
    out = rgb.copy()
    out[ys + y0, xs + x0] = colours
    return out
