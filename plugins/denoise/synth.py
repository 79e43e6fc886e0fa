"""Training pairs made from clean photos: random patches and synthetic degradations.

Three kinds of degradation, mixed per patch (see :class:`Mix`):

- *gaussian*: white Gaussian noise of a sigma drawn uniformly in 0..``max_sigma``, rounded
  and clipped to 8 bits like a saved photo (and like the benchmark's noisy inputs);
- *camera*: signal-dependent (shot + read) noise, correlated between the colour channels
  and, half the time, slightly between neighbouring pixels as demosaicing leaves it; the
  sigma map gets its root-mean-square level, so the network learns to treat camera noise
  of a given strength like Gaussian noise of that strength;
- *jpeg*: JPEG compression at a quality drawn in 10..90, after mild Gaussian noise half the
  time; the JPEG map gets ``(100 - quality) / 100``.

Everything is numpy + OpenCV on uint8 patches; the trainer turns batches into tensors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Mix:
    """Shares of each degradation (normalised when drawing) and their ranges."""

    gaussian: float = 0.8
    camera: float = 0.1
    jpeg: float = 0.1
    max_sigma: float = 55.0
    jpeg_quality: tuple[int, int] = (10, 90)

    def shares(self) -> np.ndarray:
        p = np.array([self.gaussian, self.camera, self.jpeg], np.float64)
        if p.sum() <= 0:
            raise ValueError("at least one kind of noise must have a positive share")
        return p / p.sum()


@dataclass
class Batch:
    """``clean`` and ``noisy``: (N, P, P, 3) uint8; ``sigma`` (0-255 units) and ``jpeg``
    (0..1): (N,) float32, the values of the two condition maps."""

    clean: np.ndarray
    noisy: np.ndarray
    sigma: np.ndarray
    jpeg: np.ndarray


def random_patch(image: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A random ``size`` x ``size`` crop of an RGB image, randomly flipped and rotated
    (an image smaller than ``size`` is mirrored out first)."""
    h, w = image.shape[:2]
    if h < size or w < size:
        image = cv2.copyMakeBorder(image, 0, max(0, size - h), 0, max(0, size - w),
                                   cv2.BORDER_REFLECT_101 if min(h, w) > 1 else
                                   cv2.BORDER_REPLICATE)
        h, w = image.shape[:2]
    y = int(rng.integers(0, h - size + 1))
    x = int(rng.integers(0, w - size + 1))
    patch = image[y:y + size, x:x + size]
    if rng.random() < 0.5:
        patch = patch[:, ::-1]
    return np.ascontiguousarray(np.rot90(patch, int(rng.integers(0, 4))))


def add_gaussian(clean: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise of ``sigma`` (0-255 units), rounded and clipped to uint8."""
    noise = rng.normal(0.0, sigma, clean.shape)
    return np.clip(np.round(clean + noise), 0, 255).astype(np.uint8)


def add_camera(clean: np.ndarray, level: float, rng: np.random.Generator
               ) -> tuple[np.ndarray, float]:
    """Camera-like noise whose strength at mid-grey is ``level``; returns the noisy patch
    and the root-mean-square sigma actually applied (what the sigma map is told)."""
    shot = rng.uniform(0.3, 0.9)  # share of the variance that grows with brightness
    x = clean.astype(np.float32) / 255.0
    variance = level ** 2 * (2.0 * shot * x + (1.0 - shot))
    rho = rng.uniform(0.0, 0.6)  # correlation between the channels' noise
    own = rng.standard_normal(clean.shape).astype(np.float32)
    shared = rng.standard_normal(clean.shape[:2] + (1,)).astype(np.float32)
    unit = np.sqrt(1 - rho) * own + np.sqrt(rho) * shared
    if rng.random() < 0.5:  # demosaicing spreads noise over neighbours
        blur = rng.uniform(0.4, 0.8)
        unit = cv2.GaussianBlur(unit, (5, 5), blur)
        unit /= max(float(unit.std()), 1e-6)
    noisy = clean + unit * np.sqrt(variance)
    rms = float(np.sqrt(variance.mean()))
    return np.clip(np.round(noisy), 0, 255).astype(np.uint8), rms


def jpeg_compress(rgb: np.ndarray, quality: int) -> np.ndarray:
    """``rgb`` (uint8) saved as a JPEG of ``quality`` and decoded again."""
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def jpeg_strength(quality: float) -> float:
    """The JPEG map value for a JPEG ``quality`` (1-100): 0 = pristine, 1 = worst."""
    return float(np.clip((100.0 - quality) / 100.0, 0.0, 1.0))


def make_batch(images: Sequence[np.ndarray], count: int, size: int, mix: Mix,
               rng: np.random.Generator) -> Batch:
    """``count`` degraded patches of ``size`` pixels drawn from random ``images``."""
    if size % 8:
        raise ValueError("the patch size must be a multiple of 8")
    kinds = rng.choice(3, size=count, p=mix.shares())
    clean = np.empty((count, size, size, 3), np.uint8)
    noisy = np.empty_like(clean)
    sigma = np.zeros(count, np.float32)
    jpeg = np.zeros(count, np.float32)
    for i, kind in enumerate(kinds):
        source = images[int(rng.integers(0, len(images)))]
        if kind == 2:
            # compress a slightly larger crop and cut it at a random offset: the 8x8 JPEG
            # grid then falls anywhere relative to the network's own 8-pixel grid
            big = random_patch(source, size + 8, rng)
            pre = float(rng.uniform(0, 10)) if rng.random() < 0.5 else 0.0
            dirty = add_gaussian(big, pre, rng) if pre > 0 else big
            quality = int(rng.integers(mix.jpeg_quality[0], mix.jpeg_quality[1] + 1))
            dirty = jpeg_compress(dirty, quality)
            oy, ox = (int(v) for v in rng.integers(0, 9, 2))
            clean[i] = big[oy:oy + size, ox:ox + size]
            noisy[i] = dirty[oy:oy + size, ox:ox + size]
            sigma[i], jpeg[i] = pre, jpeg_strength(quality)
            continue
        patch = random_patch(source, size, rng)
        clean[i] = patch
        if kind == 0:
            sigma[i] = rng.uniform(0.0, mix.max_sigma)
            noisy[i] = add_gaussian(patch, float(sigma[i]), rng)
        else:
            noisy[i], sigma[i] = add_camera(patch, float(rng.uniform(2.0, 45.0)), rng)
    return Batch(clean, noisy, sigma, jpeg)


def to_tensors(batch: Batch, device: str = "cpu"):  # -> tuple[torch.Tensor, ...]
    """(clean, noisy) as (N, 3, P, P) float tensors in 0..1 on ``device``, and the sigma and
    jpeg values (on the CPU). The patches travel as bytes and are converted there."""
    import torch

    def t(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(a).to(device).permute(0, 3, 1, 2).float().div_(255.0)

    return (t(batch.clean), t(batch.noisy), torch.from_numpy(batch.sigma),
            torch.from_numpy(batch.jpeg))
