"""labelme folders: round trip, and shapes that are not boxes."""

import json

from editor.model.labels import convert, labelme


def test_labelme_round_trip_keeps_boxes_scores_and_class_order(labelled, same, tmp_path):
    out = tmp_path / "out"
    convert.write_folder(labelled, out, "labelme")
    data = json.loads((out / "shelf.json").read_text("utf-8"))
    assert data["imagePath"] == "../src/images/shelf.png" and data["imageData"] is None
    assert json.loads((out / "empty.json").read_text())["shapes"] == []
    assert convert.detect_format(out) == "labelme"
    same(labelled, convert.read_folder(out))


def test_labelme_skips_polygons_and_names_bad_rectangles(labelled, tmp_path):
    out = tmp_path / "out"
    convert.write_folder(labelled, out, "labelme")
    path = out / "shelf.json"
    data = json.loads(path.read_text("utf-8"))
    data["shapes"].append({"label": "cup", "shape_type": "polygon",
                           "points": [[0, 0], [1, 1], [2, 0]]})
    data["shapes"].append({"label": "cup", "shape_type": "rectangle", "points": [[5, 5]]})
    path.write_text(json.dumps(data))
    found = labelme.read_folder(out)
    shelf = next(i for i in found.items if i.image.name == "shelf.png")
    assert len(shelf.boxes) == 2
    assert f"{path}: shape 4: expected 'points'" in str(found.problems[0])
