"""Reports for a checked batch: JSON (the format scripts depend on), an HTML page with
thumbnails, and a CSV summary. All written atomically.

JSON::

    {"profile": "amazon-main", "files": [{"path": "...", "passed": false, "violations": [
        {"rule": "background_white", "severity": "error", "message": "...",
         "box": [x0, y0, x1, y1] or null, "fix": "whiten_background" or null}]}]}

``passed`` is false exactly when an ``error`` violation exists. A file that cannot be read
gets one violation with the rule id ``unreadable``.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from editor.model.atomic import atomic_write
from plugins.compliance.checks import Violation, passed

THUMB_SIDE = 200
_COLOURS = {"error": (220, 40, 40), "warning": (230, 150, 0), "info": (40, 110, 220)}


def file_entry(path: str, violations: list[Violation]) -> dict[str, Any]:
    """One file's entry of the JSON report."""
    return {"path": path, "passed": passed(violations),
            "violations": [v.as_dict() for v in violations]}


def unreadable_entry(path: str, reason: str) -> dict[str, Any]:
    """The entry for a file that could not be checked at all."""
    return file_entry(path, [Violation("unreadable", "error", reason)])


def build_report(profile: str, files: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole JSON report."""
    return {"profile": profile, "files": files}


def write_json(path: Path, report: dict[str, Any]) -> None:
    with atomic_write(path, "w") as handle:
        json.dump(report, handle, indent=2)
        handle.write("\n")


def write_csv(path: Path, report: dict[str, Any]) -> None:
    """One row per file: path, passed, error and warning counts, the rules broken."""
    with atomic_write(path, "w") as handle:
        out = csv.writer(handle)
        out.writerow(["path", "passed", "errors", "warnings", "rules"])
        for entry in report["files"]:
            vs = entry["violations"]
            out.writerow([entry["path"], "yes" if entry["passed"] else "no",
                          sum(v["severity"] == "error" for v in vs),
                          sum(v["severity"] == "warning" for v in vs),
                          " ".join(sorted({v["rule"] for v in vs}))])


def thumbnail(rgba: np.ndarray, violations: list[Violation], side: int = THUMB_SIDE) -> str:
    """A small JPEG data URI of the photo with each violation's box outlined."""
    h, w = rgba.shape[:2]
    factor = min(1.0, side / max(h, w))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    alpha = rgba[..., 3:4].astype(np.float32) / 255
    rgb = (rgba[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    small = np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
    for v in violations:
        if v.box:
            x0, y0, x1, y1 = (int(round(c * factor)) for c in v.box)
            cv2.rectangle(small, (x0, y0), (max(x0, x1 - 1), max(y0, y1 - 1)),
                          _COLOURS.get(v.severity, (0, 0, 0)), 2)
    buffer = io.BytesIO()
    Image.fromarray(small, "RGB").save(buffer, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def write_html(path: Path, report: dict[str, Any], thumbs: dict[str, str]) -> None:
    """A self-contained page: a summary, then per file its thumbnail and violations."""
    files = report["files"]
    failed = sum(not e["passed"] for e in files)
    rows = []
    for entry in files:
        thumb = thumbs.get(entry["path"])
        img = f'<img src="{thumb}" alt="">' if thumb else ""
        items = "".join(
            f'<li class="{html.escape(v["severity"])}"><b>{html.escape(v["rule"])}</b> '
            f'({html.escape(v["severity"])}): {html.escape(v["message"])}'
            + (f' <i>fix: {html.escape(v["fix"])}</i>' if v["fix"] else "") + "</li>"
            for v in entry["violations"])
        verdict = "passed" if entry["passed"] else "failed"
        rows.append(f'<tr class="{verdict}"><td>{img}</td><td><div class="path">'
                    f'{html.escape(entry["path"])}</div><div class="verdict">{verdict}</div>'
                    f'<ul>{items}</ul></td></tr>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Compliance report: {html.escape(report["profile"])}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
td {{ vertical-align: top; padding: 6px; border-bottom: 1px solid #ddd; }}
.failed .verdict {{ color: #c00; font-weight: bold; }}
.passed .verdict {{ color: #080; font-weight: bold; }}
li.error {{ color: #a00; }} li.warning {{ color: #a60; }} .path {{ font-family: monospace; }}
</style></head><body>
<h1>Compliance report: {html.escape(report["profile"])}</h1>
<p>{len(files)} files, {len(files) - failed} passed, {failed} failed.</p>
<table>{"".join(rows)}</table>
</body></html>
"""
    with atomic_write(path, "w") as handle:
        handle.write(page)
