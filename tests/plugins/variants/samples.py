"""Rendered product shots for the variants tests: exact masks, known colours."""

from __future__ import annotations

import numpy as np

from editor.imaging import colour as cs

BACKDROP = (246, 246, 246)


def two_colour_product(main: tuple[int, int, int] = (198, 40, 40), size: int = 160,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A shaded, textured box in ``main`` with a white label and black print on a light
    grey backdrop: (image, product mask, label mask)."""
    rng = np.random.default_rng(seed)
    h = w = size
    image = np.empty((h, w, 4), np.uint8)
    image[..., :3], image[..., 3] = BACKDROP, 255
    ys, xs = np.mgrid[0:h, 0:w]
    product = (xs >= w // 5) & (xs < w - w // 5) & (ys >= h // 8) & (ys < h - h // 8)
    # shading: light from the left, a highlight band, fine texture
    shade = 0.75 + 0.35 * (1 - (xs - w / 5) / (0.6 * w)) + 0.25 * np.exp(
        -((xs - 0.42 * w) / (0.04 * w)) ** 2) + rng.normal(0, 0.03, (h, w))
    base = cs.srgb_to_lab(cs.to_float(np.array(main, np.uint8)))
    lab = np.broadcast_to(base, (h, w, 3)).copy()
    lab[..., 0] = np.clip(base[0] * shade, 5, 95)
    rgb = cs.to_uint8(cs.lab_to_srgb(lab))
    image[product, :3] = rgb[product]
    label = (xs >= int(0.3 * w)) & (xs < int(0.7 * w)) & (ys >= int(0.45 * h)) \
        & (ys < int(0.65 * h))
    image[label, :3] = 250
    text = label & (ys % 8 < 2) & (xs % 5 < 3) & (ys > int(0.48 * h))
    image[text, :3] = 20
    return image, (product * 255).astype(np.uint8), (label * 255).astype(np.uint8)


def product_touching_border(size: tuple[int, int] = (120, 90)) -> tuple[np.ndarray, np.ndarray]:
    """A tall blue bottle-like shape cut by the photo's left and top edges, on grey."""
    w, h = size
    image = np.empty((h, w, 4), np.uint8)
    image[..., :3], image[..., 3] = (200, 200, 200), 255
    ys, xs = np.mgrid[0:h, 0:w]
    product = (xs < 40) & (ys < h - 10)
    image[product, :3] = (30, 80, 190)
    return image, (product * 255).astype(np.uint8)
