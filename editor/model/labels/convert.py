"""Label folders and files as a whole: which format a folder holds, reading and writing any
format, the statistics of a folder, and where one image's labels live in an annotation
folder (for the editor's auto-save).

Formats are named ``yolo``, ``coco``, ``voc`` and ``labelme`` (:data:`FORMATS`). Export
then import gives the same boxes and classes: coordinates within 1e-6 of the image size
(whole-pixel boxes exactly), scores kept, class order kept (``classes.txt`` is written
beside VOC and labelme folders for that).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from editor.model.imageio import iter_image_files
from editor.model.labels import coco, labelme, pending, voc, yolo
from editor.model.labels.common import (
    ImageLabels,
    Labels,
    Problem,
    child,
    class_list,
    head,
)
from editor.model.layers import Box

FORMATS = ("yolo", "coco", "voc", "labelme")
#: what a user calls each format
TITLES = {"yolo": "YOLO", "coco": "COCO", "voc": "Pascal VOC", "labelme": "labelme"}
#: the suffix of a single-image label file of each format
SUFFIXES = {"yolo": ".txt", "coco": ".json", "voc": ".xml", "labelme": ".json"}


def detect_format(root: Path) -> str | None:
    """The label format of folder ``root`` (one of :data:`FORMATS`), or None."""
    if not root.is_dir():
        return None
    if child(root, "labels") is not None:
        return "yolo"
    if child(root, "Annotations") is not None:
        return "voc"
    if coco.files(root):
        return "coco"
    if labelme.files(root):
        return "labelme"
    if any(p.suffix.lower() == ".xml" for p in root.iterdir()):
        return "voc"
    if yolo.names_file(root) or any(p.with_suffix(".txt").is_file()
                                    for p in iter_image_files([root])):
        return "yolo"
    return None


def read_folder(root: Path, fmt: str | None = None, images: Path | None = None) -> Labels:
    """Every labelled image of ``root`` in format ``fmt`` (detected when None); the images
    are looked for in ``images`` too (for label folders kept apart from their photos).
    Bad lines and boxes are Problems; the rest loads. Raises ``ValueError`` when no format
    is found or named."""
    fmt = fmt or detect_format(root)
    if fmt == "yolo":
        return yolo.read_folder(root, images=images)
    if fmt == "coco":
        return coco.read_folder(root, images=images)
    if fmt == "voc":
        return voc.read_folder(root, images=images)
    if fmt == "labelme":
        return labelme.read_folder(root, images=images)
    if fmt is None:
        raise ValueError(f"{root}: no labels found (expected YOLO labels/ + classes.txt, a "
                         "COCO JSON, Pascal VOC Annotations/*.xml or labelme JSON files)")
    raise ValueError(f"unknown label format {fmt!r}; expected one of {', '.join(FORMATS)}")


def write_folder(labels: Labels, out: Path, fmt: str) -> list[Problem]:
    """Write ``labels`` into folder ``out`` in format ``fmt`` (atomically, file by file):
    YOLO ``labels/<stem>.txt`` + ``classes.txt``; COCO ``annotations.json``; VOC
    ``Annotations/<stem>.xml`` + ``classes.txt``; labelme ``<stem>.json`` +
    ``classes.txt``. Returns the images that could not be written (name clashes)."""
    writers = {"yolo": yolo.write_folder, "coco": coco.write_folder,
               "voc": voc.write_folder, "labelme": labelme.write_folder}
    if fmt not in writers:
        raise ValueError(f"unknown label format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return writers[fmt](labels, out)


@dataclass
class Stats:
    """What a label folder holds."""

    format: str
    images: int = 0
    boxes: int = 0
    #: boxes per class, every known class listed (0 for a class without boxes)
    per_class: dict[str, int] = field(default_factory=dict)
    images_without_boxes: int = 0
    problems: list[Problem] = field(default_factory=list)


def stats(root: Path, fmt: str | None = None, images: Path | None = None) -> Stats:
    """Count the images, boxes and boxes per class of a label folder, with its problems."""
    labels = read_folder(root, fmt, images)
    counts = Counter(b.label for item in labels.items for b in item.boxes)
    return Stats(labels.format, len(labels.items), sum(counts.values()),
                 {name: counts[name] for name in class_list(labels.classes, [])}
                 | {name: n for name, n in counts.items() if name not in labels.classes},
                 sum(1 for item in labels.items if not item.boxes), labels.problems)


# -- one image in an annotation folder ---------------------------------------------------
def images_folder(root: Path) -> Path:
    """Where the photos of annotation folder ``root`` are: ``images/``, ``JPEGImages/``
    or the folder itself."""
    return child(root, "images") or child(root, "JPEGImages") or root


def label_path(image: Path, root: Path, fmt: str) -> Path:
    """Where the labels of ``image`` live in annotation folder ``root`` of format ``fmt``."""
    if fmt == "yolo":
        images, labels = child(root, "images"), child(root, "labels")
        if images is not None and image.is_relative_to(images):
            return (labels or root / "labels") / image.relative_to(images).with_suffix(".txt")
        return yolo.label_file(image, root, labels) if labels else image.with_suffix(".txt")
    if fmt == "voc":
        notes = child(root, "Annotations")
        return notes / f"{image.stem}.xml" if notes else image.with_suffix(".xml")
    if fmt == "coco":
        found = coco.files(root)
        return found[0] if found else root / coco.FILE_NAME
    if fmt == "labelme":
        return image.with_suffix(".json")
    raise ValueError(f"unknown label format {fmt!r}; expected one of {', '.join(FORMATS)}")


def read_image(image: Path, size: tuple[int, int], root: Path,
               fmt: str) -> tuple[list[Box], list[str], list[Problem]]:
    """The boxes of one image of annotation folder ``root``, the folder's classes and the
    problems found (bad lines are skipped, the rest loads). No label file: no boxes. The
    pre-labels waiting in its sidecar (:mod:`.pending`) come after the labels, with their
    scores."""
    problems: list[Problem] = []
    path = label_path(image, root, fmt)
    classes = _folder_classes(root, fmt, path)
    waiting = pending.read(pending.sidecar_path(path, image), size, problems)
    if not path.is_file():
        return waiting, class_list(classes, waiting), problems
    if fmt == "coco":  # the folder's one file: only this photo's own entry counts
        boxes, found = coco.read_file(path, image, size, problems, exact=True)
    else:
        boxes, found = read_file(path, image, size, problems, classes)
    # a score column in a label file (written by an older Lightbox) still marks a pre-label:
    # it moves to the sidecar on the next save
    boxes = boxes + waiting
    return boxes, class_list(classes, [Box(0, 0, 1, 1, c) for c in found] + waiting), problems


def write_image(image: Path, size: tuple[int, int], boxes: list[Box], classes: list[str],
                root: Path, fmt: str, notes: list[str] | None = None) -> Path:
    """Save the boxes of one image into annotation folder ``root`` (atomically); returns
    the label file.

    Only boxes a person accepted or drew (score 1) become labels, written the way other
    tools read them (5-column YOLO); pre-labels (scores below 1) wait in the image's
    sidecar (:mod:`.pending`), and an image with nothing but pre-labels gets no label file,
    which would claim it shows no products. YOLO class ids follow the folder's
    ``classes.txt``, mapped by name: new classes are appended, and ``notes`` (when given)
    gets a line for each (and one when the names came in another order)."""
    path = label_path(image, root, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    accepted = [b for b in boxes if b.score >= 1.0]
    waiting = [b for b in boxes if b.score < 1.0]
    pending.write(pending.sidecar_path(path, image), image, size, waiting)
    if waiting and not accepted and not path.is_file():
        return path
    item = ImageLabels(image, size, accepted)
    if fmt == "yolo":
        names = _yolo_names_path(root, path)
        known = _folder_classes(root, fmt, path)
        merged = class_list(class_list(known, [Box(0, 0, 1, 1, c) for c in classes]),
                            accepted)
        if notes is not None and known:
            notes.extend(_mapping_notes(names, known, classes, merged))
        if merged != known or not names.is_file():
            yolo.write_classes(names, merged)
        yolo.write_file(path, accepted, size, merged)
    elif fmt == "coco":  # one file for all photos: a photo with only pre-labels gets no entry
        coco.update_image(path, item, classes, create=bool(accepted) or not waiting)
    elif fmt == "voc":
        voc.write_file(path, item)
    else:
        labelme.write_file(path, item)
    return path


def _mapping_notes(names: Path, known: list[str], classes: list[str],
                   merged: list[str]) -> list[str]:
    """What a user should hear when their class list and the folder's ``classes.txt``
    differ: ids follow the file (by name); names it lacked are appended."""
    notes = []
    order = [c for c in classes if c in known]
    if order != [c for c in known if c in order]:
        notes.append(f"{names}: lists the classes in another order than the labels being "
                     "saved; class ids follow the file (matched by name)")
    notes.extend(f"{names}: had no class '{name}'; added as id {merged.index(name)}"
                 for name in merged[len(known):])
    return notes


def _yolo_names_path(root: Path, label: Path) -> Path:
    """The classes.txt a YOLO annotation folder uses (a new one goes in ``root``)."""
    beside = label.parent / "classes.txt"
    return beside if beside.is_file() and not (root / "classes.txt").is_file() \
        else root / "classes.txt"


def _folder_classes(root: Path, fmt: str, label: Path) -> list[str]:
    ignored: list[Problem] = []
    if fmt == "yolo":
        return yolo.read_classes(root, label.parent, ignored) or []
    if fmt == "coco" and label.is_file():
        data = coco.load(label, ignored)
        return [str(c.get("name")) for c in data["categories"] if isinstance(c, dict)] \
            if data else []
    names = root / "classes.txt"
    return (yolo.read_names(names, ignored) or []) if names.is_file() else []


# -- single files (Import / Export Labels) ------------------------------------------------
def file_format(path: Path) -> str | None:
    """The format of one label file, from its suffix and content."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "yolo"
    if suffix == ".xml":
        return "voc"
    if suffix == ".json":
        return "labelme" if b'"shapes"' in head(path) else "coco"
    return None


def read_file(path: Path, image: Path, size: tuple[int, int], problems: list[Problem],
              classes: list[str] | None = None) -> tuple[list[Box], list[str]]:
    """The boxes one label file gives ``image`` (of ``size``) and the class names it knows.
    YOLO class names come from ``classes`` or a ``classes.txt``/``data.yaml`` beside the
    file or one folder up; without one, classes are named by their ids."""
    fmt = file_format(path)
    if fmt == "yolo":
        names = classes or yolo.read_classes(path.parent.parent, path.parent, [])
        known = list(names or [])
        boxes = yolo.read_file(path, size, known, problems, named=bool(names)) or []
        return boxes, known
    if fmt == "coco":
        return coco.read_file(path, image, size, problems)
    if fmt == "voc":
        boxes = voc.read_file(path, size, problems)
    elif fmt == "labelme":
        boxes = labelme.read_file(path, size, problems)
    else:
        problems.append(Problem(path, "not a label file Lightbox knows (expected .txt, .xml "
                                "or .json)"))
        return [], []
    return boxes, class_list([], boxes)


def write_file(path: Path, fmt: str, image: Path, size: tuple[int, int], boxes: list[Box],
               classes: list[str]) -> None:
    """Export the boxes of one image to ``path`` in format ``fmt`` (atomically). YOLO also
    writes ``classes.txt`` beside the file, keeping the ids of classes already there."""
    item = ImageLabels(image, size, list(boxes))
    if fmt == "yolo":
        names = path.parent / "classes.txt"
        known = (yolo.read_names(names, []) or []) if names.is_file() else []
        merged = class_list(class_list(known, [Box(0, 0, 1, 1, c) for c in classes]), boxes)
        yolo.write_classes(names, merged)
        yolo.write_file(path, boxes, size, merged)
    elif fmt == "coco":
        coco.write_file(path, [item], class_list(classes, boxes))
    elif fmt == "voc":
        voc.write_file(path, item)
    elif fmt == "labelme":
        labelme.write_file(path, item)
    else:
        raise ValueError(f"unknown label format {fmt!r}; expected one of {', '.join(FORMATS)}")
