"""Recipes in the editor: Save as recipe from AI layers; Run recipe on folder in a window."""

import tomllib

import numpy as np
import pytest
from PIL import Image

from editor.batch import BatchOptions, load_recipe, run_batch
from editor.model.compositor import composite
from editor.model.files import open_document
from editor.qt.main_window import MainWindow
from editor.tasks.registry import Registry


@pytest.fixture
def window(qtbot, fake_plugins):
    win = MainWindow()
    win.ask_save_changes = lambda: "discard"  # closing at the end asks nothing
    qtbot.addWidget(win)
    return win


def feature_of(window):
    return next(f for f in window.features if f.name == "recipes")


def photo(path, seed=0):
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)).save(path)
    return path


def test_save_as_recipe_from_two_ai_layers_replays_to_the_same_pixels(window, qtbot, tmp_path):
    source = photo(tmp_path / "shoe.png")
    doc, _ = open_document(source)
    window.load_document(doc, [])
    registry = Registry.discover()
    for plugin, params in (("fake", {"seconds": 0, "steps": 1}),
                           ("upscale", {"scale": 2, "method": "bicubic"})):
        with qtbot.waitSignal(window.jobs.job_finished, timeout=30000):
            window.jobs.submit(doc, registry.get(plugin), params, device="cpu")
    assert len(doc.layers) == 3 and doc.size == (80, 60)

    recipes = feature_of(window)
    path = tmp_path / "shoe-recipe.toml"
    assert recipes.save_recipe(path)
    data = tomllib.loads(path.read_text())
    assert [s["plugin"] for s in data["steps"]] == ["fake", "upscale"]
    assert data["steps"][1]["params"]["method"] == "bicubic"

    out = tmp_path / "out"
    result = run_batch(load_recipe(path, registry), [source], BatchOptions(out, device="cpu"))
    assert result.ok
    replayed = np.asarray(Image.open(out / "shoe.png"))
    assert np.array_equal(replayed, composite(doc.layers, doc.size))


def test_save_as_recipe_without_ai_layers_says_why(window, tmp_path):
    doc, _ = open_document(photo(tmp_path / "plain.png"))
    window.load_document(doc, [])
    messages = []
    window.notifications.show_message = lambda text, *a, **k: messages.append(text)
    assert not feature_of(window).save_recipe(tmp_path / "r.toml")
    assert "no AI layers" in messages[-1]
    assert not (tmp_path / "r.toml").exists()


def test_run_recipe_on_folder_lists_each_photo_and_the_failures(window, qtbot, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(3):
        photo(folder / f"p{i}.png", seed=i)
    (folder / "broken.png").write_bytes(b"not a png at all")
    recipe = tmp_path / "invert.toml"
    recipe.write_text('name = "invert"\n[[steps]]\nplugin = "fake"\n'
                      'params = { seconds = 0, steps = 1 }\n')
    recipes = feature_of(window)
    dialog = recipes.show_run_dialog()
    dialog.recipe_edit.setText(str(recipe))
    dialog.input_edit.setText(str(folder))
    dialog.output_edit.setText(str(tmp_path / "out"))
    dialog.run_button.click()
    assert recipes.busy  # the batch runs on a worker; the UI thread is free
    qtbot.waitUntil(lambda: not recipes.busy, timeout=30000)
    assert dialog.table.rowCount() == 4
    states = [dialog.table.item(r, 1).text() for r in range(4)]
    assert states.count("done") == 3 and states.count("failed") == 1
    assert dialog.failures()[0][0] == "broken.png"
    assert "not an image" in dialog.failures()[0][1]
    assert "3 done, 1 failed" in dialog.status.text()
    assert (tmp_path / "out" / "p0.png").exists()


def test_a_bad_recipe_is_shown_in_the_window(window, qtbot, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    photo(folder / "p.png")
    recipe = tmp_path / "typo.toml"
    recipe.write_text('name = "t"\n[[steps]]\nplugin = "fake"\nparams = { secnds = 1 }\n')
    recipes = feature_of(window)
    window.notifications.show_message = lambda *a, **k: None
    recipes.run(str(recipe), str(folder), str(tmp_path / "out"), False)
    qtbot.waitUntil(lambda: not recipes.busy, timeout=30000)
    assert "step 1 (fake): fake has no parameter 'secnds'" in recipes.dialog.status.text()
    assert recipes.dialog.run_button.isEnabled()


def test_cancel_stops_the_batch_and_keeps_what_is_done(window, qtbot, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(6):
        photo(folder / f"p{i}.png", seed=i)
    recipe = tmp_path / "slow.toml"
    recipe.write_text('name = "slow"\n[[steps]]\nplugin = "fake"\n'
                      'params = { seconds = 0.5, steps = 5 }\n')
    recipes = feature_of(window)
    dialog = recipes.show_run_dialog()
    recipes.run(str(recipe), str(folder), str(tmp_path / "out"), False)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 6
                    and dialog.table.item(0, 1).text() == "done", timeout=30000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not recipes.busy, timeout=30000)
    assert "not run (cancelled)" in dialog.status.text()
    done = list((tmp_path / "out").glob("p*.png"))
    assert 1 <= len(done) < 6


def test_closing_the_editor_stops_a_running_batch(window, qtbot, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(6):
        photo(folder / f"p{i}.png", seed=i)
    recipe = tmp_path / "slow.toml"
    recipe.write_text('name = "slow"\n[[steps]]\nplugin = "fake"\n'
                      'params = { seconds = 1.0, steps = 10 }\n')
    recipes = feature_of(window)
    dialog = recipes.show_run_dialog()
    recipes.run(str(recipe), str(folder), str(tmp_path / "out"), False)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 6, timeout=30000)
    window.close()
    qtbot.waitUntil(lambda: not recipes.busy, timeout=10000)
    assert len(list((tmp_path / "out").glob("p*.png"))) < 6
