"""Without any trained model, saliency proposals already box a product on a backdrop."""

from __future__ import annotations

import numpy as np
import pytest

from editor.samples import KINDS, render_sample
from editor.tasks.api import RecordingContext
from editor.training.metrics import box_iou
from plugins.autolabel.proposals import propose


def _truth(mask: np.ndarray) -> tuple[float, float, float, float]:
    ys, xs = np.nonzero(mask > 127)
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def test_proposals_box_a_product_on_white_and_on_a_gradient():
    for i, background in enumerate(("white", "gradient")):
        sample = render_sample(KINDS[i % len(KINDS)], (320, 240), background=background, seed=i)
        boxes = propose(sample.image)
        assert boxes, background
        assert all(b.label == "product" and 0 < b.score <= 1 for b in boxes)
        best = max(box_iou(b, _truth(sample.mask)) for b in boxes[:3])
        assert best >= 0.7, background


def test_a_flat_photo_gets_no_proposals():
    assert propose(np.full((50, 60, 4), 200, np.uint8)) == []


def test_run_without_a_model_gives_product_proposals(monkeypatch, tmp_path):
    import editor.training.store as store
    from editor.tasks.api import Request
    from plugins.autolabel.task import run

    monkeypatch.setattr(store, "BUNDLED", tmp_path)  # as if Lightbox shipped no detector

    sample = render_sample(KINDS[0], (200, 160), background="white", seed=3)
    result = run(Request(sample.image, {"conf": 0.1, "review": 0.5, "max_boxes": 5,
                                        "method": "auto"}), RecordingContext())
    assert result.report["method"] == "proposals"
    assert result.report["image_size"] == (200, 160)
    boxes = result.layers[0].data
    assert boxes and all(b.label == "product" for b in boxes)


def test_asking_for_the_detector_without_one_says_what_to_train(monkeypatch, tmp_path):
    import editor.training.store as store
    from editor.tasks.api import PluginError, Request
    from plugins.autolabel.task import run

    monkeypatch.setattr(store, "BUNDLED", tmp_path)
    with pytest.raises(PluginError, match="lightbox train autolabel"):
        run(Request(np.full((20, 20, 4), 255, np.uint8), {"method": "detector"}),
            RecordingContext())
