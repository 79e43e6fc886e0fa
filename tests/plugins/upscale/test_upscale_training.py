"""Training the upscaler on any folder, the protocol's shrink, and the bundled model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from plugins.upscale.degrade import degrade
from plugins.upscale.resample import downscale, imresize, weights


def test_resize_weights_are_normalised_and_keep_flat_images_flat():
    for n_in, n_out in ((10, 20), (21, 7), (5, 5), (3, 12)):
        assert np.allclose(weights(n_in, n_out).sum(axis=1), 1.0, atol=1e-5)
    flat = np.full((9, 13, 3), 77, np.uint8)
    assert np.allclose(imresize(flat, 27, 39), 77, atol=1e-3)
    assert np.allclose(imresize(flat, 3, 4), 77, atol=1e-3)


@pytest.mark.parametrize("mode", ["bicubic", "realistic"])
@pytest.mark.parametrize("scale", [2, 3, 4])
def test_degradations_shrink_by_the_scale(mode, scale):
    rng = np.random.default_rng(scale)
    hr = rng.integers(0, 256, (48, 60, 3), dtype=np.uint8)
    lr = degrade(hr, scale, mode, rng)
    assert lr.shape == (48 // scale, 60 // scale, 3) and lr.dtype == np.uint8


def test_the_training_shrink_is_the_benchmarks(shared_data):
    """LR inputs made for training match the Set5 LR images (MATLAB bicubic), so the model
    learns the blur it is measured on."""
    folder = shared_data / "restoration" / "sr-dev" / "Set5" / "x4"
    hr = np.asarray(Image.open(folder / "img_001_HR.png").convert("RGB"))
    lr = np.asarray(Image.open(folder / "img_001_LR.png").convert("RGB")).astype(float)
    ours = np.clip(np.round(downscale(hr, 4)), 0, 255)
    assert np.abs(ours - lr).mean() < 0.3


def write_photos(folder: Path, count: int = 4, size: int = 80) -> Path:
    folder.mkdir(parents=True)
    yy, xx = np.mgrid[0:size, 0:size]
    for i in range(count):
        rgb = np.stack([(xx * (i + 2)) % 256, (yy * 3 + i * 40) % 256, (xx + yy) % 256], -1)
        Image.fromarray(rgb.astype(np.uint8)).save(folder / f"photo{i}.png")
    return folder


def test_lightbox_train_upscale_on_a_folder_makes_a_usable_model(tmp_path, capsys):
    from editor.cli import main
    from editor.training.store import read_card

    data = write_photos(tmp_path / "photos")
    model = tmp_path / "mine.pt"
    code = main(["train", "upscale", str(data), "-o", str(model), "-p", "scale=4",
                 "-p", "epochs=1", "-p", "steps=2", "-p", "batch=2", "-p", "patch=16",
                 "-p", "val_fraction=0.25", "-p", "degradation=realistic",
                 "-p", "allow_small=true"])
    assert code == 0, capsys.readouterr().err
    card = read_card(model)
    assert card.plugin == "upscale" and card.config["trained_scales"] == [4]
    assert "psnr_y_x4" in card.metrics and "bicubic_psnr_y_x4" in card.metrics
    out = tmp_path / "out"
    assert main(["run", "upscale", str(data / "photo0.png"), "-o", str(out), "-p", "scale=4",
                 "-p", f"model={model}"]) == 0
    assert Image.open(out / "photo0.png").size == (320, 320)


def test_the_bundled_model_is_small_and_documented():
    from editor.training.store import bundled_model, verify_model

    path = bundled_model("upscale")
    if path is None:
        pytest.skip("no bundled upscale model")
    card = verify_model(path, "upscale")
    assert path.stat().st_size < 8_000_000
    assert card.licence.startswith("Apache-2.0; trained by Lightbox's")
    assert "train-bsds400" in json.dumps(card.data)
    assert card.config["scales"] == [2, 3, 4]
    for scale in (2, 3, 4):  # measured on held-out photos, better than bicubic
        assert card.metrics[f"psnr_y_x{scale}"] > card.metrics[f"bicubic_psnr_y_x{scale}"]


def test_the_bundled_model_beats_bicubic_on_set5(shared_data):
    from editor.training.metrics import psnr_y
    from editor.training.store import bundled_model
    from plugins.upscale.model import load_network
    from plugins.upscale.upscaler import Upscaler

    path = bundled_model("upscale")
    if path is None:
        pytest.skip("no bundled upscale model")
    net, config, _ = load_network(str(path))
    upscaler = Upscaler(net, config)
    folder = shared_data / "restoration" / "sr-dev" / "Set5" / "x2"
    hr = np.asarray(Image.open(folder / "img_002_HR.png").convert("RGB"))
    lr = np.asarray(Image.open(folder / "img_002_LR.png").convert("RGB"))
    ours = upscaler.upscale(np.dstack([lr, np.full(lr.shape[:2], 255, np.uint8)]), 2)
    bicubic = np.clip(np.round(imresize(lr, *hr.shape[:2])), 0, 255)
    assert psnr_y(ours, hr, border=2) > psnr_y(bicubic, hr, border=2) + 1.0


def test_training_starts_from_the_bundled_weights_unless_asked_not_to():
    from editor.training.store import bundled_model
    from plugins.upscale.train import make_task

    path = bundled_model("upscale")
    if path is None:
        pytest.skip("no bundled upscale model")
    task = make_task({"scale": "4", "from_bundled": True})
    task.build_model()
    assert task.started_from == str(path)
    fresh = make_task({"scale": "4", "from_bundled": False})
    fresh.build_model()
    assert fresh.started_from == ""
