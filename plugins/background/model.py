"""The background plugin's two learned networks, both white-box colour transforms.

*Harmoniser* (:func:`build_harmoniser`): a tiny conv net looks at the composite and the
product mask at :data:`HARMONISE_SIZE` px, pools its features inside and outside the mask,
adds plain colour statistics of both regions, and predicts one colour transform for the
product (per-channel gamma, then a 3x4 affine in sRGB, see :func:`colour_transform`). The
transform is applied at full resolution by :mod:`plugins.background.harmonise`, so it is
fast at any size and cannot add artefacts: it can only recolour the product's own pixels.

*Restyler* (:class:`CycleStyle`): two generators (style a -> b and b -> a), each a global
colour transform (per-channel gain/offset, a 3x3 matrix and monotone tone curves) plus a
small 3D LUT residual read with trilinear interpolation, and two small patch
discriminators. It is trained with the CycleGAN losses in :mod:`plugins.background.train`
at low resolution; only the a -> b generator is used to restyle a photo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

PLUGIN_ID = "background"
HARMONISE_ARCHITECTURE = "HarmoniseNet (tiny CNN + region quantiles -> gamma + 3x4 sRGB affine)"
RESTYLE_ARCHITECTURE = "CycleStyle (global colour transform + 3D LUT residual, patch D)"
#: the side of the square the harmoniser looks at
HARMONISE_SIZE = 96
#: how many numbers the harmoniser predicts: 3 gammas, a 3x3 matrix and 3 offsets
TRANSFORM_PARAMS = 15
#: the restyle generator's LUT side (a LUT has ``LUT_SIZE ** 3`` colours)
LUT_SIZE = 9
#: knots of each monotone tone curve
CURVE_KNOTS = 16


def _torch():
    import torch
    from torch import nn

    return torch, nn


# -- harmonisation ------------------------------------------------------------------------
#: the quantiles of each channel the harmoniser reads inside and outside the mask
QUANTILES = (0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98)
#: numbers :func:`region_stats` gives per image
STATS = 2 * 3 * (len(QUANTILES) + 2)


def region_stats(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per channel, inside and outside ``mask``: the mean, the standard deviation and the
    :data:`QUANTILES` (N, :data:`STATS`). The quantiles carry what the product and the
    backdrop share when they were lit and photographed together: the black and white
    points and the colour of the shadows and highlights.

    ``x`` is (N, 3, H, W) sRGB 0..1, ``mask`` (N, 1, H, W) 0..1 (read as inside >= 0.5)."""
    torch, _ = _torch()
    q = torch.tensor(QUANTILES, dtype=x.dtype, device=x.device)
    rows = []
    for image, weight in zip(x, mask, strict=True):
        px = image.reshape(3, -1)
        inside = weight.reshape(-1) >= 0.5
        parts = []
        for region in (inside, ~inside):
            values = px[:, region] if int(region.sum()) >= 4 else px
            parts += [values.mean(1), values.std(1), torch.quantile(values, q, dim=1).reshape(-1)]
        rows.append(torch.cat(parts))
    return torch.stack(rows)


def colour_transform(x: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """Apply predicted transforms to sRGB 0..1 pixels: ``x`` (N, 3, ...) and ``params``
    (N, 15) = 3 log-gammas, a 3x3 matrix delta from identity, 3 offsets. Identity at 0."""
    torch, _ = _torch()
    n = x.shape[0]
    flat = x.reshape(n, 3, -1).clamp(1e-4, 1.0)
    gamma = torch.exp(params[:, 0:3].clamp(-1.5, 1.5))[..., None]
    matrix = torch.eye(3, dtype=x.dtype, device=x.device) + params[:, 3:12].reshape(n, 3, 3)
    offset = params[:, 12:15, None]
    y = matrix @ flat.pow(gamma) + offset
    return y.clamp(0.0, 1.0).reshape(x.shape)


def build_harmoniser(width: int = 16):
    """A fresh harmoniser; its last layer starts at zero so it begins as the identity."""
    torch, nn = _torch()

    def block(cin: int, cout: int) -> nn.Module:
        return nn.Sequential(nn.Conv2d(cin, cout, 3, 2, 1), nn.BatchNorm2d(cout), nn.ReLU())

    class HarmoniseNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            w = width
            self.body = nn.Sequential(block(4, w // 2), block(w // 2, w), block(w, 2 * w),
                                      block(2 * w, 2 * w), block(2 * w, 2 * w))
            features = 2 * (2 * w) + STATS
            self.head = nn.Sequential(nn.Linear(features, 128), nn.ReLU(),
                                      nn.Linear(128, 64), nn.ReLU(),
                                      nn.Linear(64, TRANSFORM_PARAMS))
            nn.init.zeros_(self.head[-1].weight)
            nn.init.zeros_(self.head[-1].bias)

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """(N, 15) transform params for composites ``x`` (N,3,S,S) with masks (N,1,S,S)."""
            f = self.body(torch.cat([x * 2 - 1, mask * 2 - 1], 1))
            m = nn.functional.adaptive_avg_pool2d(mask, f.shape[-2:])
            inside = (f * m).sum((2, 3)) / m.sum((2, 3)).clamp_min(1e-3)
            outside = (f * (1 - m)).sum((2, 3)) / (1 - m).sum((2, 3)).clamp_min(1e-3)
            stats = region_stats(x, mask)
            # small outputs: a transform near identity is the usual answer
            return 0.25 * self.head(torch.cat([inside, outside, stats * 4 - 2], 1))

    return HarmoniseNet()


# -- two-folder restyle -------------------------------------------------------------------
def build_generator(lut_size: int = LUT_SIZE):
    """A global colour transform plus a LUT residual; the identity at initialisation."""
    torch, nn = _torch()

    class StyleGenerator(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.matrix = nn.Parameter(torch.zeros(3, 3))
            self.offset = nn.Parameter(torch.zeros(3))
            # monotone curves: softplus of these are the knot-to-knot steps (uniform at 0)
            self.curve = nn.Parameter(torch.zeros(3, CURVE_KNOTS))
            self.lut = nn.Parameter(torch.zeros(1, 3, lut_size, lut_size, lut_size))

        def curves(self, x: torch.Tensor) -> torch.Tensor:
            """Per-channel monotone piecewise-linear curves from 0 to 1, on (N, 3, P)."""
            steps = nn.functional.softplus(self.curve + 0.5413)  # softplus(0.5413) = 1
            knots = torch.cat([torch.zeros(3, 1, device=x.device),
                               steps.cumsum(1) / steps.sum(1, keepdim=True)], 1)  # (3, K+1)
            pos = x.clamp(0, 1) * CURVE_KNOTS
            idx = pos.floor().clamp(max=CURVE_KNOTS - 1).long()
            frac = pos - idx
            table = knots[None].expand(x.shape[0], -1, -1)
            lo = table.gather(2, idx)
            hi = table.gather(2, idx + 1)
            return lo + (hi - lo) * frac

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            """Restyle sRGB 0..1 images or pixel lists, (N, 3, ...) -> same shape."""
            n = x.shape[0]
            flat = x.reshape(n, 3, -1)
            eye = torch.eye(3, device=x.device)
            y = (eye + self.matrix) @ flat + self.offset[:, None]
            y = self.curves(y.clamp(0, 1))
            # the LUT residual, read at the transformed colour: grid_sample wants (x, y, z)
            # = (last, middle, first) axis, so the LUT's axes are (b, g, r)
            grid = (y.permute(0, 2, 1) * 2 - 1)[:, None, None]  # (N, 1, 1, P, 3)
            lut = self.lut.expand(n, -1, -1, -1, -1)
            res = nn.functional.grid_sample(lut, grid, mode="bilinear", align_corners=True)
            return (y + res.reshape(n, 3, -1)).clamp(0, 1).reshape(x.shape)

        def smoothness(self) -> torch.Tensor:
            """Total variation of the LUT residual: rarely seen colours follow their
            neighbours instead of keeping whatever they started with."""
            lut = self.lut
            return sum(((lut.diff(dim=d)) ** 2).mean() for d in (2, 3, 4))

    return StyleGenerator()


def build_discriminator(width: int = 32):
    """A small patch discriminator (LSGAN scores, one per ~22 px patch)."""
    _, nn = _torch()
    return nn.Sequential(
        nn.Conv2d(3, width, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(width, 2 * width, 4, 2, 1), nn.InstanceNorm2d(2 * width), nn.LeakyReLU(0.2),
        nn.Conv2d(2 * width, 2 * width, 3, 1, 1), nn.InstanceNorm2d(2 * width),
        nn.LeakyReLU(0.2), nn.Conv2d(2 * width, 1, 3, 1, 1))


def build_cycle_style(lut_size: int = LUT_SIZE, width: int = 32):
    """Both generators and both discriminators in one module (the trainer's one model)."""
    torch, nn = _torch()

    class CycleStyle(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.g_ab = build_generator(lut_size)
            self.g_ba = build_generator(lut_size)
            self.d_a = build_discriminator(width)
            self.d_b = build_discriminator(width)
            # a running average of g_ab, the generator that is saved and used: it smooths
            # the step-to-step noise of adversarial training (no learning-rate decay needed)
            self.ema = build_generator(lut_size)
            self.ema.load_state_dict(self.g_ab.state_dict())
            self.ema.requires_grad_(False)
            self.register_buffer("steps", torch.zeros((), dtype=torch.long))

        def update_average(self) -> None:
            """Move :attr:`ema` towards g_ab (a fast start, then a 0.95 average)."""
            n = int(self.steps)
            decay = min(0.95, (1 + n) / (10 + n))
            with torch.no_grad():
                for mine, live in zip(self.ema.parameters(), self.g_ab.parameters(),
                                      strict=True):
                    mine.lerp_(live, 1 - decay)
                self.steps += 1

    return CycleStyle()
