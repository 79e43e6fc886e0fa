"""Listing variants: colourways and crop sets on product shots on white, and the backdrop
generator's quality.

Colourways. Products: ``products-on-white/`` except ``Juice__Tropicana-Apple-Juice``, the
one shot the colourway code was looked at while it was written (the rest are held out).
The product mask is everything that is not the white backdrop (near-white pixels joined to
the photo's border), so a white label inside the product is product. Each product goes to
each of :data:`TARGETS`; a product with no main colour (white, grey) is counted and left
out. Measured on the original photo's pixels:

- *hue error*: per product and target, the median hue distance to the target of the
  *coloured parts* (product pixels of chroma >= 20 within 30 degrees of the main hue);
  the figure is the median over products and targets (target <= 10 degrees);
- *neutral dE*: mean CIE76 change of the *neutral parts* (product pixels of chroma < 5:
  white or black print, labels) (target <= 4);
- *SSIM of L*: SSIM of the lightness channel (0..100) on the product's bounding box
  (target >= 0.90);
- *backdrop kept*: share of backdrop pixels that come out bit-identical (target >= 0.99).

Baseline, same products, targets and main colour: every product pixel's hue rotated by
the main colour's hue change (the naive recolour).

Crops. Every product in ratios 1:1, 4:5, 16:9, 3:4 at 1600 px and fill 0.85: the share of
(product, ratio) pairs that are exact to the pixel, have the product whole (its box inside
the frame, its area kept within 3 %) and fill 0.80..0.90, beside the centre crop (the
largest centred crop of the ratio, resized).

Generator. The model in ``$LIGHTBOX_VARIANTS_BENCH_MODEL``, else the one made active for
``variants``; its card names the folder and split it was trained on. 32 outputs (seed 0)
against the held-out photos' centre crops, KID on EfficientNet-Lite0 features
(:mod:`plugins.variants.quality`), beside random crops of the training photos (the
ceiling) and colour-matched smooth noise fields (the floor); distinctness (smallest
feature distance between two outputs) beside the held-out photos' own; near-copies (each
output's distance to its nearest training crop, 5 crops per training photo, smallest over
outputs) beside the same for held-out photos (which are not copies); ``--quick`` takes 1
crop per training photo.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from bench.common import Report
from editor.imaging import colour as cs
from editor.imaging import framing
from editor.model.imageio import load_image
from editor.tasks.api import PluginError
from editor.training.metrics import ssim
from plugins.variants import colourway as cw

TARGETS = ("#1565c0", "#2e7d32", "#c62828", "#f9a825")
SEEN = "Juice__Tropicana-Apple-Juice"
RATIOS = ("1:1", "4:5", "16:9", "3:4")
CROP_SIZE, CROP_FILL = 1600, 0.85
COLOURED_CHROMA, COLOURED_HUE, NEUTRAL_CHROMA = 20.0, 30.0, 8.0
GEN_SAMPLES = 32


def white_backdrop_mask(rgb: np.ndarray) -> np.ndarray:
    """The product of a shot on white: 255 except near-white pixels joined to the border."""
    near_white = (rgb.min(axis=2) >= 230) & (np.ptp(rgb, axis=2) <= 18)
    count, labels = cv2.connectedComponents(near_white.astype(np.uint8), connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    backdrop = np.isin(labels, border[border > 0]) & near_white
    return np.where(backdrop, 0, 255).astype(np.uint8)


def run(report: Report) -> None:
    root = report.folder("variants", "products-on-white")
    if root is not None:
        shots = sorted(root.glob("*.jpg"))
        _colourways(report, report.limit([p for p in shots if p.stem != SEEN]))
        _crops(report, report.limit(shots))
    _generator(report)


# -- colourways ----------------------------------------------------------------------------

def _colourways(report: Report, shots: list[Path]) -> None:
    scores: dict[str, dict[str, list[float]]] = {"variants": {}, "naive-hue": {}}
    neutral = 0
    for path in shots:
        rgba = load_image(path).pixels
        mask = white_backdrop_mask(rgba[..., :3])
        lab = cs.srgb_to_lab(cs.to_float(rgba[..., :3]))
        try:
            main = cw.find_main_colour(lab, mask >= 128)
        except PluginError:
            neutral += 1
            continue
        for target in TARGETS:
            goal = cw.hex_to_lab(target)
            outputs = {"variants": cw.recolour(rgba, mask, goal, main),
                       "naive-hue": cw.naive_hue_rotation(rgba, mask, goal, main)}
            for name, out in outputs.items():
                for key, value in _colour_scores(rgba, out, lab, mask, main, goal).items():
                    scores[name].setdefault(key, []).append(value)
    report.note(f"colourways: {len(shots) - neutral} held-out products x {len(TARGETS)} "
                f"targets ({neutral} neutral products have no main colour and are left out)")
    if neutral == len(shots):
        return
    ours, base = scores["variants"], scores["naive-hue"]
    rows = (("hue-error", "deg", np.median), ("neutral-de", "dE", np.nanmean),
            ("ssim-L", "-", np.mean), ("backdrop-kept", "-", np.mean))
    for key, unit, reduce in rows:
        report.figure("variants", "products-on-white", "colourway", key,
                      float(reduce(ours[key])), unit, "naive-hue", float(reduce(base[key])))
    if not report.quick:
        hue, de = float(np.median(ours["hue-error"])), float(np.nanmean(ours["neutral-de"]))
        ss, kept = float(np.mean(ours["ssim-L"])), float(np.mean(ours["backdrop-kept"]))
        report.note(f"targets: hue error <= 10 deg: {hue:.1f} ({_met(hue <= 10)}); neutral "
                    f"dE <= 4: {de:.2f} ({_met(de <= 4)}); SSIM of L >= 0.90: {ss:.3f} "
                    f"({_met(ss >= 0.9)}); backdrop kept >= 0.99: {kept:.4f} "
                    f"({_met(kept >= 0.99)})")


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _colour_scores(before: np.ndarray, after: np.ndarray, lab: np.ndarray, mask: np.ndarray,
                   main: cw.MainColour, goal: np.ndarray) -> dict[str, float]:
    lch = cs.lab_to_lch(lab)
    new_lab = cs.srgb_to_lab(cs.to_float(after[..., :3]))
    new_lch = cs.lab_to_lch(new_lab)
    product = mask >= 128
    coloured = product & (lch[..., 1] >= COLOURED_CHROMA) & (
        cs.hue_difference(lch[..., 2], main.lch[2]) <= COLOURED_HUE)
    neutral = product & (lch[..., 1] < NEUTRAL_CHROMA)
    goal_hue = cs.lab_to_lch(goal)[2]
    x0, y0, x1, y1 = framing.product_box(mask)  # type: ignore[misc]
    return {
        "hue-error": float(np.median(cs.hue_difference(new_lch[coloured, 2], goal_hue)))
        if coloured.any() else float("nan"),
        "neutral-de": float(cs.delta_e76(lab[neutral], new_lab[neutral]).mean())
        if neutral.any() else float("nan"),
        "ssim-L": ssim(lab[y0:y1, x0:x1, 0], new_lab[y0:y1, x0:x1, 0], peak=100.0),
        "backdrop-kept": float((before[~product] == after[~product]).all(axis=1).mean()),
    }


# -- crops ---------------------------------------------------------------------------------

def _crops(report: Report, shots: list[Path]) -> None:
    ok = {"variants": 0, "centre-crop": 0}
    fills: list[float] = []
    total = 0
    for path in shots:
        rgba = load_image(path).pixels
        mask = white_backdrop_mask(rgba[..., :3])
        area = float((mask >= 128).sum())
        for text in RATIOS:
            ratio = framing.parse_ratio(text)
            total += 1
            framed = framing.frame(rgba, mask, ratio, CROP_SIZE, CROP_FILL)
            fills.append(framed.fill)
            kept = (framed.mask >= 128).sum() / (area * framed.scale ** 2)
            ok["variants"] += _good(framed.mask, ratio, framed.fill, kept)
            centre, centre_kept = _centre_crop(mask, ratio)
            box = framing.product_box(centre)
            fill = 0.0 if box is None else max((box[2] - box[0]) / centre.shape[1],
                                               (box[3] - box[1]) / centre.shape[0])
            ok["centre-crop"] += _good(centre, ratio, fill, centre_kept)
    report.note(f"crops: {len(shots)} products x {len(RATIOS)} ratios = {total} crops at "
                f"{CROP_SIZE} px, fill {CROP_FILL}; fill measured {min(fills):.3f}.."
                f"{max(fills):.3f}; {ok['variants']} of {total} exact, whole and in 0.80..0.90")
    report.figure("variants", "products-on-white", "crops", "crops-ok",
                  ok["variants"] / total, "-", "centre-crop", ok["centre-crop"] / total)


def _good(mask: np.ndarray, ratio: tuple[int, int], fill: float, kept: float) -> bool:
    h, w = mask.shape
    box = framing.product_box(mask)
    if box is None or w * ratio[1] != h * ratio[0]:
        return False
    inside = box[0] > 0 and box[1] > 0 and box[2] < w and box[3] < h
    return inside and abs(kept - 1) <= 0.03 and 0.80 <= fill <= 0.90


def _centre_crop(mask: np.ndarray, ratio: tuple[int, int]) -> tuple[np.ndarray, float]:
    """The largest centred crop of ``ratio``, resized to the frame; and the share of the
    product's area it kept."""
    h, w = mask.shape
    cw_, ch = (w, w * ratio[1] / ratio[0]) if w * ratio[1] / ratio[0] <= h else (
        h * ratio[0] / ratio[1], h)
    x0, y0 = int((w - cw_) / 2), int((h - ch) / 2)
    crop = mask[y0:y0 + int(ch), x0:x0 + int(cw_)]
    out_w, out_h = framing.frame_size(ratio, CROP_SIZE)
    kept = (crop >= 128).sum() / max(1, (mask >= 128).sum())
    return cv2.resize(crop, (out_w, out_h), interpolation=cv2.INTER_NEAREST), float(kept)


# -- generator -----------------------------------------------------------------------------

def _generator(report: Report) -> None:
    from editor.training.datasets import scan
    from editor.training.store import ModelError, load_model, model_for

    chosen = os.environ.get("LIGHTBOX_VARIANTS_BENCH_MODEL")
    path = model_for("variants", chosen)
    if path is None:
        report.skip("variants generator", "no trained backdrop generator (train one with "
                    "`lightbox train variants FOLDER -o gen.pt`, then set "
                    "LIGHTBOX_VARIANTS_BENCH_MODEL=gen.pt)")
        return
    try:
        state, card = load_model(path, "variants")
    except ModelError as exc:
        report.skip("variants generator", f"{path}: {exc}")
        return
    folder = Path(card.data.get("folder", ""))
    if not folder.is_dir():
        report.skip("variants generator", f"its training folder {folder} is not here")
        return
    from plugins.variants import quality
    from plugins.variants.generator import load_generator, sample
    from plugins.variants.train import centre_crop, random_crops, scene_image

    train, val = scan(folder, "images").split(card.params.get("val_fraction", 0.1),
                                              card.params.get("seed", 0))
    held = [centre_crop(scene_image(s.image)) for s in val]
    photos = [scene_image(s.image) for s in train]
    rng = np.random.default_rng(0)
    made = sample(load_generator(state), GEN_SAMPLES, seed=0)
    ceiling = random_crops(photos, GEN_SAMPLES, rng)
    floor = quality.smooth_noise_fields(photos, GEN_SAMPLES, made.shape[1])
    per_photo = 1 if report.quick else 5  # the reference crops cost most of the run
    reference = random_crops(photos, per_photo * len(photos), rng)
    f_held, f_made = quality.features(held), quality.features(list(made))
    f_ceiling, f_floor = quality.features(list(ceiling)), quality.features(list(floor))
    f_train = quality.features(list(reference))
    report.note(f"generator {path.name}: {card.architecture}, {card.parameters:,} parameters, "
                f"{card.seconds / 60:.1f} min on {card.device}, {len(train)} training / "
                f"{len(held)} held-out photos of {folder}")
    setting = f"{GEN_SAMPLES}-outputs"
    kid = quality.kid(f_made, f_held)
    report.figure("variants", folder.name, setting, "kid", kid, "-", "random-crops-ceiling",
                  quality.kid(f_ceiling, f_held))
    report.figure("variants", folder.name, setting, "kid", kid, "-", "noise-field-floor",
                  quality.kid(f_floor, f_held))
    report.figure("variants", folder.name, setting, "min-pairwise-distance",
                  quality.min_pairwise(f_made), "-", "held-out-photos",
                  quality.min_pairwise(f_held))
    report.figure("variants", folder.name, setting, "min-distance-to-training",
                  float(quality.nearest(f_made, f_train).min()), "-", "held-out-photos",
                  float(quality.nearest(f_held, f_train).min()))
