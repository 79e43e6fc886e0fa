"""How good pre-labels are for an annotator: mAP, class-agnostic AP and the accept share.

mAP and AP come from :mod:`editor.training.metrics`; this module only turns detections into
the ``(image id, Box)`` pairs those functions take, and adds the one figure that is about
the annotator's work rather than ranking: the share of true boxes a pre-label already gets
right, so the annotator only presses accept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from editor.model.layers import Box
from editor.training.metrics import box_iou, mean_average_precision
from plugins.autolabel.model import Detection

#: detections kept per photo for the ranking metrics
MAX_PER_PHOTO = 100


def ranked(found: Mapping[Any, Sequence[Detection]], labels_per_box: int = 3
           ) -> list[tuple[Any, Box]]:
    """``(image id, Box)`` pairs for mAP: each detection once per probable class (up to
    ``labels_per_box``, scored objectness x class probability), as torchvision's detectors
    rank every (location, class) pair."""
    pairs: list[tuple[Any, Box]] = []
    for image_id, detections in found.items():
        for det in detections[:MAX_PER_PHOTO]:
            for rank in range(max(1, min(labels_per_box, len(det.classes)))):
                pairs.append((image_id, det.box(rank)))
    return pairs


def agnostic(found: Mapping[Any, Sequence[Detection]]) -> list[tuple[Any, Box]]:
    """``(image id, Box)`` pairs scored by objectness alone, for class-agnostic AP."""
    return [(image_id, Box(d.x0, d.y0, d.x1, d.y1, "product", d.objectness))
            for image_id, detections in found.items() for d in detections[:MAX_PER_PHOTO]]


def accept_share(found: Mapping[Any, Sequence[Detection]],
                 truth: Mapping[Any, Sequence[Box]], conf: float,
                 iou_threshold: float = 0.5) -> float:
    """Share of true boxes that a shown pre-label (confidence >= ``conf``) matches with the
    right class and IoU >= ``iou_threshold``: the boxes an annotator accepts unchanged.
    Each pre-label matches at most one true box, most confident first."""
    total = sum(len(boxes) for boxes in truth.values())
    if total == 0:
        return float("nan")
    hits = 0
    for image_id, boxes in truth.items():
        taken = [False] * len(boxes)
        shown = sorted((d for d in found.get(image_id, ()) if d.confidence >= conf),
                       key=lambda d: -d.confidence)
        for det in shown:
            best, best_iou = -1, iou_threshold
            for i, gt in enumerate(boxes):
                if taken[i] or gt.label != det.label:
                    continue
                overlap = box_iou((det.x0, det.y0, det.x1, det.y1), gt)
                if overlap >= best_iou:
                    best, best_iou = i, overlap
            if best >= 0:
                taken[best] = True
                hits += 1
    return hits / total


def scores(found: Mapping[Any, Sequence[Detection]], truth: Mapping[Any, Sequence[Box]],
           conf: float = 0.25) -> dict[str, float]:
    """``mAP50``, ``agnostic_AP50`` and ``accept_share`` of detections against true boxes,
    and ``mAP50_1label``: mAP with each box under its most probable class only (as shown)."""
    return {
        "mAP50": mean_average_precision(ranked(found), truth)["mAP"],
        "mAP50_1label": mean_average_precision(ranked(found, 1), truth)["mAP"],
        "agnostic_AP50": mean_average_precision(agnostic(found), truth,
                                                class_agnostic=True)["mAP"],
        "accept_share": accept_share(found, truth, conf),
    }
