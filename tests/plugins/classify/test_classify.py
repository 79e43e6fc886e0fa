"""Training a classifier on class folders and tagging photos with it (tiny backbone)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from editor.cli import main
from editor.tasks.api import RecordingContext, Request
from editor.training.features import FeatureCache
from plugins.classify.model import load_classifier
from plugins.classify.task import run

#: class folder -> the ground colour of its photos (nested: leaf = class, parent = group)
CLASSES = {"Fruit/Apple/Red": (200, 30, 30), "Fruit/Apple/Green": (40, 190, 40),
           "Vegetables/Carrot": (240, 140, 20)}


def photo(colour, seed):
    rng = np.random.default_rng(seed)
    image = np.empty((64, 64, 3), np.uint8)
    image[:] = colour
    return np.clip(image + rng.normal(0, 12, image.shape), 0, 255).astype(np.uint8)


def write_folders(root, save_jpeg):
    """Class folders: five photos per class, but only one carrot."""
    for name, colour in CLASSES.items():
        for i in range(1 if "Carrot" in name else 5):
            save_jpeg(root / name / f"{i}.jpg", photo(colour, i))
    return root


@pytest.fixture
def folders(tmp_path, save):
    return write_folders(tmp_path / "classes", save)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """One classifier trained for the module's tests (the tiny backbone, a private store)."""
    import cv2

    from editor.training import features

    def save_jpeg(path, rgb):
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), rgb[..., ::-1].copy())

    tmp = tmp_path_factory.mktemp("classify-model")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LIGHTBOX_HOME", str(tmp / "home"))
        mp.setenv("LIGHTBOX_FEATURE_CACHE", str(tmp / "features"))
        mp.setattr(features, "efficientnet_embedder", lambda device="cpu": features.tiny_embedder())
        out = tmp / "model.pt"
        assert main(["train", "classify", str(write_folders(tmp / "classes", save_jpeg)),
                     "-o", str(out), "-p", "epochs=15", "-p", "batch=8", "-p", "hidden=32",
                     "-p", "lr=0.01", "-p", "patience=0", "--device", "cpu"]) == 0
    return out


def test_a_classifier_trained_on_nested_folders_keeps_even_a_one_image_class(model):
    classifier = load_classifier(model)
    assert classifier.classes == sorted(CLASSES)  # the lone carrot is a class too
    for name in ("Fruit/Apple/Red", "Fruit/Apple/Green"):
        image = np.dstack([photo(CLASSES[name], 7), np.full((64, 64), 255, np.uint8)])
        result = run(Request(image, {"model": str(model), "review": 0.5}), RecordingContext())
        report = result.report
        assert (report["class"], report["label"], report["coarse"]) == (
            name, name.rsplit("/", 1)[1], "Apple")
        assert report["top5"][0]["label"] == report["label"]
        assert {t["class"] for t in report["top5"]} == set(CLASSES)
        assert report["review"] == (report["score"] < 0.5)
        assert not result.layers  # a classifier changes nothing in the document


def test_run_writes_a_report_per_photo_and_one_predictions_table(model, tmp_path, save):
    inputs = tmp_path / "in"
    save(inputs / "red.jpg", photo(CLASSES["Fruit/Apple/Red"], 11))
    save(inputs / "green.jpg", photo(CLASSES["Fruit/Apple/Green"], 12))
    out = tmp_path / "out"
    assert main(["run", "classify", str(inputs), "-o", str(out), "-p", f"model={model}",
                 "--device", "cpu"]) == 0
    report = json.loads((out / "red.json").read_text())
    assert report["label"] == "Red" and report["coarse"] == "Apple" and "csv" not in report
    with (out / "predictions.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["label"] for r in rows] == ["Green", "Red"]
    assert list(rows[0]) == ["path", "label", "score", "coarse", "top5"]
    assert rows[1]["path"].endswith("red.jpg") and rows[1]["top5"].startswith("Red:")


def test_unreadable_photos_are_named_and_left_out_of_training(folders):
    from editor.training.datasets import Sample, scan
    from plugins.classify.train import ClassifyTask

    dataset = scan(folders, "classes")
    # damaged after the folder scan read its header: found out when its pixels are read
    broken = folders / "Fruit/Apple/Red/broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 cut off")
    samples = [*dataset.samples, Sample(broken, label="Fruit/Apple/Red")]
    task = ClassifyTask({"batch": 8}, FeatureCache())
    task.prepare(dataset)
    x, y = task._features(samples, 2)
    assert len(y) == len(samples) - 1 and x.shape[1:] == (2, 1792)
    assert [p.name for p, _ in task.store.skipped] == ["broken.jpg"]


def test_features_are_cached_by_content_with_their_augmented_views(folders, tmp_path):
    cache = FeatureCache(tmp_path / "cache")
    files = sorted(folders.rglob("*.jpg"))
    first = cache.features(files, views=3)
    assert first.computed == len(files) and first.features[0].shape == (3, 1792)
    again = cache.features(files, views=3)
    assert again.computed == 0
    np.testing.assert_allclose(again.features[0], first.features[0])
    assert not np.allclose(first.features[0][0], first.features[0][1])  # a different view


def test_a_single_class_folder_is_refused_with_a_reason(tmp_path, save, capsys):
    save(tmp_path / "only" / "Shoes" / "a.jpg", photo((10, 10, 10), 0))
    assert main(["train", "classify", str(tmp_path / "only"), "-o",
                 str(tmp_path / "m.pt")]) == 1
    assert "only one class" in capsys.readouterr().err
