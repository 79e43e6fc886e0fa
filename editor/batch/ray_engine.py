"""The Ray engine: the same recipe on Ray Data, on this machine or on a cluster.

``ray.init()`` starts a local cluster when no address is given (``--workers N`` CPUs) or
joins the cluster at ``--ray-address``. The photos' paths flow through a Ray dataset;
``map_batches`` with a callable class gives a pool of actors, each holding one
:class:`~editor.batch.replay.Replayer` (every model loads once per actor), each reading its
photos and writing their outputs itself. Actors get a GPU each where the cluster has GPUs.
On a cluster, inputs and the output folder must be on storage every node sees at the same
path (NFS, a mounted bucket). The files written are those of the local engine.

Ray is an optional extra (``pip install lightbox[ray]``); it is imported only here.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from editor.batch.engine import BatchError, BatchOptions, FileOutcome, Item, process
from editor.batch.recipe import Recipe


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 - the extra installs both
    except ImportError:
        raise BatchError("the Ray engine needs Ray: pip install 'lightbox[ray]' "
                         "(or 'ray[data]')") from None
    return ray


class RecipeActor:
    """One Ray actor: replays the recipe on the photos of each batch it is given."""

    def __init__(self, recipe: Recipe, options: BatchOptions, sys_path: list[str],
                 threads: int) -> None:
        # on a local cluster, plugins installed only on the driver's path are found too
        for entry in reversed(sys_path):
            if entry not in sys.path and os.path.isdir(entry):
                sys.path.insert(0, entry)
        import importlib

        importlib.invalidate_caches()
        # torch reads its thread budget when a plugin first imports it
        os.environ["OMP_NUM_THREADS"] = str(threads)
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(threads)
        from editor.batch.replay import Replayer
        from editor.tasks.registry import Registry

        self.replayer = Replayer(recipe, Registry.discover(), device=options.device,
                                 keep_steps=options.keep_steps)
        self.keep_steps = options.keep_steps

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        outcomes = []
        for index, input_, output, stem in zip(batch["index"], batch["input"],
                                               batch["output"], batch["stem"], strict=True):
            item = Item(int(index), str(input_), str(output), str(stem))
            outcome = process(self.replayer, item, keep_steps=self.keep_steps)
            outcomes.append(json.dumps(asdict(outcome)))
        return {"outcome": outcomes}


def run_items(recipe: Recipe, items: list[Item], options: BatchOptions, *,
              cancel: threading.Event | None = None) -> Iterator[FileOutcome]:
    """Yield one outcome per item as the actors finish them."""
    ray = _ray()
    started_here = not ray.is_initialized()
    if started_here:
        _init(ray, options)
    stream = _stream(ray, recipe, items, options, sys_path=started_here)
    try:
        for outcome in stream:
            yield outcome
            if cancel is not None and cancel.is_set():
                return
    finally:
        stream.close()  # the dataset and its iterator go before the cluster does
        del stream
        if started_here:
            ray.shutdown()


def _stream(ray: Any, recipe: Recipe, items: list[Item], options: BatchOptions, *,
            sys_path: bool) -> Iterator[FileOutcome]:
    resources = ray.cluster_resources()
    gpus = int(resources.get("GPU", 0)) if options.device in ("auto", "cuda") else 0
    cpus = max(1, int(resources.get("CPU", 1)))
    actors = max(1, options.workers if options.workers > 1 else (gpus or cpus))
    if gpus:
        actors = min(actors, gpus)
    actors = min(actors, len(items))
    threads = max(1, cpus // actors) if options.ray_address is None else 1
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # the CLI prints progress
    rows = [asdict(item) for item in items]
    dataset = ray.data.from_items(rows, override_num_blocks=min(len(rows), 4 * actors))
    outcomes = dataset.map_batches(
        RecipeActor, batch_size=1, batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=threads, num_gpus=1 if gpus else 0,
        fn_constructor_kwargs={"recipe": recipe, "options": options,
                               "sys_path": list(sys.path) if sys_path else [],
                               "threads": threads})
    for row in outcomes.iter_rows():
        yield FileOutcome(**json.loads(row["outcome"]))


def _init(ray: Any, options: BatchOptions) -> None:
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                              "configure_logging": False}
    if options.ray_address:
        kwargs["address"] = options.ray_address
    elif options.workers > 1:
        kwargs["num_cpus"] = options.workers
    try:
        ray.init(**kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = options.ray_address or "a local cluster"
        raise BatchError(f"cannot start Ray on {where}: {exc}") from None
