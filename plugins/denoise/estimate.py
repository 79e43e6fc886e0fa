"""Measure the Gaussian noise level of a photo from the photo itself (blind denoising).

The estimator is the patch-PCA method of Chen, Zhu and Heng (ICCV 2015): the covariance of
many small colour patches has a few large eigenvalues (image structure) and a long tail of
small ones that are all the noise variance. Starting from the full spectrum, the largest
eigenvalue is dropped until the mean of what is left equals its median: that mean is
sigma squared. Unlike a filter-response estimate it does not mistake fine texture for noise.

Clipping matters at high noise: in an 8-bit photo the noise of pixels near black or white
is cut off, which lowers their variance. Patches containing a pixel at exactly 0 or 255
(certainly clipped) are left out; the remaining clipping bias is corrected by comparing the
measured variance with that of a clipped Gaussian at each patch's brightness.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

PATCH = 5
MAX_PATCHES = 16_000


def estimate_sigma(rgb: np.ndarray, seed: int = 0) -> float:
    """Gaussian noise sigma (0-255 units, per channel) of a uint8 RGB image."""
    rgb = np.asarray(rgb)
    h, w = rgb.shape[:2]
    if h < PATCH + 2 or w < PATCH + 2:
        return _filter_estimate(rgb)
    grey = bool((rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all())
    # noise that is identical in the three channels lives in a third of the patch space:
    # measure a grey photo on one channel
    x = rgb[..., :1] if grey else rgb  # patches are converted to float, not the photo
    # colour patches see the noise best; under strong noise most of them hold a clipped
    # value, so fall back to one channel at a time, then to smaller patches
    best = None
    for size, per_channel in ((PATCH, False), (PATCH, True), (3, True)):
        if per_channel:
            patches = np.concatenate([_sample_patches(x[..., c:c + 1], size,
                                                      MAX_PATCHES // x.shape[2], seed)
                                      for c in range(x.shape[2])])
        else:
            patches = _sample_patches(x, size, MAX_PATCHES, seed)
        kept = patches[(patches.min(1) > 0) & (patches.max(1) < 255)]
        if len(kept) >= 50 * patches.shape[1]:
            best = kept
            break
        if len(kept) >= 4 * patches.shape[1] and (best is None or len(kept) > len(best)):
            best = kept
    if best is None:
        return 0.0  # (almost) everything is pure black or white: no noise to see
    return _clip_corrected(_pca_sigma(best), best.mean(1))


def _sample_patches(x: np.ndarray, size: int, count: int, seed: int) -> np.ndarray:
    """(n, size*size*C) patches at random positions (all of them on a small image)."""
    h, w, c = x.shape
    positions = (h - size + 1) * (w - size + 1)
    rng = np.random.default_rng(seed)
    if positions <= count:
        flat = np.arange(positions)
    else:
        flat = rng.choice(positions, count, replace=False)
    ys, xs = np.divmod(flat, w - size + 1)
    dy, dx = np.mgrid[0:size, 0:size]
    rows = ys[:, None, None] + dy[None]
    cols = xs[:, None, None] + dx[None]
    return x[rows, cols].reshape(len(flat), size * size * c).astype(np.float32)


def _pca_sigma(patches: np.ndarray) -> float:
    # torch, not numpy, does the linear algebra: numpy's OpenBLAS threads keep spinning for
    # a while after a product and slowed the network that runs next (on torch's threads)
    # by a third on a 2-core machine
    import torch

    x = torch.from_numpy(patches).double()
    centred = x - x.mean(0)
    cov = centred.T @ centred / len(centred)
    lam = np.maximum(np.sort(torch.linalg.eigvalsh(cov).numpy())[::-1], 0.0)
    for i in range(len(lam)):
        tail = lam[i:]
        tau = tail.mean()
        if np.sum(tail > tau) >= np.sum(tail < tau):
            return float(math.sqrt(tau))
    return float(math.sqrt(lam[-1]))


def _clipped_std_ratio(mean: np.ndarray, sigma: float) -> np.ndarray:
    """std of clip(m + sigma z, 0, 255) over sigma, for true brightness ``mean``,
    *given that the value was not clipped* (patches with 0 or 255 were dropped): the
    variance of a Gaussian truncated to (0, 255)."""
    from math import erf

    if sigma <= 0:
        return np.ones_like(mean)
    a = (0.5 - mean) / sigma  # values rounding to 0 or 255 were dropped
    b = (254.5 - mean) / sigma
    pdf = lambda t: np.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = np.vectorize(lambda t: 0.5 * (1 + erf(t / math.sqrt(2))))
    z = np.maximum(cdf(b) - cdf(a), 1e-6)
    first = (a * pdf(a) - b * pdf(b)) / z
    second = ((pdf(a) - pdf(b)) / z) ** 2
    return np.sqrt(np.clip(1 + first - second, 1e-3, 1.0))


def _clip_corrected(sigma: float, means: np.ndarray) -> float:
    """Undo the variance lost to dropping clipped values (fixed-point iteration)."""
    if sigma < 2.0:
        return sigma
    # the brightness distribution, coarsely, is enough for the average ratio
    levels = np.quantile(means, np.linspace(0.01, 0.99, 33))
    corrected = sigma
    for _ in range(6):
        ratio = float(np.sqrt(np.mean(_clipped_std_ratio(levels, corrected) ** 2)))
        corrected = sigma / max(ratio, 0.5)
    return float(corrected)


def _filter_estimate(rgb: np.ndarray) -> float:
    """Tiny images: a 3x3 kernel that cancels smooth structure (Immerkaer, 1996)."""
    h, w = rgb.shape[:2]
    if h < 3 or w < 3:
        return 0.0
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    estimates = []
    for c in range(rgb.shape[2]):
        response = cv2.filter2D(rgb[..., c].astype(np.float32), -1, kernel)[1:-1, 1:-1]
        estimates.append(np.median(np.abs(response)) / 0.6745 / 6.0)
    return float(np.mean(estimates))
