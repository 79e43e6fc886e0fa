"""labelme JSON: one file per image with ``imagePath`` (relative to the JSON),
``imageWidth``, ``imageHeight`` and ``shapes``; a box is a shape of type ``rectangle`` with
two corner ``points``. Other shape types (polygons, points) are not boxes and are counted
as a problem-free skip. A ``score`` on a shape is kept (written only when below 1); a
``classes.txt`` in the folder keeps the order of the classes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from editor.model.atomic import atomic_write
from editor.model.imageio import IMAGE_SUFFIXES
from editor.model.labels.common import (
    FILE_ERRORS,
    ImageLabels,
    Labels,
    Problem,
    check_names,
    class_list,
    clean_labels,
    find_image,
    head,
    is_real,
    pixel_box,
    score_of,
    split_bad,
    write_each,
)
from editor.model.labels.yolo import read_names, write_classes
from editor.model.layers import Box

FORMAT = "labelme"
VERSION = "5.4.1"


def files(root: Path) -> list[Path]:
    """The labelme JSON files under ``root`` (any depth, hidden folders skipped)."""
    return sorted(p for p in root.rglob("*.json")
                  if not any(part.startswith(".") for part in p.relative_to(root).parts)
                  and not p.name.endswith(".scores.json")  # pre-label sidecars
                  and b'"shapes"' in head(p))


def read_folder(root: Path, images: Path | None = None, *, strict: bool = False) -> Labels:
    """Every labelme file under ``root`` with its image (looked for in ``images`` too)."""
    found = Labels(FORMAT)
    for path in files(root):
        data = _load(path, found.problems)
        if data is None:
            continue
        try:
            item = _item(path, data, images, found.problems, strict)
        except FILE_ERRORS as exc:  # a last guard: one bad file never stops the folder
            found.problems.append(Problem(path, f"cannot be read ({type(exc).__name__}: "
                                          f"{exc})"))
            continue
        if item is not None:
            found.items.append(item)
    names = root / "classes.txt"
    ordered = read_names(names, found.problems) if names.is_file() else None
    boxes = [b for item in found.items for b in item.boxes]
    found.classes = class_list(ordered or [], boxes) if ordered is not None \
        else sorted({b.label for b in boxes})
    found.items.sort(key=lambda i: i.image)
    clean_labels(found, root)
    return found


def read_file(path: Path, size: tuple[int, int], problems: list[Problem]) -> list[Box]:
    """The boxes of one labelme file for an image of ``size`` (already found)."""
    data = _load(path, problems)
    if data is None:
        return []
    found = Labels(FORMAT, [ImageLabels(path, size, split_bad(
        path, _shapes(data, size), problems, strict=False) or [])], [], problems)
    clean_labels(found, path)
    return found.items[0].boxes


def _load(path: Path, problems: list[Problem]) -> dict | None:
    try:
        data = json.loads(path.read_text("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem(path, f"not a readable JSON file ({exc})"))
        return None
    except RecursionError:
        problems.append(Problem(path, "not a readable JSON file (nested too deeply)"))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("shapes"), list):
        problems.append(Problem(path, "not a labelme file: expected a list 'shapes'"))
        return None
    return data


def _item(path: Path, data: dict, images: Path | None, problems: list[Problem],
          strict: bool) -> ImageLabels | None:
    recorded = str(data.get("imagePath") or "").replace("\\", "/")
    candidates = [path.parent / recorded] if recorded else []
    if images is not None:
        candidates += [images / Path(recorded).name] if recorded else []
        candidates += [images / (path.stem + s) for s in sorted(IMAGE_SUFFIXES)]
    candidates += [path.with_suffix(s) for s in sorted(IMAGE_SUFFIXES)]
    found = find_image(candidates, path, f"its image '{recorded or path.stem}' is not found",
                       problems)
    if found is None:
        return None
    boxes = split_bad(path, _shapes(data, found[1]), problems, strict)
    return None if boxes is None else ImageLabels(found[0], found[1], boxes)


def _shapes(data: dict, size: tuple[int, int]) -> list[tuple[str, Box | str]]:
    boxes: list[tuple[str, Box | str]] = []
    for i, shape in enumerate(data["shapes"], 1):
        if isinstance(shape, dict) and shape.get("shape_type", "polygon") != "rectangle":
            continue
        boxes.append((f"shape {i}", _box(shape, size)))
    return boxes


def _box(shape: Any, size: tuple[int, int]) -> Box | str:
    if not isinstance(shape, dict):
        return f"expected a shape object, got {shape!r:.60}"
    label = shape.get("label")
    if not isinstance(label, str) or not label.strip():
        return "no 'label'"
    points = shape.get("points")
    if (not isinstance(points, list) or len(points) != 2
            or not all(isinstance(p, list) and len(p) == 2 and all(is_real(v) for v in p)
                       for p in points)):
        return f"expected 'points' = [[x0, y0], [x1, y1]], got {points!r:.60}"
    (xa, ya), (xb, yb) = points
    return pixel_box(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb), label, size,
                     score_of(shape.get("score", 1.0)))


# -- writing -----------------------------------------------------------------------------
def to_json(item: ImageLabels, folder: Path) -> dict:
    """The labelme document of one image whose JSON goes in ``folder``."""
    check_names([box.label for box in item.boxes])
    shapes = []
    for box in item.boxes:
        shape: dict[str, Any] = {"label": box.label, "points": [[box.x0, box.y0],
                                                                 [box.x1, box.y1]],
                                 "group_id": None, "description": "",
                                 "shape_type": "rectangle", "flags": {}, "mask": None}
        if box.score < 1.0:
            shape["score"] = box.score
        shapes.append(shape)
    try:
        image_path = Path(os.path.relpath(item.image, folder)).as_posix()
    except ValueError:  # another drive on Windows
        image_path = item.image.as_posix()
    return {"version": VERSION, "flags": {}, "shapes": shapes, "imagePath": image_path,
            "imageData": None, "imageHeight": item.size[1], "imageWidth": item.size[0]}


def write_file(path: Path, item: ImageLabels) -> None:
    """Write one labelme file atomically."""
    data = to_json(item, path.parent)
    with atomic_write(path, "w") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)


def write_folder(labels: Labels, out: Path) -> list[Problem]:
    """``out/<stem>.json`` for every image, and ``out/classes.txt``."""
    out.mkdir(parents=True, exist_ok=True)
    write_classes(out / "classes.txt", class_list(labels.classes, [
        b for item in labels.items for b in item.boxes]))
    return write_each(labels, lambda item: write_file(out / f"{item.image.stem}.json", item))
