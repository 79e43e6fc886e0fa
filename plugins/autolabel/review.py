"""Reviewing pre-labels: what the confidence slider shows, accept, reject, and saving.

A pre-label keeps the detector's confidence as its score (below 1); accepting it sets the
score to 1.0, a person's word, which label files store without a score column (YOLO) or as
a plain box. Rejecting removes it. Qt-free: the editor's auto-label feature and scripts use
the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from editor.model.labels import convert
from editor.model.layers import Box

#: a box with this score was checked by a person
ACCEPTED = 1.0


def is_reviewed(box: Box) -> bool:
    """Whether a person has accepted (or drawn) the box."""
    return box.score >= ACCEPTED


def shown(boxes: Iterable[Box], conf: float) -> list[Box]:
    """The boxes a confidence slider at ``conf`` leaves visible: every reviewed box, and
    pre-labels at least that confident."""
    return [b for b in boxes if is_reviewed(b) or b.score >= conf]


def accept(boxes: list[Box], indices: Iterable[int]) -> list[Box]:
    """``boxes`` with those at ``indices`` marked as checked by a person."""
    out = list(boxes)
    for i in indices:
        out[i] = replace(out[i], score=ACCEPTED)
    return out


def reject(boxes: list[Box], indices: Iterable[int]) -> list[Box]:
    """``boxes`` without those at ``indices``."""
    gone = set(indices)
    return [b for i, b in enumerate(boxes) if i not in gone]


def save(image: Path, size: tuple[int, int], boxes: list[Box], root: Path,
         classes: list[str] | None = None) -> Path:
    """Write the boxes of ``image`` into annotation folder ``root`` in the folder's own
    label format (YOLO when it has none yet), atomically; returns the label file."""
    fmt = convert.detect_format(root) or "yolo"
    names = list(dict.fromkeys([*(classes or []), *(b.label for b in boxes)]))
    return convert.write_image(image, size, boxes, names, root, fmt)
