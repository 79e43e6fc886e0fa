"""Seed files and byte mutations shared by the image and project fuzz targets."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import strategies as st
from PIL import Image

_INTERESTING = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE]


def image_seeds() -> list[bytes]:
    """Small valid files of every format the loader knows, in their odd modes too."""
    rng = np.random.default_rng(1)
    rgba = Image.fromarray(rng.integers(0, 256, (12, 16, 4), np.uint8), "RGBA")
    seeds = []
    for image, fmt, options in [
        (rgba, "PNG", {}), (rgba.convert("RGB"), "JPEG", {"quality": 80}),
        (rgba.convert("P"), "PNG", {}), (rgba.convert("L"), "PNG", {}),
        (rgba.convert("1"), "PNG", {}), (rgba, "WEBP", {"lossless": True}),
        (rgba.convert("RGB"), "BMP", {}), (rgba, "TIFF", {"compression": "tiff_lzw"}),
        (rgba.convert("CMYK"), "JPEG", {}), (rgba.convert("P"), "GIF", {}),
        (Image.fromarray(rng.integers(0, 65535, (8, 8), np.uint16)), "PNG", {}),
    ]:
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        seeds.append(buffer.getvalue())
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated camera photo
    buffer = io.BytesIO()
    rgba.convert("RGB").save(buffer, "JPEG", exif=exif.tobytes())
    seeds.append(buffer.getvalue())
    return seeds


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with a few byte-level edits: flips, interesting values, 32-bit numbers
    written over header fields, insertions, deletions and truncation."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "value", "u32", "insert", "delete", "cut"]))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "value":
            data[at] = draw(st.sampled_from(_INTERESTING))
        elif kind == "u32":
            number = draw(st.sampled_from([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 65535, 30000]))
            data[at:at + 4] = number.to_bytes(4, draw(st.sampled_from(["big", "little"])))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        else:
            del data[at:]
    return bytes(data)
