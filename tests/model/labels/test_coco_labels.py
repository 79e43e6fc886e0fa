"""COCO label folders: round trip, per-image updates, bad annotations named."""

import json
from pathlib import Path

from editor.model.labels import coco, convert
from editor.model.labels.common import ImageLabels
from editor.model.layers import Box


def test_coco_round_trip_keeps_boxes_scores_and_category_order(labelled, same, tmp_path):
    out = tmp_path / "out"
    convert.write_folder(labelled, out, "coco")
    data = json.loads((out / "annotations.json").read_text("utf-8"))
    assert [c["name"] for c in data["categories"]] == labelled.classes
    assert len(data["images"]) == 3  # the photo without boxes is listed too
    assert convert.detect_format(out) == "coco"
    same(labelled, convert.read_folder(out))


def test_coco_update_image_replaces_only_that_image(labelled, tmp_path: Path):
    path = tmp_path / "src" / "annotations.json"
    coco.write_file(path, labelled.items, labelled.classes)
    shelf = labelled.items[0]
    coco.update_image(path, ImageLabels(shelf.image, shelf.size, [Box(1, 2, 3, 4, "new")]), [])
    found = coco.read_folder(path.parent, paths=[path])
    by_name = {i.image.name: i.boxes for i in found.items}
    assert by_name["shelf.png"] == [Box(1, 2, 3, 4, "new")]
    assert by_name["small.png"] == labelled.items[1].boxes
    assert "new" in found.classes


def test_coco_bad_annotations_are_named_and_the_rest_load(labelled, tmp_path: Path):
    path = tmp_path / "src" / "annotations.json"
    coco.write_file(path, labelled.items[:1], labelled.classes)
    data = json.loads(path.read_text("utf-8"))
    data["annotations"].append({"id": 50, "image_id": 1, "category_id": 1,
                                "bbox": [10, 10, 0, 5]})
    data["annotations"].append({"id": 51, "image_id": 1, "category_id": 1,
                                "bbox": [100, 100, 5, 5]})
    path.write_text(json.dumps(data))
    found = coco.read_folder(path.parent)
    assert len(found.items[0].boxes) == 2
    text = "\n".join(map(str, found.problems))
    assert "annotation 50 of 'images/shelf.png': box 10,10 to 10,15 has no area" in text
    assert "annotation 51 of 'images/shelf.png': box 100,100 to 105,105 is outside" in text
