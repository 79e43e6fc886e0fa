"""Upscale quality and speed on Set5 and Set14 at x2/x3/x4, with the standard SR protocol:
PSNR and SSIM on the BT.601 Y channel, ``scale`` pixels of border cropped, the provided
bicubic-shrunk LR images as input.

Figure: the ``upscale`` plugin (its default, learned model). Baseline, measured in the same
run on the same images: MATLAB-style bicubic (kernel a = -0.5, the "bicubic" row of SR
papers; Set5 x4 28.42 dB), rounded to 8 bits. Speed is seconds per output megapixel, beside
OpenCV's bicubic (the fast classical path a user would otherwise take).
Then the speed goal: a 500x500 photo (Kodak24's first crop) to 2000x2000, in seconds, beside
OpenCV Lanczos. Without the plugin, bicubic is printed beside nearest neighbour instead.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from bench.common import BenchContext, PluginRun, Report, timed
from editor.model.imageio import load_image
from editor.tasks.api import PluginError, Request
from editor.training.metrics import psnr_y, ssim_y
from plugins.upscale.resample import imresize

DATASETS = ("Set5", "Set14")
SCALES = (2, 3, 4)
#: the issue's targets: (dataset, scale) -> minimum Y-PSNR, and minimum gain over bicubic
TARGET_PSNR = {("Set5", 2): 37.0, ("Set5", 4): 30.9}
TARGET_GAIN = {("Set14", 2): 1.5, ("Set14", 4): 1.0}
SPEED_GOAL_S = 2.0


def bicubic(lr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``lr`` RGB enlarged to ``size`` (width, height) with MATLAB's bicubic, 8-bit."""
    return np.clip(np.round(imresize(lr, size[1], size[0])), 0, 255).astype(np.uint8)


def nearest(lr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.resize(lr, size, interpolation=cv2.INTER_NEAREST)


def opencv_bicubic(lr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The speed reference: OpenCV's optimised bicubic (our numpy MATLAB one is slower)."""
    return cv2.resize(lr, size, interpolation=cv2.INTER_CUBIC)


def _pairs(folder: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for hr in sorted(folder.glob("*_HR.png")):
        lr = hr.with_name(hr.name.replace("_HR.png", "_LR.png"))
        if lr.is_file():
            pairs.append((hr, lr))
    return pairs


def run(report: Report) -> None:
    """Y-PSNR, Y-SSIM and s/MP of the plugin beside bicubic for every set and scale."""
    root = report.folder("upscale", "restoration", "sr-dev")
    if root is None:
        return
    plugin = report.plugin_run("upscale")
    for name in DATASETS:
        for scale in SCALES:
            pairs = _pairs(root / name / f"x{scale}")
            if not pairs:
                report.skip(f"upscale {name} x{scale}", f"no HR/LR pairs in {root / name}")
                continue
            plugin = _measure(report, plugin, name, scale, report.limit(pairs))
    if plugin is not None:
        _speed_goal(report, plugin)


def _upscale(plugin: PluginRun, lr: np.ndarray, scale: int) -> tuple[np.ndarray, str]:
    rgba = np.dstack([lr, np.full(lr.shape[:2], 255, np.uint8)])
    result = plugin(Request(rgba, {"scale": scale}), BenchContext())
    return result.layers[0].data[..., :3], str(result.report.get("method"))


def _measure(report: Report, plugin: PluginRun | None, dataset: str, scale: int,
             pairs: list[tuple[Path, Path]]) -> PluginRun | None:
    """One set at one scale; returns the plugin, or None if it failed (skip printed)."""
    scores: dict[str, dict[str, list[float]]] = {}
    seconds: dict[str, float] = {}
    methods: set[str] = set()
    megapixels = 0.0
    for hr_path, lr_path in pairs:
        hr = load_image(hr_path).pixels[..., :3]
        lr = load_image(lr_path).pixels[..., :3]
        size = (hr.shape[1], hr.shape[0])
        megapixels += hr.shape[0] * hr.shape[1] / 1e6
        outputs = {}
        for name, method in (("bicubic", bicubic), ("nearest", nearest),
                             ("opencv-bicubic", opencv_bicubic)):
            outputs[name], t = timed(lambda m=method, x=lr, s=size: m(x, s), repeat=2)
            seconds[name] = seconds.get(name, 0.0) + t
        if plugin is not None:
            try:
                (outputs["upscale"], used), t = timed(
                    lambda x=lr, p=plugin: _upscale(p, x, scale), repeat=2)
            except PluginError as exc:
                report.skip("upscale", f"the plugin failed ({exc}); baseline lines only")
                return _measure(report, None, dataset, scale, pairs)
            methods.add(used)
            seconds["upscale"] = seconds.get("upscale", 0.0) + t
        for name, sr in outputs.items():
            score = scores.setdefault(name, {"psnr": [], "ssim": []})
            score["psnr"].append(psnr_y(sr, hr, border=scale))
            score["ssim"].append(ssim_y(sr, hr, border=scale))
    ours, base = ("upscale", "bicubic") if plugin is not None else ("bicubic", "nearest")
    who = "upscale" if plugin is not None else "upscale/bicubic"
    if plugin is not None and methods != {"learned"}:
        report.note(f"upscale ran with {', '.join(sorted(methods))}, not the learned model")
    setting = f"x{scale}"
    mean = {name: {k: float(np.mean(v)) for k, v in score.items()}
            for name, score in scores.items()}
    report.figure(who, dataset, setting, "psnr-y", mean[ours]["psnr"], "dB", base,
                  mean[base]["psnr"])
    report.figure(who, dataset, setting, "ssim-y", mean[ours]["ssim"], "-", base,
                  mean[base]["ssim"])
    report.speed(who, dataset, setting, seconds[ours], megapixels, "opencv-bicubic",
                 seconds["opencv-bicubic"])
    if plugin is not None and not report.quick:
        _targets(report, dataset, scale, mean[ours]["psnr"], mean[base]["psnr"])
    return plugin


def _targets(report: Report, dataset: str, scale: int, ours: float, base: float) -> None:
    goal = TARGET_PSNR.get((dataset, scale))
    if goal is not None:
        report.note(f"target {dataset} x{scale} >= {goal:.2f} dB: {ours:.2f} dB, "
                    f"{'met' if ours >= goal else 'MISSED'}")
    gain = TARGET_GAIN.get((dataset, scale))
    if gain is not None:
        report.note(f"target {dataset} x{scale} >= +{gain:.1f} dB over bicubic: "
                    f"{ours - base:+.2f} dB, {'met' if ours - base >= gain else 'MISSED'}")


def _speed_goal(report: Report, plugin: PluginRun) -> None:
    folder = report.data / "restoration" / "denoise-dev" / "Kodak24"
    photos = sorted(folder.glob("*.png")) if folder.is_dir() else []
    if not photos:
        report.skip("upscale speed", f"no 500x500 photo in {folder}")
        return
    photo = load_image(photos[0]).pixels[:500, :500]
    request = Request(np.ascontiguousarray(photo), {"scale": 4})
    result, ours = timed(lambda: plugin(request, BenchContext()), repeat=3)
    _, lanczos = timed(lambda: cv2.resize(photo, (2000, 2000),
                                          interpolation=cv2.INTER_LANCZOS4), repeat=3)
    assert result.layers[0].data.shape[:2] == (2000, 2000)
    report.figure("upscale", "Kodak24-500px", "x4-to-2000px", "time", ours, "s", "lanczos",
                  lanczos)
    report.note(f"target 500x500 -> 2000x2000 <= {SPEED_GOAL_S:.0f} s: {ours:.2f} s, "
                f"{'met' if ours <= SPEED_GOAL_S else 'MISSED'} (2-core CPU, shared)")
