"""``lightbox train classify DIR``: a classifier on class folders, trained on cached activations.

The backbone is never run again once a photo is known: each photo's activations (the photo
itself plus a few augmented views: crops, mirror, colour jitter) are computed once, during
the first epoch, and kept in the per-user feature cache by content hash. With ``tune=1``
(the default) those are the inputs of EfficientNet-Lite0's last block, which is fine-tuned
with the head conv and a linear head (:mod:`plugins.classify.tail`); with ``tune=0`` they
are the shared frozen features and only the head trains. Either way an epoch costs seconds,
not a pass of the whole network. Each step picks one cached view per photo at random, which
is how the augmentations reach the model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.training.datasets import Dataset, Sample
from editor.training.features import BACKBONE_ID, FeatureCache, SampleFeatures
from editor.training.task import TrainingTask
from plugins.classify.model import (
    ARCHITECTURE,
    TUNED_ARCHITECTURE,
    build_model,
    coarse_scores,
    parent,
)
from plugins.classify.tail import TAIL_ID, tail_cache

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
        self.tune = bool(int(params.get("tune", 1)))
        if self.tune:
            self.architecture = TUNED_ARCHITECTURE
            # a fine-tuned model soon gets nearly every photo of a random split of the
            # user's folders right (they share sessions with the training photos), so the
            # epoch to keep is told apart by the held-out loss, which keeps moving
            self.primary_metric, self.higher_is_better = "loss", False
        self.store = SampleFeatures(tail_cache(cache) if self.tune else cache)
        self.classes: list[str] = []

    def prepare(self, dataset: Dataset) -> None:
        self.classes = list(dataset.classes)
        self._index = {c: i for i, c in enumerate(self.classes)}

    def config(self) -> dict[str, Any]:
        return {"classes": self.classes, "backbone": TAIL_ID if self.tune else BACKBONE_ID,
                "hidden": 0 if self.tune else int(self.params.get("hidden", 0)),
                "dropout": float(self.params.get("dropout", 0.5)),
                "views": int(self.params.get("views", 4))}

    def build_model(self) -> torch.nn.Module:
        return build_model(self.config())

    def _features(self, samples: Sequence[Sample], views: int) -> tuple[np.ndarray, np.ndarray]:
        return self.store.get(samples, self._index, views)

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        import torch

        views = int(self.params.get("views", 4))
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
        x, y = x.to(device), y.to(device)
        smoothing = float(self.params.get("smoothing", 0.0))
        if not self.tune:
            return F.cross_entropy(model(x), y, label_smoothing=smoothing)
        tuned, shared = model.both(x)
        return (F.cross_entropy(tuned, y, label_smoothing=smoothing)
                + F.cross_entropy(shared, y, label_smoothing=smoothing))

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        import torch

        x, y = self._features(samples, int(self.params.get("views", 4)))
        if not len(y):
            return {"top1": 0.0, "top5": 0.0, "coarse": 0.0, "loss": 0.0}
        logits = model(torch.from_numpy(x[:, 0]).to(device))
        loss = float(torch.nn.functional.cross_entropy(logits, torch.from_numpy(y).to(device)))
        return {**accuracy(torch.softmax(logits, 1).cpu().numpy(), y, self.classes),
                "loss": loss}


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
