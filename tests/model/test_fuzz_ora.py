"""Fuzz target for the project reader: whatever an .ora file holds - damaged zip bytes,
hand-edited stack.xml, odd layer pictures or box lists - ``load_ora`` gives a Document or
an :class:`ImageFileError`, never another exception.

``make test`` runs a short round (:data:`EXAMPLES` inputs). The long run (100,000 inputs;
the last test then checks that the process never passed 2 GB)::

    LIGHTBOX_FUZZ_EXAMPLES=100000 QT_QPA_PLATFORM=offscreen nice .venv/bin/python -m pytest \\
        -q tests/model/test_fuzz_ora.py -p no:cacheprovider
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.imageio import ImageFileError
from editor.model.layers import Box, BoxLayer, MaskLayer, RasterLayer
from editor.model.ora import load_ora, save_ora

from .fuzz_seeds import PeakMemory, image_seeds, mutated

EXAMPLES = int(os.environ.get("LIGHTBOX_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
LIMIT_MB = 2048
MEMORY = PeakMemory()


@pytest.fixture(scope="module", autouse=True)
def _measure_peak_memory():
    MEMORY.start()
    yield
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _seed_project() -> dict[str, bytes]:
    doc = Document(16, 12)
    rng = np.random.default_rng(2)
    doc.history.push(AddLayer(RasterLayer("Photo", rng.integers(0, 256, (12, 16, 4), np.uint8))))
    doc.history.push(AddLayer(MaskLayer("Mask", rng.integers(0, 256, (12, 16), np.uint8))))
    doc.history.push(AddLayer(BoxLayer("Labels", [Box(1, 2, 8, 9, "mug", 0.5)], (16, 12))))
    with tempfile.TemporaryDirectory() as tmp:
        save_ora(doc, Path(tmp) / "p.ora")
        with zipfile.ZipFile(Path(tmp) / "p.ora") as archive:
            return {name: archive.read(name) for name in archive.namelist()}


PARTS = _seed_project()
_ATTRS = st.sampled_from(['w="', 'h="', 'x="', 'y="', 'opacity="', 'name="', 'src="',
                          'lightbox:kind="', 'lightbox:boxes="', 'lightbox:source="',
                          'lightbox:name="', 'visibility="', 'selected="'])
_VALUES = st.one_of(st.sampled_from(["0", "-1", "1e9", "nan", "99999", "16", "mask", "boxes",
                                     "data/layer0.png", "../x", "{", "[]", '\\u0001']),
                    st.text(max_size=8))


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@st.composite
def projects(draw: st.DrawFn) -> bytes:
    parts = dict(PARTS)
    how = draw(st.sampled_from(["xml", "picture", "boxes", "archive", "drop"]))
    if how == "xml":
        xml = parts["stack.xml"].decode()
        for _ in range(draw(st.integers(1, 4))):
            attr = draw(_ATTRS)
            at = xml.find(attr)
            if at >= 0:
                end = xml.find('"', at + len(attr))
                xml = xml[:at + len(attr)] + draw(_VALUES).replace('"', "'") + xml[end:]
        parts["stack.xml"] = xml.encode("utf-8", "surrogatepass")
        parts["stack.xml"] = draw(mutated([parts["stack.xml"]]))
    elif how == "picture":
        name = draw(st.sampled_from([n for n in parts if n.startswith("data/")]))
        parts[name] = draw(mutated([parts[name], *image_seeds()[:3]]))
    elif how == "boxes":
        name = next(n for n in parts if n.startswith("lightbox/boxes"))
        parts[name] = draw(mutated([parts[name], b'{"boxes": [{"x0": 1e400}]}']))
    elif how == "drop":
        parts.pop(draw(st.sampled_from(sorted(parts))))
    data = _zip(parts)
    if how == "archive":
        data = draw(mutated([data]))
    return data


@FUZZ
@given(projects())
def test_load_ora_never_raises_anything_else(data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="lightbox-fuzz-") as tmp:
        path = Path(tmp) / "p.ora"
        path.write_bytes(data)
        try:
            doc = load_ora(path)
        except ImageFileError as exc:
            assert exc.reason and "not enough memory" not in exc.reason
            return
    assert doc.width >= 1 and doc.height >= 1
    for layer in doc.layers:
        assert layer.size == doc.size


def test_zz_no_input_used_more_than_2_gb() -> None:
    added = MEMORY.added_mb()
    assert added < LIMIT_MB, f"the inputs took the peak memory {added:.0f} MB higher"
