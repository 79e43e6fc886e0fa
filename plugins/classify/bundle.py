"""Train the bundled classifier (``resources/models/classify/default.pt``):

    python -m plugins.classify.bundle GROCERIES/train -o default.pt

which is ``lightbox train classify GROCERIES/train -o default.pt`` with the manifest's
defaults, in-process and on one CPU thread; the benchmark trains the same way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from editor.training.store import ModelCard


def train(folder: Path, output: Path, params: dict[str, object], log=print) -> ModelCard:  # noqa: ANN001
    """``lightbox train classify FOLDER -o OUTPUT`` in-process; the model card."""
    from editor.tasks.registry import Registry
    from editor.training.run import plan_training
    from editor.training.trainer import Trainer

    plugin = Registry.discover().get("classify")
    plan = plan_training(plugin, folder, output, dict(params), "cpu")
    trainer = Trainer("classify", plan.task, plan.dataset, plan.params, output, "cpu")
    for step in trainer.run():
        if step.epoch_finished:
            log(step.message)
    return trainer.card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plugins.classify.bundle")
    parser.add_argument("train", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    ns = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    params: dict[str, object] = {}
    for pair in ns.param:
        key, _, value = pair.partition("=")
        params[key] = float(value) if "." in value else int(value)
    card = train(ns.train, ns.output, params, log=lambda m: print(m, flush=True))
    print(f"saved {ns.output}: {card.metrics} in {card.seconds:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
