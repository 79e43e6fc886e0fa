"""``lightbox train denoise DIR``: teach the denoiser on a folder of the user's own photos.

Two modes (training param ``mode``):

- ``clean`` (default): the folder holds clean photos. Noise is synthesised on random
  patches (:mod:`plugins.denoise.synth`: Gaussian, camera-like and JPEG), so no labels are
  needed. Validation adds Gaussian noise of sigma 25 (fixed seed) to held-out photos and
  scores RGB PSNR.
- ``noisy-only``: the folder holds only noisy photos, with no clean versions, which is what
  merchants usually have. The objective is a blind-spot one (Noise2Void / Noise2Self): a
  few pixels of each patch are replaced by a random neighbour and the network is scored on
  predicting the *noisy* original values there. Since the noise of a pixel is independent
  of its neighbours, the best it can do is predict the clean value, so it learns to
  denoise without ever seeing a clean photo. The noise map gets each photo's measured
  sigma, so the trained model runs exactly like the default one. Validation is the same
  blind-spot loss on held-out photos (lower is better).

By default training starts from the bundled model (``start = bundled``) and adapts it,
which needs far fewer steps than ``start = scratch``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from editor.model.imageio import load_image
from editor.training.metrics import psnr
from editor.training.task import TrainingTask
from plugins.denoise.estimate import estimate_sigma
from plugins.denoise.model import (
    ARCHITECTURE,
    DEFAULT_CONFIG,
    PLUGIN_ID,
    build_net,
    condition_maps,
    denoise_array,
)
from plugins.denoise.synth import Mix, add_gaussian, make_batch, random_patch, to_tensors

if TYPE_CHECKING:
    import torch

    from editor.training.datasets import Sample

CLEAN, NOISY_ONLY = "clean", "noisy-only"
#: photos kept decoded in memory (in pixels); beyond that they are read again when needed
CACHE_PIXELS = 120_000_000
#: clean photos larger than this are halved once when read (it also removes their own noise)
MAX_CLEAN_PIXELS = 4_000_000
VAL_SIGMA = 25
VAL_IMAGES = 16
VAL_CROP = 256
#: blind-spot pixels: one per BLIND_CELL x BLIND_CELL cell of each patch
BLIND_CELL = 4
BLIND_RADIUS = 2


def make_task(params: dict[str, Any]) -> TrainingTask:
    """The factory named in ``plugin.toml``'s ``[training] entry``."""
    return DenoiseTask(params)


class DenoiseTask(TrainingTask):
    architecture = ARCHITECTURE
    licence = "trained by the user on their own photos"

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.mode = params.get("mode", CLEAN)
        if self.mode not in (CLEAN, NOISY_ONLY):
            raise ValueError(f"mode must be {CLEAN} or {NOISY_ONLY}, got {self.mode!r}")
        if self.mode == CLEAN:
            self.primary_metric, self.higher_is_better = "psnr", True
        else:
            self.primary_metric, self.higher_is_better = "loss", False
        self.mix = Mix(gaussian=1.0 - params.get("camera_share", 0.1)
                       - params.get("jpeg_share", 0.1),
                       camera=params.get("camera_share", 0.1),
                       jpeg=params.get("jpeg_share", 0.1),
                       max_sigma=params.get("max_sigma", 55.0))
        self.patch = int(params.get("patch", 96))
        if self.patch % 8:
            raise ValueError(f"patch must be a multiple of 8, got {self.patch}")
        self._start = params.get("start", "bundled")
        self._bundled: tuple[dict[str, Any], dict[str, Any]] | None = None
        if self._start == "bundled":
            self._bundled = _bundled_weights()
        self._config = dict(self._bundled[1]) if self._bundled else dict(DEFAULT_CONFIG)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cached_pixels = 0
        self._sigmas: dict[str, float] = {}

    def config(self) -> dict[str, Any]:
        return {**self._config, "trained_on": self.mode,
                "started_from": "bundled" if self._bundled else "scratch"}

    def build_model(self) -> torch.nn.Module:
        net = build_net(self._config)
        if self._bundled:
            net.load_state_dict({k: v.float() for k, v in self._bundled[0].items()})
        return net

    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        per_image = int(self.params.get("patches_per_image", 8))
        batch = int(self.params.get("batch", 16))
        return max(1, -(-len(samples) * per_image // batch))

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        per_image = int(self.params.get("patches_per_image", 8))
        batch = int(self.params.get("batch", 16))
        order = np.concatenate([rng.permutation(len(samples)) for _ in range(per_image)])
        for start in range(0, len(order), batch):
            picked = [samples[int(i)] for i in order[start:start + batch]]
            if self.mode == CLEAN:
                images = [self._image(s) for s in picked]
                # one patch from each picked photo: make_batch draws from the list at random,
                # so hand it one photo at a time
                parts = [make_batch([im], 1, self.patch, self.mix, rng) for im in images]
                yield tuple(np.concatenate([getattr(p, f) for p in parts])
                            for f in ("clean", "noisy", "sigma", "jpeg"))
            else:
                patches = np.stack([random_patch(self._image(s), self.patch, rng)
                                    for s in picked])
                sigmas = np.array([self._sigma(s) for s in picked], np.float32)
                masked, mask = blind_spot(patches, rng)
                yield patches, masked, mask, sigmas

    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        import torch

        if self.mode == CLEAN:
            clean, noisy, sigma, jpeg = (t.to(device) for t in _clean_tensors(batch))
            maps = condition_maps(len(sigma), noisy.shape[2], noisy.shape[3],
                                  sigma.cpu().numpy(), jpeg.cpu().numpy(), device)
            return torch.nn.functional.l1_loss(model(noisy, maps), clean)
        return self._blind_spot_loss(model, batch, device)

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        rng = np.random.default_rng(VAL_SIGMA)
        picked = list(samples[:VAL_IMAGES])
        if self.mode == NOISY_ONLY:
            crops = [_centre(self._image(s), VAL_CROP) for s in picked]
            losses = []
            for crop, sample in zip(crops, picked, strict=True):
                crop = _multiple_of_8(crop)
                masked, mask = blind_spot(crop[None], rng)
                batch = (crop[None], masked, mask, np.array([self._sigma(sample)], np.float32))
                losses.append(float(self._blind_spot_loss(model, batch, device)))
            return {"loss": float(np.mean(losses))}
        scores, before = [], []
        for sample in picked:
            clean = _centre(self._image(sample), VAL_CROP)
            noisy = add_gaussian(clean, VAL_SIGMA, rng)
            out = denoise_array(model, noisy, VAL_SIGMA, 0.0, device)
            scores.append(psnr(np.clip(out + 0.5, 0, 255).astype(np.uint8), clean))
            before.append(psnr(noisy, clean))
        return {"psnr": float(np.mean(scores)), "psnr_noisy": float(np.mean(before))}

    def preview(self, model: torch.nn.Module, sample: Sample, device: str
                ) -> tuple[np.ndarray, np.ndarray] | None:
        image = _centre(self._image(sample), VAL_CROP)
        if self.mode == CLEAN:
            noisy, sigma = add_gaussian(image, VAL_SIGMA, np.random.default_rng(0)), VAL_SIGMA
        else:
            noisy, sigma = image, self._sigma(sample)
        out = np.clip(denoise_array(model, noisy, sigma, 0.0, device) + 0.5, 0, 255)
        return _rgba(noisy), _rgba(out.astype(np.uint8))

    # -- helpers ------------------------------------------------------------------------
    def _blind_spot_loss(self, model: torch.nn.Module, batch: Any, device: str
                         ) -> torch.Tensor:
        import torch

        patches, masked, mask, sigmas = batch
        target = _to_tensor(patches).to(device)
        x = _to_tensor(masked).to(device)
        m = torch.from_numpy(mask)[:, None].float().to(device)
        maps = condition_maps(len(sigmas), x.shape[2], x.shape[3], sigmas, 0.0, device)
        err = (model(x, maps) - target) ** 2 * m
        return err.sum() / (m.sum() * 3).clamp(min=1)

    def _image(self, sample: Sample) -> np.ndarray:
        key = str(sample.image)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        rgb = load_image(sample.image).pixels[..., :3]
        if self.mode == CLEAN and rgb.shape[0] * rgb.shape[1] > MAX_CLEAN_PIXELS:
            rgb = cv2.resize(rgb, (rgb.shape[1] // 2, rgb.shape[0] // 2),
                             interpolation=cv2.INTER_AREA)
        rgb = np.ascontiguousarray(rgb)
        self._cache[key] = rgb
        self._cached_pixels += rgb.shape[0] * rgb.shape[1]
        while self._cached_pixels > CACHE_PIXELS and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            self._cached_pixels -= old.shape[0] * old.shape[1]
        return rgb

    def _sigma(self, sample: Sample) -> float:
        key = str(sample.image)
        if key not in self._sigmas:
            self._sigmas[key] = estimate_sigma(self._image(sample))
        return self._sigmas[key]


def blind_spot(patches: np.ndarray, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray]:
    """(patches with one random pixel per cell replaced by a random neighbour, the mask of
    replaced pixels) for (N, H, W, 3) uint8 patches."""
    n, h, w, _ = patches.shape
    masked = patches.copy()
    mask = np.zeros((n, h, w), np.uint8)
    cy, cx = np.mgrid[0:h:BLIND_CELL, 0:w:BLIND_CELL]
    for i in range(n):
        ys = np.minimum(cy + rng.integers(0, BLIND_CELL, cy.shape), h - 1).ravel()
        xs = np.minimum(cx + rng.integers(0, BLIND_CELL, cx.shape), w - 1).ravel()
        dy = rng.integers(-BLIND_RADIUS, BLIND_RADIUS + 1, ys.shape)
        dx = rng.integers(-BLIND_RADIUS, BLIND_RADIUS + 1, xs.shape)
        same = (dy == 0) & (dx == 0)
        dx[same] = 1  # never the pixel itself
        sy = np.clip(ys + dy, 0, h - 1)
        sx = np.clip(xs + dx, 0, w - 1)
        sx = np.where((sy == ys) & (sx == xs), np.clip(xs - 1, 0, w - 1), sx)
        masked[i, ys, xs] = patches[i, sy, sx]
        mask[i, ys, xs] = 1
    return masked, mask


def _bundled_weights() -> tuple[dict[str, Any], dict[str, Any]] | None:
    from editor.training.store import ModelError, bundled_model, load_model

    path = bundled_model(PLUGIN_ID)
    if path is None:
        return None
    try:
        state, card = load_model(path, PLUGIN_ID)
    except ModelError:
        return None
    config = {k: card.config[k] for k in DEFAULT_CONFIG if k in card.config}
    return state, config


def _clean_tensors(batch: Any) -> tuple[Any, ...]:
    from plugins.denoise.synth import Batch

    return to_tensors(Batch(*batch))


def _to_tensor(patches: np.ndarray) -> torch.Tensor:
    import torch

    return torch.from_numpy(np.ascontiguousarray(patches)).permute(0, 3, 1, 2).float() / 255.0


def _centre(image: np.ndarray, size: int) -> np.ndarray:
    h, w = image.shape[:2]
    y, x = max(0, (h - size) // 2), max(0, (w - size) // 2)
    return np.ascontiguousarray(image[y:y + size, x:x + size])


def _multiple_of_8(image: np.ndarray) -> np.ndarray:
    """Mirror-pad to a multiple of 8 on each side (at least 16)."""
    h, w = image.shape[:2]
    return np.ascontiguousarray(np.pad(
        image, ((0, max(16, -(-h // 8) * 8) - h), (0, max(16, -(-w // 8) * 8) - w), (0, 0)),
        mode="symmetric"))


def _rgba(rgb: np.ndarray) -> np.ndarray:
    out = np.empty(rgb.shape[:2] + (4,), np.uint8)
    out[..., :3] = rgb
    out[..., 3] = 255
    return out
