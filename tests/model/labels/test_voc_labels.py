"""Pascal VOC label folders: round trip and bad objects named."""

from editor.model.labels import convert, voc


def test_voc_round_trip_keeps_boxes_scores_and_class_order(labelled, same, tmp_path):
    out = tmp_path / "out"
    convert.write_folder(labelled, out, "voc")
    xml = (out / "Annotations" / "shelf.xml").read_text("utf-8")
    assert "<xmin>1</xmin>" in xml and "<xmax>64</xmax>" in xml  # 1-based, inclusive
    assert convert.detect_format(out) == "voc"
    same(labelled, convert.read_folder(out, images=labelled.items[0].image.parent))


def test_voc_bad_object_is_named_and_the_rest_load(labelled, tmp_path):
    out = tmp_path / "out"
    convert.write_folder(labelled, out, "voc")
    xml = out / "Annotations" / "shelf.xml"
    xml.write_text(xml.read_text("utf-8").replace("<xmax>64</xmax>", "<xmax>x</xmax>"),
                   "utf-8")
    found = voc.read_folder(out)
    shelf = next(i for i in found.items if i.image.name == "shelf.png")
    assert len(shelf.boxes) == 1
    assert f"{xml}: object 1: expected <bndbox> with numbers" in str(found.problems[0])
