"""``lightbox labels``: convert box label folders between formats, and count what they hold.

    lightbox labels convert SRC_DIR --to yolo|coco|voc|labelme -o OUT_DIR [--images DIR]
    lightbox labels stats DIR [--images DIR]

The source format is detected. Problems (a malformed line, a class id out of range, a box
outside its image) are printed as ``file line N: reason`` on stderr; the rest converts.
Exit codes: 0 no problems, 1 some problems, 2 the command itself was wrong.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from editor.cli.common import UsageError
from editor.model.atomic import OutputError
from editor.model.labels import convert

MAX_PROBLEMS_SHOWN = 50


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add ``labels convert`` and ``labels stats`` to the ``lightbox`` parser."""
    labels = sub.add_parser("labels", help="convert box label folders, count what they hold")
    commands = labels.add_subparsers(dest="labels_command", metavar="ACTION", required=True)
    conv = commands.add_parser("convert", help="write a label folder in another format")
    conv.add_argument("source", type=Path, metavar="SRC_DIR")
    conv.add_argument("--to", required=True, choices=convert.FORMATS, dest="to")
    conv.add_argument("-o", "--output", required=True, type=Path, metavar="OUT_DIR")
    conv.add_argument("--from", choices=convert.FORMATS, dest="source_format",
                      help="the source format (default: detected)")
    conv.add_argument("--images", type=Path, metavar="DIR",
                      help="where the photos are, when not in SRC_DIR")
    stat = commands.add_parser("stats", help="images, boxes, boxes per class, problems")
    stat.add_argument("source", type=Path, metavar="DIR")
    stat.add_argument("--from", choices=convert.FORMATS, dest="source_format")
    stat.add_argument("--images", type=Path, metavar="DIR")


def cmd_labels(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``lightbox labels ...``; the exit code."""
    if not ns.source.is_dir():
        raise UsageError(f"{ns.source}: no such folder")
    if ns.images is not None and not ns.images.is_dir():
        raise UsageError(f"{ns.images}: no such folder")
    if ns.labels_command == "convert":
        return cmd_convert(ns.source, ns.to, ns.output, ns.source_format, ns.images, out, err)
    return cmd_stats(ns.source, ns.source_format, ns.images, out, err)


def cmd_convert(source: Path, to: str, output: Path, fmt: str | None, images: Path | None,
                out: TextIO, err: TextIO) -> int:
    """Read ``source`` and write it to ``output`` in format ``to``."""
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output}: the output folder is a file")
    if output.resolve() == source.resolve():
        raise UsageError(f"{output}: write the converted labels to another folder; "
                         "nothing is written over the source")
    try:
        labels = convert.read_folder(source, fmt, images)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        output.mkdir(parents=True, exist_ok=True)
        problems = labels.problems + convert.write_folder(labels, output, to)
    except (OutputError, OSError, ValueError) as exc:  # ValueError: a name it cannot keep
        print(f"{exc}", file=err)
        return 1
    _print_problems(problems, err)
    boxes = sum(len(item.boxes) for item in labels.items)
    print(f"{labels.format} -> {convert.TITLES[to]}: {len(labels.items)} images, {boxes} boxes, "
          f"{len(labels.classes)} classes written to {output}; {len(problems)} problems",
          file=out)
    return 1 if problems else 0


def cmd_stats(source: Path, fmt: str | None, images: Path | None, out: TextIO,
              err: TextIO) -> int:
    """Print what a label folder holds."""
    try:
        found = convert.stats(source, fmt, images)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"{found.format} labels in {source}", file=out)
    print(f"images: {found.images} ({found.images_without_boxes} without boxes)", file=out)
    print(f"boxes: {found.boxes}", file=out)
    print(f"classes: {len(found.per_class)}", file=out)
    width = max((len(name) for name in found.per_class), default=0)
    for name, count in found.per_class.items():
        print(f"  {name.ljust(width)}  {count}", file=out)
    print(f"problems: {len(found.problems)}", file=out)
    _print_problems(found.problems, err)
    return 1 if found.problems else 0


def _print_problems(problems: list, err: TextIO) -> None:
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"{problem}", file=err)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems", file=err)


COMMANDS = {"labels": cmd_labels}
