"""Editor responsiveness on a 4000x3000 document, in milliseconds per repaint.

Baseline: compositing two layers in float over the whole image (what a naive editor does on
every repaint). Figures: the compositor's fast paths, one opaque layer and recompositing only
the 256x256 rect a brush stroke touched. These are latencies, not throughput, so they are in
ms rather than s/MP. Synthetic pixels: no shared data needed.
"""

from __future__ import annotations

import numpy as np

from bench.common import Report, timed
from editor.model.compositor import composite
from editor.model.layers import RasterLayer

W, H = 4000, 3000
DATASET = f"synthetic-{W}x{H}"


def run(report: Report) -> None:
    """Print the two composite-latency figures beside the whole-image float baseline."""
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    photo[..., 3] = 255
    overlay = photo.copy()
    overlay[..., 3] = 128
    one = [RasterLayer("photo", photo)]
    two = [RasterLayer("photo", photo), RasterLayer("overlay", overlay, opacity=0.5)]
    repeat = 1 if report.quick else 3
    _, full = timed(lambda: composite(two, (W, H)), repeat)
    _, single = timed(lambda: composite(one, (W, H)), repeat)
    _, rect = timed(lambda: composite(two, (W, H), rect=(1000, 1000, 1256, 1256)), repeat)
    report.figure("editor", DATASET, "one-opaque-layer", "composite", single * 1000, "ms",
                  "two-layers-float", full * 1000)
    report.figure("editor", DATASET, "stroke-rect-256", "composite", rect * 1000, "ms",
                  "whole-image", full * 1000)
