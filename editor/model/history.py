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
        # each command's bytes as counted when recorded, and their sum, kept up to date so
        # that a push costs O(1) rather than re-summing the whole history
        self._sizes: list[int] = []
        self._nbytes = 0
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
        return self._nbytes

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
        self._nbytes -= sum(self._sizes[self._index :])
        del self._commands[self._index :]
        del self._sizes[self._index :]
        if self._clean_index is not None and self._clean_index > self._index:
            self._clean_index = None  # the saved state can no longer be reached
        previous = self._commands[-1] if self._commands else None
        if merge and previous is not None and self._clean_index != self._index \
                and previous.merge(command):
            size = previous.nbytes
            self._nbytes += size - self._sizes[-1]
            self._sizes[-1] = size
        else:
            self._commands.append(command)
            self._sizes.append(command.nbytes)
            self._nbytes += self._sizes[-1]
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
        self._sizes.clear()
        self._nbytes = 0
        self._index = 0
        self._clean_index = 0
        self._version += 1
        self.changed.emit()

    def _trim(self) -> None:
        while self._nbytes > self.limit_bytes and self._index > 1:
            self._commands.pop(0)
            self._nbytes -= self._sizes.pop(0)
            self._index -= 1
            if self._clean_index is not None:
                self._clean_index = self._clean_index - 1 if self._clean_index > 0 else None
