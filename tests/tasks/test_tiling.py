import numpy as np
import pytest

from editor.tasks.api import Cancelled, RecordingContext
from editor.tasks.tiling import process_tiled, tile_grid


@pytest.mark.parametrize(("w", "h"), [(1, 1), (100, 37), (512, 512), (1300, 700)])
def test_tiles_cover_the_image_and_stay_inside(w, h):
    covered = np.zeros((h, w), bool)
    for t in tile_grid(w, h, tile=256, overlap=32):
        assert 0 <= t.x0 < t.x1 <= w and 0 <= t.y0 < t.y1 <= h
        assert t.x1 - t.x0 <= 256 and t.y1 - t.y0 <= 256
        covered[t.y0 : t.y1, t.x0 : t.x1] = True
    assert covered.all()


def test_tiled_equals_untiled_for_a_pointwise_function():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (700, 1100, 3), dtype=np.uint8)
    out = process_tiled(image, lambda t: 255 - t.astype(np.float32), tile=256, overlap=32)
    np.testing.assert_allclose(out, 255.0 - image, atol=1e-3)


def test_seams_blend_smoothly_when_tiles_disagree():
    # each tile returns a constant that differs per tile: the blend must ramp, not step
    image = np.zeros((64, 400, 1), np.uint8)
    calls = iter(range(100))
    out = process_tiled(image, lambda t: np.full(t.shape, 10.0 * next(calls)), tile=128,
                        overlap=32)
    steps = np.abs(np.diff(out[32, :, 0]))
    assert steps.max() < 10.0  # a hard seam would jump by 10 at once


def test_scaled_output_and_progress_and_cancel():
    image = np.zeros((300, 300, 3), np.uint8)
    ctx = RecordingContext()
    out = process_tiled(image, lambda t: np.repeat(np.repeat(t, 2, 0), 2, 1), tile=128,
                        overlap=16, scale=2, ctx=ctx)
    assert out.shape == (600, 600, 3)
    assert ctx.fractions == sorted(ctx.fractions) and ctx.fractions[-1] == 1.0
    ctx = RecordingContext(cancel_after=2)
    with pytest.raises(Cancelled):
        process_tiled(image, lambda t: t, tile=128, overlap=16, ctx=ctx)
    assert len(ctx.fractions) == 3
