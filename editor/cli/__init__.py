"""``lightbox``: the editor, and the same plugins headless on the command line.

    lightbox [FILE...]                         open the editor
    lightbox plugins                           list plugins, their params and devices
    lightbox run PLUGIN INPUT... -o OUTDIR [-p key=value]... [--device auto|cpu|cuda|mps]
                 [--mask MASK_OR_FOLDER]
    lightbox train PLUGIN DATA_DIR -o MODEL.pt [-p key=value]... [--device ...] [--scan-only]
    lightbox models                            list trained models
    lightbox check INPUT... --profile NAME [--json R] [--html H] [--csv S] [--fix -o OUTDIR]
    lightbox labels convert|stats ...          box label files (see editor.cli.labels)

A command is a module of this package that defines ``add_parsers(sub)`` (its argparse
sub-parsers) and ``COMMANDS`` (command name -> ``handler(ns, out, err) -> exit code``);
adding a command is adding a module, never editing this one.

Exit codes: 0 every input succeeded, 1 some input failed, 2 the command itself was wrong.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TextIO

from editor.cli.common import UsageError

Handler = Callable[[argparse.Namespace, TextIO, TextIO], int]

#: modules of the package that hold no command
HELPERS = frozenset({"common"})


def command_modules() -> list[ModuleType]:
    """Every command module of the package, sorted by name."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__)
                   if not m.name.startswith("_") and m.name not in HELPERS)
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def build_parser(modules: Sequence[ModuleType] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lightbox", description="Lightbox: a studio for e-commerce product photos."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules if modules is not None else command_modules():
        module.add_parsers(sub)
    return parser


def handlers(modules: Sequence[ModuleType]) -> dict[str, Handler]:
    found: dict[str, Handler] = {}
    for module in modules:
        found.update(module.COMMANDS)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    modules = command_modules()
    commands = handlers(modules)
    if not args or (args[0] not in commands and _looks_like_a_file(args[0])):
        from editor.qt.system_libraries import startup_problem

        problem = startup_problem()
        if problem is not None:  # Qt itself would abort the process with a partial hint
            print(f"lightbox: {problem}", file=sys.stderr)
            return 1
        from editor.qt.app import run_gui  # Qt only when the editor is wanted

        return run_gui(args)
    ns = build_parser(modules).parse_args(args)
    if ns.command is None:
        build_parser(modules).print_help(sys.stderr)
        return 2
    try:
        return commands[ns.command](ns, sys.stdout, sys.stderr)
    except UsageError as exc:
        print(f"lightbox: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lightbox: interrupted", file=sys.stderr)
        return 130


def _looks_like_a_file(arg: str) -> bool:
    """A file to open in the editor, rather than a mistyped command (which gets usage help)."""
    return not arg.startswith("-") and (Path(arg).exists() or bool(Path(arg).suffix))
