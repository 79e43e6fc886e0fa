"""The backdrop generator: a folder too small is refused; a tiny run trains, and its
model makes distinct backdrops with the product on them."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from editor.cli import main
from editor.tasks.api import PluginError, RecordingContext, Request
from editor.tasks.chain import registry
from plugins.variants.task import run

from .samples import two_colour_product


def _folder(path, count):
    path.mkdir()
    rng = np.random.default_rng(0)
    for i in range(count):
        base = rng.integers(40, 220, 3)
        ramp = np.linspace(0, 40, 96)[None, :, None]
        pixels = np.clip(base + ramp + rng.normal(0, 6, (80, 96, 3)), 0, 255)
        Image.fromarray(pixels.astype(np.uint8)).save(path / f"scene{i:02d}.png")
    return path


def test_a_folder_of_fewer_than_16_images_is_refused_and_nothing_is_written(tmp_path,
                                                                           capsys):
    data = _folder(tmp_path / "scenes", 10)
    out = tmp_path / "models"
    out.mkdir()
    code = main(["train", "variants", str(data), "-o", str(out / "gen.pt"), "--device", "cpu"])
    assert code == 1
    err = capsys.readouterr().err
    assert "10 usable images" in err and "at least 16" in err
    assert list(out.iterdir()) == []


def test_generate_without_a_model_says_how_to_train_one():
    image, product, _ = two_colour_product()
    values = registry().get("variants").manifest.validate({"kind": "generate"})
    with pytest.raises(PluginError, match="lightbox train variants"):
        run(Request(image, values, mask=product), RecordingContext())


@pytest.mark.slow
def test_a_tiny_training_run_makes_a_model_that_generates_backdrops(tmp_path, capsys):
    data = _folder(tmp_path / "scenes", 16)
    model = tmp_path / "gen.pt"
    code = main(["train", "variants", str(data), "-o", str(model), "--device", "cpu",
                 "-p", "epochs=1", "-p", "steps_per_epoch=3", "-p", "batch=4"])
    assert code == 0, capsys.readouterr().err
    image, product, _ = two_colour_product()
    values = registry().get("variants").manifest.validate(
        {"kind": "generate", "model": str(model), "count": 3, "upscale": False})
    result = run(Request(image, values, mask=product), RecordingContext())
    assert [layer.role for layer in result.layers] == ["gen-0", "gen-1", "gen-2"]
    backdrops = [layer.data[2:10, 2:10, :3].astype(int) for layer in result.layers]
    assert np.abs(backdrops[0] - backdrops[1]).mean() > 0.5
