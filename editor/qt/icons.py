"""Icons come from the Material Design icon font, tinted to the current palette."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication
from superqt.fonticon import icon as font_icon


@cache
def _icon(name: str, colour: str) -> QIcon:
    return font_icon(f"mdi7.{name}", color=colour)


def icon(name: str) -> QIcon:
    """A crisp icon by Material Design name (``"eye"``, ``"layers-plus"``, ...)."""
    return _icon(name, _colour())


def _colour() -> str:
    app = QApplication.instance()
    return app.palette().color(QPalette.ColorRole.WindowText).name() if app else "#444444"


@cache
def _flat_icon(name: str, colour: str) -> QIcon:
    source = _icon(name, colour)
    flat = QIcon()
    for size in (16, 20, 24, 32, 48):
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled, QIcon.Mode.Selected):
            flat.addPixmap(source.pixmap(size, size, mode), mode)
    return flat


def item_icon(name: str) -> QIcon:
    """The same icon as plain pixmaps, for item models (``DecorationRole``).

    Item views copy icons through QVariant, and the font engine behind :func:`icon` does
    not survive that copy (the decoration came out blank), so views get rendered pixmaps.
    """
    return _flat_icon(name, _colour())


def clear_cache() -> None:
    """Forget tinted icons (call after the theme changes)."""
    _icon.cache_clear()
    _flat_icon.cache_clear()
