"""Train a plugin on a folder: the one path the CLI (`lightbox train`) and the editor's
Train dialog share. Planning (scan the folder, check params, pick the device) is separate
from running so a caller can show the user what was found before anything starts."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editor.tasks.device import DeviceChoice, choose_device
from editor.tasks.manifest import Manifest, ParamSpec, validate_values
from editor.tasks.registry import PluginInfo
from editor.training.datasets import Dataset, scan
from editor.training.store import ModelCard, ModelStore
from editor.training.task import TrainingTask
from editor.training.trainer import Trainer, TrainingProgress, merge_params


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
    task = _factory(manifest)(params)
    choice = choose_device(device, manifest.devices)
    return TrainingPlan(plugin, dataset, params, choice, Path(output), task)


def _factory(manifest: Manifest) -> Callable[[dict[str, Any]], TrainingTask]:
    assert manifest.training is not None
    module_name, _, attr = manifest.training.entry.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except Exception as exc:  # an import failure in plugin code must not crash the caller
        raise TrainingError(f"cannot load {manifest.training.entry}: "
                            f"{type(exc).__name__}: {exc}") from exc


def run_training(
    plan: TrainingPlan, check_cancelled: Callable[[], None] = lambda: None,
    store: ModelStore | None = None, activate: bool = True,
) -> Iterator[TrainingProgress]:
    """Train, then install the model in the store (and make the plugin use it).
    The card of the finished model is the generator's return value."""
    trainer = Trainer(plan.plugin.id, plan.task, plan.dataset, plan.params, plan.output,
                      plan.device.name, check_cancelled=check_cancelled)
    yield from trainer.run()
    card: ModelCard = trainer.card  # type: ignore[assignment]
    store = store or ModelStore()
    stored = store.install(plan.output)
    if activate:
        store.set_active(plan.plugin.id, stored)
    return card
