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


def _main_parts(mask: np.ndarray) -> np.ndarray:
    """The largest part of a cutout mask, and the other large parts clear of the frame's
    edge (a patch of wood grain at the edge the cutout took for product is dropped, so it
    is not read as a product cut off there), as uint8 0/255."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    if count <= 2:
        return mask.astype(np.uint8) * 255
    h, w = mask.shape
    areas = stats[1:, cv2.CC_STAT_AREA]
    largest = int(np.argmax(areas)) + 1
    keep = np.zeros(count, bool)
    keep[largest] = True
    for i in range(1, count):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        at_edge = x <= 1 or y <= 1 or x + bw >= w - 1 or y + bh >= h - 1
        keep[i] |= area >= 0.25 * areas[largest - 1] and not at_edge
    return keep[labels].astype(np.uint8) * 255


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
