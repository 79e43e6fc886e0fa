"""What the user's box and clicks mean for a cutout.

- A box: the cutout looks only around it (the crop gives the network more pixels of the
  product) and keeps the parts mostly inside it.
- Positive clicks: keep the parts under them (a click on a part nothing found is grown
  from the click with GrabCut).
- Negative clicks: drop the parts under them; on a part that also holds a positive click,
  GrabCut re-cuts that part with the click as backdrop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from editor.tasks.api import Prompt

#: share of the box's size added around it when cropping
BOX_MARGIN = 0.12
#: parts smaller than this share of the working image are specks
SPECK = 0.002

Point = tuple[float, float]


@dataclass(frozen=True)
class Prompts:
    box: tuple[float, float, float, float] | None = None
    positive: list[Point] = field(default_factory=list)
    negative: list[Point] = field(default_factory=list)

    @classmethod
    def from_request(cls, prompts: Sequence[Prompt], w: int, h: int) -> Prompts:
        """The last box (clipped to the image, corners in any order) and every click."""
        box = None
        positive: list[Point] = []
        negative: list[Point] = []
        for p in prompts:
            if p.kind == "box" and len(p.coords) >= 4:
                xa, ya, xb, yb = (float(v) for v in p.coords[:4])
                bx0, bx1 = sorted((np.clip(xa, 0, w), np.clip(xb, 0, w)))
                by0, by1 = sorted((np.clip(ya, 0, h), np.clip(yb, 0, h)))
                if bx1 - bx0 >= 2 and by1 - by0 >= 2:
                    box = (float(bx0), float(by0), float(bx1), float(by1))
            elif p.kind == "point" and len(p.coords) >= 2:
                x, y = float(p.coords[0]), float(p.coords[1])
                if 0 <= x < w and 0 <= y < h:
                    (positive if p.positive else negative).append((x, y))
        return cls(box, positive, negative)

    def shifted(self, dx: float, dy: float) -> Prompts:
        return self.scaled(1.0, 1.0, dx, dy)

    def scaled(self, sx: float, sy: float, dx: float = 0.0, dy: float = 0.0) -> Prompts:
        def pt(p: Point) -> Point:
            return ((p[0] + dx) * sx, (p[1] + dy) * sy)

        box = None
        if self.box is not None:
            x0, y0, x1, y1 = self.box
            box = ((x0 + dx) * sx, (y0 + dy) * sy, (x1 + dx) * sx, (y1 + dy) * sy)
        return replace(self, box=box, positive=[pt(p) for p in self.positive],
                       negative=[pt(p) for p in self.negative])


def crop_region(prompts: Prompts, selection: np.ndarray | None, w: int,
                h: int) -> tuple[int, int, int, int]:
    """The part of the image to cut out from: around the box, else the selection's
    bounding box, else everything."""
    if prompts.box is not None:
        x0, y0, x1, y1 = prompts.box
    elif selection is not None and (selection >= 128).any():
        rows = np.flatnonzero((selection >= 128).any(axis=1))
        cols = np.flatnonzero((selection >= 128).any(axis=0))
        x0, y0, x1, y1 = cols[0], rows[0], cols[-1] + 1, rows[-1] + 1
    else:
        return 0, 0, w, h
    mx, my = BOX_MARGIN * (x1 - x0) + 4, BOX_MARGIN * (y1 - y0) + 4
    rx0, ry0 = int(max(0, np.floor(x0 - mx))), int(max(0, np.floor(y0 - my)))
    rx1, ry1 = int(min(w, np.ceil(x1 + mx))), int(min(h, np.ceil(y1 + my)))
    if rx1 - rx0 < 8 or ry1 - ry0 < 8:  # too small to cut from: use the whole image
        return 0, 0, w, h
    return rx0, ry0, rx1, ry1


def speck_area(h: int, w: int, share: float = SPECK) -> float:
    """Parts smaller than this many pixels are specks: ``share`` of the frame, or of a
    window three short sides long in a long strip."""
    short, long = min(h, w), max(h, w)
    return max(1.0, share * short * min(long, 3 * short))


def _inside(labels: np.ndarray, p: Point) -> int:
    h, w = labels.shape
    x, y = min(w - 1, max(0, int(p[0]))), min(h - 1, max(0, int(p[1])))
    return int(labels[y, x])


def _near(labels: np.ndarray, p: Point) -> int:
    """The part under ``p``, else the most common part within a click's reach of it (the
    classical path has already cut a negative click's own pixels out of its part)."""
    c = _inside(labels, p)
    if c:
        return c
    h, w = labels.shape
    r = max(3, round(0.025 * max(h, w)))
    x, y = int(p[0]), int(p[1])
    window = labels[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1]
    found = window[window > 0]
    return int(np.bincount(found).argmax()) if found.size else 0


def select_components(prob: np.ndarray, seeds: Prompts, rgb: np.ndarray,
                      classical: Callable[[], np.ndarray] | None) -> np.ndarray:
    """``prob`` (working size) with the parts the prompts rule out set to zero.

    ``classical`` is the classical path bound to the same seeds, used to grow a part from
    a positive click the first pass missed; None when ``prob`` already came from it."""
    prob = prob.astype(np.float32, copy=True)
    h, w = prob.shape
    hard = (prob >= 0.5).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hard, connectivity=8)
    keep = np.ones(n, bool)
    keep[0] = False
    area = stats[:, cv2.CC_STAT_AREA]
    clicked = {_inside(labels, p) for p in seeds.positive} - {0}
    keep[1:] &= area[1:] >= speck_area(h, w)
    for c in clicked:
        keep[c] = True
    if seeds.box is not None:
        x0, y0, x1, y1 = (int(round(v)) for v in seeds.box)
        in_box = np.zeros((h, w), bool)
        in_box[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = True
        inside = np.bincount(labels[in_box].ravel(), minlength=n)
        keep[1:] &= inside[1:] >= 0.5 * area[1:]
        for c in clicked:
            keep[c] = True
        margin = 0.03 * max(x1 - x0, y1 - y0) + 2
        allowed = np.zeros((h, w), bool)
        allowed[max(0, int(y0 - margin)):int(y1 + margin),
                max(0, int(x0 - margin)):int(x1 + margin)] = True
        prob[~allowed] = 0
    if seeds.positive:
        only = np.zeros(n, bool)
        only[list(clicked)] = True
        keep &= only
    regrow = False
    for p in seeds.negative:
        c = _near(labels, p)
        if c == 0:
            continue
        if c in clicked and classical is not None:
            regrow = True
        elif c in clicked:
            pass  # classical path: GrabCut already had the click as backdrop
        else:
            keep[c] = False
    missed = [p for p in seeds.positive if _inside(labels, p) == 0]
    # parts outside the kept set vanish; soft values around kept parts stay
    drop = ~keep[labels] & (labels > 0)
    region = cv2.dilate(drop.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    near_kept = cv2.dilate((keep[labels] & (labels > 0)).astype(np.uint8),
                           np.ones((5, 5), np.uint8)).astype(bool)
    prob[region & ~near_kept] = 0
    prob[drop] = 0
    if not keep.any() and not missed:
        prob[:] = np.where(labels > 0, 0, np.minimum(prob, 0.49))
    if (missed or regrow) and classical is not None:
        grown = classical()
        g_hard = (grown >= 0.5).astype(np.uint8)
        _, g_labels = cv2.connectedComponents(g_hard, connectivity=8)
        wanted = {_inside(g_labels, p) for p in seeds.positive} - {0}
        part = np.isin(g_labels, list(wanted)) if wanted else np.zeros_like(g_hard, bool)
        if regrow:
            for c in clicked:
                prob[labels == c] = 0
        prob = np.maximum(prob, np.where(part, grown, 0))
    return prob
