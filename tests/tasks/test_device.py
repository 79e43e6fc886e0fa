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


def test_a_cpu_only_plugin_never_probes_for_gpus(monkeypatch):
    def boom():
        raise AssertionError("probed")

    monkeypatch.setattr(device, "_probe", boom)
    choice = choose_device("auto", supported=("cpu",))
    assert choice == device.DeviceChoice("cpu", "this plugin runs on the CPU only")


def test_devices_can_be_learned_from_a_child_process(monkeypatch):
    class Done:
        stdout = "some warning\n[true, false]\n"

    monkeypatch.setattr(device, "_known", None)
    monkeypatch.delitem(device.sys.modules, "torch", raising=False)
    monkeypatch.setattr(device.subprocess, "run", lambda *a, **k: Done())
    device.probe_in_subprocess()
    assert available_devices() == ["cpu", "cuda"]


def test_a_failed_child_probe_leaves_the_in_process_probe(monkeypatch):
    def fail(*args, **kwargs):
        raise device.subprocess.TimeoutExpired("python", 1)

    monkeypatch.setattr(device, "_known", None)
    monkeypatch.delitem(device.sys.modules, "torch", raising=False)
    monkeypatch.setattr(device.subprocess, "run", fail)
    device.probe_in_subprocess()
    assert device._known is None
