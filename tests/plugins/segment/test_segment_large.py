"""A photo above the full-resolution bound is cut out on a reduced copy, mask scaled up."""

from __future__ import annotations

import cv2
import numpy as np

from editor.tasks.api import Prompt, QuietContext, Request
from plugins.segment import task


def test_a_huge_photo_is_cut_out_at_a_working_size(monkeypatch) -> None:
    monkeypatch.setattr(task, "FULL_RES_PIXELS", 200 * 200)
    monkeypatch.setattr(task, "WORK_PIXELS", 120 * 90)
    h, w = 450, 600
    image = np.full((h, w, 4), 245, np.uint8)
    image[..., 3] = 255
    truth = np.zeros((h, w), np.uint8)
    cv2.ellipse(truth, (300, 225), (100, 150), 0, 0, 360, 255, -1)
    image[truth > 0, :3] = (150, 60, 40)
    box = Prompt("box", (180.0, 60.0, 420.0, 390.0))
    result = task.run(Request(image, {"method": "classical", "output": "both"},
                              prompts=[box]), QuietContext())
    mask, cutout = (layer.data for layer in result.layers)
    assert mask.shape == (h, w) and cutout.shape == (h, w, 4)
    assert result.report["working_size"] == [120, 90]
    assert "cut out at 120x90" in result.report["note"]
    inside, outside = truth > 0, truth == 0
    iou = ((mask >= 128) & inside).sum() / ((mask >= 128) | inside).sum()
    assert iou > 0.9
    # the cutout keeps the photo's own pixels where it is opaque
    solid = cutout[..., 3] == 255
    assert solid.any() and np.array_equal(cutout[solid, :3], image[solid, :3])
    assert (cutout[outside & (mask == 0), 3] == 0).all()
