"""Training the denoiser on any folder: synthetic noise for clean photos, a blind-spot
objective for folders of noisy photos only, and the bundled model's card."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.tasks.api import RecordingContext, Request
from editor.training import metrics
from plugins.denoise.synth import Mix, add_camera, make_batch
from plugins.denoise.train import blind_spot


def smooth(size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    a, b, c = rng.uniform(0.5, 2.0, 3)
    rgb = np.stack([120 + 80 * np.sin(a * 3 * xx + b), 110 + 70 * np.cos(b * 3 * yy),
                    130 + 60 * np.sin(c * 2 * (xx + yy))], -1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def write(folder: Path, images: list[np.ndarray]) -> Path:
    folder.mkdir(parents=True)
    for i, rgb in enumerate(images):
        Image.fromarray(rgb).save(folder / f"photo{i}.png")
    return folder


def test_synthetic_batches_hold_each_kind_of_damage():
    rng = np.random.default_rng(0)
    images = [smooth(64, i) for i in range(3)]
    batch = make_batch(images, 30, 32, Mix(gaussian=1, camera=1, jpeg=1), rng)
    assert batch.clean.shape == batch.noisy.shape == (30, 32, 32, 3)
    jpeg = batch.jpeg > 0
    assert jpeg.any() and (~jpeg).any()
    assert ((batch.jpeg >= 0.1) & (batch.jpeg <= 0.9))[jpeg].all()
    gaussian = ~jpeg & (batch.sigma > 5)
    measured = (batch.noisy[gaussian].astype(float) - batch.clean[gaussian]).std()
    assert 5 < measured < 60
    noisy, rms = add_camera(np.full((64, 64, 3), 128, np.uint8), 20.0, rng)
    assert rms == pytest.approx(20.0, rel=0.05)
    assert (noisy.astype(float) - 128).std() == pytest.approx(20.0, rel=0.15)


def test_blind_spot_replaces_pixels_by_neighbours_only_where_masked():
    rng = np.random.default_rng(1)
    patches = rng.integers(0, 256, (2, 16, 16, 3), dtype=np.uint8)
    masked, mask = blind_spot(patches, rng)
    assert mask.sum() == 2 * 16  # one per 4x4 cell
    np.testing.assert_array_equal(masked[mask == 0], patches[mask == 0])


def test_lightbox_train_denoise_on_clean_photos_makes_a_usable_model(tmp_path, capsys):
    from editor.cli import main
    from editor.training.store import read_card

    data = write(tmp_path / "photos", [smooth(64, i) for i in range(5)])
    model = tmp_path / "mine.pt"
    code = main(["train", "denoise", str(data), "-o", str(model), "-p", "epochs=1",
                 "-p", "batch=4", "-p", "patch=32", "-p", "patches_per_image=1",
                 "-p", "val_fraction=0.2", "-p", "start=scratch", "-p", "allow_small=true"])
    assert code == 0, capsys.readouterr().err
    card = read_card(model)
    assert card.plugin == "denoise" and card.config["trained_on"] == "clean"
    assert {"psnr", "psnr_noisy"} <= set(card.metrics)
    out = tmp_path / "out"
    assert main(["run", "denoise", str(data / "photo0.png"), "-o", str(out),
                 "-p", "sigma=20", "-p", f"model={model}"]) == 0
    assert Image.open(out / "photo0.png").size == (64, 64)


@pytest.mark.slow
def test_noisy_only_training_learns_to_remove_noise(tmp_path, monkeypatch):
    """Noise2Void-style: no clean photo is ever shown, yet the noise goes down (a small
    network, a few hundred steps: slow on a shared 2-core CPU)."""
    from editor.tasks.registry import Registry
    from editor.training.run import plan_training, run_training
    from plugins.denoise import train as denoise_train
    from plugins.denoise.task import run

    monkeypatch.setattr(denoise_train, "DEFAULT_CONFIG",
                        {"widths": [16, 24, 32], "blocks": [1, 1, 1]})
    rng = np.random.default_rng(0)
    cleans = [smooth(96, i) for i in range(6)]
    noisy = [np.clip(c + rng.normal(0, 25, c.shape), 0, 255).astype(np.uint8) for c in cleans]
    data = write(tmp_path / "noisy", noisy)
    plan = plan_training(Registry.discover().get("denoise"), data, tmp_path / "n2v.pt",
                         {"mode": "noisy-only", "start": "scratch", "epochs": 6, "batch": 8,
                          "patch": 48, "patches_per_image": 40, "lr": 0.003, "patience": 0,
                          "val_fraction": 0.2})
    gen = run_training(plan)
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        card = stop.value
    assert card.config["trained_on"] == "noisy-only" and "loss" in card.metrics

    test_clean = smooth(96, 99)
    test_noisy = np.clip(test_clean + rng.normal(0, 25, test_clean.shape), 0, 255)
    rgba = np.dstack([test_noisy.astype(np.uint8), np.full((96, 96), 255, np.uint8)])
    out = run(Request(rgba, {"mode": "noise", "sigma": None, "strength": 1.0, "quality": 50,
                             "method": "learned", "model": str(tmp_path / "n2v.pt")}),
              RecordingContext())
    before = metrics.psnr(rgba[..., :3], test_clean)
    after = metrics.psnr(out.layers[0].data[..., :3], test_clean)
    assert after > before + 1.5


def test_default_model_script_uses_worker_processes_and_continues_from_a_model(tmp_path):
    """The bundled model's script: batches made by a worker process (the GPU set-up), and
    ``--init`` continuing from a model, whose weights stand when nothing beats them."""
    import torch

    from editor.training.store import load_model
    from plugins.denoise import train_default

    data = write(tmp_path / "photos", [smooth(48, i) for i in range(21)])  # 1 held out
    first = tmp_path / "first.pt"
    assert train_default.main([str(data), "-o", str(first), "--minutes", "0.03", "--batch",
                               "2", "--patch", "16", "--workers", "1", "--device", "cpu"]) == 0
    weights, card = load_model(first, "denoise")
    assert card.epochs > 0 and card.params["workers"] == 1 and card.device == "cpu"
    assert card.data["validation"] == 1 and "psnr_sigma25" in card.metrics

    again = tmp_path / "again.pt"
    assert train_default.main([str(data), "-o", str(again), "--minutes", "0", "--init",
                               str(first), "--device", "cpu"]) == 0
    kept, card = load_model(again, "denoise")
    assert card.params["init"] == str(first)
    assert all(torch.equal(weights[k], kept[k]) for k in weights)


def test_the_bundled_model_is_small_and_documented():
    from editor.training.store import bundled_model, verify_model

    path = bundled_model("denoise")
    if path is None:
        pytest.skip("no bundled denoise model")
    card = verify_model(path, "denoise")
    assert path.stat().st_size < 8_000_000
    assert card.licence.startswith("Apache-2.0; trained by Lightbox's")
    assert "train-bsds400" in json.dumps(card.data)
    assert card.metrics["psnr_sigma25"] > 28
