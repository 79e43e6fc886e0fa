"""What every label format shares: the plain data a reader returns, problems named by file
and line, image sizes from headers, and the rules that turn numbers into a :class:`Box`.

Rules shared by every reader:

- A bad line or box is a :class:`Problem` naming the file (and line, where there is one).
  By default the other boxes of that file still load; ``strict`` readers (training) leave the
  whole image out instead, so a detector is never taught from half-labelled photos.
- A box with no area is rejected with a message; a box wholly outside the image is
  rejected; a box reaching a little past the edge is clipped to it (touching the border is
  fine).
- An image with no label file, an empty file or an empty list has no boxes (a negative).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from editor.model.imageio import ImageFileError, read_size
from editor.model.layers import Box

#: a label file with many bad lines names the first few and counts the rest
LINES_SHOWN = 3
#: class-name files, in the order they are looked for
NAME_FILES = ("classes.txt", "data.yaml", "data.yml", "dataset.yaml")
#: the class ids a YOLO file may use when no names file says how many classes there are
#: (an id such as 1e10 would otherwise make that many class names)
MAX_UNNAMED_CLASSES = 10_000
#: characters no class name keeps: control characters (a newline would split classes.txt,
#: most are not allowed in XML at all), lone surrogates (not UTF-8) and XML's non-characters
_UNWRITABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: errors a hostile or damaged file can still raise deep in a reader; caught per file, so
#: one bad file never stops the rest of the folder
FILE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError,
               MemoryError)


@dataclass
class Problem:
    """Something wrong with one file (and line); what it names is left out."""

    path: Path
    reason: str
    #: 1-based line of a label file, when the problem is on one line
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path} line {self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.reason}"


@dataclass
class ImageLabels:
    """The boxes of one image, in pixels of the upright image."""

    image: Path
    #: (width, height) of the upright image
    size: tuple[int, int]
    boxes: list[Box] = field(default_factory=list)


@dataclass
class Labels:
    """What a folder reader found: labelled images, class names in order, problems."""

    format: str
    items: list[ImageLabels] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def clean_name(name: object) -> str:
    """A class name every format keeps exactly: control characters (newlines, tabs) become
    spaces, runs of spaces one space, and the ends are trimmed. May be empty."""
    return " ".join(_UNWRITABLE.sub(" ", str(name)).split())


def unwritable_removed(text: str) -> str:
    """``text`` without the characters :func:`clean_name` replaces (for file names in XML)."""
    return _UNWRITABLE.sub("", text)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be written as a class name as it is (None when it can)."""
    if not name.strip():
        return "a class name is empty"
    if clean_name(name) != name:
        return (f"the class name {name!r} holds control characters (a newline, a tab, ...) or "
                "spaces at its ends, which label files cannot keep")
    return None


def check_names(classes: list[str]) -> None:
    """Raise ``ValueError`` naming the first class name that cannot be written as it is (a
    newline would split classes.txt, an empty line would shift every later class)."""
    for name in classes:
        if (reason := name_problem(name)) is not None:
            raise ValueError(reason)


def clean_labels(labels: Labels, where: Path) -> None:
    """Make every class name of ``labels`` writable (see :func:`clean_name`), in place: an
    empty name becomes ``class N`` (its place in the list); each change is a Problem, so
    it is said, not silent. Two names that clean to one stay apart (``name (2)``)."""
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(list(dict.fromkeys(
            [*labels.classes, *(b.label for i in labels.items for b in i.boxes)]))):
        new = clean_name(name) or f"class {index}"
        if new != name:
            base, n = new, 2
            while new in taken or new in labels.classes:
                new, n = f"{base} ({n})", n + 1
            renamed[name] = new
            labels.problems.append(Problem(where, f"class name {name!r} cannot be kept in label "
                                           f"files (empty, control characters or spaces at "
                                           f"its ends); it is written as {new!r}"))
        taken.add(new)
    if not renamed:
        return
    labels.classes = [renamed.get(c, c) for c in labels.classes]
    for item in labels.items:
        item.boxes = [replace(b, label=renamed[b.label]) if b.label in renamed else b
                      for b in item.boxes]


def class_list(classes: list[str], boxes: list[Box]) -> list[str]:
    """``classes`` followed by any box label not in it yet, in order of appearance."""
    return list(dict.fromkeys([*classes, *(b.label for b in boxes)]))


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
    if not folder.is_dir():
        return None
    return next((e for e in folder.iterdir() if e.name.lower() == name.lower() and e.is_dir()),
                None)


def find_image(candidates: list[Path], where: Path, missing: str,
               problems: list[Problem]) -> tuple[Path, tuple[int, int]] | None:
    """The first candidate file that exists, with its size; else a Problem at ``where``."""
    image = next((c for c in candidates if c.is_file()), None)
    if image is None:
        problems.append(Problem(where, missing))
        return None
    size = sized(image, problems)
    return None if size is None else (image, size)


def pixel_box(x0: float, y0: float, x1: float, y1: float, label: str,
              size: tuple[int, int], score: float = 1.0) -> Box | str:
    """A box clipped to the image, or the reason it is not a box."""
    width, height = size
    if not x1 > x0 or not y1 > y0:
        return f"box {x0:g},{y0:g} to {x1:g},{y1:g} has no area"
    if x1 <= 0 or y1 <= 0 or x0 >= width or y0 >= height:
        return f"box {x0:g},{y0:g} to {x1:g},{y1:g} is outside the {width}x{height} image"
    return Box(max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1),
               label, score)


def split_bad(where: Path, boxes: list[tuple[str, Box | str]], problems: list[Problem],
              strict: bool) -> list[Box] | None:
    """The good boxes of one file (each bad one reported as ``what: reason``); None when
    ``strict`` and any box is bad."""
    bad = [Problem(where, f"{what}: {box}") for what, box in boxes if isinstance(box, str)]
    problems.extend(bad)
    if strict and bad:
        return None
    return [box for _, box in boxes if isinstance(box, Box)]


def number(value: float) -> str:
    """A coordinate as text: whole numbers without a point, others to 10 digits (far finer
    than the 1e-6 of the image size the round trip promises)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def score_of(value: Any) -> float:
    """A score from a file: a finite number in 0..1, else 1.0 (a person drew it)."""
    return float(value) if is_real(value) and 0.0 <= value <= 1.0 else 1.0


def is_number(text: str) -> bool:
    """Whether ``text`` is a finite number."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def is_real(value: Any) -> bool:
    """Whether a JSON value is a finite number (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def head(path: Path, size: int = 1 << 16) -> bytes:
    """The first bytes of a file (empty when it cannot be read)."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def write_each(labels: Labels, write: Callable[[ImageLabels], None]) -> list[Problem]:
    """``write(item)`` for every image of ``labels``; an image whose file name (stem) was
    already written is skipped and reported, so one label file never replaces another."""
    problems: list[Problem] = []
    written: dict[str, Path] = {}
    for item in labels.items:
        if item.image.stem in written:
            problems.append(Problem(item.image, f"has the same name as "
                                    f"{written[item.image.stem]}; only the first is written"))
            continue
        written[item.image.stem] = item.image
        write(item)
    return problems
