"""The trainer loop shared by every trainable plugin.

``Trainer.run`` is a generator: each ``next()`` does one training step (or one validation
pass) and yields a :class:`TrainingProgress`, so the caller decides when to pause (stop
pulling), cancel (close the generator or raise from ``check_cancelled``) and how to show
progress. Every epoch ends with an atomic checkpoint; a run started again with the same
plugin, data and params continues from the last saved epoch.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from editor.model.atomic import atomic_write
from editor.tasks.manifest import ParamSpec
from editor.training.datasets import Dataset
from editor.training.store import ModelCard, save_model
from editor.training.task import TrainingTask

#: fewer usable samples than this are refused unless ``allow_small`` (a model trained on a
#: handful of photos learns them by heart, and its held-out figures mean nothing)
MIN_SAMPLES = 8
#: a validation split smaller than this gets a warning: its figures mean little
MIN_VALIDATION = 5

COMMON_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("epochs", "int", 20, min=1, max=100_000, help="Passes over the training images."),
    ParamSpec("batch", "int", 16, min=1, max=4096, help="Samples per training step."),
    ParamSpec("lr", "float", 1e-3, min=1e-7, max=1.0, label="Learning rate",
              help="Step size of the optimiser (AdamW)."),
    ParamSpec("val_fraction", "float", 0.1, min=0.0, max=0.5, label="Validation share",
              help="Share of the folder held out to measure the model (fixed seed)."),
    ParamSpec("patience", "int", 5, min=0, max=10_000,
              help="Stop after this many epochs without improvement (0 = never)."),
    ParamSpec("seed", "int", 0, min=0, max=2**31 - 1, help="Seed for the split and shuffling."),
    ParamSpec("allow_small", "bool", False, label="Allow a tiny folder",
              help=f"Train even on fewer than {MIN_SAMPLES} usable samples "
                   "(its figures mean little)."),
)


@dataclass
class TrainingProgress:
    epoch: int  # 1-based epoch being trained (or just finished)
    epochs: int
    step: int
    steps: int
    fraction: float  # of the whole run
    message: str
    train_loss: float | None = None
    #: one entry per finished epoch: {"epoch", "train_loss", "val_<metric>"...}
    history: list[dict[str, float]] = field(default_factory=list)
    eta: float | None = None
    epoch_finished: bool = False
    #: said once, on the first report: why an existing checkpoint was not resumed
    note: str = ""


def merge_params(own: tuple[ParamSpec, ...]) -> tuple[ParamSpec, ...]:
    """The trainer's common params, with a plugin's same-named params replacing them."""
    names = {p.name for p in own}
    return tuple(p for p in COMMON_PARAMS if p.name not in names) + own


class Trainer:
    def __init__(
        self, plugin: str, task: TrainingTask, dataset: Dataset, params: dict[str, Any],
        output: Path, device: str = "cpu", checkpoint: Path | None = None,
        check_cancelled: Callable[[], None] = lambda: None,
    ) -> None:
        self.plugin = plugin
        self.task = task
        self.dataset = dataset
        self.params = params
        self.output = Path(output)
        self.device = device
        self.checkpoint = checkpoint or self.output.with_suffix(".ckpt")
        self.check_cancelled = check_cancelled
        self.card: ModelCard | None = None
        self.resumed_from = 0  # epochs already done when this run started
        #: why an existing checkpoint was not resumed ("" if none or resumed)
        self.fresh_start_reason = ""

    # -- the loop -----------------------------------------------------------------------
    def run(self) -> Iterator[TrainingProgress]:
        import torch

        p = self.params
        self.output.parent.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(p["seed"])
        train, val = self.dataset.split(p["val_fraction"], p["seed"])
        if not train:
            raise ValueError(f"{self.dataset.root}: no samples left to train on")
        self.task.prepare(self.dataset)
        model = self.task.build_model().to(self.device)
        optimiser = torch.optim.AdamW(model.parameters(), lr=p["lr"])
        use_amp = self.device == "cuda"
        scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
        state = self._resume(model, optimiser, scaler)
        steps = self.task.batches_per_epoch(train)
        epochs = p["epochs"]
        start = time.monotonic()
        done_before = state["epoch"]
        self.resumed_from = done_before

        for epoch in range(done_before, epochs):
            model.train()
            rng = np.random.default_rng([p["seed"], epoch])
            losses: list[float] = []
            for step, batch in enumerate(self.task.batches(train, rng), 1):
                self.check_cancelled()
                optimiser.zero_grad(set_to_none=True)
                with torch.autocast("cuda", enabled=use_amp):
                    loss = self.task.loss(model, batch, self.device)
                if not torch.isfinite(loss):
                    raise ValueError(f"the training loss became {loss.item()} at epoch "
                                     f"{epoch + 1}; try a lower learning rate")
                scaler.scale(loss).backward()
                scaler.step(optimiser)
                scaler.update()
                losses.append(float(loss.detach()))
                fraction = (epoch + min(step, steps) / steps) / epochs
                yield self._progress(epoch, epochs, step, steps, fraction, losses, state,
                                     start, done_before, f"Epoch {epoch + 1}/{epochs}")
            self.check_cancelled()
            model.eval()
            with torch.no_grad():
                # plain floats: numpy scalars would make the checkpoint unloadable
                metrics = {k: float(v) for k, v in
                           self.task.validate(model, val or train, self.device).items()}
            record = {"epoch": epoch + 1, "train_loss": float(np.mean(losses)) if losses else 0.0}
            record.update({f"val_{k}": v for k, v in metrics.items()})
            state["history"].append(record)
            score = metrics[self.task.primary_metric]
            if state["best"] is None or self._better(score, state["best"]):
                state["best"], state["bad_epochs"] = score, 0
                state["best_state"] = copy.deepcopy(
                    {k: v.detach().cpu() for k, v in model.state_dict().items()})
                state["best_metrics"] = metrics
                state["best_epoch"] = epoch + 1
            else:
                state["bad_epochs"] += 1
            state["epoch"] = epoch + 1
            self._save_checkpoint(model, optimiser, scaler, state)
            stop = p["patience"] and state["bad_epochs"] >= p["patience"]
            message = (f"Epoch {epoch + 1}/{epochs}: {self.task.primary_metric} {score:.4g}"
                       + (" — no longer improving, stopping early" if stop else ""))
            yield self._progress(epoch, epochs, steps, steps, (epoch + 1) / epochs, losses,
                                 state, start, done_before, message, epoch_finished=True)
            if stop:
                break
        self.card = self._finish(model, state, time.monotonic() - start)

    # -- helpers ------------------------------------------------------------------------
    def _better(self, score: float, best: float) -> bool:
        return score > best if self.task.higher_is_better else score < best

    def _progress(self, epoch, epochs, step, steps, fraction, losses, state, start, done_before,
                  message, epoch_finished=False) -> TrainingProgress:
        elapsed = time.monotonic() - start
        fresh = fraction - done_before / epochs
        eta = elapsed * (1 - fraction) / fresh if fresh > 0.01 and elapsed > 0.5 else None
        note, self.fresh_start_reason = (
            (f"Starting afresh: {self.fresh_start_reason}.", "") if self.fresh_start_reason
            else ("", ""))
        return TrainingProgress(
            epoch=epoch + 1, epochs=epochs, step=step, steps=steps, fraction=fraction,
            message=message, train_loss=float(np.mean(losses[-20:])) if losses else None,
            history=list(state["history"]), eta=eta, epoch_finished=epoch_finished, note=note,
        )

    def fingerprint(self) -> str:
        """What must match for a checkpoint to be resumed (plugin, model, data, params)."""
        keep = {k: v for k, v in self.params.items()
                if k not in ("epochs", "patience", "allow_small")}
        text = json.dumps([self.plugin, self.task.architecture, self.task.config(), keep,
                           str(self.dataset.root), len(self.dataset.samples)],
                          sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def _resume(self, model: Any, optimiser: Any, scaler: Any) -> dict[str, Any]:
        import torch

        fresh = {"epoch": 0, "history": [], "best": None, "bad_epochs": 0, "best_state": None,
                 "best_metrics": {}, "best_epoch": 0}
        if not self.checkpoint.is_file():
            return fresh
        try:
            saved = torch.load(self.checkpoint, map_location="cpu", weights_only=True)
        except Exception as exc:  # a damaged checkpoint is not worth failing the run over
            self.fresh_start_reason = f"the checkpoint could not be read ({type(exc).__name__})"
            return fresh
        if saved.get("fingerprint") != self.fingerprint():
            self.fresh_start_reason = "the checkpoint was made with other data or settings"
            return fresh
        model.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        if saved.get("scaler"):
            scaler.load_state_dict(saved["scaler"])
        return {k: saved.get(k, v) for k, v in fresh.items()}

    def _save_checkpoint(self, model: Any, optimiser: Any, scaler: Any,
                         state: dict[str, Any]) -> None:
        import torch

        buffer = io.BytesIO()
        torch.save({"fingerprint": self.fingerprint(), "model": model.state_dict(),
                    "optimiser": optimiser.state_dict(), "scaler": scaler.state_dict(),
                    **state}, buffer)
        with atomic_write(self.checkpoint, "wb") as fh:
            fh.write(buffer.getvalue())

    def score_weights(self, state_dict: dict[str, Any]) -> dict[str, float]:
        """Validation figures of other weights for the same model (the model a plugin uses
        now) on this run's held-out split, so the two can be compared like for like.
        Raises whatever loading or validating raises (shapes that do not fit, ...)."""
        import torch

        _, val = self.dataset.split(self.params["val_fraction"], self.params["seed"])
        model = self.task.build_model()
        model.load_state_dict(state_dict)
        model.to(self.device).eval()
        with torch.no_grad():
            figures = self.task.validate(model, val or self._train_split(), self.device)
        return {k: float(v) for k, v in figures.items()}

    def _train_split(self) -> list[Any]:
        return self.dataset.split(self.params["val_fraction"], self.params["seed"])[0]

    def _finish(self, model: Any, state: dict[str, Any], seconds: float) -> ModelCard:
        weights = state["best_state"] or model.state_dict()
        train, val = self.dataset.split(self.params["val_fraction"], self.params["seed"])
        card = ModelCard(
            plugin=self.plugin,
            name=self.output.stem,
            architecture=self.task.architecture,
            parameters=sum(int(t.numel()) for t in model.parameters()),
            data={"folder": str(self.dataset.root), "format": self.dataset.format,
                  "counts": self.dataset.counts(), "train": len(train), "validation": len(val),
                  "skipped": len(self.dataset.problems),
                  # with no held-out images the figures below describe the training images
                  "metrics_on": "validation images" if val else "training images"},
            metrics={k: float(v) for k, v in state["best_metrics"].items()},
            device=self.device,
            seconds=round(seconds, 1),
            date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            epochs=state["epoch"],
            best_epoch=state["best_epoch"] or state["epoch"],
            config=self.task.config(),
            params=dict(self.params),
            licence=self.task.licence,
        )
        save_model(self.output, weights, card)
        self.checkpoint.unlink(missing_ok=True)  # finished: the model itself is the result
        return card
