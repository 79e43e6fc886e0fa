"""YOLO label folders: round trip, edge cases and bad lines named by file and line."""

from pathlib import Path

from PIL import Image

from editor.model.labels import convert, yolo


def test_yolo_round_trip_keeps_boxes_scores_and_class_ids(labelled, same, tmp_path: Path):
    out = tmp_path / "out"
    assert convert.write_folder(labelled, out, "yolo") == []
    assert (out / "classes.txt").read_text("utf-8").splitlines() == labelled.classes
    assert (out / "labels" / "empty.txt").read_text() == ""  # no boxes: an empty file
    assert convert.detect_format(out) == "yolo"
    same(labelled, convert.read_folder(out, images=labelled.items[0].image.parent))


def test_yolo_bad_lines_are_reported_and_the_rest_loads(tmp_path: Path):
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    Image.new("RGB", (100, 50)).save(tmp_path / "images" / "a.png")
    (tmp_path / "classes.txt").write_text("cup\nbottle\n")
    label = tmp_path / "labels" / "a.txt"
    label.write_text("0 0.5 0.5 0.2 0.2\n0 0.5 0.5\n7 0.5 0.5 0.1 0.1\n"
                     "1 1.5 0.5 0.1 0.1\n1 0.5 0.5 0 0.2\n1 0.1 0.1 0.2 0.2 0.4\n")
    found = yolo.read_folder(tmp_path)
    assert [(b.label, round(b.x0), b.score) for b in found.items[0].boxes] == [
        ("cup", 40, 1.0), ("bottle", 0, 0.4)]
    text = "\n".join(map(str, found.problems))
    assert f"{label} line 2: expected 5 numbers" in text
    assert f"{label} line 3: class id 7 is out of range" in text
    assert f"{label} line 4: numbers after the class must be between 0 and 1" in text
    assert "1 more bad lines" in text  # line 5, a box with no area, is counted


def test_yolo_zero_area_box_is_rejected_with_a_message(tmp_path: Path):
    (tmp_path / "labels").mkdir()
    Image.new("RGB", (10, 10)).save(tmp_path / "a.png")
    (tmp_path / "classes.txt").write_text("cup\n")
    (tmp_path / "labels" / "a.txt").write_text("0 0.5 0.5 0 0.3\n")
    found = yolo.read_folder(tmp_path, images=tmp_path)
    assert found.items[0].boxes == []
    assert "line 1: box width and height must be above 0" in str(found.problems[0])
