"""Pascal VOC XML: one ``<annotation>`` per image with ``<filename>``, ``<size>`` and
``<object>`` elements holding ``<name>`` and ``<bndbox>``.

VOC pixel numbers are 1-based and inclusive; boxes come out 0-based with an exclusive far
edge, like every :class:`Box`, and go back the same way, so whole-pixel boxes stay whole.
A ``<score>`` in an object is kept (written only when below 1). A folder is
``Annotations/*.xml`` + ``JPEGImages/`` (or ``images/``), or the XML files beside the
images; a ``classes.txt`` beside ``Annotations/`` keeps the order of the classes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from editor.model.atomic import atomic_write
from editor.model.imageio import IMAGE_SUFFIXES
from editor.model.labels.common import (
    FILE_ERRORS,
    ImageLabels,
    Labels,
    Problem,
    check_names,
    child,
    class_list,
    clean_labels,
    find_image,
    is_number,
    number,
    pixel_box,
    score_of,
    split_bad,
    unwritable_removed,
    write_each,
)
from editor.model.labels.yolo import read_names, write_classes
from editor.model.layers import Box

FORMAT = "Pascal VOC"


def files(root: Path) -> tuple[list[Path], Path | None]:
    """The annotation XML files (``Annotations/`` or beside the images) and the image folder
    (``JPEGImages/`` or ``images/`` when there is one)."""
    folder = child(root, "Annotations") or root
    xmls = sorted(p for p in folder.glob("*.xml") if not p.name.startswith("."))
    return xmls, child(root, "JPEGImages") or child(root, "images")


def read_folder(root: Path, images: Path | None = None, xmls: Iterable[Path] | None = None,
                *, strict: bool = False) -> Labels:
    """Every annotation file of ``root`` with its image (from ``images`` when given)."""
    found_xmls, found_images = files(root)
    images = images or found_images
    found = Labels(FORMAT)
    for xml in found_xmls if xmls is None else xmls:
        try:
            item = _item(xml, images or xml.parent, found.problems, strict)
        except FILE_ERRORS as exc:  # a last guard: one bad file never stops the folder
            found.problems.append(Problem(xml, f"cannot be read ({type(exc).__name__}: "
                                          f"{exc})"))
            continue
        if item is not None:
            found.items.append(item)
    names = root / "classes.txt"
    ordered = read_names(names, found.problems) if names.is_file() else None
    boxes = [b for item in found.items for b in item.boxes]
    found.classes = class_list(ordered, boxes) if ordered is not None \
        else sorted({b.label for b in boxes})
    clean_labels(found, root)
    return found


def read_file(xml: Path, size: tuple[int, int], problems: list[Problem]) -> list[Box]:
    """The boxes of one annotation file for an image of ``size`` (already found)."""
    tree = _parse(xml, problems)
    if tree is None:
        return []
    found = Labels(FORMAT, [ImageLabels(xml, size, split_bad(
        xml, [(f"object {i}", _box(obj, size)) for i, obj in enumerate(tree.iter("object"), 1)],
        problems, strict=False) or [])], [], problems)
    clean_labels(found, xml)
    return found.items[0].boxes


def _parse(xml: Path, problems: list[Problem]) -> ET.Element | None:
    try:
        tree = ET.parse(xml).getroot()
    except (OSError, ET.ParseError) as exc:
        problems.append(Problem(xml, f"not a readable XML file ({exc})"))
        return None
    except RecursionError:
        problems.append(Problem(xml, "not a readable XML file (nested too deeply)"))
        return None
    if tree.tag != "annotation":
        problems.append(Problem(xml, f"not a Pascal VOC file (root element <{tree.tag}>, "
                                "expected <annotation>)"))
        return None
    return tree


def _item(xml: Path, images: Path, problems: list[Problem], strict: bool) -> ImageLabels | None:
    tree = _parse(xml, problems)
    if tree is None:
        return None
    name = (tree.findtext("filename") or "").strip()
    candidates = [images / name] if name else []
    candidates += [images / (xml.stem + s) for s in sorted(IMAGE_SUFFIXES)]
    if recorded := (tree.findtext("path") or "").strip():
        candidates.append(Path(recorded))
    found = find_image(candidates, xml, f"its image '{name or xml.stem}' is not in {images}",
                       problems)
    if found is None:
        return None
    boxes = split_bad(xml, [(f"object {i}", _box(obj, found[1]))
                            for i, obj in enumerate(tree.iter("object"), 1)], problems, strict)
    return None if boxes is None else ImageLabels(found[0], found[1], boxes)


def _box(obj: ET.Element, size: tuple[int, int]) -> Box | str:
    label = obj.findtext("name") or ""
    if not label.strip():
        return "no <name>"
    values = [(obj.findtext(f"bndbox/{k}") or "").strip()
              for k in ("xmin", "ymin", "xmax", "ymax")]
    if not all(is_number(v) for v in values):
        return "expected <bndbox> with numbers xmin, ymin, xmax, ymax"
    x0, y0, x1, y1 = (float(v) for v in values)
    score = (obj.findtext("score") or "").strip()
    return pixel_box(x0 - 1, y0 - 1, x1, y1, label, size,
                     score_of(float(score)) if is_number(score) else 1.0)


# -- writing -----------------------------------------------------------------------------
def to_xml(item: ImageLabels) -> ET.ElementTree:
    """The annotation of one image. Raises ``ValueError`` for a class name XML cannot keep
    (control characters); a file name with such characters is written without them (the
    image is then found by the annotation's own name)."""
    check_names([box.label for box in item.boxes])
    root = ET.Element("annotation")
    ET.SubElement(root, "folder").text = _xml_text(item.image.parent.name)
    ET.SubElement(root, "filename").text = _xml_text(item.image.name)
    ET.SubElement(root, "path").text = _xml_text(str(item.image.resolve()))
    size = ET.SubElement(root, "size")
    for key, value in (("width", item.size[0]), ("height", item.size[1]), ("depth", 3)):
        ET.SubElement(size, key).text = str(value)
    ET.SubElement(root, "segmented").text = "0"
    for box in item.boxes:
        obj = ET.SubElement(root, "object")
        ET.SubElement(obj, "name").text = box.label
        ET.SubElement(obj, "pose").text = "Unspecified"
        ET.SubElement(obj, "truncated").text = "0"
        ET.SubElement(obj, "difficult").text = "0"
        if box.score < 1.0:
            ET.SubElement(obj, "score").text = number(box.score)
        bnd = ET.SubElement(obj, "bndbox")
        for key, value in (("xmin", box.x0 + 1), ("ymin", box.y0 + 1), ("xmax", box.x1),
                           ("ymax", box.y1)):
            ET.SubElement(bnd, key).text = number(value)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    return tree


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (a valid file beats a complete
    path; the image is found by the annotation's name too)."""
    return unwritable_removed(text)


def write_file(xml: Path, item: ImageLabels) -> None:
    """Write one annotation file atomically."""
    with atomic_write(xml, "wb") as handle:
        to_xml(item).write(handle, encoding="utf-8", xml_declaration=True)


def write_folder(labels: Labels, out: Path) -> list[Problem]:
    """``out/Annotations/<stem>.xml`` for every image, and ``out/classes.txt``."""
    (out / "Annotations").mkdir(parents=True, exist_ok=True)
    write_classes(out / "classes.txt", class_list(labels.classes, [
        b for item in labels.items for b in item.boxes]))
    folder = out / "Annotations"
    return write_each(labels, lambda item: write_file(folder / f"{item.image.stem}.xml", item))
