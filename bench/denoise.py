"""Denoise quality and speed: the shipped `denoise` plugin (blind: it measures sigma itself)
against the noisy input and against OpenCV non-local means given the true sigma."""

from __future__ import annotations

import logging

import cv2
import numpy as np

from bench.common import DATA, psnr, timed
from editor.model.imageio import load_image
from editor.tasks.api import Request
from plugins.denoise.task import run

SIGMAS = (15, 25, 50)


class _Ctx:
    device = "cpu"
    log = logging.getLogger("bench")

    def progress(self, fraction: float, message: str = "") -> None:
        pass

    def check_cancelled(self) -> None:
        pass


def main() -> None:
    root = DATA / "restoration" / "denoise-dev"
    if not root.is_dir():
        print(f"denoise: skipped, no data at {root}")
        return
    for name in ("Kodak24", "McMaster"):
        files = sorted((root / name).glob("*.png")) + sorted((root / name).glob("*.tif"))
        if not files:
            continue
        images = [load_image(f).pixels for f in files]
        for sigma in SIGMAS:
            rng = np.random.default_rng(sigma)
            ours, noisy_scores, given, seconds, mp = [], [], [], 0.0, 0.0
            for clean in images:
                noisy = clean.copy()
                noise = rng.normal(0, sigma, clean[..., :3].shape)
                noisy[..., :3] = np.clip(clean[..., :3] + noise, 0, 255).round()
                result, t = timed(lambda n=noisy: run(
                    Request(n, {"sigma": None, "strength": 1.0}), _Ctx()))
                seconds += t
                mp += clean.shape[0] * clean.shape[1] / 1e6
                ours.append(psnr(result.layers[0].data[..., :3], clean[..., :3]))
                noisy_scores.append(psnr(noisy[..., :3], clean[..., :3]))
                bgr = cv2.cvtColor(noisy[..., :3], cv2.COLOR_RGB2BGR)
                h = 0.7 * sigma
                ref = cv2.fastNlMeansDenoisingColored(bgr, None, h, h, 7, 21)
                given.append(psnr(cv2.cvtColor(ref, cv2.COLOR_BGR2RGB), clean[..., :3]))
            a, b, c = np.mean(ours), np.mean(noisy_scores), np.mean(given)
            print(f"denoise {name} sigma{sigma} psnr blind-nlmeans {a:.2f} dB | noisy {b:.2f} dB"
                  f" | {a - b:+.2f} dB; nlmeans known sigma {c:.2f} dB; {seconds / mp:.2f} s/MP")
