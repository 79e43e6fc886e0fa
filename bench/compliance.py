"""Compliance checking: per-rule precision and recall on the generated test set, false
alarms of ``background_white`` on real white-background shots, and seconds per 2000x2000
photo.

Busy backdrops: the 41 products on white, cut out by their white backdrop and pasted whole
(60-80 % of the height, clear of the edges) on wood grain, woven fabric, a shelf photo
(GroceryStore train/) and a natural photo (BSDS); ``background_white`` must fail each (recall)
and stay quiet on the same paste on white, and no busy composite may be called cut off.
Printed text: the ``watermark`` and ``text_overlay`` rules on the real product shots (their
print is the product's, so every alarm is false), as shot and enlarged x4.

Baselines, measured in the same run: for precision and recall a rule that always fires
(precision = the share of cases breaking the rule, recall 1); for false alarms and the busy
backdrops the naive edge-band check of the research notes (the outer band must be 99 %
near-white, tolerance 10), which alarms whenever a product touches the frame, and for "cut
off" on them the backdrop flood alone (what the checks did before they used the cutout on a
busy backdrop); for printed
text an alarm on any text the detector finds; for speed the pixel rules without text
detection.
"""

from __future__ import annotations

from collections import Counter

import cv2
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
    _busy_backdrops(report)
    _printed_text(report)
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


BUSY_SIDE = 800
BUSY_KINDS = ("wood", "fabric", "shelf", "natural")


def _wood(rng: np.random.Generator, side: int) -> np.ndarray:
    x, y = np.arange(side)[None, :], np.arange(side)[:, None]
    wave = rng.uniform(20, 45)
    grain = np.sin(x / rng.uniform(2.5, 5) + rng.uniform(2, 6) * np.sin(y / wave)) * 0.5 + 0.5
    noise = cv2.GaussianBlur(rng.normal(0, 1, (side, side)).astype(np.float32), (0, 0), 2)
    t = np.clip(grain * 0.7 + noise * 0.3, 0, 1)[..., None]
    dark = rng.uniform((70, 40, 15), (120, 80, 45))
    light = rng.uniform((150, 105, 60), (215, 170, 120))
    return (dark + (light - dark) * t).astype(np.uint8)


def _fabric(rng: np.random.Generator, side: int) -> np.ndarray:
    x, y = np.arange(side)[None, :], np.arange(side)[:, None]
    period = rng.uniform(4, 9)
    weave = (np.sin(x * np.pi / period) * np.sin(y * np.pi / period)) * 0.5 + 0.5
    noise = cv2.GaussianBlur(rng.normal(0, 1, (side, side)).astype(np.float32), (0, 0), 1)
    t = np.clip(weave * 0.6 + noise * 0.25 + 0.2, 0, 1)[..., None]
    base = rng.uniform(40, 200, 3)
    return np.clip(base * (0.6 + 0.5 * t), 0, 255).astype(np.uint8)


def _photo(path, side: int) -> np.ndarray:
    rgb = np.ascontiguousarray(load_image(path).pixels[..., :3])
    h, w = rgb.shape[:2]
    crop = min(h, w)
    rgb = rgb[(h - crop) // 2:(h - crop) // 2 + crop, (w - crop) // 2:(w - crop) // 2 + crop]
    return cv2.resize(rgb, (side, side), interpolation=cv2.INTER_CUBIC)


def _paste(product: np.ndarray, alpha: np.ndarray, backdrop: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """The product whole on the backdrop, 60-80 % of its height, clear of every edge."""
    side = backdrop.shape[0]
    scale = min(rng.uniform(0.6, 0.8) * side / product.shape[0], 0.85 * side / product.shape[1])
    ph, pw = round(product.shape[0] * scale), round(product.shape[1] * scale)
    rgb = cv2.resize(product, (pw, ph), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    a = np.clip(cv2.resize(alpha, (pw, ph), interpolation=cv2.INTER_LINEAR), 0, 1)[..., None]
    y = int(rng.integers(side // 20, side - ph - side // 20 + 1))
    x = int(rng.integers(side // 20, side - pw - side // 20 + 1))
    out = backdrop.astype(np.float32)
    out[y:y + ph, x:x + pw] = rgb * a + out[y:y + ph, x:x + pw] * (1 - a)
    return np.dstack([np.clip(np.rint(out), 0, 255).astype(np.uint8),
                      np.full(out.shape[:2], 255, np.uint8)])


def _busy_backdrops(report: Report) -> None:
    products = report.folder("compliance busy backdrops", "products-on-white")
    shelves = report.folder("compliance busy backdrops", "groceries", "train")
    natural = report.folder("compliance busy backdrops", "restoration", "train-bsds400")
    if products is None or shelves is None or natural is None:
        return
    from plugins.background.harmonise_data import white_alpha

    rng = np.random.default_rng(23)
    shelf_photos = sorted(shelves.rglob("*.jpg"))
    natural_photos = sorted(natural.glob("*.jpg"))
    profile = load_profile("amazon-main")
    rules = {k: profile.rules[k] for k in ("background_white", "product_cropped")}
    rule_only = type(profile)(profile.name, profile.title, rules)
    facts = FileFacts("jpeg", 500_000)
    fired, naive, flooded = Counter(), Counter(), Counter()
    files = report.limit(sorted(p for p in products.iterdir()
                                if p.suffix.lower() in IMAGE_SUFFIXES))
    for path in files:
        rgb = np.ascontiguousarray(load_image(path).pixels[..., :3])
        alpha = white_alpha(rgb)
        ys, xs = np.nonzero(alpha > 0.5)
        box = slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1)
        product, alpha = rgb[box], alpha[box]
        backdrops = {
            "wood": _wood(rng, BUSY_SIDE), "fabric": _fabric(rng, BUSY_SIDE),
            "shelf": _photo(shelf_photos[int(rng.integers(len(shelf_photos)))], BUSY_SIDE),
            "natural": _photo(natural_photos[int(rng.integers(len(natural_photos)))], BUSY_SIDE),
            "white": np.full((BUSY_SIDE, BUSY_SIDE, 3), 255, np.uint8)}
        for kind, backdrop in backdrops.items():
            image = _paste(product, alpha, backdrop, rng)
            found = {v.rule for v in check(image, facts, rule_only,
                                           inspection=inspect(image, text=False))}
            for rule in found:
                fired[kind, rule] += 1
                if kind == "white" or rule == "product_cropped":
                    report.note(f"{rule} alarm on {path.stem} pasted on {kind}")
            naive[kind] += _edge_band_alarm(image[..., :3])
            flood = inspect(image, text=False, cutout=False)
            flooded[kind] += any(v.rule == "product_cropped" for v in
                                 check(image, facts, rule_only, inspection=flood))
    n = len(files)
    busy = n * len(BUSY_KINDS)
    for kind in BUSY_KINDS:
        report.figure("compliance", f"busy-{kind}", "background_white", "recall",
                      fired[kind, "background_white"] / n, "-", "edge-band-tol10",
                      naive[kind] / n)
    report.figure("compliance", "busy-all", "background_white", "recall",
                  sum(fired[k, "background_white"] for k in BUSY_KINDS) / busy, "-",
                  "edge-band-tol10", sum(naive[k] for k in BUSY_KINDS) / busy)
    for kind in BUSY_KINDS:
        report.figure("compliance", f"busy-{kind}", "product_cropped", "false-alarms",
                      100 * fired[kind, "product_cropped"] / n, "%", "backdrop-flood",
                      100 * flooded[kind] / n)
    report.figure("compliance", "busy-all", "product_cropped", "false-alarms",
                  100 * sum(fired[k, "product_cropped"] for k in BUSY_KINDS) / busy, "%",
                  "backdrop-flood", 100 * sum(flooded[k] for k in BUSY_KINDS) / busy)
    report.figure("compliance", "pasted-on-white", "background_white", "false-alarms",
                  100 * fired["white", "background_white"] / n, "%", "edge-band-tol10",
                  100 * naive["white"] / n)


def _printed_text(report: Report) -> None:
    folder = report.folder("compliance printed text", "products-on-white")
    if folder is None:
        return

    profile = load_profile("amazon-main")
    text_rules = type(profile)(profile.name, profile.title,
                               {k: profile.rules[k] for k in ("watermark", "text_overlay")})
    files = report.limit(sorted(p for p in folder.iterdir()
                                if p.suffix.lower() in IMAGE_SUFFIXES))
    for scale in (1, 4):
        ours = Counter()
        naive = 0
        for path in files:
            pixels = load_image(path).pixels
            if scale > 1:
                pixels = cv2.resize(pixels, None, fx=scale, fy=scale,
                                    interpolation=cv2.INTER_LANCZOS4)
            ins = inspect(pixels)
            found = {v.rule for v in check(pixels, read_facts(path), text_rules, inspection=ins)}
            ours.update(found)
            for rule in found:
                report.note(f"{rule} alarm on {path.name} x{scale}")
            naive += bool(ins.text)
        for rule in ("watermark", "text_overlay"):
            report.figure("compliance", f"products-on-white-x{scale}", rule, "false-alarms",
                          100 * ours[rule] / len(files), "%", "any-text-found",
                          100 * naive / len(files))


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
