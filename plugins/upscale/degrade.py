"""Synthesising low-resolution training inputs from any photo (no labels needed).

``bicubic``: MATLAB-style bicubic shrink, rounded to 8 bits: exactly how the Set5/Set14
benchmark inputs were made. ``realistic``: a random mix of the damage real supplier photos
carry — optical blur, a different shrink filter, sensor noise and JPEG compression — so a
model trained on it also cleans up as it enlarges.
"""

from __future__ import annotations

import cv2
import numpy as np

from plugins.upscale.resample import imresize

DEGRADATIONS = ("bicubic", "realistic")


def degrade(hr: np.ndarray, scale: int, mode: str, rng: np.random.Generator) -> np.ndarray:
    """(H, W, 3) uint8 RGB with H, W multiples of ``scale`` → (H/s, W/s, 3) uint8 RGB."""
    h, w = hr.shape[0] // scale, hr.shape[1] // scale
    if mode == "bicubic":
        return _to_uint8(imresize(hr, h, w))
    if mode != "realistic":
        raise ValueError(f"unknown degradation {mode!r}; expected one of {DEGRADATIONS}")
    image = hr.astype(np.float32)
    if rng.random() < 0.7:
        sigma = float(rng.uniform(0.2, 0.6 * scale))
        image = cv2.GaussianBlur(image, (0, 0), sigma)
    filters = (cv2.INTER_AREA, cv2.INTER_LINEAR, cv2.INTER_CUBIC)
    if rng.random() < 0.5:
        lr = imresize(image, h, w)
    else:
        lr = cv2.resize(image, (w, h), interpolation=filters[rng.integers(len(filters))])
    if rng.random() < 0.6:
        sigma = float(rng.uniform(1.0, 10.0))
        grey = rng.random() < 0.3
        noise = rng.normal(0.0, sigma, (h, w, 1) if grey else (h, w, 3)).astype(np.float32)
        lr = lr + noise
    lr8 = _to_uint8(lr)
    if rng.random() < 0.6:
        quality = int(rng.integers(35, 95))
        ok, data = cv2.imencode(".jpg", lr8[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok:
            lr8 = np.ascontiguousarray(cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1])
    return lr8


def _to_uint8(image: np.ndarray) -> np.ndarray:
    return np.clip(np.round(image), 0, 255).astype(np.uint8)
