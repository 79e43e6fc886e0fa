"""The one device chooser: ``auto`` = CUDA, then Apple MPS, else CPU, with the reason for
any fallback so the user sees why a job ran where it ran."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True)
class DeviceChoice:
    name: str
    #: why this device and not the one asked for ("" when it is the one asked for)
    reason: str = ""


@cache
def _probe() -> tuple[bool, bool, str]:
    """(cuda available, mps available, why torch is missing) — torch imported lazily."""
    try:
        import torch
    except Exception as exc:  # a broken torch install must not stop the CPU path
        return False, False, f"PyTorch is not usable ({type(exc).__name__}: {exc})"
    cuda = bool(torch.cuda.is_available())
    mps_backend = getattr(torch.backends, "mps", None)
    mps = bool(mps_backend is not None and mps_backend.is_available())
    return cuda, mps, ""


def available_devices() -> list[str]:
    cuda, mps, _ = _probe()
    return ["cpu"] + (["cuda"] if cuda else []) + (["mps"] if mps else [])


def choose_device(requested: str = "auto") -> DeviceChoice:
    """Pick the device for a job; never fails: the CPU always works."""
    if requested not in DEVICES:
        raise ValueError(f"unknown device {requested!r}; choose one of {', '.join(DEVICES)}")
    cuda, mps, torch_problem = _probe()
    if requested == "cpu":
        return DeviceChoice("cpu")
    if requested == "auto":
        if cuda:
            return DeviceChoice("cuda")
        if mps:
            return DeviceChoice("mps")
        return DeviceChoice("cpu", torch_problem or "no CUDA or Apple GPU found")
    available = cuda if requested == "cuda" else mps
    if available:
        return DeviceChoice(requested)
    what = "no CUDA GPU found" if requested == "cuda" else "Apple MPS is not available"
    return DeviceChoice("cpu", f"{requested} was requested but {torch_problem or what}; using CPU")
