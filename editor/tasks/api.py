"""The plugin contract: plain data in, plain data out, no Qt.

Conventions, documented once here and relied on everywhere:

- An *image* is a numpy ``uint8`` array of shape ``(H, W, 4)``, channels in RGBA order,
  straight (not premultiplied) alpha.
- A *mask* is a numpy ``uint8`` array of shape ``(H, W)``; 0 = outside, 255 = inside.
- A *box* is pixel coordinates ``x0, y0, x1, y1`` (x1/y1 exclusive) with a label and a score.

A plugin module exposes ``run(request, ctx) -> Result``. It reports progress through
``ctx.progress`` (which is also a cancel point) and never touches the document: the editor
turns the :class:`Result` into one undoable command.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from editor.model.layers import Box

__all__ = [
    "Box", "Cancelled", "Context", "OutputLayer", "PluginError", "Prompt", "Request", "Result",
]

OutputKind = Literal["raster", "mask", "boxes"]


class Cancelled(Exception):  # noqa: N818 - it is a state, not an error
    """Raised inside a job when the user cancelled it; never shown as an error."""


class PluginError(Exception):
    """A problem a plugin wants the user to read (bad input, missing weights, ...)."""


@dataclass(frozen=True)
class Prompt:
    """A user hint: a positive/negative click, a box or a stroke, in image pixels."""

    kind: Literal["point", "box"]
    coords: tuple[float, ...]
    positive: bool = True


@dataclass
class Request:
    image: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)
    mask: np.ndarray | None = None
    prompts: list[Prompt] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_image(self.image)
        if self.mask is not None:
            check_mask(self.mask, self.image.shape[:2])


@dataclass
class OutputLayer:
    """One layer a plugin produced. ``role`` names it in file outputs (``<stem>-<role>.png``)."""

    kind: OutputKind
    name: str
    data: np.ndarray | list[Box]
    role: str = ""

    def __post_init__(self) -> None:
        if self.kind == "raster":
            check_image(self.data)  # type: ignore[arg-type]
        elif self.kind == "mask":
            check_mask(self.data)  # type: ignore[arg-type]


@dataclass
class Result:
    layers: list[OutputLayer] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


class Context(Protocol):
    """What a running plugin may ask of its host."""

    device: str
    log: logging.Logger

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress in 0..1; raises :class:`Cancelled` if the user cancelled."""

    def check_cancelled(self) -> None:
        """Raise :class:`Cancelled` if the user cancelled."""


class QuietContext:
    """A :class:`Context` nobody watches: on the CPU, shows no progress, never cancelled
    (benchmarks, and a feature's own short calls on a worker thread)."""

    device = "cpu"
    log = logging.getLogger("lightbox.plugin")

    def progress(self, fraction: float, message: str = "") -> None:
        """Nobody is shown the progress."""

    def check_cancelled(self) -> None:
        """Nobody can cancel."""


class RecordingContext(QuietContext):
    """A :class:`Context` for plugin authors' tests: keeps every progress fraction in
    :attr:`fractions` (refusing one outside 0..1) and, given ``cancel_after=N``, cancels
    at the report after the N-th, as a user pressing Cancel would."""

    def __init__(self, cancel_after: int | None = None) -> None:
        self.fractions: list[float] = []
        self.cancel_after = cancel_after

    def progress(self, fraction: float, message: str = "") -> None:
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"progress must be within 0..1, got {fraction}")
        self.fractions.append(fraction)
        if self.cancel_after is not None and len(self.fractions) > self.cancel_after:
            raise Cancelled()


def check_image(image: Any) -> None:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError("an image must be a numpy uint8 array")
    if image.ndim != 3 or image.shape[2] != 4:
        raise ValueError(f"an image must have shape (H, W, 4), got {image.shape}")


def check_mask(mask: Any, shape: tuple[int, ...] | None = None) -> None:
    if not isinstance(mask, np.ndarray) or mask.dtype != np.uint8 or mask.ndim != 2:
        raise TypeError("a mask must be a 2-D numpy uint8 array")
    if shape is not None and mask.shape != tuple(shape):
        raise ValueError(f"mask shape {mask.shape} does not match image {tuple(shape)}")
