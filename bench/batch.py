"""Batch recipes: the shipped Amazon main-image recipe (cutout -> white backdrop with a
contact shadow -> compliance fix) over 200 small rendered product photos (24 with
``--quick``), on 1 local worker (the baseline), 2 local workers and Ray (a local cluster of
2 CPUs; skipped when Ray is not installed).

Figures: photos per minute (whole runs, model loading included); peak worker memory after
the first fifth of the photos and after all of them (flat memory: growth <= 15%); each
step's share of the time; the largest difference between the engines' output files
(target <= 2 levels).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import Report
from editor.batch import BatchOptions, BatchResult, load_recipe, run_batch
from editor.model.imageio import load_image, save_image
from editor.samples import BACKGROUNDS, KINDS, render_sample
from editor.tasks.registry import Registry

RECIPE = Path(__file__).resolve().parents[1] / "resources" / "recipes" / "amazon-main.toml"
PHOTOS, QUICK_PHOTOS = 200, 24
SIZE = (320, 240)
#: the most the engines' outputs may differ, in 0..255 levels
TARGET_LEVELS = 2


def run(report: Report) -> None:
    missing = [p for p in ("segment", "background", "compliance") if not report.installed(p)]
    if missing:
        report.skip("batch", f"plugins not installed: {', '.join(missing)}")
        return
    count = QUICK_PHOTOS if report.quick else PHOTOS
    dataset = f"samples-{SIZE[0]}x{SIZE[1]}-{count}"
    recipe = load_recipe(RECIPE, Registry.discover())
    if hasattr(os, "getloadavg"):
        report.note(f"batch: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
                    "cores at the start (a shared machine flatters the multi-process runs)")
    with tempfile.TemporaryDirectory(prefix="lightbox-bench-batch-") as tmp:
        root = Path(tmp)
        files = _photos(root / "in", count)
        one = _timed(recipe, files, BatchOptions(root / "one"))
        two = _timed(recipe, files, BatchOptions(root / "two", workers=2))
        ray = _ray(report, recipe, files, root)

        per_min = {name: count / max(result.seconds, 1e-9) * 60
                   for name, result in (("1-worker", one), ("2-workers", two), ("ray", ray))
                   if result is not None}
        for name, failed in (("1-worker", one), ("2-workers", two), ("ray", ray)):
            if failed is not None and not failed.ok:
                bad = next(o for o in failed.outcomes if o.status != "ok")
                report.note(f"{name}: {failed.count('failed')} photos failed, e.g. "
                            f"{Path(bad.input).name}: {bad.error}")
        report.figure("batch", dataset, "2-workers", "throughput", per_min["2-workers"],
                      "photos/min", "1-worker", per_min["1-worker"])
        # on a shared machine more processes also win a larger share of the cores: the
        # CPU time per photo says whether the work itself grew or shrank
        if one.report["cpu_seconds"] > 0:
            report.figure("batch", dataset, "2-workers", "cpu-per-photo",
                          two.report["cpu_seconds"] / count, "s", "1-worker",
                          one.report["cpu_seconds"] / count)
        if "ray" in per_min:
            report.figure("batch", dataset, "ray-2-cpus", "throughput", per_min["ray"],
                          "photos/min", "1-worker", per_min["1-worker"])
        _memory(report, dataset, two, count)
        _shares(report, dataset, one)
        report.figure("batch", dataset, "2-workers", "max-abs-diff",
                      _difference(root / "one", root / "two", files), "levels",
                      "target", TARGET_LEVELS)
        if ray is not None:
            report.figure("batch", dataset, "ray-2-cpus", "max-abs-diff",
                          _difference(root / "one", root / "ray", files), "levels",
                          "target", TARGET_LEVELS)


def _photos(folder: Path, count: int) -> list[Path]:
    """``count`` product photos, every kind on every backdrop, each its own seed."""
    folder.mkdir(parents=True)
    backgrounds = list(BACKGROUNDS)
    files = []
    for i in range(count):
        sample = render_sample(KINDS[i % len(KINDS)], SIZE, seed=i,
                               background=backgrounds[(i // len(KINDS)) % len(backgrounds)])
        files.append(folder / f"photo-{i:04d}.png")
        save_image(files[-1], sample.image)
    return files


def _timed(recipe, files: list[Path], options: BatchOptions) -> BatchResult:  # noqa: ANN001
    """The batch, its outcomes in the order they finished (for the memory over time) and
    in ``report["cpu_seconds"]`` the CPU time this process and its finished children
    spent (local worker processes; not Ray's, which are the cluster's)."""
    done: list = []
    before = _cpu_seconds()
    result = run_batch(recipe, files, options, on_done=done.append)
    result.outcomes = done
    result.report["cpu_seconds"] = _cpu_seconds() - before
    return result


def _cpu_seconds() -> float:
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    used = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        used += usage.ru_utime + usage.ru_stime
    return used


def _ray(report: Report, recipe, files: list[Path], root: Path) -> BatchResult | None:  # noqa: ANN001
    try:
        import ray  # noqa: F401
    except ImportError:
        report.skip("batch ray", "Ray is not installed (pip install 'lightbox[ray]')")
        return None
    started = time.monotonic()
    result = _timed(recipe, files, BatchOptions(root / "ray", engine="ray", workers=2))
    result.seconds = time.monotonic() - started  # the cluster's start-up counts too
    return result


def _memory(report: Report, dataset: str, result: BatchResult, count: int) -> None:
    """Peak memory of the worker processes after the first fifth and after all photos."""
    early = max(1, count // 5)
    peaks = [o.peak_rss_mb for o in result.outcomes]
    if not peaks or min(peaks) <= 0:
        report.skip("batch memory", "peak memory is not measurable on this system")
        return
    first, last = max(peaks[:early]), max(peaks)
    report.figure("batch", dataset, f"after-{count}-photos", "peak-worker-rss", last, "MiB",
                  f"after-{early}", first)
    report.note(f"worker memory growth from photo {early} to {count}: "
                f"{(last / first - 1) * 100:+.1f}% (target <= 15%)")


def _shares(report: Report, dataset: str, result: BatchResult) -> None:
    """Each step's share of the time the steps took (1 worker)."""
    totals: dict[str, float] = {}
    for outcome in result.outcomes:
        for key, seconds in outcome.seconds.items():
            totals[key] = totals.get(key, 0.0) + seconds
    whole = sum(totals.values()) or 1.0
    for key, seconds in totals.items():
        report.figure("batch", dataset, f"step-{key}", "time-share", seconds / whole * 100,
                      "%", "all-steps", 100.0)


def _difference(a: Path, b: Path, files: list[Path]) -> float:
    """The largest difference between the two folders' outputs (missing files skipped)."""
    worst = 0
    for f in files:
        first, second = a / f"{f.stem}.png", b / f"{f.stem}.png"
        if not (first.exists() and second.exists()):
            continue
        x = load_image(first).pixels.astype(np.int16)
        y = load_image(second).pixels.astype(np.int16)
        worst = max(worst, 255 if x.shape != y.shape else int(np.abs(x - y).max()))
    return float(worst)
