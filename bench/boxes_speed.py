"""Canvas frame time while panning and zooming a photo with 1,000 box annotations.

The figure is the median time to paint one frame of the canvas (1280x800, offscreen Qt)
over a fixed sequence of zooms and pans on a 4000x3000 photo with 1,000 boxes of five
classes, a fifth of them low-confidence (dashed); the baseline is the same canvas and
photo with no boxes. Target: under 16 ms (60 frames a second). Synthetic pixels and boxes.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from bench.common import Report
from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import Box, BoxLayer, RasterLayer

W, H = 4000, 3000
BOXES = 1000
VIEW = (1280, 800)
DATASET = f"synthetic-{W}x{H}-{BOXES}-boxes"


def _document(with_boxes: bool) -> Document:
    rng = np.random.default_rng(0)
    doc = Document(W, H)
    pixels = np.empty((H, W, 4), np.uint8)
    pixels[..., :3] = rng.integers(0, 256, (1, W, 3), dtype=np.uint8)
    pixels[..., 3] = 255
    doc.history.push(AddLayer(RasterLayer("photo", pixels)))
    if with_boxes:
        corners = rng.uniform(0, 1, (BOXES, 2)) * (W - 200, H - 200)
        sizes = rng.uniform(20, 200, (BOXES, 2))
        boxes = [Box(x, y, x + w, y + h, f"class-{i % 5}", 0.3 if i % 5 == 0 else 1.0)
                 for i, ((x, y), (w, h)) in enumerate(zip(corners, sizes, strict=True))]
        doc.history.push(AddLayer(BoxLayer("Labels", boxes, (W, H))))
    return doc


def _frame_times(canvas, frames: int) -> list[float]:
    """Paint ``frames`` frames while zooming in and out around points and panning."""
    from PySide6.QtCore import QPointF

    times = []
    steps = [(z, p) for z in (0.25, 0.5, 1.0, 0.5) for p in range(frames // 4)]
    for zoom, step in steps[:frames]:
        canvas.set_zoom(zoom, QPointF(VIEW[0] / 2, VIEW[1] / 2))
        canvas.pan_by(-37.0 * step, -23.0 * step)
        start = time.perf_counter()
        canvas.viewport().grab()  # one full paintEvent into a pixmap
        times.append(time.perf_counter() - start)
    return times


def run(report: Report) -> None:
    """Print the median frame time with 1,000 boxes beside the same canvas without."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from editor.qt.canvas import Canvas

    app = QApplication.instance() or QApplication([])
    frames = 24 if report.quick else 120
    medians = {}
    for with_boxes in (False, True):
        canvas = Canvas()
        canvas.resize(*VIEW)
        canvas.show()
        canvas.set_document(_document(with_boxes))
        canvas.wait_for_composite(60000)
        app.processEvents()
        _frame_times(canvas, 8)  # warm the pyramid levels and caches
        medians[with_boxes] = statistics.median(_frame_times(canvas, frames)) * 1000
        canvas.close()
    report.figure("editor", DATASET, "pan-zoom-1280x800", "frame-time", medians[True], "ms",
                  "no-boxes", medians[False])
