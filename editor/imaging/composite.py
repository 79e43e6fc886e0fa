"""Alpha compositing of straight-alpha RGBA images (the Porter-Duff *over*)."""

from __future__ import annotations

import numpy as np


def over(top: np.ndarray, bottom: np.ndarray, opacity: float = 1.0) -> np.ndarray:
    """``top`` over ``bottom``, both ``uint8 (H, W, 4)`` straight alpha; the result too."""
    if top.shape != bottom.shape:
        raise ValueError(f"cannot composite {top.shape} over {bottom.shape}")
    ta = top[..., 3:4].astype(np.float32) / 255.0 * float(opacity)
    ba = bottom[..., 3:4].astype(np.float32) / 255.0
    out_a = ta + ba * (1.0 - ta)
    rgb = top[..., :3].astype(np.float32) * ta + bottom[..., :3].astype(np.float32) * ba * (
        1.0 - ta)
    safe = np.where(out_a > 0, out_a, 1.0)
    out = np.empty_like(top)
    out[..., :3] = np.clip(np.rint(rgb / safe), 0, 255).astype(np.uint8)
    out[..., 3:4] = np.clip(np.rint(out_a * 255.0), 0, 255).astype(np.uint8)
    return out


def over_opaque(rgb: np.ndarray, alpha: np.ndarray, backdrop: np.ndarray) -> np.ndarray:
    """Float ``rgb (H, W, 3)`` with ``alpha (H, W)`` 0..1 over an opaque float
    ``backdrop (H, W, 3)``: the usual case of a product on a new background."""
    a = alpha[..., None].astype(np.float32)
    return rgb.astype(np.float32) * a + backdrop.astype(np.float32) * (1.0 - a)


def solid(height: int, width: int, colour: tuple[int, int, int], alpha: int = 255) -> np.ndarray:
    """A ``uint8 (H, W, 4)`` image of one colour."""
    out = np.empty((height, width, 4), np.uint8)
    out[..., :3] = np.asarray(colour, np.uint8)
    out[..., 3] = alpha
    return out
