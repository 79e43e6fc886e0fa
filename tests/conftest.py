"""Test set-up shared by the whole suite: offscreen Qt, isolated settings, data paths."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The development data folder; tests that need it skip cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep settings, recent files and the model store of each test away from the user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("LIGHTBOX_HOME", str(home))
    return home


FAKE_MANIFEST = """\
id = "fake"
name = "Fake invert"
version = "1.0"
description = "Inverts colours slowly, in steps, so tests can watch progress and cancel."
entry = "lightbox_fake_plugin.task:run"

[capabilities]
trainable = false
uses_mask = false

[[params]]
name = "seconds"
type = "float"
default = 0.2
min = 0.0
max = 30.0
help = "How long the job takes."

[[params]]
name = "steps"
type = "int"
default = 10
min = 1
max = 1000
help = "How many progress reports."

[[params]]
name = "fail"
type = "bool"
default = false
help = "Raise an error half way."
"""

FAKE_TASK = '''\
import time

import numpy as np

from editor.tasks.api import OutputLayer, PluginError, Result


def run(request, ctx):
    steps = request.params["steps"]
    for i in range(steps):
        ctx.progress(i / steps, f"step {i + 1} of {steps}")
        time.sleep(request.params["seconds"] / steps)
        if request.params["fail"] and i >= steps // 2:
            raise PluginError("the fake plugin was asked to fail")
    out = request.image.copy()
    out[..., :3] = 255 - out[..., :3]
    ctx.progress(1.0, "done")
    return Result(layers=[OutputLayer("raster", "Inverted", out)], report={"steps": steps})
'''

BROKEN_MANIFEST = 'id = "broken"\nname = "Broken"\nversion = "oops"\nentry = 12\n'


@pytest.fixture
def fake_plugins(tmp_path, monkeypatch):
    """Register two plugins through the ``lightbox.plugins`` entry-point group, as an
    installed distribution would: ``fake`` (works) and ``broken`` (bad manifest)."""
    site = tmp_path / "site"
    pkg = site / "lightbox_fake_plugin"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "plugin.toml").write_text(FAKE_MANIFEST)
    (pkg / "task.py").write_text(FAKE_TASK)
    bad = site / "lightbox_broken_plugin"
    bad.mkdir()
    (bad / "__init__.py").write_text("")
    (bad / "plugin.toml").write_text(BROKEN_MANIFEST)
    dist = site / "lightbox_fake_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: lightbox-fake-plugin\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text(textwrap.dedent("""\
        [lightbox.plugins]
        fake = lightbox_fake_plugin
        broken = lightbox_broken_plugin
        """))
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in [m for m in sys.modules if m.startswith(("lightbox_fake", "lightbox_broken"))]:
        del sys.modules[name]


TINYSEG_MANIFEST = """\
id = "tinyseg"
name = "Tiny segmenter"
version = "1.0"
description = "Finds bright squares; exists so tests can train a real model in seconds."
entry = "lightbox_tinyseg.task:run"

[capabilities]
trainable = true

[[params]]
name = "model"
type = "path"
optional = true
help = "A trained model; empty = a plain brightness threshold."

[training]
entry = "lightbox_tinyseg.train:make_task"
dataset = "pairs"

[[training.params]]
name = "epochs"
type = "int"
default = 3
min = 1
max = 100

[[training.params]]
name = "lr"
type = "float"
default = 0.05
min = 0.0000001
max = 1.0

[[training.params]]
name = "crop"
type = "int"
default = 16
min = 8
max = 64
help = "Side of the training crops."
"""

TINYSEG_TRAIN = '''\
import numpy as np
import torch
import torch.nn.functional as F

from editor.model.imageio import load_image
from editor.training.task import TrainingTask


def build():
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(4, 1, 1))


def tensors(sample):
    image = load_image(sample.image).pixels[..., :3].astype(np.float32) / 255
    mask = load_image(sample.mask).pixels[..., 0].astype(np.float32) / 255
    return torch.from_numpy(image).permute(2, 0, 1), torch.from_numpy(mask)[None]


class TinySeg(TrainingTask):
    architecture = "TinySeg-2conv"
    primary_metric = "iou"
    higher_is_better = True

    def build_model(self):
        return build()

    def batches(self, samples, rng):
        crop = self.params["crop"]
        order = rng.permutation(len(samples))
        for start in range(0, len(order), self.params["batch"]):
            xs, ys = [], []
            for i in order[start : start + self.params["batch"]]:
                x, y = tensors(samples[i])
                top = int(rng.integers(0, x.shape[1] - crop + 1))
                left = int(rng.integers(0, x.shape[2] - crop + 1))
                xs.append(x[:, top : top + crop, left : left + crop])
                ys.append(y[:, top : top + crop, left : left + crop])
            yield torch.stack(xs), torch.stack(ys)

    def loss(self, model, batch, device):
        x, y = batch
        return F.binary_cross_entropy_with_logits(model(x.to(device)), y.to(device))

    def validate(self, model, samples, device):
        inter = union = 0.0
        for sample in samples:
            x, y = tensors(sample)
            pred = model(x[None].to(device))[0].sigmoid().cpu() > 0.5
            truth = y > 0.5
            inter += float((pred & truth).sum())
            union += float((pred | truth).sum())
        return {"iou": inter / union if union else 1.0}


def make_task(params):
    return TinySeg(params)
'''

TINYSEG_TASK = '''\
import numpy as np
import torch

from editor.tasks.api import OutputLayer, Result
from editor.training.store import load_model
from lightbox_tinyseg.train import build


def run(request, ctx):
    rgb = request.image[..., :3].astype(np.float32) / 255
    if request.params["model"]:
        weights, card = load_model(request.params["model"], "tinyseg")
        model = build()
        model.load_state_dict(weights)
        with torch.no_grad():
            x = torch.from_numpy(rgb).permute(2, 0, 1)[None]
            mask = (model(x)[0, 0].sigmoid().numpy() > 0.5)
    else:
        mask = rgb.mean(axis=2) > 0.5
    ctx.progress(1.0)
    return Result([OutputLayer("mask", "Squares", (mask * 255).astype(np.uint8))])
'''


def write_squares(root, count=12, size=32, seed=0, broken=False):
    """A pairs folder (images/ + masks/): bright squares on dark noise, exact masks."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "masks").mkdir(exist_ok=True)
    for i in range(count):
        image = rng.integers(0, 60, (size, size, 3)).astype(np.uint8)
        mask = np.zeros((size, size), np.uint8)
        s = int(rng.integers(6, size // 2))
        y, x = (int(v) for v in rng.integers(0, size - s, 2))
        image[y : y + s, x : x + s] = rng.integers(190, 256, 3)
        mask[y : y + s, x : x + s] = 255
        Image.fromarray(image).save(root / "images" / f"sq{i:02d}.png")
        Image.fromarray(mask).save(root / "masks" / f"sq{i:02d}.png")
    if broken:
        Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(root / "images" / "small.png")
        Image.fromarray(np.zeros((9, 9), np.uint8)).save(root / "masks" / "small.png")
    return root


@pytest.fixture
def tinyseg(tmp_path, monkeypatch):
    """A trainable plugin (``tinyseg``) registered through the entry-point group."""
    site = tmp_path / "tinyseg-site"
    pkg = site / "lightbox_tinyseg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "plugin.toml").write_text(TINYSEG_MANIFEST)
    (pkg / "train.py").write_text(TINYSEG_TRAIN)
    (pkg / "task.py").write_text(TINYSEG_TASK)
    dist = site / "lightbox_tinyseg-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: lightbox-tinyseg\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[lightbox.plugins]\ntinyseg = lightbox_tinyseg\n")
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in [m for m in sys.modules if m.startswith("lightbox_tinyseg")]:
        del sys.modules[name]


@pytest.fixture
def make_squares():
    """``make_squares(folder, count=12, size=32, seed=0, broken=False)`` writes a pairs folder."""
    return write_squares
