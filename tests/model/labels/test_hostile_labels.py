"""Label files that used to crash a reader or corrupt classes silently (issue 22, items 3, 4,
5 and 10): each is refused or sanitised with a message naming the file, and the rest of the
folder still loads."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from editor.model.labels import coco, convert, labelme, voc, yolo
from editor.model.labels.common import ImageLabels
from editor.model.layers import Box


def _coco(folder: Path, categories: list, annotations: list, name: str = "a.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (100, 100)).save(folder / "a.png")
    path = folder / name
    path.write_text(json.dumps({"images": [{"id": 1, "file_name": "a.png"}],
                                "annotations": annotations, "categories": categories}))
    return path


def _ann(i: int, category: object) -> dict:
    return {"id": i, "image_id": 1, "category_id": category, "bbox": [10, 10, 20, 20]}


def test_coco_empty_category_name_is_named_and_said_and_classes_do_not_shift(tmp_path):
    src = tmp_path / "src"
    _coco(src, [{"id": 1, "name": ""}, {"id": 2, "name": "milk"}], [_ann(1, 1), _ann(2, 2)])
    found = coco.read_folder(src)
    assert found.classes == ["class 0", "milk"]
    assert any("'' cannot be kept" in str(p) for p in found.problems)
    out = tmp_path / "yolo"
    convert.write_folder(found, out, "yolo")
    back = convert.read_folder(out, images=src)
    assert back.classes == ["class 0", "milk"]
    assert sorted(b.label for b in back.items[0].boxes) == ["class 0", "milk"]


def test_newline_in_a_class_name_does_not_split_classes_txt(tmp_path):
    src = tmp_path / "src"
    _coco(src, [{"id": 1, "name": "oat\nmilk"}, {"id": 2, "name": "tea"}],
          [_ann(1, 1), _ann(2, 2)])
    found = coco.read_folder(src)
    assert found.classes == ["oat milk", "tea"]
    out = tmp_path / "yolo"
    convert.write_folder(found, out, "yolo")
    assert (out / "classes.txt").read_text("utf-8") == "oat milk\ntea\n"
    assert [b.label for b in convert.read_folder(out, images=src).items[0].boxes] == [
        "oat milk", "tea"]


def test_control_character_in_a_name_still_gives_valid_voc_xml(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    Image.new("RGB", (50, 50)).save(src / "a.png")
    (src / "a.json").write_text(json.dumps({"imagePath": "a.png", "shapes": [
        {"label": "jam\x01", "points": [[1, 1], [20, 20]], "shape_type": "rectangle"}]}))
    found = labelme.read_folder(src)
    assert found.items[0].boxes[0].label == "jam"
    assert any("'jam\\x01'" in str(p) for p in found.problems)
    out = tmp_path / "voc"
    convert.write_folder(found, out, "voc")
    tree = ET.parse(out / "Annotations" / "a.xml")  # valid XML
    assert tree.findtext("object/name") == "jam"


def test_writers_refuse_names_they_cannot_keep(tmp_path):
    item = ImageLabels(tmp_path / "a.png", (10, 10), [Box(0, 0, 5, 5, "a\nb")])
    with pytest.raises(ValueError, match="control characters"):
        yolo.write_classes(tmp_path / "classes.txt", ["a\nb"])
    with pytest.raises(ValueError, match="empty"):
        yolo.write_classes(tmp_path / "classes.txt", ["a", ""])
    with pytest.raises(ValueError):
        voc.to_xml(item)
    with pytest.raises(ValueError):
        coco.to_json([item], [], tmp_path)
    assert not (tmp_path / "classes.txt").exists()


def test_huge_yolo_class_id_without_names_is_refused_by_line(tmp_path):
    (tmp_path / "labels").mkdir()
    (tmp_path / "images").mkdir()
    Image.new("RGB", (10, 10)).save(tmp_path / "images" / "a.png")
    label = tmp_path / "labels" / "a.txt"
    label.write_text("3 0.5 0.5 0.2 0.2\n1e10 0.5 0.5 0.2 0.2\n")
    found = yolo.read_folder(tmp_path)
    assert found.classes == ["0", "1", "2", "3"]  # never 1e10 names
    assert any(f"{label} line 2: class id 1e10 is out of range" in str(p)
               for p in found.problems)


def test_yolo_score_above_1_is_named_as_a_score(tmp_path):
    (tmp_path / "labels").mkdir()
    Image.new("RGB", (10, 10)).save(tmp_path / "a.png")
    (tmp_path / "classes.txt").write_text("cup\n")
    label = tmp_path / "labels" / "a.txt"
    label.write_text("0 0.5 0.5 0.2 0.2 2.0\n")
    problems = [str(p) for p in yolo.read_folder(tmp_path).problems]
    assert any("line 1: the score (6th number) must be between 0 and 1, got 2.0" in p
               for p in problems), problems
    assert not any("outside the image" in p for p in problems)


def test_utf8_bom_does_not_break_line_1(tmp_path):
    (tmp_path / "labels").mkdir()
    Image.new("RGB", (10, 10)).save(tmp_path / "a.png")
    (tmp_path / "classes.txt").write_bytes("\ufeffcup\ntea\n".encode())
    (tmp_path / "labels" / "a.txt").write_bytes(b"\xef\xbb\xbf1 0.5 0.5 0.2 0.2\n")
    found = yolo.read_folder(tmp_path)
    assert not found.problems
    assert found.classes == ["cup", "tea"]
    assert [b.label for b in found.items[0].boxes] == ["tea"]


@pytest.mark.parametrize("bad", [
    {"images": [{"id": [1], "file_name": "a.png"}], "annotations": [
        {"id": 1, "image_id": [1], "category_id": [1], "bbox": [1, 1, 2, 2]}],
     "categories": [{"id": [1], "name": "x"}]},
    "[" * 100_000 + "]" * 100_000,
])
def test_one_hostile_coco_file_never_stops_the_folder(tmp_path, bad):
    good = _coco(tmp_path, [{"id": 1, "name": "tea"}], [_ann(1, 1)], "good.json")
    assert good.is_file()
    (tmp_path / "bad.json").write_text(bad if isinstance(bad, str) else json.dumps(bad))
    if isinstance(bad, str):  # looks like COCO to the folder scan only when named so
        found = coco.read_folder(tmp_path, paths=[tmp_path / "bad.json", good])
    else:
        found = coco.read_folder(tmp_path)
    assert [b.label for i in found.items for b in i.boxes] == ["tea"]
    assert any(str(tmp_path / "bad.json") in str(p) for p in found.problems)


def test_deeply_nested_labelme_file_is_a_problem_not_a_crash(tmp_path):
    Image.new("RGB", (10, 10)).save(tmp_path / "a.png")
    (tmp_path / "a.json").write_text('{"shapes": ' + "[" * 100_000 + "]" * 100_000 + "}")
    found = labelme.read_folder(tmp_path)
    assert any("nested too deeply" in str(p) for p in found.problems)
