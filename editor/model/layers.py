"""Layer kinds: raster pixels, masks and box annotations. Pure data, no Qt.

Every layer covers the whole document (same width and height); pixels outside the content
of a layer are transparent. Layers are changed only through commands on the history
(:mod:`editor.model.commands`), so that every change can be undone.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

BlendMode = Literal["normal", "multiply", "screen"]
BLEND_MODES: tuple[BlendMode, ...] = ("normal", "multiply", "screen")


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in image pixels (``x1``/``y1`` exclusive) with a label and a score."""

    x0: float
    y0: float
    x1: float
    y1: float
    label: str = "object"
    score: float = 1.0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


class Layer:
    """Common properties of every layer kind."""

    kind: ClassVar[str] = "layer"
    #: properties that :class:`editor.model.commands.SetLayerProperties` may change
    PROPERTIES: ClassVar[tuple[str, ...]] = ("name", "visible", "opacity", "locked", "blend")
    #: (width, height) the layer covers; equal to its document's size
    size: tuple[int, int]

    def __init__(
        self,
        name: str,
        *,
        visible: bool = True,
        opacity: float = 1.0,
        locked: bool = False,
        blend: BlendMode = "normal",
        source: dict[str, Any] | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.name = name
        self.visible = visible
        self.opacity = float(opacity)
        self.locked = locked
        self.blend: BlendMode = blend
        #: where the layer came from, e.g. ``{"plugin": "denoise", "version": "1.0",
        #: "params": {...}, "model": "..."}``; recorded so a recipe can replay it.
        self.source: dict[str, Any] = dict(source or {})

    @property
    def nbytes(self) -> int:
        return 0

    def duplicate(self, name: str | None = None) -> Layer:
        """A deep copy with a new id (and by default the name '<name> copy')."""
        twin = copy.deepcopy(self)
        twin.id = uuid.uuid4().hex
        twin.name = name if name is not None else f"{self.name} copy"
        return twin

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class RasterLayer(Layer):
    """Pixels as an RGBA ``uint8`` array ``(H, W, 4)`` with straight alpha."""

    kind = "raster"

    def __init__(self, name: str, pixels: np.ndarray, **props: Any) -> None:
        super().__init__(name, **props)
        if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4:
            raise ValueError(f"raster layer pixels must be uint8 (H, W, 4), got {pixels.shape}")
        self.pixels = pixels

    @property
    def size(self) -> tuple[int, int]:
        return self.pixels.shape[1], self.pixels.shape[0]

    @property
    def nbytes(self) -> int:
        return int(self.pixels.nbytes)


class MaskLayer(Layer):
    """A mask ``uint8 (H, W)``, 255 = inside. Shown as a coloured overlay, not composited."""

    kind = "mask"

    def __init__(
        self, name: str, mask: np.ndarray, color: tuple[int, int, int] = (255, 40, 40), **props: Any
    ) -> None:
        props.setdefault("opacity", 0.5)
        super().__init__(name, **props)
        if mask.dtype != np.uint8 or mask.ndim != 2:
            raise ValueError(f"mask layer data must be uint8 (H, W), got {mask.shape}")
        self.mask = mask
        self.color = tuple(int(c) for c in color)

    @property
    def size(self) -> tuple[int, int]:
        return self.mask.shape[1], self.mask.shape[0]

    @property
    def nbytes(self) -> int:
        return int(self.mask.nbytes)


class BoxLayer(Layer):
    """Box annotations (``list[Box]``) over an image of ``size`` (width, height)."""

    kind = "boxes"

    def __init__(self, name: str, boxes: list[Box], size: tuple[int, int], **props: Any) -> None:
        super().__init__(name, **props)
        self.boxes = list(boxes)
        self.size = (int(size[0]), int(size[1]))

    @property
    def labels(self) -> list[str]:
        """Class names in order of first appearance."""
        return list(dict.fromkeys(b.label for b in self.boxes))

    @property
    def nbytes(self) -> int:
        return 64 * len(self.boxes)
