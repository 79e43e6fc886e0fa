"""Brush refine of a cutout mask (the Cutout tool's add / subtract brush): does edge snap
fix a mask better than a plain brush, and is a stroke fast enough to apply on release?

Quality, on ``segmentation/sod-dev`` (true masks): for each photo a simulated correction.
*add*: a strip along the object's edge is missing from the mask, and the user paints it back
with a brush whose centre runs 0.4 radius inside the edge, so the brush spills 0.6 radius
onto the background. *subtract*: the mask spills over the edge, and the user removes the
spill with the centre 0.4 radius outside, so the brush reaches 0.6 radius into the object.
Figure: IoU with the true mask inside the stroke's bounding box after the edge-snapped
stroke; baseline: the same stroke painted as a plain brush.

Speed: one 300 px stroke of radius 30 on the photo scaled to 2000 px, in milliseconds
(the tool applies it on mouse release on the GUI thread, so it must stay well under 50 ms);
baseline: the plain brush stroke.
"""

from __future__ import annotations

import cv2
import numpy as np

from bench.common import Report, timed
from editor.model.imageio import load_image
from editor.training.metrics import iou
from plugins.segment.refine import apply_stroke, refine_stroke, stroke_rect

RADIUS = 12
#: how far the stroke's centre line runs from the edge, in brush radii
OFFSET = 0.4
STROKE_POINTS = 30
SPEED_SIDE = 2000
SPEED_RADIUS = 30


def _contour(mask: np.ndarray) -> np.ndarray | None:
    """The longest outer contour of ``mask`` (bool) as (N, 2) float points x, y."""
    found, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not found:
        return None
    longest = max(found, key=len)
    return longest[:, 0, :].astype(np.float64) + 0.5  # pixel centres


def _parallel_path(truth: np.ndarray, offset: float, rng: np.random.Generator,
                   points: int = STROKE_POINTS) -> list[tuple[float, float]] | None:
    """A stroke path of ``points`` points 3 px apart along the object's edge, ``offset``
    pixels inside it (negative: outside), taken from the contour of the eroded (dilated)
    mask; never along the photo's border, where the mask has no real edge."""
    k = max(1, round(abs(offset)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1))
    shape = truth.astype(np.uint8)
    moved = cv2.erode(shape, kernel) if offset > 0 else cv2.dilate(shape, kernel)
    contour = _contour(moved > 0)
    span = 3 * points
    if contour is None or len(contour) < 2 * span:
        return None
    h, w = truth.shape
    margin = 2 * k + RADIUS
    inside = ((contour[:, 0] > margin) & (contour[:, 0] < w - margin)
              & (contour[:, 1] > margin) & (contour[:, 1] < h - margin))
    for _ in range(50):
        start = int(rng.integers(0, len(contour)))
        picked = (start + 3 * np.arange(points)) % len(contour)
        if inside[picked].all():
            return [(float(x), float(y)) for x, y in contour[picked]]
    return None


def _swept(shape: tuple[int, int], path: list[tuple[float, float]], radius: float) -> np.ndarray:
    """The pixels a plain brush of ``radius`` covers along ``path``."""
    empty = np.zeros(shape, np.uint8)
    full = np.full(shape, 255, np.uint8)
    return apply_stroke(full[..., None].repeat(4, axis=2), empty, path, radius, add=True,
                        snap=False) > 127


def _local_iou(mask: np.ndarray, truth: np.ndarray, rect: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = rect
    return iou(mask[y0:y1, x0:x1], truth[y0:y1, x0:x1].astype(np.uint8) * 255)


def _correction(image: np.ndarray, truth: np.ndarray, add: bool,
                rng: np.random.Generator) -> tuple[float, float] | None:
    """(IoU snapped, IoU plain) for one simulated add or subtract correction."""
    offset = OFFSET * RADIUS if add else -OFFSET * RADIUS
    path = _parallel_path(truth, offset, rng)
    if path is None:
        return None
    swept = _swept(truth.shape, path, RADIUS)
    wrong = truth & ~swept if add else truth | swept  # the mask before the correction
    before = wrong.astype(np.uint8) * 255
    rect = stroke_rect(path, RADIUS, truth.shape, margin=2)
    if rect is None:
        return None
    scores = []
    for snap in (True, False):
        after = apply_stroke(image, before, path, RADIUS, add=add, snap=snap)
        scores.append(_local_iou(after, truth, rect))
    return scores[0], scores[1]


def _speed(report: Report, image: np.ndarray, truth: np.ndarray) -> None:
    h, w = truth.shape
    scale = SPEED_SIDE / max(h, w)
    size = (round(w * scale), round(h * scale))
    big = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
    big_truth = cv2.resize(truth.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    rng = np.random.default_rng(7)
    path = _parallel_path(big_truth, OFFSET * SPEED_RADIUS, rng, points=100)  # ~300 px
    if path is None:
        report.skip("segment/refine speed", "the object's edge is too short for a stroke")
        return
    mask = (big_truth & ~_swept(big_truth.shape, path, SPEED_RADIUS)).astype(np.uint8) * 255
    runs = {}
    for snap in (True, False):
        _, seconds = timed(lambda s=snap: refine_stroke(big, mask, path, SPEED_RADIUS, add=True,
                                                        snap=s), repeat=5)
        runs[snap] = seconds * 1000
    report.figure("segment/refine", f"sod-dev-{SPEED_SIDE}px", f"stroke-r{SPEED_RADIUS}",
                  "time", runs[True], "ms", "plain-brush", runs[False])


def run(report: Report) -> None:
    """IoU of snapped vs plain add/subtract strokes on sod-dev, and a stroke's time."""
    root = report.folder("segment/refine", "segmentation", "sod-dev")
    if root is None:
        return
    images = report.limit(sorted((root / "images").glob("*.jpg")))
    rng = np.random.default_rng(0)
    scores: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    first: tuple[np.ndarray, np.ndarray] | None = None
    mismatched = 0
    for path in images:
        mask_path = root / "masks" / f"{path.stem}.png"
        if not mask_path.is_file():
            continue
        image = load_image(path).pixels
        truth = load_image(mask_path).pixels[..., 0] > 127
        if truth.shape != image.shape[:2]:
            mismatched += 1  # some masks of this set are stored turned; not guessed here
            continue
        if first is None:
            first = (image, truth)
        for add in (True, False):
            pair = _correction(image, truth, add, rng)
            if pair is not None:
                scores[add].append(pair)
    if mismatched:
        report.note(f"segment/refine: {mismatched} of {len(images)} sod-dev masks differ in "
                    "size from their photo (stored turned); left out")
    for add, name in ((True, "add"), (False, "subtract")):
        if not scores[add]:
            report.skip(f"segment/refine {name}", "no object with an edge long enough")
            continue
        snapped, plain = np.mean(scores[add], axis=0)
        report.figure("segment/refine", "sod-dev", f"{name}-r{RADIUS}", "local-iou",
                      snapped, "-", "plain-brush", plain)
    if first is not None:
        _speed(report, *first)
