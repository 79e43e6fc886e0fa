"""The background plugin's learned parts: harmonisation and the two-folder restyle.

**Harmonisation** on held-out composites built the iHarmony4 way (see
:mod:`plugins.background.harmonise_data`): the held-out salient-object photos with their
object's colour changed at random (``sod-heldout``), and held-out products pasted on
held-out BSDS backdrops, then recoloured (``products-heldout``); training never saw any of
these photos, products or backdrops. For each: MSE, fMSE (MSE over the object) and PSNR of
the bundled harmoniser (``background/harmonise``) against the no-op (the composite itself)
and Reinhard colour transfer (the object's Lab mean and spread matched to the backdrop's),
plus the share of composites where the harmoniser is worse than the no-op, how many it
left as they were (its confidence gate, :data:`plugins.background.harmonise.MIN_CHANGE`),
and its speed in seconds per megapixel on a 2000 x 1500 composite.

**Two-folder restyle**: BSDS400 split in halves by a hash of the name; ``a/`` holds photos
of one half, ``b/`` photos of the other half under a fixed colour grade (:func:`grade`:
teal shadows, warm highlights, more saturation). A restyle is trained on the two folders
with the plugin's own training task (the time is printed), then applied to held-out photos
of the first half and scored against their graded truth (PSNR, mean CIE76 dE) next to
identity and pooled per-channel histogram matching from a/ to b/.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from bench.common import Report, timed
from editor.imaging.colour import delta_e76, srgb_to_lab
from editor.model.imageio import load_image, save_image
from editor.tasks.manifest import load_manifest
from editor.training.datasets import scan
from editor.training.metrics import psnr
from editor.training.trainer import Trainer, merge_params

#: photos in each training folder / held out for scoring (``--quick``: fewer, see below)
RESTYLE_TRAIN, RESTYLE_TEST = 100, 30
QUICK_TRAIN, QUICK_TEST, QUICK_EPOCHS = 24, 6, 6
#: composites of held-out products on held-out backdrops
PRODUCT_CASES = 36


# -- shared helpers -----------------------------------------------------------------------
def mean_de(a: np.ndarray, b: np.ndarray) -> float:
    """Mean CIE76 dE between two uint8 RGB images."""
    return float(delta_e76(srgb_to_lab(a / 255.0), srgb_to_lab(b / 255.0)).mean())


def masked_mse(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    """MSE (0..255 levels) over the pixels where ``mask`` (0..1) is at least 0.5, or all."""
    err = ((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean(axis=2)
    return float(err.mean() if mask is None else err[mask >= 0.5].mean())


# -- harmonisation ------------------------------------------------------------------------
def reinhard(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Reinhard colour transfer: the object's Lab mean and standard deviation set to the
    backdrop's, blended in by the mask."""
    from editor.imaging.colour import lab_to_srgb, to_uint8

    lab = srgb_to_lab(rgb / 255.0)
    fg, bg = mask >= 0.5, mask < 0.5
    mu_f, sd_f = lab[fg].mean(0), lab[fg].std(0) + 1e-6
    mu_b, sd_b = lab[bg].mean(0), lab[bg].std(0) + 1e-6
    moved = to_uint8(lab_to_srgb((lab - mu_f) / sd_f * sd_b + mu_b))
    a = mask[..., None]
    return np.clip(np.rint(moved * a + rgb * (1 - a)), 0, 255).astype(np.uint8)


def harmonisation_cases(report: Report):
    """(dataset name, [(composite, target, mask)]) for the two held-out sets."""
    from plugins.background import harmonise_data as hd

    parts = hd.split(report.data)
    rng = np.random.default_rng(2026)
    sod = [hd.harmonisation_case(src, rng)
           for src in hd.load_sod(report.limit(parts["sod_bench"]), report.data)]
    products = hd.load_products(parts["products_bench"], report.data)
    backdrops = hd.load_backdrops(parts["backdrops_bench"], report.data)
    pasted = [hd.paste(products[i % len(products)], backdrops[i % len(backdrops)], rng)
              for i in range(PRODUCT_CASES)]
    made = [hd.harmonisation_case(src, rng) for src in report.limit(pasted)]
    return [("sod-heldout", sod), ("products-heldout", made)]


def bench_harmonise(report: Report, model: str | None = None) -> None:
    """The harmonisation lines; ``model`` None is the bundled harmoniser."""
    from editor.tasks.api import PluginError
    from plugins.background.harmonise import MIN_CHANGE, harmonise, load_harmoniser

    if report.folder("background/harmonise", "segmentation", "sod-dev") is None:
        return
    try:
        load_harmoniser(model)
    except PluginError as exc:
        report.skip("background/harmonise", str(exc))
        return
    every: list[tuple[float, float, float]] = []
    untouched = 0
    # the plugin's default strength, for the note: what a user who never moves the slider gets
    manifest = load_manifest(Path(__file__).parents[1] / "plugins" / "background" / "plugin.toml")
    strength = float(manifest.defaults()["harmonise_strength"])
    at_default: list[tuple[str, float, float]] = []
    for name, cases in harmonisation_cases(report):
        scores: dict[str, list[tuple[float, float, float]]] = {"ours": [], "noop": [],
                                                               "reinhard": []}
        for comp, target, mask in cases:
            alpha = np.clip(np.rint(mask * 255), 0, 255).astype(np.uint8)
            outs = {"ours": harmonise(comp, alpha, 1.0, "cpu", model), "noop": comp,
                    "reinhard": reinhard(comp, mask)}
            untouched += bool(np.array_equal(outs["ours"], comp))
            at_default.append((name, masked_mse(harmonise(comp, alpha, strength, "cpu", model),
                                                target, mask), masked_mse(comp, target, mask)))
            for key, out in outs.items():
                scores[key].append((masked_mse(out, target), masked_mse(out, target, mask),
                                    psnr(out, target)))
        for i, (metric, unit) in enumerate((("MSE", "levels^2"), ("fMSE", "levels^2"),
                                            ("PSNR", "dB"))):
            ours = float(np.mean([s[i] for s in scores["ours"]]))
            for base in ("noop", "reinhard"):
                report.figure("background", name, "harmonise", metric, ours, unit, base,
                              float(np.mean([s[i] for s in scores[base]])))
        worse = np.mean([o[1] > n[1] for o, n in zip(scores["ours"], scores["noop"],
                                                     strict=True)]) * 100
        reinhard_worse = np.mean([r[1] > n[1] for r, n in zip(scores["reinhard"], scores["noop"],
                                                              strict=True)]) * 100
        report.figure("background", name, "harmonise", "worse-than-noop", worse, "%",
                      "reinhard", reinhard_worse)
        every += [(o[1], n[1], 0.0) for o, n in zip(scores["ours"], scores["noop"], strict=True)]
    report.note(f"harmonise: fMSE / no-op fMSE over all {len(every)} held-out composites = "
                f"{np.mean([e[0] for e in every]) / np.mean([e[1] for e in every]):.3f} "
                "(target <= 0.5)")
    shares = ", ".join(
        f"{100 * np.mean([d[1] > d[2] for d in at_default if d[0] == group]):.1f} % {group}"
        for group in dict.fromkeys(d[0] for d in at_default))
    ratio = np.mean([d[1] for d in at_default]) / np.mean([d[2] for d in at_default])
    report.note(f"harmonise at the plugin's default strength {strength:g} (the figures above "
                f"are at 1): fMSE / no-op {ratio:.3f}, worse than no-op {shares}")
    report.note(f"harmonise: {untouched} of {len(every)} composites left as they were "
                f"(confidence gate MIN_CHANGE = {MIN_CHANGE:g}; 0 is off)")
    # speed on a large composite: a held-out case enlarged to 2000 x 1500
    comp, _, mask = cases[0]
    big = cv2.resize(comp, (2000, 1500), interpolation=cv2.INTER_LINEAR)
    alpha = cv2.resize(np.clip(np.rint(mask * 255), 0, 255).astype(np.uint8), (2000, 1500))
    harmonise(big, alpha, 1.0, "cpu", model)  # warm-up: loading the model is not per image
    _, seconds = timed(lambda: harmonise(big, alpha, 1.0, "cpu", model), repeat=3)
    _, base = timed(lambda: reinhard(big, alpha / 255.0), repeat=3)
    report.speed("background", "2000x1500", "harmonise", seconds, 3.0, "reinhard", base)


# -- two-folder restyle -------------------------------------------------------------------
def _curve(x: np.ndarray, lift: float, gamma: float, gain: float) -> np.ndarray:
    return lift + (gain - lift) * np.power(np.clip(x, 0, 1), gamma)


def grade(rgb: np.ndarray) -> np.ndarray:
    """The fixed colour grade of the b/ folder: teal shadows and warm highlights from three
    tone curves, then saturation up by a fifth (uint8 RGB in and out)."""
    x = rgb.astype(np.float32) / 255.0
    out = np.stack([_curve(x[..., 0], -0.02, 0.88, 1.0), _curve(x[..., 1], 0.02, 0.98, 0.98),
                    _curve(x[..., 2], 0.06, 1.12, 0.9)], -1)
    luma = out @ np.array([0.299, 0.587, 0.114], np.float32)
    out = luma[..., None] + (out - luma[..., None]) * 1.2
    return np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)


def restyle_split(report: Report) -> tuple[list[Path], list[Path], list[Path]] | None:
    """(a photos, photos graded into b, held-out a photos) from BSDS400."""
    folder = report.folder("background/restyle", "restoration", "train-bsds400")
    if folder is None:
        return None
    photos = sorted(folder.glob("*.jpg"))
    half = [hashlib.blake2b(p.stem.encode(), digest_size=2).digest()[0] < 128 for p in photos]
    first = [p for p, h in zip(photos, half, strict=True) if h]
    second = [p for p, h in zip(photos, half, strict=True) if not h]
    n_train, n_test = (QUICK_TRAIN, QUICK_TEST) if report.quick else (RESTYLE_TRAIN, RESTYLE_TEST)
    return first[:n_train], second[:n_train], first[-n_test:]


def histogram_map(a: list[np.ndarray], b: list[np.ndarray]) -> np.ndarray:
    """Per-channel 256-entry LUTs mapping the pooled a/ pixels onto the pooled b/ pixels."""
    luts = np.zeros((3, 256), np.uint8)
    for c in range(3):
        ha = sum(np.bincount(im[..., c].ravel(), minlength=256) for im in a).astype(np.float64)
        hb = sum(np.bincount(im[..., c].ravel(), minlength=256) for im in b).astype(np.float64)
        ca, cb = np.cumsum(ha) / ha.sum(), np.cumsum(hb) / hb.sum()
        luts[c] = np.clip(np.rint(np.interp(ca, cb, np.arange(256))), 0, 255)
    return luts


def train_restyle(root: Path, epochs: int | None, out: Path) -> float:
    """Train the plugin's restyle task on ``root`` (a/ and b/); returns the seconds taken."""
    import torch

    from editor.tasks.manifest import validate_values
    from editor.tasks.registry import Registry
    from plugins.background.train import make_task

    manifest = Registry.discover().get("background").manifest
    values = {} if epochs is None else {"epochs": epochs}
    params = validate_values(merge_params(manifest.training.params), values, "bench")
    dataset = scan(root, "two-folders")
    torch.set_num_threads(1)
    start = time.monotonic()
    trainer = Trainer("background", make_task(params), dataset, params, out, "cpu")
    for _ in trainer.run():
        pass
    return time.monotonic() - start


def bench_restyle(report: Report) -> None:
    from plugins.background.restyle import apply_style

    split = restyle_split(report)
    if split is None:
        return
    a_paths, b_paths, test_paths = split
    with tempfile.TemporaryDirectory(prefix="lightbox-restyle-") as tmp:
        root = Path(tmp) / "data"
        a_imgs = [load_image(p).pixels[..., :3] for p in a_paths]
        b_imgs = [grade(load_image(p).pixels[..., :3]) for p in b_paths]
        for name, imgs, paths in (("a", a_imgs, a_paths), ("b", b_imgs, b_paths)):
            (root / name).mkdir(parents=True)
            for img, path in zip(imgs, paths, strict=True):
                opaque = np.dstack([img, np.full(img.shape[:2], 255, np.uint8)])
                save_image(root / name / f"{path.stem}.png", opaque)
        model = Path(tmp) / "restyle.pt"
        seconds = train_restyle(root, QUICK_EPOCHS if report.quick else None, model)
        report.note(f"restyle: trained on {len(a_imgs)} + {len(b_imgs)} photos in "
                    f"{seconds:.0f} s (one CPU thread)")
        luts = histogram_map(a_imgs, b_imgs)
        scores: dict[str, list[tuple[float, float]]] = {"ours": [], "identity": [],
                                                        "histogram-matching": []}
        for path in test_paths:
            photo = np.ascontiguousarray(load_image(path).pixels[..., :3])
            truth = grade(photo)
            outs = {"ours": apply_style(photo, str(model), "cpu"), "identity": photo,
                    "histogram-matching": np.stack([luts[c][photo[..., c]] for c in range(3)],
                                                   -1)}
            for key, out in outs.items():
                scores[key].append((psnr(out, truth), mean_de(out, truth)))
        ours = np.mean(scores["ours"], 0)
        for base in ("identity", "histogram-matching"):
            theirs = np.mean(scores[base], 0)
            report.figure("background", "bsds-graded", "restyle", "PSNR", ours[0], "dB", base,
                          theirs[0])
            report.figure("background", "bsds-graded", "restyle", "dE76", ours[1], "dE", base,
                          theirs[1])
        report.figure("background", "bsds-graded", "restyle", "train-time", seconds, "s",
                      "cap-30min", 1800.0)


def run(report: Report) -> None:
    bench_harmonise(report)
    bench_restyle(report)
