"""A batch: one recipe over many photos, resumable, on the local engine or on Ray.

:func:`run_batch` plans the work (a finished output is skipped unless ``force``), cleans the
temporary files a killed run left, hands the photos to an engine, and writes the report.
Every output is written atomically and the final image last, so a photo whose
``OUTDIR/<stem>.png`` exists is finished: rerunning after a crash or ``kill -9`` does only
the rest and gives the same files.

Engines stream: they take :class:`Item` (paths, never pixels) and yield one small
:class:`FileOutcome` per photo, so memory stays flat over any number of photos.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.batch.recipe import Recipe
from editor.batch.replay import Replayer
from editor.tasks.api import Cancelled, PluginError

#: where ``--keep-steps`` puts each step's image: ``steps/<stem>-<k>-<plugin>.png``
STEPS_FOLDER = "steps"
ENGINES = ("local", "ray")
#: the hidden temporary file :func:`editor.model.atomic.atomic_write` writes next to a target
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")


class BatchError(ValueError):
    """The batch cannot start (output folder unusable, another recipe's outputs, ...)."""


@dataclass(frozen=True)
class BatchOptions:
    outdir: Path
    workers: int = 1
    device: str = "auto"
    keep_steps: bool = False
    force: bool = False
    engine: str = "local"
    #: ``--ray-address``: join this Ray cluster (None: start a local one)
    ray_address: str | None = None


@dataclass(frozen=True)
class Item:
    """One photo to process: where to read it and where its final image goes."""

    index: int
    input: str
    output: str
    stem: str


@dataclass
class FileOutcome:
    """What happened to one photo: plain data, sent back from workers and Ray actors."""

    index: int
    input: str
    output: str
    status: str  # ok, failed, skipped, cancelled
    error: str = ""
    device: str = ""
    #: seconds per step, keyed ``<k>-<plugin>``
    seconds: dict[str, float] = field(default_factory=dict)
    #: the peak memory of the process that ran it, in MiB (0 = not measured)
    peak_rss_mb: float = 0.0

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


@dataclass
class BatchPlan:
    recipe: Recipe
    todo: list[Item]
    #: outcomes known before any work: finished outputs (skipped), output clashes (failed)
    known: list[FileOutcome]


def plan_batch(recipe: Recipe, files: Iterable[Path], outdir: Path, *,
               force: bool = False) -> BatchPlan:
    """Which photos to run: a photo whose final output exists is skipped (unless
    ``force``); two photos with the same stem, or an output that would be an input, fail."""
    files = list(files)
    inputs = {f.resolve() for f in files}
    claimed: dict[str, Path] = {}
    todo: list[Item] = []
    known: list[FileOutcome] = []
    for index, path in enumerate(files):
        target = outdir / f"{path.stem}.png"
        if target.name in claimed:
            known.append(FileOutcome(index, str(path), str(target), "failed",
                                     f"its output {target.name} is already made from "
                                     f"{claimed[target.name]}; rename one of them"))
            continue
        claimed[target.name] = path
        if target.resolve() in inputs:
            known.append(FileOutcome(index, str(path), str(target), "failed",
                                     "the output would overwrite an input; choose another -o"))
        elif target.is_file() and not force:
            known.append(FileOutcome(index, str(path), str(target), "skipped",
                                     "already done (rerun with --force to redo it)"))
        else:
            todo.append(Item(index, str(path), str(target), path.stem))
    return BatchPlan(recipe, todo, known)


def prepare_output(outdir: Path) -> int:
    """Make sure ``outdir`` can take the outputs (BatchError if not) and remove the
    temporary files a killed run left in it; returns how many were removed."""
    if outdir.exists() and not outdir.is_dir():
        raise BatchError(f"{outdir}: the output folder is a file")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=outdir, prefix=".lightbox-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise BatchError(f"{outdir}: cannot write in the output folder "
                         f"({exc.strerror or exc})") from None
    return clean_temporary(outdir)


def clean_temporary(outdir: Path) -> int:
    """Remove our hidden ``.<name>.<random>.tmp`` files (left by a killed run)."""
    removed = 0
    for folder in (outdir, outdir / STEPS_FOLDER):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if _TEMPORARY.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def process(replayer: Replayer, item: Item, *, keep_steps: bool = False,
            cancel: threading.Event | None = None,
            progress: Callable[[float, str], None] | None = None) -> FileOutcome:
    """Replay the recipe on one photo and write its outputs; never raises for a bad photo
    (the outcome says what went wrong), only :class:`Cancelled` stops it."""
    from editor.model.atomic import OutputError
    from editor.model.imageio import ImageFileError, load_image, save_image

    outcome = FileOutcome(item.index, item.input, item.output, "failed")
    try:
        pixels = load_image(item.input).pixels
        replayed = replayer.replay(pixels, progress=progress, cancel=cancel)
        outcome.seconds = {r.step.key: round(r.seconds, 4) for r in replayed.steps}
        outcome.device = replayed.devices
        if keep_steps:
            steps = Path(item.output).parent / STEPS_FOLDER
            steps.mkdir(exist_ok=True)
            for record in replayed.steps:
                if record.image is None:
                    raise ValueError("the replayer was made without keep_steps")
                save_image(steps / f"{item.stem}-{record.step.key}.png", record.image)
        save_image(item.output, replayed.image)  # last: its presence means "done"
        outcome.status = "ok"
    except Cancelled:
        outcome.status, outcome.error = "cancelled", "cancelled"
    except (ImageFileError, PluginError, OutputError, OSError, ValueError) as exc:
        outcome.error = str(exc)
    outcome.peak_rss_mb = peak_rss_mb()
    return outcome


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (0 where unknown)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if os.uname().sysname == "Darwin" else 1024), 1)


@dataclass
class BatchResult:
    outcomes: list[FileOutcome]
    seconds: float
    cleaned: int = 0
    report: dict[str, Any] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        """Every photo is done (now or by an earlier run)."""
        return bool(self.outcomes) and all(o.status in ("ok", "skipped")
                                           for o in self.outcomes)


def run_batch(
    recipe: Recipe, files: list[Path], options: BatchOptions, *,
    on_start: Callable[[Item], None] | None = None,
    on_done: Callable[[FileOutcome], None] | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[Item, float, str], None] | None = None,
) -> BatchResult:
    """Run ``recipe`` on ``files`` into ``options.outdir`` and write the report there.

    ``on_start``/``on_done`` hear of each photo (``on_start`` and ``progress`` only on
    the in-process engine: worker processes and Ray report a photo once it is done).
    """
    from editor.batch.report import check_same_recipe, write_report

    if options.engine not in ENGINES:
        raise BatchError(f"unknown engine {options.engine!r} (choose {', '.join(ENGINES)})")
    cleaned = prepare_output(options.outdir)
    if not options.force:
        check_same_recipe(options.outdir, recipe)
    plan = plan_batch(recipe, files, options.outdir, force=options.force)
    started = time.monotonic()
    outcomes = list(plan.known)
    write_report(options.outdir, recipe, outcomes, options, seconds=0.0, running=True)
    for outcome in plan.known:
        if on_done is not None:
            on_done(outcome)
    try:
        for outcome in _engine(plan, options, on_start, cancel, progress):
            outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
    finally:
        clean_temporary(options.outdir)  # a cancelled worker may leave one behind
    done = {o.index for o in outcomes}
    outcomes += [FileOutcome(i.index, i.input, i.output, "cancelled", "cancelled")
                 for i in plan.todo if i.index not in done]
    outcomes.sort(key=lambda o: o.index)
    seconds = time.monotonic() - started
    report = write_report(options.outdir, recipe, outcomes, options, seconds=seconds)
    return BatchResult(outcomes, seconds, cleaned, report)


def _engine(plan: BatchPlan, options: BatchOptions, on_start: Any, cancel: Any,
            progress: Any) -> Iterator[FileOutcome]:
    if not plan.todo:
        return iter(())
    if options.engine == "ray":
        from editor.batch.ray_engine import run_items as run_ray

        return run_ray(plan.recipe, plan.todo, options, cancel=cancel)
    from editor.batch.local import run_items

    return run_items(plan.recipe, plan.todo, options, on_start=on_start, cancel=cancel,
                     progress=progress)
