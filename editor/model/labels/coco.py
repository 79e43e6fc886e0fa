"""COCO detection JSON: ``images``, ``annotations`` and ``categories``; ``bbox`` is x, y,
width, height in pixels. Images are found beside the JSON, in ``images/`` or under the
folder; ``file_name`` may be a relative path. A ``score`` on an annotation is kept (and
written only when below 1); crowd annotations (``iscrowd`` = 1) are not boxes and are
skipped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from editor.model.atomic import atomic_write
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
    head,
    is_real,
    pixel_box,
    score_of,
    split_bad,
)
from editor.model.layers import Box

FORMAT = "COCO"
#: the file a folder export writes
FILE_NAME = "annotations.json"


def files(root: Path) -> list[Path]:
    """JSON files in ``root`` or ``root/annotations`` that look like COCO detection files."""
    folders = [f for f in (root, child(root, "annotations")) if f is not None]
    return [path for path in sorted(p for f in folders for p in f.glob("[!.]*.json"))
            if not path.name.endswith(".scores.json")  # pre-label sidecars
            and (b'"images"' in head(path) or b'"annotations"' in head(path))]


def read_folder(root: Path, images: Path | None = None, paths: Iterable[Path] | None = None,
                *, strict: bool = False) -> Labels:
    """Every image entry of the COCO files in ``root`` (or ``paths``) with its boxes."""
    found = Labels(FORMAT)
    for path in files(root) if paths is None else paths:
        data = load(path, found.problems)
        if data is None:
            continue
        try:
            items, names = _read(path, data, images, root, found.problems, strict)
        except FILE_ERRORS as exc:  # a last guard: one bad file never stops the folder
            found.problems.append(Problem(path, f"cannot be read ({type(exc).__name__}: "
                                          f"{exc})"))
            continue
        found.classes.extend(n for n in names if n not in found.classes)
        found.items.extend(items)
    found.items.sort(key=lambda i: i.image)
    clean_labels(found, root)
    return found


def _read(path: Path, data: dict, images: Path | None, root: Path, problems: list[Problem],
          strict: bool) -> tuple[list[ImageLabels], list[str]]:
    names = _names(data, path, problems)
    by_image = _by_image(data)
    bases = [b for b in (images, path.parent, path.parent / "images", root, root / "images")
             if b is not None]
    items = [item for entry in data["images"]
             if (item := _item(path, entry, bases, by_image, names, problems, strict))]
    return items, list(names.values())


def load(path: Path, problems: list[Problem]) -> dict | None:
    """The JSON of a COCO file, or None (and a Problem) when it is not one."""
    try:
        data = json.loads(path.read_text("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem(path, f"not a readable JSON file ({exc})"))
        return None
    except RecursionError:
        problems.append(Problem(path, "not a readable JSON file (nested too deeply)"))
        return None
    keys = ("images", "annotations", "categories")
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in keys):
        problems.append(Problem(path, "not a COCO file: expected lists 'images', "
                                "'annotations' and 'categories'"))
        return None
    return data


def read_file(path: Path, image: Path, size: tuple[int, int],
              problems: list[Problem], *, exact: bool = False) -> tuple[list[Box], list[str]]:
    """The boxes a COCO file gives ``image`` (matched by file name, or, unless ``exact``,
    the file's only image) and the file's class names. An annotation folder's file reads
    ``exact``: its only entry belongs to one photo, not to every other."""
    data = load(path, problems)
    if data is None:
        return [], []
    names = _names(data, path, problems)
    entries = [e for e in data["images"] if isinstance(e, dict)]
    entry = next((e for e in entries if Path(str(e.get("file_name", ""))).name == image.name),
                 entries[0] if len(entries) == 1 and not exact else None)
    if entry is None:
        if not exact:
            problems.append(Problem(path, f"has no image entry for {image.name}"))
        return [], list(names.values())
    anns = _by_image(data).get(entry.get("id"), []) if _is_id(entry.get("id")) else []
    boxes = split_bad(path, [(f"annotation {_shown(a.get('id'))}", _box(a, names, size))
                             for a in anns], problems, strict=False)
    found = Labels(FORMAT, [ImageLabels(image, size, boxes or [])], list(names.values()),
                   problems)
    clean_labels(found, path)
    return found.items[0].boxes, found.classes


def _is_id(value: Any) -> bool:
    """Whether ``value`` can be a COCO id: a whole number or text (not a list, not a bool)."""
    return isinstance(value, int | str) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    return f"{value!r:.40}"


def _names(data: dict, path: Path | None = None,
           problems: list[Problem] | None = None) -> dict[Any, str]:
    """Category id -> name. A category whose id is not a number or text is a problem and
    left out; a name is the id when there is none (an empty name is made writable later,
    by :func:`clean_labels`, with a message)."""
    names: dict[Any, str] = {}
    for c in data["categories"]:
        if not isinstance(c, dict):
            continue
        if not _is_id(c.get("id")):
            if problems is not None and path is not None:
                problems.append(Problem(path, f"category {_shown(c.get('name'))} has the id "
                                        f"{_shown(c.get('id'))}, not a number or text; "
                                        "its boxes are left out"))
            continue
        name = c.get("name", c.get("id"))
        names[c["id"]] = name if isinstance(name, str) else _shown(name)
    return names


def _by_image(data: dict) -> dict[Any, list[dict]]:
    by_image: dict[Any, list[dict]] = {}
    for ann in data["annotations"]:
        if isinstance(ann, dict) and not ann.get("iscrowd") and _is_id(ann.get("image_id")):
            by_image.setdefault(ann.get("image_id"), []).append(ann)
    return by_image


def _item(path: Path, entry: Any, bases: list[Path], by_image: dict[Any, list[dict]],
          names: dict[Any, str], problems: list[Problem], strict: bool) -> ImageLabels | None:
    name = entry.get("file_name") if isinstance(entry, dict) else None
    if not isinstance(name, str) or not name:
        problems.append(Problem(path, f"image entry without a 'file_name': {entry!r:.80}"))
        return None
    if not _is_id(entry.get("id")):
        problems.append(Problem(path, f"image '{name:.80}' has the id "
                                f"{_shown(entry.get('id'))}, not a number or text"))
        return None
    found = find_image([b / name for b in bases] + [b / Path(name).name for b in bases], path,
                       f"image '{name}' not found beside the JSON file or in images/",
                       problems)
    if found is None:
        return None
    declared = (entry.get("width"), entry.get("height"))
    if all(isinstance(v, int) and v > 0 for v in declared) and declared != found[1]:
        problems.append(Problem(path, f"image '{name}' is {found[1][0]}x{found[1][1]} pixels "
                                f"but the file says {declared[0]}x{declared[1]}; its boxes "
                                "would be misplaced"))
        return None
    boxes = split_bad(path, [(f"annotation {_shown(a.get('id'))} of '{name}'",
                              _box(a, names, found[1]))
                             for a in by_image.get(entry.get("id"), [])], problems, strict)
    return None if boxes is None else ImageLabels(found[0], found[1], boxes)


def _box(ann: dict, names: dict[Any, str], size: tuple[int, int]) -> Box | str:
    bbox = ann.get("bbox")
    if not isinstance(bbox, list) or len(bbox) != 4 or not all(is_real(v) for v in bbox):
        return f"expected 'bbox' = [x, y, width, height], got {bbox!r:.60}"
    if not _is_id(ann.get("category_id")) or ann["category_id"] not in names:
        return f"category_id {_shown(ann.get('category_id'))} is not in 'categories'"
    x, y, w, h = (float(v) for v in bbox)
    return pixel_box(x, y, x + w, y + h, names[ann["category_id"]], size,
                     score_of(ann.get("score", 1.0)))


# -- writing -----------------------------------------------------------------------------
def to_json(items: list[ImageLabels], classes: list[str], folder: Path) -> dict:
    """A COCO document for ``items``; ``file_name`` is each image's path relative to
    ``folder`` (where the JSON goes), category ids start at 1."""
    classes = class_list(classes, [b for item in items for b in item.boxes])
    check_names(classes)
    ids = {name: i for i, name in enumerate(classes, start=1)}
    images, annotations = [], []
    for image_id, item in enumerate(items, start=1):
        images.append({"id": image_id, "file_name": _relative(item.image, folder),
                       "width": item.size[0], "height": item.size[1]})
        for box in item.boxes:
            ann = {"id": len(annotations) + 1, "image_id": image_id,
                   "category_id": ids[box.label],
                   "bbox": [box.x0, box.y0, box.width, box.height],
                   "area": box.width * box.height, "iscrowd": 0}
            if box.score < 1.0:
                ann["score"] = box.score
            annotations.append(ann)
    return {"images": images, "annotations": annotations,
            "categories": [{"id": i, "name": n, "supercategory": ""} for n, i in ids.items()]}


def write_file(path: Path, items: list[ImageLabels], classes: list[str]) -> None:
    """Write a COCO JSON for ``items`` atomically."""
    data = to_json(items, classes, path.parent)
    with atomic_write(path, "w") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)


def write_folder(labels: Labels, out: Path) -> list[Problem]:
    """``out/annotations.json`` for every image."""
    out.mkdir(parents=True, exist_ok=True)
    write_file(out / FILE_NAME, labels.items, labels.classes)
    return []


def update_image(path: Path, item: ImageLabels, classes: list[str], *,
                 create: bool = True) -> None:
    """Replace the boxes of one image in the COCO file ``path`` (created when missing),
    leaving every other entry as it was; with ``create`` false an image the file does not
    list yet is left out. Raises ``ValueError`` for a file that is not COCO."""
    data: dict[str, Any] = {"images": [], "annotations": [], "categories": []}
    if path.is_file():
        problems: list[Problem] = []
        if (loaded := load(path, problems)) is None:
            raise ValueError(str(problems[0]))
        data = loaded
    ids = {name: cid for cid, name in _names(data).items()}
    for label in class_list(classes, item.boxes):
        if label not in ids:
            ids[label] = _next_id(data["categories"])
            data["categories"].append({"id": ids[label], "name": label, "supercategory": ""})
    name = _relative(item.image, path.parent)
    entries = [e for e in data["images"] if isinstance(e, dict)]
    entry = next((e for e in entries if e.get("file_name") == name),
                 next((e for e in entries
                       if Path(str(e.get("file_name", ""))).name == item.image.name), None))
    if entry is None:
        if not create:
            return
        entry = {"id": _next_id(entries), "file_name": name}
        data["images"].append(entry)
    entry.update(width=item.size[0], height=item.size[1])
    data["annotations"] = [a for a in data["annotations"]
                           if not (isinstance(a, dict) and a.get("image_id") == entry["id"])]
    first = _next_id(data["annotations"])
    for number, box in enumerate(item.boxes, start=first):
        ann = {"id": number, "image_id": entry["id"],
               "category_id": ids[box.label], "bbox": [box.x0, box.y0, box.width, box.height],
               "area": box.width * box.height, "iscrowd": 0}
        if box.score < 1.0:
            ann["score"] = box.score
        data["annotations"].append(ann)
    with atomic_write(path, "w") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)


def _next_id(entries: list[Any]) -> int:
    used = [e.get("id") for e in entries if isinstance(e, dict)]
    return max((i for i in used if isinstance(i, int)), default=0) + 1


def _relative(image: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(image, folder)).as_posix()
    except ValueError:  # another drive on Windows
        return image.as_posix()
