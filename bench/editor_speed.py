"""Editor responsiveness figures on a 4000x3000 document.

Baselines: compositing every layer in float (what a naive editor does on every repaint)
versus the compositor's fast paths: one opaque layer, and recompositing only the rect a
brush stroke touched.
"""

from __future__ import annotations

import numpy as np

from bench.common import timed
from editor.model.compositor import composite
from editor.model.layers import RasterLayer

W, H = 4000, 3000


def main() -> None:
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    photo[..., 3] = 255
    overlay = photo.copy()
    overlay[..., 3] = 128
    one = [RasterLayer("photo", photo)]
    two = [RasterLayer("photo", photo), RasterLayer("overlay", overlay, opacity=0.5)]
    _, full = timed(lambda: composite(two, (W, H)))
    _, single = timed(lambda: composite(one, (W, H)))
    _, rect = timed(lambda: composite(two, (W, H), rect=(1000, 1000, 1256, 1256)))
    print(f"editor composite 4000x3000 one layer {single * 1000:.0f} ms | "
          f"two layers {full * 1000:.0f} ms | x{full / single:.1f} faster")
    print(f"editor composite 256x256 stroke rect {rect * 1000:.1f} ms | "
          f"whole image {full * 1000:.0f} ms | x{full / rect:.0f} faster")
