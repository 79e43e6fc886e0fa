"""Tiling into a given output array: the same pixels as the float result, in bounded memory."""

from __future__ import annotations

import numpy as np
import pytest

from editor.tasks.tiling import process_tiled


def position_dependent(tile: np.ndarray) -> np.ndarray:
    # differs from tile to tile, so that the blending of overlaps really matters
    return tile.astype(np.float32) * 0.9 + tile.mean() * 0.1


@pytest.mark.parametrize(("shape", "tile", "overlap", "scale"), [
    ((300, 410, 3), 128, 16, 1), ((97, 64, 3), 40, 8, 2), ((50, 50, 3), 512, 32, 1)])
def test_banded_output_equals_the_float_result(shape, tile, overlap, scale) -> None:
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, shape, np.uint8)

    def fn(t: np.ndarray) -> np.ndarray:
        out = position_dependent(t)
        return out.repeat(scale, 0).repeat(scale, 1) if scale > 1 else out

    full = process_tiled(image, fn, tile=tile, overlap=overlap, scale=scale)
    out = np.zeros((shape[0] * scale, shape[1] * scale, 3), np.uint8)
    assert process_tiled(image, fn, tile=tile, overlap=overlap, scale=scale, out=out) is out
    expected = np.clip(np.rint(full), 0, 255).astype(np.uint8)
    assert np.abs(out.astype(int) - expected).max() <= 1  # float rounding only
    assert (out == expected).mean() > 0.999


def test_banded_output_can_be_a_view_into_a_layer() -> None:
    image = np.full((64, 80, 3), 100, np.uint8)
    layer = np.zeros((64, 80, 4), np.uint8)
    process_tiled(image, lambda t: t + 1, tile=32, overlap=8, out=layer[..., :3])
    assert (layer[..., :3] == 101).all() and (layer[..., 3] == 0).all()
