"""Editor responsiveness on a 4000x3000 document, in milliseconds per repaint.

Figures and their baselines, measured on the same two layers (an opaque photo and a 50 %
overlay): the compositor (premultiplied colour, horizontal strips) against a straightforward
whole-image float implementation of the same W3C formula with straight alpha; and
recompositing only the 256x256 rect a brush stroke touched against the whole image. These
are latencies, not throughput, so they are in ms rather than s/MP. Synthetic pixels.
"""

from __future__ import annotations

import numpy as np

from bench.common import Report, timed
from editor.model.compositor import composite
from editor.model.layers import RasterLayer

W, H = 4000, 3000
DATASET = f"synthetic-{W}x{H}"


def straight_alpha_composite(layers: list[RasterLayer]) -> np.ndarray:
    """The baseline: normal blending in float over the whole image at once."""
    out_rgb = np.zeros((H, W, 3), np.float32)
    out_a = np.zeros((H, W, 1), np.float32)
    for layer in layers:
        src_rgb = layer.pixels[..., :3].astype(np.float32) / 255.0
        src_a = layer.pixels[..., 3:4].astype(np.float32) / 255.0 * layer.opacity
        a = src_a + out_a * (1.0 - src_a)
        premul = src_a * src_rgb + (1.0 - src_a) * out_a * out_rgb
        out_rgb = np.where(a > 0, premul / np.maximum(a, 1e-12), 0.0)
        out_a = a
    return np.concatenate([out_rgb, out_a], axis=2).__mul__(255.0).round().astype(np.uint8)


def run(report: Report) -> None:
    """Print the composite latencies beside their baselines."""
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    photo[..., 3] = 255
    overlay = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    overlay[..., 3] = 128
    two = [RasterLayer("photo", photo), RasterLayer("overlay", overlay, opacity=0.5)]
    repeat = 1 if report.quick else 3
    _, ours = timed(lambda: composite(two, (W, H)), repeat)
    _, naive = timed(lambda: straight_alpha_composite(two), repeat)
    _, rect = timed(lambda: composite(two, (W, H), rect=(1000, 1000, 1256, 1256)), repeat)
    report.figure("editor", DATASET, "two-layers", "composite", ours * 1000, "ms",
                  "whole-image-float", naive * 1000)
    report.figure("editor", DATASET, "stroke-rect-256", "composite", rect * 1000, "ms",
                  "whole-image", ours * 1000)
