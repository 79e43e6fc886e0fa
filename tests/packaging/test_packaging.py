"""The desktop packaging files are valid: spec, .desktop entry, AppStream metainfo, icons,
and the helpers the build script runs."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "io.lightbox.Lightbox"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"


def _desktop_entries() -> dict[str, str]:
    lines = DESKTOP.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def test_the_desktop_entry_starts_lightbox_with_its_icon():
    entry = _desktop_entries()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "lightbox"
    assert entry["Icon"] == APP_ID
    assert "Graphics" in entry["Categories"].split(";")
    assert entry["Name[zh_CN]"] and entry["Comment[zh_CN]"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (desktop-file-utils) is not installed")
def test_desktop_file_validate_accepts_the_entry():
    done = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0 and "error" not in done.stdout, done.stdout


def test_the_metainfo_names_the_desktop_entry_and_the_licence():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.findtext("project_license") == "Apache-2.0"
    assert root.find("provides/binary").text == "lightbox"


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstreamcli is not installed")
def test_appstreamcli_validates_the_metainfo():
    done = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_spec_builds_one_folder_named_lightbox_from_the_cli_entry_point():
    source = (PACKAGING / "lightbox.spec").read_text(encoding="utf-8")
    tree = ast.parse(source)  # valid Python, as PyInstaller executes it
    calls = {n.func.id: n for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= set(calls)
    keywords = {k.arg: ast.unparse(k.value) for k in calls["EXE"].keywords}
    assert keywords["name"] == "'lightbox'" and keywords["console"] == "True"
    assert keywords["exclude_binaries"] == "True"  # one folder, not one file
    assert "shims" in source and "lightbox_main.py" in source
    main = (PACKAGING / "lightbox_main.py").read_text(encoding="utf-8")
    assert "from editor.cli import main" in main  # the console script's entry point


def test_the_icon_comes_in_the_sizes_each_desktop_wants():
    icons = PACKAGING / "icons"
    for size in (16, 32, 48, 64, 128, 256, 512):
        with Image.open(icons / f"lightbox-{size}.png") as image:
            assert image.size == (size, size) and image.mode == "RGBA"
    with Image.open(icons / "lightbox.ico") as ico:
        assert (256, 256) in ico.info["sizes"] and (16, 16) in ico.info["sizes"]
    with Image.open(icons / "lightbox.icns") as icns:
        assert icns.size[0] >= 512


def test_the_bundle_installs_torch_on_its_own_and_leaves_torchvision_out():
    import importlib.util

    spec = importlib.util.spec_from_file_location("runtime_deps", PACKAGING / "runtime_deps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    deps = module.runtime_deps(ROOT / "pyproject.toml")
    names = {re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0] for d in deps}
    assert "numpy" in names and "PySide6-Essentials" in names
    assert not names & {"torch", "torchvision"}


def test_slim_removes_headers_and_test_suites_but_no_code(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("slim", PACKAGING / "slim.py")
    slim = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(slim)
    bundle = tmp_path / "Lightbox" / "_internal"
    files = {
        "torch/include/ATen/core.h": False, "torch/lib/libtorch_cpu.so": True,
        "torch/lib/libtorchbind_test.so": False, "torch/bin/test_api": False,
        "torch/bin/torch_shm_manager": True, "numpy/_core/tests/test_a.py": False,
        "cv2/__init__.py": True, "plugins/segment/plugin.toml": True,
        "editor/samples/tests/keep.txt": True, "resources/samples/bottle.png": True,
    }
    for name in files:
        (bundle / name).parent.mkdir(parents=True, exist_ok=True)
        (bundle / name).write_bytes(b"x" * 10)
    removed, size = slim.slim(bundle.parent)
    for name, kept in files.items():
        assert (bundle / name).exists() == kept, name
    assert removed == 4 and size == 40


def test_make_package_is_not_part_of_make_test():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rules = dict(re.findall(r"^([\w$().-]+):(.*)$", makefile, flags=re.MULTILINE))
    assert "package" in rules and "package-check" in rules
    assert "package" not in rules["test"]
    assert "qm" in rules["test"] and "qm" in rules["run"]


def _shim_ops():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "lightbox_torchvision_shim_ops", PACKAGING / "shims" / "torchvision" / "ops.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundles_torchvision_ops_give_torchvisions_results():
    torch = pytest.importorskip("torch")
    real = pytest.importorskip("torchvision.ops")
    shim = _shim_ops()
    gen = torch.Generator().manual_seed(0)
    for n in (0, 1, 40, 300):
        xy = torch.rand(n, 2, generator=gen) * 200
        wh = torch.rand(n, 2, generator=gen) * 60 + 1
        boxes = torch.cat([xy, xy + wh], 1)
        scores = torch.rand(n, generator=gen)
        for iou in (0.3, 0.6):
            assert torch.equal(shim.nms(boxes, scores, iou), real.nms(boxes, scores, iou))
    logits, targets = torch.randn(64, generator=gen), (torch.rand(64, generator=gen) > 0.7)
    for reduction in ("none", "sum", "mean"):
        assert torch.allclose(
            shim.sigmoid_focal_loss(logits, targets.float(), reduction=reduction),
            real.sigmoid_focal_loss(logits, targets.float(), reduction=reduction), atol=1e-6)
    a = torch.cat([xy[:50], xy[:50] + wh[:50]], 1)
    b = a + torch.randn(50, 4, generator=gen) * 5
    b[:, 2:] = torch.max(b[:, 2:], b[:, :2] + 1)
    assert torch.allclose(shim.generalized_box_iou_loss(a, b), real.generalized_box_iou_loss(a, b),
                          atol=1e-5)
