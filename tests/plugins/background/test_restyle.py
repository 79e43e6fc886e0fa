"""Applying a two-folder restyle model: the a -> b colour transform on a whole photo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from editor.tasks.api import PluginError
from editor.training.store import ModelCard, save_model
from plugins.background.model import PLUGIN_ID, RESTYLE_ARCHITECTURE, build_cycle_style
from plugins.background.restyle import apply_style


def photo(h: int = 40, w: int = 56) -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def write_model(path: Path, model, kind: str = "restyle") -> Path:
    card = ModelCard(plugin=PLUGIN_ID, name=path.stem, architecture=RESTYLE_ARCHITECTURE,
                     parameters=1, data={}, metrics={}, device="cpu", seconds=0.0,
                     date=dt.datetime.now(dt.UTC).isoformat(), epochs=0,
                     config={"kind": kind, "lut_size": 9})
    save_model(path, model.state_dict(), card)
    return path


def test_a_model_whose_transform_is_identity_returns_the_photo(tmp_path):
    path = write_model(tmp_path / "identity.pt", build_cycle_style())
    rgb = photo()
    out = apply_style(rgb, str(path), "cpu")
    assert out.shape == rgb.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(out, rgb)


def test_the_learned_transform_is_what_the_photo_gets(tmp_path):
    import torch

    model = build_cycle_style()
    with torch.no_grad():
        model.ema.offset.copy_(torch.tensor([0.1, 0.0, -0.1]))  # warmer
    path = write_model(tmp_path / "warm.pt", model)
    rgb = np.full((8, 8, 3), 128, np.uint8)
    out = apply_style(rgb, str(path), "cpu").astype(int)
    assert out[0, 0, 0] > 145 and out[0, 0, 2] < 110 and abs(out[0, 0, 1] - 128) <= 1


def test_a_missing_or_foreign_model_is_a_clear_error(tmp_path):
    with pytest.raises(PluginError, match="no such model file"):
        apply_style(photo(), str(tmp_path / "nope.pt"), "cpu")
    harmoniser = write_model(tmp_path / "harmonise.pt", build_cycle_style(), kind="harmonise")
    with pytest.raises(PluginError, match="not a restyle model"):
        apply_style(photo(), str(harmoniser), "cpu")
    damaged = write_model(tmp_path / "damaged.pt", build_cycle_style())
    damaged.write_bytes(damaged.read_bytes()[:-10])
    with pytest.raises(PluginError, match="does not match its model card"):
        apply_style(photo(), str(damaged), "cpu")
