"""From cached backbone features to the vectors the similarity index compares.

Without a trained projection the vector is the backbone's 1,280 ImageNet head activations,
L2-normalised. A projection (``lightbox train similar DIR``) is a small network trained with
a contrastive loss on class folders, so photos of one product (a shelf photo and its
white-background shot) land close together; its output is L2-normalised too, so the score
of a match is a cosine similarity in -1..1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.training.features import BACKBONE_ID, FEATURE_DIM
from editor.training.store import ModelError, load_model, model_for, sha256_of

if TYPE_CHECKING:
    import torch

PLUGIN_ID = "similar"
ARCHITECTURE = "contrastive projection on frozen EffLite0 pooled features"
#: the ImageNet head activations sit at the end of the pooled features
HEAD_DIM = 1280


def build_projection(dim: int = 256, hidden: int = 1024, dropout: float = 0.2) -> torch.nn.Module:
    """Batch-normalised features -> hidden ReLU layer -> ``dim`` (normalised by the caller)."""
    from torch import nn

    return nn.Sequential(nn.BatchNorm1d(FEATURE_DIM), nn.Dropout(dropout),
                         nn.Linear(FEATURE_DIM, hidden), nn.ReLU(inplace=True),
                         nn.Linear(hidden, dim))


def normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32)."""
    x = np.asarray(x, np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-8)


@dataclass
class Embedding:
    """Maps (N, 1792) features to (N, dim) unit vectors; ``id`` names it in an index file."""

    id: str
    dim: int
    net: Any = None

    def __call__(self, features: np.ndarray) -> np.ndarray:
        features = np.asarray(features, np.float32).reshape(-1, FEATURE_DIM)
        if self.net is None:
            return normalise(features[:, -HEAD_DIM:])
        import torch

        with torch.inference_mode():
            return normalise(self.net(torch.from_numpy(features)).numpy())


def imagenet_embedding() -> Embedding:
    """The untrained choice: ImageNet features."""
    return Embedding(f"imagenet:{BACKBONE_ID}", HEAD_DIM)


def load_projection(path: Path | str) -> Embedding:
    """A trained projection (ModelError if the file is unusable)."""
    state, card = load_model(path, PLUGIN_ID)
    config = card.config
    if config.get("backbone") != BACKBONE_ID:
        raise ModelError(path, "this projection was made for other features; train it again")
    net = build_projection(int(config.get("dim", 256)), int(config.get("hidden", 1024)))
    try:
        net.load_state_dict(state)
    except RuntimeError as exc:
        raise ModelError(path, f"the weights do not fit the projection ({exc})") from None
    return Embedding(f"projection:{card.sha256[:16]}", int(config.get("dim", 256)), net.eval())


def embedding_for(choice: Path | str | None = None, use_projection: bool = True) -> Embedding:
    """The projection chosen, else the active or bundled one, else ImageNet features."""
    if not use_projection:
        return imagenet_embedding()
    path = model_for(PLUGIN_ID, choice)
    if path is None:
        return imagenet_embedding()
    return _cached(str(path), sha256_of(Path(path)) if Path(path).is_file() else "")


_LOADED: dict[tuple[str, str], Embedding] = {}


def _cached(path: str, sha: str) -> Embedding:
    key = (path, sha)
    if key not in _LOADED:
        _LOADED[key] = load_projection(path)
    return _LOADED[key]
