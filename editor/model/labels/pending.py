"""Pre-labels nobody has accepted yet, kept apart from the labels: ``<stem>.scores.json``.

A dataset's label files hold only what a person checked (plain 5-column YOLO, which
labelImg, Ultralytics and every YOLO reader take; plain VOC, COCO and labelme boxes). A
pre-label the detector proposed keeps its confidence and waits in a *sidecar* beside the
image's label file until the annotator accepts it (then it moves into the label file) or
rejects it (then it is gone), so the review state survives closing the editor without a
guess ever passing for a label.

The sidecar is JSON ``{"lightbox": "prelabels/1", "image": NAME, "size": [w, h],
"prelabels": [{"label": ..., "box": [x0, y0, x1, y1], "score": ...}, ...]}`` in pixels of
the upright image; its keys are chosen so no COCO or labelme folder scan takes it for one
of theirs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from editor.model.atomic import atomic_write
from editor.model.labels.common import Problem, clean_name
from editor.model.layers import Box

SUFFIX = ".scores.json"
TAG = "prelabels/1"


def sidecar_path(label: Path, image: Path) -> Path:
    """Where the pre-labels of ``image`` wait, beside its label file ``label``."""
    return label.parent / f"{image.stem}{SUFFIX}"


def is_sidecar(path: Path) -> bool:
    """Whether ``path`` is a pre-label sidecar (so folder scans can skip it)."""
    return path.name.endswith(SUFFIX)


def read(path: Path, size: tuple[int, int], problems: list[Problem]) -> list[Box]:
    """The pending pre-labels in sidecar ``path`` (none when there is no file); a damaged
    sidecar is a Problem and gives none, never an exception."""
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text("utf-8"))
        entries = data["prelabels"] if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ValueError("expected a list 'prelabels'")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, RecursionError) as exc:
        problems.append(Problem(path, f"pre-labels cannot be read ({exc}); they are left out"))
        return []
    width, height = size
    boxes: list[Box] = []
    for entry in entries:
        try:
            x0, y0, x1, y1 = (float(v) for v in entry["box"])
            score = float(entry["score"])
            label = clean_name(entry["label"])
        except (TypeError, ValueError, KeyError):
            continue
        values = (x0, y0, x1, y1, score)
        if label and all(math.isfinite(v) for v in values) and 0 <= score < 1 \
                and x1 > x0 and y1 > y0:
            boxes.append(Box(max(0.0, x0), max(0.0, y0), min(float(width), x1),
                             min(float(height), y1), label, score))
    return boxes


def write(path: Path, image: Path, size: tuple[int, int], boxes: list[Box]) -> None:
    """Keep ``boxes`` (pre-labels, scores below 1) in sidecar ``path``, atomically; no
    boxes removes the sidecar."""
    if not boxes:
        path.unlink(missing_ok=True)
        return
    data = {"lightbox": TAG, "image": image.name, "size": list(size),
            "prelabels": [{"label": b.label, "box": [b.x0, b.y0, b.x1, b.y1],
                           "score": b.score} for b in boxes]}
    with atomic_write(path, "w") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
