"""The pixel rules, measured on the analysed working copy (:class:`~.product.Frame`).

Each function takes the rule, its thresholds, the shared inspection and a constructor for
violations, and returns the violations found (an empty list when the rule is kept).
Boxes are converted to image pixels here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from plugins.compliance.product import Box, bounding_box, components, off_product

if TYPE_CHECKING:
    from plugins.compliance.checks import Inspection, Violation
    from plugins.compliance.profiles import Rule

    Make = Callable[..., list[Violation]]

#: below this grey-level contrast (2nd to 98th percentile) text is faint: a watermark
FAINT_CONTRAST = 110
#: off-white pixels this close to the product (share of its longest side) may be its shadow
SHADOW_REACH = 0.15
#: working pixels of product at a frame edge that make a cut, however short the edge share
CUT_PIXELS = 3


def ratio(text: str) -> float:
    """``"1:1.44"`` -> width / height = 0.694."""
    w, h = (float(v) for v in text.split(":"))
    return w / h


def box_of(mask: np.ndarray) -> list[int] | None:
    """Tight box of an image-size mask as a list, or None."""
    box = bounding_box(mask)
    return None if box is None else list(box)


def _image_box(ins: Inspection, box: Box) -> list[int]:
    return ins.frame.to_image(box, ins.shape)


def _working_box(ins: Inspection, box: tuple[int, int, int, int]) -> Box:
    s = ins.frame.scale
    h, w = ins.frame.product.shape
    x0, y0, x1, y1 = box
    return (max(0, int(x0 / s)), max(0, int(y0 / s)), min(w, int(np.ceil(x1 / s))),
            min(h, int(np.ceil(y1 / s))))


def _covered(mask: np.ndarray, box: Box) -> float:
    x0, y0, x1, y1 = box
    region = mask[y0:y1, x0:x1]
    return float(region.mean()) if region.size else 0.0


def _contrast(ins: Inspection, box: Box) -> float:
    x0, y0, x1, y1 = box
    region = ins.frame.rgb[y0:y1, x0:x1]
    if region.size == 0:
        return 0.0
    grey = region.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    low, high = np.percentile(grey, [2, 98])
    return float(high - low)


def _text_boxes(ins: Inspection) -> list[Box]:
    """Detected text boxes in working pixels, without specks under 1 % of the height."""
    h = ins.frame.product.shape[0]
    boxes = [_working_box(ins, t.box) for t in ins.text]
    return [b for b in boxes if b[3] - b[1] >= 0.01 * h]


def _off_product_text(ins: Inspection) -> list[tuple[Box, float]]:
    """Text boxes (working pixels) on the background, with their contrast. Text mostly
    inside the product's hull is its print: on a white carton the backdrop estimate runs
    into the pale face, and the words printed there would otherwise read as added text."""
    product = ins.frame.product
    hull = _hull(product)
    return [(b, _contrast(ins, b)) for b in _text_boxes(ins)
            if off_product(b, product) and _covered(hull, b) < 0.5]


#: how far (share) the heights / widths of a tiled watermark's lines may differ
TILED_HEIGHT, TILED_WIDTH = 0.3, 0.1


def _tiled_text(ins: Inspection) -> list[Box]:
    """Boxes of a tiled watermark: at least three lines of the same text (one height and one
    width) stacked over a large part of the frame. A package's own print stacks lines too
    (a milk carton's "EKOLOGISK / MELLAN / MJÖLK") but they are words of different widths."""
    boxes = sorted(_text_boxes(ins), key=lambda b: b[1])
    h = ins.frame.product.shape[0]
    for first in boxes:
        height, width = first[3] - first[1], first[2] - first[0]
        same = [b for b in boxes if abs((b[3] - b[1]) / height - 1) < TILED_HEIGHT
                and abs((b[2] - b[0]) / width - 1) < TILED_WIDTH]
        tops, widths = [b[1] for b in same], [b[2] - b[0] for b in same]
        if (len(same) >= 3 and tops[-1] - tops[0] >= 0.4 * h
                and max(widths) <= (1 + TILED_WIDTH) * min(widths)):
            return same
    return []


#: share of the product's size by which its hull is widened before judging the background
HULL_MARGIN = 0.03


def _hull(product: np.ndarray) -> np.ndarray:
    """The filled convex hull of the product's pixels, widened by 3 % of its size for the
    pale rim the estimate misses (False everywhere if there is no product)."""
    hull = np.zeros(product.shape, np.uint8)
    points = cv2.findNonZero(product.astype(np.uint8))
    if points is None or len(points) < 3:
        return hull.astype(bool)
    cv2.fillConvexPoly(hull, cv2.convexHull(points), 1)
    x, y, w, h = cv2.boundingRect(points)
    margin = max(2, round(HULL_MARGIN * max(w, h)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1, 2 * margin + 1))
    return cv2.dilate(hull, kernel) > 0


def background_white(rule: Rule, p: dict[str, Any], ins: Inspection, make: Make
                     ) -> list[Violation]:
    frame = ins.frame
    tol = int(p.get("tolerance", 10))
    x0, y0, x1, y1 = frame.inner
    if frame.border:  # JPEG bleeds a frame's colour some 8 image pixels into the photo
        bleed = int(np.ceil(8 / frame.scale))
        x0, y0, x1, y1 = x0 + bleed, y0 + bleed, x1 - bleed, y1 - bleed
    rgb = frame.rgb
    lowest = rgb.min(axis=2)
    off = lowest < 255 - tol
    product = frame.product
    near = cv2.dilate(product.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    # inside the product's outline a pale product (garlic, cream packaging) lets the
    # background estimate leak in; judge the background outside the product's hull
    background = frame.background & ~near & ~_hull(product)
    inner = np.zeros_like(off)
    inner[y0:y1, x0:x1] = True
    background &= inner
    for bx0, by0, bx1, by1 in (b for b, _ in _off_product_text(ins)):
        background[by0:by1, bx0:bx1] = False  # text is the text rules' business
    edge = inner & ~cv2.erode(inner.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    edge_off = float(off[edge & ~product].mean()) if (edge & ~product).any() else 0.0
    bad = off & background
    if product.any() and bad.any():
        box = bounding_box(product)
        assert box is not None
        reach = SHADOW_REACH * max(box[2] - box[0], box[3] - box[1])
        distance = cv2.distanceTransform((~product).astype(np.uint8), cv2.DIST_L2, 3)
        chroma = rgb.max(axis=2).astype(np.int16) - lowest
        shadow = (distance <= reach) & (chroma < 16)
        bad &= ~shadow
    share = float(bad.sum()) / max(1, int(background.sum()))
    limit = float(p.get("max_off_white", 0.01))
    if share <= limit and edge_off <= 0.5:
        return []
    where = bad if bad.any() else (edge & off)
    sample = np.median(rgb[where], axis=0).astype(int) if where.any() else None
    colour = "" if sample is None else f" (around RGB {sample[0]}, {sample[1]}, {sample[2]})"
    amount = max(share, edge_off)
    wbox = bounding_box(where)
    return make(rule, f"The background is not pure white: {amount:.0%} of it is off-white"
                      f"{colour}. It must be RGB 255, 255, 255.",
                _image_box(ins, wbox) if wbox else None)


def _product_box(ins: Inspection) -> Box | None:
    return bounding_box(ins.frame.product)


def fill_ratio(rule: Rule, p: dict[str, Any], ins: Inspection, make: Make) -> list[Violation]:
    box = _product_box(ins)
    x0, y0, x1, y1 = ins.frame.inner
    if box is None:
        return make(rule, "No product was found in the photo.")
    fill = product_fill(box, (x1 - x0, y1 - y0), p.get("mode", "longest_side"))
    what = "of the frame's longest side" if p.get("mode", "longest_side") == "longest_side" \
        else "of the frame's area"
    low, high = float(p.get("min", 0.0)), float(p.get("max", 1.0))
    if fill < low:
        return make(rule, f"The product fills {fill:.0%} {what}; it should fill at least "
                          f"{low:.0%}.", _image_box(ins, box))
    if fill > high:
        return make(rule, f"The product fills {fill:.0%} {what}; it should fill at most "
                          f"{high:.0%}.", _image_box(ins, box))
    return []


def product_fill(box: Box, frame: tuple[int, int], mode: str) -> float:
    """Share of the frame ``(w, h)`` the product box covers, by longest side or by area."""
    bw, bh = box[2] - box[0], box[3] - box[1]
    w, h = frame
    if mode == "area":
        return bw * bh / max(1, w * h)
    return max(bw / max(1, w), bh / max(1, h))


def product_cropped(rule: Rule, p: dict[str, Any], ins: Inspection, make: Make
                    ) -> list[Violation]:
    x0, y0, x1, y1 = ins.frame.inner
    product = ins.frame.product[y0:y1, x0:x1]
    if product.size == 0:
        return []
    least = float(p.get("min_edge_fraction", 0.01))
    # product within edge_margin_px image pixels of an edge (the research's 2 px: the cut
    # edge itself can blend into the backdrop); a cable or a corner cut touches the edge
    # over only a few pixels, so CUT_PIXELS of product there count as cut too
    m = max(1, round(float(p.get("edge_margin_px", 2)) / ins.frame.scale))
    sides = {"top": product[:m].any(axis=0), "bottom": product[-m:].any(axis=0),
             "left": product[:, :m].any(axis=1), "right": product[:, -m:].any(axis=1)}
    cut = [name for name, line in sides.items()
           if line.mean() >= least or line.sum() >= CUT_PIXELS]
    if not cut:
        return []
    boxes = {"top": (x0, y0, x1, y0 + 1), "bottom": (x0, y1 - 1, x1, y1),
             "left": (x0, y0, x0 + 1, y1), "right": (x1 - 1, y0, x1, y1)}
    pbox = bounding_box(ins.frame.product)
    assert pbox is not None
    edges = [boxes[c] for c in cut]
    box = (max(pbox[0], min(b[0] for b in edges)), max(pbox[1], min(b[1] for b in edges)),
           min(pbox[2], max(b[2] for b in edges)), min(pbox[3], max(b[3] for b in edges)))
    return make(rule, f"The product is cut off at the {' and '.join(cut)} edge; show all of "
                      "it with some white space around it.", _image_box(ins, box))


def border(rule: Rule, _: dict[str, Any], ins: Inspection, make: Make) -> list[Violation]:
    width = ins.frame.border
    if width <= 0:
        return []
    h, w = ins.shape
    px = int(round(width * ins.frame.scale))
    return make(rule, f"A {px} px frame surrounds the photo; remove the border.", [0, 0, w, h])


def text_overlay(rule: Rule, _: dict[str, Any], ins: Inspection, make: Make
                 ) -> list[Violation]:
    tiled = set(_tiled_text(ins))
    boxes = [b for b, contrast in _off_product_text(ins)
             if contrast >= FAINT_CONTRAST and b not in tiled]
    if not boxes:
        return []
    union = _union(boxes)
    return make(rule, f"{len(boxes)} area(s) of added text outside the product; text is only "
                      "allowed when printed on the product itself.", _image_box(ins, union))


def watermark(rule: Rule, _: dict[str, Any], ins: Inspection, make: Make) -> list[Violation]:
    boxes = [b for b, contrast in _off_product_text(ins) if 8 <= contrast < FAINT_CONTRAST]
    boxes += _tiled_text(ins)
    if not boxes:
        return []
    return make(rule, "A faint, see-through watermark (text or logo) is over the photo; "
                      "remove it.", _image_box(ins, _union(boxes)))


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def collage(rule: Rule, p: dict[str, Any], ins: Inspection, make: Make) -> list[Violation]:
    parts = components(ins.frame.product, 0.01)
    if not parts:
        return []
    largest = parts[0][1]
    views = [box for box, area in parts if area >= 0.25 * largest]
    if len(views) < int(p.get("min_views", 2)):
        return []
    return make(rule, f"{len(views)} separate views or items are shown; the main photo "
                      "should show one product, once.", _image_box(ins, _union(views)))


def sharpness(grey: np.ndarray) -> float:
    """1 minus the no-reference blur estimate of Crete et al. (2007): how much a 9-pixel
    re-blur still changes the image. Sharp photos score near 0.5 or above, blurred ones
    near 0."""
    f = grey.astype(np.float32)
    scores = []
    for axis in (0, 1):
        kernel = (9, 1) if axis == 0 else (1, 9)
        b = cv2.blur(f, kernel[::-1])
        d_f = np.abs(np.diff(f, axis=axis))
        d_b = np.abs(np.diff(b, axis=axis))
        total = float(d_f.sum())
        if total <= 0:
            return 1.0
        scores.append(float(np.maximum(0, d_f - d_b).sum()) / total)
    return min(scores)


def blur(rule: Rule, p: dict[str, Any], ins: Inspection, make: Make) -> list[Violation]:
    box = _product_box(ins) or ins.frame.inner
    x0, y0, x1, y1 = box
    pad = 8
    h, w = ins.frame.product.shape
    region = ins.frame.rgb[max(0, y0 - pad):min(h, y1 + pad), max(0, x0 - pad):min(w, x1 + pad)]
    if min(region.shape[:2]) < 16:
        return []
    score = sharpness(cv2.cvtColor(region, cv2.COLOR_RGB2GRAY))
    least = float(p.get("min_sharpness", 0.3))
    if score >= least:
        return []
    return make(rule, f"The product looks blurred (sharpness {score:.2f}, at least "
                      f"{least:.2f} expected); use a sharp photo.", _image_box(ins, box))
