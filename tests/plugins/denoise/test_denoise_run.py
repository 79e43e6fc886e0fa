"""The denoise plugin as a user meets it: blind and known noise levels, seamless tiles,
prompt cancel, selections, alpha, and clear outcomes for awkward inputs."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from editor.cli import main
from editor.tasks.api import Cancelled, PluginError, RecordingContext, Request
from editor.training import metrics
from editor.training.store import ModelCard, bundled_model, save_model
from plugins.denoise import model as denoise_model
from plugins.denoise import task as denoise_task
from plugins.denoise.model import ARCHITECTURE, build_net
from plugins.denoise.synth import jpeg_compress
from plugins.denoise.task import estimate_sigma, run


def smooth_photo(h=240, w=320):
    """A smooth synthetic photo: gradients and a soft disc, like a product on a sweep."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rgb = np.stack([80 + 100 * xx / w, 120 + 60 * yy / h, 160 - 50 * xx / w], -1)
    disc = np.exp(-(((xx - w / 2) ** 2 + (yy - h / 2) ** 2) / (2 * (h / 5) ** 2)))
    rgb = rgb * (1 - 0.4 * disc[..., None])
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[..., :3] = np.clip(rgb, 0, 255)
    rgba[..., 3] = 255
    return rgba


def textured_photo(h=200, w=240, seed=3):
    """Edges and texture at several scales, so a denoiser has something to keep."""
    rng = np.random.default_rng(seed)
    base = cv2.resize(rng.uniform(0, 255, (h // 16, w // 16, 3)).astype(np.float32), (w, h),
                      interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[0:h, 0:w]
    stripes = 40 * np.sin(xx / 3.0)[..., None] * (yy < h // 2)[..., None]
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[..., :3] = np.clip(base + stripes, 0, 255)
    rgba[..., 3] = 255
    return rgba


def noisy(image, sigma, seed=0):
    rng = np.random.default_rng(seed)
    out = image.copy()
    out[..., :3] = np.clip(image[..., :3] + rng.normal(0, sigma, image[..., :3].shape), 0, 255)
    return out


def psnr(a, b):
    return metrics.psnr(a[..., :3], b[..., :3])


def params(**overrides):
    base = {"mode": "noise", "sigma": None, "strength": 1.0, "quality": 50,
            "method": "auto", "model": None}
    base.update(overrides)
    return base


@pytest.fixture(scope="module")
def random_model(tmp_path_factory) -> Path:
    """A small network with random weights: every code path, no dependence on training."""
    import torch

    torch.manual_seed(0)
    config = {"widths": [8, 16, 16], "blocks": [1, 1, 1]}
    net = build_net(config)
    path = tmp_path_factory.mktemp("models") / "random.pt"
    card = ModelCard(plugin="denoise", name="random", architecture=ARCHITECTURE,
                     parameters=0, data={}, metrics={}, device="cpu", seconds=0.0,
                     date="2026-01-01", epochs=0, config=config)
    save_model(path, net.state_dict(), card)
    return path


@pytest.fixture(scope="module")
def bundled() -> Path:
    path = bundled_model("denoise")
    if path is None:
        pytest.skip("no bundled denoise model")
    return path


# -- measuring the noise --------------------------------------------------------------

@pytest.mark.parametrize("sigma", [10, 25, 40])
def test_the_noise_level_is_measured_from_the_photo(sigma):
    assert estimate_sigma(noisy(smooth_photo(), sigma)[..., :3]) == pytest.approx(sigma, rel=0.1)


def test_texture_is_not_mistaken_for_noise():
    assert estimate_sigma(textured_photo()[..., :3]) < 3.0
    assert estimate_sigma(noisy(textured_photo(), 20)[..., :3]) == pytest.approx(20, rel=0.1)


def test_strong_noise_near_black_and_white_is_not_underestimated():
    """Clipping at 0 and 255 hides part of the noise; the estimate corrects for it."""
    photo = smooth_photo()
    photo[:, :100, :3] = 250  # a bright backdrop
    photo[:, -60:, :3] = 6  # and a dark one
    assert estimate_sigma(noisy(photo, 50)[..., :3]) == pytest.approx(50, rel=0.1)


def test_grey_photos_and_tiny_or_flat_images_are_measured():
    grey = noisy(smooth_photo(), 20)
    grey[..., 1] = grey[..., 0]
    grey[..., 2] = grey[..., 0]
    assert estimate_sigma(grey[..., :3]) == pytest.approx(20, rel=0.15)
    assert estimate_sigma(np.zeros((1, 1, 3), np.uint8)) == 0.0
    assert estimate_sigma(np.full((50, 50, 3), 255, np.uint8)) == 0.0


# -- the classical fallback ---------------------------------------------------------------

def test_blind_nlmeans_removes_most_of_the_noise_and_keeps_alpha():
    clean = smooth_photo()
    dirty = noisy(clean, 25)
    dirty[:10, :10, 3] = 0  # a transparent corner must stay transparent
    ctx = RecordingContext()
    result = run(Request(dirty, params(method="nlmeans")), ctx)
    out = result.layers[0].data
    assert psnr(out, clean) > psnr(dirty, clean) + 6
    assert (out[..., 3] == dirty[..., 3]).all()
    assert result.report["method"] == "nlmeans"
    assert result.report["sigma_estimated"] and 22 < result.report["sigma"] < 28
    assert "measured" in result.layers[0].name  # the user sees the level that was used
    assert ctx.fractions[-1] == 1.0


def test_without_any_model_auto_falls_back_and_learned_says_what_to_do(monkeypatch):
    monkeypatch.setattr("editor.training.store.bundled_model", lambda *a, **k: None)
    dirty = noisy(smooth_photo(80, 80), 20)
    assert run(Request(dirty, params()), RecordingContext()).report["method"] == "nlmeans"
    with pytest.raises(PluginError, match="lightbox train denoise"):
        run(Request(dirty, params(method="learned")), RecordingContext())


def test_sigma_zero_changes_nothing_and_tiny_images_work():
    clean = smooth_photo(2, 2)
    out = run(Request(clean, params(sigma=0.0)), RecordingContext()).layers[0].data
    np.testing.assert_array_equal(out, clean)


# -- the learned path -------------------------------------------------------------------

def test_tiled_output_equals_untiled(monkeypatch, bundled):
    dirty = noisy(textured_photo(200, 264), 25)
    whole = run(Request(dirty, params(sigma=25.0, model=str(bundled))),
                RecordingContext()).layers[0].data
    monkeypatch.setattr(denoise_task, "TILE", 128)
    monkeypatch.setattr(denoise_task, "OVERLAP", 48)
    ctx = RecordingContext()
    tiled = run(Request(dirty, params(sigma=25.0, model=str(bundled))), ctx).layers[0].data
    assert len(ctx.fractions) >= 6  # it really went tile by tile
    diff = np.abs(tiled.astype(int) - whole.astype(int))
    assert diff.max() <= 3 and diff.mean() < 0.1
    assert psnr(tiled, whole) > 50


def test_cancel_stops_within_one_tile(monkeypatch, random_model):
    calls = []
    real = denoise_model.denoise_array

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(denoise_model, "denoise_array", counting)
    monkeypatch.setattr(denoise_task, "TILE", 64)
    monkeypatch.setattr(denoise_task, "OVERLAP", 16)
    image = noisy(smooth_photo(200, 200), 10)  # 16 tiles
    with pytest.raises(Cancelled):
        run(Request(image, params(sigma=10.0, model=str(random_model))),
            RecordingContext(cancel_after=2))
    assert len(calls) <= 2


def test_a_clean_photo_gets_no_layer_and_a_message_in_blind_mode(bundled):
    for clean in (smooth_photo(), textured_photo()):
        result = run(Request(clean, params(model=str(bundled))), RecordingContext())
        assert result.layers == [] and result.report["sigma"] < 1
        assert result.report["message"].startswith("no noticeable noise (measured 0.")


def test_a_faintly_noisy_photo_passes_almost_unchanged(bundled):
    clean = textured_photo()
    faint = noisy(clean, 3)
    result = run(Request(faint, params(model=str(bundled))), RecordingContext())
    assert result.layers and result.report["sigma"] < 5
    assert psnr(result.layers[0].data, clean) > 40


def test_the_bundled_model_beats_nlmeans_blind(bundled):
    clean = textured_photo()
    dirty = noisy(clean, 25)
    ours = run(Request(dirty, params(model=str(bundled))), RecordingContext())
    classical = run(Request(dirty, params(method="nlmeans")), RecordingContext()).layers[0].data
    assert ours.report["method"] == "learned" and ours.report["sigma_estimated"]
    assert psnr(ours.layers[0].data, clean) > psnr(classical, clean)
    assert psnr(ours.layers[0].data, clean) > psnr(dirty, clean) + 6


def test_strength_below_one_keeps_more_of_the_input(bundled):
    dirty = noisy(textured_photo(), 25)
    soft = run(Request(dirty, params(strength=0.5, model=str(bundled))),
               RecordingContext()).layers[0].data
    full = run(Request(dirty, params(strength=1.0, model=str(bundled))),
               RecordingContext()).layers[0].data
    assert psnr(soft, dirty) > psnr(full, dirty)


def test_jpeg_mode_reduces_compression_artefacts(bundled):
    clean = textured_photo()
    compressed = clean.copy()
    compressed[..., :3] = jpeg_compress(clean[..., :3], 20)
    result = run(Request(compressed, params(mode="jpeg", quality=20, model=str(bundled))),
                 RecordingContext())
    assert result.report["mode"] == "jpeg" and not result.report["sigma_estimated"]
    assert psnr(result.layers[0].data, clean) > psnr(compressed, clean)


def test_only_the_selection_changes(random_model):
    dirty = noisy(smooth_photo(120, 160), 20)
    mask = np.zeros(dirty.shape[:2], np.uint8)
    mask[30:70, 40:100] = 255
    result = run(Request(dirty, params(sigma=20.0, model=str(random_model)), mask=mask),
                 RecordingContext())
    out = result.layers[0].data
    outside = mask == 0
    np.testing.assert_array_equal(out[outside], dirty[outside])
    assert (out[mask > 0, :3] != dirty[mask > 0, :3]).any()
    with pytest.raises(PluginError, match="selection is empty"):
        run(Request(dirty, params(sigma=20.0), mask=np.zeros_like(mask)), RecordingContext())


def test_odd_inputs_have_a_clear_outcome(random_model):
    model = str(random_model)
    one = np.array([[[120, 60, 200, 77]]], np.uint8)
    out = run(Request(one, params(sigma=25.0, model=model)), RecordingContext()).layers[0].data
    assert out.shape == (1, 1, 4) and out[0, 0, 3] == 77
    grey = noisy(smooth_photo(64, 96), 15)
    grey[..., 1] = grey[..., 0]
    grey[..., 2] = grey[..., 0]
    grey[..., 3] = np.arange(96, dtype=np.uint8)[None]  # graded alpha
    out = run(Request(grey, params(model=model)), RecordingContext()).layers[0].data
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    np.testing.assert_array_equal(out[..., 3], grey[..., 3])


def test_a_model_for_another_plugin_is_refused(tmp_path, random_model):
    other = tmp_path / "other.pt"
    card = ModelCard(plugin="upscale", name="other", architecture="x", parameters=0, data={},
                     metrics={}, device="cpu", seconds=0.0, date="2026-01-01", epochs=0)
    save_model(other, {}, card)
    with pytest.raises(PluginError, match="not 'denoise'"):
        run(Request(smooth_photo(32, 32), params(sigma=10.0, model=str(other))), RecordingContext())


# -- the command line -------------------------------------------------------------------

def test_cli_denoises_16_bit_and_refuses_a_huge_header_by_name(tmp_path, random_model):
    deep = (np.clip(noisy(smooth_photo(48, 64), 10)[..., :3].astype(np.uint16) * 257, 0,
                    65535)).astype(np.uint16)
    cv2.imwrite(str(tmp_path / "deep.png"), deep[..., ::-1])
    huge = tmp_path / "huge.png"
    # a valid PNG signature and IHDR claiming 30000 x 30000 pixels, then nothing
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
                     + struct.pack(">I", zlib.crc32(chunk)))
    out = tmp_path / "out"
    code = main(["run", "denoise", str(tmp_path / "deep.png"), str(huge), "-o", str(out),
                 "-p", "sigma=10", "-p", f"model={random_model}"])
    assert code != 0  # one input failed ...
    assert (out / "deep.png").is_file()  # ... and the other still ran
    assert not (out / "huge.png").exists()
