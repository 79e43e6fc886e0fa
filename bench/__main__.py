"""``make bench`` (``python -m bench``): run every benchmark and print one line per figure
beside its baseline, measured in the same run, then a summary table.

A benchmark is any module in this folder that defines ``run(report: bench.common.Report)``;
adding one is adding a file, never editing this one. Each line reads::

    <plugin> <dataset> <setting> <metric> <value> <unit> | <baseline> <value> <unit> | <difference>

Lines starting with ``#`` are comments; ``<what>: skipped, <reason>`` says what was not
measured (no shared data, plugin not installed). A benchmark that crashes is reported as
``bench/<name>.py: <reason>`` on stderr, the others still run, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import bench
from bench.common import DATA, Report

#: modules of the package that are not benchmarks
HELPERS = frozenset({"common"})

Benchmark = Callable[[Report], None]


def benchmark_names() -> list[str]:
    """Names of the candidate benchmark modules in ``bench/``, sorted, without importing them."""
    names = (m.name for m in pkgutil.iter_modules(bench.__path__))
    return sorted(n for n in names if not n.startswith("_") and n not in HELPERS)


def load(name: str) -> Benchmark | None:
    """Import ``bench.<name>`` and return its ``run`` function (None if it has none)."""
    module = importlib.import_module(f"bench.{name}")
    run = getattr(module, "run", None)
    return run if callable(run) else None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME", default=[],
                        help="run only this benchmark module (repeatable)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer images per dataset (the first few) for a fast check")
    parser.add_argument("--data", type=Path, default=DATA,
                        help=f"shared data folder (default {DATA})")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks; 0 if all ran (skips included), 1 if one crashed,
    2 for an unknown ``--only`` name."""
    args = parse_args(argv)
    names = benchmark_names()
    if args.list:
        print("\n".join(names))
        return 0
    unknown = [n for n in args.only if n not in names]
    if unknown:
        print(f"bench: no benchmark named {', '.join(unknown)} (have: {', '.join(names)})",
              file=sys.stderr)
        return 2
    selected = [n for n in names if n in args.only] if args.only else names
    report = Report(data=args.data, quick=args.quick)
    mode = "quick" if args.quick else "full"
    report.note(f"Lightbox benchmarks, {mode} run (figure | baseline | difference)")
    if args.quick:
        report.note("quick: the first few images of each dataset, not comparable with "
                    "published full-set numbers")
    if not args.data.is_dir():
        report.note(f"no shared data at {args.data}: benchmarks that need it are skipped")
    failed = 0
    for name in selected:
        try:
            run = load(name)
            if run is None:
                continue
            run(report)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed += 1
            last = traceback.extract_tb(exc.__traceback__)[-1]
            print(f"bench/{name}.py: {type(exc).__name__}: {exc} "
                  f"(at {Path(last.filename).name}:{last.lineno})", file=sys.stderr)
    report.summary()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
