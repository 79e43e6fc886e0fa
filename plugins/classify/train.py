"""``lightbox train classify DIR``: a head on cached backbone features of class folders.

The backbone stays frozen, so each photo's features (the photo itself plus a few augmented
views: crops, mirror, colour jitter) are computed once, during the first epoch, and kept in
the per-user feature cache by content hash; every later epoch, and every later training run
on the same photos, only trains the head: seconds, not minutes. Each step picks one cached
view per photo at random, which is how the augmentations reach the head.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.training.datasets import Dataset, Sample
from editor.training.features import BACKBONE_ID, FeatureCache, SampleFeatures
from editor.training.task import TrainingTask
from plugins.classify.model import ARCHITECTURE, build_head, coarse_scores, parent

if TYPE_CHECKING:
    import torch


class ClassifyTask(TrainingTask):
    architecture = ARCHITECTURE
    primary_metric = "top1"
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
        return {"classes": self.classes, "backbone": BACKBONE_ID,
                "hidden": int(self.params.get("hidden", 0)),
                "dropout": float(self.params.get("dropout", 0.5)),
                "views": int(self.params.get("views", 3))}

    def build_model(self) -> torch.nn.Module:
        return build_head(len(self.classes), int(self.params.get("hidden", 0)),
                          float(self.params.get("dropout", 0.5)))

    def _features(self, samples: Sequence[Sample], views: int) -> tuple[np.ndarray, np.ndarray]:
        return self.store.get(samples, self._index, views)

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        import torch

        views = int(self.params.get("views", 3))
        order = rng.permutation(len(samples))
        # even chunks, so no batch is a lone leftover (BatchNorm needs two samples)
        for part in np.array_split(order, self.batches_per_epoch(samples)):
            x, y = self._features([samples[i] for i in part], views)
            if len(y) < 2:
                continue
            pick = rng.integers(0, views, len(y))
            feats = x[np.arange(len(y)), pick]
            yield torch.from_numpy(feats), torch.from_numpy(y)

    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        import torch.nn.functional as F  # noqa: N812 - the usual name

        x, y = batch
        smoothing = float(self.params.get("smoothing", 0.1))
        return F.cross_entropy(model(x.to(device)), y.to(device), label_smoothing=smoothing)

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        import torch

        x, y = self._features(samples, int(self.params.get("views", 3)))
        if not len(y):
            return {"top1": 0.0, "top5": 0.0, "coarse": 0.0}
        probs = torch.softmax(model(torch.from_numpy(x[:, 0]).to(device)), 1).cpu().numpy()
        return accuracy(probs, y, self.classes)


def accuracy(probs: np.ndarray, y: np.ndarray, classes: list[str],
             groups: list[str] | None = None) -> dict[str, float]:
    """top-1, top-5 and coarse top-1 (probabilities summed per group; the parent folder
    unless ``groups`` gives each class its group)."""
    groups = groups or [parent(c) for c in classes]
    top = np.argsort(-probs, axis=1)[:, :5]
    names, grouped = coarse_scores(probs, groups)
    truth = np.array([groups[i] for i in y])
    return {"top1": float(np.mean(top[:, 0] == y)),
            "top5": float(np.mean((top == y[:, None]).any(axis=1))),
            "coarse": float(np.mean(np.array(names)[grouped.argmax(1)] == truth))}


def make_task(params: dict[str, Any]) -> ClassifyTask:
    """The ``[training] entry`` of the classify manifest."""
    return ClassifyTask(params)
