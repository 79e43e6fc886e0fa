"""Train the bundled projection (``resources/models/similar/default.pt``), and the helpers the
benchmark shares with it.

    python -m plugins.similar.bundle GROCERIES_TRAIN PRODUCT_SHOTS -o default.pt

The training folder is GroceryStore's ``train/`` class folders with each class's
white-background product shot (``products-on-white/<Coarse>__<Class>.jpg``) added to its
folder, repeated :data:`SHOT_REPEATS` times so the one shot weighs like a few photos.
Everything goes through ``lightbox train similar`` (the same trainer and model card).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

#: how many times a product shot is listed in its class folder
SHOT_REPEATS = 4


def shot_classes(shots: Path) -> dict[str, Path]:
    """Product shots by class name (the part after ``__``)."""
    return {p.stem.split("__", 1)[-1]: p for p in sorted(shots.glob("*__*.jpg"))}


def link_training_folder(train: Path, shots: Path, target: Path,
                         leave_out: Iterable[str] = ()) -> int:
    """Fill ``target`` with links: every class folder of ``train`` plus its product shot
    (unless its class is in ``leave_out``); the number of shots added."""
    by_class = shot_classes(shots)
    skip = set(leave_out)
    added = 0
    for folder, _dirs, files in os.walk(train):
        photos = sorted(f for f in files if f.lower().endswith((".jpg", ".jpeg", ".png")))
        if not photos:
            continue
        rel = Path(folder).relative_to(train)
        out = target / rel
        out.mkdir(parents=True, exist_ok=True)
        for name in photos:
            (out / name).symlink_to(Path(folder, name).resolve())
        shot = by_class.get(rel.name)
        if shot is not None and rel.name not in skip:
            for k in range(SHOT_REPEATS):
                (out / f"product-shot-{k}{shot.suffix}").symlink_to(shot.resolve())
            added += 1
    return added


def train(folder: Path, output: Path, params: dict[str, object], log=print):  # noqa: ANN001,ANN201
    """``lightbox train similar FOLDER -o OUTPUT`` in-process; the model card."""
    from editor.tasks.registry import Registry
    from editor.training.run import plan_training
    from editor.training.trainer import Trainer

    plugin = Registry.discover().get("similar")
    plan = plan_training(plugin, folder, output, dict(params), "cpu")
    trainer = Trainer("similar", plan.task, plan.dataset, plan.params, output, "cpu")
    for step in trainer.run():
        if step.epoch_finished:
            log(step.message)
    return trainer.card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plugins.similar.bundle")
    parser.add_argument("train", type=Path)
    parser.add_argument("shots", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=60)
    ns = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        added = link_training_folder(ns.train, ns.shots, Path(tmp))
        print(f"{added} product shots added to the class folders", flush=True)
        card = train(Path(tmp), ns.output, {"epochs": ns.epochs, "val_fraction": 0.1},
                     log=lambda m: print(m, flush=True))
    print(f"saved {ns.output}: {card.metrics} in {card.seconds:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
