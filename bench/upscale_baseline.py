"""Upscale baselines on Set5 and Set14 at x2/x3/x4: the figures a learned upscale plugin
has to beat, with the standard SR protocol (PSNR and SSIM on the BT.601 Y channel, ``scale``
pixels of border cropped).

Figure: bicubic interpolation (OpenCV ``INTER_CUBIC``) of the provided LR images; baseline:
nearest neighbour. OpenCV's bicubic kernel (a = -0.75) is sharper than MATLAB's (a = -0.5), so
these numbers sit 0.2-0.3 dB above the published "bicubic" rows (Set5 x4: 28.42 dB); that is
why the baseline is measured here, with the same code a plugin would be, rather than copied.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from bench.common import Report, timed
from editor.model.imageio import load_image
from editor.training.metrics import psnr_y, ssim_y

DATASETS = ("Set5", "Set14")
SCALES = (2, 3, 4)
METHODS = {"bicubic": cv2.INTER_CUBIC, "nearest": cv2.INTER_NEAREST}


def upscale(lr: np.ndarray, size: tuple[int, int], method: str) -> np.ndarray:
    """``lr`` RGB resized to ``size`` (width, height) with an OpenCV interpolation."""
    return cv2.resize(lr, size, interpolation=METHODS[method])


def _pairs(folder: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for hr in sorted(folder.glob("*_HR.png")):
        lr = hr.with_name(hr.name.replace("_HR.png", "_LR.png"))
        if lr.is_file():
            pairs.append((hr, lr))
    return pairs


def run(report: Report) -> None:
    """Print Y-PSNR, Y-SSIM and s/MP of bicubic beside nearest for every set and scale."""
    root = report.folder("upscale", "restoration", "sr-dev")
    if root is None:
        return
    if not report.installed("upscale"):
        report.note("upscale: no learned plugin installed yet; bicubic is the bar it must beat")
    for name in DATASETS:
        for scale in SCALES:
            pairs = _pairs(root / name / f"x{scale}")
            if not pairs:
                report.skip(f"upscale {name} x{scale}", f"no HR/LR pairs in {root / name}")
                continue
            _measure(report, name, scale, report.limit(pairs))


def _measure(report: Report, dataset: str, scale: int, pairs: list[tuple[Path, Path]]) -> None:
    scores = {m: {"psnr": [], "ssim": [], "seconds": 0.0} for m in METHODS}
    megapixels = 0.0
    for hr_path, lr_path in pairs:
        hr = load_image(hr_path).pixels[..., :3]
        lr = load_image(lr_path).pixels[..., :3]
        size = (hr.shape[1], hr.shape[0])
        megapixels += hr.shape[0] * hr.shape[1] / 1e6
        for method, score in scores.items():
            sr, seconds = timed(lambda m=method, x=lr, s=size: upscale(x, s, m), repeat=3)
            score["seconds"] += seconds
            score["psnr"].append(psnr_y(sr, hr, border=scale))
            score["ssim"].append(ssim_y(sr, hr, border=scale))
    ours, base = scores["bicubic"], scores["nearest"]
    setting = f"x{scale}"
    plugin = "upscale/bicubic"
    report.figure(plugin, dataset, setting, "psnr-y", np.mean(ours["psnr"]), "dB", "nearest",
                  np.mean(base["psnr"]))
    report.figure(plugin, dataset, setting, "ssim-y", np.mean(ours["ssim"]), "-", "nearest",
                  np.mean(base["ssim"]))
    report.speed(plugin, dataset, setting, ours["seconds"], megapixels, "nearest",
                 base["seconds"])
