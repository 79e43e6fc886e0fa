"""A form built from a plugin manifest's parameters (used by the plugin panel and training).

One widget per :class:`~editor.tasks.manifest.ParamSpec`, chosen by its type:

============  =====================================
``int``       QSpinBox with min / max / step
``float``     QDoubleSpinBox with min / max / step
``bool``      QCheckBox
``choice``    QComboBox of the choices
``str``       QLineEdit
``path``      QLineEdit and a "Browse…" button
============  =====================================

An ``optional`` number shows "Auto" at the bottom of its range, meaning ``None`` (e.g. "measure
the noise level"); an optional text left empty is ``None`` too. The form holds values only;
validation stays with the manifest (``Manifest.validate``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

if TYPE_CHECKING:
    from editor.tasks.manifest import ParamSpec

_INT_LIMIT = 2**31 - 1
_FLOAT_LIMIT = 1e9


class PathEdit(QWidget):
    """A line edit for a file path with a "Browse…" button."""

    textChanged = Signal(str)  # noqa: N815 - mirrors QLineEdit

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        self.browse = QPushButton(self.tr("Browse…"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.browse)
        self.line.textChanged.connect(self.textChanged)
        self.browse.clicked.connect(self._browse)

    def text(self) -> str:
        return self.line.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self.line.setText(text)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"), self.text())
        if path:
            self.setText(path)


class ParamForm(QWidget):
    """Editable values for a sequence of parameter specs.

    ``values()`` gives ``{name: value}``; ``set_values`` fills some of them; ``reset``
    restores the manifest defaults. ``changed`` is emitted whenever the user edits a value.
    """

    changed = Signal()

    def __init__(
        self,
        specs: Iterable[ParamSpec],
        values: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.specs: tuple[ParamSpec, ...] = tuple(specs)
        self._widgets: dict[str, QWidget] = {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for spec in self.specs:
            widget = self._make_widget(spec)
            label = QLabel(spec.title)
            if spec.help:
                label.setToolTip(spec.help)
                widget.setToolTip(spec.help)
            label.setBuddy(widget)
            widget.setObjectName(f"param-{spec.name}")
            layout.addRow(label, widget)
            self._widgets[spec.name] = widget
        self.reset()
        if values:
            self.set_values(values)

    # -- values -------------------------------------------------------------------------
    def widget(self, name: str) -> QWidget:
        """The editor widget of parameter ``name`` (KeyError if there is none)."""
        return self._widgets[name]

    def values(self) -> dict[str, Any]:
        """The current value of every parameter, by name."""
        return {spec.name: _read(self._widgets[spec.name], spec) for spec in self.specs}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` (unknown names and values of the wrong kind are ignored)."""
        for spec in self.specs:
            if spec.name in values:
                try:
                    _write(self._widgets[spec.name], values[spec.name], spec)
                except (TypeError, ValueError):
                    continue  # a remembered value that no longer fits: keep the default

    def reset(self) -> None:
        """Restore every parameter to its manifest default."""
        self.set_values({spec.name: spec.default for spec in self.specs})

    # -- construction -------------------------------------------------------------------
    def _make_widget(self, spec: ParamSpec) -> QWidget:
        maker = _MAKERS.get(spec.type, _make_str)
        widget, signal = maker(spec)
        signal.connect(lambda *_: self.changed.emit())
        return widget


def _make_int(spec: ParamSpec) -> tuple[QWidget, Any]:
    box = QSpinBox()
    box.setRange(
        int(spec.min) if spec.min is not None else -_INT_LIMIT,
        int(spec.max) if spec.max is not None else _INT_LIMIT,
    )
    box.setSingleStep(int(spec.step) if spec.step else 1)
    _allow_auto(box, spec)
    return box, box.valueChanged


def _make_float(spec: ParamSpec) -> tuple[QWidget, Any]:
    box = QDoubleSpinBox()
    step = float(spec.step) if spec.step else None
    box.setDecimals(_decimals(step, spec.default))
    box.setRange(
        float(spec.min) if spec.min is not None else -_FLOAT_LIMIT,
        float(spec.max) if spec.max is not None else _FLOAT_LIMIT,
    )
    box.setSingleStep(step if step else 0.1)
    _allow_auto(box, spec)
    return box, box.valueChanged


def _make_bool(spec: ParamSpec) -> tuple[QWidget, Any]:
    box = QCheckBox()
    return box, box.toggled


def _make_choice(spec: ParamSpec) -> tuple[QWidget, Any]:
    box = QComboBox()
    for choice in spec.choices:
        box.addItem(str(choice), choice)
    return box, box.currentIndexChanged


def _make_str(spec: ParamSpec) -> tuple[QWidget, Any]:
    line = QLineEdit()
    return line, line.textChanged


def _make_path(spec: ParamSpec) -> tuple[QWidget, Any]:
    edit = PathEdit()
    return edit, edit.textChanged


_MAKERS: dict[str, Callable[[ParamSpec], tuple[QWidget, Any]]] = {
    "int": _make_int,
    "float": _make_float,
    "bool": _make_bool,
    "choice": _make_choice,
    "str": _make_str,
    "path": _make_path,
}


def _allow_auto(box: QSpinBox | QDoubleSpinBox, spec: ParamSpec) -> None:
    """For an optional number, one step below the minimum reads "Auto" and means None."""
    if spec.optional:
        box.setMinimum(box.minimum() - box.singleStep())
        box.setSpecialValueText(box.tr("Auto"))


def _decimals(step: float | None, default: Any) -> int:
    """Enough decimals to show the step and the default exactly (2 at least, 6 at most)."""
    digits = 2
    for number in (step, default):
        if isinstance(number, float) and number and math.isfinite(number):
            text = f"{abs(number):.6f}".rstrip("0")
            digits = max(digits, len(text.split(".")[1]) if "." in text else 0)
    return min(digits, 6)


def _read(widget: QWidget, spec: ParamSpec) -> Any:
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        auto = spec.optional and widget.value() == widget.minimum()
        return None if auto else widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    text = widget.text()  # QLineEdit, PathEdit
    return None if spec.optional and not text else text


def _write(widget: QWidget, value: Any, spec: ParamSpec) -> None:
    if value is None and isinstance(widget, (QSpinBox, QDoubleSpinBox)) and spec.optional:
        widget.setValue(widget.minimum())  # shows "Auto"
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(float(value))
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        if index < 0:
            raise ValueError(f"{value!r} is not one of the choices")
        widget.setCurrentIndex(index)
    else:
        widget.setText("" if value is None else str(value))
