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
