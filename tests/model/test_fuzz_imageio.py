"""Fuzz target for the one image loader: whatever bytes a file holds, ``load_image`` and
``decode_image`` give RGBA pixels or an :class:`ImageFileError`, never another exception.

``make test`` runs a short round (:data:`EXAMPLES` inputs). The long run (100,000 inputs;
the last test then checks that the process never passed 2 GB)::

    LIGHTBOX_FUZZ_EXAMPLES=100000 QT_QPA_PLATFORM=offscreen nice .venv/bin/python -m pytest \\
        -q tests/model/test_fuzz_imageio.py -p no:cacheprovider
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.model.imageio import ImageFileError, decode_image, load_image

from .fuzz_seeds import PeakMemory, image_seeds, mutated

EXAMPLES = int(os.environ.get("LIGHTBOX_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
SEEDS = image_seeds()
SUFFIXES = [".png", ".jpg", ".webp", ".tif", ".bmp", ".gif", ".jpeg"]
LIMIT_MB = 2048
MEMORY = PeakMemory()


@pytest.fixture(scope="module", autouse=True)
def _measure_peak_memory():
    MEMORY.start()
    yield
# Pillow warns about the damage it skips (corrupt EXIF, short tags): expected here
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _check(outcome: object) -> None:
    if isinstance(outcome, ImageFileError):
        assert outcome.reason and "not enough memory" not in outcome.reason
        return
    pixels = outcome.pixels  # type: ignore[attr-defined]
    assert pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 4
    assert min(pixels.shape[:2]) >= 1


def _decode(data: bytes) -> object:
    try:
        return decode_image(data, "fuzz.png")
    except ImageFileError as exc:
        return exc


@FUZZ
@given(mutated(SEEDS))
def test_decode_image_never_raises_anything_else(data: bytes) -> None:
    _check(_decode(data))


@FUZZ
@given(st.binary(max_size=256))
def test_random_bytes_are_refused_cleanly(data: bytes) -> None:
    _check(_decode(data))


@settings(FUZZ, max_examples=max(20, EXAMPLES // 10))
@given(mutated(SEEDS), st.sampled_from(SUFFIXES))
def test_load_image_from_a_file_never_raises_anything_else(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory(prefix="lightbox-fuzz-") as tmp:
        path = Path(tmp) / f"photo{suffix}"
        path.write_bytes(data)
        try:
            outcome: object = load_image(path)
        except ImageFileError as exc:
            outcome = exc
        _check(outcome)


def test_zz_no_input_used_more_than_2_gb() -> None:
    added = MEMORY.added_mb()
    assert added < LIMIT_MB, f"the inputs took the peak memory {added:.0f} MB higher"
