"""JobsPanel: one row per job with progress, cancel, device and error details."""

from __future__ import annotations

import numpy as np
import pytest

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.jobs import JobController
from editor.qt.panels.jobs import JobsPanel
from editor.tasks.jobs import JobState
from editor.tasks.registry import Registry


@pytest.fixture
def registry(fake_plugins) -> Registry:
    return Registry.discover()


@pytest.fixture
def controller(qtbot):
    ctrl = JobController()
    ctrl.reported = []
    ctrl.job_finished.connect(ctrl.reported.append)
    yield ctrl
    assert ctrl.shutdown(5000)


@pytest.fixture
def panel(qtbot, controller) -> JobsPanel:
    p = JobsPanel(controller)
    qtbot.addWidget(p)
    p.resize(400, 500)
    p.show()
    return p


@pytest.fixture
def doc() -> Document:
    d = Document(4, 4)
    d.history.push(AddLayer(RasterLayer("Photo", np.full((4, 4, 4), 255, np.uint8))))
    return d


def test_row_shows_progress_time_left_and_device(qtbot, panel, controller, registry, doc):
    assert panel.empty.isVisible()
    job = controller.submit(doc, registry.get("fake"), {"seconds": 1.5, "steps": 30})
    row = panel.row(job)
    assert row.title.text() == "Fake invert"
    assert not panel.empty.isVisible()
    qtbot.waitUntil(lambda: row.progress.value() > 300, timeout=15000)  # torch loads first
    assert row.progress.isVisible()
    assert "s left" in row.progress.text()
    assert row.message.text().startswith("step ")
    assert row.cancel_button.isVisible()
    assert "CPU" in row.device.text()
    qtbot.waitUntil(lambda: job in controller.reported, timeout=15000)
    assert row.state_icon.toolTip() == "Done"
    assert not row.cancel_button.isVisible() and not row.progress.isVisible()
    assert "Ran on CPU" in row.device.text()


def test_cancel_button_cancels(qtbot, panel, controller, registry, doc):
    job = controller.submit(doc, registry.get("fake"), {"seconds": 3.0, "steps": 60})
    queued = controller.submit(doc, registry.get("fake"), {"seconds": 3.0, "steps": 60})
    assert panel.row(queued).progress.text() == "Waiting"
    panel.row(queued).cancel_button.click()
    assert queued.state is JobState.CANCELLED
    assert panel.row(queued).message.text() == "Cancelled"
    qtbot.waitUntil(lambda: job.progress > 0, timeout=15000)
    panel.row(job).cancel_button.click()
    qtbot.waitUntil(lambda: job in controller.reported, timeout=2000)
    assert job.state is JobState.CANCELLED
    assert panel.row(job).message.text() == "Cancelled"
    assert len(doc.layers) == 1


def test_failed_job_shows_error_and_details(qtbot, panel, controller, registry, doc):
    job = controller.submit(doc, registry.get("fake"), {"seconds": 0.1, "steps": 4,
                                                        "fail": True})
    qtbot.waitUntil(lambda: job in controller.reported, timeout=15000)
    row = panel.row(job)
    assert row.error.isVisible()
    assert "asked to fail" in row.error.text()
    assert row.details_button.isVisible()
    row.details_button.click()
    dialog = row.details_dialog
    assert dialog is not None and dialog.isVisible()
    assert "Traceback" in dialog.text.toPlainText()
    dialog.reject()


def test_clear_finished_removes_rows(qtbot, panel, controller, registry, doc):
    assert not panel.clear_button.isEnabled()
    done = controller.submit(doc, registry.get("fake"), {"seconds": 0.0, "steps": 1})
    qtbot.waitUntil(lambda: done in controller.reported, timeout=15000)
    running = controller.submit(doc, registry.get("fake"), {"seconds": 3.0, "steps": 60})
    assert panel.clear_button.isEnabled()
    panel.clear_button.click()
    assert list(panel.rows) == [running.id]
    controller.cancel(running)


def test_rows_for_jobs_submitted_before_the_panel(qtbot, controller, registry, doc):
    job = controller.submit(doc, registry.get("fake"), {"seconds": 0.0, "steps": 1})
    p = JobsPanel(controller)
    qtbot.addWidget(p)
    assert p.row(job).job is job
