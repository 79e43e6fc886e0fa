"""The README's promises: the two commands, and the plugin-author guide's example works."""

import re
import textwrap
from pathlib import Path

import numpy as np

from editor.tasks.api import Request
from editor.tasks.jobs import Job, JobState
from editor.tasks.registry import Registry

README = Path(__file__).resolve().parents[1] / "README.md"


def block_after(text: str, marker: str) -> str:
    start = text.index(marker)
    match = re.search(r"```\w*\n(.*?)```", text[start:], re.S)
    assert match, f"no code block after {marker}"
    return match.group(1)


def test_quick_start_is_the_two_commands():
    text = README.read_text()
    assert "make run" in text and "make test" in text


def test_the_plugin_guide_example_installs_and_runs(tmp_path, monkeypatch):
    text = README.read_text()
    pkg = tmp_path / "myplugins" / "tint"
    pkg.mkdir(parents=True)
    (tmp_path / "myplugins" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "plugin.toml").write_text(block_after(text, "`myplugins/tint/plugin.toml`"))
    (pkg / "task.py").write_text(block_after(text, "`myplugins/tint/task.py`"))
    dist = tmp_path / "myplugins-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: myplugins\nVersion: 1.0\n")
    entry = block_after(text, "Register it in your package's")
    (dist / "entry_points.txt").write_text(
        textwrap.dedent(entry).replace('[project.entry-points."lightbox.plugins"]',
                                       "[lightbox.plugins]").replace('"', "")
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin = Registry.discover().get("tint")
    image = np.full((20, 30, 4), 100, np.uint8)
    job = Job(plugin, Request(image, plugin.manifest.validate({"warmth": 0.5})))
    job.run()
    assert job.state is JobState.DONE, job.error
    out = job.result.layers[0].data
    assert out[0, 0, 0] == 120 and out[0, 0, 2] == 80 and out[0, 0, 3] == 100
