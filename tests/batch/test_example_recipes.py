"""The recipes shipped in resources/recipes: valid, and the Amazon one makes a main image."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.batch import BatchOptions, load_recipe, parse_recipe, run_batch
from editor.model.imageio import save_image
from editor.samples import render_sample
from editor.tasks.api import QuietContext
from editor.tasks.chain import call_plugin
from editor.tasks.registry import Registry

RECIPES = Path(__file__).resolve().parents[2] / "resources" / "recipes"


@pytest.mark.parametrize("path", sorted(RECIPES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_example_recipe_is_valid(path):
    import tomllib

    recipe = parse_recipe(tomllib.loads(path.read_text()), Registry.discover(),
                          source=str(path), rehearse=False)
    assert recipe.name and recipe.description and len(recipe.steps) >= 2


def test_the_amazon_recipe_makes_a_main_image_that_passes_the_check(tmp_path):
    registry = Registry.discover()
    recipe = load_recipe(RECIPES / "amazon-main.toml", registry)  # with the mask rehearsal
    assert [s.plugin for s in recipe.steps] == ["segment", "background", "compliance"]
    photo = tmp_path / "in" / "bottle.jpg"
    photo.parent.mkdir()
    save_image(photo, render_sample("bottle", (320, 240), seed=3, background="sweep").image)
    out = tmp_path / "out"
    result = run_batch(recipe, [photo], BatchOptions(out, device="cpu"))
    assert result.ok, result.outcomes[0].error
    final = np.asarray(Image.open(out / "bottle.png"))
    assert final[..., 3].min() == 255  # opaque
    corners = final[[0, 0, -1, -1], [0, -1, 0, -1], :3]
    assert (corners == 255).all()  # on pure white
    check = call_plugin("compliance", final, {"profile": "amazon-main"}, QuietContext())
    errors = [v for v in check.report["violations"] if v["severity"] == "error"]
    assert check.report["passed"], errors
