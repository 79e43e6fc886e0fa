"""The document: an ordered stack of layers, a selection and the history of commands.

The document emits psygnal events so that views (the Qt canvas and panels, or nothing at all
in the CLI) can mirror it. Change it only through :attr:`Document.history` (``doc.history.push
(command)``); the mutators below are for commands to call.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
from psygnal import Signal

from editor.model.history import History
from editor.model.layers import Layer

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


class Document:
    #: the list of layers changed (insert, remove, move)
    structure_changed = Signal()
    #: a layer's properties changed: (layer, names of changed properties)
    layer_changed = Signal(object, tuple)
    #: a layer's pixels, mask or boxes changed: (layer, rect or None for all)
    content_changed = Signal(object, object)
    #: the selection changed
    selection_changed = Signal()
    #: the active layer changed
    active_changed = Signal(object)
    #: the canvas size changed (crop, resize, rotate): (width, height)
    size_changed = Signal(int, int)

    def __init__(self, width: int, height: int, *, path: Path | None = None) -> None:
        if width < 1 or height < 1:
            raise ValueError(f"a document needs a positive size, got {width}x{height}")
        self.width = int(width)
        self.height = int(height)
        self.path = path
        self.layers: list[Layer] = []
        #: uint8 (H, W) mask or None for "no selection" (= everything)
        self.selection: np.ndarray | None = None
        self._active_id: str | None = None
        #: goes up whenever pixels move (crop, resize, rotate, flip): results computed for
        #: the old geometry must not land on the new one
        self.geometry = 0
        self.history = History(self)

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def title(self) -> str:
        return self.path.name if self.path else "Untitled"

    # -- queries ------------------------------------------------------------------------
    def index_of(self, layer_id: str) -> int:
        for i, layer in enumerate(self.layers):
            if layer.id == layer_id:
                return i
        raise KeyError(f"no layer with id {layer_id}")

    def layer(self, layer_id: str) -> Layer:
        return self.layers[self.index_of(layer_id)]

    @property
    def active_layer(self) -> Layer | None:
        if self._active_id is None:
            return None
        try:
            return self.layer(self._active_id)
        except KeyError:
            return None

    def set_active(self, layer: Layer | None) -> None:
        """Choose the layer tools act on. Not a document change, so not on the history."""
        new_id = layer.id if layer is not None else None
        if new_id != self._active_id:
            self._active_id = new_id
            self.active_changed.emit(layer)

    def snapshot(self) -> Document:
        """A deep copy (same layer ids, no history) that a worker thread can read, e.g. to
        save, while the user goes on editing this document."""
        twin = Document(self.width, self.height, path=self.path)
        twin.layers = [copy.deepcopy(layer) for layer in self.layers]
        twin.selection = None if self.selection is None else self.selection.copy()
        twin._active_id = self._active_id
        return twin

    # -- mutators, for commands only ----------------------------------------------------
    def _insert(self, index: int, layer: Layer) -> None:
        self.layers.insert(index, layer)
        self.structure_changed.emit()
        self.set_active(layer)

    def _remove(self, index: int) -> Layer:
        layer = self.layers.pop(index)
        if self._active_id == layer.id:
            neighbour = self.layers[min(index, len(self.layers) - 1)] if self.layers else None
            self.set_active(neighbour)
        self.structure_changed.emit()
        return layer

    def _move(self, src: int, dst: int) -> None:
        layer = self.layers.pop(src)
        self.layers.insert(dst, layer)
        self.structure_changed.emit()

    def _set_properties(self, layer: Layer, values: dict[str, object]) -> None:
        for name, value in values.items():
            setattr(layer, name, value)
        self.layer_changed.emit(layer, tuple(values))

    def _replace_all(self, width: int, height: int, layers: list[Layer],
                     selection: np.ndarray | None) -> None:
        """Swap in resized layers at once (transforms). Every layer must be width x height."""
        active = self._active_id
        self.geometry += 1
        self.width, self.height = int(width), int(height)
        self.layers = list(layers)
        self.selection = selection
        self.size_changed.emit(self.width, self.height)
        self.structure_changed.emit()
        self.selection_changed.emit()
        by_id = {layer.id: layer for layer in self.layers}
        self._active_id = None
        self.set_active(by_id.get(active or "", self.layers[-1] if self.layers else None))

    def _set_selection(self, mask: np.ndarray | None) -> None:
        self.selection = mask
        self.selection_changed.emit()
