"""Generated detection folders for the auto-label tests: coloured shapes on plain
backgrounds, written as YOLO (images/ + labels/ + classes.txt)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

CLASSES = ("square", "disc")
COLOURS = {"square": (220, 40, 40), "disc": (40, 70, 220)}


def shapes_photo(index: int, size: tuple[int, int] = (96, 96)
                 ) -> tuple[np.ndarray, list[tuple[str, float, float, float, float]]]:
    """A photo with one or two shapes (red squares, blue discs) and their pixel boxes."""
    rng = np.random.default_rng(index)
    w, h = size
    image = np.empty((h, w, 3), np.uint8)
    image[:] = rng.integers(170, 245, 3)
    image = np.clip(image + rng.normal(0, 6, image.shape), 0, 255).astype(np.uint8)
    boxes: list[tuple[str, float, float, float, float]] = []
    count = 1 + index % 2
    for k in range(count):
        name = CLASSES[(index + k) % 2]
        side = int(rng.integers(min(w, h) // 4, int(min(w, h) / 2.2)))
        span = w // count  # two shapes: one in each half, so they never overlap
        x0 = k * span + int(rng.integers(0, max(1, span - side)))
        y0 = int(rng.integers(0, h - side))
        if name == "square":
            image[y0:y0 + side, x0:x0 + side] = COLOURS[name]
        else:
            cv2.circle(image, (x0 + side // 2, y0 + side // 2), side // 2, COLOURS[name], -1)
        boxes.append((name, x0, y0, x0 + side, y0 + side))
    return image, boxes


def write_yolo(root: Path, count: int, sizes: tuple[tuple[int, int], ...] = ((96, 96),),
               start: int = 0) -> Path:
    """A YOLO folder of ``count`` shape photos (cycling through ``sizes``)."""
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "labels").mkdir(exist_ok=True)
    (root / "classes.txt").write_text("\n".join(CLASSES) + "\n")
    for i in range(start, start + count):
        size = sizes[i % len(sizes)]
        image, boxes = shapes_photo(i, size)
        Image.fromarray(image).save(root / "images" / f"shape{i:03d}.png")
        w, h = size
        lines = [f"{CLASSES.index(n)} {(x0 + x1) / 2 / w:.6f} {(y0 + y1) / 2 / h:.6f} "
                 f"{(x1 - x0) / w:.6f} {(y1 - y0) / h:.6f}" for n, x0, y0, x1, y1 in boxes]
        (root / "labels" / f"shape{i:03d}.txt").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture(scope="session")
def make_shapes():
    """``make_shapes(root, count, sizes=((96, 96),), start=0)`` writes a YOLO folder."""
    return write_yolo


@pytest.fixture(scope="session")
def shapes_photo_of():
    """``shapes_photo_of(index, size)`` -> (RGB image, [(class, x0, y0, x1, y1)])."""
    return shapes_photo
