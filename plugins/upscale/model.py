"""The learned upscaler: one small network on the luma (Y) channel with a shared body and
one pixel-shuffle tail per scale (x2, x3, x4), predicting the detail that bicubic misses.

Why this shape: the body runs at the low resolution, so cost grows with the input, not the
output (ESPCN's insight); sharing it across scales lets one short training run serve all
three (MDSR's); predicting a residual over bicubic makes a tiny network converge in minutes
on a CPU (VDSR's). Colour (Cb, Cr) and alpha are upscaled with bicubic, as the SR literature
does for Y-only models: the eye and the Y-PSNR metric care about luma detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

if TYPE_CHECKING:
    import torch

PLUGIN_ID = "upscale"
ARCHITECTURE = "LumaSR (shared body, x2/x3/x4 pixel-shuffle tails, residual over bicubic)"
SCALES = (2, 3, 4)

# BT.601 "studio swing" YCbCr on 0..255, the convention of the SR literature and of
# editor.training.metrics.rgb_to_y
_TO_YCC = np.array([[65.481, 128.553, 24.966],
                    [-37.797, -74.203, 112.0],
                    [112.0, -93.786, -18.214]], np.float32) / 255.0
_YCC_OFFSET = np.array([16.0, 128.0, 128.0], np.float32)
_FROM_YCC = np.linalg.inv(_TO_YCC).astype(np.float32)
# as 3x4 affine matrices for cv2.transform, several times faster than a numpy matmul
_TO_YCC_AFFINE = np.hstack([_TO_YCC, _YCC_OFFSET[:, None]])
_FROM_YCC_AFFINE = np.hstack([_FROM_YCC, -(_FROM_YCC @ _YCC_OFFSET)[:, None]])


def rgb_to_ycc(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB on 0..255 → float32 (H, W, 3) Y, Cb, Cr on 0..255."""
    return cv2.transform(np.ascontiguousarray(rgb, np.float32), _TO_YCC_AFFINE)


def ycc_to_rgb(ycc: np.ndarray) -> np.ndarray:
    """Inverse of :func:`rgb_to_ycc` (float32, not clipped)."""
    return cv2.transform(np.ascontiguousarray(ycc, np.float32), _FROM_YCC_AFFINE)


@dataclass(frozen=True)
class NetConfig:
    """What is needed to rebuild a network from its weights (stored in the model file)."""

    channels: int = 32
    layers: int = 8
    scales: tuple[int, ...] = SCALES

    def to_dict(self) -> dict[str, Any]:
        return {"channels": self.channels, "layers": self.layers, "scales": list(self.scales)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> NetConfig:
        try:
            scales = tuple(int(s) for s in raw["scales"])
            config = cls(int(raw["channels"]), int(raw["layers"]), scales)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not an upscale model configuration ({exc})") from None
        if not scales or not set(scales) <= set(SCALES) or config.channels < 1:
            raise ValueError(f"not an upscale model configuration ({raw})")
        return config

    @property
    def margin(self) -> int:
        """Low-resolution pixels of context each output pixel depends on (receptive radius
        of the body and the tail, plus the bicubic kernel's reach)."""
        return self.layers + 2 + 2


def build_network(config: NetConfig) -> torch.nn.Module:
    """A fresh network; ``net(y, scale)`` maps (N, 1, h, w) luma in 0..1 to (N, 1, h*s, w*s)."""
    from torch import nn

    class LumaSR(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            c = config.channels
            self.head = nn.Sequential(nn.Conv2d(1, c, 3, padding=1), nn.PReLU(c))
            body: list[nn.Module] = []
            for _ in range(config.layers):
                body += [nn.Conv2d(c, c, 3, padding=1), nn.PReLU(c)]
            self.body = nn.Sequential(*body)
            self.tails = nn.ModuleDict({
                str(s): nn.Sequential(nn.Conv2d(c, s * s, 3, padding=1), nn.PixelShuffle(s))
                for s in config.scales})
            for tail in self.tails.values():  # start as plain bicubic
                nn.init.zeros_(tail[0].weight)
                nn.init.zeros_(tail[0].bias)

        def forward(self, y: torch.Tensor, scale: int) -> torch.Tensor:
            feat = self.head(y)
            feat = feat + self.body(feat)
            base = nn.functional.interpolate(y, scale_factor=scale, mode="bicubic",
                                             align_corners=False)
            return base + self.tails[str(scale)](feat)

    return LumaSR()


def upscale_luma(net: torch.nn.Module, luma: np.ndarray, scale: int,
                 device: str = "cpu") -> np.ndarray:
    """(h, w) luma on 0..255 → float32 (h*s, w*s) luma on 0..255 (not clipped)."""
    import torch

    x = torch.from_numpy(np.ascontiguousarray(luma, np.float32) / 255.0)[None, None]
    with torch.inference_mode():
        out = net(x.to(device), scale)
    return out[0, 0].float().cpu().numpy() * 255.0


def load_network(path: str, device: str = "cpu") -> tuple[torch.nn.Module, NetConfig, Any]:
    """(network in eval mode, its config, its model card) from a model file; raises
    :class:`editor.training.store.ModelError` for a damaged or foreign file."""
    from editor.training.store import ModelError, load_model

    state, card = load_model(path, PLUGIN_ID)
    try:
        config = NetConfig.from_dict(card.config)
        net = build_network(config)
        net.load_state_dict({k: v.float() for k, v in state.items()})
    except (ValueError, RuntimeError) as exc:
        raise ModelError(path, f"its weights do not fit the upscale network ({exc})") from None
    return net.to(device).eval(), config, card
