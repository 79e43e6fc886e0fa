"""Bucket fill on the active mask layer: click to fill the connected area of similar value;
Alt+click empties it instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QWidget

from editor.model.commands import ReplaceRegion
from editor.model.masks import changed_rect, flood_fill
from editor.qt.tools.base import Tool, register
from editor.qt.tools.brush import editable_mask, tolerance_options, tr

if TYPE_CHECKING:
    from editor.qt.canvas import Canvas


@register
class FillTool(Tool):
    name = "fill"
    label = "Fill"
    icon = "format-color-fill"
    hint = "Fill: click to fill an area of the mask layer; Alt+click empties it"
    shortcut = "G"
    order = 32

    def __init__(self, canvas: Canvas) -> None:
        super().__init__(canvas)
        #: how far (0..255) a pixel's mask value may differ from the clicked one's
        self.tolerance = 16
        #: fill only the area connected to the click (else every similar pixel)
        self.contiguous = True
        self._options: QWidget | None = None

    def options(self) -> QWidget:
        if self._options is None:
            self._options = tolerance_options(self)
        return self._options

    def press(self, event: QMouseEvent) -> bool:
        doc = self.canvas.document()
        layer = editable_mask(self.canvas, self.title())
        if doc is None or layer is None:
            return doc is not None
        point = self.canvas.widget_to_image(event.position())
        x, y = int(np.floor(point.x())), int(np.floor(point.y()))
        if not (0 <= x < doc.width and 0 <= y < doc.height):
            return True
        empty = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        filled = flood_fill(layer.mask, (x, y), 0 if empty else 255, self.tolerance,
                            contiguous=self.contiguous, within=doc.selection)
        rect = changed_rect(layer.mask, filled)
        if rect is not None:
            x0, y0, x1, y1 = rect
            text = tr("Empty mask area") if empty else tr("Fill mask area")
            doc.history.push(ReplaceRegion(layer, x0, y0, filled[y0:y1, x0:x1], text))
        return True
