"""``lightbox labels convert`` and ``lightbox labels stats``."""

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from editor.cli import main


@pytest.fixture
def yolo_folder(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    for name in ("a", "b", "c"):
        Image.new("RGB", (100, 50)).save(root / "images" / f"{name}.png")
    (root / "classes.txt").write_text("cup\nflacon à thé\n", "utf-8")
    (root / "labels" / "a.txt").write_text("0 0.5 0.5 1 1\n1 0.25 0.25 0.1 0.2 0.4\n")
    (root / "labels" / "b.txt").write_text("")
    return root


@pytest.mark.parametrize("fmt", ["coco", "voc", "labelme", "yolo"])
def test_convert_then_stats_gives_the_same_counts(yolo_folder, tmp_path, capsys, fmt):
    out = tmp_path / fmt
    assert main(["labels", "convert", str(yolo_folder), "--to", fmt, "-o", str(out)]) == 0
    assert "3 images, 2 boxes, 2 classes" in capsys.readouterr().out
    assert main(["labels", "stats", str(out), "--images", str(yolo_folder / "images")]) == 0
    text = capsys.readouterr().out
    assert "images: 3 (2 without boxes)" in text and "boxes: 2" in text
    assert re.search(r"cup +1\n", text) and re.search(r"flacon à thé +1\n", text)
    assert "problems: 0" in text


def test_yolo_output_is_labels_and_classes_txt(yolo_folder, tmp_path):
    out = tmp_path / "again"
    assert main(["labels", "convert", str(yolo_folder), "--to", "yolo", "-o", str(out)]) == 0
    assert (out / "classes.txt").read_text("utf-8") == "cup\nflacon à thé\n"
    assert (out / "labels" / "a.txt").read_text() == "0 0.5 0.5 1 1\n1 0.25 0.25 0.1 0.2 0.4\n"


def test_stats_names_bad_lines_and_exits_1(yolo_folder, capsys):
    (yolo_folder / "labels" / "c.txt").write_text("0 0.5 0.5 0.1 0.1\n5 0.5 0.5 0.1 0.1\n")
    assert main(["labels", "stats", str(yolo_folder)]) == 1
    captured = capsys.readouterr()
    assert "boxes: 3" in captured.out and "problems: 1" in captured.out
    assert f"{yolo_folder / 'labels' / 'c.txt'} line 2: class id 5 is out of range" \
        in captured.err


def test_usage_errors_exit_2(yolo_folder, tmp_path, capsys):
    assert main(["labels", "stats", str(tmp_path / "missing")]) == 2
    assert main(["labels", "convert", str(yolo_folder), "--to", "coco", "-o",
                 str(yolo_folder)]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["labels", "stats", str(empty)]) == 2
    assert "no labels found" in capsys.readouterr().err


def test_stats_and_convert_report_hostile_coco_files_without_a_traceback(tmp_path, capsys):
    root = tmp_path / "coco"
    root.mkdir()
    Image.new("RGB", (40, 40)).save(root / "a.png")
    good = {"images": [{"id": 1, "file_name": "a.png"}], "categories": [{"id": 1, "name": "x"}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]}]}
    (root / "good.json").write_text(json.dumps(good))
    bad = {"images": [{"id": [1], "file_name": "a.png"}], "categories": [{"id": [2]}],
           "annotations": [{"id": [1], "image_id": {}, "category_id": [2], "bbox": [1]}]}
    (root / "bad.json").write_text(json.dumps(bad))
    assert main(["labels", "stats", str(root)]) == 1
    captured = capsys.readouterr()
    assert "boxes: 1" in captured.out and "Traceback" not in captured.err
    assert str(root / "bad.json") in captured.err
    assert main(["labels", "convert", str(root), "--to", "voc", "-o", str(tmp_path / "v")]) == 1
    assert "1 images, 1 boxes" in capsys.readouterr().out


def test_yolo_to_coco_to_yolo_keeps_class_ids(yolo_folder, tmp_path):
    (yolo_folder / "classes.txt").write_text("b\na\nunused\n")
    (yolo_folder / "labels" / "a.txt").write_text("1 0.5 0.5 0.5 0.5\n0 0.2 0.2 0.1 0.1\n")
    coco_out, back = tmp_path / "coco", tmp_path / "back"
    assert main(["labels", "convert", str(yolo_folder), "--to", "coco", "-o", str(coco_out)]) == 0
    assert main(["labels", "convert", str(coco_out), "--to", "yolo", "-o", str(back),
                 "--images", str(yolo_folder / "images")]) == 0
    assert (back / "classes.txt").read_text() == "b\na\nunused\n"
    assert (back / "labels" / "a.txt").read_text() == (yolo_folder / "labels" / "a.txt"
                                                       ).read_text()
