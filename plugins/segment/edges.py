"""From a coarse product probability to a full-resolution alpha with clean edges.

1. The coarse map is upsampled and thresholded into a hard mask; only a narrow band around
   its boundary is uncertain.
2. In that band a colour-guided filter (He et al., "Guided Image Filtering", with the
   "Fast Guided Filter" trick: coefficients computed on a reduced image, applied at full
   size) snaps the boundary to the photo's own edges and gives hair, fringes and glass a
   soft alpha. Outside the band the hard mask stands. Where the backdrop and product
   colours nearby are distinct, the alpha is measured from colour instead (each pixel on
   the line between them). Where it cannot be (a busy backdrop), the filtered alpha is
   steepened: the network's ramp across such an edge says how *unsure* it is, not how
   transparent the edge is, and left alone it became a wide semi-transparent halo.
   (Looking further for the colours, 3.5 radii, measured wide soft edges better but let
   contact shadows into grey-sweep cutouts: 2 radii it is.)
3. Colour decontamination: in the soft band the observed colour mixes product and backdrop;
   the product colour is estimated with blur-fusion (Germer et al., "Fast Multi-Level
   Foreground Estimation", 2020), so a product cut from green shows no green fringe.
"""

from __future__ import annotations

import cv2
import numpy as np

#: pixels (width x height) the guided filter's coefficients are computed on
GUIDE_PIXELS = 700_000
#: pixels the foreground colours are estimated on (the correction is upsampled beyond)
FOREGROUND_PIXELS = 1_000_000
F32 = np.float32
#: how far (in guided-filter radii) the colour estimate looks for sure product and backdrop
COLOUR_REACH = 2.0
#: how much the guided alpha is steepened where colour cannot measure the alpha and the
#: backdrop is busy
GUIDED_STEEPNESS = 2.0
#: the colour spread (RGB distance, 0..1 units) below which a backdrop counts as calm
CALM_SPREAD = 0.03


def _steepen(alpha: np.ndarray, factor: float) -> np.ndarray:
    """``alpha`` (0..1) with its transitions ``factor`` times narrower about 0.5."""
    return np.clip((alpha - 0.5) * factor + 0.5, 0, 1).astype(F32)


def _scale_for(h: int, w: int, pixels: int) -> float:
    return min(1.0, float(np.sqrt(pixels / max(1, h * w))))


def _resize(a: np.ndarray, h: int, w: int, shrink: bool) -> np.ndarray:
    if a.shape[:2] == (h, w):
        return a
    return cv2.resize(a, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def _box(a: np.ndarray, r: int) -> np.ndarray:
    return cv2.boxFilter(a, -1, (2 * r + 1, 2 * r + 1), borderType=cv2.BORDER_REFLECT)


def guided_coefficients(guide: np.ndarray, p: np.ndarray, r: int, eps: float):
    """Colour guided filter coefficients ``(a (h,w,3), b (h,w))`` of ``p`` guided by
    ``guide`` (float 0..1 RGB); the output is ``sum(a * guide) + b``."""
    mean_i = _box(guide, r)
    mean_p = _box(p, r)
    cov_ip = _box(guide * p[..., None], r) - mean_i * mean_p[..., None]
    # the 3x3 covariance of the guide in each window
    var = np.empty(guide.shape[:2] + (3, 3), F32)
    for i in range(3):
        for j in range(i, 3):
            v = _box(guide[..., i] * guide[..., j], r) - mean_i[..., i] * mean_i[..., j]
            var[..., i, j] = v
            var[..., j, i] = v
    var += eps * np.eye(3, dtype=F32)
    a = np.linalg.solve(var, cov_ip[..., None])[..., 0].astype(F32)
    b = mean_p - np.einsum("hwc,hwc->hw", a, mean_i)
    return _box(a, r), _box(b, r)


def _bbox(mask: np.ndarray, pad: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) around the nonzero pixels of ``mask``, ``pad`` wider, clipped."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    h, w = mask.shape
    return (max(0, int(cols[0]) - pad), max(0, int(rows[0]) - pad),
            min(w, int(cols[-1]) + 1 + pad), min(h, int(rows[-1]) + 1 + pad))


def _sample(small: np.ndarray, scale_x: float, scale_y: float, box: tuple[int, int, int, int],
            origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Bilinear samples of ``small`` (a reduced image, or a crop of one starting at
    ``origin``) at the full-size pixels of ``box``, placed exactly as a whole-image
    ``cv2.resize`` would place them; ``scale_*`` = reduced size / full size."""
    x0, y0, x1, y1 = box
    if origin == (0, 0) and (x0, y0) == (0, 0) and small.shape[:2] == (
            round((y1 - y0) * scale_y), round((x1 - x0) * scale_x)):
        return cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    xs = (np.arange(x0, x1, dtype=F32) + 0.5) * scale_x - 0.5 - origin[0]
    ys = (np.arange(y0, y1, dtype=F32) + 0.5) * scale_y - 0.5 - origin[1]
    mx = np.broadcast_to(xs[None, :], (y1 - y0, x1 - x0)).astype(F32)
    my = np.broadcast_to(ys[:, None], (y1 - y0, x1 - x0)).astype(F32)
    return cv2.remap(small, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def refine_alpha(rgb: np.ndarray, prob: np.ndarray, soft: bool = True) -> np.ndarray:
    """uint8 alpha at the size of ``rgb`` (uint8 RGB) from ``prob`` (float 0..1, any size)."""
    h, w = rgb.shape[:2]
    ph, pw = prob.shape
    hard_full = _sample(prob.astype(F32), pw / w, ph / h, (0, 0, w, h)) >= 0.5
    alpha = np.where(hard_full, 255, 0).astype(np.uint8)
    if not soft or min(h, w) < 8 or not hard_full.any() or hard_full.all():
        return alpha
    s = _scale_for(h, w, GUIDE_PIXELS)
    gh, gw = max(1, round(h * s)), max(1, round(w * s))
    p = _resize(prob.astype(F32), gh, gw, shrink=ph > gh)
    hard = (p >= 0.5).astype(F32)
    # the band: a few coarse-map pixels either side of the boundary, at the guide's scale
    coarse_px = max(1.0, gh / max(1, ph))
    r = int(np.clip(round(1.5 * coarse_px), 3, 12))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (4 * r + 1, 4 * r + 1))
    band = cv2.dilate(hard, kernel) - cv2.erode(hard, kernel)
    if not band.any():
        return alpha
    # work only around the band: the guide's crop, with room for the filter's windows
    cx0, cy0, cx1, cy1 = _bbox(band, 3 * r + 2)
    guide = _resize(rgb, gh, gw, shrink=True)[cy0:cy1, cx0:cx1].astype(F32) / 255
    a, b = guided_coefficients(guide, p[cy0:cy1, cx0:cx1], r, eps=1e-3)
    band_soft = cv2.GaussianBlur(band[cy0:cy1, cx0:cx1], (0, 0), max(0.5, r / 3))
    # the same region at full size
    bx0, by0, bx1, by1 = _bbox(band, 1)
    box = (int(bx0 * w / gw), int(by0 * h / gh), min(w, int(np.ceil(bx1 * w / gw))),
           min(h, int(np.ceil(by1 * h / gh))))
    sx, sy = gw / w, gh / h
    a_full = _sample(a, sx, sy, box, (cx0, cy0))
    b_full = _sample(b, sx, sy, box, (cx0, cy0))
    weight = _sample(band_soft, sx, sy, box, (cx0, cy0))
    x0, y0, x1, y1 = box
    full = rgb[y0:y1, x0:x1].astype(F32) / 255
    filtered = np.einsum("hwc,hwc->hw", a_full, full) + b_full
    filtered = np.clip(filtered, 0, 1)
    hard_crop = hard_full[y0:y1, x0:x1]
    reach = max(3, int(round(COLOUR_REACH * r * w / gw)))
    filtered = _colour_alpha(full, filtered, weight, hard_crop, reach)
    crop = weight * filtered + (1 - weight) * hard_crop
    alpha[y0:y1, x0:x1] = np.clip(crop * 255 + 0.5, 0, 255).astype(np.uint8)
    return alpha


def _local_mean(values: np.ndarray, weights: np.ndarray, k: tuple[int, int]
                ) -> tuple[np.ndarray, np.ndarray]:
    """(weighted mean of ``values`` (h, w, c) over each k-window, the weights' own mean)."""
    n = cv2.blur(weights, k)
    total = cv2.blur(values * weights[..., None], k)
    return total.reshape(values.shape) / (n[..., None] + 1e-6), n


def _colour_alpha(image: np.ndarray, guided: np.ndarray, weight: np.ndarray,
                  hard: np.ndarray, reach: int) -> np.ndarray:
    """Alpha in the band from colour where the photo allows it: each pixel projected on
    the line between the nearby sure-product and sure-backdrop colours (a green-screen
    style estimate). Where those colours are alike, or the pixel is off their line (a
    texture), the guided-filter alpha stays."""
    known = weight < 0.02
    k = (2 * reach + 1, 2 * reach + 1)
    fg_w = (known & hard).astype(F32)
    bg_w = (known & ~hard).astype(F32)
    f_mean, fg_n = _local_mean(image, fg_w, k)
    b_mean, bg_n = _local_mean(image, bg_w, k)
    line = f_mean - b_mean
    length2 = np.einsum("hwc,hwc->hw", line, line)
    t = np.einsum("hwc,hwc->hw", image - b_mean, line) / (length2 + 1e-6)
    t = np.clip(t, 0, 1)
    off = image - (b_mean + t[..., None] * line)
    residual = np.sqrt(np.einsum("hwc,hwc->hw", off, off))
    contrast = np.sqrt(length2)
    trust = (np.clip((contrast - 0.08) / 0.15, 0, 1)
             * np.clip(1 - residual / (0.05 + 0.3 * contrast), 0, 1)
             * (fg_n > 0.01) * (bg_n > 0.01))
    # how busy the sure backdrop nearby is (its colours' spread): on a calm one the guided
    # filter's soft edge is a real one and stays; on a busy one it is steepened
    # (over twice the reach: the middle of a wide band sees no sure backdrop within it)
    wide = (4 * reach + 1, 4 * reach + 1)
    mean, n = _local_mean(image, bg_w, wide)
    b_sq, _ = _local_mean(np.einsum("hwc,hwc->hw", image, image)[..., None], bg_w, wide)
    spread = np.sqrt(np.maximum(b_sq[..., 0] - np.einsum("hwc,hwc->hw", mean, mean), 0))
    busy = np.where(n > 0.01, np.clip((spread - CALM_SPREAD) / CALM_SPREAD, 0, 1), 1.0)
    guided = busy * _steepen(guided, GUIDED_STEEPNESS) + (1 - busy) * guided
    return trust * t + (1 - trust) * guided


def _fusion_step(image: np.ndarray, alpha: np.ndarray, fg: np.ndarray, bg: np.ndarray,
                 r: int) -> tuple[np.ndarray, np.ndarray]:
    a3 = alpha[..., None]
    k = (2 * r + 1, 2 * r + 1)
    blur_a = cv2.blur(alpha, k)[..., None]
    blur_fa = cv2.blur(fg * a3, k)
    blur_b1 = cv2.blur(1 - alpha, k)[..., None]
    blur_ba = cv2.blur(bg * (1 - a3), k)
    f_hat = blur_fa / (blur_a + 1e-5)
    b_hat = blur_ba / (blur_b1 + 1e-5)
    f_new = f_hat + a3 * (image - a3 * f_hat - (1 - a3) * b_hat)
    return np.clip(f_new, 0, 1), b_hat


def _away_from_backdrop(fg: np.ndarray, image: np.ndarray, alpha: np.ndarray,
                        bg: np.ndarray, r: int) -> np.ndarray:
    """Where the alpha is a little too high the estimate keeps some backdrop colour: take
    out whatever part of its difference from the nearby solid product colour points
    towards the backdrop's colour."""
    solid = (alpha > 0.97).astype(F32)
    k = (2 * r + 1, 2 * r + 1)
    n = cv2.blur(solid, k)[..., None]
    local = cv2.blur(image * solid[..., None], k) / (n + 1e-6)
    local = np.where(n > 0.02, local, fg)
    towards = bg - local
    unit = towards / (np.linalg.norm(towards, axis=2, keepdims=True) + 1e-6)
    diff = fg - local
    along = np.maximum(np.einsum("hwc,hwc->hw", diff, unit), 0)[..., None]
    return np.clip(fg - along * unit, 0, 1)


def estimate_foreground(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """uint8 RGB of the product alone (backdrop colour removed where alpha is partial)."""
    h, w = rgb.shape[:2]
    partial = (alpha > 0) & (alpha < 255)
    if not partial.any():
        return rgb.copy()
    # the blur-fusion windows reach ~4 % of the image; crop to the band and that margin
    pad = int(0.05 * max(h, w)) + 8
    x0, y0, x1, y1 = _bbox(partial, pad)
    crop, a_crop = rgb[y0:y1, x0:x1], alpha[y0:y1, x0:x1]
    ch, cw = crop.shape[:2]
    s = _scale_for(ch, cw, FOREGROUND_PIXELS)
    fh, fw = max(1, round(ch * s)), max(1, round(cw * s))
    small = _resize(crop, fh, fw, shrink=True).astype(F32) / 255
    a = _resize(a_crop, fh, fw, shrink=True).astype(F32) / 255
    fg, bg = small.copy(), small.copy()
    for r in (max(4, round(0.04 * max(h, w) * s)), 2):
        fg, bg = _fusion_step(small, a, fg, bg, r)
    fg = _away_from_backdrop(fg, small, a, bg, max(6, round(0.02 * max(h, w) * s)))
    delta = _resize(fg - small, ch, cw, shrink=False)
    out = rgb.copy()
    part = partial[y0:y1, x0:x1]
    fixed = np.clip(crop[part].astype(F32) + delta[part] * 255 + 0.5, 0, 255)
    # only the partial band changes; opaque product pixels keep their exact colour
    out[y0:y1, x0:x1][part] = fixed.astype(np.uint8)
    return out
