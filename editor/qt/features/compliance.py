"""Marketplace compliance in the editor: the Compliance dock checks the photo against a
profile (:mod:`plugins.compliance`), outlines the region of a violation on the canvas,
fixes a violation on request and, with Live check on, checks again after every edit.

Every check and fix runs on a worker thread on a snapshot of the document (the composite
is computed there); the GUI thread never waits. A result for an older request, or for a
document that has changed or closed since, is dropped.

The check sees pixels only (:func:`plugins.compliance.facts.facts_for_pixels`): what the
user edits is not the file it came from, so the file-level rules (format, byte size, colour
profile) stay quiet here; ``lightbox check`` covers files.

A fix lands as one undo step. When it keeps the photo's size and place it is a new raster
layer "Fixed: <rule>" on top. When it pads, crops or scales (aspect ratio, fill, size), the
whole document is first transformed the same way (:class:`TransformDocument`, so masks and
boxes follow) and the fixed pixels land on top, all in one :class:`Macro`.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer
from shiboken6 import isValid
from superqt.utils import create_worker

from editor.model.commands import AddLayer, Macro
from editor.model.compositor import composite
from editor.model.history import Command
from editor.model.layers import RasterLayer
from editor.model.transform import CanvasSize, Resize, TransformDocument
from editor.qt.actions import settings
from editor.qt.features import Feature, feature
from editor.qt.panels.compliance import CompliancePanel
from plugins.compliance.checks import Violation, check, passed
from plugins.compliance.facts import facts_for_pixels
from plugins.compliance.fixes import ON_REQUEST, apply_fixes
from plugins.compliance.profiles import list_profiles, load_profile

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow

DEFAULT_PROFILE = "amazon-main"
#: how long the live check waits after the last edit before it starts
LIVE_DELAY_MS = 500
_PROFILE_KEY = "compliance/profile"
_LIVE_KEY = "compliance/live"
#: fixes that concern the file, not the pixels: on a layer they change nothing
_FILE_FIXES = {"convert_format", "reencode", "convert_color"}


def tr(text: str) -> str:
    return QCoreApplication.translate("Compliance", text)


# -- work done on the worker thread (plain data in, plain data out) -----------------------
@dataclass(frozen=True)
class CheckOutcome:
    """One finished check."""

    profile: str
    title: str
    violations: list[Violation]
    passed: bool


@dataclass(frozen=True)
class FixOutcome:
    """One finished fix: the fixed pixels and how they map onto the document
    (``transform`` = (scale, dx, dy), as :class:`plugins.compliance.fixes.Fixed` says)."""

    image: np.ndarray
    applied: list[str]
    notes: list[str]
    transform: tuple[float, float, float]


def check_snapshot(snapshot: Document, profile_name: str) -> CheckOutcome:
    """Composite ``snapshot`` and check it against the profile ``profile_name``."""
    profile = load_profile(profile_name)
    image = composite(snapshot.layers, snapshot.size)
    violations = check(image, facts_for_pixels(image), profile)
    return CheckOutcome(profile.name, profile.title, violations, passed(violations))


def fix_snapshot(snapshot: Document, profile_name: str, only: set[str] | None) -> FixOutcome:
    """Composite ``snapshot``, check it and apply the fixes ``only`` (None: every fix an
    error needs)."""
    profile = load_profile(profile_name)
    image = composite(snapshot.layers, snapshot.size)
    facts = facts_for_pixels(image)
    violations = check(image, facts, profile)
    fixed = apply_fixes(image, facts, profile, violations, only=only)
    return FixOutcome(fixed.image, [a for a in fixed.applied if a not in _FILE_FIXES],
                      fixed.notes, fixed.transform)


def fix_command(size: tuple[int, int], outcome: FixOutcome, name: str) -> Command:
    """The one undo step that lands ``outcome`` on a ``size`` document as layer ``name``."""
    layer = RasterLayer(name, np.ascontiguousarray(outcome.image))
    scale, dx, dy = outcome.transform
    if layer.size == size and (scale, dx, dy) == (1.0, 0.0, 0.0):
        return AddLayer(layer, text=name)
    steps: list[Command] = []
    w, h = size
    if abs(scale - 1.0) > 1e-6:
        w, h = max(1, round(w * scale)), max(1, round(h * scale))
        steps.append(TransformDocument(Resize(w, h)))
    out_w, out_h = layer.size
    steps.append(TransformDocument(CanvasSize(out_w, out_h, (round(dx), round(dy)),
                                              (255, 255, 255, 255))))
    steps.append(AddLayer(layer))
    return Macro(name, steps)


# -- the feature ----------------------------------------------------------------------------
@feature
class ComplianceFeature(Feature):
    """The Compliance dock and the checks and fixes behind it."""

    name = "compliance"
    order = 60

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.panel = CompliancePanel()
        self.dock = window.add_dock("compliance", tr("Compliance"), self.panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self._doc: Document | None = None
        self._workers: set[Any] = set()
        self._serial = 0  # the newest check request; older results are dropped
        self._checking = False
        self._pending = False
        self._fixing = False
        self._stale = True  # the list does not show the document's current state
        self._timer = QTimer(self.panel, singleShot=True, interval=LIVE_DELAY_MS)
        self._timer.timeout.connect(self.check_now)

        store = settings()
        names = list_profiles()
        saved = str(store.value(_PROFILE_KEY, DEFAULT_PROFILE))
        self.panel.set_profiles(names, saved if saved in names else DEFAULT_PROFILE)
        self.panel.set_live(str(store.value(_LIVE_KEY, "true")).lower() == "true")
        self.panel.profile_changed.connect(self._profile_changed)
        self.panel.live_toggled.connect(self._live_toggled)
        self.panel.check_requested.connect(self.check_now)
        self.panel.violation_selected.connect(self._show_violation)
        self.panel.manual_fixes = ON_REQUEST
        self.panel.fix_requested.connect(self.fix)
        self.panel.fix_all_requested.connect(lambda: self.fix(None))
        self.dock.visibilityChanged.connect(self._dock_shown)

    # -- state ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True while a check or fix runs (or a live check is about to start)."""
        return bool(self._workers) or self._timer.isActive()

    def set_document(self, doc: Document | None) -> None:
        if self._doc is not None:
            self._doc.history.changed.disconnect(self._document_changed)
        self._doc = doc
        self._serial += 1
        self._pending = False
        self._timer.stop()
        self._stale = True
        self.window.canvas.set_highlight(None)
        if doc is None:
            self.panel.show_message(tr("Open a photo to check it."))
            return
        doc.history.changed.connect(self._document_changed)
        if self.panel.is_live():
            self.panel.show_checking()
            self._timer.start()
        else:
            self.panel.show_message(tr("Press Check to check the photo."))

    # -- checking ---------------------------------------------------------------------------
    def check_now(self) -> None:
        """Check the document on a worker now; a check already running is superseded."""
        self._timer.stop()
        if self._doc is None or not self.panel.profile():
            return
        self._serial += 1
        self.panel.show_checking()
        if self._checking:
            self._pending = True  # starts when the running one ends; its result is dropped
            return
        self._start_check()

    def _start_check(self) -> None:
        doc, serial, profile = self._doc, self._serial, self.panel.profile()
        assert doc is not None
        self._pending = False
        self._checking = True
        worker = create_worker(check_snapshot, doc.snapshot(), profile,
                               _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(lambda outcome: self._checked(serial, outcome))
        worker.errored.connect(lambda exc: self._failed(serial, tr("The check failed"), exc))
        worker.finished.connect(lambda: self._check_finished(worker))
        worker.start()

    def _check_finished(self, worker: Any) -> None:
        self._workers.discard(worker)
        self._checking = False
        if self._pending and self._doc is not None and isValid(self.panel):
            self._start_check()

    def _checked(self, serial: int, outcome: CheckOutcome) -> None:
        if serial != self._serial or not isValid(self.panel):
            return  # a newer request (or another document) superseded it
        self._stale = False
        self.panel.show_result(outcome.title, outcome.violations, outcome.passed)

    def _failed(self, serial: int, what: str, exc: BaseException) -> None:
        if serial != self._serial or not isValid(self.panel):
            return
        self.panel.show_message(tr("{what}; see the message above.").format(what=what))
        self.window.notifications.show_message(
            tr("Compliance: {what}: {error}").format(what=what, error=exc), "error",
            "".join(traceback.format_exception(exc)))

    def _document_changed(self) -> None:
        self._stale = True
        if self.panel.is_live() and not self.dock.isHidden():
            self._timer.start()  # restarts: checks once the edits pause

    def _profile_changed(self, name: str) -> None:
        settings().setValue(_PROFILE_KEY, name)
        self.window.canvas.set_highlight(None)
        self.check_now()

    def _live_toggled(self, on: bool) -> None:
        settings().setValue(_LIVE_KEY, "true" if on else "false")
        if on and self._stale:
            self.check_now()
        elif not on:
            self._timer.stop()

    def _dock_shown(self, visible: bool) -> None:
        if visible and self._stale and self.panel.is_live() and self._doc is not None:
            self._timer.start()

    # -- showing a violation ---------------------------------------------------------------
    def _show_violation(self, violation: Violation | None) -> None:
        box = violation.box if violation is not None else None
        canvas = self.window.canvas
        canvas.set_highlight(tuple(box) if box else None)
        if box:
            self._bring_into_view(box)

    def _bring_into_view(self, box: list[int]) -> None:
        """Pan (and zoom out if needed) so the whole box is on screen."""
        canvas = self.window.canvas
        view = QRectF(canvas.viewport().rect())
        x0, y0, x1, y1 = box
        if (x1 - x0) * canvas.zoom() > view.width() or (y1 - y0) * canvas.zoom() > view.height():
            canvas.fit()
        shown = QRectF(canvas.image_to_widget(QPointF(x0, y0)),
                       canvas.image_to_widget(QPointF(x1, y1)))
        if not view.contains(shown):
            centre = shown.center()
            canvas.pan_by(view.center().x() - centre.x(), view.center().y() - centre.y())

    # -- fixing -------------------------------------------------------------------------------
    def fix(self, violation: Violation | None) -> None:
        """Fix ``violation`` (None: every error that has a fix) on a worker; the result
        lands as one undo step if the document has not changed meanwhile."""
        doc = self._doc
        if doc is None or self._fixing:
            return
        if violation is not None and not violation.fix:
            return
        only = {violation.fix} if violation is not None else None
        name = (tr("Fixed: {rule}").format(rule=violation.rule) if violation is not None
                else tr("Fixed for {profile}").format(profile=self.panel.profile()))
        version, profile = doc.history.version, self.panel.profile()
        self._fixing = True
        self.panel.set_fixing(True)
        worker = create_worker(fix_snapshot, doc.snapshot(), profile, only,
                               _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(lambda outcome: self._fixed(doc, version, name, outcome))
        worker.errored.connect(lambda exc: self._failed(self._serial, tr("The fix failed"), exc))
        worker.finished.connect(lambda: self._fix_finished(worker))
        worker.start()

    def _fix_finished(self, worker: Any) -> None:
        self._workers.discard(worker)
        self._fixing = False
        if isValid(self.panel):
            self.panel.set_fixing(False)

    def _fixed(self, doc: Document, version: int, name: str, outcome: FixOutcome) -> None:
        if not isValid(self.panel):
            return
        notify = self.window.notifications.show_message
        if doc is not self._doc or doc.history.version != version:
            notify(tr("The photo changed while it was being fixed; press Fix again."),
                   "warning")
            return
        if not outcome.applied:
            notify(tr("Nothing to fix."), "info")
            return
        doc.history.push(fix_command(doc.size, outcome, name))
        notify(tr("{name} ({fixes}).").format(name=name, fixes=", ".join(outcome.applied)),
               "info", "\n".join(outcome.notes) or None)
        if not self.panel.is_live():
            self.check_now()  # show what the fix cured even without the live check
