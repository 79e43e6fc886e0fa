"""The commands that change a document. Each stores just enough to undo itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from editor.model.history import Command
from editor.model.layers import BLEND_MODES, Box, BoxLayer, Layer, MaskLayer, RasterLayer

if TYPE_CHECKING:
    from editor.model.document import Document, Rect


class AddLayer(Command):
    """Insert a layer at ``index`` in the bottom-to-top stack (``None`` = on top)."""

    def __init__(self, layer: Layer, index: int | None = None, text: str | None = None) -> None:
        self.layer = layer
        self.index = index
        self.text = text or f"Add layer “{layer.name}”"

    def redo(self, doc: Document) -> None:
        if self.layer.size != doc.size:
            raise ValueError(
                f"layer {self.layer.name!r} is {self.layer.size}, the document is {doc.size}"
            )
        index = len(doc.layers) if self.index is None else self.index
        self.index = index
        doc._insert(index, self.layer)

    def undo(self, doc: Document) -> None:
        doc._remove(doc.index_of(self.layer.id))

    @property
    def nbytes(self) -> int:
        return self.layer.nbytes


class RemoveLayer(Command):
    def __init__(self, layer: Layer) -> None:
        self.layer = layer
        self.index = -1
        self.text = f"Delete layer “{layer.name}”"

    def redo(self, doc: Document) -> None:
        self.index = doc.index_of(self.layer.id)
        doc._remove(self.index)

    def undo(self, doc: Document) -> None:
        doc._insert(self.index, self.layer)

    @property
    def nbytes(self) -> int:
        return self.layer.nbytes


class MoveLayer(Command):
    """Move a layer to ``new_index`` in the bottom-to-top stack."""

    def __init__(self, layer: Layer, new_index: int) -> None:
        self.layer = layer
        self.new_index = new_index
        self.old_index = -1
        self.text = f"Move layer “{layer.name}”"

    def redo(self, doc: Document) -> None:
        self.old_index = doc.index_of(self.layer.id)
        new_index = max(0, min(self.new_index, len(doc.layers) - 1))
        doc._move(self.old_index, new_index)

    def undo(self, doc: Document) -> None:
        doc._move(doc.index_of(self.layer.id), self.old_index)


_PROPERTY_TEXT = {
    "name": "Rename layer",
    "visible": "Toggle visibility",
    "opacity": "Change opacity",
    "locked": "Toggle lock",
    "blend": "Change blend mode",
}


def set_visibility(doc: Document, layer: Layer, visible: bool) -> None:
    """Show or hide ``layer`` outside the history: showing and hiding is looking, not
    editing, so (as in Photoshop and Photopea) it is no undo step and toggling twice leaves
    the history as it was. A command that must undo it uses :class:`SetLayerProperties`."""
    if layer.visible != visible:
        doc._set_properties(layer, {"visible": visible})


class SetLayerProperties(Command):
    """Change name, visibility, opacity, lock or blend mode. Successive opacity changes of
    one layer (a slider drag) merge into one step."""

    def __init__(self, layer: Layer, **values: Any) -> None:
        unknown = set(values) - set(layer.PROPERTIES)
        if unknown:
            raise ValueError(f"not a layer property: {', '.join(sorted(unknown))}")
        if "opacity" in values:
            values["opacity"] = float(min(1.0, max(0.0, values["opacity"])))
        if "blend" in values and values["blend"] not in BLEND_MODES:
            raise ValueError(f"unknown blend mode {values['blend']!r}")
        self.layer = layer
        self.new = values
        self.old: dict[str, Any] = {}
        first = next(iter(values), "name")
        self.text = f"{_PROPERTY_TEXT.get(first, 'Change layer')} “{layer.name}”"

    def redo(self, doc: Document) -> None:
        if not self.old:  # what it was when first applied, not when the command was built
            self.old = {name: getattr(self.layer, name) for name in self.new}
        doc._set_properties(self.layer, self.new)

    def undo(self, doc: Document) -> None:
        doc._set_properties(self.layer, self.old)

    def merge(self, other: Command) -> bool:
        if (
            isinstance(other, SetLayerProperties)
            and other.layer is self.layer
            and set(other.new) == set(self.new) == {"opacity"}
        ):
            self.new = other.new
            return True
        return False


class ReplaceRegion(Command):
    """Write ``patch`` into a raster or mask layer at ``(x, y)``; keeps only the old patch.

    ``old`` is for a change already shown live (a brush stroke painted while the mouse
    moved): the pixels the region held before it, so the whole stroke is one undo step.
    """

    def __init__(self, layer: RasterLayer | MaskLayer, x: int, y: int, patch: np.ndarray,
                 text: str = "Paint", old: np.ndarray | None = None) -> None:
        if old is not None and old.shape != patch.shape:
            raise ValueError(f"old pixels {old.shape} do not match the patch {patch.shape}")
        self.layer = layer
        self.x, self.y = int(x), int(y)
        self.new = patch.copy()  # own it: callers may reuse the buffer for the next dab
        self.old: np.ndarray | None = None if old is None else old.copy()
        self.text = text

    def _target(self) -> np.ndarray:
        data = self.layer.pixels if isinstance(self.layer, RasterLayer) else self.layer.mask
        h, w = self.new.shape[:2]
        return data[self.y : self.y + h, self.x : self.x + w]

    @property
    def rect(self) -> Rect:
        h, w = self.new.shape[:2]
        return self.x, self.y, self.x + w, self.y + h

    def redo(self, doc: Document) -> None:
        target = self._target()
        if target.shape != self.new.shape:
            raise ValueError("the patch does not fit inside the layer")
        if self.old is None:
            self.old = target.copy()
        target[...] = self.new
        doc.content_changed.emit(self.layer, self.rect)

    def undo(self, doc: Document) -> None:
        assert self.old is not None
        self._target()[...] = self.old
        doc.content_changed.emit(self.layer, self.rect)

    @property
    def nbytes(self) -> int:
        return int(self.new.nbytes) * 2


class SetBoxes(Command):
    def __init__(self, layer: BoxLayer, boxes: list[Box], text: str = "Edit boxes") -> None:
        self.layer = layer
        self.new = list(boxes)
        self.old: list[Box] | None = None
        self.text = text

    def redo(self, doc: Document) -> None:
        if self.old is None:
            self.old = list(self.layer.boxes)
        self.layer.boxes = list(self.new)
        doc.content_changed.emit(self.layer, None)

    def undo(self, doc: Document) -> None:
        assert self.old is not None
        self.layer.boxes = list(self.old)
        doc.content_changed.emit(self.layer, None)


class SetSelection(Command):
    """Replace the selection (``None`` = select all / nothing selected)."""

    def __init__(self, mask: np.ndarray | None, text: str | None = None) -> None:
        self.new = None if mask is None else mask.copy()  # the caller may keep editing theirs
        self.old: np.ndarray | None = None
        self.text = text or ("Deselect" if mask is None else "Select")

    def redo(self, doc: Document) -> None:
        if self.new is not None and self.new.shape != (doc.height, doc.width):
            raise ValueError("the selection does not match the document size")
        self.old = doc.selection
        doc._set_selection(self.new)

    def undo(self, doc: Document) -> None:
        doc._set_selection(self.old)

    @property
    def nbytes(self) -> int:
        return sum(m.nbytes for m in (self.new, self.old) if m is not None)


class Macro(Command):
    """Several commands as one undo step (e.g. all layers of one AI result)."""

    def __init__(self, text: str, commands: list[Command]) -> None:
        self.text = text
        self.commands = list(commands)

    def redo(self, doc: Document) -> None:
        done: list[Command] = []
        try:
            for command in self.commands:
                command.redo(doc)
                done.append(command)
        except Exception:
            # a failed push records nothing, so it must leave nothing behind either
            for command in reversed(done):
                command.undo(doc)
            raise

    def undo(self, doc: Document) -> None:
        for command in reversed(self.commands):
            command.undo(doc)

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self.commands)

