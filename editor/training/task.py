"""What a trainable plugin supplies: its model, its loss and its batch logic.

Everything else (splitting, epochs, checkpoints, resume, early stopping, mixed precision,
progress, cancel, the model card) is the trainer's job (:mod:`editor.training.trainer`).
A plugin's ``train.py`` exposes a factory named in its manifest's ``[training] entry`` that
takes the validated training params and returns a :class:`TrainingTask`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

    from editor.training.datasets import Dataset, Sample


class TrainingTask(ABC):
    #: a short name for the model card, e.g. "DnCNN-17" or "UNet-EffLite0"
    architecture: str = "model"
    #: the validation metric that decides the best epoch and early stopping
    primary_metric: str = "loss"
    higher_is_better: bool = False
    #: for the model card: the terms of what went into the weights (pretrained parts too)
    licence: str = "trained by the user on their own data"

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params

    def prepare(self, dataset: Dataset) -> None:  # noqa: B027 - an optional hook
        """Look at the whole dataset once before the model is built (e.g. its classes)."""

    def config(self) -> dict[str, Any]:
        """Plain data the plugin needs to rebuild the model when it loads the weights
        (stored in the model file and its card)."""
        return {}

    @abstractmethod
    def build_model(self) -> torch.nn.Module:
        """A fresh model (on the CPU; the trainer moves it)."""

    @abstractmethod
    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        """One epoch of training batches (CPU tensors or tuples of them)."""

    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        """How many batches :meth:`batches` yields, for progress and ETA."""
        return max(1, math.ceil(len(samples) / int(self.params.get("batch", 1))))

    @abstractmethod
    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        """The training loss of one batch (the trainer calls backward and steps)."""

    @abstractmethod
    def validate(
        self, model: torch.nn.Module, samples: Sequence[Sample], device: str
    ) -> dict[str, float]:
        """Validation figures on held-out samples; must contain :attr:`primary_metric`.
        Called under ``torch.no_grad()`` with the model in eval mode."""

    def preview(
        self, model: torch.nn.Module, sample: Sample, device: str
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(before, after) RGBA images of one validation sample for the training dialog."""
        return None
