"""Replay a recipe on one photo: each step's image is the next step's input.

What a step hands on:

- **the image**: the step's raster outputs flattened bottom-first (a cutout; a cutout with
  its kept shadow; a fixed copy). A step that outputs only a mask or a report (a check)
  hands on the image it received, unchanged.
- **the mask**, for a later step with ``mask = "previous"``: the newest mask layer a step
  output at the size of the image it handed on (the cutout's product mask, the mask the
  check saw). Without one, the image's own transparency when it has some (a cutout
  passed on by a step that outputs no mask layer). A mask of another size (the image was
  upscaled or reframed since) no longer fits and is dropped.

A :class:`Replayer` resolves every step's plugin once and keeps it, so a worker that
replays many photos imports each plugin (and loads each model) once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from editor.batch.recipe import Recipe, Step
from editor.imaging.composite import over
from editor.tasks.api import Cancelled, OutputLayer, PluginError, Request, Result
from editor.tasks.chain import SpanContext
from editor.tasks.device import choose_device
from editor.tasks.registry import PluginInfo, PluginLoadError, Registry

#: progress callback: (fraction of the whole recipe 0..1, message)
Progress = Callable[[float, str], None]


class MissingMask(PluginError):
    """A ``mask = "previous"`` step found no mask left by the earlier steps."""

    def __init__(self, step: Step) -> None:
        self.step = step
        super().__init__(f"{step.label}: mask = \"previous\", but the earlier steps left "
                         "no mask for this photo")


@dataclass
class StepRecord:
    """What one step did on one photo."""

    step: Step
    seconds: float
    device: str
    image: np.ndarray | None  # the image it handed on (kept with ``keep_steps``)
    layers: list[OutputLayer] = field(default_factory=list)


@dataclass
class Replayed:
    image: np.ndarray
    steps: list[StepRecord]
    #: the mask a next step with ``mask = "previous"`` would get from the steps so far
    mask: np.ndarray | None = None

    @property
    def devices(self) -> str:
        """The devices the steps ran on, e.g. ``cpu`` or ``cuda+cpu``."""
        return "+".join(dict.fromkeys(r.device for r in self.steps))


class _Context:
    """The plugin context of a replay: progress to the caller, cancel from an event."""

    def __init__(self, device: str, progress: Progress | None,
                 cancel: threading.Event | None) -> None:
        self.device = device
        self._progress = progress
        self._cancel = cancel
        self.log = logging.getLogger("lightbox.batch")

    def check_cancelled(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled()

    def progress(self, fraction: float, message: str = "") -> None:
        self.check_cancelled()
        if self._progress is not None:
            self._progress(min(1.0, max(0.0, float(fraction))), message)


class Replayer:
    """Runs a recipe's steps on photos, one photo at a time."""

    def __init__(self, recipe: Recipe, registry: Registry, *, device: str = "auto",
                 keep_steps: bool = False) -> None:
        """``keep_steps`` keeps each step's image and layers in the records (for
        ``--keep-steps``); otherwise only the final image is kept, so a large photo does
        not hold one copy per step."""
        self.recipe = recipe
        self.keep_steps = keep_steps
        self._plugins: dict[int, tuple[PluginInfo, str]] = {}
        for step in recipe.steps:
            plugin = registry.get(step.plugin)
            assert plugin.manifest is not None
            choice = choose_device(device, plugin.manifest.devices or ("cpu",))
            self._plugins[step.index] = (plugin, choice.name)

    def replay(self, image: np.ndarray, *, progress: Progress | None = None,
               cancel: threading.Event | None = None) -> Replayed:
        """Every step on ``image`` (RGBA uint8). Raises :class:`PluginError` naming the step
        that failed, or :class:`Cancelled`."""
        records: list[StepRecord] = []
        mask: np.ndarray | None = None
        count = len(self.recipe.steps)
        for n, step in enumerate(self.recipe.steps):
            plugin, device = self._plugins[step.index]
            ctx = _Context(device, progress, cancel)
            ctx.check_cancelled()
            given_mask = self._mask_for(step, image, mask) if step.mask else None
            started = time.perf_counter()
            _same_random_start()
            try:
                run = plugin.load_run()  # imported on the first photo, then kept
                result = run(Request(image, dict(step.params), mask=given_mask),
                             SpanContext(ctx, n / count, (n + 1) / count))
            except Cancelled:
                raise
            except PluginLoadError as exc:
                raise PluginError(f"{step.label}: {exc}") from None
            except (PluginError, ValueError) as exc:
                raise PluginError(f"{step.label}: {exc}") from None
            except MemoryError:
                raise PluginError(f"{step.label}: not enough memory for this image") from None
            except Exception as exc:  # a plugin bug fails this photo, not the batch
                raise PluginError(f"{step.label}: {type(exc).__name__}: {exc}") from exc
            if not isinstance(result, Result):
                raise PluginError(f"{step.label}: the plugin returned "
                                  f"{type(result).__name__}, not a Result")
            image, mask = handed_on(result, image, mask)
            kept = self.keep_steps
            records.append(StepRecord(step, time.perf_counter() - started, device,
                                      image if kept else None,
                                      list(result.layers) if kept else []))
        return Replayed(image, records, mask)

    @staticmethod
    def _mask_for(step: Step, image: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        """The mask ``step`` gets: the steps' last fitting mask, else the image's
        transparency; :class:`MissingMask` when there is neither."""
        if mask is not None and mask.shape == image.shape[:2]:
            return mask
        alpha = image[..., 3]
        if int(alpha.min()) < 255:
            return np.ascontiguousarray(alpha)
        raise MissingMask(step)


def handed_on(result: Result, image: np.ndarray,
              mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """The image and mask a step with ``result`` hands to the next one (module docstring)."""
    rasters = [out.data for out in result.layers if out.kind == "raster"]
    if rasters:
        size = rasters[0].shape  # type: ignore[union-attr]
        flat = rasters[0]
        for top in rasters[1:]:
            if top.shape == size:  # type: ignore[union-attr]
                flat = over(top, flat)  # type: ignore[arg-type]
        image = np.ascontiguousarray(flat)
    masks = [out.data for out in result.layers
             if out.kind == "mask" and out.data.shape == image.shape[:2]]  # type: ignore[union-attr]
    if masks:
        mask = masks[-1]  # type: ignore[assignment]
    elif mask is not None and mask.shape != image.shape[:2]:
        mask = None
    return image, mask


def _same_random_start() -> None:
    """Reset OpenCV's random generator (GrabCut's k-means draws from it, per thread), so a
    photo's result does not depend on which photos the same worker ran before it: 1
    worker, N workers and Ray then give the same files."""
    import cv2

    cv2.setRNGSeed(0x1B0C)


def rehearsal_image() -> np.ndarray:
    """A small studio photo of a product to rehearse a recipe on (deterministic)."""
    from editor.samples import render_sample

    return render_sample("box", (128, 96), seed=7).image
