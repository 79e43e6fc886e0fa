"""Training a two-folder restyle: ``lightbox train background DIR`` with ``DIR/a/`` and
``DIR/b/`` holding unpaired photos in two styles.

The model (:func:`plugins.background.model.build_cycle_style`) is trained with the CycleGAN
losses: least-squares adversarial losses from two patch discriminators, cycle consistency
(a -> b -> a and b -> a -> b give back the photo) and an identity loss (a photo already in
the target style stays as it is). Because each generator is a global colour transform with
a small LUT, a colour-distribution term is added: the sliced Wasserstein distance between
the restyled pixels and pixels drawn from the whole other folder, which tells the generator
how the *folders* differ rather than how two random photos do. Everything runs on small
crops of photos cached at :data:`CACHE_SIDE` px, so an epoch over 100 + 100 photos takes
seconds on a laptop CPU; the learned transform is applied at full resolution by
:mod:`plugins.background.restyle`.

All four networks are one module and one optimiser (the trainer's contract): the
generators' adversarial term reads the discriminators through detached copies of their
weights, and the discriminators' term sees detached fakes, so each side only learns from
its own loss.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from editor.model.imageio import load_image
from editor.training.task import TrainingTask
from plugins.background.model import LUT_SIZE, RESTYLE_ARCHITECTURE, build_cycle_style

if TYPE_CHECKING:
    import torch

    from editor.training.datasets import Dataset, Sample

#: photos are cached with this longest side; crops of :data:`CROP` px are trained on
CACHE_SIDE, CROP = 160, 64
#: pixels drawn from each folder per step for the colour-distribution term
POOL_PIXELS = 4096
#: fixed projection directions for the validation distance
_VAL_DIRECTIONS = 64


def make_task(params: dict[str, Any]) -> TrainingTask:
    """The factory named in ``plugin.toml``'s ``[training] entry``."""
    return RestyleTask(params)


def sliced_wasserstein(x: torch.Tensor, y: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """Mean squared sliced Wasserstein distance between pixel sets ``x`` (P, 3) and ``y``
    (Q, 3) along unit ``directions`` (D, 3); quantiles are compared when P != Q."""
    import torch

    px, py = torch.sort(x @ directions.T, 0)[0], torch.sort(y @ directions.T, 0)[0]
    if px.shape[0] != py.shape[0]:
        q = torch.linspace(0, 1, min(px.shape[0], py.shape[0]), device=x.device)
        px, py = torch.quantile(px, q, dim=0), torch.quantile(py, q, dim=0)
    return ((px - py) ** 2).mean()


def random_directions(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    import torch

    d = torch.randn(n, 3, generator=generator)
    return d / d.norm(dim=1, keepdim=True)


class RestyleTask(TrainingTask):
    architecture = RESTYLE_ARCHITECTURE
    primary_metric = "colour_distance"
    higher_is_better = False
    licence = "trained by the user on their own photos (no pretrained parts)"

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._cache: dict[str, np.ndarray] = {}
        self._all_b: list[Sample] = []

    def prepare(self, dataset: Dataset) -> None:
        if set(dataset.classes) != {"a", "b"}:
            raise ValueError(f"{dataset.root}: a restyle learns from two folders, a/ and b/")
        # validation compares restyled a-photos with the whole b folder: the colours of a
        # few b-photos alone say more about what they show than about their style
        self._all_b = [s for s in dataset.samples if s.label == "b"]

    def config(self) -> dict[str, Any]:
        return {"kind": "restyle", "lut_size": int(self.params.get("lut_size", LUT_SIZE)),
                "width": 32, "crop": CROP, "cache_side": CACHE_SIDE,
                "direction": "a -> b"}

    def build_model(self) -> torch.nn.Module:
        return build_cycle_style(int(self.params.get("lut_size", LUT_SIZE)))

    # -- batches ------------------------------------------------------------------------
    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        n = max(sum(s.label == "a" for s in samples), sum(s.label == "b" for s in samples))
        return max(1, -(-n // int(self.params.get("batch", 8))))

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        import torch

        a = [s for s in samples if s.label == "a"]
        b = [s for s in samples if s.label == "b"]
        size = int(self.params.get("batch", 8))
        for _ in range(self.batches_per_epoch(samples)):
            crops = []
            for side in (a, b):
                picked = [side[int(i)] for i in rng.integers(0, len(side), size)]
                crops.append(np.stack([self._crop(self._photo(s), rng) for s in picked]))
            pools = [self._pool(side, rng) for side in (a, b)]
            yield tuple(torch.from_numpy(x).float().div(255)
                        for x in (*(c.transpose(0, 3, 1, 2) for c in crops), *pools))

    def _photo(self, sample: Sample) -> np.ndarray:
        key = str(sample.image)
        if key not in self._cache:
            self._cache[key] = cached_photo(load_image(sample.image).pixels)
        return self._cache[key]

    def _crop(self, photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        h, w = photo.shape[:2]
        y, x = int(rng.integers(0, h - CROP + 1)), int(rng.integers(0, w - CROP + 1))
        crop = photo[y:y + CROP, x:x + CROP]
        return crop[:, ::-1] if rng.random() < 0.5 else crop

    def _pool(self, side: Sequence[Sample], rng: np.random.Generator,
              photos: int = 32) -> np.ndarray:
        """:data:`POOL_PIXELS` pixels from up to ``photos`` photos of one folder: (P, 3)."""
        chosen = rng.choice(len(side), min(photos, len(side)), replace=False)
        per = -(-POOL_PIXELS // len(chosen))
        parts = []
        for i in chosen:
            flat = self._photo(side[int(i)]).reshape(-1, 3)
            parts.append(flat[rng.integers(0, len(flat), per)])
        return np.concatenate(parts)[:POOL_PIXELS]

    # -- losses -------------------------------------------------------------------------
    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        from torch.func import functional_call

        a, b, pool_a, pool_b = (t.to(device) for t in batch)
        p = self.params
        model.update_average()
        fake_b, fake_a = model.g_ab(a), model.g_ba(b)

        def judged(d: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
            frozen = {k: v.detach() for k, v in d.named_parameters()}
            return functional_call(d, frozen, (x,))

        adv = ((judged(model.d_b, fake_b) - 1) ** 2).mean() + (
            (judged(model.d_a, fake_a) - 1) ** 2).mean()
        cycle = (model.g_ba(fake_b) - a).abs().mean() + (model.g_ab(fake_a) - b).abs().mean()
        identity = (model.g_ab(b) - b).abs().mean() + (model.g_ba(a) - a).abs().mean()
        directions = random_directions(32).to(device)
        colour = sliced_wasserstein(model.g_ab(pool_a[None].permute(0, 2, 1))[0].T, pool_b,
                                    directions) + sliced_wasserstein(
            model.g_ba(pool_b[None].permute(0, 2, 1))[0].T, pool_a, directions)
        smooth = model.g_ab.smoothness() + model.g_ba.smoothness()
        d_loss = 0.5 * sum(((d(real) - 1) ** 2).mean() + (d(fake.detach()) ** 2).mean()
                           for d, real, fake in ((model.d_b, b, fake_b), (model.d_a, a, fake_a)))
        return (float(p.get("adversarial", 1.0)) * adv + 10.0 * cycle
                + float(p.get("identity", 0.5)) * identity
                + float(p.get("colour_match", 100.0)) * colour + 10.0 * smooth + d_loss)

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        import torch

        a = [s for s in samples if s.label == "a"]
        b = self._all_b or [s for s in samples if s.label == "b"]
        rng = np.random.default_rng(0)
        pool_a, pool_b = (torch.from_numpy(self._pool(side, rng, 64)).float().div(255)
                          .to(device) for side in (a, b))
        directions = random_directions(
            _VAL_DIRECTIONS, torch.Generator().manual_seed(0)).to(device)
        fake_b = model.ema(pool_a[None].permute(0, 2, 1))[0].T
        back = model.g_ba(fake_b.T[None])[0].T
        before = sliced_wasserstein(pool_a, pool_b, directions)
        after = sliced_wasserstein(fake_b, pool_b, directions)
        return {"colour_distance": float(after) * 1000, "identity_distance": float(before) * 1000,
                "cycle_error": float((back - pool_a).abs().mean()) * 255}

    def preview(self, model: torch.nn.Module, sample: Sample,
                device: str) -> tuple[np.ndarray, np.ndarray] | None:
        import torch

        if sample.label != "a":
            return None
        photo = self._photo(sample)
        x = torch.from_numpy(photo).permute(2, 0, 1)[None].float().div(255).to(device)
        out = (model.ema(x)[0].permute(1, 2, 0).cpu().numpy() * 255).round().astype(np.uint8)
        alpha = np.full(photo.shape[:2] + (1,), 255, np.uint8)
        return np.concatenate([photo, alpha], 2), np.concatenate([out, alpha], 2)


def cached_photo(pixels: np.ndarray) -> np.ndarray:
    """uint8 RGB with its longest side :data:`CACHE_SIDE` and both sides at least
    :data:`CROP` (transparency over white)."""
    from editor.model.imageio import flatten

    rgb = flatten(pixels, (255, 255, 255)) if pixels.shape[2] == 4 else pixels
    h, w = rgb.shape[:2]
    scale = max(CACHE_SIDE / max(h, w), CROP / min(h, w))
    size = (max(CROP, round(w * scale)), max(CROP, round(h * scale)))
    return cv2.resize(np.ascontiguousarray(rgb[..., :3]), size, interpolation=cv2.INTER_AREA)
