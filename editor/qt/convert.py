"""The one place where numpy images become Qt images (GUI thread only)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def rgba_to_qimage(rgba: np.ndarray) -> QImage:
    """A QImage (owning its pixels) from a uint8 (H, W, 4) straight-alpha RGBA array."""
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ValueError(f"expected uint8 (H, W, 4), got {rgba.dtype} {rgba.shape}")
    data = np.ascontiguousarray(rgba)
    h, w = data.shape[:2]
    image = QImage(data.data, w, h, data.strides[0], QImage.Format.Format_RGBA8888)
    return image.copy()  # detach from the numpy buffer


def mask_to_qimage(mask: np.ndarray, colour: tuple[int, int, int], opacity: float) -> QImage:
    """A tinted overlay: ``colour`` where the mask is set, with alpha = mask x opacity."""
    h, w = mask.shape
    overlay = np.empty((h, w, 4), np.uint8)
    overlay[..., :3] = colour
    overlay[..., 3] = (mask.astype(np.uint16) * int(round(opacity * 255)) // 255).astype(np.uint8)
    return rgba_to_qimage(overlay)


def qimage_to_rgba(image: QImage) -> np.ndarray:
    """A uint8 (H, W, 4) RGBA copy of any QImage."""
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    w, h = image.width(), image.height()
    buffer = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return buffer.reshape(h, image.bytesPerLine())[:, : w * 4].reshape(h, w, 4).copy()
