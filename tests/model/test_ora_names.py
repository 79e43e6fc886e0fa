"""Projects whose layer names XML cannot hold still save, reopen, and say what was repaired."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest

from editor.model import ora
from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.files import open_document
from editor.model.imageio import ImageFileError
from editor.model.layers import RasterLayer
from editor.model.ora import load_ora, save_ora

NAMES = ["tab\x01stop", "caf\udce9 (from a Latin-1 file name)", "nul\x00", "plain <&> \"q\""]


def project(names: list[str]) -> Document:
    doc = Document(8, 4)
    for i, name in enumerate(names):
        doc.history.push(AddLayer(RasterLayer(name, np.full((4, 8, 4), i, np.uint8))))
    return doc


def test_names_xml_cannot_hold_round_trip_exactly(tmp_path: Path) -> None:
    save_ora(project(NAMES), tmp_path / "p.ora")
    assert [layer.name for layer in load_ora(tmp_path / "p.ora").layers] == NAMES
    # other programs read plain "name": valid XML, the odd characters replaced
    stack = ET.fromstring(zipfile.ZipFile(tmp_path / "p.ora").read("stack.xml"))
    shown = [layer.get("name") for layer in stack.iter("layer")][::-1]
    assert shown[0] == "tab\ufffdstop" and shown[3] == NAMES[3]


def _as_saved_before(path: Path, names: list[str]) -> None:
    """What Lightbox 0.1 wrote: raw control characters and references to surrogates."""
    save_ora(project(names), path)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    stack = ET.fromstring(parts["stack.xml"])
    for layer in stack.iter("layer"):
        layer.attrib.pop(f"{{{ora.NS}}}name")
    xml = ET.tostring(stack, encoding="utf-8")
    for name in names:
        safe = ora.xml_safe(name).encode()
        old = name.encode("utf-8", "surrogateescape").replace(b"\xe9", b"&#56553;")
        xml = xml.replace(safe, old)
    parts["stack.xml"] = xml
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_project_saved_with_such_names_before_the_fix_reopens(tmp_path: Path) -> None:
    path = tmp_path / "old.ora"
    _as_saved_before(path, NAMES[:2] + ["Photo"])
    with pytest.raises(ET.ParseError):
        ET.fromstring(zipfile.ZipFile(path).read("stack.xml"))
    doc, notices = open_document(path)
    assert [layer.name for layer in doc.layers] == ["tab\ufffdstop", NAMES[1].replace(
        "\udce9", "\ufffd"), "Photo"]
    assert doc.layers[2].pixels[0, 0, 0] == 2  # every layer's pixels recovered
    assert len(notices) == 1 and "the name of layer 'tab\ufffdstop'" in notices[0]


def test_a_damaged_project_says_so_once(tmp_path: Path, monkeypatch) -> None:
    save_ora(project(["Photo"]), tmp_path / "p.ora")
    monkeypatch.setattr(ora, "_MAX_PICTURE", 10)
    with pytest.raises(ImageFileError) as caught:
        load_ora(tmp_path / "p.ora")
    assert str(caught.value).count("the project is damaged") == 1
    assert "implausibly large" in caught.value.reason
