"""``report.json`` and ``report.csv``: one row per photo (status, seconds per step, device,
error), written atomically at the start of a batch (marked running) and at its end.

The JSON also records the recipe's fingerprint, so a resumed batch refuses to mix its
outputs with those of another recipe in the same folder.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from editor.model.atomic import atomic_write

if TYPE_CHECKING:
    from editor.batch.engine import BatchOptions, FileOutcome
    from editor.batch.recipe import Recipe

REPORT_JSON = "report.json"
REPORT_CSV = "report.csv"
STATUSES = ("ok", "failed", "skipped", "cancelled")


def check_same_recipe(outdir: Path, recipe: Recipe) -> None:
    """BatchError when ``outdir``'s report says another recipe made its outputs."""
    from editor.batch.engine import BatchError

    path = outdir / REPORT_JSON
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no report (a first run, or one killed before it): nothing to compare
    made_by = earlier.get("recipe", {}) if isinstance(earlier, dict) else {}
    if isinstance(made_by, dict) and made_by.get("fingerprint") not in (None,
                                                                       recipe.fingerprint()):
        raise BatchError(
            f"{outdir}: its outputs were made by another recipe ({made_by.get('name')!r}, "
            "or other params); use --force to redo them all, or another output folder")


def write_report(outdir: Path, recipe: Recipe, outcomes: list[FileOutcome],
                 options: BatchOptions, *, seconds: float, running: bool = False
                 ) -> dict[str, Any]:
    """Write both report files and return the JSON data."""
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in STATUSES}
    data = {
        "recipe": {"name": recipe.name, "source": recipe.source,
                   "fingerprint": recipe.fingerprint(),
                   "steps": [{"plugin": s.plugin, "params": s.params, "mask": s.mask}
                             for s in recipe.steps]},
        "state": "running" if running else "finished",
        "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "engine": options.engine, "workers": options.workers, "device": options.device,
        "seconds": round(seconds, 3),
        "counts": counts,
        "files": [_row(o) for o in outcomes],
    }
    with atomic_write(outdir / REPORT_JSON, "w") as fh:
        json.dump(data, fh, indent=1, default=str)
        fh.write("\n")
    keys = [s.key for s in recipe.steps]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["input", "output", "status", "device", "seconds",
                     *(f"seconds_{k}" for k in keys), "error"])
    for o in outcomes:
        writer.writerow([o.input, o.output, o.status, o.device, f"{o.total:.3f}",
                         *(f"{o.seconds[k]:.3f}" if k in o.seconds else "" for k in keys),
                         o.error])
    with atomic_write(outdir / REPORT_CSV, "w") as fh:
        fh.write(text.getvalue())
    return data


def _row(o: FileOutcome) -> dict[str, Any]:
    return {"input": o.input, "output": o.output, "status": o.status, "device": o.device,
            "seconds": o.seconds, "total_seconds": round(o.total, 4), "error": o.error}
