"""Fuzz targets for every label reader (YOLO, COCO, Pascal VOC, labelme): whatever a label
file holds, reading its folder gives boxes and problems, never an exception.

``make test`` runs a short round (:data:`EXAMPLES` inputs per reader). The long run the
issue asks for (100,000 inputs per reader) is the same tests with more examples::

    LIGHTBOX_FUZZ_EXAMPLES=100000 QT_QPA_PLATFORM=offscreen \\
        .venv/bin/python -m pytest -q tests/model/labels/test_fuzz_labels.py -p no:cacheprovider \
        --timeout=0

(``--timeout=0``: the suite's 120 s limit per test would end the long run early.)
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from editor.model.labels import coco, convert, labelme, voc, yolo
from editor.model.labels.common import MAX_UNNAMED_CLASSES, Labels, Problem

EXAMPLES = int(os.environ.get("LIGHTBOX_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))

_NUMBERS = st.one_of(st.integers(-3, 30).map(str),
                     st.floats(allow_nan=True, allow_infinity=True).map(repr),
                     st.sampled_from(["1e10", "1e308", "-0", "0.5", "nan", "inf", "1_0", "0x1",
                                      "2.0", "９", "1.5e-7", "00001"]))
_TOKENS = st.one_of(_NUMBERS, st.text(max_size=6))
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
              st.floats(allow_nan=False), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)
_COCO_KEYS = st.sampled_from(["id", "file_name", "image_id", "category_id", "bbox", "name",
                              "width", "height", "score", "iscrowd"])
_ENTRY = st.dictionaries(_COCO_KEYS, st.one_of(_JSON, st.just("a.png"), st.just([1, 2, 30, 40]),
                                               st.integers(0, 3)), max_size=7)
_SHAPE_KEYS = st.sampled_from(["label", "points", "shape_type", "score"])
_SHAPE = st.dictionaries(_SHAPE_KEYS, st.one_of(
    _JSON, st.just("rectangle"), st.just([[1, 1], [20, 30]]), st.text(max_size=5)), max_size=4)
_VOC_TAGS = st.sampled_from(["annotation", "object", "name", "bndbox", "xmin", "ymin", "xmax",
                             "ymax", "filename", "size", "score", "path"])


@contextlib.contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="lightbox-fuzz-") as tmp:
        root = Path(tmp)
        Image.new("RGB", (40, 30)).save(root / "a.png")
        yield root


def _check(found: Labels) -> None:
    assert all(isinstance(p, Problem) and str(p) for p in found.problems)
    assert len(found.classes) <= MAX_UNNAMED_CLASSES + 1
    for item in found.items:
        for box in item.boxes:
            assert all(math.isfinite(v) for v in (box.x0, box.y0, box.x1, box.y1, box.score))
            assert 0 <= box.x0 < box.x1 <= item.size[0] and 0 <= box.y0 < box.y1 <= item.size[1]
            assert box.label and "\n" not in box.label


@FUZZ
@given(lines=st.lists(st.lists(_TOKENS, max_size=7), max_size=8),
       names=st.one_of(st.none(), st.lists(st.text(max_size=6), max_size=5)),
       bom=st.booleans(), raw=st.one_of(st.none(), st.binary(max_size=40)))
def test_yolo_reader_never_raises(lines, names, bom, raw):
    text = ("\ufeff" if bom else "") + "\n".join(" ".join(line) for line in lines)
    with _folder() as root:
        (root / "labels").mkdir()
        (root / "labels" / "a.txt").write_bytes(text.encode() if raw is None else raw)
        if names is not None:
            (root / "classes.txt").write_text("\n".join(names), "utf-8")
        _check(yolo.read_folder(root))
        _check(yolo.read_folder(root, strict=True))


@FUZZ
@given(images=st.lists(_ENTRY, max_size=3), annotations=st.lists(_ENTRY, max_size=4),
       categories=st.lists(_ENTRY, max_size=3), junk=st.one_of(st.none(), _JSON))
def test_coco_reader_never_raises(images, annotations, categories, junk):
    data = junk if junk is not None else {"images": images, "annotations": annotations,
                                           "categories": categories}
    with _folder() as root:
        (root / "annotations.json").write_text(json.dumps(data))
        _check(coco.read_folder(root, paths=[root / "annotations.json"]))
        convert.stats(root, "coco")


@FUZZ
@given(shapes=st.one_of(st.lists(_SHAPE, max_size=4), _JSON),
       image_path=st.one_of(st.just("a.png"), st.text(max_size=8), _JSON))
def test_labelme_reader_never_raises(shapes, image_path):
    with _folder() as root:
        (root / "a.json").write_text(json.dumps({"shapes": shapes, "imagePath": image_path}))
        _check(labelme.read_folder(root))


def _element(draw, depth: int) -> ET.Element:
    element = ET.Element(draw(_VOC_TAGS))
    element.text = draw(st.one_of(_NUMBERS, st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=6)))
    if depth < 3:
        for _ in range(draw(st.integers(0, 3))):
            element.append(_element(draw, depth + 1))
    return element


@st.composite
def _voc(draw) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=60))
    root = _element(draw, 0)
    root.tag = draw(st.sampled_from(["annotation", "annotation", "other"]))
    return ET.tostring(root)


@FUZZ
@given(document=_voc())
def test_voc_reader_never_raises(document):
    with _folder() as root:
        (root / "Annotations").mkdir()
        (root / "Annotations" / "a.xml").write_bytes(document)
        _check(voc.read_folder(root, images=root))
        _check(voc.read_folder(root, images=root, strict=True))
