"""Enlarging an RGBA image: the learned network on luma, bicubic on colour and alpha, tile by
tile, with transparent pixels coloured from their neighbours so edges stay clean.

Tiles: the image is cut into the tiling helper's grid and each tile is enlarged together with
a margin of real neighbouring pixels at least as wide as the network's receptive field; the
margin is then dropped. Every output pixel is therefore computed from exactly the pixels it
would see in one whole-image pass, so a tiled result equals the untiled one (no seams, no
blending) while memory stays bounded by the tile size.

Transparency: a cutout's transparent pixels usually hold black (or junk). Any filter that
reaches across the edge would mix that colour into the product's rim and leave a dark halo
once composited. Before enlarging, transparent pixels take the colour of the nearest opaque
ones (a push-pull fill); the alpha is enlarged separately with bicubic and clipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from editor.tasks.tiling import tile_grid
from plugins.upscale.model import NetConfig, rgb_to_ycc, upscale_luma, ycc_to_rgb

if TYPE_CHECKING:
    import torch

    from editor.tasks.api import Context

#: low-resolution tile side: one tile for photos up to 512 px, ~2 GB at most for any photo
TILE = 512
_CLASSICAL = {"bicubic": cv2.INTER_CUBIC, "lanczos": cv2.INTER_LANCZOS4}


def bleed_colour(rgba: np.ndarray) -> np.ndarray:
    """``rgba`` with every fully transparent pixel given the colour of the nearest visible
    ones (alpha unchanged). Visible pixels, even faint ones, keep their colour."""
    alpha = rgba[..., 3]
    if alpha.min() > 0 or alpha.max() == 0:
        return rgba
    weight = (alpha > 0).astype(np.float32)
    filled = _push_pull(rgba[..., :3].astype(np.float32) * weight[..., None], weight)
    out = rgba.copy()
    hole = alpha == 0
    out[..., :3][hole] = np.clip(filled[hole] + 0.5, 0, 255).astype(np.uint8)
    return out


def _push_pull(premultiplied: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Straight colour everywhere: known where ``weight`` > 0, else from coarser levels."""
    h, w = weight.shape
    known = weight > 1e-6
    colour = premultiplied / np.maximum(weight, 1e-6)[..., None]
    if known.all():
        return colour
    if min(h, w) <= 2:
        mean = premultiplied.reshape(-1, 3).sum(0) / max(float(weight.sum()), 1e-6)
        return np.where(known[..., None], colour, mean[None, None, :])
    size = (max(1, w // 2), max(1, h // 2))
    coarse = _push_pull(cv2.resize(premultiplied, size, interpolation=cv2.INTER_AREA),
                        cv2.resize(weight, size, interpolation=cv2.INTER_AREA))
    up = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(known[..., None], colour, up)


def classical_resize(rgba: np.ndarray, size: tuple[int, int],
                     method: str = "lanczos") -> np.ndarray:
    """``rgba`` resized to ``size`` (width, height) with bicubic or Lanczos when enlarging,
    area averaging when shrinking; transparent colour bled first, values clipped."""
    height, width = rgba.shape[:2]
    if (width, height) == size:
        return rgba.copy()
    shrink = size[0] < width and size[1] < height
    flag = cv2.INTER_AREA if shrink else _CLASSICAL[method]
    out = cv2.resize(bleed_colour(rgba), size, interpolation=flag)
    return out  # OpenCV saturates uint8 results, so no overshoot can wrap


class Upscaler:
    """A loaded network and how to run it over an RGBA image of any size."""

    def __init__(self, net: torch.nn.Module, config: NetConfig, device: str = "cpu") -> None:
        import torch

        # channels-last convolutions run about 1.7x faster on a CPU
        self.net = net.to(memory_format=torch.channels_last) if device == "cpu" else net
        self.config = config
        self.device = device

    def upscale(self, rgba: np.ndarray, scale: int, *, mask: np.ndarray | None = None,
                tile: int = TILE, ctx: Context | None = None,
                progress: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
        """(H, W, 4) uint8 → (H*s, W*s, 4) uint8 with the network's ``scale`` tail.

        With a ``mask`` (H, W) the network works only where the mask is set and Lanczos
        elsewhere, blended along the mask's soft edge. ``progress`` is the span of the
        caller's progress bar this run fills."""
        if scale not in self.config.scales:
            raise ValueError(f"this model has no x{scale} (it has "
                             f"{', '.join(f'x{s}' for s in self.config.scales)})")
        height, width = rgba.shape[:2]
        image = bleed_colour(rgba)
        out = np.empty((height * scale, width * scale, 4), np.uint8)
        margin = self.config.margin
        tiles = tile_grid(width, height, tile, 0)
        lo, hi = progress
        for i, t in enumerate(tiles):
            if ctx is not None:
                ctx.progress(lo + (hi - lo) * i / len(tiles),
                             f"Upscaling x{scale}: tile {i + 1} of {len(tiles)}")
            x0, y0 = max(0, t.x0 - margin), max(0, t.y0 - margin)
            x1, y1 = min(width, t.x1 + margin), min(height, t.y1 + margin)
            window = image[y0:y1, x0:x1]
            box = (t.y0 - y0, t.x0 - x0, t.y1 - y0, t.x1 - x0)
            selected = None if mask is None else mask[y0:y1, x0:x1]
            if selected is not None and not selected.any():
                big = self._plain(window, scale)  # outside the selection: no network needed
            else:
                big = self._enlarge(window, scale)
                if selected is not None:
                    big = self._masked(big, window, selected, scale)
            region = (slice(t.y0 * scale, t.y1 * scale), slice(t.x0 * scale, t.x1 * scale))
            out[region] = big[box[0] * scale:box[2] * scale, box[1] * scale:box[3] * scale]
        return out

    def _enlarge(self, window: np.ndarray, scale: int) -> np.ndarray:
        h, w = window.shape[:2]
        size = (w * scale, h * scale)
        ycc = rgb_to_ycc(window[..., :3])
        luma = upscale_luma(self.net, ycc[..., 0], scale, self.device)
        chroma = cv2.resize(ycc[..., 1:], size, interpolation=cv2.INTER_CUBIC)
        out = np.empty((size[1], size[0], 4), np.uint8)
        rgb = ycc_to_rgb(np.dstack([luma, chroma]))
        # negatives to 0 first: OpenCV's conversion takes absolute values, rounds, saturates
        out[..., :3] = cv2.convertScaleAbs(np.maximum(rgb, 0, out=rgb))
        out[..., 3] = cv2.resize(window[..., 3], size, interpolation=cv2.INTER_CUBIC)
        return out

    @staticmethod
    def _plain(window: np.ndarray, scale: int) -> np.ndarray:
        h, w = window.shape[:2]
        return cv2.resize(window, (w * scale, h * scale), interpolation=cv2.INTER_LANCZOS4)

    def _masked(self, big: np.ndarray, window: np.ndarray, mask: np.ndarray,
                scale: int) -> np.ndarray:
        """``big`` where the (enlarged) mask is set, Lanczos elsewhere."""
        h, w = window.shape[:2]
        weight = cv2.resize(mask, (w * scale, h * scale), interpolation=cv2.INTER_LINEAR)
        weight = weight.astype(np.float32)[..., None] / 255.0
        plain = self._plain(window, scale).astype(np.float32)
        mixed = big.astype(np.float32) * weight + plain * (1.0 - weight)
        return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
