"""``lightbox train`` and ``lightbox models``: teach a plugin on a folder, list the models."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from editor.cli.common import UsageError
from editor.model.atomic import OutputError
from editor.model.imageio import ImageFileError
from editor.tasks.api import Cancelled
from editor.tasks.device import DEVICES
from editor.tasks.manifest import ParamError, parse_pairs
from editor.tasks.registry import Registry
from editor.training.datasets import DatasetError, scan
from editor.training.run import (
    TrainingError,
    TrainingOutcome,
    plan_training,
    run_training,
    training_params,
    use_model,
)
from editor.training.store import BUNDLED, ModelError, ModelStore, verify_model

MAX_PROBLEMS_SHOWN = 20


def add_parsers(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser("train", help="train a plugin on a folder of your own images")
    train.add_argument("plugin", help="plugin id (trainable ones: see `lightbox plugins`)")
    train.add_argument("data", type=Path, metavar="DATA_DIR")
    train.add_argument("-o", "--output", required=True, type=Path, metavar="MODEL_PATH")
    train.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    train.add_argument("--device", choices=DEVICES, default="auto")
    train.add_argument("--scan-only", action="store_true",
                       help="report what the folder holds and stop")
    train.add_argument("--use", action="store_true",
                       help="make the plugin use the new model (without it the plugin keeps "
                            "its current model; compare the figures first)")
    models = sub.add_parser("models", help="list trained models and which one each plugin uses")
    models.add_argument("--use", type=Path, metavar="MODEL.pt",
                        help="make its plugin use this trained model")
    models.add_argument("--use-default", metavar="PLUGIN",
                        help="make PLUGIN go back to its bundled default model")


def cmd_train(registry: Registry, ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Train ``ns.plugin`` on ``ns.data``; the exit code."""
    try:
        plugin = registry.get(ns.plugin)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    if plugin.manifest is None or plugin.manifest.training is None:
        raise UsageError(f"the {ns.plugin!r} plugin cannot be trained")
    try:
        values = parse_pairs(training_params(plugin.manifest), ns.param, f"{ns.plugin} training")
        dataset = scan(ns.data, plugin.manifest.training.dataset)
    except ParamError as exc:
        raise UsageError(str(exc)) from None
    except DatasetError as exc:
        print(f"{exc}", file=err)
        return 1
    print(dataset.summary(), file=out)
    for problem in dataset.problems[:MAX_PROBLEMS_SHOWN]:
        print(f"skipped {problem}", file=err)
    if len(dataset.problems) > MAX_PROBLEMS_SHOWN:
        print(f"... and {len(dataset.problems) - MAX_PROBLEMS_SHOWN} more skipped", file=err)
    if ns.scan_only:
        return 0
    if ns.output.suffix != ".pt":
        raise UsageError(f"{ns.output}: a model file ends in .pt")
    try:
        plan = plan_training(plugin, ns.data, ns.output, values, ns.device, dataset=dataset)
    except (TrainingError, ParamError) as exc:
        print(f"lightbox: {exc}", file=err)
        return 1
    for warning in plan.warnings:
        print(f"warning: {warning}", file=err)
    why = f" ({plan.device.reason})" if plan.device.reason else ""
    print(f"training {plugin.id} on {plan.device.name}{why}", file=out)
    progress = run_training(plan, activate=ns.use)
    try:
        while True:
            step = next(progress)
            if step.note:
                print(step.note, file=out)
            if step.epoch_finished:
                last = step.history[-1]
                figures = "  ".join(f"{k} {v:.4g}" for k, v in last.items() if k != "epoch")
                eta = f"  {step.eta:.0f}s left" if step.eta is not None else ""
                print(f"epoch {step.epoch}/{step.epochs}  {figures}{eta}", file=out)
    except StopIteration as done:
        outcome: TrainingOutcome = done.value
    except (Cancelled, KeyboardInterrupt):
        print("lightbox: training stopped; run the same command again to resume", file=err)
        return 130
    except (ValueError, ModelError, OutputError, ImageFileError, OSError) as exc:
        print(f"lightbox: training failed: {exc}", file=err)
        return 1
    card = outcome.card
    metrics = _figures(card.metrics)
    print(f"saved {ns.output} ({card.parameters:,} parameters, {card.epochs} epochs, "
          f"{card.seconds:.0f} s)  validation: {metrics}", file=out)
    _print_comparison(outcome, plugin.id, out)
    return 0


def _figures(metrics: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.4g}" for k, v in metrics.items()) or "none"


def _print_comparison(outcome: TrainingOutcome, plugin: str, out: TextIO) -> None:
    """The new model's held-out figures next to the current model's on the same split, and
    which one the plugin now uses."""
    comparison = outcome.comparison
    current = comparison.current
    name = "none" if current is None else (
        "the bundled default" if current.is_relative_to(BUNDLED) else str(current))
    print(f"on the same validation split:\n  new model      {_figures(outcome.card.metrics)}",
          file=out)
    if comparison.current_metrics:
        print(f"  current model  {_figures(comparison.current_metrics)}  ({name})", file=out)
    else:
        print(f"  current model  not measured: {comparison.reason} ({name})", file=out)
    if outcome.activated:
        print(f"{plugin} now uses the new model ({outcome.stored})", file=out)
    else:
        print(f"{plugin} still uses {name}; to switch: lightbox models --use {outcome.stored}",
              file=out)


def cmd_models(out: TextIO, store: ModelStore | None = None, use: Path | None = None,
               use_default: str | None = None, err: TextIO | None = None) -> int:
    """List the stored models, which one each plugin uses and why; or switch with
    ``use`` / ``use_default``."""
    store = store or ModelStore()
    if use is not None:
        try:
            card = verify_model(use)
            stored = store.install(use)
            use_model(card.plugin, stored, store)
        except ModelError as exc:
            raise UsageError(str(exc)) from None
        print(f"{card.plugin} now uses {stored}", file=out)
        return 0
    if use_default is not None:
        use_model(use_default, None, store)
        print(f"{use_default} now uses its bundled default", file=out)
        return 0
    models = store.models()
    if not models:
        print(f"no trained models yet (the store is {store.root})", file=out)
    for path, card in models:
        active = "*" if store.active(card.plugin) == path else " "
        metrics = ", ".join(f"{k} {v:.4g}" for k, v in card.metrics.items())
        print(f"{active} {card.plugin:<12} {card.name:<24} {card.architecture:<14} "
              f"{card.date[:10]}  {metrics}", file=out)
        print(f"    {path}  data: {card.data.get('folder')} "
              f"({card.data.get('train')} train / {card.data.get('validation')} validation)",
              file=out)
    if models:
        print("* = the model the plugin uses", file=out)
    print("\nwhat each plugin uses:", file=out)
    for plugin in sorted({p.id for p in Registry.discover().available} | store.plugins()):
        print(f"  {plugin:<12} {store.why_active(plugin)}", file=out)
    return 0

COMMANDS = {
    "train": lambda ns, out, err: cmd_train(Registry.discover(), ns, out, err),
    "models": lambda ns, out, err: cmd_models(out, use=ns.use, use_default=ns.use_default,
                                              err=err),
}
