"""How good generated backdrops are, measured on pretrained EfficientNet-Lite0 features.

- KID (Binkowski et al. 2018): the unbiased squared MMD between two feature sets with the
  cubic polynomial kernel ``(x.y / d + 1) ** 3``; 0 = same distribution. Unlike FID it is
  unbiased for the few dozen images a user's folder holds.
- Distinctness: the smallest distance between any two outputs' features (0 = two
  outputs are the same picture).
- Near-copy check: each output's distance to its nearest training image, next to the same
  distance for held-out real photos (which are, by construction, not copies); an output
  much closer to a training image than real photos ever are is a memorised copy.

Features are the backbone's 1280-number embedding of the image resized to 224 px; KID
takes them as they are (as KID takes Inception's), the distances L2-normalise them first,
so a distance is in 0..2 (0 = the same picture to the network).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

FEATURE_SIZE = 224
_BATCH = 16


@functools.lru_cache(maxsize=1)
def _backbone():  # noqa: ANN202 - torch is imported lazily
    from editor.training.backbones import efficientnet_lite0

    return efficientnet_lite0(pretrained=True)


def features(images: Sequence[np.ndarray], size: int = FEATURE_SIZE) -> np.ndarray:
    """``(N, 1280)`` embeddings of uint8 RGB(A) images."""
    import torch

    from editor.training.backbones import to_input

    net = _backbone()
    out = []
    with torch.no_grad():
        for i in range(0, len(images), _BATCH):
            out.append(net.embed(to_input(list(images[i:i + _BATCH]), size)).numpy())
    return np.concatenate(out).astype(np.float64)


def kid(a: np.ndarray, b: np.ndarray) -> float:
    """Kernel Inception Distance between feature sets ``a (n, d)`` and ``b (m, d)``
    (unbiased; can be slightly negative when the two are alike)."""
    if len(a) < 2 or len(b) < 2:
        raise ValueError("KID needs at least two images on each side")
    d = a.shape[1]
    kaa = (a @ a.T / d + 1) ** 3
    kbb = (b @ b.T / d + 1) ** 3
    kab = (a @ b.T / d + 1) ** 3
    n, m = len(a), len(b)
    return float((kaa.sum() - np.trace(kaa)) / (n * (n - 1))
                 + (kbb.sum() - np.trace(kbb)) / (m * (m - 1)) - 2 * kab.mean())


def min_pairwise(a: np.ndarray) -> float:
    """The smallest distance between two different rows of ``a``."""
    dist = _distances(a, a)
    np.fill_diagonal(dist, np.inf)
    return float(dist.min())


def nearest(a: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Each row of ``a``'s distance to its nearest row of ``reference``."""
    return _distances(a, reference).min(axis=1)


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = _unit(a), _unit(b)
    sq = (a ** 2).sum(1)[:, None] + (b ** 2).sum(1)[None] - 2 * a @ b.T
    return np.sqrt(np.maximum(sq, 0.0))


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


def smooth_noise_fields(reference: Sequence[np.ndarray], count: int, size: int,
                        seed: int = 0) -> np.ndarray:
    """The floor baseline: ``count`` smooth random fields ``uint8 (count, size, size, 3)``
    whose colours follow the mean and covariance of ``reference``'s pixels."""
    import cv2

    pixels = np.concatenate([r[..., :3].reshape(-1, 3) for r in reference]).astype(np.float64)
    mean, cov = pixels.mean(0), np.cov(pixels.T)
    root = np.linalg.cholesky(cov + np.eye(3) * 1e-3)
    rng = np.random.default_rng(seed)
    out = np.empty((count, size, size, 3), np.uint8)
    for i in range(count):
        field = rng.standard_normal((size, size, 3))
        field = cv2.GaussianBlur(field, (0, 0), size / 8)
        field = (field - field.mean((0, 1))) / (field.std((0, 1)) + 1e-9)
        out[i] = np.clip(field.reshape(-1, 3) @ root.T + mean, 0, 255).reshape(size, size, 3)
    return out
