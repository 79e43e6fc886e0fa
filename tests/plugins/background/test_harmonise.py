"""Harmonising a product with its new backdrop: only the product changes, strength 0 is the
identity, and the bundled harmoniser takes an obvious colour cast off a pasted object."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from editor.tasks.api import PluginError
from editor.training.store import ModelCard, bundled_model, save_model
from plugins.background.harmonise import MIN_CHANGE, apply_params, harmonise, predicted_change
from plugins.background.model import PLUGIN_ID, build_cycle_style, colour_transform

needs_bundled = pytest.mark.skipif(bundled_model(PLUGIN_ID, "harmonise") is None,
                                   reason="the bundled harmoniser is not installed")


def scene(size: int = 160) -> tuple[np.ndarray, np.ndarray]:
    """A neutral room (grey wall, lighter floor) and a round object's alpha."""
    yy, xx = np.mgrid[0:size, 0:size] / size
    wall = 0.45 + 0.2 * xx
    rgb = np.where(yy[..., None] > 0.65, 0.7 - 0.1 * yy[..., None], wall[..., None])
    rgb = np.repeat(rgb, 3, axis=2) * np.array([1.0, 0.98, 0.95])
    alpha = (((xx - 0.5) ** 2 + (yy - 0.55) ** 2) < 0.06).astype(np.uint8) * 255
    return np.clip(rgb * 255, 0, 255).astype(np.uint8), alpha


def with_cast(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The object turned strongly blue and darker, the backdrop as it was."""
    out = rgb.astype(np.float32)
    inside = alpha > 0
    out[inside] = out[inside] * np.array([0.55, 0.7, 1.25])
    return np.clip(out, 0, 255).astype(np.uint8)


def fmse(a: np.ndarray, b: np.ndarray, alpha: np.ndarray) -> float:
    d = a.astype(np.float64) - b.astype(np.float64)
    return float((d[alpha > 0] ** 2).mean())


@needs_bundled
def test_background_pixels_come_back_unchanged():
    truth, alpha = scene()
    comp = with_cast(truth, alpha)
    alpha[:, :40] = 0  # part of the object lies outside the mask
    out = harmonise(comp, alpha, 1.0, "cpu")
    assert out.shape == comp.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(out[alpha == 0], comp[alpha == 0])
    assert not np.array_equal(out[alpha > 0], comp[alpha > 0])


def test_strength_zero_and_an_empty_mask_change_nothing(tmp_path):
    truth, alpha = scene()
    comp = with_cast(truth, alpha)
    # no model is read at strength 0: a missing file is no error
    missing = str(tmp_path / "none.pt")
    np.testing.assert_array_equal(harmonise(comp, alpha, 0.0, "cpu", missing), comp)
    empty = np.zeros_like(alpha)
    np.testing.assert_array_equal(harmonise(comp, empty, 1.0, "cpu", missing), comp)


@needs_bundled
def test_the_bundled_harmoniser_takes_an_obvious_cast_off():
    truth, alpha = scene()
    comp = with_cast(truth, alpha)
    out = harmonise(comp, alpha, 1.0, "cpu")
    assert fmse(out, truth, alpha) < 0.7 * fmse(comp, truth, alpha)
    half = harmonise(comp, alpha, 0.5, "cpu")
    assert fmse(out, truth, alpha) < fmse(half, truth, alpha) < fmse(comp, truth, alpha)


@needs_bundled
def test_held_out_photo_with_a_cast_object_gets_closer(shared_data):
    from plugins.background import harmonise_data as hd

    name = hd.split(shared_data)["sod_bench"][0]
    source = hd.load_sod([name], shared_data)[0]
    alpha = np.clip(np.rint(source.mask * 255), 0, 255).astype(np.uint8)
    comp = with_cast(source.rgb, alpha)
    out = harmonise(comp, alpha, 1.0, "cpu")
    assert fmse(out, source.rgb, alpha) < fmse(comp, source.rgb, alpha)


def test_full_size_transform_matches_the_training_transform():
    import torch

    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)
    alpha = np.full((12, 10), 255, np.uint8)
    params = rng.normal(0, 0.1, 15)
    ours = apply_params(rgb, alpha, params)
    x = torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 255
    theirs = colour_transform(x, torch.from_numpy(params)[None].float())[0]
    theirs = (theirs.permute(1, 2, 0).numpy() * 255).round()
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1


def test_predicted_change_is_the_mean_squared_move_of_the_product():
    rgb = np.full((20, 20, 3), 100, np.uint8)
    alpha = np.zeros((20, 20), np.uint8)
    alpha[5:15, 5:15] = 255
    assert predicted_change(rgb, alpha, np.zeros(15)) == 0.0
    lift = np.zeros(15)
    lift[12:15] = 10 / 255  # every channel of the product up by 10 levels
    assert predicted_change(rgb, alpha, lift) == pytest.approx(100.0, rel=1e-3)
    assert predicted_change(rgb, np.zeros_like(alpha), lift) == 0.0


@needs_bundled
def test_a_gate_keeps_a_product_that_fits_and_still_takes_an_obvious_cast_off():
    truth, alpha = scene()
    comp = with_cast(truth, alpha)
    # the untouched scene gets a small predicted change, the cast a larger one
    np.testing.assert_array_equal(harmonise(truth, alpha, 1.0, "cpu", min_change=200.0), truth)
    assert not np.array_equal(harmonise(truth, alpha, 1.0, "cpu"), truth)
    gated = harmonise(comp, alpha, 1.0, "cpu", min_change=200.0)
    np.testing.assert_array_equal(gated, harmonise(comp, alpha, 1.0, "cpu"))
    assert fmse(gated, truth, alpha) < 0.7 * fmse(comp, truth, alpha)


def test_choosing_the_gate_keeps_the_worse_share_within_the_limit():
    from plugins.background.harmonise_data import choose_min_change

    # (group, predicted change, fMSE harmonised, fMSE left alone): the smallest change
    # helps a lot, the next one does harm
    rows = [("a", 10.0, 50.0, 900.0), ("a", 20.0, 300.0, 200.0), ("a", 500.0, 100.0, 400.0),
            ("b", 600.0, 50.0, 400.0), ("b", 700.0, 90.0, 100.0)]
    # lowest fMSE with no limit: apply everything, one case in three of group a worse
    assert choose_min_change(rows, worse_limit=100.0) == 0.0
    # at most 10 % worse: both small changes are held back, the large ones applied
    assert 20.0 < choose_min_change(rows, worse_limit=10.0) <= 500.0
    assert MIN_CHANGE >= 0.0


def test_bad_inputs_and_models_are_clear_errors(tmp_path):
    truth, alpha = scene()
    with pytest.raises(PluginError, match="mask is 80x80 pixels but the image is 160x160"):
        harmonise(truth, alpha[:80, :80], 1.0, "cpu")
    with pytest.raises(PluginError, match="no such model file"):
        harmonise(truth, alpha, 1.0, "cpu", str(tmp_path / "none.pt"))
    restyle = tmp_path / "style.pt"
    card = ModelCard(plugin=PLUGIN_ID, name="style", architecture="x", parameters=1, data={},
                     metrics={}, device="cpu", seconds=0.0,
                     date=dt.datetime.now(dt.UTC).isoformat(), epochs=0,
                     config={"kind": "restyle"})
    save_model(restyle, build_cycle_style().state_dict(), card)
    with pytest.raises(PluginError, match="restyle model, not a harmoniser"):
        harmonise(truth, alpha, 1.0, "cpu", str(restyle))
    restyle.write_bytes(b"not a model")
    with pytest.raises(PluginError, match="does not match its model card"):
        harmonise(truth, alpha, 1.0, "cpu", str(restyle))
