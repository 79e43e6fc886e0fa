"""Fine-tuning EfficientNet-Lite0's last block for the classifier, on cached activations.

The shared features (:mod:`editor.training.features`) are the backbone's frozen pooled maps;
a head on them tops out well short of a fine-tuned network on look-alike products (two
cartons of the same brand, three apples). Fine-tuning the whole backbone on a CPU takes
hours, but its last block (stage 7: 192 -> 320 channels at stride 32) and the 1x1 head conv
are about a tenth of its cost, so they can learn in minutes *if* the rest is not run
again every epoch. So each photo's (and each augmented view's) input to that block, the
192x7x7 map of stage 6, is computed once and kept in the feature cache by content hash,
next to the frozen pooled early levels (16 + 24 + 40 + 112 numbers); an epoch then only
runs the tail. With the ImageNet weights the tail reproduces the shared features exactly.
A second linear head learns on those frozen shared features at the same time (for callers
that have only them); the pretrained tail that computes them is rebuilt from the ImageNet
weights, not stored in the model file.

Tried on GroceryStore and not kept (val top-1, 296 photos, about +-2 points of noise):
fine-tuning stage 6 as well, on cached 112x14x14 stage-5 maps (76-81 % over epochs 5-9, at
four times the cost per epoch); a 288 px input with 9x9 stage-6 maps (80-83 %, no better
than 224 px, at twice the extraction time); a one-cycle learning-rate schedule (80 %);
feature mixup with a coarse loss (74 %); eight views without the mirror (77-81 %); an
average of three models trained with seeds 0-2, each on its own split (81.4 %; the three
alone 80.4-82.1 %, so the misses are the same photos each time); dividing by the training
class frequencies (no change: the misses fall on classes of usual size).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from editor.training.features import (
    INPUT_SIZE,
    Embedder,
    FeatureCache,
    shared_instance,
    tiny_embedder,
)

if TYPE_CHECKING:
    import torch

#: names the cached activations; a different layout never reads another's entries
TAIL_ID = "efflite0-stage6map224-v1"
#: the frozen pooled levels kept beside the map (strides 2, 4, 8, 16)
EARLY_DIM = 16 + 24 + 40 + 112
MAP_CHANNELS, MAP_SIZE = 192, INPUT_SIZE // 32
TAIL_INPUT_DIM = EARLY_DIM + MAP_CHANNELS * MAP_SIZE * MAP_SIZE
#: the index of the first fine-tuned block (stage 7) in the backbone's block list
FIRST_TUNED = 15
#: the pretrained tail's learning rate relative to the head's (fine-tuning, not relearning)
TAIL_RATE = 0.1


def tail_input_embedder(device: str = "cpu", batch: int = 16) -> Embedder:
    """uint8 RGB images -> (N, :data:`TAIL_INPUT_DIM`): the pooled early levels, then the
    flattened stage-6 map (the real ImageNet backbone, run up to the tuned block)."""
    import torch

    from editor.training.backbones import efficientnet_lite0, to_input

    model = efficientnet_lite0(pretrained=True).to(device)
    # the stage ends whose pooled maps belong to the shared feature (strides 2..16)
    pooled_at = {model.stage_ends[s] for s in (0, 1, 2, 4)}

    def embed(images: list[np.ndarray]) -> np.ndarray:
        rows = []
        with torch.inference_mode():
            for start in range(0, len(images), batch):
                x = to_input(images[start:start + batch], INPUT_SIZE).to(device)
                x = model.act(model._bn0(model._conv_stem(x)))
                parts = []
                for index, block in enumerate(model._blocks[:FIRST_TUNED]):
                    x = block(x)
                    if index in pooled_at:
                        parts.append(x.mean(dim=(2, 3)))
                parts.append(x.flatten(1))
                rows.append(torch.cat(parts, dim=1).float().cpu().numpy())
        return np.concatenate(rows) if rows else np.zeros((0, TAIL_INPUT_DIM), np.float32)

    return embed


def tail_cache(cache: FeatureCache | None = None) -> FeatureCache:
    """The cache of tail inputs, in the same folder as the shared ``cache`` (or the
    per-user one), under its own backbone id."""
    return _TailCache(cache.root if cache is not None else None)


class _TailCache(FeatureCache):
    """A :class:`FeatureCache` of tail inputs whose embedder is built on first use."""

    def __init__(self, root: object = None, device: str = "cpu") -> None:
        super().__init__(root, backbone_id=TAIL_ID, device=device)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = shared_tail_embedder(self._device)
        return self._embedder


def shared_tail_embedder(device: str = "cpu") -> Embedder:
    """:func:`tail_input_embedder`, built once per device per process (keyed by the
    factory too, so a test's stand-in and the real one never mix)."""
    return shared_instance(tail_input_embedder, device)


def tiny_tail_embedder() -> Embedder:
    """A cheap stand-in for :func:`tail_input_embedder` (tests, dry runs): the image's
    colour layout through a fixed random projection; it knows nothing about products."""
    return tiny_embedder(TAIL_INPUT_DIM, seed=1)


def build_tail(classes: int, dropout: float = 0.5, pretrained: bool = True,
               rate: float = TAIL_RATE) -> torch.nn.Module:
    """The fine-tuned tail: stage 7 and the head conv of EfficientNet-Lite0 (ImageNet
    weights when ``pretrained``; a model file brings its own), then the classifier on the
    1,792 pooled numbers of the shared feature layout. The pretrained part learns at
    ``rate`` times the head's learning rate."""
    import torch
    from torch import nn
    from torch.nn.utils import parametrize

    from editor.training.backbones import efficientnet_lite0
    from plugins.classify.model import build_head

    class Scaled(nn.Module):
        """weight = rate * parameter. The trainer has one learning rate, and Adam moves
        each parameter by about that much per step whatever its gradient's scale, so this
        is how the pretrained weights move ``rate`` times slower than the new head."""

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * rate

        def right_inverse(self, x: torch.Tensor) -> torch.Tensor:
            return x / rate

    backbone = efficientnet_lite0(pretrained=pretrained)
    for module in [*backbone._blocks[FIRST_TUNED].modules(), backbone._conv_head,
                   backbone._bn1]:
        for name in ("weight", "bias"):
            if isinstance(getattr(module, name, None), nn.Parameter):
                parametrize.register_parametrization(module, name, Scaled())

    # the untouched ImageNet tail: the shared features of the same cached inputs, for the
    # head that reads them (kept out of the model file: it is the pretrained weights)
    reference = efficientnet_lite0(pretrained=True)
    reference = (reference._blocks[FIRST_TUNED], reference._conv_head, reference._bn1)
    for module in reference:
        module.requires_grad_(False)

    class Tail(nn.Module):
        """Tail inputs -> class logits; :attr:`shared_head` reads the shared features."""

        def __init__(self) -> None:
            super().__init__()
            self.block = backbone._blocks[FIRST_TUNED]
            self.conv = backbone._conv_head
            self.bn = backbone._bn1
            self.act = nn.ReLU6(inplace=True)
            self.head = build_head(classes, 0, dropout)
            #: a linear head on the frozen shared features, trained alongside, so callers
            #: that only have those still get the frozen head's tags
            self.shared_head = build_head(classes, 0, dropout)
            self._reference = reference

        def pooled(self, x: torch.Tensor, tuned: bool = True) -> torch.Tensor:
            """(N, TAIL_INPUT_DIM) tail inputs -> (N, 1792) pooled features: of the tuned
            tail, or (``tuned=False``) the shared frozen features."""
            block, conv, bn = (self.block, self.conv, self.bn) if tuned else self._reference
            if not tuned:
                for module in self._reference:
                    module.to(x.device).eval()
            early, flat = x[:, :EARLY_DIM], x[:, EARLY_DIM:]
            maps = block(flat.reshape(-1, MAP_CHANNELS, MAP_SIZE, MAP_SIZE))
            top = self.act(bn(conv(maps))).mean(dim=(2, 3))
            return torch.cat([early, maps.mean(dim=(2, 3)), top], dim=1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.pooled(x))

        def both(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            """(logits of the tuned tail, of :attr:`shared_head` on the shared features)."""
            with torch.no_grad():
                shared = self.pooled(x, tuned=False)
            return self.forward(x), self.shared_head(shared)

        def train(self, mode: bool = True) -> Tail:
            # the backbone's BatchNorm keeps its ImageNet statistics (a few thousand photos
            # would only make them noisier); its scale and shift still learn
            super().train(mode)
            for module in (self.block, self.bn):
                module.eval()
            return self

    return Tail()
