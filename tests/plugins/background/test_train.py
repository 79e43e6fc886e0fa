"""Training a restyle from two folders: the a/ + b/ layout, the CycleGAN task, and
``lightbox train background DIR`` end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.training.datasets import DatasetError, scan


def scene(index: int, size: int = 72) -> np.ndarray:
    """A small photo-like picture: a smooth gradient between two near-neutral colours (as
    in a studio) with a disc."""
    rng = np.random.default_rng(index)
    yy, xx = np.mgrid[0:size, 0:size] / size
    c0 = rng.uniform(0.2, 0.8) + rng.uniform(-0.04, 0.04, 3)
    c1 = rng.uniform(0.2, 0.8) + rng.uniform(-0.04, 0.04, 3)
    t = (xx * rng.uniform(0.3, 1) + yy * rng.uniform(0.3, 1))[..., None] / 2
    img = c0 * (1 - t) + c1 * t
    disc = (xx - rng.uniform(0.3, 0.7)) ** 2 + (yy - rng.uniform(0.3, 0.7)) ** 2 < 0.04
    img[disc] = rng.uniform(0.2, 0.8) + rng.uniform(-0.05, 0.05, 3)
    return np.clip(img * 255, 0, 255).astype(np.uint8)


def warm(rgb: np.ndarray) -> np.ndarray:
    out = rgb.astype(np.float32) + np.array([25, 0, -25], np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def write_folders(root: Path, count: int = 8, b_count: int | None = None) -> Path:
    for label, n, offset in (("a", count, 0), ("b", count if b_count is None else b_count, 500)):
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            img = scene(offset + i)
            Image.fromarray(warm(img) if label == "b" else img).save(root / label / f"{i}.png")
    return root


def test_two_folders_are_scanned_as_styles_a_and_b(tmp_path):
    dataset = scan(write_folders(tmp_path / "d", 10), "two-folders")
    assert dataset.kind == "two-folders" and dataset.classes == ["a", "b"]
    assert dataset.counts() == {"a": 10, "b": 10}
    train, val = dataset.split(0.2)
    assert {s.label for s in val} == {"a", "b"} and {s.label for s in train} == {"a", "b"}
    assert "10 photos in style a, 10 in style b" in dataset.summary()


def test_one_empty_folder_is_refused_by_name(tmp_path):
    root = write_folders(tmp_path / "d", 8, b_count=0)
    with pytest.raises(DatasetError) as caught:
        scan(root, "two-folders")
    assert str(root / "b") in str(caught.value) and "no usable photos" in str(caught.value)


def test_too_few_photos_or_a_missing_folder_is_refused_by_name(tmp_path):
    root = write_folders(tmp_path / "d", 8, b_count=3)
    with pytest.raises(DatasetError, match=r"d/b: only 3 usable photos.*at least 8"):
        scan(root, "two-folders")
    lone = tmp_path / "lone"
    (lone / "a").mkdir(parents=True)
    Image.fromarray(scene(1)).save(lone / "a" / "x.png")
    with pytest.raises(DatasetError, match=r"lone/b: no such folder"):
        scan(lone, "two-folders")


def test_one_training_step_moves_the_generator_and_validates(tmp_path):
    import torch

    from plugins.background.train import make_task

    dataset = scan(write_folders(tmp_path / "d", 8), "two-folders")
    task = make_task({"batch": 4, "lut_size": 5})
    task.prepare(dataset)
    model = task.build_model()
    optimiser = torch.optim.AdamW(model.parameters(), lr=0.01)
    batch = next(task.batches(dataset.samples, np.random.default_rng(0)))
    loss = task.loss(model, batch, "cpu")
    assert torch.isfinite(loss)
    loss.backward()
    optimiser.step()
    assert float(model.g_ab.offset.detach().abs().sum()) > 0
    with torch.no_grad():
        metrics = task.validate(model, dataset.samples, "cpu")
    assert set(metrics) >= {"colour_distance", "cycle_error"}
    assert all(np.isfinite(v) for v in metrics.values())


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_lightbox_train_background_learns_a_warm_grade(tmp_path, capsys):
    from editor.cli import main
    from plugins.background.restyle import apply_style

    data = write_folders(tmp_path / "data", 10)
    out = tmp_path / "warm.pt"
    code = main(["train", "background", str(data), "-o", str(out), "-p", "epochs=12",
                 "-p", "batch=4", "-p", "lr=0.01", "--device", "cpu"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"saved {out}" in captured.out
    photo = scene(900)
    styled = apply_style(photo, str(out), "cpu").astype(np.float32)
    # the red-blue balance moved towards the warm b/ folder
    before = photo[..., 0].mean() - photo[..., 2].mean()
    after = styled[..., 0].mean() - styled[..., 2].mean()
    assert after > before + 15


def test_lightbox_train_background_refuses_an_empty_folder(tmp_path, capsys):
    from editor.cli import main

    data = write_folders(tmp_path / "data", 8, b_count=0)
    code = main(["train", "background", str(data), "-o", str(tmp_path / "m.pt"),
                 "-p", "epochs=1", "--device", "cpu"])
    assert code != 0
    assert str(data / "b") in capsys.readouterr().err
    assert not (tmp_path / "m.pt").exists()
