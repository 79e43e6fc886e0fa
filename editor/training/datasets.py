"""Training datasets from the user's folders: which layout a folder has, and what is in it.

:func:`scan` recognises four kinds of dataset, the kinds the trainable plugins learn from:

========== =================== ==========================================================
kind       format              layout
========== =================== ==========================================================
images     images              any image files, in subfolders or not
pairs      image+mask pairs    ``images/`` and ``masks/`` whose files share names
classes    class folders       one folder per class (``shoes/*.jpg``), or nested
                               (``Fruit/Apple/*.jpg`` is class ``"Fruit/Apple"``)
detection  YOLO                ``images/`` + ``labels/*.txt`` + ``classes.txt``/``data.yaml``
detection  COCO                a ``.json`` with images, annotations, categories
detection  Pascal VOC          ``Annotations/*.xml`` + ``JPEGImages/`` (or xml beside images)
detection  labelme             ``<stem>.json`` beside each image
two-folders two style folders  ``a/`` and ``b/`` of unpaired photos in two styles
========== =================== ==========================================================

Scanning reads image headers only, never pixels, so it stays quick on thousands of photos
(an image whose pixels are damaged past its header is caught later, by the loader). Every
bad file becomes a :class:`Problem` naming it, and is left out; only a folder that cannot be
used at all raises :class:`DatasetError`. Hidden files and folders are skipped; samples
come in sorted path order. How detection label files are judged is described in
:mod:`editor.training.formats`.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from editor.model.imageio import IMAGE_SUFFIXES, iter_image_files
from editor.training.formats import (
    Problem,
    Read,
    Sample,
    child,
    coco_files,
    labelme_files,
    read_coco,
    read_labelme,
    read_voc,
    read_yolo,
    sized,
    voc_files,
    yolo_names_file,
)

__all__ = ["Dataset", "DatasetError", "DatasetKind", "Problem", "Sample", "scan"]

DatasetKind = Literal["images", "pairs", "classes", "detection", "two-folders"]
#: photos each folder of a two-folders dataset needs at least
TWO_FOLDERS_MIN = 8

#: what each kind of dataset folder should look like, for error messages
EXPECTED: dict[str, str] = {
    "images": "any image files (PNG, JPEG, WebP, TIFF, BMP or GIF), in subfolders or not",
    "pairs": "images/ and masks/ subfolders whose files share names "
             "(images/shoe.jpg with masks/shoe.png)",
    "classes": "one subfolder per class holding its images (shoes/*.jpg, bags/*.jpg), "
               "or nested folders (Fruit/Apple/*.jpg)",
    "detection": "YOLO (images/ + labels/*.txt + classes.txt or data.yaml, or photos with "
                 "a .txt beside each and a classes.txt), COCO (a .json file with images, "
                 "annotations and categories), Pascal VOC (Annotations/*.xml + JPEGImages/) "
                 "or labelme (a .json beside each photo)",
    "two-folders": f"a/ and b/ subfolders of photos in two styles (a/*.jpg, b/*.jpg), at "
                   f"least {TWO_FOLDERS_MIN} in each",
}


class DatasetError(Exception):
    """A folder that cannot be used for training at all; ``str(e)`` names the folder."""


@dataclass
class Dataset:
    """The samples found in a folder, the class names, and the files that were left out."""

    root: Path
    kind: DatasetKind
    #: "images", "image+mask pairs", "class folders", "YOLO", "COCO" or "Pascal VOC"
    format: str
    samples: list[Sample]
    classes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Images per class (classes), boxes per class (detection), else the sample count."""
        if self.kind in ("classes", "two-folders"):
            found = Counter(s.label for s in self.samples)
            return {name: found[name] for name in self.classes}
        if self.kind == "detection":
            found = Counter(b.label for s in self.samples for b in s.boxes or [])
            return {name: found[name] for name in self.classes}
        return {self.kind: len(self.samples)}

    def summary(self) -> str:
        """A few lines for people: the format, what was found, and how many problems."""
        n = len(self.samples)
        lines = [f"{self.format} dataset in {self.root}"]
        counts = self.counts()
        if self.kind == "classes":
            smallest = min(counts.items(), key=lambda kv: kv[1])
            lines.append(f"{n:,} images in {len(self.classes)} classes "
                         f"(smallest: {smallest[0]} with {smallest[1]})")
        elif self.kind == "detection":
            negatives = sum(1 for s in self.samples if not s.boxes)
            lines.append(f"{n:,} images, {sum(counts.values()):,} boxes in "
                         f"{len(self.classes)} classes; {negatives:,} images without boxes")
            empty = [name for name, count in counts.items() if count == 0]
            if empty:
                lines.append(f"{len(empty)} classes have no boxes: {', '.join(empty[:10])}"
                             + (", ..." if len(empty) > 10 else ""))
        elif self.kind == "two-folders":
            lines.append(f"{counts['a']:,} photos in style a, {counts['b']:,} in style b")
        else:
            lines.append(f"{n:,} {'image+mask pairs' if self.kind == 'pairs' else 'images'}")
        if self.problems:
            lines.append(f"{len(self.problems):,} problems: the files they name are left out")
        else:
            lines.append("no problems")
        return "\n".join(lines)

    def split(self, val_fraction: float = 0.1, seed: int = 0) -> tuple[list[Sample], list[Sample]]:
        """(train, validation) samples, the same every time for the same folder and seed.

        Class folders are split per class, and every class with two or more images gives at
        least one to validation. There is at least one validation sample whenever there
        are two samples. Membership follows a hash of each file's path, so adding photos to
        the folder later leaves the earlier validation images where they were.
        """
        if not 0 <= val_fraction < 1:
            raise ValueError(f"val_fraction must be at least 0 and below 1, got {val_fraction}")
        groups: dict[str | None, list[int]] = {}
        for index, sample in enumerate(self.samples):
            by_label = self.kind in ("classes", "two-folders")
            groups.setdefault(sample.label if by_label else None, []).append(index)
        chosen: set[int] = set()
        for members in groups.values():
            if len(members) < 2 or val_fraction == 0:
                continue
            # a sample's side depends only on its own hash, so adding photos later moves none
            held = [i for i in members if self._fraction(i, seed) < val_fraction]
            if not held:  # a small class still gives one to validation
                held = [min(members, key=lambda i: self._fraction(i, seed))]
            if len(held) == len(members):
                held = held[:-1]
            chosen.update(held)
        if not chosen and len(self.samples) >= 2 and val_fraction > 0:
            largest = max(groups.values(), key=len)
            chosen.add(min(largest, key=lambda i: self._fraction(i, seed)))
        train = [s for i, s in enumerate(self.samples) if i not in chosen]
        val = [s for i, s in enumerate(self.samples) if i in chosen]
        return train, val

    def _fraction(self, index: int, seed: int) -> float:
        """A number in [0, 1) fixed by the seed and the file's path inside the folder."""
        image = self.samples[index].image
        try:
            name = image.relative_to(self.root).as_posix()
        except ValueError:
            name = image.as_posix()
        digest = hashlib.blake2b(f"{seed}\0{name}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64


def scan(root: Path | str, kind: DatasetKind | None = None) -> Dataset:
    """Find the dataset in ``root``: the layout ``kind`` asks for, or any layout when None.

    ``kind="images"`` accepts any folder with images: for a folder of another layout it
    takes its photos (``images/`` or ``JPEGImages/``), not its masks. Raises
    :class:`DatasetError` for a folder that cannot be used at all.
    """
    root = Path(root)
    if not root.exists():
        raise DatasetError(f"{root}: no such folder")
    if not root.is_dir():
        raise DatasetError(f"{root}: is a file, not a folder; choose the folder that holds "
                           "the training images")
    if kind is not None and kind not in EXPECTED:
        raise ValueError(f"unknown dataset kind {kind!r}; expected one of {', '.join(EXPECTED)}")
    try:
        empty = not any(e for e in root.iterdir() if not e.name.startswith("."))
    except OSError as exc:
        raise DatasetError(f"{root}: cannot be read ({exc.strerror or exc})") from None
    if empty:
        raise DatasetError(f"{root}: the folder is empty; expected {_expected(kind)}")
    dataset = _scan_kind(root, kind) if kind is not None else _scan_any(root)
    if dataset is None:
        raise DatasetError(f"{root}: no {_name(kind)} found; expected {_expected(kind)}")
    if not dataset.samples:
        first = f"; first problem: {dataset.problems[0]}" if dataset.problems else ""
        raise DatasetError(f"{root}: no usable {_name(dataset.kind)} found "
                           f"({len(dataset.problems)} problems{first})")
    return dataset


def _scan_any(root: Path) -> Dataset | None:
    return _pairs(root) or _detection(root) or _classes(root, required=False) or _images(root)


def _scan_kind(root: Path, kind: DatasetKind) -> Dataset | None:
    if kind == "classes":
        return _classes(root, required=True)
    return {"images": _images, "pairs": _pairs, "detection": _detection,
            "two-folders": _two_folders}[kind](root)


def _images(root: Path) -> Dataset | None:
    """Every image under ``root``; for a dataset folder, the photos of its ``images/``."""
    folder = root
    if child(root, "masks") or child(root, "labels") or child(root, "Annotations"):
        folder = child(root, "images") or child(root, "JPEGImages") or root
    problems: list[Problem] = []
    samples = [Sample(path, size=size) for path in iter_image_files([folder])
               if (size := sized(path, problems)) is not None]
    if not samples and not problems:
        return None
    return Dataset(root, "images", "images", samples, [], problems)


def _pairs(root: Path) -> Dataset | None:
    """``images/`` + ``masks/``, matched by relative path without the suffix."""
    images, masks = child(root, "images"), child(root, "masks")
    if images is None or masks is None:
        return None
    problems: list[Problem] = []
    photos = _by_stem(images, problems)
    mattes = _by_stem(masks, problems)
    samples: list[Sample] = []
    for stem, image in photos.items():
        mask = mattes.get(stem)
        if mask is None:
            problems.append(Problem(image, f"no mask for this image (expected {masks.name}/"
                                    f"{stem}.png or another image type)"))
            continue
        size, mask_size = sized(image, problems), sized(mask, problems)
        if size is None or mask_size is None:
            continue
        if size != mask_size:
            turned = " (one looks turned a quarter turn)" if size == mask_size[::-1] else ""
            problems.append(Problem(mask, f"mask is {mask_size[0]}x{mask_size[1]} pixels but "
                                    f"its image {image.name} is {size[0]}x{size[1]}{turned}"))
            continue
        samples.append(Sample(image, mask=mask, size=size))
    problems.extend(Problem(mask, f"mask without an image (expected {images.name}/{stem}.jpg "
                            "or another image type)")
                    for stem, mask in mattes.items() if stem not in photos)
    return Dataset(root, "pairs", "image+mask pairs", samples, [], problems)


def _by_stem(folder: Path, problems: list[Problem]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in iter_image_files([folder]):
        stem = path.relative_to(folder).with_suffix("").as_posix()
        if stem in found:
            problems.append(Problem(path, f"has the same name as {found[stem].name}; "
                                    "only the first is used"))
        else:
            found[stem] = path
    return found


def _detection(root: Path) -> Dataset | None:
    """YOLO, then Pascal VOC, then COCO, then labelme: the first whose files are there.

    Every layout the editor's folder annotation writes is read: YOLO ``images/`` +
    ``labels/``, and also a plain folder of photos with ``<stem>.txt`` beside each and a
    ``classes.txt``; VOC XML beside the photos; labelme JSON beside the photos."""
    images, labels = child(root, "images"), child(root, "labels")
    read: Read | None = None
    if images is not None and (labels is not None or yolo_names_file(root)):
        read, name = read_yolo(root, images, labels), "YOLO"
    elif labels is not None or (yolo_names_file(root) and _labels_beside_photos(root)):
        read, name = read_yolo(root, root, labels), "YOLO"
    elif (voc := voc_files(root))[0]:
        read, name = read_voc(root, *voc), "Pascal VOC"
    elif coco := coco_files(root):
        read, name = read_coco(root, coco), "COCO"
    elif labelme_files(root):
        read, name = read_labelme(root), "labelme"
    if read is None:
        return None
    return Dataset(root, "detection", name, read.samples, read.classes, read.problems)


def _labels_beside_photos(root: Path) -> bool:
    """Whether a photo directly in ``root`` has a YOLO ``<stem>.txt`` (or pre-labels
    waiting for review) beside it: a folder annotated in place. Class folders, whose photos
    lie in subfolders, never do."""
    return any(p.suffix.lower() in IMAGE_SUFFIXES and (
        p.with_suffix(".txt").is_file() or (root / f"{p.stem}.scores.json").is_file())
        for p in root.iterdir() if not p.name.startswith("."))


def _classes(root: Path, required: bool) -> Dataset | None:
    """Each folder holding images is a class, named by its path under ``root``.

    Found only when there are two classes or more; with ``required`` one class is an error
    (a classifier cannot learn from it) and none gives None."""
    problems: list[Problem] = []
    samples: list[Sample] = []
    loose = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = Path(folder)
        photos = sorted(here / f for f in files
                        if not f.startswith(".") and Path(f).suffix.lower() in IMAGE_SUFFIXES)
        if here == root:
            loose = len(photos)
            continue
        label = here.relative_to(root).as_posix()
        if not photos and not dirs:
            problems.append(Problem(here, "class folder has no images"))
        samples.extend(Sample(p, label=label, size=size) for p in photos
                       if (size := sized(p, problems)) is not None)
    classes = sorted({s.label for s in samples if s.label is not None})
    if len(classes) < 2 and not required:
        return None
    if len(classes) == 1:
        raise DatasetError(f"{root}: found only one class folder ({classes[0]}); a classifier "
                           f"needs at least two; expected {EXPECTED['classes']}")
    if not classes and not problems:
        return None
    if loose:
        problems.insert(0, Problem(root, f"{loose} images lie directly in the folder, outside "
                                   "any class folder; they are left out"))
    samples.sort(key=lambda s: s.image.relative_to(root).parts)
    return Dataset(root, "classes", "class folders", samples, classes, problems)


def _two_folders(root: Path) -> Dataset:
    """``a/`` and ``b/``, each with at least :data:`TWO_FOLDERS_MIN` usable photos; a
    missing, empty or too small folder is a DatasetError naming it."""
    problems: list[Problem] = []
    samples: list[Sample] = []
    folders = {label: child(root, label) for label in ("a", "b")}
    for label, folder in folders.items():
        if folder is None:
            raise DatasetError(f"{root / label}: no such folder; expected "
                               f"{EXPECTED['two-folders']}")
    for label, folder in folders.items():
        assert folder is not None
        found = [Sample(path, label=label, size=size) for path in iter_image_files([folder])
                 if (size := sized(path, problems)) is not None]
        if not found:
            raise DatasetError(f"{folder}: the folder has no usable photos; expected "
                               f"{EXPECTED['two-folders']}")
        if len(found) < TWO_FOLDERS_MIN:
            raise DatasetError(f"{folder}: only {len(found)} usable photos; each style "
                               f"folder needs at least {TWO_FOLDERS_MIN}")
        samples.extend(found)
    return Dataset(root, "two-folders", "two style folders", samples, ["a", "b"], problems)


def _expected(kind: DatasetKind | None) -> str:
    if kind is not None:
        return EXPECTED[kind]
    return "; or ".join(EXPECTED[k] for k in ("pairs", "classes", "detection", "images"))


def _name(kind: DatasetKind | None) -> str:
    return {"images": "images", "pairs": "image+mask pairs", "classes": "class folders",
            "detection": "detection dataset",
            "two-folders": "two style folders"}.get(kind or "", "dataset")
