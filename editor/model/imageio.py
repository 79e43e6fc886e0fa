"""The one image loader and saver of Lightbox.

Every image enters the program as straight-alpha RGBA ``uint8 (H, W, 4)`` in sRGB, whatever
the file held: CMYK, 16-bit, palette, greyscale, a colour profile, a rotated camera photo.
Each conversion is reported as a sentence in :attr:`LoadedImage.notices`. Anything that
goes wrong raises :class:`ImageFileError` naming the file and the problem; no other
exception type leaves this module for a bad file.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageCms, UnidentifiedImageError

from editor.model.atomic import OutputError, atomic_write

#: the largest image (width x height) Lightbox opens; bigger headers are refused unread
MAX_PIXELS = 200_000_000

# Pillow refuses images above 2 x MAX_IMAGE_PIXELS by itself, at a lower default than ours;
# align it so that our own check, with its clearer message, is the one that decides.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

IMAGE_SUFFIXES: frozenset[str] = frozenset(
    {".png", ".jpg", ".jpeg", ".jpe", ".webp", ".tif", ".tiff", ".bmp", ".gif"}
)

_SAVE_FORMATS = {
    ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".webp": "WEBP",
    ".tif": "TIFF", ".tiff": "TIFF", ".bmp": "BMP",
}

# Errors Pillow and OpenCV raise for damaged data (struct.error and IndexError come from
# header parsers reading past the end of a short file). Warning is there for runs with
# warnings turned into errors, where Pillow's "corrupt EXIF" warnings would escape.
_DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error, cv2.error,
    Image.DecompressionBombError, Warning,
)

_MODE_NOTICES = {
    "CMYK": "converted from CMYK to RGB",
    "P": "converted from a palette (indexed colour) image to RGB",
    "PA": "converted from a palette (indexed colour) image to RGB",
    "L": "converted from greyscale to RGB",
    "LA": "converted from greyscale with transparency to RGB",
    "La": "converted from greyscale with transparency to RGB",
    "1": "converted from black-and-white (1-bit) to RGB",
    "I;16": "converted from 16-bit greyscale to 8-bit RGB",
    "I": "converted from 32-bit greyscale to 8-bit RGB",
    "F": "converted from 32-bit floating-point greyscale to 8-bit RGB",
}
_SILENT_MODES = {"RGB", "RGBA", "RGBX", "RGBa"}
_PROFILE_MODES = {"P": "RGBA", "PA": "RGBA", "1": "L", "La": "LA", "RGBX": "RGB", "RGBa": "RGBA"}

# EXIF orientation -> how to turn the stored pixels upright
_ORIENT = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: np.rot90(a, 2).transpose(1, 0, 2),
    8: lambda a: np.rot90(a, 1),
}


class ImageFileError(Exception):
    """A file could not be opened or saved. ``str(e)`` is ``"<path>: <reason>"``."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass
class LoadedImage:
    """An image as Lightbox uses it, plus what was done to get it there."""

    #: ``uint8 (H, W, 4)``, RGBA, straight alpha, sRGB
    pixels: np.ndarray
    #: sentences about conversions, e.g. "converted from CMYK to RGB"
    notices: list[str] = field(default_factory=list)
    #: the file format as Pillow names it ("PNG", "JPEG", ...)
    format: str = ""
    #: the colour mode stored in the file ("RGB", "CMYK", "I;16", ...)
    mode: str = ""

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.pixels.shape[1], self.pixels.shape[0]


def load_image(path: Path | str) -> LoadedImage:
    """Open an image file as sRGB RGBA, or raise :class:`ImageFileError` saying why not."""
    path = Path(path)
    _check_readable(path)
    return _decode(path, path)


def decode_image(data: bytes, path: Path | str) -> LoadedImage:
    """Like :func:`load_image` for bytes already in memory; ``path`` names them in errors."""
    if not data:
        raise ImageFileError(path, "the file is empty (0 bytes)")
    return _decode(io.BytesIO(data), Path(path))


def iter_image_files(inputs: Iterable[Path | str]) -> list[Path]:
    """Expand command-line style inputs into a list of files to open.

    Files are kept as given whatever their suffix (the loader judges them); folders are
    walked recursively, sorted by path, keeping image suffixes only and skipping hidden
    files (our own temporary files and macOS "._" copies start with a dot).
    """
    found: list[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            inside: list[Path] = []
            for root, dirs, files in os.walk(item):  # does not follow links: no loops
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                inside.extend(
                    Path(root, name) for name in files
                    if not name.startswith(".") and Path(name).suffix.lower() in IMAGE_SUFFIXES
                )
            found.extend(sorted(inside, key=lambda p: p.relative_to(item).parts))
        elif item.exists():
            found.append(item)
        else:
            raise ImageFileError(item, "no such file or folder")
    return list(dict.fromkeys(found))  # a file named twice is processed once


def read_size(path: Path | str) -> tuple[int, int]:
    """(width, height) of an image as the loader will deliver it (EXIF rotation applied),
    from the header alone, no pixels decoded. Raises ``ImageFileError``."""
    path = Path(path)
    _check_readable(path)
    with _open(path, path) as image:
        width, height = image.size
        if _orientation(image) in (5, 6, 7, 8):  # stored on its side
            width, height = height, width
    if width < 1 or height < 1:
        raise ImageFileError(path, "the image is damaged (its header gives no size)")
    return width, height


def save_image(
    path: Path | str,
    rgba: np.ndarray,
    *,
    background: tuple[int, int, int] = (255, 255, 255),
    quality: int = 92,
) -> None:
    """Save RGBA pixels; the format follows the suffix (.png, .jpg/.jpeg, .webp, .tif, .bmp).

    PNG, WebP and TIFF keep transparency; JPEG and BMP are flattened onto ``background``.
    WebP is lossless when ``quality`` is 100. The write is atomic.
    """
    path = Path(path)
    fmt = _SAVE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImageFileError(
            path, f"cannot save images as '{path.suffix or 'no suffix'}'; "
            "use .png, .jpg, .webp, .tif or .bmp")
    rgba = _check_array(rgba, 3)
    options: dict[str, Any] = {}
    if fmt in ("JPEG", "BMP"):
        image = Image.fromarray(flatten(rgba, background), "RGB")
        if fmt == "JPEG":
            options = {"quality": int(quality), "optimize": True}
    else:
        image = Image.fromarray(rgba, "RGBA")
        if fmt == "WEBP":
            # exact keeps the colour under fully transparent pixels, so a lossless
            # round trip gives back exactly what was saved
            options = ({"lossless": True, "exact": True} if quality >= 100
                       else {"quality": int(quality), "method": 4})
        elif fmt == "TIFF":
            options = {"compression": "tiff_lzw"}
    _write(path, image, fmt, options)


def load_mask(path: Path | str, shape: tuple[int, int] | None = None) -> np.ndarray:
    """Open a mask file as ``uint8 (H, W)``, 255 = inside.

    A grey (or colour) file gives its brightness; a transparent PNG whose colour is
    uniform (a cutout exported as a mask) gives its alpha. ``shape`` (height, width) is the
    image the mask belongs to: another size is an :class:`ImageFileError`, never resized.
    """
    path = Path(path)
    pixels = load_image(path).pixels
    rgb, alpha = pixels[..., :3], pixels[..., 3]
    if alpha.min() < 255 and int(rgb.max()) - int(rgb.min()) < 8:
        mask = alpha.copy()
    else:
        mask = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    if shape is not None and mask.shape != tuple(shape):
        raise ImageFileError(
            path, f"the mask is {mask.shape[1]}x{mask.shape[0]} but its image is "
            f"{shape[1]}x{shape[0]}; masks must be the size of their image")
    return mask


def save_mask(path: Path | str, mask: np.ndarray) -> None:
    """Save a ``uint8 (H, W)`` mask as an 8-bit greyscale PNG, atomically."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ImageFileError(path, "masks are saved as PNG; use a .png file name")
    _write(path, Image.fromarray(_check_array(mask, 2), "L"), "PNG", {})


def flatten(rgba: np.ndarray, background: tuple[int, int, int]) -> np.ndarray:
    """RGBA over an opaque ``background`` colour -> ``uint8 (H, W, 3)``."""
    alpha = rgba[..., 3:4].astype(np.uint32)
    bg = np.asarray(background, np.uint32)
    return ((rgba[..., :3] * alpha + bg * (255 - alpha) + 127) // 255).astype(np.uint8)


# -- loading -----------------------------------------------------------------------------
def _check_readable(path: Path) -> None:
    try:
        if path.is_dir():
            raise ImageFileError(path, "is a folder, not an image file")
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImageFileError(path, "no such file") from None
    except PermissionError:
        raise ImageFileError(path, "permission denied") from None
    except OSError as exc:
        raise ImageFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise ImageFileError(path, "the file is empty (0 bytes)")


def _open(source: Path | io.BytesIO, path: Path) -> Image.Image:
    """Pillow's lazy open (header only), every failure turned into ``ImageFileError``."""
    try:
        # An oversized header must be refused before any pixel is decoded. Pillow warns
        # above its limit (aligned with ours); as an error it can neither be missed nor
        # flood the log. (catch_warnings is not thread-safe before Python 3.14; a race can
        # at worst leave this "error" filter in place, the safe side.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source)
    except UnidentifiedImageError:
        raise ImageFileError(path, _not_an_image(_head(source))) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageFileError(path, _too_large(_header_size(source))) from None
    except PermissionError:
        raise ImageFileError(path, "permission denied") from None
    except FileNotFoundError:
        raise ImageFileError(path, "no such file") from None
    except _DECODE_ERRORS:
        raise ImageFileError(path, "the image is damaged (its header cannot be read)") from None
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise ImageFileError(path, _too_large(image.size))
    return image


def _decode(source: Path | io.BytesIO, path: Path) -> LoadedImage:
    image = _open(source, path)
    with image:
        try:
            deep = _is_deep_colour(image, source)
            pixels, notices = _to_rgba(image, source, deep)
            frames = getattr(image, "n_frames", 1)
        except MemoryError:
            raise ImageFileError(
                path, f"not enough memory to open this {image.width}x{image.height} image"
            ) from None
        except _DECODE_ERRORS:
            raise ImageFileError(path, "the image is damaged or truncated") from None
        if frames > 1:
            notices.append(f"opened the first of its {frames} frames")
        orientation = _orientation(image)
        if orientation in _ORIENT:
            pixels = np.ascontiguousarray(_ORIENT[orientation](pixels))
            notices.append("rotated according to the EXIF orientation")
        mode = f"{image.mode};16" if deep else image.mode
        return LoadedImage(pixels, notices, image.format or "", mode)


def _to_rgba(
    image: Image.Image, source: Path | io.BytesIO, deep: bool
) -> tuple[np.ndarray, list[str]]:
    notices: list[str] = []
    icc = image.info.get("icc_profile")
    mode = "I;16" if image.mode.startswith("I;16") else image.mode
    if deep:
        notices.append("converted from 16-bit to 8-bit per channel")
        image = Image.fromarray(_decode_deep_colour(source), "RGBA")
    elif mode in ("I;16", "I", "F"):
        # high-bit greyscale carries no usable colour profile in practice
        grey = _grey_to_8bit(np.asarray(image), mode)
        notices.append(_MODE_NOTICES[mode])
        return np.dstack([grey, grey, grey, np.full_like(grey, 255)]), notices
    elif mode not in _SILENT_MODES:
        notices.append(_MODE_NOTICES.get(mode, f"converted from {mode} to RGB"))
    if icc:
        if image.mode in _PROFILE_MODES:  # to a mode a colour profile can apply to
            image = image.convert(_PROFILE_MODES[image.mode])
        image = _apply_profile(image, icc, notices)
    return _rgba_array(image), notices


def _rgba_array(image: Image.Image, strip_pixels: int = 1 << 22) -> np.ndarray:
    """The image as a new RGBA array, converted a strip of rows at a time: converting it
    whole made two more full-size copies (Pillow's RGBA image and its bytes), 2.4 GB for
    a 196 MP photo instead of 1.6 GB."""
    image.load()
    width, height = image.size
    pixels = np.empty((height, width, 4), np.uint8)
    rows = max(1, strip_pixels // max(width, 1))
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows)))
        if strip.mode in _PROFILE_MODES:
            strip = strip.convert(_PROFILE_MODES[strip.mode])
        pixels[top:top + rows] = np.asarray(strip.convert("RGBA"))
    return pixels


def _is_deep_colour(image: Image.Image, source: Path | io.BytesIO) -> bool:
    """16 bits per channel colour, which Pillow would silently cut to 8 bits its own way."""
    if image.mode not in ("RGB", "RGBA"):
        return False
    if image.format == "PNG":
        head = _head(source)
        return len(head) > 25 and head[24] == 16  # IHDR bit depth
    if image.format == "TIFF":
        bits = getattr(image, "tag_v2", {}).get(258, ())
        return 16 in (bits if isinstance(bits, tuple) else (bits,))
    return False


def _decode_deep_colour(source: Path | io.BytesIO) -> np.ndarray:
    data = source.getvalue() if isinstance(source, io.BytesIO) else source.read_bytes()
    # IMREAD_UNCHANGED keeps 16 bits and ignores EXIF orientation (applied by the caller)
    array = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if array is None:
        raise OSError("OpenCV could not decode the image")
    if array.ndim == 2:
        array = cv2.cvtColor(array, cv2.COLOR_GRAY2BGRA)
    elif array.shape[2] == 3:
        array = cv2.cvtColor(array, cv2.COLOR_BGR2BGRA)
    array = cv2.cvtColor(array, cv2.COLOR_BGRA2RGBA)
    if array.dtype == np.uint16:
        return ((array.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
    return array.astype(np.uint8)


def _grey_to_8bit(values: np.ndarray, mode: str) -> np.ndarray:
    values = values.astype(np.float64)
    if mode == "F":
        values = np.nan_to_num(values)
        low, high = float(values.min()), float(values.max())
        scale = 255.0 if low >= 0 and high <= 1 else 255.0 / max(high - low, 1e-12)
        values = (values - (0 if scale == 255.0 else low)) * scale
    elif mode == "I;16" or (values.min() >= 0 and values.max() > 255 and values.max() <= 65535):
        values = values / 257.0
    elif values.min() < 0 or values.max() > 255:  # 32-bit data: stretch what is there
        values = (values - values.min()) * (255.0 / max(np.ptp(values), 1))
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def _apply_profile(image: Image.Image, icc: bytes, notices: list[str]) -> Image.Image:
    """Convert from the embedded colour profile to sRGB (nothing to do if it is sRGB)."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = ImageCms.getProfileDescription(profile).strip() or "unnamed"
        space = profile.profile.xcolor_space.strip()
    except (OSError, ImageCms.PyCMSError, ValueError, TypeError):
        notices.append("ignored a damaged embedded colour profile; colours may be a little off")
        return image
    if "srgb" in name.lower():
        return image
    wanted = {"RGB": ("RGB", "RGBA"), "CMYK": ("CMYK",), "GRAY": ("L", "LA")}.get(space, ())
    if image.mode not in wanted:
        notices.append(f"ignored the embedded colour profile '{name}' (it does not fit the "
                       "image's colours)")
        return image
    alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
    colour = image.convert(image.mode.rstrip("A")) if alpha is not None else image
    try:
        converted = ImageCms.profileToProfile(colour, profile, _srgb(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        notices.append(f"could not use the embedded colour profile '{name}'; colours may be "
                       "a little off")
        return image
    assert converted is not None  # profileToProfile returns the image unless inPlace
    notices.append(f"converted from the embedded colour profile '{name}' to sRGB")
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # noqa: BLE001 - a damaged EXIF block must not stop the photo opening
        return 1


def _head(source: Path | io.BytesIO, size: int = 512) -> bytes:
    if isinstance(source, io.BytesIO):
        return source.getvalue()[:size]
    try:
        with source.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _not_an_image(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "not an image file (it looks like a PDF document)"
    if head.startswith(b"PK\x03\x04"):
        return "not an image file (it looks like a zip archive)"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "HEIC/AVIF photos are not supported; export them as JPEG or PNG first"
    if b"\0" not in head:
        try:
            head.decode("utf-8")
            return "not an image file (it looks like text)"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # only a character cut at the end of the sample
                return "not an image file (it looks like text)"
    return "not an image file Lightbox can read (PNG, JPEG, WebP, TIFF, BMP or GIF)"


def _too_large(size: tuple[int, int] | None) -> str:
    limit = f"Lightbox opens images up to {MAX_PIXELS // 1_000_000} megapixels"
    if size is None:
        return f"the image is too large; {limit}"
    w, h = size
    return f"image is {w}x{h} pixels ({round(w * h / 1e6)} megapixels); {limit}"


def _header_size(source: Path | io.BytesIO) -> tuple[int, int] | None:
    """Width and height from the header alone, skipping Pillow's own size check.

    Only used to word the refusal of an oversized image, so any failure just gives None.
    """
    try:
        data = io.BytesIO(_head(source, 1 << 20))
        prefix = data.getvalue()[:16]
        Image.init()
        for fmt in Image.ID:
            factory, accept = Image.OPEN[fmt]
            result = accept(prefix) if accept is not None else True
            if not result or isinstance(result, str):  # a str is Pillow's "almost" warning
                continue
            data.seek(0)
            try:
                return factory(data, "").size  # type: ignore[return-value]
            except _DECODE_ERRORS:
                continue
    except Exception:  # noqa: BLE001 - best effort, see docstring
        return None
    return None


# -- saving ------------------------------------------------------------------------------
def _check_array(array: np.ndarray, ndim: int) -> np.ndarray:
    array = np.asarray(array)
    ok = array.dtype == np.uint8 and array.ndim == ndim and (ndim == 2 or array.shape[2] == 4)
    if not ok:
        wanted = "(H, W, 4) RGBA" if ndim == 3 else "(H, W) mask"
        raise ValueError(f"expected uint8 {wanted}, got {array.dtype} {array.shape}")
    return np.ascontiguousarray(array)


def _write(path: Path, image: Image.Image, fmt: str, options: dict[str, Any]) -> None:
    try:
        with atomic_write(path) as handle:
            image.save(handle, format=fmt, **options)
    except OutputError as exc:
        raise ImageFileError(path, exc.reason) from exc
    except (OSError, ValueError) as exc:
        raise ImageFileError(path, f"could not be saved as {fmt} ({exc})") from exc
