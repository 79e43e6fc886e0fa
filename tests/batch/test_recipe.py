"""Recipes: every step checked against its plugin's manifest before any photo is touched."""

import tomllib

import numpy as np
import pytest

from editor.batch.recipe import RecipeError, load_recipe, parse_recipe, recipe_toml
from editor.batch.replay import Replayer, handed_on
from editor.tasks.api import OutputLayer, Result
from editor.tasks.registry import Registry


@pytest.fixture
def registry(fake_plugins):
    return Registry.discover()


def write(tmp_path, text):
    path = tmp_path / "recipe.toml"
    path.write_text(text)
    return path


def test_a_recipe_file_is_read_with_defaults_filled_in(registry, tmp_path):
    path = write(tmp_path, """
        name = "Clean and enlarge"
        [[steps]]
        plugin = "denoise"
        params = { method = "nlmeans" }
        [[steps]]
        plugin = "upscale"
        params = { scale = 3, method = "bicubic" }
        """)
    recipe = load_recipe(path, registry)
    assert recipe.name == "Clean and enlarge"
    assert [s.plugin for s in recipe.steps] == ["denoise", "upscale"]
    assert recipe.steps[1].params["scale"] == 3 and recipe.steps[1].params["tile"] == 512
    assert recipe.steps[1].label == "step 2 (upscale)"


@pytest.mark.parametrize(("steps", "expected"), [
    ('[[steps]]\nplugin = "denoize"\n', "step 1 (denoize): no plugin 'denoize'"),
    ('[[steps]]\nplugin = "fake"\n[[steps]]\nplugin = "upscale"\nparams = { scal = 2 }\n',
     "step 2 (upscale): upscale has no parameter 'scal'"),
    ('[[steps]]\nplugin = "upscale"\nparams = { scale = 9 }\n',
     "step 1 (upscale): scale: 9 is above the maximum 4"),
    ('[[steps]]\nplugin = "compliance"\nparams = { profile = "amazon" }\n',
     "'amazon' is not one of amazon-main"),
    ('[[steps]]\nplugin = "broken"\n', "step 1 (broken): the plugin is broken"),
    ('[[steps]]\nplugin = "fake"\nparms = {}\n', "step 1 (fake): unknown key 'parms'"),
    ('', "the recipe has no steps"),
])
def test_a_bad_step_stops_the_recipe_naming_step_plugin_and_param(registry, tmp_path, steps,
                                                                  expected):
    path = write(tmp_path, f'name = "r"\n{steps}')
    with pytest.raises(RecipeError) as caught:
        load_recipe(path, registry)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_file_that_is_not_toml_or_absent_is_refused(registry, tmp_path):
    with pytest.raises(RecipeError, match="not valid TOML"):
        load_recipe(write(tmp_path, "name = \n[[steps"), registry)
    with pytest.raises(RecipeError, match="no such recipe file"):
        load_recipe(tmp_path / "missing.toml", registry)


def test_a_mask_no_earlier_step_produces_is_refused_up_front(registry):
    first = {"name": "r", "steps": [{"plugin": "compliance", "mask": "previous"}]}
    with pytest.raises(RecipeError, match=r"step 1 \(compliance\).*no earlier step produces"):
        parse_recipe(first, registry)
    # denoise and the fake plugin hand on an opaque image and no mask layer
    later = {"name": "r", "steps": [
        {"plugin": "denoise", "params": {"method": "nlmeans"}},
        {"plugin": "fake", "params": {"seconds": 0}},
        {"plugin": "compliance", "mask": "previous"}]}
    with pytest.raises(RecipeError, match=r"step 3 \(compliance\).*no earlier step produces"):
        parse_recipe(later, registry)
    unused = {"name": "r", "steps": [{"plugin": "compliance"},
                                     {"plugin": "fake", "mask": "previous"}]}
    with pytest.raises(RecipeError, match="the fake plugin uses no mask"):
        parse_recipe(unused, registry)


def test_a_check_leaves_its_mask_for_the_next_step(registry):
    # compliance outputs the product mask it saw: a later step may use it
    recipe = parse_recipe({"name": "r", "steps": [
        {"plugin": "compliance"}, {"plugin": "denoise", "mask": "previous",
                                   "params": {"method": "nlmeans"}}]}, registry)
    assert recipe.steps[1].mask


def test_what_a_step_hands_on():
    image = np.full((4, 6, 4), 200, np.uint8)
    mask = np.zeros((4, 6), np.uint8)
    # a check: a mask and a report, no raster -> the same image, its mask
    checked = Result([OutputLayer("mask", "m", mask + 9)], {"passed": True})
    same, new_mask = handed_on(checked, image, None)
    assert same is image and int(new_mask[0, 0]) == 9
    # a fixed copy of another size: it is the image now; the old mask no longer fits
    fixed = np.zeros((8, 12, 4), np.uint8)
    fixed[..., 3] = 255
    out, kept = handed_on(Result([OutputLayer("raster", "f", fixed)]), image, mask)
    assert out.shape == (8, 12, 4) and kept is None
    # a cutout with its shadow on top: both, flattened
    cutout = np.zeros((4, 6, 4), np.uint8)
    shadow = np.zeros((4, 6, 4), np.uint8)
    shadow[..., 3] = 255
    out, _ = handed_on(Result([OutputLayer("raster", "c", cutout),
                               OutputLayer("raster", "s", shadow, role="shadow")]), image, None)
    assert int(out[0, 0, 3]) == 255


def test_a_cutouts_transparency_is_the_mask_when_no_mask_layer_came(registry):
    recipe = parse_recipe({"name": "r", "steps": [
        {"plugin": "segment", "params": {"output": "cutout", "method": "classical"}},
        {"plugin": "fake", "params": {"seconds": 0}},
        {"plugin": "compliance", "mask": "previous"}]}, registry, rehearse=False)
    image = np.full((24, 32, 4), 255, np.uint8)
    image[..., 3] = 0
    image[6:18, 8:24, 3] = 255  # a cutout: opaque product, transparent backdrop
    mask = Replayer._mask_for(recipe.steps[2], image, None)
    assert mask[10, 10] == 255 and mask[0, 0] == 0


def test_a_recipe_written_as_toml_reads_back_the_same(registry):
    recipe = parse_recipe({"name": "Shop \"main\"", "steps": [
        {"plugin": "upscale", "params": {"scale": 2, "method": "lanczos", "width": None}},
        {"plugin": "compliance", "params": {"fix": True}, "version": "0.1.0"}]}, registry)
    text = recipe_toml(recipe)
    again = parse_recipe(tomllib.loads(text), registry)
    assert again.name == 'Shop "main"'
    assert [s.params for s in again.steps] == [s.params for s in recipe.steps]
    assert again.fingerprint() == recipe.fingerprint()
    assert again.steps[1].version == "0.1.0"
