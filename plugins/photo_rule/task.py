"""Score a photo with a learned rule: the plugin's ``run``.

The answer is a report, ``{"label": "ok" | "reject", "score": <reject score 0..1>,
"threshold": ..., "model": ...}``; no layers are produced, because a verdict is not an
edit of the document.
"""

from __future__ import annotations

from editor.tasks.api import Context, PluginError, Request, Result
from editor.training.backbones import WeightsUnavailable
from editor.training.store import ModelError, ModelStore
from plugins.photo_rule.model import OK, PLUGIN_ID, REJECT, load_rule


def run(request: Request, ctx: Context) -> Result:
    path = request.params.get("model") or ModelStore().active(PLUGIN_ID)
    if not path:
        raise PluginError("no rule model: train one on a folder with ok/ and reject/ "
                          "subfolders (Tools → Train…, or `lightbox train photo_rule DIR`)")
    ctx.progress(0.1, "Loading the rule")
    try:
        rule = load_rule(path, ctx.device if ctx.device in ("cpu", "cuda") else "cpu")
    except (ModelError, WeightsUnavailable) as exc:
        raise PluginError(str(exc)) from None
    ctx.progress(0.4, "Scoring the photo")
    score = rule.score(request.image)
    threshold = float(request.params.get("threshold", 0.5))
    ctx.progress(1.0, "Done")
    return Result(layers=[], report={"label": REJECT if score >= threshold else OK,
                                     "score": round(score, 4), "threshold": threshold,
                                     "model": str(path)})
