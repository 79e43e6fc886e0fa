"""Editor features that add their own menus, docks and actions to the main window.

A feature is a :class:`Feature` subclass in a module of this package, decorated with
:func:`feature`. The main window creates each one after its own menus exist and tells it
when the document changes; a feature reaches the window only through its public API
(``menu``, ``add_dock``, ``canvas``, ``notifications``, ``document``), so adding one never
means editing the window.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow

_FEATURES: dict[str, type[Feature]] = {}


def feature(cls: type[Feature]) -> type[Feature]:
    """Class decorator: install ``cls`` in every main window."""
    _FEATURES[cls.name] = cls
    return cls


def feature_classes() -> list[type[Feature]]:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return sorted(_FEATURES.values(), key=lambda cls: (cls.order, cls.name))


class Feature:
    name: ClassVar[str] = ""
    order: ClassVar[int] = 100

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def set_document(self, doc: Document | None) -> None:
        """The window now shows ``doc`` (None: nothing open)."""
