"""File-level facts the pixel loader does not keep: container format, byte size, colour mode,
bit depth, colour profile, alpha and frame count.

They are read from the file header with Pillow (``Image.open`` reads headers lazily, so
nothing is decoded here); the pixels themselves always come from
:func:`editor.model.imageio.load_image`, the one loader.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms

#: Pillow format names -> the names profiles use
FORMAT_NAMES = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "TIFF": "tiff", "BMP": "bmp",
                "WEBP": "webp", "MPO": "jpeg", "HEIF": "heic", "AVIF": "avif"}
_BITS = {"1": 1, "L": 8, "P": 8, "RGB": 8, "RGBA": 8, "CMYK": 8, "YCbCr": 8, "LA": 8,
         "PA": 8, "I;16": 16, "I;16B": 16, "I;16L": 16, "I": 32, "F": 32, "RGBX": 8}
_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}


@dataclass(frozen=True)
class FileFacts:
    """What the file says about itself. ``format`` is empty for pixels that have no file yet
    (a live check in the editor): the format and file-size rules then stay quiet."""

    format: str = ""
    byte_size: int = 0
    mode: str = "RGB"
    bit_depth: int = 8
    icc: str = ""  # the embedded profile's description; "" when there is none
    has_alpha: bool = False
    frames: int = 1

    @property
    def icc_is_srgb(self) -> bool:
        return not self.icc or "srgb" in self.icc.lower().replace(" ", "")


def read_facts(path: Path | str) -> FileFacts:
    """Facts about an image file (raises ``OSError``/``ValueError`` for an unreadable header;
    callers load the pixels first, so a damaged file is reported by the loader)."""
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(32)
    with Image.open(path) as image:
        return _facts(image, path.stat().st_size, head)


def facts_from_bytes(data: bytes) -> FileFacts:
    """Facts about an encoded image held in memory (e.g. a fixed image before it is written)."""
    with Image.open(io.BytesIO(data)) as image:
        return _facts(image, len(data), data[:32])


def facts_for_pixels(rgba: np.ndarray) -> FileFacts:
    """Facts for pixels with no file: 8-bit RGB(A) sRGB, format unknown."""
    return FileFacts(mode="RGBA" if bool((rgba[..., 3] < 255).any()) else "RGB")


def _facts(image: Image.Image, size: int, head: bytes) -> FileFacts:
    mode = image.mode
    bits = _BITS.get(mode, 8)
    if image.format == "PNG" and len(head) > 24 and head[12:16] == b"IHDR":
        # Pillow reduces 16-bit RGB(A) to 8 bits and does not say so; the header does
        bits = max(bits, head[24])
    if image.format == "TIFF":
        per_sample = image.tag_v2.get(258) if hasattr(image, "tag_v2") else None
        if per_sample:
            bits = max(int(b) for b in (per_sample if isinstance(per_sample, tuple)
                                        else (per_sample,)))
    alpha = mode in _ALPHA_MODES or (mode == "P" and "transparency" in image.info)
    return FileFacts(
        format=FORMAT_NAMES.get(image.format or "", (image.format or "").lower()),
        byte_size=size, mode=mode, bit_depth=bits, icc=_icc_name(image.info.get("icc_profile")),
        has_alpha=alpha, frames=int(getattr(image, "n_frames", 1) or 1),
    )


def _icc_name(icc: bytes | None) -> str:
    if not icc:
        return ""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.getProfileDescription(profile).strip() or "unnamed profile"
    except (OSError, ImageCms.PyCMSError, ValueError):
        return "unreadable profile"
