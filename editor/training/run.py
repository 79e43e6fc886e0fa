"""Train a plugin on a folder: the one path the CLI (`lightbox train`) and the editor's
Train dialog share. Planning (scan the folder, check params, pick the device) is separate
from running so a caller can show the user what was found before anything starts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.tasks.device import DeviceChoice, choose_device
from editor.tasks.manifest import Manifest, ParamSpec, load_entry, validate_values
from editor.tasks.registry import PluginInfo
from editor.training.datasets import Dataset, scan
from editor.training.store import ModelCard, ModelError, ModelStore, load_model, model_for
from editor.training.task import TrainingTask
from editor.training.trainer import (
    MIN_SAMPLES,
    MIN_VALIDATION,
    Trainer,
    TrainingProgress,
    merge_params,
)


class TrainingError(Exception):
    """Training cannot start; the message says why (plugin, folder or params)."""


@dataclass
class TrainingPlan:
    plugin: PluginInfo
    dataset: Dataset
    params: dict[str, Any]
    device: DeviceChoice
    output: Path
    task: TrainingTask
    #: things the user should know before starting (a tiny validation split, ...)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """The model a plugin uses now, measured on a new model's held-out split."""

    #: the model the plugin uses now (a stored one, or the bundled default); None = none
    current: Path | None
    #: its figures on the new model's validation split ({} when they could not be had)
    current_metrics: dict[str, float]
    #: why the current model could not be measured ("" when it was)
    reason: str = ""


@dataclass
class TrainingOutcome:
    """What a finished run gives: the new model's card, where the store keeps it, and the
    current model's figures on the same split, for the user to choose between them."""

    card: ModelCard
    stored: Path
    comparison: Comparison
    #: whether the plugin now uses the new model
    activated: bool = False


def training_params(manifest: Manifest) -> tuple[ParamSpec, ...]:
    """Every param ``lightbox train`` accepts for this plugin (common + its own)."""
    if manifest.training is None:
        raise TrainingError(f"the {manifest.id!r} plugin cannot be trained")
    return merge_params(manifest.training.params)


def trainable(plugins: list[PluginInfo]) -> list[PluginInfo]:
    return [p for p in plugins if not p.broken and p.manifest and p.manifest.training]


def plan_training(
    plugin: PluginInfo, data_dir: Path, output: Path, values: dict[str, Any],
    device: str = "auto", dataset: Dataset | None = None,
) -> TrainingPlan:
    """Check everything needed to train; raises TrainingError / DatasetError / ParamError."""
    if plugin.broken or plugin.manifest is None:
        raise TrainingError(f"plugin {plugin.id!r} is broken: {plugin.error}")
    manifest = plugin.manifest
    specs = training_params(manifest)
    assert manifest.training is not None
    params = validate_values(specs, values, f"{manifest.id} training")
    dataset = dataset or scan(Path(data_dir), manifest.training.dataset)
    if not dataset.samples:
        raise TrainingError(f"{data_dir}: no usable samples ({len(dataset.problems)} skipped)")
    count = len(dataset.samples)
    if count < MIN_SAMPLES and not params.get("allow_small"):
        raise TrainingError(
            f"{data_dir}: only {count} usable {_samples_word(dataset)} (at least {MIN_SAMPLES} "
            "are needed: a model trained on a handful learns them by heart); add more, or "
            "pass -p allow_small=true to train anyway")
    warnings = []
    _, val = dataset.split(params["val_fraction"], params["seed"])
    if len(val) < MIN_VALIDATION:
        warnings.append(
            f"only {len(val)} of the {count} samples are held out for validation: its "
            f"figures mean little (at least {MIN_VALIDATION} are needed to judge a model)")
    task = _factory(manifest)(params)
    choice = choose_device(device, manifest.devices)
    return TrainingPlan(plugin, dataset, params, choice, Path(output), task, warnings)


def _samples_word(dataset: Dataset) -> str:
    return {"pairs": "image+mask pairs", "classes": "images", "detection": "labelled images"
            }.get(dataset.kind, "images")


def _factory(manifest: Manifest) -> Callable[[dict[str, Any]], TrainingTask]:
    assert manifest.training is not None
    try:
        return load_entry(manifest.training.entry)
    except Exception as exc:  # an import failure in plugin code must not crash the caller
        raise TrainingError(f"cannot load {manifest.training.entry}: "
                            f"{type(exc).__name__}: {exc}") from exc


def run_training(
    plan: TrainingPlan, check_cancelled: Callable[[], None] = lambda: None,
    store: ModelStore | None = None, activate: bool = False,
) -> Iterator[TrainingProgress]:
    """Train, install the model in the store and measure the model the plugin uses now on
    the same held-out split. The plugin goes on using its current model unless
    ``activate`` (the user said so); :func:`use_model` switches later. The generator's
    return value is the :class:`Comparison` (its ``new_metrics`` are the card's)."""
    trainer = Trainer(plan.plugin.id, plan.task, plan.dataset, plan.params, plan.output,
                      plan.device.name, check_cancelled=check_cancelled)
    store = store or ModelStore()
    current = model_for(plan.plugin.id, store=store)
    yield from trainer.run()
    card: ModelCard = trainer.card  # type: ignore[assignment]
    stored = store.install(plan.output)
    comparison = compare_with_current(trainer, plan.plugin.id, current)
    if activate or current is None:
        why = ("chosen when it was trained" if activate
               else "the first model trained for a plugin that had none")
        store.set_active(plan.plugin.id, stored, why=why)
    return TrainingOutcome(card, stored, comparison, activated=activate or current is None)


def compare_with_current(trainer: Trainer, plugin: str, current: Path | None) -> Comparison:
    """The figures of ``current`` (the model in use) on ``trainer``'s validation split."""
    if current is None:
        return Comparison(None, {}, "the plugin has no learned model yet")
    try:
        weights, _ = load_model(current, plugin)
        figures = trainer.score_weights(weights)
    except ModelError as exc:
        return Comparison(current, {}, exc.reason)
    except Exception as exc:  # another architecture or size: not comparable, not fatal
        return Comparison(current, {}, f"it cannot be measured on this split "
                                           f"({type(exc).__name__}: {str(exc)[:120]})")
    return Comparison(current, figures)


def use_model(plugin: str, path: Path | None, store: ModelStore | None = None,
              why: str = "chosen by the user") -> None:
    """Make ``plugin`` use the stored model ``path`` (None = back to the bundled one)."""
    (store or ModelStore()).set_active(plugin, path, why=why if path is not None else "")
