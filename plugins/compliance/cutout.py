"""The product on a busy backdrop: found by the cutout (the ``segment`` plugin), not by the
backdrop flood.

The flood of :mod:`.product` follows smooth colour changes from the frame's edge; on wood
grain, fabric or a shelf it stops at once, so the whole frame looked like product (no
background to judge, "cut off at every edge"). When the frame's outer band is mostly
off-white the backdrop is not a studio white, and the cutout finds the product instead; it
runs once per photo and its mask is shared by every rule and by the fixes. White shots never
run it (their flood works, and stays fast).
"""

from __future__ import annotations

import cv2
import numpy as np

from editor.tasks.api import Context, PluginError, QuietContext
from editor.tasks.chain import call_plugin, first_layer
from plugins.compliance.product import find_border, working_copy

#: share of the outer band's pixels that must be off-white for a busy backdrop
BUSY_SHARE = 0.5
#: a pixel is off-white when its lowest channel is below this
WHITE_LEVEL = 235


def busy_backdrop(rgb: np.ndarray) -> bool:
    """Whether the outer band (2 % of the short side) of an RGB image is mostly off-white."""
    h, w = rgb.shape[:2]
    band = max(2, int(0.02 * min(h, w)))
    edge = np.concatenate([rgb[:band].reshape(-1, 3), rgb[-band:].reshape(-1, 3),
                           rgb[:, :band].reshape(-1, 3), rgb[:, -band:].reshape(-1, 3)])
    return float((edge.min(axis=1) < WHITE_LEVEL).mean()) >= BUSY_SHARE


def needs_cutout(image: np.ndarray) -> bool:
    """Whether an RGBA photo's product must be found by the cutout: opaque, its outer band
    mostly off-white, and that band not a solid frame (the border rule's business)."""
    if (image[..., 3] < 255).any():
        return False
    small = working_copy(image[..., :3])[0]
    return busy_backdrop(small) and not find_border(small)


def product_mask(image: np.ndarray, ctx: Context | None = None) -> np.ndarray | None:
    """The cutout's product mask (uint8, image size) of an RGBA image, or None when the
    cutout is unavailable or finds nothing (the checks then fall back to the flood)."""
    try:
        result = call_plugin("segment", image, {"output": "mask"}, ctx or QuietContext())
    except PluginError:
        return None
    layer = first_layer(result, "mask")
    if layer is None or not (layer.data >= 128).any():
        return None
    return _main_parts(layer.data >= 128)


#: the opening that parts the product from backdrop clutter joined to it by a thin bridge
#: (a shelf's edge, a neighbour's rim), as a share of the frame's short side
BRIDGE = 0.03


def _at_edge(stats_row: np.ndarray, h: int, w: int) -> bool:
    x, y, bw, bh = (int(v) for v in stats_row[:4])
    return x <= 1 or y <= 1 or x + bw >= w - 1 or y + bh >= h - 1


def _main_parts(mask: np.ndarray) -> np.ndarray:
    """The product's parts of a cutout mask, as uint8 0/255.

    On a busy backdrop the cutout also takes other salient things: a patch of wood grain,
    the next products on a shelf. Taken for product, those reach the frame's edge and the
    product is called cut off. So parts that reach the edge are dropped when a large part
    clear of the edge is there (a quarter of the largest part's area or more): that one is
    the product; clutter joined to it by a thin bridge is parted first by an opening. With
    nothing clear of the edge, the largest part stays: the product is cut off indeed."""
    mask = mask.astype(bool)
    h, w = mask.shape
    size = max(3, int(BRIDGE * min(h, w)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(opened, 8)
    if count <= 1:
        return mask.astype(np.uint8) * 255
    areas = stats[1:, cv2.CC_STAT_AREA]
    largest = int(areas.max())
    clear = [i for i in range(1, count) if not _at_edge(stats[i], h, w)
             and stats[i, cv2.CC_STAT_AREA] >= 0.25 * largest]
    if clear:
        keep = np.zeros(count, bool)
        keep[clear] = True
        # back to the cutout's own outline: the opened parts, grown over what the opening
        # shaved off them, within the mask
        grown = cv2.dilate(keep[labels].astype(np.uint8), kernel) > 0
        _, labels2 = cv2.connectedComponents((mask & grown).astype(np.uint8), 8)
        seeds = np.unique(labels2[keep[labels]])
        return np.isin(labels2, seeds[seeds > 0]).astype(np.uint8) * 255
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    if count <= 1:
        return mask.astype(np.uint8) * 255
    biggest = int(np.argmax(stats[1:, cv2.CC_STAT_AREA])) + 1
    return (labels == biggest).astype(np.uint8) * 255


def on_white(image: np.ndarray, mask: np.ndarray, ctx: Context | None = None
             ) -> np.ndarray | None:
    """``image`` (RGBA) with everything but the product (``mask``) made pure white by the
    ``background`` plugin, no shadow; None when that plugin is unavailable."""
    params = {"background": "white", "shadow": "none", "harmonise": "off", "layers": "flat"}
    try:
        # the cutout's soft mask: its rim is un-mixed from the old backdrop, no halo
        result = call_plugin("background", image, params, ctx or QuietContext(), mask=mask)
    except PluginError:
        return None
    layer = first_layer(result, "raster")
    if layer is None:
        return None
    out = np.ascontiguousarray(layer.data, dtype=np.uint8)
    if out.shape[2] == 3:
        out = np.dstack([out, np.full(out.shape[:2], 255, np.uint8)])
    out[..., 3] = 255
    return out
