"""Pre-label a photo with boxes: the plugin's ``run``.

The result is one box layer. Each box carries its class and its confidence (objectness x
class probability for a trained detector; the saliency contrast for proposals). The report
gives the photo's size (the YOLO writer needs it), how many boxes are below the review
threshold, and the photo's uncertainty for active learning (see :mod:`.active`).
"""

from __future__ import annotations

from editor.model.layers import Box
from editor.tasks.api import Context, OutputLayer, PluginError, Request, Result
from editor.training.backbones import WeightsUnavailable
from editor.training.store import ModelError, model_for
from plugins.autolabel.active import uncertainty
from plugins.autolabel.model import PLUGIN_ID, load_detector
from plugins.autolabel.proposals import propose

LAYER_NAME = "Auto-labels"


#: a box overlapping a more confident one this much (IoU) is the same product again
DUPLICATE_IOU = 0.5
#: a box lying this much (share of its own area) inside a more confident box of the same
#: class is a part of that product, not another one
INSIDE_SHARE = 0.85


def suppress_duplicates(boxes: list[Box]) -> list[Box]:
    """``boxes`` (most confident first) without the overlapping duplicates an annotator
    would have to reject one by one: one box per product, the most confident."""
    kept: list[Box] = []
    for box in boxes:
        if all(_distinct(box, k) for k in kept):
            kept.append(box)
    return kept


def _distinct(box: Box, other: Box) -> bool:
    """True when ``box`` may stay beside the more confident ``other``."""
    w = min(box.x1, other.x1) - max(box.x0, other.x0)
    h = min(box.y1, other.y1) - max(box.y0, other.y0)
    if w <= 0 or h <= 0:
        return True
    inter = w * h
    area, area_other = box.width * box.height, other.width * other.height
    if inter / (area + area_other - inter) >= DUPLICATE_IOU:
        return False
    return not (box.label == other.label and inter / max(area, 1e-9) >= INSIDE_SHARE)


def run(request: Request, ctx: Context) -> Result:
    params = request.params
    conf = float(params.get("conf", 0.25))
    review = float(params.get("review", 0.5))
    limit = int(params.get("max_boxes", 50))
    method = params.get("method", "auto")
    path = model_for(PLUGIN_ID, params.get("model")) if method != "proposals" else None
    if method == "detector" and path is None:
        raise PluginError("no detector: train one on a labelled folder (Tools → Train…, or "
                          "`lightbox train autolabel DIR -o MODEL.pt`), or use method=proposals")
    h, w = request.image.shape[:2]
    report: dict = {"image_size": (w, h)}
    if path is None:
        ctx.progress(0.2, "Finding products by saliency")
        boxes = suppress_duplicates([b for b in propose(request.image, limit)
                                     if b.score >= conf])
        report.update(method="proposals", model=None)
    else:
        ctx.progress(0.1, "Loading the detector")
        try:
            detector = load_detector(path, ctx.device if ctx.device in ("cpu", "cuda") else "cpu")
        except (ModelError, WeightsUnavailable) as exc:
            raise PluginError(str(exc)) from None
        ctx.progress(0.3, "Detecting products")
        found = detector.detect([request.image])[0]
        ctx.check_cancelled()
        report.update(method="detector", model=str(path), uncertainty=round(uncertainty(found), 4),
                      classes=list(detector.classes))  # OUT/classes.txt follows this order
        shown = sorted((d for d in found if d.confidence >= conf), key=lambda d: -d.confidence)
        boxes = [Box(d.x0, d.y0, d.x1, d.y1, d.label, round(d.confidence, 4))
                 for d in shown]
        boxes = suppress_duplicates(boxes)[:limit]
    report.update(boxes=len(boxes), review=sum(1 for b in boxes if b.score < review),
                  conf=conf, review_below=review)
    ctx.progress(1.0, "Done")
    return Result(layers=[OutputLayer("boxes", LAYER_NAME, boxes, role="labels")],
                  report=report)
