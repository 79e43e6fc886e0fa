"""The learned photo rule: a frozen EfficientNet-Lite0 descriptor and a small trained head.

Only the head is trained and stored in the model file (a few kilobytes); the backbone is
the shared ImageNet one from :mod:`editor.training.backbones`, so every rule a merchant
trains reuses the same 18 MB of weights. The head outputs one logit; its sigmoid is the
*reject score*, the probability that the photo looks like the ``reject/`` examples.

The descriptor is every backbone level average-pooled (``EfficientNetLite0.pooled``,
1792 numbers), not only the 1280 semantic embedding: rules merchants care about are often
about backdrop, light or texture, which the early levels keep. On 9 + 9 generated examples
the 1280 embedding alone held out 73-93 % correct, the multi-level descriptor 100 %. Each level
is L2-normalised in the head so the wide last level does not drown the narrow early ones.

Used by this plugin's ``run`` and by the compliance plugin's ``learned_*`` rules.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.model.imageio import flatten

if TYPE_CHECKING:
    import torch

PLUGIN_ID = "photo_rule"
ARCHITECTURE = "EffLite0-frozen-multilevel+linear"
#: the class folders a rule is trained from; the score is the probability of REJECT
OK, REJECT = "ok", "reject"
INPUT_SIZE = 224
EMBED_BATCH = 16


def levels() -> tuple[int, ...]:
    """Widths of the descriptor's levels (its length is their sum)."""
    from editor.training.backbones import EMBED_DIM, FEATURE_CHANNELS

    return (*FEATURE_CHANNELS, EMBED_DIM)


def build_head() -> torch.nn.Module:
    """The trainable part: per-level L2 normalisation, dropout, one logit."""
    import torch
    from torch import nn

    class LevelNorm(nn.Module):
        def __init__(self, widths: tuple[int, ...], scale: float = 10.0) -> None:
            super().__init__()
            self.widths, self.scale = list(widths), scale

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            parts = x.split(self.widths, dim=1)
            return torch.cat([nn.functional.normalize(p, dim=1) for p in parts], 1) * self.scale

    return nn.Sequential(LevelNorm(levels()), nn.Dropout(0.2), nn.Linear(sum(levels()), 1))


@functools.lru_cache(maxsize=2)
def backbone(device: str = "cpu") -> torch.nn.Module:
    """The shared pretrained EfficientNet-Lite0, loaded once per device, in eval mode."""
    import torch

    from editor.training.backbones import efficientnet_lite0

    # channels-last roughly halves the CPU time of the depthwise convolutions
    net = efficientnet_lite0(pretrained=True).to(device).eval()
    return net.to(memory_format=torch.channels_last)


def embed(images: Sequence[np.ndarray], device: str = "cpu") -> torch.Tensor:
    """(N, 1792) CPU descriptors of uint8 RGB or RGBA images (transparency over white)."""
    import torch

    from editor.training.backbones import to_input

    net = backbone(device)
    rgb = [flatten(im, (255, 255, 255)) if im.shape[2] == 4 else im for im in images]
    out = []
    with torch.inference_mode():
        for start in range(0, len(rgb), EMBED_BATCH):
            x = to_input(rgb[start:start + EMBED_BATCH], INPUT_SIZE).to(device)
            x = x.contiguous(memory_format=torch.channels_last)
            out.append(torch.cat(net.pooled(x), 1).float().cpu())
    return torch.cat(out) if out else torch.zeros(0, sum(levels()))


@dataclass
class Rule:
    """A trained rule ready to score photos."""

    path: Path
    head: Any  # torch.nn.Module
    config: dict[str, Any]
    device: str = "cpu"

    def scores(self, images: Sequence[np.ndarray]) -> list[float]:
        """Reject scores in 0..1, one per image."""
        import torch

        with torch.no_grad():
            logits = self.head(embed(images, self.device).to(self.device))
        return [float(v) for v in torch.sigmoid(logits[:, 0]).cpu()]

    def score(self, image: np.ndarray) -> float:
        """The reject score of one uint8 RGB(A) image."""
        return self.scores([image])[0]


def load_rule(path: Path | str, device: str = "cpu") -> Rule:
    """A rule from a model file trained by this plugin; ``ModelError`` if it is not one.
    Loaded rules are cached per file content (its sha256 on the card)."""
    from editor.training.store import verify_model

    card = verify_model(path, PLUGIN_ID)
    return _load(str(Path(path).resolve()), card.sha256, device)


@functools.lru_cache(maxsize=8)
def _load(path: str, sha256: str, device: str) -> Rule:
    from editor.training.store import load_model

    state, card = load_model(path, PLUGIN_ID)
    head = build_head()
    head.load_state_dict(state, strict=True)
    return Rule(Path(path), head.to(device).eval(), dict(card.config), device)
