"""A tiny style-based backdrop generator (StyleGAN2 layout, Karras et al. 2020) and its
discriminator, sized to train on a CPU in minutes.

Generator: a mapping network (z -> w, 4 fully connected layers) drives modulated 3x3
convolutions from a learned 4x4 constant up to :data:`SIZE` pixels (4, 8, 16, 32, 64),
with per-pixel noise and skip connections to RGB at every resolution. Modulation is the
"non-fused" form: scale the input channels by the style, convolve with the shared weight,
then demodulate the output channels; it is the same operation as per-sample weights and
much quicker on a CPU than grouped convolutions. Equalised learning rate everywhere.

Discriminator: residual blocks down to 4x4, a minibatch-deviation channel, one logit.
DiffAugment (Zhao et al. 2020: colour, translation, cutout) on every image either network
sees lets it learn from ~150 photos without memorising them.

torch is imported when a model is built; nothing here imports Qt.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

ARCHITECTURE = "StyleGAN2-tiny-64"
SIZE = 64
Z_DIM = 64
#: channels per resolution 4, 8, 16, 32, 64
CHANNELS = (96, 64, 32, 16, 8)


def build(kind: str = "pair") -> Any:
    """A fresh ``GanPair`` (generator, discriminator and the generator's moving average)."""
    return _classes()["GanPair"]()


def sample(generator: torch.nn.Module, count: int, seed: int, truncation: float = 0.8
           ) -> np.ndarray:
    """``count`` backdrops ``uint8 (N, SIZE, SIZE, 3)`` from ``seed`` (deterministic)."""
    import torch

    gen = torch.Generator().manual_seed(int(seed))
    z = torch.randn(count, Z_DIM, generator=gen)
    # the per-pixel noise comes from the global generator: seeded here, and put back after
    # so that sampling in the middle of training does not replay the training noise
    with torch.no_grad(), torch.random.fork_rng():
        torch.manual_seed(int(seed) + 1)
        x = generator(z, truncation=truncation)
    return to_uint8(x)


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """(N, 3, H, W) in -1..1 -> uint8 (N, H, W, 3)."""
    x = (x.detach().clamp(-1, 1) + 1) * 127.5
    return x.round().byte().permute(0, 2, 3, 1).cpu().numpy()


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, H, W, 3) -> (N, 3, H, W) in -1..1."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 127.5 - 1


def diff_augment(x: torch.Tensor) -> torch.Tensor:
    """DiffAugment's colour, translation (1/8) and cutout (1/2) policy, differentiable."""
    import torch

    n = x.shape[0]
    dev = x.device
    x = x + (torch.rand(n, 1, 1, 1, device=dev) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (torch.rand(n, 1, 1, 1, device=dev) * 2) + mean
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    x = (x - mean) * (torch.rand(n, 1, 1, 1, device=dev) + 0.5) + mean
    # translation by up to 1/8 of the side, zero padded
    h, w = x.shape[2:]
    shift = h // 8
    tx = torch.randint(-shift, shift + 1, (n, 1, 1), device=dev)
    ty = torch.randint(-shift, shift + 1, (n, 1, 1), device=dev)
    gy, gx = torch.meshgrid(torch.arange(h, device=dev), torch.arange(w, device=dev),
                            indexing="ij")
    yy = torch.clamp(gy[None] + ty + 1, 0, h + 1)
    xx = torch.clamp(gx[None] + tx + 1, 0, w + 1)
    padded = torch.nn.functional.pad(x, [1, 1, 1, 1])
    idx = (yy * (w + 2) + xx).view(n, 1, -1).expand(-1, x.shape[1], -1)
    x = padded.flatten(2).gather(2, idx).view_as(x)
    # cutout of half the side
    ch, cw = h // 2, w // 2
    oy = torch.randint(0, h - ch + 1, (n, 1, 1), device=dev)
    ox = torch.randint(0, w - cw + 1, (n, 1, 1), device=dev)
    keep = ~(((gy[None] - oy) >= 0) & ((gy[None] - oy) < ch)
             & ((gx[None] - ox) >= 0) & ((gx[None] - ox) < cw))
    return x * keep[:, None].float()


_CLASSES: dict[str, type] | None = None


def _classes() -> dict[str, type]:
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _define()
    return _CLASSES


def _define() -> dict[str, type]:  # noqa: C901 - the model classes, defined once lazily
    import torch
    from torch import nn
    from torch.nn import functional as F  # noqa: N812

    def lrelu(x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(x, 0.2) * math.sqrt(2)

    class EqLinear(nn.Module):
        def __init__(self, cin: int, cout: int, bias_init: float = 0.0, lr: float = 1.0):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(cout, cin) / lr)
            self.bias = nn.Parameter(torch.full((cout,), float(bias_init)))
            self.scale, self.lr = lr / math.sqrt(cin), lr

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return F.linear(x, self.weight * self.scale, self.bias * self.lr)

    class EqConv(nn.Module):
        def __init__(self, cin: int, cout: int, k: int = 3, bias: bool = True):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(cout, cin, k, k))
            self.bias = nn.Parameter(torch.zeros(cout)) if bias else None
            self.scale, self.pad = 1 / math.sqrt(cin * k * k), k // 2

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.pad)

    class ModConv(nn.Module):
        """Modulated convolution: style-scaled inputs, shared weight, demodulated outputs."""

        def __init__(self, cin: int, cout: int, k: int, demodulate: bool = True):
            super().__init__()
            self.affine = EqLinear(Z_DIM, cin, bias_init=1.0)
            self.weight = nn.Parameter(torch.randn(cout, cin, k, k))
            self.scale, self.pad, self.demodulate = 1 / math.sqrt(cin * k * k), k // 2, demodulate

        def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
            style = self.affine(w)  # (N, cin)
            weight = self.weight * self.scale
            x = F.conv2d(x * style[:, :, None, None], weight, padding=self.pad)
            if self.demodulate:
                # sum over cin,k,k of (w * s)^2 per sample and output channel
                d = torch.rsqrt((style.square() @ weight.square().sum(dim=[2, 3]).t()) + 1e-8)
                x = x * d[:, :, None, None]
            return x

    class StyleLayer(nn.Module):
        def __init__(self, cin: int, cout: int):
            super().__init__()
            self.conv = ModConv(cin, cout, 3)
            self.noise_strength = nn.Parameter(torch.zeros(()))
            self.bias = nn.Parameter(torch.zeros(cout))

        def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
            x = self.conv(x, w)
            noise = torch.randn(x.shape[0], 1, x.shape[2], x.shape[3], device=x.device)
            return lrelu(x + noise * self.noise_strength + self.bias[None, :, None, None])

    class Generator(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.mapping = nn.ModuleList(EqLinear(Z_DIM, Z_DIM, lr=0.01) for _ in range(4))
            self.register_buffer("w_avg", torch.zeros(Z_DIM))
            self.const = nn.Parameter(torch.randn(CHANNELS[0], 4, 4))
            self.layers = nn.ModuleList()
            self.to_rgb = nn.ModuleList()
            cin = CHANNELS[0]
            for i, cout in enumerate(CHANNELS):
                pair = nn.ModuleList([StyleLayer(cin, cout), StyleLayer(cout, cout)])
                if i == 0:
                    pair = nn.ModuleList([StyleLayer(cin, cout)])
                self.layers.append(pair)
                self.to_rgb.append(ModConv(cout, 3, 1, demodulate=False))
                cin = cout

        def map(self, z: torch.Tensor) -> torch.Tensor:
            w = z * torch.rsqrt(z.square().mean(dim=1, keepdim=True) + 1e-8)
            for fc in self.mapping:
                w = lrelu(fc(w))
            return w

        def forward(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
            w = self.map(z)
            if self.training:
                self.w_avg.copy_(self.w_avg.lerp(w.detach().mean(0), 0.005))
            elif truncation != 1.0:
                w = self.w_avg.lerp(w, truncation)
            x = self.const[None].expand(z.shape[0], -1, -1, -1)
            rgb = None
            for i, (pair, to_rgb) in enumerate(zip(self.layers, self.to_rgb, strict=True)):
                if i > 0:
                    x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
                for layer in pair:
                    x = layer(x, w)
                y = to_rgb(x, w)
                rgb = y if rgb is None else y + F.interpolate(
                    rgb, scale_factor=2, mode="bilinear", align_corners=False)
            return rgb

    class DBlock(nn.Module):
        def __init__(self, cin: int, cout: int):
            super().__init__()
            self.conv1, self.conv2 = EqConv(cin, cin), EqConv(cin, cout)
            self.skip = EqConv(cin, cout, 1, bias=False)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = F.avg_pool2d(lrelu(self.conv2(lrelu(self.conv1(x)))), 2)
            return (y + F.avg_pool2d(self.skip(x), 2)) / math.sqrt(2)

    class Discriminator(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            chans = CHANNELS[::-1]  # 64 px first
            self.from_rgb = EqConv(3, chans[0], 1)
            self.blocks = nn.ModuleList(DBlock(chans[i], chans[i + 1])
                                        for i in range(len(chans) - 1))
            last = chans[-1]
            self.conv = EqConv(last + 1, last)
            self.fc = EqLinear(last * 16, last)
            self.out = EqLinear(last, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = lrelu(self.from_rgb(x))
            for block in self.blocks:
                x = block(x)
            group = min(4, x.shape[0])
            while x.shape[0] % group:
                group -= 1
            n, c, h, w = x.shape
            y = x.view(group, -1, c, h, w)
            y = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=[1, 2, 3])
            y = y.view(-1, 1, 1, 1).repeat(group, 1, h, w)
            x = lrelu(self.conv(torch.cat([x, y], 1)))
            return self.out(lrelu(self.fc(x.flatten(1))))

    class GanPair(nn.Module):
        """What the trainer holds: ``g`` and ``d`` train; ``g_ema`` (their moving
        average, no gradients) is what the plugin samples from."""

        def __init__(self) -> None:
            super().__init__()
            self.g, self.d, self.g_ema = Generator(), Discriminator(), Generator()
            self.g_ema.load_state_dict(self.g.state_dict())
            self.g_ema.requires_grad_(False)
            self.g_ema.eval()
            # the trainer steps its own optimiser on the loss it is given; this is the one
            # parameter that loss reaches (with a zero gradient), see plugins.variants.train
            self.anchor = nn.Parameter(torch.zeros(()))

        @torch.no_grad()
        def update_ema(self, decay: float) -> None:
            for pe, p in zip(self.g_ema.parameters(), self.g.parameters(), strict=True):
                pe.lerp_(p.detach(), 1 - decay)
            self.g_ema.w_avg.copy_(self.g.w_avg)

    return {"Generator": Generator, "Discriminator": Discriminator, "GanPair": GanPair}


def load_generator(state: dict[str, Any]) -> torch.nn.Module:
    """The moving-average generator of a trained pair's state dict, in eval mode."""
    gen = _classes()["Generator"]()
    prefix = "g_ema."
    own = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    gen.load_state_dict(own or state)
    return gen.eval()
