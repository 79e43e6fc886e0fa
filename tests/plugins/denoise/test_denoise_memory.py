"""A large photo is cleaned without float copies of the whole photo (memory stays bounded)."""

from __future__ import annotations

import tracemalloc

import numpy as np

from editor.tasks.api import QuietContext, Request
from plugins.denoise import task


def test_nlmeans_on_a_large_photo_needs_about_its_own_size(monkeypatch) -> None:
    # OpenCV's non-local means works per tile; the identity keeps the test fast while the
    # tiling, blending and finishing - where whole-photo copies were made - run for real
    monkeypatch.setattr(task.cv2, "fastNlMeansDenoisingColored",
                        lambda src, dst, h, hc, t, s: src.copy())
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (4000, 1500, 4), np.uint8)  # tall: a band is 1/8 of it
    request = Request(image, {"method": "nlmeans", "sigma": 10.0, "mode": "noise",
                              "strength": 1.0})
    tracemalloc.start()
    try:
        result = task.run(request, QuietContext())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.layers[0].data.shape == image.shape
    assert np.array_equal(result.layers[0].data, image)  # identity "denoiser": unchanged
    # the new layer (1x) plus bands; a float32 result and its weights were 4x more
    assert peak < 2.5 * image.nbytes, f"peak {peak / image.nbytes:.1f}x the photo"
