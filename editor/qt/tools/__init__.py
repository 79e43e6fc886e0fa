"""Canvas tools. Every module in this package is imported once, and each registers its
tool classes with :func:`editor.qt.tools.base.register`."""

from __future__ import annotations

import importlib
import pkgutil

from editor.qt.tools.base import REGISTRY, Tool, register

__all__ = ["REGISTRY", "Tool", "register", "tool_classes"]


def tool_classes() -> list[type[Tool]]:
    """All registered tools, in toolbar order."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    return sorted(REGISTRY.values(), key=lambda cls: (cls.order, cls.name))
