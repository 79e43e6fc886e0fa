"""``lightbox selftest``: one line per check, skips that say why, non-zero on a failure."""

from __future__ import annotations

import io
import json
import textwrap

import pytest

from editor.cli import main
from editor.cli.selftest import Outcome, check_editor, check_models, cmd_selftest
from editor.tasks.registry import Registry
from editor.training.store import sha256_of

SKIPPED_MANIFEST = textwrap.dedent("""\
    id = "needsindex"
    name = "Needs an index"
    version = "1.0"
    entry = "lightbox_fake_plugin.task:run"

    [selftest]
    skip = "needs a catalogue index"
    """)


def _run(registry: Registry, *ids: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = cmd_selftest(registry, list(ids), "cpu", False, out)
    return code, out.getvalue().splitlines()


def test_a_working_plugin_passes_with_its_device_and_time(fake_plugins):
    code, lines = _run(Registry.discover(), "fake")
    fake = next(line for line in lines if line.startswith("plugin fake "))
    assert " ok " in fake and " cpu " in fake and " s " in fake and "1 layer" in fake
    assert code == 0
    assert ", 0 failed" in lines[-1]


def test_a_broken_plugin_fails_the_selftest_and_is_named(fake_plugins):
    code, lines = _run(Registry.discover())
    broken = next(line for line in lines if line.startswith("plugin broken "))
    assert "FAILED" in broken
    assert code == 1
    assert "plugin broken" in lines[-1]


def test_selftest_params_from_the_manifest_are_used(fake_plugins):
    # [selftest] params = {fail = true} makes the fake plugin fail: proof they are applied
    manifest = fake_plugins / "lightbox_fake_plugin" / "plugin.toml"
    manifest.write_text(manifest.read_text() + "\n[selftest]\nparams = { fail = true, "
                        "seconds = 0.0 }\n")
    code, lines = _run(Registry.discover(), "fake")
    assert code == 1
    assert "asked to fail" in next(ln for ln in lines if ln.startswith("plugin fake "))


def test_a_plugin_that_cannot_run_on_a_sample_is_skipped_with_the_reason(fake_plugins):
    pkg = fake_plugins / "lightbox_needsindex"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "plugin.toml").write_text(SKIPPED_MANIFEST)
    entry_points = fake_plugins / "lightbox_fake_plugin-1.0.dist-info" / "entry_points.txt"
    entry_points.write_text(entry_points.read_text() + "needsindex = lightbox_needsindex\n")
    code, lines = _run(Registry.discover(), "fake", "needsindex")
    line = next(ln for ln in lines if ln.startswith("plugin needsindex"))
    assert "skipped" in line and "needs a catalogue index" in line
    assert code == 0


def test_a_damaged_model_file_fails_against_its_card(tmp_path):
    folder = tmp_path / "models" / "demo"
    folder.mkdir(parents=True)
    good, bad = folder / "good.pt", folder / "bad.pt"
    for path in (good, bad):
        path.write_bytes(b"weights of " + path.stem.encode())
        card = {"plugin": "demo", "name": path.stem, "architecture": "Demo",
                "parameters": 1, "data": {}, "metrics": {}, "device": "cpu", "seconds": 1.0,
                "date": "2026-12-01", "epochs": 1, "sha256": sha256_of(path)}
        path.with_suffix(".json").write_text(json.dumps(card))
    bad.write_bytes(b"weights, damaged")
    outcomes = {o.name: o for o in check_models(tmp_path / "models")}
    assert outcomes["model demo/good.pt"].status == "ok"
    assert outcomes["model demo/bad.pt"].failed
    assert "does not match its model card" in outcomes["model demo/bad.pt"].detail


def test_the_bundled_models_match_their_cards():
    outcomes = check_models()
    assert outcomes, "no bundled model found"
    assert not [o.line() for o in outcomes if o.failed]


def test_a_real_plugin_runs_on_the_bundled_sample():
    code, lines = _run(Registry.discover(), "compliance")
    line = next(ln for ln in lines if ln.startswith("plugin compliance"))
    assert " ok " in line, line
    assert code == 0


def test_the_editor_starts_offscreen_in_a_child_process():
    outcome = check_editor()
    assert outcome.status == "ok", outcome.detail
    assert "File" in outcome.detail and "bottle.png" in outcome.detail


def test_an_unknown_plugin_is_a_usage_error(capsys):
    assert main(["selftest", "--plugin", "nosuch", "--no-editor"]) == 2
    assert "nosuch" in capsys.readouterr().err


@pytest.mark.parametrize("status", ["ok", "FAILED", "skipped"])
def test_each_line_names_the_check_and_its_status(status):
    line = Outcome("plugin demo", status, "cpu", 1.234, "detail").line()
    assert line.startswith("plugin demo") and status in line and "detail" in line


def test_a_selftest_table_with_an_unknown_param_is_a_manifest_error(tmp_path):
    from editor.tasks.manifest import ManifestError, load_manifest

    path = tmp_path / "plugin.toml"
    path.write_text(SKIPPED_MANIFEST.replace('skip = "needs a catalogue index"',
                                             "params = { nosuch = 1 }"))
    with pytest.raises(ManifestError, match="nosuch"):
        load_manifest(path)
    path.write_text(SKIPPED_MANIFEST)
    assert load_manifest(path).selftest.skip == "needs a catalogue index"


def test_a_prepare_function_must_name_module_and_function(tmp_path):
    from editor.tasks.manifest import ManifestError, load_manifest

    path = tmp_path / "plugin.toml"
    path.write_text(SKIPPED_MANIFEST.replace('skip = "needs a catalogue index"',
                                             'prepare = "no_colon_here"'))
    with pytest.raises(ManifestError, match="module:function"):
        load_manifest(path)


def test_similar_runs_on_an_index_of_the_samples_it_builds_itself():
    # the bundle's self-test once failed here: "choose a catalogue index"
    from editor.cli.selftest import check_plugin

    outcome = check_plugin(Registry.discover().get("similar"), "cpu")
    assert outcome.status == "ok", outcome.detail
    assert "matches" in outcome.detail
