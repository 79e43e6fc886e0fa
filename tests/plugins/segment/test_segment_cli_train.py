"""The segment plugin from the command line (`lightbox run segment`, `lightbox train
segment`) and its training task on both kinds of folder, at a tiny size so it takes seconds."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from editor.cli import main
from editor.model.imageio import load_image, save_image
from editor.paths import RESOURCES
from editor.samples import render_product, render_sample

SAMPLES = RESOURCES / "samples"


def test_run_output_mask_writes_an_8bit_mask_at_the_input_size(tmp_path):
    out = tmp_path / "out"
    code = main(["run", "segment", str(SAMPLES / "can.png"), "-o", str(out),
                 "-p", "output=mask", "-p", "method=classical"])
    assert code == 0
    written = Image.open(out / "can.png")
    assert written.mode == "L" and written.size == (1200, 900)
    truth = load_image(SAMPLES / "masks" / "can.png").pixels[..., 0]
    mask = np.asarray(written)
    assert ((mask >= 128) == (truth >= 128)).mean() > 0.99


def test_run_both_writes_mask_then_cutout(tmp_path):
    out = tmp_path / "out"
    assert main(["run", "segment", str(SAMPLES / "box.png"), "-o", str(out),
                 "-p", "method=classical"]) == 0
    assert Image.open(out / "box.png").mode == "L"
    assert Image.open(out / "box-cutout.png").mode == "RGBA"


def test_greyscale_16bit_and_bad_files_get_a_clear_outcome(tmp_path, capsys):
    sample = render_sample("bottle", (320, 240), background="sweep", seed=2)
    grey = (sample.image[..., :3].mean(axis=2) * 257).astype(np.uint16)
    Image.fromarray(grey).save(tmp_path / "deep.png")
    Image.fromarray(sample.image[..., :3].mean(axis=2).astype(np.uint8)).save(
        tmp_path / "grey.png")
    (tmp_path / "broken.png").write_bytes(b"not an image")
    white = np.full((50, 60, 4), 255, np.uint8)
    save_image(tmp_path / "white.png", white)
    out = tmp_path / "out"
    code = main(["run", "segment", str(tmp_path / "deep.png"), str(tmp_path / "grey.png"),
                 str(tmp_path / "broken.png"), str(tmp_path / "white.png"), "-o", str(out),
                 "-p", "output=mask", "-p", "method=classical"])
    captured = capsys.readouterr()
    assert code == 1  # the broken file failed, the others ran
    assert "broken.png" in captured.err
    for stem in ("deep", "grey"):
        mask = np.asarray(Image.open(out / f"{stem}.png"))
        assert ((mask >= 128) == (sample.mask >= 128)).mean() > 0.98
    assert not np.asarray(Image.open(out / "white.png")).any()
    assert "no product found" in (out / "white.json").read_text()


def _pairs_folder(root, count=4):
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    for i in range(count):
        s = render_sample(("can", "box", "jar", "mug")[i % 4], (96, 72),
                          background="gradient", seed=i)
        save_image(root / "images" / f"p{i}.jpg", s.image)
        Image.fromarray(s.mask).save(root / "masks" / f"p{i}.png")


def _white_folder(root, count=4):
    root.mkdir(parents=True)
    for i in range(count):
        rgba, mask = render_product(("bottle", "can", "bag", "box")[i % 4], 60, seed=i)
        canvas = np.full((80, 80, 3), 255.0)
        a = mask.astype(float)[..., None] / 255
        h, w = mask.shape
        y, x = (80 - h) // 2, (80 - w) // 2
        canvas[y:y + h, x:x + w] = rgba[..., :3] * a + canvas[y:y + h, x:x + w] * (1 - a)
        Image.fromarray(canvas.astype(np.uint8)).save(root / f"w{i}.jpg")


@pytest.mark.parametrize("kind", ["pairs", "white-shots"])
def test_training_examples_come_from_either_kind_of_folder(tmp_path, kind):
    from editor.training.datasets import scan
    from plugins.segment.train import make_task

    data = tmp_path / "data"
    (_pairs_folder if kind == "pairs" else _white_folder)(data)
    dataset = scan(data, "images")
    task = make_task({"mode": "auto", "size": 48, "batch": 3})
    task.prepare(dataset)
    assert task.mode == kind
    images, masks = task._examples(dataset.samples, np.random.default_rng(0), 3)
    assert [im.shape for im in images] == [(48, 48, 3)] * 3
    assert [m.shape for m in masks] == [(48, 48)] * 3
    assert all(m.max() > 128 for m in masks), "every example shows a product"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pairs", "white-shots"])
def test_train_on_a_folder_and_use_the_model(tmp_path, kind):
    pytest.importorskip("torch")
    data = tmp_path / "data"
    (_pairs_folder if kind == "pairs" else _white_folder)(data)
    model = tmp_path / "mine.pt"
    code = main(["train", "segment", str(data), "-o", str(model), "-p", "epochs=1",
                 "-p", "batch=2", "-p", "size=64", "-p", "start=imagenet"])
    assert code == 0 and model.is_file()
    card = (model.with_suffix(".json")).read_text()
    assert '"segment"' in card and '"iou"' in card
    out = tmp_path / "out"
    assert main(["run", "segment", str(SAMPLES / "mug.png"), "-o", str(out),
                 "-p", f"model={model}", "-p", "output=mask"]) == 0
    report = (out / "mug.json").read_text()
    assert '"method": "model"' in report
