"""The classifier: a small head on the shared frozen features (:mod:`editor.training.features`),
or, by default, on EfficientNet-Lite0's last block fine-tuned on cached activations
(:mod:`plugins.classify.tail`).

Classes are the class folders' paths (``Fruit/Apple/Granny-Smith``): the leaf is the label
and its parent folder the coarser group (``Apple``). The coarse prediction adds up the
probabilities of every class in a group, so it can be right when the fine one is not.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.training.features import BACKBONE_ID, FEATURE_DIM, Embedder
from editor.training.store import ModelError, load_model

if TYPE_CHECKING:
    import torch

PLUGIN_ID = "classify"
ARCHITECTURE = "linear/MLP head on frozen EffLite0 pooled features"
TUNED_ARCHITECTURE = ("EffLite0 stage 7 + head conv fine-tuned on cached stage-6 maps, "
                      "linear head on the pooled features")


def build_head(classes: int, hidden: int = 512, dropout: float = 0.3,
               dim: int = FEATURE_DIM) -> torch.nn.Module:
    """Batch-normalised features -> (hidden ReLU layer ->) class logits; ``hidden=0`` is a
    linear head. The input BatchNorm learns the feature scaling, so no statistics have to be
    computed over the whole folder before training starts."""
    from torch import nn

    layers: list[nn.Module] = [nn.BatchNorm1d(dim), nn.Dropout(dropout)]
    if hidden > 0:
        layers += [nn.Linear(dim, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout)]
        dim = hidden
    layers.append(nn.Linear(dim, classes))
    return nn.Sequential(*layers)


def leaf(name: str) -> str:
    """``Fruit/Apple/Granny-Smith`` -> ``Granny-Smith``."""
    return name.rsplit("/", 1)[-1]


def parent(name: str) -> str:
    """The coarser group of a class: its parent folder's name (``Apple``), or the class
    itself when the class folders are not nested."""
    parts = name.split("/")
    return parts[-2] if len(parts) > 1 else parts[-1]


def coarse_scores(probs: np.ndarray, groups: list[str]) -> tuple[list[str], np.ndarray]:
    """(group names, (N, G) summed probabilities) for per-class ``groups``."""
    names = sorted(set(groups))
    index = {g: i for i, g in enumerate(names)}
    member = np.zeros((len(groups), len(names)), np.float32)
    for c, g in enumerate(groups):
        member[c, index[g]] = 1.0
    return names, probs @ member


@dataclass
class Classifier:
    """A loaded classifier: ``predict`` maps (N, D) features of its ``backbone`` (the
    shared pooled features, or the fine-tuned tail's cached inputs) to (N, classes)
    probabilities; :meth:`classify` does the same for photos."""

    head: Any
    classes: list[str]
    path: Path | None = None
    backbone: str = BACKBONE_ID

    def predict(self, features: np.ndarray) -> np.ndarray:
        """(N, classes) probabilities of (N, D) features of :attr:`backbone`. A fine-tuned
        classifier also takes the shared features (D = 1,792, what the similarity search
        has): a head trained alongside on those reads them, as accurate as a classifier
        with ``tune=0``, less than :meth:`classify` (the benchmark notes both)."""
        import torch

        x = torch.from_numpy(np.asarray(features, np.float32))
        with torch.inference_mode():
            if self.backbone != BACKBONE_ID and x.shape[1] == FEATURE_DIM:
                logits = self.head.shared_head(x)
            else:
                logits = self.head(x)
            return torch.softmax(logits, dim=1).numpy()

    def embedder(self, device: str = "cpu") -> Embedder:
        """The backbone this classifier reads: photos -> the features :meth:`predict` takes."""
        from editor.training import features
        from plugins.classify import tail

        if self.backbone == tail.TAIL_ID:
            return tail.shared_tail_embedder(device)
        return features.shared_embedder(device)

    def feature_cache(self, base: Any = None) -> Any:
        """The :class:`~editor.training.features.FeatureCache` of the features
        :meth:`predict` takes (a fine-tuned classifier's are its tail inputs), in the
        folder of ``base`` (default: the per-user cache)."""
        from editor.training.features import FeatureCache
        from plugins.classify import tail

        if self.backbone == tail.TAIL_ID:
            return tail.tail_cache(base)
        return base if base is not None else FeatureCache()

    def classify(self, images: list[np.ndarray], device: str = "cpu") -> np.ndarray:
        """(N, classes) probabilities of uint8 RGB photos (one view each: averaging in the
        mirror image lowered fine top-1 on the benchmark, mirrored text on packages)."""
        return self.predict(self.embedder(device)(images))

    def describe(self, probs: np.ndarray, top: int = 5) -> dict[str, Any]:
        """The report of one photo: label, its class path, score, coarse group, top-k."""
        order = np.argsort(-probs)[:top]
        best = int(order[0])
        names, grouped = coarse_scores(probs[None], [parent(c) for c in self.classes])
        g = int(np.argmax(grouped[0]))
        return {
            "label": leaf(self.classes[best]),
            "class": self.classes[best],
            "score": round(float(probs[best]), 4),
            "coarse": names[g],
            "coarse_score": round(float(grouped[0, g]), 4),
            "top5": [{"label": leaf(self.classes[int(i)]), "class": self.classes[int(i)],
                      "score": round(float(probs[int(i)]), 4)} for i in order],
        }


def build_model(config: dict[str, Any], pretrained: bool = True) -> torch.nn.Module:
    """The network a model's ``config`` describes (untrained; ``pretrained`` starts the
    fine-tuned tail from the ImageNet weights)."""
    from plugins.classify import tail

    classes = len(config["classes"])
    dropout = float(config.get("dropout", 0.5))
    if config.get("backbone") == tail.TAIL_ID:
        return tail.build_tail(classes, dropout, pretrained)
    return build_head(classes, int(config.get("hidden", 0)), dropout)


def cached_classifier(path: Path | str) -> Classifier:
    """:func:`load_classifier`, kept per process while the file is unchanged (the plugin's
    runs and the Catalogue dock share one loaded model)."""
    from editor.training.store import sha256_of

    path = Path(path)
    return _cached(str(path), sha256_of(path) if path.is_file() else "")


@functools.lru_cache(maxsize=4)
def _cached(path: str, sha: str) -> Classifier:  # sha: a replaced file is loaded again
    return load_classifier(path)


def load_classifier(path: Path | str) -> Classifier:
    """A trained classifier from its model file (ModelError if unusable)."""
    from plugins.classify.tail import TAIL_ID

    state, card = load_model(path, PLUGIN_ID)
    config = card.config
    classes = list(config.get("classes") or [])
    if config.get("backbone") not in (BACKBONE_ID, TAIL_ID) or len(classes) < 2:
        raise ModelError(path, "this classifier was made for other features; train it again")
    head = build_model(config, pretrained=False)
    try:
        head.load_state_dict(state)
    except RuntimeError as exc:
        raise ModelError(path, f"the weights do not fit the head ({exc})") from None
    return Classifier(head.eval(), classes, Path(path), str(config["backbone"]))
