"""``lightbox batch``: replay a recipe (ordered plugin steps, TOML) over images and folders.

    lightbox batch RECIPE INPUT... -o OUTDIR [--workers N] [--engine local|ray]
                   [--ray-address ADDR] [--device auto|cpu|cuda|mps] [--keep-steps] [--force]

Writes ``OUTDIR/<stem>.png`` (the final image), ``OUTDIR/steps/<stem>-<k>-<plugin>.png``
with ``--keep-steps``, and ``OUTDIR/report.json`` + ``report.csv``. A finished output is
skipped, so a rerun after a crash finishes the rest; ``--force`` redoes everything.
Refused before any work: a recipe naming an unknown plugin or param, an output folder
inside an input folder, an output folder that cannot be written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from editor.cli.common import UsageError, gather_images, refuse_outdir_inside_inputs
from editor.tasks.device import DEVICES


def add_parsers(sub: argparse._SubParsersAction) -> None:
    batch = sub.add_parser("batch", help="replay a recipe (plugin steps) over images")
    batch.add_argument("recipe", type=Path, metavar="RECIPE", help="a recipe .toml file")
    batch.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                       help="images or folders")
    batch.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    batch.add_argument("--workers", type=int, default=1, metavar="N",
                       help="worker processes (local) or actors (ray); default 1")
    batch.add_argument("--engine", choices=("local", "ray"), default="local")
    batch.add_argument("--ray-address", metavar="ADDR",
                       help="join this Ray cluster (default: start a local one)")
    batch.add_argument("--device", choices=DEVICES, default="auto")
    batch.add_argument("--keep-steps", action="store_true",
                       help="also write each step's image to OUTDIR/steps/")
    batch.add_argument("--force", action="store_true",
                       help="redo photos whose output is already there")


def _cmd(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return cmd_batch(ns.recipe, ns.inputs, ns.output, out=out, err=err, workers=ns.workers,
                     engine=ns.engine, ray_address=ns.ray_address, device=ns.device,
                     keep_steps=ns.keep_steps, force=ns.force)


def cmd_batch(
    recipe_path: Path, inputs: list[Path], outdir: Path, *, out: TextIO, err: TextIO,
    workers: int = 1, engine: str = "local", ray_address: str | None = None,
    device: str = "auto", keep_steps: bool = False, force: bool = False,
) -> int:
    from editor.batch import BatchError, BatchOptions, RecipeError, load_recipe, run_batch
    from editor.batch.report import REPORT_JSON
    from editor.tasks.registry import Registry

    if workers < 1:
        raise UsageError("--workers must be 1 or more")
    if ray_address and engine != "ray":
        raise UsageError("--ray-address needs --engine ray")
    refuse_outdir_inside_inputs(outdir, inputs)
    try:
        recipe = load_recipe(recipe_path, Registry.discover())
    except RecipeError as exc:
        raise UsageError(str(exc)) from None
    if engine == "ray":
        _need_ray()
    files, unusable = gather_images(inputs, err)
    if not files:
        raise UsageError("no images to process")
    options = BatchOptions(outdir, workers=workers, device=device, keep_steps=keep_steps,
                           force=force, engine=engine, ray_address=ray_address)
    total = len(files)
    seen = [0]

    def done(outcome) -> None:  # noqa: ANN001 - a FileOutcome
        seen[0] += 1
        where = f"[{seen[0]}/{total}] {outcome.input}"
        if outcome.status == "failed":
            named = outcome.error.startswith(outcome.input)  # an image error names its file
            print(outcome.error if named else f"{outcome.input}: {outcome.error}", file=err)
        elif outcome.status == "ok":
            steps = ", ".join(f"{k} {s:.2f}s" for k, s in outcome.seconds.items())
            print(f"{where}: ok ({outcome.device}; {steps})", file=out)
        else:
            print(f"{where}: {outcome.status}", file=out)

    try:
        result = run_batch(recipe, files, options, on_done=done)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    if result.cleaned:
        print(f"removed {result.cleaned} temporary file(s) left by an interrupted run",
              file=err)
    ok, failed, skipped = result.count("ok"), result.count("failed"), result.count("skipped")
    print(f"{ok} succeeded, {failed + unusable} failed, {skipped} skipped (already done) "
          f"in {result.seconds:.1f}s; report: {outdir / REPORT_JSON}", file=out)
    return 0 if result.ok and unusable == 0 else 1


def _need_ray() -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        raise UsageError("--engine ray needs Ray: pip install 'lightbox[ray]'") from None


COMMANDS = {"batch": _cmd}
