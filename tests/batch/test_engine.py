"""The local engine: outputs, resume, bad photos, worker processes, the report."""

import csv
import json
import os

import numpy as np
import pytest
from PIL import Image

from editor.batch import BatchError, BatchOptions, parse_recipe, run_batch
from editor.batch.engine import clean_temporary
from editor.tasks.registry import Registry

RECIPE = {"name": "invert and enlarge", "steps": [
    {"plugin": "fake", "params": {"seconds": 0, "steps": 1}},
    {"plugin": "upscale", "params": {"scale": 2, "method": "bicubic"}},
    {"plugin": "compliance", "params": {"profile": "etsy"}},
]}


def photos(folder, count=4, size=(40, 30)):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    paths = []
    for i in range(count):
        rgb = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
        path = folder / f"p{i}.png"
        Image.fromarray(rgb).save(path)
        paths.append(path)
    return paths


@pytest.fixture
def recipe(fake_plugins):
    return parse_recipe(RECIPE, Registry.discover())


def pixels(path):
    return np.asarray(Image.open(path))


def test_each_photo_goes_through_every_step_into_one_final_image(recipe, tmp_path):
    files = photos(tmp_path / "in", 2)
    out = tmp_path / "out"
    result = run_batch(recipe, files, BatchOptions(out, keep_steps=True))
    assert result.ok and result.count("ok") == 2
    original = pixels(files[0])
    final = pixels(out / "p0.png")
    assert final.shape == (60, 80, 4)  # enlarged x2; the check handed it on unchanged
    assert abs(int(final[:, :, 0].mean()) - (255 - int(original[:, :, 0].mean()))) <= 2
    steps = sorted(p.name for p in (out / "steps").iterdir())
    assert steps[:3] == ["p0-1-fake.png", "p0-2-upscale.png", "p0-3-compliance.png"]
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["ok"] == 2 and report["state"] == "finished"
    row = report["files"][0]
    assert set(row["seconds"]) == {"1-fake", "2-upscale", "3-compliance"}
    assert row["device"] == "cpu" and row["status"] == "ok"
    with open(out / "report.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert "seconds_2-upscale" in rows[0]


def test_without_keep_steps_only_the_final_images_and_the_report(recipe, tmp_path):
    files = photos(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert run_batch(recipe, files, BatchOptions(out)).ok
    assert sorted(p.name for p in out.iterdir()) == ["p0.png", "p1.png", "report.csv",
                                                      "report.json"]


def test_a_rerun_skips_finished_photos_and_force_redoes_them(recipe, tmp_path):
    files = photos(tmp_path / "in", 3)
    out = tmp_path / "out"
    run_batch(recipe, files[:2], BatchOptions(out))
    before = (out / "p0.png").stat().st_mtime_ns
    again = run_batch(recipe, files, BatchOptions(out))
    assert [o.status for o in again.outcomes] == ["skipped", "skipped", "ok"]
    assert (out / "p0.png").stat().st_mtime_ns == before
    report = json.loads((out / "report.json").read_text())
    assert report["counts"] == {"ok": 1, "failed": 0, "skipped": 2, "cancelled": 0}
    forced = run_batch(recipe, files, BatchOptions(out, force=True))
    assert forced.count("ok") == 3


def test_a_corrupt_photo_is_reported_by_name_and_the_rest_finish(recipe, tmp_path):
    files = photos(tmp_path / "in", 3)
    files[1].write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    out = tmp_path / "out"
    result = run_batch(recipe, files, BatchOptions(out))
    assert [o.status for o in result.outcomes] == ["ok", "failed", "ok"]
    assert "p1.png" in result.outcomes[1].error
    assert not result.ok and not (out / "p1.png").exists()
    rows = json.loads((out / "report.json").read_text())["files"]
    assert rows[1]["status"] == "failed" and "p1.png" in rows[1]["error"]


def test_a_step_failing_on_one_photo_names_the_step(fake_plugins, tmp_path):
    recipe = parse_recipe({"name": "r", "steps": [
        {"plugin": "upscale", "params": {"width": 20, "method": "bicubic"}},
        {"plugin": "fake", "params": {"seconds": 0, "fail": True}}]}, Registry.discover())
    result = run_batch(recipe, photos(tmp_path / "in", 1), BatchOptions(tmp_path / "out"))
    assert result.outcomes[0].status == "failed"
    assert "step 2 (fake): the fake plugin was asked to fail" in result.outcomes[0].error


def test_two_photos_with_one_stem_do_not_overwrite_each_other(recipe, tmp_path):
    a = photos(tmp_path / "a", 1)[0]
    b = photos(tmp_path / "b", 1)[0]
    result = run_batch(recipe, [a, b], BatchOptions(tmp_path / "out"))
    assert [o.status for o in result.outcomes] == ["ok", "failed"]
    assert "already made from" in result.outcomes[1].error


def test_two_workers_give_the_same_files_as_one(fake_plugins, tmp_path):
    # light steps: each spawned worker imports only what they need
    recipe = parse_recipe({"name": "r", "steps": RECIPE["steps"][:2]}, Registry.discover())
    files = photos(tmp_path / "in", 4)
    one = run_batch(recipe, files, BatchOptions(tmp_path / "one"))
    two = run_batch(recipe, files, BatchOptions(tmp_path / "two", workers=2, device="cpu"))
    assert one.ok and two.ok
    for f in files:
        assert np.array_equal(pixels(tmp_path / "one" / f"{f.stem}.png"),
                              pixels(tmp_path / "two" / f"{f.stem}.png"))
    assert all(o.peak_rss_mb > 0 for o in two.outcomes)  # measured in the workers


def test_stale_temporary_files_of_a_killed_run_are_removed(recipe, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".p0.png.k3j9x_2a.tmp").write_bytes(b"half a png")
    (out / "notes.tmp").write_text("not ours: kept")
    result = run_batch(recipe, photos(tmp_path / "in", 1), BatchOptions(out))
    assert result.cleaned == 1
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert (out / "notes.tmp").exists()
    assert clean_temporary(out) == 0


def test_outputs_of_another_recipe_are_not_mixed_in(recipe, fake_plugins, tmp_path):
    files = photos(tmp_path / "in", 1)
    out = tmp_path / "out"
    run_batch(recipe, files, BatchOptions(out))
    other = parse_recipe({"name": "other", "steps": [{"plugin": "fake"}]}, Registry.discover())
    with pytest.raises(BatchError, match="made by another recipe"):
        run_batch(other, files, BatchOptions(out))
    assert run_batch(other, files, BatchOptions(out, force=True)).ok


def test_an_unwritable_output_folder_is_refused_before_any_work(recipe, tmp_path,
                                                              monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    if os.geteuid() == 0:  # root may write anywhere: the folder refuses as a share would
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("editor.batch.engine.tempfile.mkstemp", refuse)
    try:
        with pytest.raises(BatchError, match="cannot write in the output folder"):
            run_batch(recipe, photos(tmp_path / "in", 1), BatchOptions(out))
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o700)
