"""Training a classifier on class folders and tagging photos with it (tiny backbone)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from editor.cli import main
from editor.tasks.api import RecordingContext, Request
from editor.training import features
from editor.training.features import FeatureCache
from plugins.classify import tail
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

    def save_jpeg(path, rgb):
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), rgb[..., ::-1].copy())

    tmp = tmp_path_factory.mktemp("classify-model")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LIGHTBOX_HOME", str(tmp / "home"))
        mp.setenv("LIGHTBOX_FEATURE_CACHE", str(tmp / "features"))
        mp.setattr(features, "efficientnet_embedder", lambda device="cpu": features.tiny_embedder())
        mp.setattr(tail, "shared_tail_embedder", lambda device="cpu": tail.tiny_tail_embedder())
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


def test_a_fine_tuned_classifier_also_reads_the_shared_features(model):
    """The catalogue panel has the shared frozen features of a photo, not the tail's input."""
    classifier = load_classifier(model)
    assert classifier.backbone == tail.TAIL_ID
    image = photo(CLASSES["Fruit/Apple/Red"], 3)
    shared = classifier.predict(features.tiny_embedder()([image]))
    own = classifier.classify([image])
    assert shared.shape == own.shape == (1, len(CLASSES))
    np.testing.assert_allclose(shared.sum(1), 1, rtol=1e-5)


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


def test_a_head_on_the_frozen_features_still_trains_and_loads(folders, tmp_path):
    out = tmp_path / "frozen.pt"
    assert main(["train", "classify", str(folders), "-o", str(out), "-p", "tune=0",
                 "-p", "epochs=15", "-p", "batch=8", "-p", "lr=0.01", "-p", "patience=0",
                 "--device", "cpu"]) == 0
    classifier = load_classifier(out)
    assert classifier.backbone == features.BACKBONE_ID
    image = np.dstack([photo(CLASSES["Fruit/Apple/Green"], 9), np.full((64, 64), 255, np.uint8)])
    report = run(Request(image, {"model": str(out)}), RecordingContext()).report
    assert report["class"] == "Fruit/Apple/Green"


def test_the_untrained_tail_reproduces_the_shared_features(picture):
    """With the ImageNet weights, the tail on its cached inputs gives the very features the
    frozen head reads, so fine-tuning starts from where the frozen head would end."""
    import torch

    from editor.training.backbones import efficientnet_lite0, to_input

    images = [picture(1, 160), picture(2, 300)]
    with torch.inference_mode():
        shared = torch.cat(efficientnet_lite0().pooled(to_input(images)), dim=1).numpy()
        model = tail.build_tail(3).eval()
        inputs = torch.from_numpy(tail.tail_input_embedder()(images))
        assert inputs.shape == (2, tail.TAIL_INPUT_DIM)
        for tuned in (True, False):
            np.testing.assert_allclose(model.pooled(inputs, tuned).numpy(), shared,
                                       rtol=1e-4, atol=1e-4)


def test_fine_tuning_changes_the_tail_but_not_its_batch_statistics():
    import torch

    model = tail.build_tail(3)
    project = model.block._project_conv.weight.detach().clone()
    head = model.head[-1].weight.detach().clone()
    stats = model.bn.running_mean.clone(), model.block._bn1.running_var.clone()
    optimiser = torch.optim.AdamW(model.parameters(), lr=0.01)
    model.train()
    x = torch.randn(8, tail.TAIL_INPUT_DIM).abs()
    torch.nn.functional.cross_entropy(model(x), torch.arange(8) % 3).backward()
    optimiser.step()
    moved = (model.block._project_conv.weight.detach() - project).abs().max()
    assert 0 < moved <= 0.01 * tail.TAIL_RATE * 1.5  # pretrained weights move slower
    assert (model.head[-1].weight.detach() - head).abs().max() > 0.005
    assert torch.equal(stats[0], model.bn.running_mean)
    assert torch.equal(stats[1], model.block._bn1.running_var)


@pytest.mark.parametrize(("tune", "dim"), [(0, 1792), (1, tail.TAIL_INPUT_DIM)])
def test_unreadable_photos_are_named_and_left_out_of_training(folders, tune, dim):
    from editor.training.datasets import Sample, scan
    from plugins.classify.train import ClassifyTask

    dataset = scan(folders, "classes")
    # damaged after the folder scan read its header: found out when its pixels are read
    broken = folders / "Fruit/Apple/Red/broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 cut off")
    samples = [*dataset.samples, Sample(broken, label="Fruit/Apple/Red")]
    task = ClassifyTask({"batch": 8, "tune": tune}, FeatureCache())
    task.prepare(dataset)
    x, y = task._features(samples, 2)
    assert len(y) == len(samples) - 1 and x.shape[1:] == (2, dim)
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
