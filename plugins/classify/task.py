"""Tag a photo with its product class: the ``classify`` plugin's ``run``.

The report gives the label (the class folder's name), its class path, the score, the
coarser group (the parent folder), the top five, and ``review``: true when the score is
below the review threshold, so a person looks at it before the tag is trusted. A ``csv``
entry gives ``lightbox run`` the row of the run's ``predictions.csv``.
"""

from __future__ import annotations

from editor.model.imageio import flatten
from editor.tasks.api import Context, PluginError, Request, Result
from editor.training.backbones import WeightsUnavailable
from editor.training.store import ModelError, model_for
from plugins.classify.model import PLUGIN_ID, cached_classifier

CSV_FILE = "predictions.csv"


def run(request: Request, ctx: Context) -> Result:
    params = request.params
    review = float(params.get("review", 0.5))
    path = model_for(PLUGIN_ID, params.get("model"))
    if path is None:
        raise PluginError("no classifier: train one on class folders (Tools → Train…, or "
                          "`lightbox train classify DIR -o MODEL.pt`)")
    ctx.progress(0.1, "Loading the classifier")
    try:
        classifier = cached_classifier(path)
        device = ctx.device if ctx.device in ("cpu", "cuda") else "cpu"
        ctx.progress(0.4, "Classifying")
        probs = classifier.classify([flatten(request.image, (255, 255, 255))], device)
    except (ModelError, WeightsUnavailable, OSError) as exc:
        raise PluginError(str(exc)) from None
    report = classifier.describe(probs[0])
    report.update(review=report["score"] < review, review_below=review, model=str(path))
    top5 = ";".join(f"{t['label']}:{t['score']:.3f}" for t in report["top5"])
    report["csv"] = {"file": CSV_FILE, "row": {"label": report["label"],
                                               "score": report["score"],
                                               "coarse": report["coarse"], "top5": top5}}
    ctx.progress(1.0, "Done")
    return Result(report=report)
