"""What the selection tools share: the Shift/Alt modes and pushing a combined selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt

from editor.model.commands import SetSelection
from editor.model.masks import CombineMode, combine

if TYPE_CHECKING:
    from editor.qt.canvas import Canvas

#: widget pixels a press may move and still count as a click
CLICK_SLOP = 3


def selection_mode(modifiers: Qt.KeyboardModifier) -> CombineMode:
    """Shift adds, Alt subtracts, Shift+Alt intersects; no modifier replaces."""
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    return "intersect" if shift and alt else "add" if shift else "subtract" if alt \
        else "replace"


def push_selection(canvas: Canvas, mask: np.ndarray, mode: CombineMode, text: str) -> None:
    """Combine ``mask`` with the document's selection and push the result as one step."""
    doc = canvas.document()
    if doc is None:
        return
    result = combine(doc.selection, mask, mode)
    if result is None and doc.selection is None:
        return
    deselect = QCoreApplication.translate("Tool", "Deselect")
    doc.history.push(SetSelection(result, text if result is not None else deselect))
