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


class PeakMemory:
    """What the inputs of one fuzz module add to the process's peak memory.

    ``ru_maxrss`` is the peak of the whole pytest run, so a model loaded by an earlier test
    counted against the fuzz inputs (a clean checkout once read 2,074 MB). On Linux the
    peak (``VmHWM``) is reset by writing 5 to ``/proc/self/clear_refs``; the figure is then
    the peak during the fuzz run above the memory already held when it began."""

    def __init__(self) -> None:
        self.start_mb = 0.0
        self.resettable = False

    @staticmethod
    def _status(field: str) -> float:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        raise OSError(f"no {field} in /proc/self/status")

    def start(self) -> None:
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
                fh.write("5")
            self.start_mb = self._status("VmRSS")
            self.resettable = True
        except OSError:
            self.resettable = False

    def added_mb(self) -> float:
        """The peak above the start (the whole run's peak where it cannot be reset)."""
        if self.resettable:
            return self._status("VmHWM") - self.start_mb
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
