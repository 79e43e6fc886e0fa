"""`lightbox batch`, as a scripted user drives it: outputs, refusals, resume after kill -9."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.cli import main

ROOT = Path(__file__).resolve().parents[2]


def photos(folder, count, seed=0):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        rgb = rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)
        Image.fromarray(rgb).save(folder / f"p{i:02d}.png")
    return folder


def recipe(tmp_path, steps):
    path = tmp_path / "recipe.toml"
    path.write_text('name = "test"\n' + steps)
    return path


INVERT_ENLARGE = """
[[steps]]
plugin = "fake"
params = { seconds = 0, steps = 1 }

[[steps]]
plugin = "upscale"
params = { scale = 2, method = "bicubic" }
"""


def run_cli(*args):
    return main([str(a) for a in args])


def test_batch_writes_final_images_and_a_report(fake_plugins, tmp_path, capsys):
    src = photos(tmp_path / "in", 2)
    out = tmp_path / "out"
    code = run_cli("batch", recipe(tmp_path, INVERT_ENLARGE), src, "-o", out, "--keep-steps")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert np.asarray(Image.open(out / "p00.png")).shape == (48, 64, 4)
    assert (out / "steps" / "p00-1-fake.png").exists()
    assert (out / "report.json").exists() and (out / "report.csv").exists()
    assert "2 succeeded, 0 failed, 0 skipped" in captured.out
    assert run_cli("batch", recipe(tmp_path, INVERT_ENLARGE), src, "-o", out) == 0
    assert "0 succeeded, 0 failed, 2 skipped" in capsys.readouterr().out


def test_a_corrupt_input_is_named_the_rest_finish_and_the_exit_code_says_so(
        fake_plugins, tmp_path, capsys):
    src = photos(tmp_path / "in", 2)
    (src / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    out = tmp_path / "out"
    assert run_cli("batch", recipe(tmp_path, INVERT_ENLARGE), src, "-o", out) == 1
    captured = capsys.readouterr()
    assert "bad.jpg" in captured.err
    assert "2 succeeded, 1 failed" in captured.out
    assert (out / "p00.png").exists() and (out / "p01.png").exists()


@pytest.mark.parametrize(("steps", "message"), [
    ('[[steps]]\nplugin = "upscale"\nparams = { scael = 2 }\n',
     "step 1 (upscale): upscale has no parameter 'scael'"),
    ('[[steps]]\nplugin = "fake"\n[[steps]]\nplugin = "sharpen"\n',
     "step 2 (sharpen): no plugin 'sharpen'"),
])
def test_a_recipe_typo_stops_the_batch_before_any_work(fake_plugins, tmp_path, capsys,
                                                       steps, message):
    src = photos(tmp_path / "in", 1)
    out = tmp_path / "out"
    assert run_cli("batch", recipe(tmp_path, steps), src, "-o", out) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_an_output_folder_inside_the_input_folder_is_refused(fake_plugins, tmp_path, capsys):
    src = photos(tmp_path / "in", 1)
    assert run_cli("batch", recipe(tmp_path, INVERT_ENLARGE), src, "-o", src / "out") == 2
    assert "inside the input folder" in capsys.readouterr().err
    assert not (src / "out").exists()


def test_an_output_folder_that_is_a_file_is_refused(fake_plugins, tmp_path, capsys):
    src = photos(tmp_path / "in", 1)
    (tmp_path / "out").write_text("a file")
    assert run_cli("batch", recipe(tmp_path, INVERT_ENLARGE), src, "-o", tmp_path / "out") == 2
    assert "is a file" in capsys.readouterr().err


def test_ray_without_ray_installed_says_how_to_get_it(fake_plugins, tmp_path, capsys,
                                                      monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    src = photos(tmp_path / "in", 1)
    code = run_cli("batch", recipe(tmp_path, INVERT_ENLARGE), src, "-o", tmp_path / "out",
                   "--engine", "ray")
    assert code == 2
    assert "pip install 'lightbox[ray]'" in capsys.readouterr().err


def test_kill_9_half_way_then_a_rerun_gives_the_same_files(fake_plugins, tmp_path):
    src = photos(tmp_path / "in", 8, seed=5)
    slow = recipe(tmp_path, INVERT_ENLARGE.replace("seconds = 0,", "seconds = 0.3,"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake_plugins), str(ROOT)])}
    command = [sys.executable, "-m", "editor.cli", "batch", str(slow), str(src), "--device",
               "cpu", "-o"]
    out = tmp_path / "out"
    child = subprocess.Popen([*command, str(out)], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(out.glob("p*.png"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    finished = sorted(p.name for p in out.glob("p*.png"))
    assert 3 <= len(finished) < 8, "the kill came too late to test a resume"
    for name in finished:  # nothing half-written under a real name
        Image.open(out / name).load()

    rerun = subprocess.run([*command, str(out)], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    counts = json.loads((out / "report.json").read_text())["counts"]
    assert counts["skipped"] == len(finished) and counts["ok"] == 8 - len(finished)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]

    clean = tmp_path / "clean"
    assert subprocess.run([*command, str(clean)], env=env, cwd=ROOT,
                          capture_output=True, timeout=120).returncode == 0
    for i in range(8):
        name = f"p{i:02d}.png"
        assert np.array_equal(np.asarray(Image.open(out / name)),
                              np.asarray(Image.open(clean / name)))
