"""Active learning puts the photos the detector is least sure about first."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from plugins.autolabel.active import doubt, order_by_uncertainty, uncertainty, unlabelled
from plugins.autolabel.model import Detection


def _det(objectness: float, *probs: float) -> Detection:
    names = ("tea", "coffee", "milk")
    return Detection(0, 0, 10, 10, objectness, list(zip(names, probs, strict=False)))


def test_a_coin_toss_is_more_doubtful_than_a_sure_box():
    sure = _det(0.95, 0.97, 0.02)
    unsure_class = _det(0.95, 0.5, 0.45)
    unsure_presence = _det(0.5, 0.97, 0.02)
    assert doubt(sure) < 0.15
    assert doubt(unsure_class) > 0.8
    assert doubt(unsure_presence) == 1.0


def test_nothing_found_is_most_uncertain_and_background_is_ignored():
    assert uncertainty([]) == 1.0
    assert uncertainty([_det(0.02, 0.4, 0.4)]) == 1.0
    assert uncertainty([_det(0.97, 0.99, 0.01)]) < 0.1


def _photos(tmp_path: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        path = tmp_path / f"p{i}.png"
        Image.fromarray(np.full((8, 8, 3), i * 20, np.uint8)).save(path)
        paths.append(path)
    return paths


def test_order_puts_the_most_uncertain_photo_first(tmp_path):
    paths = _photos(tmp_path, 4)
    # the detector's answers, keyed by the grey level each photo was made with
    answers = {0: [_det(0.97, 0.98, 0.01)],             # sure
               20: [_det(0.9, 0.5, 0.48)],              # which class?
               40: [_det(0.97, 0.9, 0.05), _det(0.6, 0.8, 0.1)],  # a doubtful second box
               60: [_det(0.98, 0.99, 0.01)]}            # surest

    def detect(images):
        return [answers[int(im[0, 0, 0])] for im in images]

    order, problems = order_by_uncertainty(paths, detect)
    assert problems == []
    assert [p.name for p, _ in order] == ["p1.png", "p2.png", "p0.png", "p3.png"]
    values = [u for _, u in order]
    assert values == sorted(values, reverse=True)


def test_unreadable_photos_are_named_and_the_rest_ordered(tmp_path):
    paths = _photos(tmp_path, 2)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    order, problems = order_by_uncertainty([broken, *paths], lambda ims: [[] for _ in ims])
    assert [p for p, _ in order] == paths
    assert problems and problems[0][0] == broken and problems[0][1]


def test_unlabelled_photos_of_a_yolo_folder(make_shapes, tmp_path):
    root = make_shapes(tmp_path / "data", 3)
    (root / "labels" / "shape001.txt").unlink()
    assert [p.name for p in unlabelled(root)] == ["shape001.png"]
