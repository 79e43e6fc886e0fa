"""``lightbox selftest``: is this installation whole? For the build (checking a bundle) and
for users reporting a problem (the editor's Help -> Run self-test runs the same command).

    lightbox selftest [--plugin ID]... [--device auto|cpu|cuda|mps] [--no-editor]

1. every bundled model file is checked against the sha256 of its model card;
2. every installed plugin (found by the registry, never a fixed list) runs once on a small
   bundled sample with its manifest's ``[selftest]`` params (fast settings), on the device
   ``--device`` picks; a plugin whose ``[selftest]`` says ``skip = "why"`` is reported as
   skipped, not failed;
3. the editor's main window is built offscreen in a child process (Qt never loads here).

One line per check: name, ok / FAILED / skipped, device, seconds, and what it found or why
it failed. Exit code 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from editor.cli.common import UsageError
from editor.paths import SAMPLES
from editor.tasks.api import Request
from editor.tasks.device import DEVICES
from editor.tasks.jobs import Job, JobState
from editor.tasks.manifest import load_entry
from editor.tasks.registry import PluginInfo, Registry
from editor.training.store import BUNDLED, ModelError, verify_model

#: the sample photo every plugin runs on, and its exact product mask
SAMPLE = SAMPLES / "bottle.png"
SAMPLE_MASK = SAMPLES / "masks" / "bottle.png"
#: longest side the sample is shrunk to: enough for every plugin, fast on a CPU
SAMPLE_SIDE = 320
#: seconds the offscreen editor may take to start (a cold start imports Qt and plugins)
EDITOR_TIMEOUT = 180.0


@dataclass(frozen=True)
class Outcome:
    """One line of the report."""

    name: str
    status: str  # "ok", "FAILED" or "skipped"
    device: str = ""
    seconds: float = 0.0
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "FAILED"

    def line(self) -> str:
        timing = f"{self.seconds:6.2f} s" if self.status != "skipped" else " " * 8
        return (f"{self.name:<22} {self.status:<8} {self.device or '-':<5} {timing}  "
                f"{self.detail}").rstrip()


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("selftest", help="check the bundled models, run every plugin on a "
                                        "sample and start the editor offscreen")
    p.add_argument("--plugin", action="append", default=[], metavar="ID",
                   help="test only this plugin (repeatable); default: every installed one")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument("--no-editor", action="store_true",
                   help="skip starting the editor offscreen")
    # used by the child process that checks the editor
    p.add_argument("--editor-only", action="store_true", help=argparse.SUPPRESS)


# -- the checks -----------------------------------------------------------------------------
def check_models(folder: Path = BUNDLED) -> list[Outcome]:
    """Every ``*.pt`` under ``folder`` against the sha256 of its card."""
    outcomes = []
    for path in sorted(folder.glob("*/*.pt")):
        name = f"model {path.parent.name}/{path.name}"
        start = time.monotonic()
        try:
            card = verify_model(path, plugin=path.parent.name)
        except ModelError as exc:
            outcomes.append(Outcome(name, "FAILED", detail=exc.reason))
            continue
        outcomes.append(Outcome(name, "ok", seconds=time.monotonic() - start,
                                detail=f"sha256 matches its card ({card.architecture})"))
    return outcomes


def sample_request(info: PluginInfo, scratch: Path) -> Request:
    """The small sample photo, with the ``[selftest]`` params (and product mask if asked);
    a ``prepare`` function makes what the run needs in ``scratch`` and adds its params."""
    from editor.model.imageio import load_image, load_mask

    image = _shrink(load_image(SAMPLE).pixels)
    manifest = info.manifest
    assert manifest is not None
    mask = None
    if manifest.selftest.mask:
        mask = _shrink(load_mask(SAMPLE_MASK), image.shape[:2])
    values = dict(manifest.selftest.params)
    if manifest.selftest.prepare:
        values.update(load_entry(manifest.selftest.prepare)(scratch))
    params = manifest.validate(values)
    return Request(image=image, params=params, mask=mask)


def check_plugin(info: PluginInfo, device: str = "auto") -> Outcome:
    """Run one plugin once on the sample; never raises."""
    name = f"plugin {info.id}"
    if info.broken:
        return Outcome(name, "FAILED", detail=info.error or "broken")
    assert info.manifest is not None
    if info.manifest.selftest.skip:
        return Outcome(name, "skipped", detail=info.manifest.selftest.skip)
    with tempfile.TemporaryDirectory(prefix=f"lightbox-selftest-{info.id}-") as scratch:
        try:
            request = sample_request(info, Path(scratch))
        except Exception as exc:  # a bad [selftest] table or a damaged sample: report, go on
            return Outcome(name, "FAILED", detail=f"cannot prepare the sample: {exc}")
        job = Job(info, request, device=device)
        job.run()
    device_text = job.device + (f" ({job.device_reason})" if job.device_reason else "")
    if job.state is not JobState.DONE or job.result is None:
        if _waits_for_training(info):
            # a fresh install of a plugin that only works once the user trained it
            return Outcome(name, "skipped", detail=f"no trained model yet ({job.error})")
        return Outcome(name, "FAILED", job.device, job.elapsed, job.error or job.state.value)
    return Outcome(name, "ok", job.device, job.elapsed,
                   _describe(job.result) + (f"; {device_text}" if job.device_reason else ""))


def check_editor(timeout: float = EDITOR_TIMEOUT) -> Outcome:
    """Build the main window offscreen in a child process (isolated settings)."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lightbox-selftest-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LIGHTBOX_HOME=home)
        try:
            done = subprocess.run(
                [*selftest_command(), "--editor-only"], env=env, capture_output=True,
                text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Outcome("editor (offscreen)", "FAILED", seconds=time.monotonic() - start,
                           detail=str(exc))
    seconds = time.monotonic() - start
    said = [ln for ln in done.stdout.splitlines() if ln.strip()]
    errors = [ln for ln in done.stderr.splitlines() if ln.strip()]
    if done.returncode != 0:
        return Outcome("editor (offscreen)", "FAILED", seconds=seconds,
                       detail=(errors or said or [f"exit code {done.returncode}"])[-1])
    return Outcome("editor (offscreen)", "ok", "gui", seconds, said[-1] if said else "")


def editor_check_in_process() -> str:
    """(Child process) open the main window on the sample offscreen; what it built."""
    from PySide6.QtWidgets import QApplication

    from editor.qt.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    window = MainWindow()
    window.show()
    window.open_path(SAMPLE)
    deadline = time.monotonic() + 60
    while window.document is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    if window.document is None:
        raise RuntimeError(f"the editor did not open {SAMPLE.name}")
    menus = [a.text().replace("&", "") for a in window.menuBar().actions() if a.menu()]
    summary = (f"main window with {len(window.features)} features, "
               f"menus {', '.join(menus)}; opened {SAMPLE.name}")
    window.jobs.shutdown()
    window.deleteLater()
    return summary


def selftest_command() -> list[str]:
    """The command line that runs ``lightbox selftest`` in a child process: the bundle's
    own executable when frozen, else this interpreter."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "selftest"]
    return [sys.executable, "-m", "editor.cli", "selftest"]


# -- the command ----------------------------------------------------------------------------
def cmd_selftest(registry: Registry, plugin_ids: Sequence[str], device: str, editor: bool,
                 out: TextIO) -> int:
    """Run every check, printing each line as it finishes; 0 when none failed."""
    known = {p.id for p in registry.plugins}
    unknown = [p for p in plugin_ids if p not in known]
    if unknown:
        raise UsageError(f"no plugin {unknown[0]!r} (installed: {', '.join(sorted(known))})")
    print(f"Lightbox self-test: Python {sys.version.split()[0]}, "
          f"{'bundle' if getattr(sys, 'frozen', False) else 'source'} install", file=out)
    outcomes: list[Outcome] = []

    def report(outcome: Outcome) -> None:
        outcomes.append(outcome)
        print(outcome.line(), file=out, flush=True)

    for outcome in check_models():
        report(outcome)
    for info in registry.plugins:
        if not plugin_ids or info.id in plugin_ids:
            report(check_plugin(info, device))
    if editor:
        report(check_editor())
    failed = [o.name for o in outcomes if o.failed]
    skipped = sum(o.status == "skipped" for o in outcomes)
    print(f"{len(outcomes) - len(failed) - skipped} ok, {len(failed)} failed, "
          f"{skipped} skipped" + (f": {', '.join(failed)}" if failed else ""), file=out)
    return 1 if failed else 0


def _cmd(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if ns.editor_only:
        try:
            print(editor_check_in_process(), file=out)
        except Exception as exc:  # reported by the parent as the editor line
            print(f"{type(exc).__name__}: {exc}", file=err)
            return 1
        return 0
    return cmd_selftest(Registry.discover(), ns.plugin, ns.device, not ns.no_editor, out)


def _waits_for_training(info: PluginInfo) -> bool:
    """A trainable plugin with neither a bundled model nor one the user trained."""
    from editor.training.store import model_for

    manifest = info.manifest
    return bool(manifest and manifest.has("trainable") and model_for(info.id) is None)


def _shrink(array: np.ndarray, shape: tuple[int, int] | None = None) -> np.ndarray:
    import cv2

    h, w = array.shape[:2]
    if shape is None:
        scale = min(1.0, SAMPLE_SIDE / max(h, w))
        shape = (max(1, round(h * scale)), max(1, round(w * scale)))
    if shape == (h, w):
        return np.ascontiguousarray(array)
    return np.ascontiguousarray(cv2.resize(array, (shape[1], shape[0]),
                                           interpolation=cv2.INTER_AREA))


def _describe(result: object) -> str:
    layers = getattr(result, "layers", [])
    report = getattr(result, "report", {})
    parts = [f"{len(layers)} layer{'s' if len(layers) != 1 else ''}"]
    if report:
        parts.append(f"report: {', '.join(sorted(report)[:4])}")
    return "; ".join(parts)


COMMANDS = {"selftest": _cmd}
