"""The contract of a canvas tool. A tool is a class in a module of :mod:`editor.qt.tools`
decorated with :func:`register`; adding a tool never means editing a central switch.

A tool receives left-button presses, moves and releases (image coordinates are one call
away: ``canvas.widget_to_image``), keys the canvas does not use itself, and may paint an
overlay (a rubber band, a brush outline) in widget coordinates. It changes the document only
by pushing commands onto its history; it changes the view only through the canvas's API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from editor.qt.canvas import Canvas

#: every registered tool class by name, in registration order
REGISTRY: dict[str, type[Tool]] = {}


def register(cls: type[Tool]) -> type[Tool]:
    """Class decorator: make ``cls`` available to every canvas under ``cls.name``."""
    if cls.name in REGISTRY and REGISTRY[cls.name] is not cls:
        raise ValueError(f"two canvas tools are called {cls.name!r}")
    REGISTRY[cls.name] = cls
    return cls


class Tool:
    #: stable id used by settings, tests and ``Canvas.set_tool``
    name: ClassVar[str] = ""
    #: untranslated label; shown through :meth:`title`
    label: ClassVar[str] = ""
    #: untranslated one-line help for the tooltip
    hint: ClassVar[str] = ""
    #: Material Design icon name (``editor.qt.icons.icon``)
    icon: ClassVar[str] = "cursor-default"
    #: single-key shortcut shown in the cheat sheet ("" for none)
    shortcut: ClassVar[str] = ""
    cursor: ClassVar[Qt.CursorShape] = Qt.CursorShape.CrossCursor
    #: order in toolbars (lower first)
    order: ClassVar[int] = 100

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("Tool", cls.label or cls.name)

    @classmethod
    def tip(cls) -> str:
        return QCoreApplication.translate("Tool", cls.hint or cls.label or cls.name)

    # -- events (return True when handled) --------------------------------------------
    def activate(self) -> None:
        """The tool was chosen."""

    def deactivate(self) -> None:
        """Another tool was chosen; drop any drag in progress."""
        self.cancel()

    def press(self, event: QMouseEvent) -> bool:
        return False

    def move(self, event: QMouseEvent) -> bool:
        """Also called on hover (no button down) so a tool can track the cursor."""
        return False

    def release(self, event: QMouseEvent) -> bool:
        return False

    def key_press(self, event: QKeyEvent) -> bool:
        return False

    def cancel(self) -> bool:
        """Esc: abandon the gesture in progress; True if there was one."""
        return False

    def paint(self, painter: QPainter) -> None:
        """Draw the tool's overlay in widget coordinates (called at the end of a paint)."""

    def options(self) -> QWidget | None:
        """A small widget with the tool's settings for the tool options bar, if any."""
        return None
