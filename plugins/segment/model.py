"""The learned cutout network: EfficientNet-Lite0 (ImageNet weights) as the encoder and a
light U-Net decoder, predicting a product probability at a square working size.

The model file stores the encoder's feature layers and the decoder in half precision
(about 7 MB); :func:`load_segmenter` casts them back to float32.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

PLUGIN_ID = "segment"
ARCHITECTURE = "UNet-EffLite0"
#: side of the square the network sees by default
INPUT_SIZE = 224
#: decoder widths at strides 16, 8, 4, 2
DECODER = (64, 48, 32, 24)
#: encoder weights the segmenter does not use (the classifier head)
_UNUSED = ("_conv_head.", "_bn1.", "_fc.")


def build_segmenter(pretrained: bool = True) -> torch.nn.Module:
    """A fresh network; ``pretrained`` loads the ImageNet encoder weights."""
    from torch import nn
    from torch.nn import functional as fn

    from editor.training.backbones import FEATURE_CHANNELS, efficientnet_lite0

    def block(cin: int, cout: int) -> nn.Module:
        return nn.Sequential(
            nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, groups=cout, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        )

    class SegNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            encoder = efficientnet_lite0(pretrained=pretrained)
            for name in ("_conv_head", "_bn1", "_fc"):
                delattr(encoder, name)
            self.encoder = encoder
            c1, c2, c3, c4, c5 = FEATURE_CHANNELS
            d4, d3, d2, d1 = DECODER
            self.up4 = block(c5 + c4, d4)
            self.up3 = block(d4 + c3, d3)
            self.up2 = block(d3 + c2, d2)
            self.up1 = block(d2 + c1, d1)
            self.head = nn.Sequential(
                nn.Conv2d(d1 + 3, 16, 3, padding=1), nn.ReLU(inplace=True),
                nn.Conv2d(16, 1, 3, padding=1))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            """Logits (N, 1, H, W) for normalised RGB (N, 3, H, W)."""
            f1, f2, f3, f4, f5 = self.encoder.features(x)
            y = f5
            for skip, up in ((f4, self.up4), (f3, self.up3), (f2, self.up2), (f1, self.up1)):
                y = fn.interpolate(y, size=skip.shape[2:], mode="bilinear", align_corners=False)
                y = up(_cat(y, skip))
            y = fn.interpolate(y, size=x.shape[2:], mode="bilinear", align_corners=False)
            return self.head(_cat(y, x))

        def train(self, mode: bool = True) -> SegNet:
            """Training mode, except the encoder's batch norms keep their ImageNet
            statistics (batches here are small)."""
            super().train(mode)
            for m in self.encoder.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.eval()
            return self

        def freeze_early(self, blocks: int = 3) -> None:
            """Stop training the stem and the first ``blocks`` encoder blocks: the
            high-resolution layers, where backpropagation costs most and generic edge
            filters need no change."""
            enc = self.encoder
            for m in (enc._conv_stem, enc._bn0, *enc._blocks[:blocks]):
                for p in m.parameters():
                    p.requires_grad_(False)

        def encoder_parameters(self) -> list[Any]:
            return [p for p in self.encoder.parameters() if p.requires_grad]

        def decoder_parameters(self) -> list[Any]:
            ids = {id(p) for p in self.encoder.parameters()}
            return [p for p in self.parameters() if id(p) not in ids]

    return SegNet()


def _cat(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    import torch

    return torch.cat([a, b], 1)


def half_state(model: torch.nn.Module) -> dict[str, Any]:
    """The weights to store: float tensors in half precision."""
    return {k: (v.half() if v.is_floating_point() else v).detach().cpu().clone()
            for k, v in model.state_dict().items()}


class Segmenter:
    """A loaded network, ready to give probabilities for uint8 RGB images."""

    def __init__(self, net: torch.nn.Module, size: int, device: str, source: str,
                 flip: bool = True) -> None:
        self.net, self.size, self.device, self.source = net, size, device, source
        self.flip = flip

    def probability(self, rgb: np.ndarray) -> np.ndarray:
        """float32 (size, size) product probability of ``rgb`` (uint8 RGB, any size)."""
        import torch

        from editor.training.backbones import to_input

        with torch.inference_mode():
            x = to_input(rgb, self.size).to(self.device)
            if self.flip:  # the mirror image too, averaged: steadier edges for little time
                x = torch.cat([x, x.flip(3)])
            prob = torch.sigmoid(self.net(x))[:, 0]
            prob = (prob[0] + prob[1].flip(1)) / 2 if self.flip else prob[0]
        return prob.float().cpu().numpy()


def load_from_state(state: dict[str, Any], config: dict[str, Any], device: str,
                    source: str) -> Segmenter:
    net = build_segmenter(pretrained=False)
    net.load_state_dict({k: v.float() if v.is_floating_point() else v
                         for k, v in state.items()}, strict=True)
    net.eval().to(device)
    return Segmenter(net, int(config.get("size", INPUT_SIZE)), device, source)


@functools.lru_cache(maxsize=2)
def _cached(path: str, mtime: float, device: str) -> Segmenter:
    from editor.training.store import load_model

    state, card = load_model(path, PLUGIN_ID)
    return load_from_state(state, card.config, device, path)


def load_segmenter(path: Path | str, device: str = "cpu") -> Segmenter:
    """The network in ``path`` (checked against its model card); cached per file."""
    path = Path(path)
    return _cached(str(path.resolve()), path.stat().st_mtime if path.exists() else 0.0, device)
