"""Similar-product search and duplicate finding on GroceryStore (``groceries``), MIT.

Retrieval, photo -> product shot: the gallery is the white-background shots in
``products-on-white`` (one per class, 41 classes); the queries are the natural ``val/``
photos of those classes. recall@1 / @5 of the plugin's embedding (the projection trained on
``train/`` plus the product shots, afresh in a full run; the bundled one under ``--quick``)
next to an HSV colour histogram and the plain ImageNet features, in the same run. An
``unseen`` line trains the projection with half of the product shots left out and scores
the queries of those classes only, for how it does on products whose shot it never saw.

Duplicates: originals from ``val/`` with five copies each (re-encoded at JPEG 40, resized to
half, 8 % cropped, brightened, a caption overlaid) among unrelated ``val/`` photos; pair
precision / recall / F1 of the plugin's grouping next to dHash at its best threshold.

Scale: indexing speed (images/s, one CPU thread, features computed from scratch), query
latency against 1,000,000 synthetic clustered vectors (IVF next to exact search) and the
index's bytes per image.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import Report

#: copies of each original in the duplicate set
COPIES = ("reencoded", "resized", "cropped", "brightened", "captioned")


def make_copy(rgb: np.ndarray, kind: str, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """(image, JPEG quality) of one near-copy of ``rgb``."""
    import cv2

    h, w = rgb.shape[:2]
    if kind == "reencoded":
        return rgb, 40
    if kind == "resized":
        return cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA), 85
    if kind == "cropped":
        dx, dy = int(w * 0.08), int(h * 0.08)
        x0, y0 = int(rng.integers(0, dx + 1)), int(rng.integers(0, dy + 1))
        return rgb[y0:h - (dy - y0), x0:w - (dx - x0)], 90
    if kind == "brightened":
        return np.clip(rgb.astype(np.float32) * 1.25 + 10, 0, 255).astype(np.uint8), 90
    out = rgb.copy()
    cv2.putText(out, "SALE -20%", (int(w * 0.06), int(h * 0.9)), cv2.FONT_HERSHEY_SIMPLEX,
                w / 350, (255, 255, 255), max(2, w // 120), cv2.LINE_AA)
    return out, 90


def make_duplicate_set(originals: list[Path], distractors: list[Path], folder: Path,
                       seed: int = 0) -> tuple[list[Path], list[list[Path]]]:
    """Write originals, their copies and the distractors into ``folder``; (every file,
    the true groups)."""
    import cv2

    from editor.training.features import load_rgb

    rng = np.random.default_rng(seed)
    files: list[Path] = []
    groups: list[list[Path]] = []
    for n, src in enumerate(originals):
        rgb = load_rgb(src)
        group = [folder / f"o{n:03d}.jpg"]
        cv2.imwrite(str(group[0]), rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
        for kind in COPIES:
            copy, quality = make_copy(rgb, kind, rng)
            group.append(folder / f"o{n:03d}-{kind}.jpg")
            cv2.imwrite(str(group[-1]), np.ascontiguousarray(copy[..., ::-1]),
                        [cv2.IMWRITE_JPEG_QUALITY, quality])
        files += group
        groups.append(group)
    for n, src in enumerate(distractors):
        target = folder / f"d{n:03d}.jpg"
        cv2.imwrite(str(target), load_rgb(src)[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
        files.append(target)
    return files, groups


def run(report: Report) -> None:
    root = report.folder("similar", "groceries")
    shots = report.folder("similar", "products-on-white")
    if root is None or shots is None:
        return
    from bench import similar_parts as parts

    parts.retrieval(report, root, shots)
    with tempfile.TemporaryDirectory() as tmp:
        parts.duplicates(report, root, Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        parts.scale(report, root, Path(tmp))


def timer() -> float:
    return time.perf_counter()
