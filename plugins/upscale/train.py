"""Training the upscaler on any folder of photos (``lightbox train upscale DIR``).

No labels: each step cuts random patches from the photos, shrinks them (see
:mod:`plugins.upscale.degrade`) and teaches the network to restore the original luma. One
scale per step, cycling through the scales asked for, so the shared body learns from all of
them. By default training starts from the bundled weights, so a merchant's few hundred
photos adapt the model in minutes instead of teaching it from nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.model.imageio import ImageFileError, load_image
from editor.training.metrics import psnr
from editor.training.task import TrainingTask
from plugins.upscale.degrade import degrade
from plugins.upscale.model import (
    ARCHITECTURE,
    PLUGIN_ID,
    SCALES,
    NetConfig,
    build_network,
    rgb_to_ycc,
    upscale_luma,
)
from plugins.upscale.resample import mod_crop

if TYPE_CHECKING:
    import torch

    from editor.training.datasets import Sample

#: low-resolution pixels cut around each patch before shrinking and dropped after, so the
#: shrink filter sees real pixels at the patch edges, as it does inside a whole photo
_PAD = 2
#: decoded photos kept in memory between steps
_CACHE_BYTES = 1 << 30
#: validation looks at the centre of at most this many held-out photos, this large
_VAL_IMAGES = 12
_VAL_SIDE = 240


def make_task(params: dict[str, Any]) -> TrainingTask:
    """The factory named in ``plugin.toml``'s ``[training] entry``."""
    return UpscaleTask(params)


def scales_of(choice: str) -> tuple[int, ...]:
    """The ``scale`` training param ("all", "2", "3" or "4") as a tuple of scales."""
    return SCALES if choice == "all" else (int(choice),)


class PatchSampler:
    """Random (low-res, high-res) luma patch batches from a list of photos."""

    def __init__(self, paths: Sequence[Path], degradation: str, patch: int) -> None:
        self.paths = list(paths)
        self.degradation = degradation
        self.patch = patch
        self._cache: dict[Path, np.ndarray] = {}
        self._cached_bytes = 0

    def photo(self, path: Path) -> np.ndarray:
        """The photo's RGB pixels (transparency over white), cached within a memory budget."""
        rgb = self._cache.get(path)
        if rgb is None:
            from editor.model.imageio import flatten

            rgb = flatten(load_image(path).pixels, (255, 255, 255))
            if self._cached_bytes + rgb.nbytes <= _CACHE_BYTES:
                self._cache[path] = rgb
                self._cached_bytes += rgb.nbytes
        return rgb

    def batch(self, size: int, scale: int, rng: np.random.Generator) -> tuple[Any, Any]:
        """(N, 1, p, p) low-res and (N, 1, p*s, p*s) high-res luma tensors in 0..1."""
        import torch

        side = (self.patch + 2 * _PAD) * scale
        lows, highs = [], []
        for _ in range(size):
            rgb = self.photo(self.paths[int(rng.integers(len(self.paths)))])
            crop = _augment(_random_crop(rgb, side, rng), rng)
            lr = degrade(crop, scale, self.degradation, rng)
            lows.append(rgb_to_ycc(lr[_PAD:-_PAD, _PAD:-_PAD])[..., 0])
            cut = _PAD * scale
            highs.append(rgb_to_ycc(crop[cut:-cut, cut:-cut])[..., 0])
        low = torch.from_numpy(np.stack(lows)[:, None] / 255.0).float()
        high = torch.from_numpy(np.stack(highs)[:, None] / 255.0).float()
        return low, high


def _random_crop(rgb: np.ndarray, side: int, rng: np.random.Generator) -> np.ndarray:
    h, w = rgb.shape[:2]
    if h < side or w < side:  # a small photo: mirror it out to the patch size
        rgb = np.pad(rgb, ((0, max(0, side - h)), (0, max(0, side - w)), (0, 0)),
                     mode="symmetric")
        h, w = rgb.shape[:2]
    y = int(rng.integers(h - side + 1))
    x = int(rng.integers(w - side + 1))
    return rgb[y:y + side, x:x + side]


def _augment(crop: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One of the eight flips/rotations, chosen at random."""
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    return np.ascontiguousarray(np.rot90(crop, int(rng.integers(4))))


def evaluate(net: torch.nn.Module, photos: Sequence[np.ndarray], scales: Sequence[int],
             device: str = "cpu") -> dict[str, float]:
    """Y-PSNR (border = scale) of the network and of plain bicubic on the centres of
    ``photos`` shrunk with MATLAB's bicubic: ``psnr_y_x<s>``, ``bicubic_psnr_y_x<s>``, and
    ``psnr_y``, the mean gain over bicubic across scales (the figure training maximises)."""
    from plugins.upscale.resample import imresize

    out: dict[str, float] = {}
    gains = []
    for s in scales:
        ours, base = [], []
        for rgb in photos:
            hr = mod_crop(_centre(rgb, _VAL_SIDE), s)
            lr = degrade(hr, s, "bicubic", np.random.default_rng(0))
            truth = rgb_to_ycc(hr)[..., 0]
            luma = rgb_to_ycc(lr)[..., 0]
            sr = np.clip(upscale_luma(net, luma, s, device), 0, 255)
            bic = np.clip(imresize(luma, *truth.shape), 0, 255)
            ours.append(psnr(truth[s:-s, s:-s], sr[s:-s, s:-s]))
            base.append(psnr(truth[s:-s, s:-s], bic[s:-s, s:-s]))
        out[f"psnr_y_x{s}"] = float(np.mean(ours))
        out[f"bicubic_psnr_y_x{s}"] = float(np.mean(base))
        gains.append(out[f"psnr_y_x{s}"] - out[f"bicubic_psnr_y_x{s}"])
    out["psnr_y"] = float(np.mean([out[f"psnr_y_x{s}"] for s in scales]))
    out["gain_over_bicubic"] = float(np.mean(gains))
    return out


def _centre(rgb: np.ndarray, side: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    y, x = max(0, (h - side) // 2), max(0, (w - side) // 2)
    return rgb[y:y + side, x:x + side]


class UpscaleTask(TrainingTask):
    architecture = ARCHITECTURE
    primary_metric = "psnr_y"
    higher_is_better = True
    licence = "Apache-2.0; trained by the user on their own photos"

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.scales = scales_of(str(params.get("scale", "all")))
        self.net_config = NetConfig(scales=SCALES)
        self._sampler: PatchSampler | None = None
        self._val_photos: list[np.ndarray] | None = None
        self.started_from = ""

    def config(self) -> dict[str, Any]:
        return {**self.net_config.to_dict(), "trained_scales": list(self.scales),
                "degradation": self.params.get("degradation", "bicubic")}

    def build_model(self) -> torch.nn.Module:
        net = build_network(self.net_config)
        if self.params.get("from_bundled", True):
            self._start_from_bundled(net)
        return net

    def _start_from_bundled(self, net: torch.nn.Module) -> None:
        from editor.training.store import ModelError, bundled_model, load_model

        path = bundled_model(PLUGIN_ID)
        if path is None:
            return
        try:
            state, card = load_model(path, PLUGIN_ID)
            if NetConfig.from_dict(card.config) == self.net_config:
                net.load_state_dict({k: v.float() for k, v in state.items()})
                self.started_from = str(path)
        except (ModelError, ValueError, RuntimeError):
            return  # a damaged bundled model: train from scratch instead

    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        return int(self.params.get("steps", 200))

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        sampler = self._sampler_for(samples)
        size = int(self.params.get("batch", 16))
        for step in range(self.batches_per_epoch(samples)):
            scale = self.scales[step % len(self.scales)]
            yield (scale, *sampler.batch(size, scale, rng))

    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        import torch

        scale, low, high = batch
        return torch.nn.functional.l1_loss(model(low.to(device), scale), high.to(device))

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        if self._val_photos is None:
            self._val_photos = []
            for sample in list(samples)[:_VAL_IMAGES]:
                try:
                    self._val_photos.append(self._sampler_for(samples).photo(sample.image))
                except ImageFileError:
                    continue
        return evaluate(model, self._val_photos, self.scales, device)

    def preview(self, model: torch.nn.Module, sample: Sample,
                device: str) -> tuple[np.ndarray, np.ndarray] | None:
        from plugins.upscale.upscaler import Upscaler, classical_resize

        scale = self.scales[-1]
        try:
            hr = mod_crop(_centre(self._sampler_for([sample]).photo(sample.image), 256), scale)
        except ImageFileError:
            return None
        lr = degrade(hr, scale, "bicubic", np.random.default_rng(0))
        rgba = np.dstack([lr, np.full(lr.shape[:2], 255, np.uint8)])
        size = (hr.shape[1], hr.shape[0])
        after = Upscaler(model, self.net_config, device).upscale(rgba, scale)
        return classical_resize(rgba, size, "bicubic"), after

    def _sampler_for(self, samples: Sequence[Sample]) -> PatchSampler:
        if self._sampler is None:
            self._sampler = PatchSampler([s.image for s in samples],
                                         str(self.params.get("degradation", "bicubic")),
                                         int(self.params.get("patch", 40)))
        return self._sampler
