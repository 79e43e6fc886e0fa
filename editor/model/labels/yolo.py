"""YOLO labels: ``images/`` (any depth) with ``labels/<same relative path>.txt`` (or the
``.txt`` beside each image), class names from ``classes.txt`` or ``data.yaml``.

Each line is ``class cx cy w h`` normalised to 0..1, with an optional 6th column, the score
(written only when below 1). An empty file is an image without boxes.
"""

from __future__ import annotations

import re
from pathlib import Path

from editor.model.atomic import atomic_write
from editor.model.imageio import iter_image_files
from editor.model.labels.common import (
    FILE_ERRORS,
    LINES_SHOWN,
    MAX_UNNAMED_CLASSES,
    NAME_FILES,
    ImageLabels,
    Labels,
    Problem,
    check_names,
    child,
    class_list,
    clean_labels,
    is_number,
    number,
    sized,
    write_each,
)
from editor.model.layers import Box

FORMAT = "YOLO"
_TOLERANCE = 1e-4  # how far past 0..1 a normalised number may stray (rounding)


# -- reading -----------------------------------------------------------------------------
def read_folder(root: Path, images: Path | None = None, labels: Path | None = None, *,
                strict: bool = False) -> Labels:
    """Every image under ``images`` (default ``root/images`` or ``root``) with its label
    file from ``labels`` (default ``root/labels``) or beside it. With ``strict`` an image
    with any bad line is left out; otherwise its good lines load."""
    images = images or child(root, "images") or root
    labels = labels if labels is not None else child(root, "labels")
    problems: list[Problem] = []
    named = read_classes(root, labels, problems)
    classes = named if named is not None else []
    found = Labels(FORMAT, classes=classes, problems=problems)
    used: set[Path] = set()
    for image in iter_image_files([images]):
        label = label_file(image, images, labels)
        size = sized(image, problems)
        if not label.is_file():
            if size is not None:
                found.items.append(ImageLabels(image, size, []))
            continue
        used.add(label)
        try:
            boxes = read_file(label, size or (1, 1), classes, problems,
                              named=named is not None, strict=strict)
        except FILE_ERRORS as exc:  # a last guard: one bad file never stops the folder
            problems.append(Problem(label, f"cannot be read ({type(exc).__name__}: {exc})"))
            continue
        if size is not None and boxes is not None:
            found.items.append(ImageLabels(image, size, boxes))
    orphans = sorted(labels.rglob("*.txt")) if labels is not None else []
    problems.extend(Problem(label, f"label file without an image in {images.name}/")
                    for label in orphans if label not in used and label.name not in NAME_FILES
                    and not any(part.startswith(".") for part in label.parts))
    clean_labels(found, root)
    return found


def label_file(image: Path, images: Path, labels: Path | None) -> Path:
    """Where the label file of ``image`` is (or would be): under ``labels`` at the image's
    path relative to ``images``, else beside the image."""
    if labels is not None:
        target = labels / image.relative_to(images).with_suffix(".txt")
        if target.is_file() or not image.with_suffix(".txt").is_file():
            return target
    return image.with_suffix(".txt")


def read_file(label: Path, size: tuple[int, int], classes: list[str],
              problems: list[Problem], *, named: bool = True,
              strict: bool = False) -> list[Box] | None:
    """The boxes of one label file; bad lines become Problems (None for all when strict).

    Without a class-name file (``named`` false) class ids up to
    :data:`MAX_UNNAMED_CLASSES` are accepted and ``classes`` grows to name each id by its
    number. A UTF-8 byte-order mark (Windows Notepad writes one) is skipped."""
    try:
        text = label.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(label, f"cannot be read as text ({exc})"))
        return None
    width, height = size
    boxes: list[Box] = []
    bad: list[Problem] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        reason = _line_problem(parts, len(classes) if named else None)
        if reason:
            bad.append(Problem(label, reason, line_number))
            continue
        cls, cx, cy, w, h = (float(p) for p in parts[:5])
        classes.extend(str(i) for i in range(len(classes), int(cls) + 1))
        score = float(parts[5]) if len(parts) == 6 else 1.0
        boxes.append(Box(max(0.0, (cx - w / 2) * width), max(0.0, (cy - h / 2) * height),
                         min(width, (cx + w / 2) * width), min(height, (cy + h / 2) * height),
                         classes[int(cls)], score))
    problems.extend(bad[:LINES_SHOWN])
    if len(bad) > LINES_SHOWN:
        problems.append(Problem(label, f"{len(bad) - LINES_SHOWN} more bad lines"))
    return None if bad and strict else boxes


def _line_problem(parts: list[str], n_classes: int | None) -> str | None:
    if len(parts) not in (5, 6):
        return f"expected 5 numbers (class cx cy w h), got {len(parts)}"
    if word := next((p for p in parts if not is_number(p)), None):
        return f"expected numbers (class cx cy w h), got '{word}'"
    cls, *coords = [float(p) for p in parts]
    if cls != int(cls) or cls < 0:
        return f"class id {parts[0]} is not a whole number 0 or above"
    if n_classes is not None and cls >= n_classes:
        return (f"class id {parts[0]} is out of range: the class names list {n_classes} "
                f"classes (ids 0 to {n_classes - 1})")
    if n_classes is None and cls >= MAX_UNNAMED_CLASSES:
        return (f"class id {parts[0]} is out of range: without a classes.txt or data.yaml, "
                f"ids 0 to {MAX_UNNAMED_CLASSES - 1} are accepted")
    box, score = coords[:4], coords[4:]
    if score and not 0 <= score[0] <= 1:
        return f"the score (6th number) must be between 0 and 1, got {parts[5]}"
    if box[2] <= 0 or box[3] <= 0:
        return "box width and height must be above 0 (a box with no area)"
    if not all(-_TOLERANCE <= v <= 1 + _TOLERANCE for v in box):
        return ("numbers after the class must be between 0 and 1 (normalised to the image "
                f"size), got {' '.join(parts[1:5])}: the box reaches outside the image")
    return None


def read_classes(root: Path, labels: Path | None, problems: list[Problem]) -> list[str] | None:
    """Class names from classes.txt or data.yaml; None (and a Problem) when neither exists."""
    for path in (f / n for n in NAME_FILES for f in (root, labels) if f is not None):
        if path.is_file() and (names := read_names(path, problems)) is not None:
            return names
    problems.append(Problem(root, "no classes.txt or data.yaml with 'names:': classes are "
                            "named by their ids (0, 1, 2, ...)"))
    return None


def names_file(root: Path) -> bool:
    """Whether ``root`` holds a YOLO class-name file (classes.txt or data.yaml)."""
    return any((root / name).is_file() for name in NAME_FILES)


def read_names(path: Path, problems: list[Problem]) -> list[str] | None:
    """Class names, one a line (classes.txt) or under ``names:`` (an Ultralytics data.yaml:
    a list or an ``id: name`` mapping, block or inline; PyYAML is not a dependency)."""
    try:
        lines = path.read_text("utf-8-sig").splitlines()
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


# -- writing -----------------------------------------------------------------------------
def format_boxes(boxes: list[Box], size: tuple[int, int], classes: list[str]) -> str:
    """The text of a label file; every box label must be in ``classes``."""
    width, height = size
    lines = []
    for box in boxes:
        fields = [str(classes.index(box.label)),
                  number((box.x0 + box.x1) / 2 / width), number((box.y0 + box.y1) / 2 / height),
                  number(box.width / width), number(box.height / height)]
        if box.score < 1.0:
            fields.append(number(box.score))
        lines.append(" ".join(fields) + "\n")
    return "".join(lines)


def write_file(label: Path, boxes: list[Box], size: tuple[int, int],
               classes: list[str]) -> None:
    """Write one label file atomically (an empty file for no boxes)."""
    with atomic_write(label, "w") as handle:
        handle.write(format_boxes(boxes, size, classes))


def write_classes(path: Path, classes: list[str]) -> None:
    """Write ``classes.txt``: one class name a line, line n = class id n. Raises
    ``ValueError`` for a name the file cannot keep (empty, a newline, ...)."""
    check_names(classes)
    with atomic_write(path, "w") as handle:
        handle.write("".join(f"{name}\n" for name in classes))


_said: set[tuple[str, str]] = set()


def output_classes(path: Path, model: list[str], used: list[str]) -> tuple[list[str], list[str]]:
    """The class list of a prediction output folder's YOLO files, and what to tell the user.

    A new folder's ``classes.txt`` is the model's own list, in its order (so ids are the
    training folder's); a folder that already has one keeps it: boxes are matched to it
    by name, the model's classes and any other name it lacks are appended. Each note is
    given once per folder and process (not once per photo)."""
    if not path.is_file():
        classes, notes = list(model), []
    else:
        classes = read_names(path, []) or []
        notes = []
        if model and classes[:len(model)] != model:
            notes.append(f"{path}: lists other classes or another order than the model; "
                         "class ids follow this file (matched by name)")
    known = len(classes)
    classes = class_list(class_list(classes, [Box(0, 0, 1, 1, c) for c in model]),
                         [Box(0, 0, 1, 1, c) for c in used])
    if path.is_file():
        notes.extend(f"{path}: had no class '{name}'; added as id {classes.index(name)}"
                     for name in classes[known:])
    fresh = [n for n in notes if (str(path), n) not in _said]
    _said.update((str(path), n) for n in fresh)
    return classes, fresh


def write_folder(labels: Labels, out: Path) -> list[Problem]:
    """``out/labels/<stem>.txt`` for every image plus ``out/classes.txt``."""
    classes = class_list(labels.classes, [b for item in labels.items for b in item.boxes])
    (out / "labels").mkdir(parents=True, exist_ok=True)
    write_classes(out / "classes.txt", classes)
    return write_each(labels, lambda item: write_file(
        out / "labels" / f"{item.image.stem}.txt", item.boxes, item.size, classes))
