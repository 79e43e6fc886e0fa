"""Active learning: which unlabelled photos an annotator should correct first.

After each training round the detector looks at the photos nobody has labelled yet; the
ones it is least sure about teach it the most once corrected. A detection is doubtful when
its objectness is near one half (product or not?) or, for a confident product, when its two
most probable classes are close (small margin). A photo's uncertainty is the mean doubt of
its three most doubtful detections; a photo where the detector finds nothing at all is the
most uncertain (1.0), since a product photo without products means the detector is lost.

    python -m plugins.autolabel.active FOLDER [--model MODEL.pt] [--all]

prints the folder's unlabelled photos, most uncertain first.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from editor.model.imageio import ImageFileError, iter_image_files, load_image
from plugins.autolabel.model import Detection

#: detections whose objectness is below this are not looked at (background)
FLOOR = 0.1
#: how many of a photo's most doubtful detections its uncertainty averages
TOP = 3

Detect = Callable[[list[np.ndarray]], list[list[Detection]]]


def doubt(det: Detection) -> float:
    """0 (sure) .. 1 (a coin toss) for one detection: about being a product at all, or,
    weighted by how sure it is a product, about its class."""
    presence = 1.0 - abs(2.0 * det.objectness - 1.0)
    probs = [p for _, p in det.classes]
    margin = probs[0] - (probs[1] if len(probs) > 1 else 0.0) if probs else 1.0
    return max(presence, det.objectness * (1.0 - margin))


def uncertainty(found: Sequence[Detection]) -> float:
    """A photo's uncertainty in 0..1 from its detections (see the module docstring)."""
    doubts = sorted((doubt(d) for d in found if d.objectness >= FLOOR), reverse=True)
    if not doubts:
        return 1.0
    return float(np.mean(doubts[:TOP]))


def order_by_uncertainty(
    photos: Iterable[Path], detect: Detect,
    progress: Callable[[float, str], None] = lambda f, m: None,
) -> tuple[list[tuple[Path, float]], list[tuple[Path, str]]]:
    """``(photo, uncertainty)`` most uncertain first (ties keep the given order), and the
    photos that could not be read with the reason. ``detect`` maps a list of uint8 RGBA
    images to their detections (e.g. ``Detector.detect``)."""
    photos = list(photos)
    scored: list[tuple[Path, float]] = []
    problems: list[tuple[Path, str]] = []
    for i, path in enumerate(photos):
        progress(i / max(1, len(photos)), f"Looking at {path.name}")
        try:
            image = load_image(path).pixels
        except ImageFileError as exc:
            problems.append((path, exc.reason))
            continue
        scored.append((path, uncertainty(detect([image])[0])))
    order = sorted(range(len(scored)), key=lambda i: -scored[i][1])
    return [scored[i] for i in order], problems


def unlabelled(root: Path) -> list[Path]:
    """The photos of annotation folder ``root`` that have no label file and no pre-labels
    waiting for review yet."""
    from editor.model.labels import convert, pending

    fmt = convert.detect_format(root) or "yolo"
    photos = iter_image_files([convert.images_folder(root)])
    if fmt == "coco":
        return list(photos)  # one file for all photos: labelled ones are left in the order
    return [p for p in photos if not (label := convert.label_path(p, root, fmt)).is_file()
            and not pending.sidecar_path(label, p).is_file()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plugins.autolabel.active",
                                     description="List unlabelled photos, most uncertain first.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--model", type=Path, help="detector (default: active, else bundled)")
    parser.add_argument("--all", action="store_true", help="all photos, labelled ones too")
    args = parser.parse_args(argv)
    from editor.training.store import ModelError, model_for
    from plugins.autolabel.model import PLUGIN_ID, load_detector

    path = model_for(PLUGIN_ID, args.model)
    if path is None:
        print("autolabel: no detector to judge uncertainty with; train one first",
              file=sys.stderr)
        return 1
    try:
        detector = load_detector(path)
    except ModelError as exc:
        print(f"autolabel: {exc}", file=sys.stderr)
        return 1
    if not args.folder.is_dir():
        print(f"autolabel: {args.folder}: no such folder", file=sys.stderr)
        return 1
    photos = list(iter_image_files([args.folder])) if args.all else unlabelled(args.folder)
    if not photos:
        print(f"autolabel: {args.folder}: no {'' if args.all else 'unlabelled '}photos",
              file=sys.stderr)
        return 1
    ordered, problems = order_by_uncertainty(photos, detector.detect)
    for photo, value in ordered:
        print(f"{value:.3f}  {photo}")
    for photo, reason in problems:
        print(f"{photo}: {reason}", file=sys.stderr)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
