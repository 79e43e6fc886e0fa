"""Denoise quality and speed on Kodak24 and McMaster with Gaussian noise of sigma 15/25/50
(fixed seed per sigma), RGB PSNR as denoising papers report it.

The installed ``denoise`` plugin runs blind (it measures sigma itself) and is compared with
the noisy input and with OpenCV non-local means given the true sigma, which also gives the
speed baseline. Without the plugin, the known-sigma baseline is still printed against the
noisy input.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from bench.common import BenchContext, PluginRun, Report, timed
from editor.model.imageio import IMAGE_SUFFIXES, load_image
from editor.tasks.api import PluginError, Request
from editor.training.metrics import psnr

SIGMAS = (15, 25, 50)
QUICK_SIGMAS = (25,)
DATASETS = ("Kodak24", "McMaster")
#: non-local means strength per unit sigma for the known-sigma baseline
H_PER_SIGMA = 0.7


def add_noise(clean: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """``clean`` RGBA with Gaussian noise of ``sigma`` on RGB, rounded and clipped to uint8."""
    noisy = clean.copy()
    noise = rng.normal(0, sigma, clean[..., :3].shape)
    noisy[..., :3] = np.clip(clean[..., :3] + noise, 0, 255).round()
    return noisy


def nlmeans_known_sigma(noisy_rgb: np.ndarray, sigma: float) -> np.ndarray:
    """The classical baseline: OpenCV coloured non-local means told the true sigma."""
    h = H_PER_SIGMA * sigma
    bgr = cv2.cvtColor(noisy_rgb, cv2.COLOR_RGB2BGR)
    return cv2.cvtColor(cv2.fastNlMeansDenoisingColored(bgr, None, h, h, 7, 21),
                        cv2.COLOR_BGR2RGB)


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def run(report: Report) -> None:
    """Print PSNR and s/MP figures for every dataset and sigma."""
    root = report.folder("denoise", "restoration", "denoise-dev")
    if root is None:
        return
    plugin: PluginRun | None = report.plugin_run("denoise")
    for name in DATASETS:
        if not (root / name).is_dir() or not _images(root / name):
            report.skip(f"denoise {name}", f"no images in {root / name}")
            continue
        images = [load_image(f).pixels for f in report.limit(_images(root / name))]
        for sigma in QUICK_SIGMAS if report.quick else SIGMAS:
            plugin = _measure(report, plugin, name, images, sigma)


def _measure(report: Report, plugin: PluginRun | None, dataset: str,
             images: list[np.ndarray], sigma: int) -> PluginRun | None:
    """One dataset at one sigma; returns the plugin, or None if it failed (skip printed)."""
    rng = np.random.default_rng(sigma)  # same noise as earlier runs, image by image
    ours, noisy_scores, given = [], [], []
    ours_s = given_s = megapixels = 0.0
    for clean in images:
        rgb = clean[..., :3]
        noisy = add_noise(clean, sigma, rng)
        megapixels += rgb.shape[0] * rgb.shape[1] / 1e6
        noisy_scores.append(psnr(noisy[..., :3], rgb))
        ref, t = timed(lambda n=noisy: nlmeans_known_sigma(n[..., :3], sigma))
        given.append(psnr(ref, rgb))
        given_s += t
        if plugin is not None:
            try:
                result, t = timed(lambda n=noisy, p=plugin: p(
                    Request(n, {"sigma": None, "strength": 1.0}), BenchContext()))
            except PluginError as exc:
                report.skip("denoise", f"the plugin failed ({exc}); baseline lines only")
                plugin = None
                continue
            ours.append(psnr(result.layers[0].data[..., :3], rgb))
            ours_s += t
    setting = f"sigma{sigma}"
    noisy_mean = float(np.mean(noisy_scores))
    if plugin is not None and ours:
        ours_mean = float(np.mean(ours))
        report.figure("denoise", dataset, setting, "psnr", ours_mean, "dB", "noisy", noisy_mean)
        report.figure("denoise", dataset, setting, "psnr", ours_mean, "dB",
                      "nlmeans-known-sigma", float(np.mean(given)))
        report.speed("denoise", dataset, setting, ours_s, megapixels,
                     "nlmeans-known-sigma", given_s)
    else:
        report.figure("denoise/nlmeans-known-sigma", dataset, setting, "psnr",
                      float(np.mean(given)), "dB", "noisy", noisy_mean)
    return plugin
