"""The Ray engine on a 2-CPU local cluster: the same files as the local engine."""

import json

import numpy as np
import pytest
from PIL import Image

from editor.batch import BatchOptions, parse_recipe, run_batch
from editor.tasks.registry import Registry

pytest.importorskip("ray")

RECIPE = {"name": "invert, enlarge, check", "steps": [
    {"plugin": "fake", "params": {"seconds": 0, "steps": 1}},
    {"plugin": "upscale", "params": {"scale": 2, "method": "bicubic"}},
    {"plugin": "compliance", "params": {"profile": "etsy"}},
]}


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_ray_writes_the_files_the_local_engine_writes(fake_plugins, tmp_path):
    recipe = parse_recipe(RECIPE, Registry.discover())
    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(3)
    files = []
    for i in range(4):
        files.append(folder / f"p{i}.png")
        Image.fromarray(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)).save(files[-1])
    files.append(folder / "broken.png")
    files[-1].write_bytes(b"not a png")

    local = run_batch(recipe, files, BatchOptions(tmp_path / "local", device="cpu"))
    ray = run_batch(recipe, files, BatchOptions(tmp_path / "ray", engine="ray", workers=2,
                                                device="cpu"))
    assert [o.status for o in ray.outcomes] == [o.status for o in local.outcomes]
    assert ray.outcomes[-1].status == "failed" and "broken.png" in ray.outcomes[-1].error
    for f in files[:-1]:
        a = np.asarray(Image.open(tmp_path / "local" / f"{f.stem}.png"), dtype=int)
        b = np.asarray(Image.open(tmp_path / "ray" / f"{f.stem}.png"), dtype=int)
        assert a.shape == b.shape and np.abs(a - b).max() <= 2
    report = json.loads((tmp_path / "ray" / "report.json").read_text())
    assert report["engine"] == "ray" and report["counts"]["ok"] == 4
    # resumed on Ray too: nothing left to do but the broken photo
    again = run_batch(recipe, files, BatchOptions(tmp_path / "ray", engine="ray", workers=2,
                                                  device="cpu"))
    assert again.count("skipped") == 4 and again.count("failed") == 1
