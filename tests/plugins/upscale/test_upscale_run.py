"""The upscale plugin as a user meets it: exact output sizes, seamless tiles, clean
transparency, and clear refusals of what cannot work."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from editor.tasks.api import PluginError, RecordingContext, Request
from editor.training.store import ModelCard, save_model
from plugins.upscale.model import ARCHITECTURE, NetConfig, build_network
from plugins.upscale.task import MAX_SIDE, model_scale, plan_size, run


def model_file(folder: Path, name: str, noise: float) -> Path:
    """A small model file with untrained weights (``noise`` = 0: exactly bicubic luma)."""
    import torch

    torch.manual_seed(0)
    config = NetConfig(channels=8, layers=2)
    net = build_network(config)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(torch.randn_like(p) * noise)
    path = folder / f"{name}.pt"
    card = ModelCard(plugin="upscale", name=name, architecture=ARCHITECTURE, parameters=0,
                     data={}, metrics={}, device="cpu", seconds=0.0, date="2026-01-01",
                     epochs=0, config=config.to_dict())
    save_model(path, net.state_dict(), card)
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    """Random weights: exercises every code path of the network without depending on the
    bundled weights."""
    return model_file(tmp_path_factory.mktemp("models"), "random", 0.05)


@pytest.fixture(scope="module", params=["bicubic-net", "bundled"])
def sane_model(request, tmp_path_factory) -> Path:
    """A model that behaves like an upscaler: one whose tails are zero (so it is bicubic),
    and the bundled trained model."""
    if request.param == "bundled":
        from editor.training.store import bundled_model

        path = bundled_model("upscale")
        if path is None:
            pytest.skip("no bundled upscale model")
        return path
    return model_file(tmp_path_factory.mktemp("models"), "plain", 0.0)


def params(model: Path | None = None, **values) -> dict:
    base = {"scale": 2, "width": None, "height": None, "long_side": None,
            "method": "learned", "denoise": False, "model": str(model) if model else None,
            "tile": 512}
    base.update(values)
    return base


def photo(h: int = 37, w: int = 53, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rgb = cv2.GaussianBlur(rng.integers(0, 256, (h, w, 3)).astype(np.float32), (0, 0), 1.5)
    rgba = np.full((h, w, 4), 255, np.uint8)
    rgba[..., :3] = np.clip(rgb * 2 - 128, 0, 255)
    return rgba


def upscale(image: np.ndarray, **values) -> np.ndarray:
    return run(Request(image, params(**values)), RecordingContext()).layers[0].data


@pytest.mark.parametrize("scale", [2, 3, 4])
@pytest.mark.parametrize("method", ["learned", "lanczos", "bicubic"])
def test_output_is_exactly_scale_times_the_input(model, scale, method):
    out = upscale(photo(), model=model, scale=scale, method=method)
    assert out.shape == (37 * scale, 53 * scale, 4) and out.dtype == np.uint8
    assert (out[..., 3] == 255).all()


@pytest.mark.parametrize(("target", "size"), [
    ({"width": 100}, (100, 70)),              # 53x37 -> aspect kept
    ({"height": 148}, (212, 148)),
    ({"width": 90, "height": 40}, (90, 40)),  # both: that exact size
    ({"long_side": 200}, (200, 140)),
    ({"long_side": 40}, (40, 28)),            # smaller: no enlargement at all
])
def test_target_size_modes_give_that_exact_size(model, target, size):
    out = upscale(photo(), model=model, **target)
    assert (out.shape[1], out.shape[0]) == size


def test_the_nearest_model_scale_is_used_and_the_rest_resampled(model):
    assert model_scale(1.0, (2, 3, 4)) is None
    assert model_scale(1.5, (2, 3, 4)) == 2
    assert model_scale(2.0, (2, 3, 4)) == 2
    assert model_scale(2.2, (2, 3, 4)) == 3
    assert model_scale(7.0, (2, 3, 4)) == 4
    assert model_scale(3.0, (4,)) == 4
    result = run(Request(photo(), params(model, long_side=2000)), RecordingContext())
    assert result.report["model_scale"] == 4 and result.layers[0].data.shape[1] == 2000


def test_tiled_equals_untiled(model):
    image = photo(90, 130, seed=3)
    whole = upscale(image, model=model, scale=3, tile=512)
    tiled = upscale(image, model=model, scale=3, tile=24)
    assert np.abs(whole.astype(int) - tiled.astype(int)).max() <= 1


def cutout(size: int = 64) -> np.ndarray:
    """A light product (anti-aliased disc) on fully transparent *black* pixels."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    distance = np.hypot(yy - size / 2 + 0.5, xx - size / 2 + 0.5)
    alpha = np.clip(size / 3 - distance + 0.5, 0, 1)
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., :3] = np.where(alpha[..., None] > 0, np.array([235, 225, 210], np.uint8), 0)
    rgba[..., 3] = np.round(alpha * 255).astype(np.uint8)
    return rgba


def darkest_on_white(rgba: np.ndarray) -> float:
    """The darkest luma anywhere after compositing over white (the product is light, so
    anything darker than it is a halo)."""
    a = rgba[..., 3:4].astype(np.float32) / 255
    over_white = rgba[..., :3].astype(np.float32) * a + 255 * (1 - a)
    return float((over_white @ np.array([0.299, 0.587, 0.114], np.float32)).min())


@pytest.mark.parametrize("method", ["learned", "lanczos"])
def test_a_cutout_keeps_a_clean_alpha_with_no_dark_halo(sane_model, method):
    image = cutout()
    product = float(np.array([235, 225, 210]) @ np.array([0.299, 0.587, 0.114]))
    out = upscale(image, model=sane_model, scale=4, method=method)
    # the halo check measures something: resizing the raw pixels does leave a dark ring
    naive = cv2.resize(image, (256, 256), interpolation=cv2.INTER_CUBIC)
    assert darkest_on_white(naive) < product - 20
    assert darkest_on_white(out) > product - 6
    # alpha: fully transparent far out, fully opaque inside, a soft edge no wider than the
    # bicubic kernel's reach (4 input pixels) between
    assert out[0, 0, 3] == 0 and out[128, 128, 3] == 255
    edge = (out[..., 3] > 0) & (out[..., 3] < 255)
    assert edge.sum() < 2 * np.pi * (64 * 4 / 3) * 4 * 4


def test_a_selection_limits_the_learned_upscale(model):
    image = photo()
    learned = upscale(image, model=model, scale=2)
    plain = cv2.resize(image, (106, 74), interpolation=cv2.INTER_LANCZOS4)
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[:, :20] = 255
    out = run(Request(image, params(model, scale=2), mask=mask), RecordingContext()).layers[0].data
    assert np.abs(out[:, :30].astype(int) - learned[:, :30]).max() <= 1
    assert np.abs(out[:, 60:].astype(int) - plain[:, 60:]).max() <= 1


def test_a_one_pixel_image_is_refused():
    with pytest.raises(PluginError, match="1x1"):
        run(Request(np.zeros((1, 1, 4), np.uint8), params()), RecordingContext())


def test_an_oversized_output_is_refused_before_any_work(monkeypatch):
    import plugins.upscale.task as task

    def no_work(*args, **kwargs):
        raise AssertionError("work started")

    monkeypatch.setattr(task, "_upscaler", no_work)
    ctx = RecordingContext()
    image = np.zeros((4, 10_001, 4), np.uint8)
    with pytest.raises(PluginError, match="40,000"):
        run(Request(image, params(scale=4)), ctx)
    with pytest.raises(PluginError, match="40004x"):
        plan_size(10_001, 4, {"scale": 4})
    assert ctx.fractions == []
    assert plan_size(10_000, 4, {"scale": 4}).width == MAX_SIDE


def test_contradictory_targets_are_refused():
    with pytest.raises(PluginError, match="long side"):
        plan_size(10, 10, {"long_side": 50, "width": 40})


def test_without_a_model_the_classical_path_runs_and_says_so(monkeypatch):
    import editor.training.store as store

    monkeypatch.setattr(store, "bundled_model", lambda plugin, name="default": None)
    result = run(Request(photo(), params(scale=3)), RecordingContext())
    assert result.report["method"] == "lanczos" and "no upscale model" in result.report["note"]
    assert result.layers[0].data.shape == (111, 159, 4)


def test_a_damaged_model_is_a_clear_error(tmp_path, model):
    broken = tmp_path / "broken.pt"
    broken.write_bytes(model.read_bytes()[:100])
    (tmp_path / "broken.json").write_text(model.with_suffix(".json").read_text())
    with pytest.raises(PluginError, match="broken.pt"):
        run(Request(photo(), params(broken)), RecordingContext())


def test_greyscale_and_16_bit_files_upscale_from_the_command_line(model, tmp_path):
    from PIL import Image

    from editor.cli import main

    grey = (photo()[..., 0]).astype(np.uint8)
    Image.fromarray(grey, "L").save(tmp_path / "grey.png")
    deep = (grey.astype(np.uint16) * 257)
    Image.fromarray(deep).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")
    out = tmp_path / "out"
    code = main(["run", "upscale", str(tmp_path / "grey.png"), str(tmp_path / "deep.png"),
                 "-o", str(out), "-p", "scale=2", "-p", f"model={model}"])
    assert code == 0
    for name in ("grey", "deep"):
        result = np.asarray(Image.open(out / f"{name}.png"))
        assert result.shape[:2] == (74, 106)
        assert np.abs(result[..., 0].astype(int) - result[..., 2]).max() <= 2  # still grey


def test_a_too_large_request_fails_by_name_and_the_others_run(model, tmp_path, capsys):
    from PIL import Image

    from editor.cli import main

    Image.fromarray(photo()[..., :3]).save(tmp_path / "fine.png")
    Image.fromarray(np.zeros((1, 1, 3), np.uint8)).save(tmp_path / "dot.png")
    code = main(["run", "upscale", str(tmp_path / "fine.png"), str(tmp_path / "dot.png"),
                 "-o", str(tmp_path / "out"), "-p", "width=120", "-p", f"model={model}"])
    assert code == 1
    err = capsys.readouterr().err
    assert "dot.png" in err and "1x1" in err
    assert (tmp_path / "out" / "fine.png").is_file()


def test_denoise_first_runs_the_denoise_plugin_then_upscales(model):
    rng = np.random.default_rng(1)
    image = photo()
    image[..., :3] = np.clip(image[..., :3] + rng.normal(0, 20, image[..., :3].shape), 0, 255)
    ctx = RecordingContext()
    result = run(Request(image, params(model, scale=2, denoise=True)), ctx)
    assert result.report["denoised"] is True
    assert result.layers[0].data.shape == (74, 106, 4)
    assert ctx.fractions == sorted(ctx.fractions) and ctx.fractions[-1] == 1.0
