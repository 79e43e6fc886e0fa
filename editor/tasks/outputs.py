"""Write a plugin's :class:`Result` next to others in an output folder, per DESIGN.md:
images and masks as ``<stem>.png``, boxes as ``<stem>.txt`` (YOLO with a score column),
the report as ``<stem>.json``. Every file is written atomically; inputs are never touched.

A result whose report names a ``file_format`` (``png`` or ``jpg``; the background plugin's
``-p format=``) gets its first image written in that format, and as a PNG without an alpha
channel when it is fully opaque (RGBA only where something is transparent).

A result whose report names a ``folder`` (the variants plugin's ``"variants"``) is a set of
pictures per input: every layer goes to ``<outdir>/<stem>/<role>.png`` and the report to
``<outdir>/<stem>/<folder>.json``."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Collection
from pathlib import Path

import numpy as np
from PIL import Image

from editor.model.atomic import OutputError, atomic_write, one_unit
from editor.model.imageio import ImageFileError, save_image, save_mask
from editor.model.labels.yolo import output_classes
from editor.tasks.api import Box, Result


def planned_paths(result: Result, outdir: Path, stem: str) -> list[Path]:
    """The files :func:`write_result` would write, in order (to check before writing)."""
    folder = result.report.get("folder")
    if isinstance(folder, str) and folder:
        return _folder_paths(result, outdir / stem, folder)
    paths: list[Path] = []
    first_image = True
    for out in result.layers:
        if out.kind == "boxes":
            paths.append(outdir / f"{stem}.txt")
        elif first_image:
            paths.append(outdir / f"{stem}{_main_suffix(result)}")
            first_image = False
        else:
            paths.append(outdir / f"{stem}-{_slug(out.role or out.name)}.png")
    if result.report:
        paths.append(outdir / f"{stem}.json")
    return paths


def write_result(
    result: Result, outdir: Path, stem: str, protect: Collection[Path]
) -> list[Path]:
    """Write ``result``'s files as one unit (all or none: a killed or failed write never
    leaves a mask without its cutout); refuses (writing nothing) if any would replace a
    file in ``protect`` (the resolved paths of every input of the run)."""
    with one_unit():
        return _write_result(result, outdir, stem, protect)


def _write_result(
    result: Result, outdir: Path, stem: str, protect: Collection[Path]
) -> list[Path]:
    paths = planned_paths(result, outdir, stem)
    for path in paths:
        if path.resolve() in protect:
            raise ImageFileError(path, "the output would overwrite an input; choose another -o")
    for parent in {path.parent for path in paths}:
        parent.mkdir(parents=True, exist_ok=True)
    targets = iter(paths)
    main = next((p for p, o in zip(paths, result.layers, strict=False)
                 if o.kind != "boxes"), None)
    for out in result.layers:
        path = next(targets)
        if path == main and out.kind == "raster" and "file_format" in result.report \
                and path.suffix == ".png" and bool((out.data[..., 3] == 255).all()):  # type: ignore[index]
            _save_opaque_png(path, out.data)  # type: ignore[arg-type]
        elif out.kind == "raster":
            save_image(path, out.data)  # type: ignore[arg-type]
        elif out.kind == "mask":
            save_mask(path, out.data)  # type: ignore[arg-type]
        else:
            _write_yolo(path, out.data, result, outdir)  # type: ignore[arg-type]
    if result.report:
        with atomic_write(next(targets), "w") as fh:
            json.dump(result.report, fh, indent=2, default=str)
    return paths


def _folder_paths(result: Result, folder: Path, name: str) -> list[Path]:
    """One file per layer in ``folder``, named by its role, and the report as ``name``."""
    paths = [folder / f"{_slug(out.role or out.name)}.{'txt' if out.kind == 'boxes' else 'png'}"
             for out in result.layers]
    return [*paths, folder / f"{_slug(name)}.json"]


def _main_suffix(result: Result) -> str:
    """``.jpg`` when the report asks ``file_format: jpg``, else ``.png``."""
    fmt = str(result.report.get("file_format", "png")).lower()
    return ".jpg" if fmt in ("jpg", "jpeg") else ".png"


def _save_opaque_png(path: Path, rgba: np.ndarray) -> None:
    """An opaque image as an RGB PNG (no alpha channel), atomically."""
    try:
        with atomic_write(path) as handle:
            Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB").save(handle, "PNG")
    except OutputError as exc:
        raise ImageFileError(path, exc.reason) from exc
    except (OSError, ValueError) as exc:
        raise ImageFileError(path, f"could not be saved as PNG ({exc})") from exc


def _write_yolo(path: Path, boxes: list[Box], result: Result, outdir: Path) -> None:
    """YOLO lines ``class cx cy w h score`` (normalised) plus a shared ``classes.txt``."""
    size = result.report.get("image_size")
    if not size:
        raise ValueError("a result with boxes must report 'image_size' = (width, height)")
    width, height = size
    classes_path = outdir / "classes.txt"
    # ids follow the model's class list (a new folder) or the folder's own, by name
    classes, notes = output_classes(classes_path, list(result.report.get("classes") or []),
                                    [b.label for b in boxes])
    if notes:
        result.report.setdefault("class_notes", []).extend(notes)
    lines = []
    for b in boxes:
        if b.label not in classes:
            classes.append(b.label)
        cx, cy = (b.x0 + b.x1) / 2 / width, (b.y0 + b.y1) / 2 / height
        lines.append(
            f"{classes.index(b.label)} {cx:.6f} {cy:.6f} "
            f"{b.width / width:.6f} {b.height / height:.6f} {b.score:.4f}"
        )
    with atomic_write(path, "w") as fh:
        fh.write("\n".join(lines) + ("\n" if lines else ""))
    with atomic_write(classes_path, "w") as fh:
        fh.write("\n".join(classes) + "\n")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "layer"


#: the suffixes a result's own files (not a folder result's) can have
_RESULT_SUFFIXES = (".png", ".jpg", ".txt", ".json")


class OutputFolder:
    """What an output folder holds already, listed once: planning 10,000 inputs must not
    list the folder 10,000 times."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.files: set[str] = set()
        self.folders: set[str] = set()
        self.roles: dict[str, list[str]] = {}  # stem -> its "<stem>-<role>.png" files
        with contextlib.suppress(OSError):
            for entry in os.scandir(outdir):
                if entry.is_dir():
                    self.folders.add(entry.name)
                    continue
                self.files.add(entry.name)
                if entry.name.endswith(".png"):
                    base = entry.name[:-4]
                    for at in (i for i, ch in enumerate(base) if ch == "-"):
                        self.roles.setdefault(base[:at], []).append(entry.name)

    def existing(self, stem: str, *, boxes: bool = False) -> list[Path]:
        """The files here that a result for ``stem`` could write, known before any
        compute: ``<stem>.png|.jpg|.txt|.json``, ``<stem>-<role>.png``, the files of a
        ``<stem>/`` folder result, and ``classes.txt`` when the plugin writes ``boxes``."""
        names = [f"{stem}{suffix}" for suffix in _RESULT_SUFFIXES if f"{stem}{suffix}" in
                 self.files]
        found = [self.outdir / name for name in names + sorted(self.roles.get(stem, []))]
        if stem in self.folders:
            found += sorted(p for p in (self.outdir / stem).iterdir() if p.is_file())
        if boxes and "classes.txt" in self.files:
            found.append(self.outdir / "classes.txt")
        return found

    def finished(self, stem: str) -> Path | None:
        """The main output of a result for ``stem`` when one is there (its picture, its
        box file, or a folder result's report): results are written as a unit, so it
        stands for the whole result."""
        for suffix in (".png", ".jpg", ".txt"):
            if f"{stem}{suffix}" in self.files:
                return self.outdir / f"{stem}{suffix}"
        if stem in self.folders:
            return next((p for p in sorted((self.outdir / stem).glob("*.json"))
                         if p.is_file()), None)
        return None


def existing_outputs(outdir: Path, stem: str, *, boxes: bool = False) -> list[Path]:
    """:meth:`OutputFolder.existing` for one stem."""
    return OutputFolder(outdir).existing(stem, boxes=boxes)


def finished_output(outdir: Path, stem: str) -> Path | None:
    """:meth:`OutputFolder.finished` for one stem."""
    return OutputFolder(outdir).finished(stem)
