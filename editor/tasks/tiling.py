"""The one tiling helper: run a function over overlapping tiles and blend the seams away.

Large photos (a 6000x4000 shot) go through plugins tile by tile so memory stays bounded.
Overlaps are blended with linear ramps, so per-tile differences at borders fade smoothly
instead of leaving a visible seam. Each tile is a progress report and a cancel point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from editor.tasks.api import Context


@dataclass(frozen=True)
class Tile:
    x0: int
    y0: int
    x1: int
    y1: int


def tile_grid(width: int, height: int, tile: int, overlap: int) -> list[Tile]:
    """Tiles of at most ``tile`` pixels covering the image, neighbours sharing ``overlap``."""
    if tile <= 2 * overlap:
        raise ValueError(f"tile size {tile} must exceed twice the overlap {overlap}")
    return [
        Tile(x0, y0, min(x0 + tile, width), min(y0 + tile, height))
        for y0 in _starts(height, tile, overlap)
        for x0 in _starts(width, tile, overlap)
    ]


def _starts(length: int, tile: int, overlap: int) -> Iterator[int]:
    if length <= tile:
        yield 0
        return
    step = tile - overlap
    pos = 0
    while pos + tile < length:
        yield pos
        pos += step
    yield length - tile  # the last tile is flush with the edge, never a sliver


def _ramp(length: int, overlap: int, at_start: bool, at_end: bool) -> np.ndarray:
    """Blend weights along one axis: rising over the overlap except at the image border."""
    weight = np.ones(length, np.float32)
    ramp = min(overlap, length // 2)
    if ramp > 0:
        rise = (np.arange(ramp, dtype=np.float32) + 0.5) / ramp
        if not at_start:
            weight[:ramp] = rise
        if not at_end:
            weight[-ramp:] = np.minimum(weight[-ramp:], rise[::-1])
    return weight


def process_tiled(
    image: np.ndarray,
    fn: Callable[[np.ndarray], np.ndarray],
    *,
    tile: int = 512,
    overlap: int = 32,
    scale: int = 1,
    ctx: Context | None = None,
    message: str = "Processing",
) -> np.ndarray:
    """Apply ``fn`` to overlapping tiles of ``image`` (H, W, C) and blend the results.

    ``fn`` maps a tile (h, w, C) to an array (h*scale, w*scale, C') of any dtype; the
    output is float32 (H*scale, W*scale, C'). Equal to ``fn(image)`` for pointwise ``fn``.
    """
    height, width = image.shape[:2]
    tiles = tile_grid(width, height, tile, overlap)
    out: np.ndarray | None = None
    weights = np.zeros((height * scale, width * scale, 1), np.float32)
    for i, t in enumerate(tiles):
        if ctx is not None:
            ctx.progress(i / len(tiles), f"{message}: tile {i + 1} of {len(tiles)}")
        result = np.asarray(fn(image[t.y0 : t.y1, t.x0 : t.x1]), np.float32)
        if result.ndim == 2:
            result = result[..., None]
        expect = ((t.y1 - t.y0) * scale, (t.x1 - t.x0) * scale)
        if result.shape[:2] != expect:
            raise ValueError(f"tile function returned {result.shape[:2]}, expected {expect}")
        if out is None:
            out = np.zeros((height * scale, width * scale, result.shape[2]), np.float32)
        wy = _ramp(expect[0], overlap * scale, t.y0 == 0, t.y1 == height)
        wx = _ramp(expect[1], overlap * scale, t.x0 == 0, t.x1 == width)
        w = (wy[:, None] * wx[None, :])[..., None]
        region = (slice(t.y0 * scale, t.y1 * scale), slice(t.x0 * scale, t.x1 * scale))
        out[region] += result * w
        weights[region] += w
    assert out is not None
    out /= np.maximum(weights, 1e-8)
    if ctx is not None:
        ctx.progress(1.0, message)
    return out
