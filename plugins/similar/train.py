"""``lightbox train similar DIR``: a projection of the cached backbone features, trained with
a supervised contrastive loss (the Siamese idea, many pairs per batch) on class folders, so
that photos of one product, from a shelf or on white, end up close together.

Each batch holds ``classes_per_batch`` classes with ``per_class`` photos each, one random
cached view per photo (crops, mirror, colour jitter: :mod:`editor.training.features`). For
every photo the loss asks its same-class photos to be nearer than all others (Khosla et al.,
"Supervised Contrastive Learning", 2020). Put a product's white-background shot in its class
folder and the projection learns to bring shelf photos to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.training.datasets import Dataset, Sample
from editor.training.features import BACKBONE_ID, FeatureCache, SampleFeatures
from editor.training.task import TrainingTask
from plugins.similar.embed import ARCHITECTURE, build_projection

if TYPE_CHECKING:
    import torch


def supervised_contrastive(z: torch.Tensor, y: torch.Tensor,
                           temperature: float = 0.1) -> torch.Tensor:
    """SupCon loss of unit vectors ``z`` (N, d) with labels ``y`` (N,)."""
    import torch

    n = len(y)
    sim = z @ z.T / temperature
    self_mask = torch.eye(n, dtype=torch.bool, device=z.device)
    sim = sim.masked_fill(self_mask, float("-inf"))
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    positive = (y[:, None] == y[None, :]) & ~self_mask
    count = positive.sum(1)
    has = count > 0
    mean_pos = log_prob.masked_fill(~positive, 0.0).sum(1)[has] / count[has]
    return -mean_pos.mean()


class SimilarTask(TrainingTask):
    architecture = ARCHITECTURE
    primary_metric = "recall1"
    higher_is_better = True
    licence = ("trained by the user on their own data; backbone: EfficientNet-Lite0 ImageNet "
               "weights (Apache-2.0)")

    def __init__(self, params: dict[str, Any], cache: FeatureCache | None = None) -> None:
        super().__init__(params)
        self.store = SampleFeatures(cache)
        self.classes: list[str] = []

    def prepare(self, dataset: Dataset) -> None:
        self.classes = list(dataset.classes)
        self._index = {c: i for i, c in enumerate(self.classes)}

    def config(self) -> dict[str, Any]:
        return {"backbone": BACKBONE_ID, "dim": int(self.params.get("dim", 128)),
                "hidden": int(self.params.get("hidden", 1024)), "classes": len(self.classes)}

    def build_model(self) -> torch.nn.Module:
        return build_projection(int(self.params.get("dim", 128)),
                                int(self.params.get("hidden", 1024)))

    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        size = int(self.params.get("classes_per_batch", 32)) * int(self.params.get("per_class", 4))
        return max(1, -(-len(samples) // size))

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        import torch

        views = int(self.params.get("views", 3))
        by_class: dict[str, list[Sample]] = {}
        for s in samples:
            by_class.setdefault(str(s.label), []).append(s)
        names = sorted(by_class)
        p = min(len(names), int(self.params.get("classes_per_batch", 32)))
        k = int(self.params.get("per_class", 4))
        for _ in range(self.batches_per_epoch(samples)):
            chosen: list[Sample] = []
            for c in rng.choice(len(names), p, replace=False):
                members = by_class[names[c]]
                picks = rng.choice(len(members), k, replace=len(members) < k)
                chosen += [members[i] for i in picks]
            x, y = self.store.get(chosen, self._index, views)
            if len(y) < 2:
                continue
            feats = x[np.arange(len(y)), rng.integers(0, views, len(y))]
            yield torch.from_numpy(feats), torch.from_numpy(y)

    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        import torch.nn.functional as F  # noqa: N812

        x, y = batch
        z = F.normalize(model(x.to(device)), dim=1)
        return supervised_contrastive(z, y.to(device), float(self.params.get("temperature", 0.1)))

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        import torch
        import torch.nn.functional as F  # noqa: N812

        x, y = self.store.get(samples, self._index, int(self.params.get("views", 3)))
        if len(y) < 2:
            return {"recall1": 0.0}
        z = F.normalize(model(torch.from_numpy(x[:, 0]).to(device)), dim=1)
        sim = (z @ z.T).fill_diagonal_(-2.0)
        nearest = sim.argmax(1).cpu().numpy()
        return {"recall1": float(np.mean(y[nearest] == y))}


def make_task(params: dict[str, Any]) -> SimilarTask:
    """The ``[training] entry`` of the similar manifest."""
    return SimilarTask(params)
