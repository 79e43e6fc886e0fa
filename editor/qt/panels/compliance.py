"""The Compliance panel: the marketplace profile to check against, whether the check follows
every edit, a pass/fail line and the violations found, each with a Fix button when a fix
exists.

It only renders results and asks through signals; the compliance feature
(:mod:`editor.qt.features.compliance`) runs the checks and fixes and changes the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.qt.icons import item_icon

_VIOLATION_ROLE = Qt.ItemDataRole.UserRole
_SEVERITY_ICONS = {"error": "close-circle", "warning": "alert", "info": "information-outline"}
MESSAGE_COLUMN, RULE_COLUMN, FIX_COLUMN = 0, 1, 2


class CompliancePanel(QWidget):
    """Profile chooser, live-check toggle, summary and the list of violations.

    Violations are any objects with ``rule``, ``severity``, ``message``, ``box`` and ``fix``
    (:class:`plugins.compliance.checks.Violation`).
    """

    #: the user chose another profile (its name)
    profile_changed = Signal(str)
    #: the live check was switched on or off
    live_toggled = Signal(bool)
    #: check now
    check_requested = Signal()
    #: the selected violation (or None when nothing is selected)
    violation_selected = Signal(object)
    #: Fix pressed on one violation
    fix_requested = Signal(object)
    #: Fix All pressed
    fix_all_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._violations: list[Any] = []
        self._busy_fixing = False
        #: fixes made only from their own Fix button, never by Fix All
        self.manual_fixes: frozenset[str] = frozenset()
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("compliance-profile")
        self.profile_combo.setToolTip(self.tr("The marketplace rules to check the photo against"))
        self.profile_combo.currentIndexChanged.connect(
            lambda _: self.profile_changed.emit(self.profile()))
        self.live_box = QCheckBox(self.tr("Live check"))
        self.live_box.setToolTip(self.tr("Check again after every change to the photo"))
        self.live_box.toggled.connect(self.live_toggled.emit)
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.clicked.connect(self.check_requested.emit)
        self.summary = QLabel()
        self.summary.setObjectName("compliance-summary")
        self.summary.setWordWrap(True)
        # a longer summary wraps; it must not widen the dock and squeeze the canvas
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.list = QTreeWidget()
        self.list.setObjectName("compliance-violations")
        self.list.setColumnCount(3)
        self.list.setHeaderLabels([self.tr("Problem"), self.tr("Rule"), ""])
        self.list.setRootIsDecorated(False)
        self.list.setWordWrap(True)
        self.list.setUniformRowHeights(False)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(MESSAGE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(RULE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FIX_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        # the dock is narrow: the message gets the width (the rule id is in the tooltip), and
        # rows re-wrap when the column changes width
        self.list.setColumnHidden(RULE_COLUMN, True)
        header.sectionResized.connect(lambda *_: self.list.doItemsLayout())
        self.list.itemSelectionChanged.connect(
            lambda: self.violation_selected.emit(self.selected()))
        self.fix_all_button = QPushButton(self.tr("Fix All"))
        self.fix_all_button.setToolTip(self.tr("Fix every error that has a fix, in one step"))
        self.fix_all_button.clicked.connect(self.fix_all_requested.emit)

        # narrow rows: the dock must not ask for more width than its neighbours
        top = QHBoxLayout()
        top.addWidget(self.live_box)
        top.addStretch(1)
        top.addWidget(self.check_button)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.fix_all_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.profile_combo)
        column.addLayout(top)
        column.addWidget(self.summary)
        column.addWidget(self.list, 1)
        column.addLayout(bottom)
        self.show_message(self.tr("Open a photo to check it."))

    # -- state shown ----------------------------------------------------------------------
    def set_profiles(self, names: Sequence[str], current: str | None = None) -> None:
        """Offer ``names``; select ``current`` (or the first) without emitting a change."""
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        self.profile_combo.addItems(list(names))
        index = self.profile_combo.findText(current) if current else -1
        self.profile_combo.setCurrentIndex(max(0, index))
        self.profile_combo.blockSignals(False)

    def profile(self) -> str:
        return self.profile_combo.currentText()

    def set_live(self, on: bool) -> None:
        self.live_box.blockSignals(True)
        self.live_box.setChecked(on)
        self.live_box.blockSignals(False)

    def is_live(self) -> bool:
        return self.live_box.isChecked()

    def show_message(self, text: str) -> None:
        """No result to show (no photo, or the check failed): ``text`` and an empty list."""
        self.summary.setText(text)
        self._set_violations([])

    def show_checking(self) -> None:
        """A check is running; the last result stays listed until the new one arrives."""
        self.summary.setText(self.tr("Checking…"))

    def show_result(self, profile_title: str, violations: Sequence[Any], ok: bool) -> None:
        """Show a finished check against ``profile_title``."""
        errors = sum(v.severity == "error" for v in violations)
        warnings = len(violations) - errors
        if not violations:
            text = self.tr("Passes {profile}.").format(profile=profile_title)
        elif ok:
            text = self.tr("Passes {profile}, with %n warning(s).", "", warnings).format(
                profile=profile_title)
        else:
            text = self.tr("Fails {profile}: %n error(s)", "", errors).format(
                profile=profile_title)
            if warnings:
                text += self.tr(", %n warning(s)", "", warnings)
            text += "."
        self.summary.setText(text)
        self._set_violations(list(violations))

    def set_fixing(self, busy: bool) -> None:
        """While a fix runs, no second fix can be asked for."""
        self._busy_fixing = busy
        self._update_fix_buttons()

    # -- queries ----------------------------------------------------------------------------
    def violations(self) -> list[Any]:
        return list(self._violations)

    def selected(self) -> Any | None:
        items = self.list.selectedItems()
        return items[0].data(MESSAGE_COLUMN, _VIOLATION_ROLE) if items else None

    def select(self, index: int) -> None:
        """Select the violation at ``index`` (as a click would)."""
        self.list.setCurrentItem(self.list.topLevelItem(index))

    def fix_button(self, index: int) -> QToolButton | None:
        """The Fix button of the violation at ``index``, or None when it has no fix."""
        widget = self.list.itemWidget(self.list.topLevelItem(index), FIX_COLUMN)
        return widget if isinstance(widget, QToolButton) else None

    # -- helpers ----------------------------------------------------------------------------
    def _set_violations(self, violations: list[Any]) -> None:
        self.list.blockSignals(True)
        had_selection = self.selected() is not None
        self.list.clear()
        self._violations = violations
        for violation in violations:
            item = QTreeWidgetItem([violation.message, violation.rule, ""])
            item.setData(MESSAGE_COLUMN, _VIOLATION_ROLE, violation)
            item.setIcon(MESSAGE_COLUMN, item_icon(
                _SEVERITY_ICONS.get(violation.severity, "information-outline")))
            item.setToolTip(MESSAGE_COLUMN, f"{violation.rule} ({violation.severity}): "
                                            f"{violation.message}")
            self.list.addTopLevelItem(item)
            if violation.fix:
                self.list.setItemWidget(item, FIX_COLUMN, self._fix_button(violation))
        self.list.blockSignals(False)
        if had_selection:
            self.violation_selected.emit(None)
        self._update_fix_buttons()

    def _fix_button(self, violation: Any) -> QToolButton:
        button = QToolButton()
        button.setText(self.tr("Fix"))
        if violation.fix in self.manual_fixes:
            button.setToolTip(self.tr("Add white space where the product meets the frame's "
                                      "edge; check first that the frame did not cut it off"))
        else:
            button.setToolTip(self.tr("Fix this problem ({fix})").format(fix=violation.fix))
        button.clicked.connect(lambda: self.fix_requested.emit(violation))
        return button

    def _update_fix_buttons(self) -> None:
        for index in range(self.list.topLevelItemCount()):
            if (button := self.fix_button(index)) is not None:
                button.setEnabled(not self._busy_fixing)
        fixable = any(v.fix and v.severity == "error" and v.fix not in self.manual_fixes
                      for v in self._violations)
        self.fix_all_button.setEnabled(fixable and not self._busy_fixing)
