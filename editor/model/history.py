"""Undo/redo: a bounded stack of commands.

Commands store deltas (the pixels of the changed rectangle, a removed layer), never copies
of the whole document. When the stored bytes pass ``limit_bytes`` the oldest steps are
forgotten, so a long session cannot exhaust memory.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from psygnal import Signal

if TYPE_CHECKING:
    from editor.model.document import Document

DEFAULT_LIMIT_BYTES = 1 << 30  # 1 GiB of undo data


class Command(ABC):
    """One undoable change. Subclasses implement :meth:`redo` and :meth:`undo`."""

    text = "Change"

    @abstractmethod
    def redo(self, doc: Document) -> None:
        """Apply the change (also used for the first application)."""

    @abstractmethod
    def undo(self, doc: Document) -> None:
        """Revert the change exactly."""

    @property
    def nbytes(self) -> int:
        """Memory this command keeps alive for undo."""
        return 0

    def merge(self, other: Command) -> bool:
        """Absorb ``other`` (pushed right after self) into this step; True if merged."""
        return False


class History:
    #: emitted after any push, undo, redo or trim
    changed = Signal()

    def __init__(self, doc: Document, limit_bytes: int = DEFAULT_LIMIT_BYTES) -> None:
        self._doc = doc
        self._commands: list[Command] = []
        self._index = 0  # commands[:index] are applied
        self._clean_index: int | None = 0
        self._version = 0
        self.limit_bytes = limit_bytes

    # -- state --------------------------------------------------------------------------
    @property
    def index(self) -> int:
        return self._index

    @property
    def version(self) -> int:
        """Changes on every push (merged or not), undo, redo and clear: equal versions mean
        an unchanged document, which the step index alone cannot tell (merges, branches)."""
        return self._version

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self._commands]

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._commands)

    @property
    def undo_text(self) -> str:
        return self._commands[self._index - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        return self._commands[self._index].text if self.can_redo else ""

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self._commands)

    @property
    def is_clean(self) -> bool:
        """True when the document equals its last saved state."""
        return self._clean_index == self._index

    def mark_clean(self) -> None:
        self._clean_index = self._index
        self.changed.emit()

    # -- actions ------------------------------------------------------------------------
    def push(self, command: Command, *, merge: bool = True) -> None:
        """Apply ``command`` and record it (merging into the previous step when it allows)."""
        command.redo(self._doc)
        del self._commands[self._index :]
        if self._clean_index is not None and self._clean_index > self._index:
            self._clean_index = None  # the saved state can no longer be reached
        previous = self._commands[-1] if self._commands else None
        if merge and previous is not None and self._clean_index != self._index \
                and previous.merge(command):
            pass
        else:
            self._commands.append(command)
            self._index += 1
        self._version += 1
        self._trim()
        self.changed.emit()

    def undo(self) -> None:
        if self.can_undo:
            self._commands[self._index - 1].undo(self._doc)
            self._index -= 1
            self._version += 1
            self.changed.emit()

    def redo(self) -> None:
        if self.can_redo:
            self._commands[self._index].redo(self._doc)
            self._index += 1
            self._version += 1
            self.changed.emit()

    def goto(self, index: int) -> None:
        """Undo or redo until ``index`` steps are applied (the history panel's click)."""
        index = max(0, min(index, len(self._commands)))
        while self._index > index:
            self.undo()
        while self._index < index:
            self.redo()

    def clear(self) -> None:
        self._commands.clear()
        self._index = 0
        self._clean_index = 0
        self._version += 1
        self.changed.emit()

    def _trim(self) -> None:
        total = self.nbytes
        while total > self.limit_bytes and self._index > 1:
            oldest = self._commands.pop(0)
            total -= oldest.nbytes
            self._index -= 1
            if self._clean_index is not None:
                self._clean_index = self._clean_index - 1 if self._clean_index > 0 else None
