"""Compliance checking: per-rule precision and recall on the generated test set, false
alarms of ``background_white`` on real white-background shots, and seconds per 2000x2000
photo.

Baselines, measured in the same run: for precision and recall a rule that always fires
(precision = the share of cases breaking the rule, recall 1); for false alarms the naive
edge-band check of the research notes (the outer band must be 99 % near-white, tolerance
10), which alarms whenever a product touches the frame; for speed the pixel rules without
text detection.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from bench.common import Report, timed
from editor.model.imageio import IMAGE_SUFFIXES, decode_image, load_image
from plugins.compliance import synth
from plugins.compliance.checks import RULES, check, inspect
from plugins.compliance.facts import FileFacts, facts_from_bytes, read_facts
from plugins.compliance.profiles import load_profile

QUICK_SIZES = (640,)
SPEED_PHOTOS = 3


def run(report: Report) -> None:
    """Print the precision/recall, false-alarm and speed figures."""
    _precision_recall(report)
    _false_alarms(report)
    _speed(report)


def _precision_recall(report: Report) -> None:
    profile = synth.synthetic_profile()
    sizes = QUICK_SIZES if report.quick else synth.SIZES
    hits, alarms, misses, positives = Counter(), Counter(), Counter(), Counter()
    total = 0
    for case in synth.cases(sizes):
        pixels = decode_image(case.data, f"{case.name}{case.suffix}").pixels
        fired = {v.rule for v in check(pixels, facts_from_bytes(case.data), profile)}
        total += 1
        positives.update(case.expected)
        hits.update(fired & case.expected)
        alarms.update(fired - case.expected)
        misses.update(case.expected - fired)
    report.note(f"compliance: {total} synthetic cases at sizes {', '.join(map(str, sizes))}")
    for rule in RULES:
        if not positives[rule]:
            continue
        precision = hits[rule] / max(1, hits[rule] + alarms[rule])
        recall = hits[rule] / positives[rule]
        report.figure("compliance", "synthetic", rule, "precision", precision, "-",
                      "always-fire", positives[rule] / total)
        report.figure("compliance", "synthetic", rule, "recall", recall, "-",
                      "always-fire", 1.0)


def _edge_band_alarm(rgb: np.ndarray) -> bool:
    h, w = rgb.shape[:2]
    band = max(4, int(0.01 * min(h, w)))
    edge = np.concatenate([rgb[:band].reshape(-1, 3), rgb[-band:].reshape(-1, 3),
                           rgb[:, :band].reshape(-1, 3), rgb[:, -band:].reshape(-1, 3)])
    return float((edge.min(axis=1) >= 245).mean()) < 0.99


def _false_alarms(report: Report) -> None:
    folder = report.folder("compliance products-on-white", "products-on-white")
    if folder is None:
        return
    files = report.limit(sorted(p for p in folder.iterdir()
                                if p.suffix.lower() in IMAGE_SUFFIXES))
    if not files:
        report.skip("compliance products-on-white", f"no images in {folder}")
        return
    rule_only = load_profile("amazon-main")
    rule_only = type(rule_only)(rule_only.name, rule_only.title,
                                {"background_white": rule_only.rules["background_white"]})
    ours = naive = 0
    for path in files:
        pixels = load_image(path).pixels
        if check(pixels, read_facts(path), rule_only):
            ours += 1
            report.note(f"background_white alarm on {path.name}")
        naive += _edge_band_alarm(pixels[..., :3])
    report.figure("compliance", "products-on-white", "background_white", "false-alarms",
                  100 * ours / len(files), "%", "edge-band-tol10", 100 * naive / len(files))


def _speed(report: Report) -> None:
    profile = load_profile("amazon-main")
    facts = FileFacts("jpeg", 500_000)
    photos = [synth.make_case(("text",), 2000, seed, kind).data
              for seed, kind in enumerate(synth.KINDS[:1 if report.quick else SPEED_PHOTOS])]
    images = [decode_image(d, "speed.jpg").pixels for d in photos]
    check(images[0], facts, profile)  # warm up: load the text detector once
    ours = base = 0.0
    for image in images:
        _, t = timed(lambda i=image: check(i, facts, profile), repeat=2)
        ours += t
        no_text = {k: v for k, v in profile.rules.items() if k not in ("text_overlay", "watermark")}
        lite = type(profile)(profile.name, profile.title, no_text)
        _, t = timed(lambda i=image, p=lite: check(i, facts, p, inspection=inspect(i, text=False)),
                     repeat=2)
        base += t
    report.figure("compliance", "synthetic-2000x2000", "amazon-main", "time",
                  ours / len(images), "s", "pixel-rules-no-text", base / len(images))
