"""Reading the files of a training folder: image headers and detection label formats.

The pieces :mod:`editor.training.datasets` builds datasets from: :class:`Sample` and
:class:`Problem`, :func:`read_size` (an image's size from its header, no pixels decoded) and
one reader per detection format (YOLO, COCO, Pascal VOC).

Rules shared by the three readers, so a detector is never taught from half-labelled photos:

- A label file (or annotation) with any bad line or box is reported as :class:`Problem`\\ s
  naming the file and line, and that image is left out of the dataset entirely: keeping its
  other boxes would teach the model that the unlabelled object is background.
- An image with no label file (YOLO), no annotation (COCO) is a *negative*: a sample with
  an empty box list, which teaches the model what is not a product.
- Boxes reaching a little past the image edge are clipped to it.
"""

from __future__ import annotations

import json
import math
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image, UnidentifiedImageError

from editor.model.imageio import IMAGE_SUFFIXES, MAX_PIXELS, ImageFileError, iter_image_files
from editor.model.layers import Box

_TOLERANCE = 1e-4  # how far past 0..1 a normalised YOLO number may stray (rounding)
_LINES_SHOWN = 3  # a label file with many bad lines names the first few, counts the rest
_NAME_FILES = ("classes.txt", "data.yaml", "data.yml", "dataset.yaml")
_HEADER_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError,
                  struct.error, Image.DecompressionBombError)


@dataclass
class Sample:
    """One training example: an image plus, depending on the dataset kind, its target."""

    image: Path
    #: the mask file of an image+mask pair
    mask: Path | None = None
    #: the class name, for class folders ("Fruit/Apple" for nested folders)
    label: str | None = None
    #: boxes in pixels of the upright image, for detection (empty list: a negative)
    boxes: list[Box] | None = None
    #: (width, height) of the upright image, read from its header
    size: tuple[int, int] | None = None


@dataclass
class Problem:
    """Something wrong with one file; that file's sample is left out of the dataset."""

    path: Path
    reason: str
    #: 1-based line of a label file, when the problem is on one line
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path} line {self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.reason}"


class Read(NamedTuple):
    """What a detection reader found."""

    samples: list[Sample]
    classes: list[str]
    problems: list[Problem]


def read_size(path: Path) -> tuple[int, int]:
    """(width, height) of an image as :func:`~editor.model.imageio.load_image` will deliver it
    (EXIF rotation applied), from the header alone. Raises ``ImageFileError``."""
    try:
        if path.stat().st_size == 0:
            raise ImageFileError(path, "the file is empty (0 bytes)")
        with Image.open(path) as image:
            width, height = image.size
            if _orientation(image) in (5, 6, 7, 8):  # stored on its side
                width, height = height, width
    except UnidentifiedImageError:
        raise ImageFileError(path, "not an image file Lightbox can read") from None
    except PermissionError:
        raise ImageFileError(path, "permission denied") from None
    except FileNotFoundError:
        raise ImageFileError(path, "no such file") from None
    except _HEADER_ERRORS:
        raise ImageFileError(path, "the image is damaged (its header cannot be read)") from None
    if width < 1 or height < 1:
        raise ImageFileError(path, "the image is damaged (its header gives no size)")
    if width * height > MAX_PIXELS:
        raise ImageFileError(path, f"image is {width}x{height} pixels, too large to train on")
    return width, height


def sized(path: Path, problems: list[Problem]) -> tuple[int, int] | None:
    """:func:`read_size`, recording a :class:`Problem` instead of raising."""
    try:
        return read_size(path)
    except ImageFileError as exc:
        problems.append(Problem(path, exc.reason))
        return None


def child(folder: Path, name: str) -> Path | None:
    """The subfolder of ``folder`` called ``name``, whatever its letter case."""
    if (folder / name).is_dir():
        return folder / name
    return next((e for e in folder.iterdir() if e.name.lower() == name.lower() and e.is_dir()),
                None)


# -- YOLO --------------------------------------------------------------------------------
def read_yolo(root: Path, images: Path, labels: Path | None) -> Read:
    """``images/`` (any depth) with ``labels/<same relative path>.txt`` (or the ``.txt``
    beside each image), class names from ``classes.txt`` or ``data.yaml``.

    Lines are ``class cx cy w h`` normalised to 0..1, with an optional 6th score column.
    """
    problems: list[Problem] = []
    named = _yolo_classes(root, labels, problems)
    classes = named if named is not None else []
    samples: list[Sample] = []
    used: set[Path] = set()
    for image in iter_image_files([images]):
        relative = image.relative_to(images).with_suffix(".txt")
        label = labels / relative if labels is not None else image.with_suffix(".txt")
        if not label.is_file() and labels is not None:
            label = image.with_suffix(".txt")
        size = sized(image, problems)
        if not label.is_file():
            if size is not None:
                samples.append(Sample(image, boxes=[], size=size))
            continue
        used.add(label)
        boxes = _yolo_boxes(label, classes, named is not None, size or (1, 1), problems)
        if size is not None and boxes is not None:
            samples.append(Sample(image, boxes=boxes, size=size))
    orphans = sorted(labels.rglob("*.txt")) if labels is not None else []
    problems.extend(Problem(label, f"label file without an image in {images.name}/")
                    for label in orphans if label not in used and label.name not in _NAME_FILES
                    and not any(part.startswith(".") for part in label.parts))
    return Read(samples, classes, problems)


def _yolo_boxes(label: Path, classes: list[str], named: bool, size: tuple[int, int],
                problems: list[Problem]) -> list[Box] | None:
    """The boxes of one label file, or None (and Problems) when any line is bad.

    Without a class-name file (``named`` false) any class id is accepted and ``classes``
    grows to name each id by its number."""
    try:
        text = label.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(label, f"cannot be read as text ({exc})"))
        return None
    width, height = size
    boxes: list[Box] = []
    bad: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        reason = _yolo_line_problem(parts, len(classes) if named else None)
        if reason:
            bad.append(Problem(label, reason, number))
            continue
        cls, cx, cy, w, h = (float(p) for p in parts[:5])
        classes.extend(str(i) for i in range(len(classes), int(cls) + 1))
        score = float(parts[5]) if len(parts) == 6 else 1.0
        boxes.append(Box(max(0.0, (cx - w / 2) * width), max(0.0, (cy - h / 2) * height),
                         min(width, (cx + w / 2) * width), min(height, (cy + h / 2) * height),
                         classes[int(cls)], score))
    problems.extend(bad[:_LINES_SHOWN])
    if len(bad) > _LINES_SHOWN:
        problems.append(Problem(label, f"{len(bad) - _LINES_SHOWN} more bad lines"))
    return None if bad else boxes


def _yolo_line_problem(parts: list[str], n_classes: int | None) -> str | None:
    if len(parts) not in (5, 6):
        return f"expected 5 numbers (class cx cy w h), got {len(parts)}"
    if word := next((p for p in parts if not _is_number(p)), None):
        return f"expected numbers (class cx cy w h), got '{word}'"
    cls, *coords = [float(p) for p in parts]
    if cls != int(cls) or cls < 0:
        return f"class id {parts[0]} is not a whole number 0 or above"
    if n_classes is not None and cls >= n_classes:
        return (f"class id {parts[0]} is out of range: the class names list {n_classes} "
                f"classes (ids 0 to {n_classes - 1})")
    if not all(-_TOLERANCE <= v <= 1 + _TOLERANCE for v in coords):
        return ("numbers after the class must be between 0 and 1 (normalised to the image "
                f"size), got {' '.join(parts[1:])}")
    if coords[2] <= 0 or coords[3] <= 0:
        return "box width and height must be above 0"
    return None


def _yolo_classes(root: Path, labels: Path | None,
                  problems: list[Problem]) -> list[str] | None:
    """Class names from classes.txt or data.yaml; None (and a Problem) when neither exists."""
    for path in (f / n for n in _NAME_FILES for f in (root, labels) if f is not None):
        if path.is_file() and (names := _read_names(path, problems)) is not None:
            return names
    problems.append(Problem(root, "no classes.txt or data.yaml with 'names:': classes are "
                            "named by their ids (0, 1, 2, ...)"))
    return None


def yolo_names_file(root: Path) -> bool:
    """Whether ``root`` holds a YOLO class-name file (classes.txt or data.yaml)."""
    return any((root / name).is_file() for name in _NAME_FILES)


def _read_names(path: Path, problems: list[Problem]) -> list[str] | None:
    """Class names, one a line (classes.txt) or under ``names:`` (an Ultralytics data.yaml:
    a list or an ``id: name`` mapping, block or inline; PyYAML is not a dependency)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, f"cannot be read as text ({exc})"))
        return None
    if path.suffix == ".txt":
        return [name.strip() for name in lines if name.strip()]
    items: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("names:"):
            rest = _uncomment(line[len("names:"):]).strip()
            if rest:
                items = _split_inline(rest.strip("[]{}"))
            else:
                for nested in lines[i + 1:]:
                    if nested.strip() and not nested[:1].isspace() and nested[:1] != "-":
                        break
                    if _uncomment(nested).strip():
                        items.append(_uncomment(nested).strip().removeprefix("-").strip())
            break
    else:
        problems.append(Problem(path, "no 'names:' entry listing the class names"))
        return None
    if all(re.match(r"^\d+\s*:", item) for item in items):  # an id -> name mapping
        pairs = {int(k): _unquote(v) for k, v in (item.split(":", 1) for item in items)}
        if sorted(pairs) != list(range(len(pairs))):
            problems.append(Problem(path, "class ids under 'names:' must be 0, 1, 2, ... "
                                    "without gaps"))
            return None
        return [pairs[k] for k in range(len(pairs))]
    return [_unquote(item) for item in items]


def _split_inline(text: str) -> list[str]:
    return [t.strip() for t in re.findall(r"""'[^']*'|"[^"]*"|[^,]+""", text) if t.strip()]


def _uncomment(text: str) -> str:
    return re.sub(r"""\s+#(?=(?:[^'"]|'[^']*'|"[^"]*")*$).*$""", "", text)


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


# -- COCO --------------------------------------------------------------------------------
def coco_files(root: Path) -> list[Path]:
    """JSON files in ``root`` or ``root/annotations`` that look like COCO detection files."""
    folders = [f for f in (root, child(root, "annotations")) if f is not None]
    return [path for path in sorted(p for f in folders for p in f.glob("[!.]*.json"))
            if b'"images"' in _head(path) or b'"annotations"' in _head(path)]


def read_coco(root: Path, files: Iterable[Path]) -> Read:
    """COCO detection JSON (``images``, ``annotations``, ``categories``; ``bbox`` = x, y,
    width, height in pixels) with the images beside the JSON, in ``images/`` or under the
    folder. Crowd annotations (``iscrowd`` = 1) are not boxes to learn and are skipped."""
    samples: list[Sample] = []
    classes: list[str] = []
    problems: list[Problem] = []
    for path in files:
        data = _coco_json(path, problems)
        if data is None:
            continue
        names = {c.get("id"): str(c.get("name", c.get("id"))) for c in data["categories"]
                 if isinstance(c, dict)}
        classes.extend(n for n in names.values() if n not in classes)
        by_image: dict[Any, list[dict]] = {}
        for ann in data["annotations"]:
            if isinstance(ann, dict) and not ann.get("iscrowd"):
                by_image.setdefault(ann.get("image_id"), []).append(ann)
        bases = [path.parent, path.parent / "images", root, root / "images"]
        for entry in data["images"]:
            sample = _coco_sample(path, entry, bases, by_image, names, problems)
            if sample is not None:
                samples.append(sample)
    samples.sort(key=lambda s: s.image)
    return Read(samples, classes, problems)


def _coco_json(path: Path, problems: list[Problem]) -> dict | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem(path, f"not a readable JSON file ({exc})"))
        return None
    keys = ("images", "annotations", "categories")
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in keys):
        problems.append(Problem(path, "not a COCO file: expected lists 'images', "
                                "'annotations' and 'categories'"))
        return None
    return data


def _coco_sample(path: Path, entry: Any, bases: list[Path], by_image: dict[Any, list[dict]],
                 names: dict[Any, str], problems: list[Problem]) -> Sample | None:
    name = entry.get("file_name") if isinstance(entry, dict) else None
    if not isinstance(name, str) or not name:
        problems.append(Problem(path, f"image entry without a 'file_name': {entry!r:.80}"))
        return None
    found = _find_image([b / name for b in bases], path, f"image '{name}' not found beside "
                        "the JSON file or in images/", problems)
    if found is None:
        return None
    declared = (entry.get("width"), entry.get("height"))
    if all(isinstance(v, int) and v > 0 for v in declared) and declared != found[1]:
        problems.append(Problem(path, f"image '{name}' is {found[1][0]}x{found[1][1]} pixels "
                                f"but the file says {declared[0]}x{declared[1]}; its boxes "
                                "would be misplaced"))
        return None
    return _sample(found, path, problems, [(f"annotation {a.get('id')} of '{name}'",
                                            _coco_box(a, names, found[1]))
                                           for a in by_image.get(entry.get("id"), [])])


def _coco_box(ann: dict, names: dict[Any, str], size: tuple[int, int]) -> Box | str:
    bbox = ann.get("bbox")
    if not isinstance(bbox, list) or len(bbox) != 4 or not all(_is_real(v) for v in bbox):
        return f"expected 'bbox' = [x, y, width, height], got {bbox!r:.60}"
    if ann.get("category_id") not in names:
        return f"category_id {ann.get('category_id')!r} is not in 'categories'"
    x, y, w, h = (float(v) for v in bbox)
    return _pixel_box(x, y, x + w, y + h, names[ann["category_id"]], size)


# -- Pascal VOC --------------------------------------------------------------------------
def voc_files(root: Path) -> tuple[list[Path], Path | None]:
    """The annotation XML files (``Annotations/`` or beside the images) and the image folder
    (``JPEGImages/`` or ``images/`` when there is one)."""
    folder = child(root, "Annotations") or root
    xmls = sorted(p for p in folder.glob("*.xml") if not p.name.startswith("."))
    return xmls, child(root, "JPEGImages") or child(root, "images")


def read_voc(root: Path, xmls: Iterable[Path], images: Path | None) -> Read:
    """Pascal VOC XML: ``<filename>``, ``<size>`` and ``<object>`` with ``<name>`` and
    ``<bndbox>``. VOC pixel numbers are 1-based and inclusive; boxes come out 0-based with
    an exclusive far edge, like every :class:`Box`."""
    samples: list[Sample] = []
    problems: list[Problem] = []
    for xml in xmls:
        sample = _voc_sample(xml, images or xml.parent, problems)
        if sample is not None:
            samples.append(sample)
    classes = sorted({b.label for s in samples for b in s.boxes or []})
    return Read(samples, classes, problems)


def _voc_sample(xml: Path, images: Path, problems: list[Problem]) -> Sample | None:
    try:
        tree = ET.parse(xml).getroot()
    except (OSError, ET.ParseError) as exc:
        problems.append(Problem(xml, f"not a readable XML file ({exc})"))
        return None
    if tree.tag != "annotation":
        problems.append(Problem(xml, f"not a Pascal VOC file (root element <{tree.tag}>, "
                                "expected <annotation>)"))
        return None
    name = (tree.findtext("filename") or "").strip()
    candidates = [images / name] if name else []
    candidates += [images / (xml.stem + s) for s in sorted(IMAGE_SUFFIXES)]
    found = _find_image(candidates, xml, f"its image '{name or xml.stem}' is not in {images}",
                        problems)
    if found is None:
        return None
    return _sample(found, xml, problems, [(f"object {i}", _voc_box(obj, found[1]))
                                          for i, obj in enumerate(tree.iter("object"), 1)])


def _voc_box(obj: ET.Element, size: tuple[int, int]) -> Box | str:
    label = (obj.findtext("name") or "").strip()
    if not label:
        return "no <name>"
    values = [(obj.findtext(f"bndbox/{k}") or "").strip()
              for k in ("xmin", "ymin", "xmax", "ymax")]
    if not all(_is_number(v) for v in values):
        return "expected <bndbox> with numbers xmin, ymin, xmax, ymax"
    x0, y0, x1, y1 = (float(v) for v in values)
    return _pixel_box(x0 - 1, y0 - 1, x1, y1, label, size)


# -- shared ------------------------------------------------------------------------------
def _find_image(candidates: list[Path], where: Path, missing: str,
                problems: list[Problem]) -> tuple[Path, tuple[int, int]] | None:
    """The first candidate file that exists, with its size; else a Problem at ``where``."""
    image = next((c for c in candidates if c.is_file()), None)
    if image is None:
        problems.append(Problem(where, missing))
        return None
    size = sized(image, problems)
    return None if size is None else (image, size)


def _sample(found: tuple[Path, tuple[int, int]], where: Path, problems: list[Problem],
            boxes: list[tuple[str, Box | str]]) -> Sample | None:
    """A detection sample, or None when any box is bad (each reported as ``what: reason``)."""
    bad = [Problem(where, f"{what}: {box}") for what, box in boxes if isinstance(box, str)]
    problems.extend(bad)
    kept = [box for _, box in boxes if isinstance(box, Box)]
    return None if bad else Sample(found[0], boxes=kept, size=found[1])


def _pixel_box(x0: float, y0: float, x1: float, y1: float, label: str,
               size: tuple[int, int]) -> Box | str:
    """A box clipped to the image, or the reason it is not a box."""
    width, height = size
    if not x1 > x0 or not y1 > y0:
        return f"box {x0:g},{y0:g} to {x1:g},{y1:g} has no area"
    if x1 <= 0 or y1 <= 0 or x0 >= width or y0 >= height:
        return f"box {x0:g},{y0:g} to {x1:g},{y1:g} is outside the {width}x{height} image"
    return Box(max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1), label)


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # noqa: BLE001 - a damaged EXIF block just means "upright"
        return 1


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _is_real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(1 << 16)
    except OSError:
        return b""
