"""Cutout quality and speed: the bundled model and the classical path of the ``segment``
plugin against textbook GrabCut (a rectangle 5 % in from each side), in one run.

Datasets, none of them seen in training (see ``plugins/segment/bundle.py``):

- ``studio``: held-out products-on-white shots pasted, with a contact shadow and a change
  of light, onto a grey studio sweep, a two-colour gradient and a wood/concrete texture
  (640x480, two draws per product and backdrop);
- ``sod-heldout``: the 30 salient-object photos held out of training.

Figures: IoU, MAE and max F-measure (beta^2 = 0.3) per backdrop and overall, seconds per
megapixel, and the time of a default cutout of a 2000x2000 photo.
"""

from __future__ import annotations

import numpy as np

from bench.common import BenchContext, PluginRun, Report, timed
from editor.model.imageio import load_image
from editor.samples import render_sample
from editor.tasks.api import Request
from editor.training.metrics import iou, mae, max_f_measure
from plugins.segment.bundle import bench_products, pairs_split, sod_pair, sod_split
from plugins.segment.classical import plain_grabcut
from plugins.segment.synth import cutout_from_white, studio_composite

BACKDROPS = ("grey", "gradient", "texture")
SIZE = (640, 480)
DRAWS = 2
GRABCUT = "grabcut-5%"
METRICS = (("iou", iou), ("mae", mae), ("maxF", max_f_measure))


def _params(method: str, model) -> dict:
    return {"output": "mask", "shadow": "drop", "edges": True, "method": method,
            "model": str(model) if model else None}


def _methods(report: Report) -> dict[str, object]:
    """name -> callable(rgba) -> mask, for what can run here."""
    from editor.training.store import bundled_model

    run: PluginRun | None = report.plugin_run("segment")
    found: dict[str, object] = {}
    if run is None:
        return found
    ctx = BenchContext()
    model = bundled_model("segment")
    if model is not None:
        found["segment"] = lambda im: run(Request(im, _params("model", model)),
                                          ctx).layers[0].data
        found["segment"](render_sample("can", (320, 240)).image)  # load it before timing
    else:
        report.skip("segment (model)", "no bundled model at resources/models/segment/")
    found["segment/classical"] = lambda im: run(Request(im, _params("classical", None)),
                                                ctx).layers[0].data
    return found


def _score(report: Report, methods: dict, dataset: str, groups: dict[str, list]) -> None:
    """Every method on every group of (rgba, truth) pairs, beside plain GrabCut."""
    totals: dict[str, dict[str, list[float]]] = {}
    seconds: dict[str, float] = {}
    megapixels = 0.0
    for setting, pairs in groups.items():
        scores: dict[str, dict[str, list[float]]] = {}
        for image, truth in pairs:
            megapixels += image.shape[0] * image.shape[1] / 1e6
            runs = {GRABCUT: lambda im=image: plain_grabcut(im[..., :3])}
            runs.update({name: (lambda im=image, f=fn: f(im)) for name, fn in methods.items()})
            for name, fn in runs.items():
                mask, t = timed(fn)
                seconds[name] = seconds.get(name, 0.0) + t
                for metric, measure in METRICS:
                    value = measure(mask, truth)
                    scores.setdefault(name, {}).setdefault(metric, []).append(value)
                    totals.setdefault(name, {}).setdefault(metric, []).append(value)
        _lines(report, dataset, setting, scores)
    if len(groups) > 1:
        _lines(report, dataset, "overall", totals)
    for name in methods:
        report.speed(name, dataset, "all", seconds[name], megapixels, GRABCUT, seconds[GRABCUT])


def _lines(report: Report, dataset: str, setting: str, scores: dict) -> None:
    for name in scores:
        if name == GRABCUT:
            continue
        for metric, _ in METRICS:
            report.figure(name, dataset, setting, metric, float(np.mean(scores[name][metric])),
                          "-", GRABCUT, float(np.mean(scores[GRABCUT][metric])))


def studio_set(report: Report) -> dict[str, list]:
    items = [c for f in bench_products(report.data)
             if (c := cutout_from_white(load_image(f).pixels[..., :3], f.stem))]
    items = report.limit(items)
    groups: dict[str, list] = {}
    for backdrop in BACKDROPS:
        pairs = []
        for item in items:
            for draw in range(1 if report.quick else DRAWS):
                rgb, mask = studio_composite(item, backdrop, *SIZE, seed=draw)
                pairs.append((np.dstack([rgb, np.full(mask.shape, 255, np.uint8)]), mask))
        groups[backdrop] = pairs
    return groups


def run(report: Report) -> None:
    if report.folder("segment studio", "products-on-white") is None:
        return
    methods = _methods(report)
    report.note(f"segment: {', '.join(methods) or 'no plugin'} against {GRABCUT}")
    _score(report, methods, "studio", studio_set(report))
    if report.folder("segment sod", "segmentation", "sod-dev") is not None:
        _, _, held = sod_split(report.data)
        pairs = []
        for path in report.limit(held):
            rgb, mask = sod_pair(path)
            pairs.append((np.dstack([rgb, np.full(mask.shape, 255, np.uint8)]), mask))
        _score(report, methods, "sod-heldout", {"all": pairs})
    duts = report.data / "segmentation" / "duts-tr"
    if report.folder("segment duts", "segmentation", "duts-tr") is not None:
        _, _, held = pairs_split(duts)
        pairs = []
        for path in report.limit(held):
            rgb, mask = sod_pair(path)
            pairs.append((np.dstack([rgb, np.full(mask.shape, 255, np.uint8)]), mask))
        _score(report, methods, "duts-heldout", {"all": pairs})
    if "segment" in methods or "segment/classical" in methods:
        big = render_sample("jar", (2000, 2000), background="sweep", seed=7).image
        name = "segment" if "segment" in methods else "segment/classical"
        run_plugin = report.plugin_run("segment")
        ctx = BenchContext()
        from editor.training.store import bundled_model

        params = _params("model" if name == "segment" else "classical", bundled_model("segment"))
        params["output"] = "both"
        run_plugin(Request(big, params), ctx)  # load the model once, outside the timing
        _, t = timed(lambda: run_plugin(Request(big, params), ctx), repeat=2)
        _, tg = timed(lambda: plain_grabcut(big[..., :3]))
        report.figure(name, "sample-2000x2000", "output=both", "time", t, "s", GRABCUT, tg)
