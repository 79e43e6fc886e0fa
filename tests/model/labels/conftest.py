"""A folder of generated photos with boxes covering the edge cases every format must keep."""

from pathlib import Path

import pytest
from PIL import Image

from editor.model.labels.common import ImageLabels, Labels
from editor.model.layers import Box

CLASSES = ["tasse à café ☕", "bottle", "瓶子", "unused"]


@pytest.fixture
def labelled(tmp_path: Path) -> Labels:
    """Three photos under ``src/images``: one with a full-frame (border-touching) box and
    fractional boxes with scores, one small one, one with no boxes."""
    images = tmp_path / "src" / "images"
    images.mkdir(parents=True)
    items = []
    for name, size, boxes in [
        ("shelf", (64, 48), [Box(0, 0, 64, 48, CLASSES[0]), Box(1.5, 2.25, 7.125, 9, "bottle",
                                                                  0.3)]),
        ("small", (33, 17), [Box(3.3333333, 1.1, 32.9, 17, CLASSES[2], 0.875),
                             Box(0, 5, 4, 6, "bottle")]),
        ("empty", (10, 10), []),
    ]:
        path = images / f"{name}.png"
        Image.new("RGB", size, (90, 120, 150)).save(path)
        items.append(ImageLabels(path, size, boxes))
    return Labels("generated", items, list(CLASSES))


def assert_same(expected: Labels, found: Labels, ordered_classes: bool = True) -> None:
    """Same images, boxes (1e-6 of the image size), scores and classes."""
    assert not found.problems, [str(p) for p in found.problems]
    by_name = {item.image.name: item for item in found.items}
    assert set(by_name) == {item.image.name for item in expected.items}
    for item in expected.items:
        back = by_name[item.image.name]
        assert back.size == item.size
        assert len(back.boxes) == len(item.boxes)
        w, h = item.size
        for a, b in zip(item.boxes, back.boxes, strict=True):
            assert (a.label, a.score) == (b.label, pytest.approx(b.score, abs=1e-9))
            assert abs(a.x0 - b.x0) <= 1e-6 * w and abs(a.x1 - b.x1) <= 1e-6 * w
            assert abs(a.y0 - b.y0) <= 1e-6 * h and abs(a.y1 - b.y1) <= 1e-6 * h
    if ordered_classes:
        assert found.classes == expected.classes
    else:
        assert set(found.classes) >= {b.label for i in expected.items for b in i.boxes}


@pytest.fixture
def same():
    return assert_same
