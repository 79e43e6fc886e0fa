"""The local engine: photos replayed in this process, or in N worker processes.

With ``workers > 1`` each worker is a fresh (spawned) process that builds one
:class:`~editor.batch.replay.Replayer`, so every model loads once per worker, and limits
torch, OpenCV and BLAS to ``cores // N`` threads so N workers do not oversubscribe the
machine. Workers receive paths and return :class:`~editor.batch.engine.FileOutcome`: no
pixels cross processes, and nothing is kept once a photo is written.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from editor.batch.engine import BatchOptions, FileOutcome, Item, process
from editor.batch.recipe import Recipe
from editor.batch.replay import Replayer
from editor.tasks.registry import Registry

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def cores() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def threads_per_worker(workers: int) -> int:
    return max(1, cores() // max(1, workers))


def run_items(
    recipe: Recipe, items: list[Item], options: BatchOptions, *,
    on_start: Callable[[Item], None] | None = None, cancel: threading.Event | None = None,
    progress: Callable[[Item, float, str], None] | None = None,
    registry: Registry | None = None,
) -> Iterator[FileOutcome]:
    """Yield one outcome per item, in the order they finish."""
    if options.workers <= 1:
        yield from _in_process(recipe, items, options, on_start, cancel, progress, registry)
        return
    yield from _in_workers(recipe, items, options, cancel)


def _in_workers(recipe: Recipe, items: list[Item], options: BatchOptions,
                cancel: threading.Event | None) -> Iterator[FileOutcome]:
    """A few photos in flight per worker at a time (a queue of 50,000 paths is fine, but
    their futures need not all exist at once); a worker that dies fails its photos."""
    workers = min(options.workers, len(items))
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"),  # no forked torch state
        initializer=_start_worker,
        initargs=(recipe, options, threads_per_worker(options.workers)))
    waiting = iter(items)
    running: dict[Future[FileOutcome], Item] = {}
    try:
        while True:
            while len(running) < 2 * workers and not (cancel is not None and cancel.is_set()):
                item = next(waiting, None)
                if item is None:
                    break
                running[pool.submit(_work, item)] = item
            if not running:
                return
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                item = running.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    yield FileOutcome(item.index, item.input, item.output, "failed",
                                      "the worker process died (out of memory?)")
                    for rest in [*running.values(), *waiting]:
                        yield FileOutcome(rest.index, rest.input, rest.output, "failed",
                                          "not run: a worker process died")
                    return
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_process(recipe: Recipe, items: list[Item], options: BatchOptions,
                on_start: Callable[[Item], None] | None, cancel: threading.Event | None,
                progress: Callable[[Item, float, str], None] | None,
                registry: Registry | None) -> Iterator[FileOutcome]:
    replayer = Replayer(recipe, registry or Registry.discover(), device=options.device,
                        keep_steps=options.keep_steps)
    for item in items:
        if cancel is not None and cancel.is_set():
            return
        if on_start is not None:
            on_start(item)
        report = None if progress is None else (
            lambda f, m, item=item: progress(item, f, m))
        yield process(replayer, item, keep_steps=options.keep_steps, cancel=cancel,
                      progress=report)


# -- in a worker process ---------------------------------------------------------------------
_worker: tuple[Replayer, BatchOptions] | None = None


def _start_worker(recipe: Recipe, options: BatchOptions, threads: int) -> None:
    """Runs once in each worker: the thread budget first, then the plugins (models load
    on the first photo and stay). torch takes its budget from ``OMP_NUM_THREADS`` when a
    plugin first imports it (importing it here would cost every worker seconds even for
    recipes that never use it)."""
    global _worker
    for name in _THREAD_VARIABLES:
        os.environ[name] = str(threads)
    if "torch" in sys.modules:  # not in a fresh spawned worker, but be sure
        sys.modules["torch"].set_num_threads(threads)
    import cv2

    cv2.setNumThreads(threads)
    _worker = (Replayer(recipe, Registry.discover(), device=options.device,
                        keep_steps=options.keep_steps), options)


def _work(item: Item) -> FileOutcome:
    assert _worker is not None, "the worker was not started"
    replayer, options = _worker
    return process(replayer, item, keep_steps=options.keep_steps)
