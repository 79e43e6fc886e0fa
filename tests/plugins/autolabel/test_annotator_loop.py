"""The annotator's loop (issue 23 item 2, issue 25): what folder annotation saves, training
reads; a dataset's labels are plain 5-column YOLO; pre-labels wait in a sidecar until a
person accepts them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.cli import main
from editor.model.labels import convert
from editor.model.layers import Box
from editor.training.datasets import scan
from plugins.autolabel.review import accept, save
from plugins.autolabel.train import reviewed

SIZE = (120, 100)


def _photos(root: Path, names: tuple[str, ...] = ("a", "b")) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        Image.fromarray(np.full((SIZE[1], SIZE[0], 3), 200, np.uint8)).save(root / f"{name}.jpg")
        paths.append(root / f"{name}.jpg")
    return paths


def strict_yolo_lines(path: Path) -> list[list[str]]:
    """What labelImg / Ultralytics accept: exactly 5 numbers a line, nothing else."""
    rows = [line.split() for line in path.read_text("utf-8").splitlines()]
    assert all(len(r) == 5 for r in rows), rows
    assert all(int(r[0]) >= 0 and all(0 <= float(v) <= 1 for v in r[1:]) for r in rows)
    return rows


@pytest.mark.parametrize("fmt", ["yolo", "labelme", "voc"])
def test_a_plain_folder_saved_by_the_editor_is_a_training_dataset(tmp_path, fmt, capsys):
    a, b = _photos(tmp_path / "shelf")
    root = tmp_path / "shelf"
    convert.write_image(a, SIZE, [Box(10, 10, 60, 50, "tea")], ["tea"], root, fmt)
    convert.write_image(b, SIZE, [Box(5, 5, 40, 40, "milk")], ["tea", "milk"], root, fmt)
    if fmt == "yolo":  # beside the photos, as the issue found it
        assert (root / "a.txt").is_file() and (root / "classes.txt").is_file()
    dataset = scan(root, "detection")
    assert len(dataset.samples) == 2 and set(dataset.classes) == {"tea", "milk"}
    assert not dataset.problems
    assert main(["train", "autolabel", str(root), "-o", str(tmp_path / "m.pt"),
                 "--scan-only"]) == 0
    assert "2 images, 2 boxes" in capsys.readouterr().out


def test_pre_labels_nobody_accepted_are_not_labels(tmp_path):
    (photo,) = _photos(tmp_path / "shelf", ("a",))
    root = tmp_path / "shelf"
    (root / "classes.txt").write_text("tea\nmilk\n")
    save(photo, SIZE, [Box(10, 10, 60, 50, "tea", 0.7)], root)
    assert not (root / "a.txt").exists()  # an empty file would claim "no products"
    assert (root / "a.scores.json").is_file()
    boxes, _, _ = convert.read_image(photo, SIZE, root, "yolo")
    assert [(b.label, b.score) for b in boxes] == [("tea", 0.7)]  # review state kept
    dataset = scan(root, "detection")
    assert reviewed(dataset.samples) == []  # never trained on as a photo without products
    save(photo, SIZE, accept(boxes, [0]), root)
    assert strict_yolo_lines(root / "a.txt") == [["0", "0.2916666667", "0.3", "0.4166666667",
                                                  "0.4"]]
    assert not (root / "a.scores.json").exists()
    assert len(reviewed(scan(root, "detection").samples)) == 1


def test_a_dataset_saved_from_the_editor_round_trips_through_a_strict_5_column_reader(
        tmp_path):
    images = tmp_path / "data" / "images"
    photos = _photos(images)
    root = tmp_path / "data"
    (root / "labels").mkdir()
    boxes = [Box(10, 10, 60, 50, "tea"), Box(70, 20, 110, 90, "milk", 0.8),
             Box(0, 0, 20, 20, "milk")]
    for photo in photos:
        save(photo, SIZE, boxes, root, ["tea", "milk"])
    for photo in photos:
        rows = strict_yolo_lines(root / "labels" / f"{photo.stem}.txt")
        assert [r[0] for r in rows] == ["0", "1"]
    back, _, _ = convert.read_image(photos[0], SIZE, root, "yolo")
    assert sorted((b.label, b.score) for b in back) == [("milk", 0.8), ("milk", 1.0),
                                                        ("tea", 1.0)]


def test_saving_into_a_folder_with_other_class_ids_maps_by_name_and_says_so(tmp_path):
    (photo,) = _photos(tmp_path / "data" / "images", ("a",))
    root = tmp_path / "data"
    (root / "labels").mkdir()
    (root / "classes.txt").write_text("a\nb\n")
    notes: list[str] = []
    convert.write_image(photo, SIZE, [Box(1, 1, 50, 50, "a"), Box(2, 2, 30, 30, "c")],
                        ["b", "a", "c"], root, "yolo", notes)
    assert (root / "classes.txt").read_text() == "a\nb\nc\n"
    assert [r[0] for r in strict_yolo_lines(root / "labels" / "a.txt")] == ["0", "2"]
    assert any("another order" in n for n in notes)
    assert any("no class 'c'; added as id 2" in n for n in notes)


def test_overlapping_duplicate_pre_labels_are_suppressed():
    from plugins.autolabel.task import suppress_duplicates

    boxes = [Box(10, 10, 60, 60, "tea", 0.9), Box(12, 11, 61, 62, "milk", 0.8),  # same product
             Box(20, 20, 50, 50, "tea", 0.7),  # a part of the first
             Box(40, 10, 100, 60, "tea", 0.6)]  # a neighbour overlapping a little
    assert suppress_duplicates(boxes) == [boxes[0], boxes[3]]


def test_a_coco_folder_gets_no_entry_for_a_photo_with_only_pre_labels(tmp_path):
    import json

    a, b = _photos(tmp_path / "data" / "images")
    root = tmp_path / "data"
    (root / "annotations.json").write_text(json.dumps(
        {"images": [], "annotations": [], "categories": []}))
    save(a, SIZE, [Box(1, 1, 50, 50, "tea", 0.6)], root)
    save(b, SIZE, [Box(1, 1, 50, 50, "tea")], root)
    data = json.loads((root / "annotations.json").read_text())
    assert [e["file_name"] for e in data["images"]] == ["images/b.jpg"]
    boxes, _, _ = convert.read_image(a, SIZE, root, "coco")
    assert [(b.label, b.score) for b in boxes] == [("tea", 0.6)]
