"""The one device chooser: ``auto`` = CUDA, then Apple MPS, else CPU, with the reason for
any fallback so the user sees why a job ran where it ran.

Finding out needs PyTorch, whose import takes seconds and holds the GIL while it runs. A GUI
calls :func:`probe_in_subprocess` from a helper thread at start-up so it never imports torch
just to list devices; a command-line run simply probes in-process on first use.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import dataclass

DEVICES = ("auto", "cpu", "cuda", "mps")

_PROBE_SCRIPT = (
    "import json, torch\n"
    "mps = getattr(torch.backends, 'mps', None)\n"
    "print(json.dumps([bool(torch.cuda.is_available()),"
    " bool(mps is not None and mps.is_available())]))\n"
)
_lock = threading.Lock()
_known: tuple[bool, bool, str] | None = None


@dataclass(frozen=True)
class DeviceChoice:
    name: str
    #: why this device and not the one asked for ("" when it is the one asked for)
    reason: str = ""


def _probe() -> tuple[bool, bool, str]:
    """(CUDA available, MPS available, why torch is unusable or "") — probed once."""
    global _known
    with _lock:
        if _known is None:
            _known = _probe_in_process()
        return _known


def _probe_in_process() -> tuple[bool, bool, str]:
    try:
        import torch
    except Exception as exc:  # a broken torch install must not stop the CPU path
        return False, False, f"PyTorch is not usable ({type(exc).__name__}: {exc})"
    mps = getattr(torch.backends, "mps", None)
    return bool(torch.cuda.is_available()), bool(mps is not None and mps.is_available()), ""


def probe_in_subprocess(timeout: float = 120.0) -> None:
    """Learn the devices from a child process (no torch import here); blocking, so call it
    from a helper thread. On any failure the next use probes in-process instead."""
    global _known
    if _known is not None or "torch" in sys.modules:
        return
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE_SCRIPT], capture_output=True, text=True,
            timeout=timeout, check=False,
        )
        cuda, mps = json.loads(done.stdout.strip().splitlines()[-1])
        found = (bool(cuda), bool(mps), "")
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return
    with _lock:
        if _known is None:
            _known = found


def available_devices() -> list[str]:
    cuda, mps, _ = _probe()
    return ["cpu"] + (["cuda"] if cuda else []) + (["mps"] if mps else [])


def choose_device(requested: str = "auto", supported: tuple[str, ...] = DEVICES) -> DeviceChoice:
    """Pick the device for a job; never fails: the CPU always works.

    ``supported`` are the devices the plugin can use (from its manifest); a CPU-only plugin
    runs on the CPU without probing for GPUs at all.
    """
    if requested not in DEVICES:
        raise ValueError(f"unknown device {requested!r}; choose one of {', '.join(DEVICES)}")
    if requested == "cpu":
        return DeviceChoice("cpu")
    if not {"cuda", "mps"} & set(supported):
        return DeviceChoice("cpu", "this plugin runs on the CPU only")
    cuda, mps, torch_problem = _probe()
    cuda, mps = cuda and "cuda" in supported, mps and "mps" in supported
    if requested == "auto":
        if cuda:
            return DeviceChoice("cuda")
        if mps:
            return DeviceChoice("mps")
        return DeviceChoice("cpu", torch_problem or "no CUDA or Apple GPU found")
    if cuda if requested == "cuda" else mps:
        return DeviceChoice(requested)
    what = "no CUDA GPU found" if requested == "cuda" else "Apple MPS is not available"
    return DeviceChoice("cpu", f"{requested} was requested but {torch_problem or what}; using CPU")
