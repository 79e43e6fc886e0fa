"""OpenRaster (.ora): Lightbox's project format, which GIMP and Krita also open.

An .ora file is a zip: ``mimetype`` first and uncompressed, ``stack.xml`` listing the layers
top first, one PNG per layer under ``data/``, the flattened ``mergedimage.png`` and a
thumbnail. What OpenRaster has no words for (masks, boxes, locks, where a layer came from)
is kept in ``lightbox:`` attributes and JSON parts that other programs ignore.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
from PIL import Image

from editor.model.atomic import OutputError, atomic_write
from editor.model.commands import AddLayer
from editor.model.compositor import composite
from editor.model.document import Document
from editor.model.imageio import MAX_PIXELS, ImageFileError, decode_image
from editor.model.layers import Box, BoxLayer, Layer, MaskLayer, RasterLayer

MIMETYPE = b"image/openraster"
NS = "urn:lightbox:ora:1"
THUMBNAIL_SIZE = 256
_MAX_TEXT = 64 << 20  # stack.xml and JSON parts
_MAX_PICTURE = 4 << 30  # one layer PNG
#: a layer picture may overhang the canvas (Krita writes layers at their own bounds), but
#: one larger than this many canvases is a memory bomb, not a layer
_MAX_PICTURE_CANVASES = 4

_TO_OP = {"normal": "svg:src-over", "multiply": "svg:multiply", "screen": "svg:screen"}
_FROM_OP = {op: blend for blend, op in _TO_OP.items()}

ET.register_namespace("lightbox", NS)


def _lb(name: str) -> str:
    return f"{{{NS}}}{name}"


def save_ora(doc: Document, path: Path | str) -> None:
    """Write ``doc`` as an OpenRaster file, atomically (the old file survives any failure)."""
    path = Path(path)
    image = ET.Element("image", {"version": "0.0.5", "w": str(doc.width), "h": str(doc.height)})
    stack = ET.SubElement(image, "stack")
    pictures: list[tuple[str, Layer]] = []
    boxes: list[tuple[str, bytes]] = []
    for index in reversed(range(len(doc.layers))):  # OpenRaster lists the top layer first
        layer = doc.layers[index]
        src = f"data/layer{index}.png"
        attrs = {
            # other programs read "name"; ours keeps the exact name, JSON-escaped, because
            # XML cannot hold control characters or undecodable file-name bytes
            "name": xml_safe(layer.name), _lb("name"): json.dumps(layer.name), "src": src,
            "visibility": "visible" if layer.visible else "hidden",
            "opacity": repr(float(layer.opacity)),  # repr round-trips the float exactly
            "composite-op": _TO_OP.get(layer.blend, "svg:src-over"),
            "x": "0", "y": "0",
            _lb("kind"): layer.kind,
            _lb("id"): layer.id,
            _lb("locked"): "true" if layer.locked else "false",
        }
        if layer is doc.active_layer:
            attrs["selected"] = "true"
        if layer.source:
            attrs[_lb("source")] = json.dumps(layer.source, default=_plain)
        if isinstance(layer, MaskLayer):
            attrs[_lb("color")] = "#{:02x}{:02x}{:02x}".format(*layer.color)
        elif isinstance(layer, BoxLayer):
            attrs[_lb("boxes")] = part = f"lightbox/boxes-{index}.json"
            listed = [dataclasses.asdict(box) for box in layer.boxes]
            boxes.append((part, json.dumps({"boxes": listed}, indent=1).encode()))
        elif not isinstance(layer, RasterLayer):
            raise TypeError(f"cannot save a {type(layer).__name__} to OpenRaster")
        ET.SubElement(stack, "layer", attrs)
        pictures.append((src, layer))
    xml = ET.tostring(image, encoding="utf-8", xml_declaration=True)
    try:
        with atomic_write(path) as handle, zipfile.ZipFile(handle, "w") as archive:
            # readers identify the format from these first bytes, so no compression
            archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, zipfile.ZIP_STORED)
            archive.writestr("stack.xml", xml, zipfile.ZIP_DEFLATED)
            for part, data in boxes:
                archive.writestr(part, data, zipfile.ZIP_DEFLATED)
            # PNG is compressed already; deflating it again would only cost time. Layers are
            # encoded one at a time so that only one PNG is in memory at once.
            for src, layer in pictures:
                archive.writestr(src, _png(_picture(layer, doc.size)), zipfile.ZIP_STORED)
            merged = Image.fromarray(composite(doc.layers, doc.size), "RGBA")
            archive.writestr("mergedimage.png", _png(merged), zipfile.ZIP_STORED)
            merged.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            archive.writestr("Thumbnails/thumbnail.png", _png(merged), zipfile.ZIP_STORED)
    except OutputError as exc:
        raise ImageFileError(path, exc.reason) from exc
    except OSError as exc:
        raise ImageFileError(path, f"could not be saved ({exc.strerror or exc})") from exc


def _picture(layer: Layer, size: tuple[int, int]) -> Image.Image:
    if isinstance(layer, MaskLayer):
        return Image.fromarray(layer.mask, "L")
    if isinstance(layer, RasterLayer):
        return Image.fromarray(layer.pixels, "RGBA")
    # other programs expect a picture for every layer: boxes get an empty one
    return Image.new("RGBA", size, (0, 0, 0, 0))


def load_ora(path: Path | str, notices: list[str] | None = None) -> Document:
    """Open an OpenRaster file as a Document with an empty, clean history.

    Layers written by other programs may be smaller than the canvas or offset; they are
    placed onto full-size transparent layers. Groups are flattened into their layers;
    unknown blend modes load as normal. Sentences about repairs (a layer name XML cannot
    hold, written by Lightbox before 0.2) are appended to ``notices``.
    """
    path = Path(path)
    if path.is_dir():
        raise ImageFileError(path, "is a folder, not a project file")
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ImageFileError(path, "no such file") from None
    except PermissionError:
        raise ImageFileError(path, "permission denied") from None
    except (zipfile.BadZipFile, EOFError):
        raise ImageFileError(path, "not an OpenRaster project (it is not a zip archive)") from None
    except (NotImplementedError, ValueError) as exc:  # a zip directory with nonsense in it
        raise _damaged(path, f"its table of contents cannot be read ({exc})") from None
    except OSError as exc:
        raise ImageFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    with archive:
        try:
            return _read(archive, path, [] if notices is None else notices)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                RuntimeError, UnicodeDecodeError) as exc:
            # a part that fails its checksum, ends early, claims a compression method or
            # encryption (RuntimeError) that no OpenRaster file uses, or whose own header
            # names it in bytes that are not the UTF-8 it claims: damaged or cut off
            raise _damaged(path, f"a part cannot be read ({exc})") from None


def _damaged(path: Path, problem: str) -> ImageFileError:
    return ImageFileError(path, f"the project is damaged: {problem}")


def _part(archive: zipfile.ZipFile, name: str, path: Path, limit: int) -> bytes:
    """Read one part, refusing sizes no real project has (a zip can inflate enormously)."""
    size = archive.getinfo(name).file_size
    if size > limit:
        raise _damaged(path, f"{name} is implausibly large ({size / 1e6:,.0f} MB unpacked, "
                             f"at most {limit / 1e6:,.0f} MB expected)")
    return archive.read(name)


def _picture_limit(
    archive: zipfile.ZipFile, src: str, canvas: tuple[int, int], path: Path
) -> int:
    """The most bytes the layer picture ``src`` may take, from its PNG header: its pixels
    uncompressed plus room for chunks and metadata. Refuses (unread) a picture whose header
    is larger than the layer bound, so a small file cannot claim gigabytes of memory."""
    with archive.open(src) as handle:
        head = handle.read(33)
    if len(head) < 33 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return min(_MAX_PICTURE, canvas[0] * canvas[1] * 8 + (16 << 20))  # not PNG
    width, height, depth, colour = struct.unpack(">IIBB", head[16:26])
    area = canvas[0] * canvas[1]
    if width * height > min(MAX_PIXELS, _MAX_PICTURE_CANVASES * area):
        raise _damaged(path, f"the picture {src} is {width}x{height} pixels, far larger than "
                             f"the {canvas[0]}x{canvas[1]} canvas")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour, 4)
    raw = height * (1 + (width * channels * max(depth, 1) + 7) // 8)
    return min(_MAX_PICTURE, raw + raw // 50 + (16 << 20))


def _read(archive: zipfile.ZipFile, path: Path, notices: list[str]) -> Document:
    names = set(archive.namelist())
    if "mimetype" in names and _part(archive, "mimetype", path, _MAX_TEXT).strip() != MIMETYPE:
        raise ImageFileError(path, "not an OpenRaster project (wrong mimetype)")
    if "stack.xml" not in names:
        raise _damaged(path, "stack.xml is missing")
    xml = _part(archive, "stack.xml", path, _MAX_TEXT)
    try:
        root = ET.fromstring(xml)
    except (ET.ParseError, LookupError) as exc:  # LookupError: an unknown encoding named
        repaired, where = _repair_xml(xml)
        try:
            root = ET.fromstring(repaired) if where else None
        except (ET.ParseError, LookupError):
            root = None
        if root is None:
            raise _damaged(path, f"stack.xml is not valid XML ({exc})") from None
        names = [f"the name of layer {el.get('name')!r}" for el in root.iter("layer")
                 if "\ufffd" in (el.get("name") or "")]
        notices.append(f"{path.name}: stack.xml held characters XML does not allow (in "
                       f"{', '.join(names or where)}); they were replaced with \ufffd")
    try:
        width, height = int(root.get("w", "")), int(root.get("h", ""))
    except ValueError:
        raise _damaged(path, "stack.xml does not give the image size") from None
    if width < 1 or height < 1:
        raise _damaged(path, f"the image size {width}x{height} is not valid")
    if width * height > MAX_PIXELS:
        raise ImageFileError(path, f"image is {width}x{height} pixels; Lightbox opens images "
                                   f"up to {MAX_PIXELS // 1_000_000} megapixels")
    stack = root.find("stack")
    if stack is None:
        raise _damaged(path, "stack.xml has no layer stack")

    doc = Document(width, height, path=path)
    selected: Layer | None = None
    entries = list(_walk(stack, 0, 0, True))
    ids: set[str] = set()  # a set, not a scan of the layers: opening stays linear
    for element, x, y, visible in reversed(entries):  # stack.xml is top first; we are not
        layer = _layer(archive, element, (x, y), (width, height), path)
        if layer.id in ids:  # a hand-edited file
            layer.id = uuid.uuid4().hex
        ids.add(layer.id)
        layer.visible = visible and layer.visible
        doc.history.push(AddLayer(layer))
        if element.get("selected") == "true":
            selected = layer
    doc.history.clear()  # a freshly opened project has nothing to undo
    if selected is not None:
        doc.set_active(selected)
    return doc


def _walk(
    stack: ET.Element, x: int, y: int, visible: bool
) -> Iterator[tuple[ET.Element, int, int, bool]]:
    """Layers of ``stack`` top first, nested groups flattened with their offsets applied."""
    x += _int(stack.get("x"))
    y += _int(stack.get("y"))
    visible = visible and stack.get("visibility", "visible") != "hidden"
    for child in stack:
        if child.tag == "stack":
            yield from _walk(child, x, y, visible)
        elif child.tag == "layer":
            yield child, x + _int(child.get("x")), y + _int(child.get("y")), visible


def _layer(
    archive: zipfile.ZipFile,
    element: ET.Element,
    offset: tuple[int, int],
    size: tuple[int, int],
    path: Path,
) -> Layer:
    name = _exact_name(element.get(_lb("name"))) or element.get("name") or "Layer"
    src = element.get("src") or ""
    kind = element.get(_lb("kind"), "raster")
    props: dict[str, Any] = {
        "visible": element.get("visibility", "visible") != "hidden",
        "opacity": min(1.0, max(0.0, _float(element.get("opacity"), 1.0))),
        "locked": (element.get(_lb("locked")) or element.get("edit-locked")) == "true",
        "blend": _FROM_OP.get(element.get("composite-op", ""), "normal"),
    }
    try:
        props["source"] = json.loads(element.get(_lb("source"), "{}"))
    except json.JSONDecodeError:
        props["source"] = None
    if not isinstance(props["source"], dict):
        raise _damaged(path, f"layer '{name}' has unreadable source details")
    if kind == "boxes":
        layer: Layer = BoxLayer(name, _boxes(archive, element, name, path), size, **props)
    else:
        if src not in archive.namelist():
            missing = src or "no file named"
            raise _damaged(path, f"the picture of layer '{name}' ({missing}) is missing")
        limit = _picture_limit(archive, src, size, path)
        data = _part(archive, src, path, limit)  # says "damaged" itself
        try:
            loaded = decode_image(data, f"{path}!{src}")
        except ImageFileError as exc:
            raise _damaged(path, f"layer '{name}' ({src}): {exc.reason}") from None
        pixels = _place(loaded.pixels, *offset, size)
        if kind == "mask":
            # masks are written as grey PNGs; a mask another program made transparent
            # counts as outside where it is transparent
            mask = (pixels[..., 0].astype(np.uint16) * pixels[..., 3] + 127) // 255
            color = _color(element.get(_lb("color")))
            layer = MaskLayer(name, mask.astype(np.uint8), color, **props)
        else:
            layer = RasterLayer(name, pixels, **props)
    if element.get(_lb("id")):
        layer.id = element.get(_lb("id"), layer.id)
    return layer


def _boxes(archive: zipfile.ZipFile, element: ET.Element, name: str, path: Path) -> list[Box]:
    part = element.get(_lb("boxes"), "")
    if part not in archive.namelist():
        missing = part or "no file named"
        raise _damaged(path, f"the boxes of layer '{name}' ({missing}) are missing")
    try:
        data = json.loads(_part(archive, part, path, _MAX_TEXT))
        boxes = [Box(float(b["x0"]), float(b["y0"]), float(b["x1"]), float(b["y1"]),
                     str(b.get("label", "object")), float(b.get("score", 1.0)))
                 for b in data["boxes"]]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError,
            RecursionError):
        raise _damaged(path, f"the boxes of layer '{name}' ({part}) are unreadable") from None
    for number, box in enumerate(boxes, 1):
        if not all(map(math.isfinite, (box.x0, box.y0, box.x1, box.y1, box.score))):
            raise _damaged(path, f"box {number} of layer '{name}' ({part}) has a coordinate "
                                 "or score that is not a number")
    return boxes


def _place(pixels: np.ndarray, x: int, y: int, size: tuple[int, int]) -> np.ndarray:
    """Put a layer picture at (x, y) on a transparent canvas of ``size``, clipping overhangs."""
    width, height = size
    if (x, y) == (0, 0) and pixels.shape[:2] == (height, width):
        return pixels
    canvas = np.zeros((height, width, 4), np.uint8)
    h, w = pixels.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, width), min(y + h, height)
    if x0 < x1 and y0 < y1:
        canvas[y0:y1, x0:x1] = pixels[y0 - y : y1 - y, x0 - x : x1 - x]
    return canvas


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """JSON fallback for source details holding numpy values or paths."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    return str(value)


def _int(text: str | None) -> int:
    try:
        return int(round(float(text or 0)))
    except (ValueError, OverflowError):
        return 0


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default


def _color(text: str | None) -> tuple[int, int, int]:
    try:
        value = (text or "").lstrip("#")
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return 255, 40, 40


# characters XML 1.0 allows; anything else in a name (control characters, the surrogates
# Python uses for undecodable file-name bytes) cannot be written as XML at all
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BAD_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(x[0-9a-fA-F]+|[0-9]+);")


def xml_safe(text: str) -> str:
    """``text`` with every character XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _exact_name(text: str | None) -> str | None:
    try:
        name = json.loads(text) if text else None
    except json.JSONDecodeError:
        return None
    return name if isinstance(name, str) else None


def _repair_xml(xml: bytes) -> tuple[bytes, list[str]]:
    """stack.xml with raw control characters and references to characters XML forbids
    (what Lightbox wrote for such layer names before it escaped them) replaced by U+FFFD,
    and the attributes where that happened ("the name of layer 'caf?'")."""
    where: list[str] = []

    def fix(match: re.Match[bytes]) -> bytes:
        ref = match.group(1)
        if ref is not None:
            code = int(ref[1:], 16) if ref[:1] in b"xX" else int(ref)
            if code < 0x110000 and not _NOT_XML.match(chr(code)):
                return match.group(0)  # a valid reference: keep it
        before = xml[max(0, match.start() - 300):match.start()]
        attribute = re.findall(rb'([\w:.-]+)="[^"]*$', before)
        label = attribute[-1].decode("ascii", "replace") if attribute else "stack.xml"
        if label not in where:
            where.append(label)
        return "\ufffd".encode()

    repaired = _BAD_BYTES.sub(fix, xml)
    return repaired, [f"the attribute {label!r}" for label in where]
