"""Reviewing pre-labels: the slider, accept, reject, and saving in the folder's format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.model.labels import convert
from editor.model.layers import Box
from plugins.autolabel.review import accept, reject, save, shown

PRE = [Box(10, 10, 40, 40, "tea", 0.9), Box(50, 10, 90, 60, "coffee", 0.3),
       Box(5, 50, 30, 90, "tea", 1.0)]


def test_the_slider_hides_unsure_pre_labels_but_never_a_reviewed_box():
    assert shown(PRE, 0.5) == [PRE[0], PRE[2]]
    assert shown(PRE, 0.95) == [PRE[2]]
    assert shown(PRE, 0.0) == PRE


def test_accept_marks_reject_removes():
    accepted = accept(PRE, [1])
    assert accepted[1].score == 1.0 and accepted[1].label == "coffee"
    assert reject(accepted, [0]) == [accepted[1], accepted[2]]


def _folder(root: Path, fmt: str) -> Path:
    images = root / ("JPEGImages" if fmt == "voc" else "images")
    images.mkdir(parents=True)
    Image.fromarray(np.zeros((100, 120, 3), np.uint8)).save(images / "shelf.png")
    if fmt == "yolo":
        (root / "labels").mkdir()
        (root / "classes.txt").write_text("milk\ntea\ncoffee\n")
    elif fmt == "voc":
        (root / "Annotations").mkdir()
    else:
        (root / "annotations.json").write_text(json.dumps(
            {"images": [], "annotations": [], "categories": [{"id": 1, "name": "milk"}]}))
    return images / "shelf.png"


@pytest.mark.parametrize("fmt", ["yolo", "voc", "coco"])
def test_accepted_and_rejected_boxes_are_saved_in_the_folders_format(tmp_path, fmt):
    root = tmp_path / fmt
    image = _folder(root, fmt)
    boxes = reject(accept(PRE, [0]), [1])  # accept the tea box, reject the coffee box
    path = save(image, (120, 100), boxes, root)
    assert convert.file_format(path) == fmt
    assert convert.detect_format(root) == fmt
    back, classes, problems = convert.read_image(image, (120, 100), root, fmt)
    assert problems == []
    assert [(b.label, round(b.x0), round(b.y1)) for b in back] == [("tea", 10, 40),
                                                                    ("tea", 5, 90)]
    assert all(b.score == 1.0 for b in back)
    if fmt == "yolo":
        assert (root / "classes.txt").read_text().split() == ["milk", "tea", "coffee"]
        assert all(len(line.split()) == 5 for line in path.read_text().splitlines())
