"""Small random changes to training images that keep image and target aligned.

Each geometric function moves the image, its *target* (a mask or any array with the image's
height and width, or None) and its boxes (pixel :class:`~editor.model.layers.Box`\\ es, or
None) together, and returns them as an :class:`Aligned` triple. Everything random comes from
the ``rng`` passed in, so a seeded ``np.random.default_rng(seed)`` gives the same result
every run. Images are ``(H, W)`` or ``(H, W, C)`` arrays, usually ``uint8`` RGBA.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from editor.model.layers import Box

#: a crop keeps a box when at least this share of the box's area is still inside
MIN_VISIBLE = 0.3


class Aligned(NamedTuple):
    """An image with its target and boxes after the same change."""

    image: np.ndarray
    target: np.ndarray | None
    boxes: list[Box] | None


def random_crop(
    image: np.ndarray, target: np.ndarray | None, size: int | tuple[int, int],
    rng: np.random.Generator, boxes: list[Box] | None = None,
) -> Aligned:
    """A random ``size`` (``(width, height)``, or one number for a square) window.

    An image smaller than the window is padded with zeros on the right and bottom first.
    Boxes are shifted and clipped to the window; a box keeps its place only while at least
    :data:`MIN_VISIBLE` of its area is inside.
    """
    _check(image, target)
    width, height = (size, size) if isinstance(size, int) else size
    if width < 1 or height < 1:
        raise ValueError(f"crop size must be at least 1x1, got {width}x{height}")
    image, target = _pad_to(image, width, height), _pad_to(target, width, height)
    x = int(rng.integers(0, image.shape[1] - width + 1))
    y = int(rng.integers(0, image.shape[0] - height + 1))
    window = (slice(y, y + height), slice(x, x + width))
    cropped = None if target is None else np.ascontiguousarray(target[window])
    return Aligned(np.ascontiguousarray(image[window]), cropped,
                   None if boxes is None else _crop_boxes(boxes, x, y, width, height))


def random_flip(
    image: np.ndarray, target: np.ndarray | None, rng: np.random.Generator,
    boxes: list[Box] | None = None, *, horizontal: float = 0.5, vertical: float = 0.0,
) -> Aligned:
    """Mirror left-right with probability ``horizontal`` and upside-down with ``vertical``.

    Product photos are rarely seen upside down, so ``vertical`` is off by default.
    """
    _check(image, target)
    height, width = image.shape[:2]
    # both draws are always taken so one setting does not change the other's randomness
    flip_x, flip_y = rng.random() < horizontal, rng.random() < vertical
    if flip_x:
        image = image[:, ::-1]
        target = None if target is None else target[:, ::-1]
        boxes = None if boxes is None else [
            _moved(b, width - b.x1, b.y0, width - b.x0, b.y1) for b in boxes]
    if flip_y:
        image = image[::-1]
        target = None if target is None else target[::-1]
        boxes = None if boxes is None else [
            _moved(b, b.x0, height - b.y1, b.x1, height - b.y0) for b in boxes]
    return Aligned(np.ascontiguousarray(image),
                   None if target is None else np.ascontiguousarray(target), boxes)


def random_scale(
    image: np.ndarray, target: np.ndarray | None, rng: np.random.Generator,
    boxes: list[Box] | None = None, *, low: float = 0.75, high: float = 1.25,
    smooth_target: bool = False,
) -> Aligned:
    """Resize by one random factor between ``low`` and ``high`` (the same along both axes).

    The image is resampled smoothly; the target by nearest neighbour unless
    ``smooth_target``, so binary masks stay binary and label ids stay valid.
    """
    _check(image, target)
    if not 0 < low <= high:
        raise ValueError(f"scale range must satisfy 0 < low <= high, got {low}..{high}")
    factor = float(rng.uniform(low, high))
    height, width = image.shape[:2]
    new_w, new_h = max(1, round(width * factor)), max(1, round(height * factor))
    shrink = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    scaled = _resize(image, new_w, new_h, shrink)
    if target is not None:
        target = _resize(target, new_w, new_h, shrink if smooth_target else cv2.INTER_NEAREST)
    if boxes is not None:
        sx, sy = new_w / width, new_h / height
        boxes = [_moved(b, b.x0 * sx, b.y0 * sy, b.x1 * sx, b.y1 * sy) for b in boxes]
    return Aligned(scaled, target, boxes)


def colour_jitter(image: np.ndarray, rng: np.random.Generator, strength: float = 0.2) -> np.ndarray:
    """Random brightness, contrast and saturation, each changed by up to ``strength``
    (0.2 = plus or minus 20 %). Alpha, if any, is kept; ``strength`` 0 changes nothing."""
    if strength < 0:
        raise ValueError(f"strength must be 0 or more, got {strength}")
    brightness, contrast, saturation = rng.uniform(1 - strength, 1 + strength, size=3)
    if image.ndim == 2 or image.shape[2] < 3:
        colour = image.astype(np.float32)
        saturation = 1.0  # grey has no saturation to change
    else:
        colour = image[..., :3].astype(np.float32)
    colour *= brightness
    colour = (colour - colour.mean()) * contrast + colour.mean()
    if saturation != 1.0:
        grey = colour @ np.array([0.299, 0.587, 0.114], np.float32)
        colour = (colour - grey[..., None]) * saturation + grey[..., None]
    out = image.copy()
    changed = np.clip(np.rint(colour), 0, 255).astype(image.dtype)
    if image.ndim == 2 or image.shape[2] < 3:
        return changed
    out[..., :3] = changed
    return out


# -- helpers -----------------------------------------------------------------------------
def _check(image: np.ndarray, target: np.ndarray | None) -> None:
    if image.ndim not in (2, 3):
        raise ValueError(f"expected an (H, W) or (H, W, C) image, got shape {image.shape}")
    if target is not None and target.shape[:2] != image.shape[:2]:
        raise ValueError(f"target is {target.shape[1]}x{target.shape[0]} pixels but the image "
                         f"is {image.shape[1]}x{image.shape[0]}; they must match")


def _pad_to(array: np.ndarray | None, width: int, height: int) -> np.ndarray | None:
    if array is None or (array.shape[0] >= height and array.shape[1] >= width):
        return array
    pad = [(0, max(0, height - array.shape[0])), (0, max(0, width - array.shape[1]))]
    return np.pad(array, pad + [(0, 0)] * (array.ndim - 2))


def _resize(array: np.ndarray, width: int, height: int, interpolation: int) -> np.ndarray:
    resized = cv2.resize(array, (width, height), interpolation=interpolation)
    return resized.reshape(height, width, *array.shape[2:])  # cv2 drops a 1-channel axis


def _crop_boxes(boxes: list[Box], x: int, y: int, width: int, height: int) -> list[Box]:
    kept = []
    for b in boxes:
        x0, y0 = max(b.x0 - x, 0.0), max(b.y0 - y, 0.0)
        x1, y1 = min(b.x1 - x, float(width)), min(b.y1 - y, float(height))
        area = b.width * b.height
        if x1 > x0 and y1 > y0 and area > 0 and (x1 - x0) * (y1 - y0) >= MIN_VISIBLE * area:
            kept.append(_moved(b, x0, y0, x1, y1))
    return kept


def _moved(box: Box, x0: float, y0: float, x1: float, y1: float) -> Box:
    return Box(x0, y0, x1, y1, box.label, box.score)
