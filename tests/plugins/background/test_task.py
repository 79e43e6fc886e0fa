"""The background plugin as a user drives it: the backdrop they asked for, a product that
does not change, shadows as layers of their own, and clear messages for bad input."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.model.compositor import composite
from editor.model.layers import RasterLayer
from editor.samples import render_sample
from editor.tasks.api import Cancelled, PluginError, RecordingContext, Request
from editor.tasks.registry import Registry
from plugins.compliance.checks import check
from plugins.compliance.facts import facts_for_pixels
from plugins.compliance.profiles import load_profile


@pytest.fixture(scope="module")
def plugin():
    return Registry.discover().get("background")


@pytest.fixture(scope="module")
def sample():
    return render_sample("bottle", (320, 240), background="sweep", seed=3)


def run(plugin, image, mask=None, /, **params):
    values = plugin.manifest.validate({"harmonise": "off", **params})
    return plugin.load_run()(Request(image, values, mask=mask), RecordingContext())


def layer(result, role):
    return next(out for out in result.layers if out.role == role)


def test_colour_backdrop_is_exact_outside_and_the_product_unchanged_inside(plugin, sample):
    result = run(plugin, sample.image, sample.mask, background="colour", colour="#336699")
    final = layer(result, "background").data
    shadow = layer(result, "shadow").data[..., 3]
    outside = (sample.mask == 0) & (shadow == 0)
    assert outside.mean() > 0.5
    assert (final[outside][:, :3] == (0x33, 0x66, 0x99)).all()
    inside = sample.mask == 255
    assert (final[inside][:, :3] == sample.image[inside][:, :3]).all()
    assert (final[..., 3] == 255).all()
    assert [out.role for out in result.layers] == ["background", "backdrop", "shadow",
                                                   "product"]


def test_the_stack_of_layers_looks_like_the_finished_picture(plugin, sample):
    result = run(plugin, sample.image, sample.mask, background="sweep", shadow="drop")
    final = layer(result, "background").data
    stack = [RasterLayer(o.name, o.data) for o in result.layers if o.role != "background"]
    flat = composite(stack, (320, 240))
    assert np.abs(flat.astype(int) - final.astype(int)).max() <= 2
    # hiding the shadow layer takes the shadow away
    without = composite([s for s in stack if s.name != "Shadow"], (320, 240))
    assert without[..., :3].astype(int).sum() > flat[..., :3].astype(int).sum()


def test_contact_shadow_darkens_the_floor_under_the_product(plugin, sample):
    result = run(plugin, sample.image, sample.mask, background="white")
    final = layer(result, "background").data
    box = sample.box
    below = final[box[3]:box[3] + 4, box[0] + 10:box[2] - 10, :3]
    assert below.mean() < 200
    none = run(plugin, sample.image, sample.mask, background="white", shadow="none",
               layers="flat")
    assert [o.role for o in none.layers] == ["background"]
    assert (none.layers[0].data[sample.mask == 0][:, :3] == 255).all()


def test_white_output_passes_the_amazon_background_rule(plugin, sample):
    result = run(plugin, sample.image, sample.mask, background="white", layers="flat")
    profile = load_profile("amazon-main")
    rule = type(profile)(profile.name, profile.title,
                         {"background_white": profile.rules["background_white"]})
    final = result.layers[0].data
    assert check(final, facts_for_pixels(final), rule) == []
    assert check(sample.image, facts_for_pixels(sample.image), rule) != []  # the sweep fails


def test_gradient_runs_from_colour_to_colour2_along_the_angle(plugin, sample):
    result = run(plugin, sample.image, sample.mask, background="gradient", colour="#000000",
                 colour2="#ffffff", angle=0, shadow="none")
    backdrop = layer(result, "backdrop").data
    assert backdrop[5, 0, 0] < 5 and backdrop[5, -1, 0] > 250
    assert (np.diff(backdrop[5, :, 0].astype(int)) >= -1).all()


def test_sweep_wall_is_darker_than_its_floor(plugin, sample):
    result = run(plugin, sample.image, sample.mask, background="sweep", colour="#f0f0f0")
    backdrop = layer(result, "backdrop").data[..., :3].astype(int)
    assert backdrop[2, 160].mean() < backdrop[sample.box[3] + 2, 20].mean() - 10


def test_image_backdrop_is_scaled_to_cover_and_centred(plugin, sample, tmp_path):
    wide = np.zeros((100, 600, 3), np.uint8)
    wide[:, :200] = (255, 0, 0)
    wide[:, 200:400] = (0, 255, 0)
    wide[:, 400:] = (0, 0, 255)
    path = tmp_path / "scene.png"
    Image.fromarray(wide).save(path)
    result = run(plugin, sample.image, sample.mask, background="image", image=str(path),
                 shadow="none")
    backdrop = layer(result, "backdrop").data
    # 600x100 covering 320x240 is scaled to 1440x240: only the green middle shows
    assert tuple(backdrop[10, 10, :3]) == (0, 255, 0)
    assert tuple(backdrop[230, 310, :3]) == (0, 255, 0)


def test_blur_keeps_the_product_colour_out_of_the_blurred_backdrop(plugin):
    image = np.full((120, 160, 4), 128, np.uint8)
    image[..., 3] = 255
    mask = np.zeros((120, 160), np.uint8)
    mask[30:90, 60:100] = 255
    image[mask > 0, :3] = (255, 0, 0)
    result = run(plugin, image, mask, background="blur", blur=30, shadow="none")
    backdrop = layer(result, "backdrop").data.astype(int)
    ring = backdrop[25:95, 55:105, :3]
    assert np.abs(ring - 128).max() <= 3  # no red halo around (or under) the product


def test_keep_on_a_transparent_cutout_stays_transparent_and_flat(plugin, sample):
    cutout = sample.image.copy()
    cutout[..., 3] = sample.mask
    result = run(plugin, cutout, sample.mask, background="keep")
    assert [o.role for o in result.layers] == ["background"]
    final = result.layers[0].data
    assert final[0, 0, 3] == 0 and final[sample.mask == 255][:, 3].min() == 255
    assert "transparent" in result.report["layers"]


def test_without_a_mask_the_plugin_cuts_the_product_out_itself(plugin):
    shot = render_sample("box", (200, 160), background="white", seed=1)
    result = run(plugin, shot.image, background="colour", colour="#204080", layers="flat")
    assert result.report["mask"] == "segment"
    final = result.layers[0].data
    assert tuple(final[2, 2, :3]) == (0x20, 0x40, 0x80)
    inside = shot.mask == 255
    assert np.abs(final[inside][:, :3].astype(int) - shot.image[inside][:, :3]).mean() < 8


def test_white_keeps_the_products_true_colour_with_harmonise_auto(plugin, sample):
    result = run(plugin, sample.image, sample.mask, background="white", harmonise="auto")
    assert result.report["harmonised"] is False
    inside = sample.mask == 255
    assert (layer(result, "product").data[inside] == sample.image[inside]).all()


@pytest.mark.parametrize("params, words", [
    ({"colour": "#12345"}, "colour"),
    ({"background": "gradient", "colour2": "blue"}, "colour2"),
    ({"background": "image"}, "image=PATH"),
])
def test_bad_params_get_a_clear_message(plugin, sample, params, words):
    with pytest.raises(PluginError, match=words):
        run(plugin, sample.image, sample.mask, **params)


def test_an_image_that_is_not_an_image_is_named(plugin, sample, tmp_path):
    bogus = tmp_path / "notes.jpg"
    bogus.write_text("hello")
    with pytest.raises(PluginError, match="notes.jpg"):
        run(plugin, sample.image, sample.mask, background="image", image=str(bogus))


def test_an_empty_mask_says_no_product_was_found(plugin, sample):
    with pytest.raises(PluginError, match="no product found"):
        run(plugin, sample.image, np.zeros((240, 320), np.uint8))


def test_a_style_model_that_cannot_be_used_is_a_clear_error(plugin, sample, tmp_path):
    with pytest.raises(PluginError):
        run(plugin, sample.image, sample.mask, style=str(tmp_path / "missing.pt"))


def test_cancel_stops_the_run(plugin, sample):
    values = plugin.manifest.validate({"harmonise": "off"})
    with pytest.raises(Cancelled):
        plugin.load_run()(Request(sample.image, values, mask=sample.mask),
                          RecordingContext(cancel_after=1))


def test_progress_stays_within_0_and_1_and_ends_done(plugin, sample):
    ctx = RecordingContext()
    values = plugin.manifest.validate({"harmonise": "off"})
    plugin.load_run()(Request(sample.image, values, mask=sample.mask), ctx)
    assert ctx.fractions[-1] == 1.0 and ctx.fractions == sorted(ctx.fractions)


def test_manifest_declares_it_uses_a_mask(plugin):
    assert plugin.manifest.has("uses_mask")
    assert Path(plugin.manifest.folder, "plugin.toml").is_file()


def test_shadow_photo_keeps_the_shadow_the_product_had_in_the_photo(plugin):
    shot = render_sample("can", (320, 240), background="white", seed=2)
    result = run(plugin, shot.image, shot.mask, background="colour", colour="#ffffff",
                 shadow="photo")
    found = layer(result, "shadow").data[..., 3].astype(int)
    outside = shot.mask == 0
    assert np.abs(found[outside] - shot.shadow[outside]).mean() < 4
    assert found[outside].max() > 40


def test_shadow_photo_of_a_photo_without_one_says_so(plugin):
    image = np.full((120, 160, 4), 255, np.uint8)
    image[30:90, 60:100, :3] = (30, 90, 160)
    mask = np.zeros((120, 160), np.uint8)
    mask[30:90, 60:100] = 255
    result = run(plugin, image, mask, background="colour", colour="#ffeedd", shadow="photo")
    assert result.report["shadow"] == "none" and "no shadow" in result.report["note"]
    assert all(out.role != "shadow" for out in result.layers)


class _Warmer:
    """A stand-in colour transform for the learned parts (their own tests cover them):
    warms what it is given, blended by alpha as the real harmoniser is."""

    calls = 0

    @classmethod
    def harmonise(cls, rgb, alpha, strength, device, model=None):
        cls.calls += 1
        warm = np.clip(rgb.astype(int) + (40, 0, -40), 0, 255)
        a = alpha[..., None].astype(float) / 255 * strength
        return np.rint(rgb * (1 - a) + warm * a).astype(np.uint8)

    @staticmethod
    def apply_style(rgb, model, device):
        return (255 - rgb).astype(np.uint8)


@pytest.fixture
def learned(monkeypatch):
    import sys
    import types

    harmonise = types.ModuleType("plugins.background.harmonise")
    harmonise.harmonise = _Warmer.harmonise
    restyle = types.ModuleType("plugins.background.restyle")
    restyle.apply_style = _Warmer.apply_style
    monkeypatch.setitem(sys.modules, "plugins.background.harmonise", harmonise)
    monkeypatch.setitem(sys.modules, "plugins.background.restyle", restyle)
    _Warmer.calls = 0
    return _Warmer


def test_harmonise_auto_adjusts_the_product_in_a_scene_but_not_on_white(plugin, sample,
                                                                        learned):
    inside = sample.mask == 255
    white = run(plugin, sample.image, sample.mask, background="white", harmonise="auto")
    assert learned.calls == 0 and white.report["harmonised"] is False
    scene = run(plugin, sample.image, sample.mask, background="sweep", harmonise="auto",
                harmonise_strength=1.0)
    assert learned.calls == 1 and scene.report["harmonised"] is True
    product = layer(scene, "product").data[inside].astype(int)
    shift = (product[:, :3] - sample.image[inside][:, :3]).mean(axis=0)
    assert shift[0] > 25 and shift[2] < -25  # warmer, as the harmoniser said
    backdrop = layer(scene, "backdrop").data
    untouched = layer(run(plugin, sample.image, sample.mask, background="sweep"),
                      "backdrop").data
    assert (backdrop == untouched).all()


def test_style_scope_background_restyles_the_backdrop_only(plugin, sample, learned):
    inside = sample.mask == 255
    result = run(plugin, sample.image, sample.mask, background="colour", colour="#336699",
                 style="look.pt", style_scope="background", shadow="none")
    assert tuple(layer(result, "backdrop").data[2, 2, :3]) == (255 - 0x33, 255 - 0x66,
                                                               255 - 0x99)
    assert (layer(result, "background").data[inside] == sample.image[inside]).all()
    everything = run(plugin, sample.image, sample.mask, background="colour",
                     colour="#336699", style="look.pt", style_scope="all", shadow="none")
    final = layer(everything, "background").data
    assert (final[inside][:, :3] == 255 - sample.image[inside][:, :3]).all()
    assert (layer(everything, "product").data[inside][:, :3]
            == 255 - sample.image[inside][:, :3]).all()


def test_a_transparent_cutout_goes_on_white_as_an_opaque_picture(plugin, sample):
    cutout = sample.image.copy()
    cutout[..., 3] = sample.mask  # a cutout saved by another tool: no mask needed
    result = run(plugin, cutout, background="white", layers="flat")
    final = result.layers[0].data
    assert (final[..., 3] == 255).all()
    assert tuple(final[0, 0, :3]) == (255, 255, 255)
    inside = sample.mask == 255
    assert np.abs(final[inside][:, :3].astype(int) - sample.image[inside][:, :3]).mean() < 3
