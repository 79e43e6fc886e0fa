import pytest

from editor.tasks import device
from editor.tasks.device import available_devices, choose_device


def test_cpu_is_always_available():
    assert "cpu" in available_devices()
    assert choose_device("cpu").name == "cpu"
    assert choose_device("cpu").reason == ""


def test_auto_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(device, "_probe", lambda: (True, True, ""))
    assert choose_device("auto").name == "cuda"
    monkeypatch.setattr(device, "_probe", lambda: (False, True, ""))
    assert choose_device("auto").name == "mps"


def test_a_missing_gpu_falls_back_to_cpu_and_says_why(monkeypatch):
    monkeypatch.setattr(device, "_probe", lambda: (False, False, ""))
    choice = choose_device("cuda")
    assert choice.name == "cpu"
    assert "cuda was requested" in choice.reason and "no CUDA GPU" in choice.reason


def test_a_broken_torch_still_runs_on_cpu(monkeypatch):
    monkeypatch.setattr(device, "_probe", lambda: (False, False, "PyTorch is not usable (x)"))
    assert choose_device("auto") == device.DeviceChoice("cpu", "PyTorch is not usable (x)")


def test_unknown_device_is_refused():
    with pytest.raises(ValueError, match="unknown device"):
        choose_device("tpu")
