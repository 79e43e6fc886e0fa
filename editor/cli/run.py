"""``lightbox run``: one plugin over images and folders, one output set per input.

    lightbox run PLUGIN INPUT... -o OUTDIR [-p key=value]... [--device auto|cpu|cuda|mps]
                 [--mask MASK_OR_FOLDER]

``--mask`` gives plugins that use a mask (the product, or where to act) a mask file for a
single input, or a folder of masks matched to the inputs by stem (``masks/shoe.png`` for
``photos/shoe.jpg``).

Nothing in OUTDIR that this run did not write is replaced: before any compute the run
refuses, naming them, files an input's outputs would replace, unless ``--overwrite``;
``--skip-existing`` skips the inputs whose outputs are already there (a rerun after a
crash does only the rest). An OUTDIR inside an input folder, or one that cannot be
written, is refused before any compute too.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

import numpy as np

from editor.cli.common import (
    UsageError,
    gather_images,
    prepare_outdir,
    refuse_outdir_inside_inputs,
)
from editor.model.atomic import OutputError, atomic_write
from editor.model.imageio import ImageFileError, load_image, load_mask
from editor.tasks.api import Request
from editor.tasks.device import DEVICES
from editor.tasks.jobs import Job, JobState
from editor.tasks.manifest import ParamError
from editor.tasks.outputs import OutputFolder, planned_paths, write_result
from editor.tasks.registry import PluginInfo, Registry


def add_parsers(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run a plugin on images or folders")
    run.add_argument("plugin", help="plugin id (see `lightbox plugins`)")
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="images or folders")
    run.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    run.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    run.add_argument("--device", choices=DEVICES, default="auto")
    run.add_argument("--mask", type=Path, metavar="MASK_OR_FOLDER",
                     help="a mask image (one input) or a folder of masks matched by stem, "
                          "for plugins that use a mask")
    run.add_argument("--overwrite", action="store_true",
                     help="replace files already in OUTDIR that this run's outputs are named "
                          "like (without it the run refuses, naming them)")
    run.add_argument("--skip-existing", action="store_true",
                     help="skip the inputs whose outputs are already in OUTDIR")


def _cmd(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return cmd_run(Registry.discover(), ns.plugin, ns.inputs, ns.output, ns.param, ns.device,
                   out=out, err=err, mask=ns.mask, overwrite=ns.overwrite,
                   skip_existing=ns.skip_existing)


def cmd_run(
    registry: Registry, plugin_id: str, inputs: list[Path], outdir: Path, pairs: list[str],
    device: str, *, out: TextIO, err: TextIO, mask: Path | None = None,
    overwrite: bool = False, skip_existing: bool = False,
) -> int:
    plugin = _plugin(registry, plugin_id)
    assert plugin.manifest is not None
    try:
        params = plugin.manifest.parse_cli(pairs)
    except ParamError as exc:
        raise UsageError(f"{plugin_id}: {exc}") from None
    masks = MaskSource.from_option(mask, plugin)
    refuse_outdir_inside_inputs(outdir, inputs)
    prepare_outdir(outdir)
    files, failures = gather_images(inputs, err)
    if masks is not None:
        masks.check_inputs(files)

    # no output may land on any input, not just the one being processed
    inputs = {f.resolve() for f in files}
    files, skipped = _plan(plugin, files, inputs, outdir, overwrite, skip_existing, out)
    # what this run wrote, the only files it may replace without --overwrite
    written_by: set[Path] | None = None if overwrite else set()
    progress = _Progress(err, len(files))
    claimed: dict[Path, Path] = {}
    tables: dict[str, list[dict]] = {}
    done = 0
    for index, path in enumerate(files, 1):
        progress.start(index, path)
        ok = _run_one(plugin, path, params, device, outdir, claimed, inputs, progress, err,
                      masks, tables, written_by)
        progress.end()
        if ok:
            done += 1
            print(f"{path}: ok", file=out)
        else:
            failures += 1
    failures += write_tables(tables, outdir, inputs, err)
    print(f"{done} succeeded, {failures} failed" + (f", {skipped} skipped (outputs there)"
                                                    if skipped else ""), file=out)
    return 0 if failures == 0 and done + skipped > 0 else 1


def _plan(plugin: PluginInfo, files: list[Path], inputs: set[Path], outdir: Path,
          overwrite: bool, skip_existing: bool, out: TextIO) -> tuple[list[Path], int]:
    """The inputs to compute, and how many were skipped; UsageError, before any compute,
    naming the files in OUTDIR that the run would replace without ``--overwrite``."""
    assert plugin.manifest is not None
    training = plugin.manifest.training
    boxes = training is not None and training.dataset == "detection"
    todo: list[Path] = []
    skipped = 0
    in_the_way: dict[Path, None] = {}  # ordered, each file once
    there = OutputFolder(outdir)
    for path in files:
        if skip_existing and there.finished(path.stem) is not None:
            print(f"{path}: skipped (its outputs are in {outdir})", file=out)
            skipped += 1
            continue
        todo.append(path)
        existing = there.existing(path.stem, boxes=boxes)
        on_input = [p for p in existing if p.resolve() in inputs]
        if on_input:
            raise UsageError(f"{on_input[0]}: the output would overwrite an input of this run; "
                             "nothing was computed; choose another -o")
        if not overwrite:
            in_the_way.update(dict.fromkeys(existing))
    if in_the_way:
        listed = list(in_the_way)
        named = ", ".join(p.name if p.parent == outdir else str(p.relative_to(outdir))
                          for p in listed[:8])
        more = f" and {len(in_the_way) - 8} more" if len(in_the_way) > 8 else ""
        raise UsageError(
            f"{outdir}: the outputs would replace {len(in_the_way)} file(s) this run did not "
            f"write: {named}{more}. Nothing was computed. Use --overwrite to replace them, "
            "--skip-existing to skip inputs whose outputs are there, or another -o.")
    return todo, skipped


def _plugin(registry: Registry, plugin_id: str) -> PluginInfo:
    try:
        plugin = registry.get(plugin_id)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    if plugin.broken:
        raise UsageError(f"plugin {plugin_id!r} is broken: {plugin.error}")
    return plugin


def _run_one(
    plugin: PluginInfo, path: Path, params: dict, device: str, outdir: Path,
    claimed: dict[Path, Path], inputs: set[Path], progress: _Progress, err: TextIO,
    masks: MaskSource | None = None, tables: dict[str, list[dict]] | None = None,
    written_by: set[Path] | None = None,
) -> bool:
    try:
        loaded = load_image(path)
        mask = masks.for_input(path, loaded.pixels.shape[:2]) if masks is not None else None
    except ImageFileError as exc:
        progress.clear()
        print(f"{exc}", file=err)
        return False
    job = Job(plugin, Request(loaded.pixels, params, mask=mask), device=device)
    job.run(on_update=progress.update)
    progress.clear()
    if job.state is not JobState.DONE:
        reason = job.error or job.state.value
        print(f"{path}: {reason}", file=err)
        return False
    assert job.result is not None
    job.result.report.setdefault("image_size", list(loaded.size))
    table = _table_row(job.result.report)
    targets = planned_paths(job.result, outdir, path.stem)
    clash = next((t for t in targets if t in claimed), None)
    if clash is not None:
        print(f"{path}: its output {clash.name} was already written for {claimed[clash]}; "
              "rename one of the inputs", file=err)
        return False
    # a file that appeared since the plan, or one the plan could not foresee
    foreign = [t for t in targets if written_by is not None and t not in written_by
               and (t.exists() or t.is_symlink())]
    if foreign:
        print(f"{path}: not written: {', '.join(t.name for t in foreign)} would be replaced "
              "and this run did not write it; use --overwrite", file=err)
        return False
    try:
        written = write_result(job.result, outdir, path.stem, protect=inputs)
    except (ImageFileError, OutputError, OSError, ValueError) as exc:
        print(f"{path}: cannot write the output ({exc})", file=err)
        return False
    claimed.update(dict.fromkeys(written, path))
    for note in job.result.report.get("class_notes", []):  # class ids mapped by name
        print(f"warning: {note}", file=err)
    if written_by is not None:
        written_by.update(written)
    if table is not None and tables is not None:
        tables.setdefault(table[0], []).append({"path": str(path), **table[1]})
    if progress.first_device_note:
        why = f" ({job.device_reason})" if job.device_reason else ""
        print(f"device: {job.device}{why}", file=err)
        print(f"model: {_model_note(job.result.report)}", file=err)
        progress.first_device_note = False
    return True


def _model_note(report: dict) -> str:
    """Which model the run used, in words: the file (bundled default named as such), or
    the method when no model was involved."""
    from editor.training.store import BUNDLED

    model = report.get("model")
    if model:
        path = Path(str(model))
        return f"{path} (bundled default)" if path.is_relative_to(BUNDLED) else str(path)
    method = report.get("method")
    return f"none ({method} method)" if method else "none"


def _table_row(report: dict) -> tuple[str, dict] | None:
    """A report's ``"csv": {"file": "name.csv", "row": {...}}`` (taken out of the report):
    one row of a table the whole run writes to ``OUTDIR/name.csv``."""
    entry = report.pop("csv", None)
    if not isinstance(entry, dict) or not isinstance(entry.get("row"), dict):
        return None
    name = Path(str(entry.get("file") or "table.csv")).name
    return (name if name.endswith(".csv") else f"{name}.csv"), entry["row"]


def write_tables(tables: dict[str, list[dict]], outdir: Path, protect: set[Path],
                 err: TextIO) -> int:
    """Write each per-run CSV table (``path`` first, then the rows' columns); the number of
    tables that could not be written."""
    import csv
    import io

    failed = 0
    for name, rows in tables.items():
        columns = list(dict.fromkeys(k for row in rows for k in row))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        target = outdir / name
        try:
            if target.resolve() in protect:
                raise OutputError(target, "the table would overwrite an input")
            with atomic_write(target, "w") as fh:
                fh.write(buffer.getvalue())
        except (OutputError, OSError) as exc:
            print(f"cannot write {target}: {exc}", file=err)
            failed += 1
    return failed


class _Progress:
    """A one-line progress bar on a terminal; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.tty = stream.isatty()
        self.label = ""
        self.first_device_note = True

    def start(self, index: int, path: Path) -> None:
        self.label = f"[{index}/{self.total}] {path.name}"

    def update(self, job: Job) -> None:
        if not self.tty:
            return
        filled = int(job.progress * 24)
        eta = f" {job.eta:.0f}s left" if job.eta is not None else ""
        line = f"{self.label} [{'#' * filled}{'.' * (24 - filled)}] {job.progress:4.0%}{eta}"
        self.stream.write("\r" + line[:100].ljust(100))
        self.stream.flush()

    def clear(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()

    def end(self) -> None:
        self.clear()


class MaskSource:
    """Where ``--mask`` finds each input's mask: one file, or a folder matched by stem."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.by_stem: dict[str, Path] | None = None
        if path.is_dir():
            self.by_stem = {}
            for found in sorted(path.iterdir()):
                if found.is_file() and not found.name.startswith("."):
                    self.by_stem.setdefault(found.stem, found)

    @classmethod
    def from_option(cls, path: Path | None, plugin: PluginInfo) -> MaskSource | None:
        """The mask source for ``--mask PATH``, or UsageError before any work."""
        if path is None:
            return None
        assert plugin.manifest is not None
        if not plugin.manifest.has("uses_mask"):
            raise UsageError(f"--mask: the {plugin.id!r} plugin does not use a mask")
        if not path.exists():
            raise UsageError(f"--mask {path}: no such file or folder")
        return cls(path)

    def check_inputs(self, files: list[Path]) -> None:
        """One mask file serves one input only (which mask is which would be a guess)."""
        if self.by_stem is None and len(files) > 1:
            raise UsageError(f"--mask {self.path}: one mask file for {len(files)} inputs; "
                             "give a folder of masks named like the inputs")

    def for_input(self, image: Path, shape: tuple[int, int]) -> np.ndarray | None:
        """The input's mask (uint8, the image's size), None when the folder has none for
        it; ImageFileError naming the mask file when it is unusable."""
        if self.by_stem is None:
            found: Path | None = self.path
        else:
            found = self.by_stem.get(image.stem)
        if found is None:
            return None
        return load_mask(found, shape)


COMMANDS = {"run": _cmd}
