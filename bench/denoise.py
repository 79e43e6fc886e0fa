"""Denoise quality and speed on Kodak24 and McMaster with Gaussian noise of sigma 15/25/50
(fixed seed per sigma, rounded and clipped to 8 bits), RGB PSNR as denoising papers report it.

Measured in the same run, on the same noisy images:

- ``denoise``: the bundled default model told the true sigma (``sigma<s>-known``) and
  blind, measuring sigma itself (``sigma<s>-blind``);
- ``nlmeans-known-sigma``: OpenCV coloured non-local means told the true sigma, its filter
  strength tuned per sigma (:data:`NLM_H`); printed against the noisy input too, so the
  lines exist even without the plugin;
- ``cbm3d``: colour BM3D from the ``bm3d`` package (``pip install -e '.[bench]'``;
  benchmark only, never shipped). It takes tens of seconds per image, so it runs on the
  first :data:`CBM3D_IMAGES` images of each set (one under ``--quick``;
  ``DENOISE_CBM3D_IMAGES=all`` for every image), and the model is compared with it on
  exactly those images (dataset ``<set>-first<n>``).

Every method also gets a speed line in seconds per megapixel (blind includes measuring
the noise).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from bench.common import BenchContext, PluginRun, Report, timed
from editor.model.imageio import IMAGE_SUFFIXES, load_image
from editor.tasks.api import PluginError, Request
from editor.training.metrics import psnr
from editor.training.store import bundled_model

SIGMAS = (15, 25, 50)
QUICK_SIGMAS = (25,)
DATASETS = ("Kodak24", "McMaster")
#: non-local means filter strength h (luma and colour) per sigma, tuned over 0.4-1.0 x sigma
#: on three photos held out of train-bsds400 (not on the benchmark sets): 0.6 won at each
NLM_H = {15: 9.0, 25: 15.0, 50: 30.0}
CBM3D_IMAGES = 4
QUICK_CBM3D_IMAGES = 1
#: published CBM3D RGB PSNR (sigma 15/25/50) on these sets, for reference only
#: (Zhang et al., DRUNet paper, Table 3); never used as a measured baseline
PUBLISHED_CBM3D = {"Kodak24": (34.28, 31.68, 28.46), "McMaster": (34.06, 31.66, 28.51)}


def add_noise(clean: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """``clean`` RGBA with Gaussian noise of ``sigma`` on RGB, rounded and clipped to uint8."""
    noisy = clean.copy()
    noise = rng.normal(0, sigma, clean[..., :3].shape)
    noisy[..., :3] = np.clip(clean[..., :3] + noise, 0, 255).round()
    return noisy


def nlmeans(noisy_rgb: np.ndarray, sigma: int) -> np.ndarray:
    """The classical baseline: OpenCV coloured non-local means told the true sigma."""
    h = NLM_H.get(sigma, 0.6 * sigma)
    bgr = cv2.cvtColor(noisy_rgb, cv2.COLOR_RGB2BGR)
    return cv2.cvtColor(cv2.fastNlMeansDenoisingColored(bgr, None, h, h, 7, 21),
                        cv2.COLOR_BGR2RGB)


def cbm3d_function() -> tuple[Callable[[np.ndarray, int], np.ndarray] | None, str]:
    """(CBM3D as ``f(noisy_rgb, sigma) -> rgb``, "") or (None, why it is unavailable)."""
    try:
        import bm3d
    except ImportError as exc:
        return None, (f"the bm3d package is not installed ({exc}); "
                      "install the benchmark extra: pip install -e '.[bench]'")

    def run(noisy_rgb: np.ndarray, sigma: int) -> np.ndarray:
        out = bm3d.bm3d_rgb(noisy_rgb.astype(np.float64) / 255.0, sigma / 255.0)
        return np.clip(np.asarray(out) * 255.0 + 0.5, 0, 255).astype(np.uint8)

    return run, ""


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def _cbm3d_count(report: Report) -> int | None:
    """How many images per set CBM3D runs on (None = all)."""
    text = os.environ.get("DENOISE_CBM3D_IMAGES", "").strip().lower()
    if text == "all":
        return None
    if text.isdigit():
        return int(text)
    return QUICK_CBM3D_IMAGES if report.quick else CBM3D_IMAGES


def run(report: Report) -> None:
    """Print PSNR and s/MP figures for every dataset and sigma."""
    root = report.folder("denoise", "restoration", "denoise-dev")
    if root is None:
        return
    plugin: PluginRun | None = report.plugin_run("denoise")
    model = bundled_model("denoise")
    if plugin is not None and model is None:
        report.skip("denoise", "no bundled model (resources/models/denoise/default.pt); "
                               "baseline lines only")
        plugin = None
    cbm3d, why = cbm3d_function()
    if plugin is None and cbm3d is not None:
        report.skip("cbm3d", "no learned model to compare it with (it takes minutes per image)")
        cbm3d = None
    elif cbm3d is None:
        report.skip("cbm3d", why)
        for name, values in PUBLISHED_CBM3D.items():
            report.note(f"published CBM3D on {name} (reference text, not measured here): "
                        + ", ".join(f"sigma{s} {v:.2f} dB"
                                    for s, v in zip(SIGMAS, values, strict=True)))
    if plugin is not None:  # load the model once, outside the timed calls
        warm = np.random.default_rng(0).integers(0, 256, (64, 64, 4), dtype=np.uint8)
        try:
            _, t = timed(lambda: plugin(Request(warm, {"sigma": 25.0, "method": "learned",
                                                       "model": str(model)}), BenchContext()))
            report.note(f"denoise: loading the model and a first 64x64 call took {t:.2f} s "
                        "(once per session; not in the speed lines)")
        except PluginError as exc:
            report.skip("denoise", f"the plugin failed ({exc}); baseline lines only")
            plugin = None
    for name in DATASETS:
        if not (root / name).is_dir() or not _images(root / name):
            report.skip(f"denoise {name}", f"no images in {root / name}")
            continue
        images = [load_image(f).pixels for f in report.limit(_images(root / name))]
        for sigma in QUICK_SIGMAS if report.quick else SIGMAS:
            plugin = _measure(report, plugin, model, cbm3d, name, images, sigma)


def _measure(report: Report, plugin: PluginRun | None, model: Path | None,
             cbm3d: Callable[[np.ndarray, int], np.ndarray] | None, dataset: str,
             images: list[np.ndarray], sigma: int) -> PluginRun | None:
    """One dataset at one sigma; returns the plugin, or None if it failed (skip printed)."""
    rng = np.random.default_rng(sigma)  # the same noise in every run, image by image
    n_cbm3d = _cbm3d_count(report)
    n_cbm3d = len(images) if n_cbm3d is None else min(n_cbm3d, len(images))
    scores: dict[str, list[float]] = {k: [] for k in ("noisy", "known", "blind", "nlm", "bm3d")}
    times: dict[str, list[float]] = {k: [] for k in ("known", "blind", "nlm", "bm3d")}
    sizes: list[float] = []
    for index, clean in enumerate(images):
        rgb = clean[..., :3]
        noisy = add_noise(clean, sigma, rng)
        sizes.append(rgb.shape[0] * rgb.shape[1] / 1e6)
        scores["noisy"].append(psnr(noisy[..., :3], rgb))
        out, t = timed(lambda n=noisy: nlmeans(n[..., :3], sigma))
        scores["nlm"].append(psnr(out, rgb))
        times["nlm"].append(t)
        if plugin is not None:
            try:
                for key, given in (("known", float(sigma)), ("blind", None)):
                    params = {"sigma": given, "strength": 1.0, "mode": "noise",
                              "quality": 50, "method": "learned", "model": str(model)}
                    result, t = timed(lambda n=noisy, p=params, f=plugin: f(
                        Request(n, p), BenchContext()))
                    scores[key].append(psnr(result.layers[0].data[..., :3], rgb))
                    times[key].append(t)
            except PluginError as exc:
                report.skip("denoise", f"the plugin failed ({exc}); baseline lines only")
                plugin = None
        if cbm3d is not None and index < n_cbm3d:
            out, t = timed(lambda n=noisy: cbm3d(n[..., :3], sigma))
            scores["bm3d"].append(psnr(out, rgb))
            times["bm3d"].append(t)

    setting = f"sigma{sigma}"
    mean = {k: float(np.mean(v)) for k, v in scores.items() if v}
    seconds = {k: float(np.sum(v)) for k, v in times.items()}
    megapixels = float(np.sum(sizes))
    n_cbm3d = len(times["bm3d"])
    first = {k: float(np.sum(v[:n_cbm3d])) for k, v in times.items()}
    cbm3d_megapixels = float(np.sum(sizes[:n_cbm3d]))
    report.figure("denoise/nlmeans-known-sigma", dataset, setting, "psnr", mean["nlm"], "dB",
                  "noisy", mean["noisy"])
    learned = plugin is not None and len(scores["known"]) == len(images)
    if learned:
        report.figure("denoise", dataset, f"{setting}-known", "psnr", mean["known"], "dB",
                      "nlmeans-known-sigma", mean["nlm"])
        report.figure("denoise", dataset, f"{setting}-blind", "psnr", mean["blind"], "dB",
                      "denoise-known-sigma", mean["known"])
        report.speed("denoise", dataset, f"{setting}-known", seconds["known"], megapixels,
                     "nlmeans-known-sigma", seconds["nlm"])
        report.speed("denoise", dataset, f"{setting}-blind", seconds["blind"], megapixels,
                     "nlmeans-known-sigma", seconds["nlm"])
    if scores["bm3d"] and learned:
        subset = f"{dataset}-first{len(scores['bm3d'])}"
        ours = float(np.mean(scores["known"][:n_cbm3d]))
        ours_blind = float(np.mean(scores["blind"][:n_cbm3d]))
        report.figure("denoise", subset, f"{setting}-known", "psnr", ours, "dB", "cbm3d",
                      mean["bm3d"])
        report.figure("denoise", subset, f"{setting}-blind", "psnr", ours_blind, "dB",
                      "cbm3d", mean["bm3d"])
        report.speed("denoise", subset, f"{setting}-known", first["known"],
                     cbm3d_megapixels, "cbm3d", first["bm3d"])
        report.speed("denoise/cbm3d", subset, setting, first["bm3d"], cbm3d_megapixels,
                     "nlmeans-known-sigma", first["nlm"])
    return plugin
