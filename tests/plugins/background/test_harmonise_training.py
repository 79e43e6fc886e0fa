"""Training the harmoniser: photos whose object mask is the segment cutout, and the loss
that keeps slight changes from being made worse."""

from __future__ import annotations

import numpy as np
import pytest

from editor.model.imageio import save_image
from editor.tasks.api import OutputLayer, PluginError, Result
from plugins.background import harmonise_data as hd


def photo_with_object(size: int = 120, seed: int = 0) -> np.ndarray:
    """A mottled green field with a red box in the middle (a fifth of the photo)."""
    rng = np.random.default_rng(seed)
    rgb = np.empty((size, size, 3), np.uint8)
    rgb[:] = (60, 140, 70)
    rgb = np.clip(rgb + rng.normal(0, 12, rgb.shape), 0, 255).astype(np.uint8)
    q = size // 4
    rgb[q:size - q, q + 8:size - q - 8] = (200, 40, 40)
    return rgb


def opaque(rgb: np.ndarray) -> np.ndarray:
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


@pytest.fixture
def fake_segment(monkeypatch):
    """``segment`` answers with the mask the test sets in ``masks[height]``; calls counted."""
    from editor.tasks import chain

    calls = []
    masks: dict[int, np.ndarray] = {}

    def call_plugin(plugin_id, image, params, ctx, **_):  # noqa: ANN001, ANN202
        assert plugin_id == "segment" and params == {"output": "mask"}
        calls.append(image.shape)
        mask = masks[image.shape[0]]
        return Result(layers=[OutputLayer("mask", "mask", mask, role="mask")])

    monkeypatch.setattr(chain, "call_plugin", call_plugin)
    return masks, calls


def test_cutouts_are_kept_as_masks_cached_and_too_small_or_large_ones_dropped(
        tmp_path, fake_segment):
    masks, calls = fake_segment
    photos = tmp_path / "photos"
    photos.mkdir()
    paths = []
    for i, height in enumerate((100, 110, 120)):
        rgb = photo_with_object(120, i)[:height]
        paths.append(photos / f"p{i}.jpg")
        save_image(paths[-1], opaque(rgb), quality=95)
        mask = np.zeros((height, 120), np.uint8)
        masks[height] = mask
    masks[100][30:70, 30:90] = 255  # a fifth of the photo: kept
    masks[110][:, :] = 255  # the whole photo is no object
    masks[120][5:8, 5:8] = 255  # a speck
    cache = tmp_path / "cache"
    found = hd.load_pseudo_masked(paths, cache)
    assert [s.name for s in found] == ["p0"]
    assert found[0].rgb.shape == (100, 120, 3) and found[0].mask.dtype == np.float32
    np.testing.assert_array_equal(found[0].mask >= 0.5, masks[100] >= 128)
    assert len(calls) == 3 and len(list(cache.glob("*.png"))) == 3
    # a second run reads the cutouts back instead of running segment again
    again = hd.load_pseudo_masked(paths, cache)
    assert len(calls) == 3
    np.testing.assert_array_equal(again[0].mask, found[0].mask)


def test_a_photo_the_cutout_refuses_or_that_cannot_be_read_is_left_out_by_name(
        tmp_path, monkeypatch):
    from editor.tasks import chain

    def refuse(*_args, **_kw):  # noqa: ANN002, ANN003, ANN202
        raise PluginError("segment: no product found")

    monkeypatch.setattr(chain, "call_plugin", refuse)
    path = tmp_path / "p.jpg"
    save_image(path, opaque(photo_with_object()), quality=95)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    said = []
    assert hd.load_pseudo_masked([broken, path], tmp_path / "cache", log=said.append) == []
    assert len(said) == 1 and "broken.jpg" in said[0]


def test_the_real_cutout_finds_the_object(tmp_path):
    from editor.training.store import bundled_model

    if bundled_model("segment") is None:
        pytest.skip("the bundled segment model is not installed")
    path = tmp_path / "p.jpg"
    rgb = photo_with_object(160)
    save_image(path, opaque(rgb), quality=95)
    (found,) = hd.load_pseudo_masked([path])
    box = np.zeros((160, 160), bool)
    box[40:120, 48:112] = True
    inside = found.mask >= 0.5
    assert (inside & box).sum() / (inside | box).sum() > 0.6


def test_the_relative_loss_weighs_a_slight_change_as_much_as_a_large_one():
    import torch

    from plugins.background.bundle import fmse_loss

    # two grey pictures whose objects were lifted by 10 and by 100 levels; the "network"
    # leaves both 20 levels off (the slight one made worse, the large one mostly undone)
    target = torch.full((2, 3, 8, 8), 0.5)
    mask = torch.zeros(2, 1, 8, 8)
    mask[:, :, 2:6, 2:6] = 1
    lift = torch.tensor([10.0, 100.0]).view(2, 1, 1, 1) / 255
    comp = target + lift * mask
    params = torch.zeros(2, 15)
    params[0, 12:15] = -30 / 255
    params[1, 12:15] = -80 / 255

    def net(x, m):  # noqa: ANN001, ANN202
        return params

    plain = float(fmse_loss(net, comp, target, mask)) * 255 ** 2
    assert plain == pytest.approx(400, rel=1e-3)
    relative = float(fmse_loss(net, comp, target, mask, relative=1.0)) * 255 ** 2
    # the slight change made 4x worse dominates: (400/200 + 400/10100) / 2 * 5050
    assert relative == pytest.approx((400 / 200 + 400 / 10100) / 2 * 5050, rel=1e-3)
    assert relative > 5 * plain
