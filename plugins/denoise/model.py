"""The learned denoiser: a small noise-level-conditioned U-Net working at half resolution.

Like FFDNet, the photo is first folded into four half-resolution sub-images (pixel
unshuffle, 3 -> 12 channels) and two *condition maps* are appended: the Gaussian noise
sigma (0-255 units, divided by :data:`SIGMA_SCALE`) and the JPEG strength (0 = not
compressed, ``(100 - quality) / 100`` otherwise). Unlike FFDNet's plain stack of
convolutions, the body is a three-level U-Net (half, quarter and eighth resolution) with
additive skips, as in DRUNet: the coarse levels give a large receptive field for a
fraction of the arithmetic, which is what lets a model trained in under an hour of CPU
time compete with CBM3D and still run at well under a second per megapixel on a laptop
CPU. The network predicts the noise (residual learning); the clean estimate is the input
minus it.

One model covers sigma 0-55 and JPEG quality 10-95; the user's *strength* scales the
maps, so "more" or "less" smoothing is the same network told that there is more or less
noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

PLUGIN_ID = "denoise"
ARCHITECTURE = "FFD-UNet3 (pixel-unshuffle x2, noise+JPEG maps)"
#: sigma maps are sigma / SIGMA_SCALE so typical values are 0..1
SIGMA_SCALE = 50.0
#: the spatial size of a network input must be a multiple of this (unshuffle x2, 2 downs)
MULTIPLE = 8
#: default widths of the three levels and the number of residual blocks per level
DEFAULT_CONFIG: dict[str, Any] = {"widths": [40, 80, 144], "blocks": [1, 1, 2]}


def build_net(config: dict[str, Any] | None = None) -> torch.nn.Module:
    """A fresh denoiser for ``config`` (``widths``, ``blocks``; see :data:`DEFAULT_CONFIG`)."""
    import torch
    from torch import nn

    cfg = {**DEFAULT_CONFIG, **(config or {})}
    w1, w2, w3 = (int(w) for w in cfg["widths"])
    b1, b2, b3 = (int(b) for b in cfg["blocks"])

    class ResBlock(nn.Module):
        def __init__(self, ch: int) -> None:
            super().__init__()
            self.a = nn.Conv2d(ch, ch, 3, padding=1)
            self.b = nn.Conv2d(ch, ch, 3, padding=1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + self.b(torch.relu(self.a(x)))

    def stage(ch: int, n: int) -> nn.Module:
        return nn.Sequential(*[ResBlock(ch) for _ in range(n)])

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.head = nn.Conv2d(12 + 2, w1, 3, padding=1)
            self.enc1 = stage(w1, b1)
            self.down1 = nn.Conv2d(w1, w2, 2, stride=2)
            self.enc2 = stage(w2, b2)
            self.down2 = nn.Conv2d(w2, w3, 2, stride=2)
            self.mid = stage(w3, b3)
            self.up2 = nn.ConvTranspose2d(w3, w2, 2, stride=2)
            self.dec2 = stage(w2, b2)
            self.up1 = nn.ConvTranspose2d(w2, w1, 2, stride=2)
            self.dec1 = stage(w1, b1)
            self.tail = nn.Conv2d(w1, 12, 3, padding=1)

        def forward(self, x: torch.Tensor, maps: torch.Tensor) -> torch.Tensor:
            """``x``: (N, 3, H, W) in 0..1, H and W multiples of :data:`MULTIPLE`;
            ``maps``: (N, 2, H/2, W/2) condition maps. Returns the clean estimate."""
            folded = nn.functional.pixel_unshuffle(x, 2)
            h1 = self.enc1(self.head(torch.cat([folded, maps], 1)))
            h2 = self.enc2(self.down1(h1))
            h3 = self.mid(self.down2(h2))
            d2 = self.dec2(self.up2(h3) + h2)
            d1 = self.dec1(self.up1(d2) + h1)
            return x - nn.functional.pixel_shuffle(self.tail(d1), 2)

    return Net()


def condition_maps(n: int, height: int, width: int, sigma: Any, jpeg: Any = 0.0,
                   device: str = "cpu") -> torch.Tensor:
    """(n, 2, height/2, width/2) maps; ``sigma`` (0-255 units) and ``jpeg`` (0..1) are
    scalars or length-``n`` sequences, one value per image."""
    import torch

    s = torch.as_tensor(np.broadcast_to(np.asarray(sigma, np.float32), (n,)).copy())
    j = torch.as_tensor(np.broadcast_to(np.asarray(jpeg, np.float32), (n,)).copy())
    both = torch.stack([s / SIGMA_SCALE, j], 1)[:, :, None, None]
    return both.expand(n, 2, height // 2, width // 2).contiguous().to(device)


def denoise_array(net: torch.nn.Module, rgb: np.ndarray, sigma: float, jpeg: float = 0.0,
                  device: str = "cpu") -> np.ndarray:
    """Denoise one uint8 RGB tile (any size); returns float32 RGB in 0..255.

    The tile is mirrored out to a multiple of :data:`MULTIPLE` (at least 16 pixels) and
    cropped back, so every size works, a 1x1 photo included.
    """
    import torch

    h, w = rgb.shape[:2]
    size_h = max(16, -(-h // MULTIPLE) * MULTIPLE)
    size_w = max(16, -(-w // MULTIPLE) * MULTIPLE)
    x = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1)[None].float() / 255.0
    x = _pad(x, size_h - h, size_w - w).to(device)
    with torch.inference_mode():
        out = net(x, condition_maps(1, size_h, size_w, sigma, jpeg, device))
    out = out[0, :, :h, :w].clamp(0, 1) * 255.0
    return out.permute(1, 2, 0).float().cpu().numpy()


def _pad(x: torch.Tensor, dh: int, dw: int) -> torch.Tensor:
    """Mirror-pad bottom/right; repeats the mirror when the pad exceeds the image."""
    from torch.nn import functional

    while dh > 0 or dw > 0:
        ph, pw = min(dh, x.shape[2] - 1), min(dw, x.shape[3] - 1)
        if ph <= 0 and pw <= 0:  # a 1-pixel side cannot be mirrored: replicate it
            return functional.pad(x, (0, dw, 0, dh), mode="replicate")
        x = functional.pad(x, (0, max(pw, 0), 0, max(ph, 0)), mode="reflect")
        dh, dw = dh - max(ph, 0), dw - max(pw, 0)
    return x


def state_to_fp16(state: dict[str, Any]) -> dict[str, Any]:
    """Weights stored at half precision (the bundled file stays small)."""
    return {k: v.half() if v.is_floating_point() else v for k, v in state.items()}


def load_net(state: dict[str, Any], config: dict[str, Any], device: str = "cpu"
             ) -> torch.nn.Module:
    """A ready-to-run network from stored weights (fp16 or fp32)."""
    net = build_net(config)
    net.load_state_dict({k: v.float() if v.is_floating_point() else v
                         for k, v in state.items()}, strict=True)
    return net.to(device).eval()
