"""Reading the files of a training folder: image headers and detection label formats.

The pieces :mod:`editor.training.datasets` builds datasets from: :class:`Sample` and
:class:`Problem`, :func:`read_size` (an image's size from its header, no pixels decoded) and
one reader per detection format (YOLO, COCO, Pascal VOC). The label files themselves are
read by :mod:`editor.model.labels`, the one place that knows them; this module reads them
*strictly*, so a detector is never taught from half-labelled photos:

- A label file (or annotation) with any bad line or box is reported as :class:`Problem`\\ s
  naming the file and line, and that image is left out of the dataset entirely: keeping its
  other boxes would teach the model that the unlabelled object is background.
- An image with no label file (YOLO), no annotation (COCO) is a *negative*: a sample with
  an empty box list, which teaches the model what is not a product.
- Boxes reaching a little past the image edge are clipped to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from editor.model.labels import coco, labelme, pending, voc, yolo
from editor.model.labels.common import Labels, Problem, child, class_list, read_size, sized
from editor.model.layers import Box

__all__ = ["Problem", "Read", "Sample", "child", "coco_files", "labelme_files", "read_coco",
           "read_labelme", "read_size", "read_voc", "read_yolo", "sized", "voc_files",
           "yolo_names_file"]


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


class Read(NamedTuple):
    """What a detection reader found."""

    samples: list[Sample]
    classes: list[str]
    problems: list[Problem]


def _read(labels: Labels, label_of: Callable[[Path], Path] | None = None) -> Read:
    """Samples of ``labels``; with ``label_of`` (image -> its label file), the pre-labels
    waiting in each image's sidecar join its boxes with their scores below 1, so training
    can tell a photo still under review from a checked one (and leave it out)."""
    samples = []
    for item in labels.items:
        boxes = item.boxes
        if label_of is not None:
            waiting = pending.read(pending.sidecar_path(label_of(item.image), item.image),
                                   item.size, labels.problems)
            boxes = boxes + waiting
        samples.append(Sample(item.image, boxes=boxes, size=item.size))
    classes = class_list(labels.classes, [b for s in samples for b in s.boxes or []])
    return Read(samples, classes, labels.problems)


def read_yolo(root: Path, images: Path, labels: Path | None) -> Read:
    """YOLO ``images/`` with ``labels/`` (or ``.txt`` beside each image, as the editor's
    folder annotation writes in a plain folder); see :mod:`editor.model.labels.yolo`."""
    return _read(yolo.read_folder(root, images, labels, strict=True),
                 lambda image: yolo.label_file(image, images, labels))


def labelme_files(root: Path) -> list[Path]:
    """labelme JSON files under ``root`` (one per image, beside it)."""
    return labelme.files(root)


def read_labelme(root: Path) -> Read:
    """labelme JSON beside the images; see :mod:`editor.model.labels.labelme`."""
    return _read(labelme.read_folder(root, strict=True), lambda image: image)


def yolo_names_file(root: Path) -> bool:
    """Whether ``root`` holds a YOLO class-name file (classes.txt or data.yaml)."""
    return yolo.names_file(root)


def coco_files(root: Path) -> list[Path]:
    """JSON files in ``root`` or ``root/annotations`` that look like COCO detection files."""
    return coco.files(root)


def read_coco(root: Path, files: Iterable[Path]) -> Read:
    """COCO detection JSON; see :mod:`editor.model.labels.coco`."""
    files = list(files)
    return _read(coco.read_folder(root, paths=files, strict=True),
                 lambda image: files[0] if files else root / coco.FILE_NAME)


def voc_files(root: Path) -> tuple[list[Path], Path | None]:
    """The annotation XML files and the image folder of a Pascal VOC folder."""
    return voc.files(root)


def read_voc(root: Path, xmls: Iterable[Path], images: Path | None) -> Read:
    """Pascal VOC XML; see :mod:`editor.model.labels.voc`."""
    notes = child(root, "Annotations")
    return _read(voc.read_folder(root, images, xmls, strict=True),
                 lambda image: (notes / f"{image.stem}.xml") if notes
                 else image.with_suffix(".xml"))
