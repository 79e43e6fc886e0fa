"""The hand tool: drag to pan (the middle button and Space+drag pan with any tool)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from editor.qt.tools.base import Tool, register


@register
class PanTool(Tool):
    name = "pan"
    label = "Pan"
    icon = "hand-back-left"
    hint = "Pan: drag the view (or hold Space, or drag with the middle button)"
    shortcut = "H"
    cursor = Qt.CursorShape.OpenHandCursor
    order = 0
