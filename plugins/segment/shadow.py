"""Find the contact shadow a product casts on its backdrop, as a layer of its own.

The backdrop without the shadow is estimated by a grey-level closing of the backdrop's
brightness (a shadow is a dark patch smaller than the closing window), and the shadow is
how much darker the photo is than that estimate, near the product and outside it. The layer
is black with that darkening as alpha, so laid over any new backdrop it darkens it the same.
"""

from __future__ import annotations

import cv2
import numpy as np

from plugins.segment.classical import work_size

#: darkening below this (fraction of the backdrop's brightness) is not a shadow
MIN_DARKENING = 0.05
#: a shadow smaller than this share of the product's area is not reported
MIN_SHARE = 0.02


def find_shadow(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray | None:
    """uint8 (H, W) darkening (255 = black) of the backdrop around the product, or None."""
    h, w = rgb.shape[:2]
    sh, sw = work_size(h, w, 320)
    if min(sh, sw) < 8:
        return None
    small = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
    a = cv2.resize(alpha, (sw, sh), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    product = (a > 0.02).astype(np.uint8)
    area = int(product.sum())
    if area == 0:
        return None
    ys, xs = np.nonzero(product)
    size = max(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)
    lum = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32) + 1.0
    lum = cv2.GaussianBlur(lum, (0, 0), max(0.8, 0.004 * max(sh, sw)))
    # the product must not take part in the backdrop estimate: fill it with the median
    # backdrop brightness before the closing, so it neither lightens nor darkens it
    ring = cv2.dilate(product, np.ones((5, 5), np.uint8)).astype(bool)
    backdrop = lum.copy()
    backdrop[ring] = np.median(lum[~ring]) if (~ring).any() else lum.mean()
    k = int(max(9, 0.35 * size)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    clean = cv2.morphologyEx(backdrop, cv2.MORPH_CLOSE, kernel)
    clean = cv2.GaussianBlur(clean, (0, 0), k / 6)
    clean = np.maximum(clean, lum)
    dark = np.clip(1 - lum / clean, 0, 1)
    near = cv2.dilate(product, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (int(0.5 * size) | 1, int(0.5 * size) | 1))).astype(bool)
    dark[~near] = 0
    # the pixel just outside a crisp edge still holds some of the product's own (often
    # darker) colour: that rim is not a shadow
    dark *= 1 - cv2.dilate(a, np.ones((3, 3), np.uint8))
    strong = dark > MIN_DARKENING
    if strong.sum() < MIN_SHARE * area:
        return None
    dark = np.where(dark > MIN_DARKENING * 0.5, dark, 0).astype(np.float32)
    full = cv2.resize(dark, (w, h), interpolation=cv2.INTER_LINEAR)
    full *= 1 - alpha.astype(np.float32) / 255
    return np.clip(full * 255 + 0.5, 0, 255).astype(np.uint8)


def shadow_layer(darkening: np.ndarray) -> np.ndarray:
    """RGBA: black, with the darkening as alpha."""
    out = np.zeros(darkening.shape + (4,), np.uint8)
    out[..., 3] = darkening
    return out
