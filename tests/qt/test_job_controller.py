"""JobController: plugin jobs run off the GUI thread and land as one undo step."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from editor.model.commands import AddLayer, ReplaceRegion
from editor.model.compositor import composite
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.jobs import JobController
from editor.tasks.device import available_devices
from editor.tasks.jobs import JobState
from editor.tasks.manifest import ParamError
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
    assert ctrl.shutdown(5000), "the worker thread did not stop"


@pytest.fixture
def doc() -> Document:
    d = Document(8, 6)
    pixels = np.zeros((6, 8, 4), np.uint8)
    pixels[..., 0] = 200
    pixels[..., 3] = 255
    d.history.push(AddLayer(RasterLayer("Photo", pixels)))
    return d


def wait_finished(qtbot, controller, job, timeout=15000):
    """Wait until the controller has reported ``job`` finished (its result landed)."""
    qtbot.waitUntil(lambda: job in controller.reported, timeout=timeout)


def test_job_adds_inverted_layer_as_one_undo_step(qtbot, controller, registry, doc):
    updates = []
    controller.job_updated.connect(lambda job: updates.append(job.progress))
    steps_before = doc.history.index
    with qtbot.waitSignal(controller.job_finished, timeout=15000):
        job = controller.submit(doc, registry.get("fake"), {"seconds": 0.3, "steps": 6})
    assert job.state is JobState.DONE
    assert len(updates) >= 2 and max(updates) > 0
    assert [layer.name for layer in doc.layers] == ["Photo", "Inverted"]
    assert doc.history.index == steps_before + 1
    result = doc.layers[-1]
    assert result.source["plugin"] == "fake"
    assert result.source["params"] == {"seconds": 0.3, "steps": 6, "fail": False}
    assert result.source["device"] == job.device == "cpu"
    assert composite(doc.layers, doc.size)[0, 0, 0] == 55  # 255 - 200: the user sees it

    doc.history.undo()
    assert [layer.name for layer in doc.layers] == ["Photo"]
    doc.history.redo()
    assert [layer.name for layer in doc.layers] == ["Photo", "Inverted"]


def test_cancel_running_job_is_prompt_and_adds_nothing(qtbot, controller, registry, doc):
    job = controller.submit(doc, registry.get("fake"), {"seconds": 3.0, "steps": 60})
    qtbot.waitUntil(lambda: job.state is JobState.RUNNING and job.progress > 0, timeout=15000)
    started = time.monotonic()
    controller.cancel(job)
    wait_finished(qtbot, controller, job, timeout=2000)
    assert time.monotonic() - started < 0.5
    assert job.state is JobState.CANCELLED
    assert [layer.name for layer in doc.layers] == ["Photo"]
    assert not controller.busy


def test_failing_job_reports_error_and_details(qtbot, controller, registry, doc):
    with qtbot.waitSignal(controller.job_finished, timeout=15000) as finished:
        controller.submit(doc, registry.get("fake"), {"seconds": 0.1, "steps": 4, "fail": True})
    job = finished.args[0]
    assert job.state is JobState.FAILED
    assert "asked to fail" in job.error
    assert "PluginError" in job.details and "Traceback" in job.details
    assert [layer.name for layer in doc.layers] == ["Photo"]


def test_jobs_run_one_at_a_time_in_order(qtbot, controller, registry, doc):
    states = []
    controller.job_finished.connect(lambda job: states.append(job.id))
    first = controller.submit(doc, registry.get("fake"), {"seconds": 0.3, "steps": 3})
    second = controller.submit(doc, registry.get("fake"), {"seconds": 0.1, "steps": 2})
    assert controller.busy
    assert second.state is JobState.QUEUED
    qtbot.waitUntil(lambda: first.state is JobState.RUNNING, timeout=15000)
    assert second.state is JobState.QUEUED
    wait_finished(qtbot, controller, second)
    assert states == [first.id, second.id]
    assert [layer.name for layer in doc.layers] == ["Photo", "Inverted", "Inverted"]
    assert doc.history.texts[-2:] == ["Run Fake invert", "Run Fake invert"]


def test_cancel_queued_job_never_runs(qtbot, controller, registry, doc):
    first = controller.submit(doc, registry.get("fake"), {"seconds": 0.3, "steps": 3})
    second = controller.submit(doc, registry.get("fake"), {"seconds": 0.1, "steps": 2})
    controller.cancel(second)
    assert second.state is JobState.CANCELLED
    wait_finished(qtbot, controller, first)
    assert len(doc.layers) == 2


def test_ui_stays_responsive_during_a_long_job(qtbot, controller, registry, doc):
    # the first device probe imports torch, whose native loading holds the GIL for a moment;
    # that is a one-off per session, not what this test measures
    available_devices()
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    job = controller.submit(doc, registry.get("fake"), {"seconds": 3.0, "steps": 300})
    wait_finished(qtbot, controller, job, timeout=10000)
    timer.stop()
    assert job.state is JobState.DONE
    gaps = np.diff(ticks)
    assert len(ticks) > 100
    assert gaps.max() < 0.1, f"the GUI thread stalled for {gaps.max() * 1000:.0f} ms"


def test_result_dropped_when_document_closed(qtbot, controller, registry, doc):
    job = controller.submit(doc, registry.get("fake"), {"seconds": 0.3, "steps": 3})
    controller.drop_document(doc)
    wait_finished(qtbot, controller, job)
    assert [layer.name for layer in doc.layers] == ["Photo"]


def test_bad_params_and_broken_plugin_refused(controller, registry, doc):
    with pytest.raises(ParamError):
        controller.submit(doc, registry.get("fake"), {"steps": 0})
    with pytest.raises(ValueError):
        controller.submit(doc, registry.get("broken"), {})
    assert controller.jobs == [] and not controller.busy


def test_clear_finished_forgets_finished_jobs(qtbot, controller, registry, doc):
    job = controller.submit(doc, registry.get("fake"), {"seconds": 0.0, "steps": 1})
    wait_finished(qtbot, controller, job)
    with qtbot.waitSignal(controller.job_removed):
        controller.clear_finished()
    assert controller.jobs == []


def test_shutdown_cancels_and_joins(qtbot, registry, doc):
    ctrl = JobController()
    job = ctrl.submit(doc, registry.get("fake"), {"seconds": 3.0, "steps": 60})
    qtbot.waitUntil(lambda: job.progress > 0, timeout=15000)
    thread = ctrl._thread
    started = time.monotonic()
    assert ctrl.shutdown(2000)
    assert time.monotonic() - started < 1.0
    assert thread.isFinished()
    assert job.state is JobState.CANCELLED
    assert not ctrl.busy


def test_a_result_for_an_image_transformed_meanwhile_is_refused(qtbot, controller, registry,
                                                                doc):
    job = controller.submit(doc, registry.get("fake"), {"seconds": 0.5, "steps": 5})
    flipped = [layer.duplicate(layer.name) for layer in doc.layers]
    doc._replace_all(doc.width, doc.height, flipped, None)  # what a flip command does
    wait_finished(qtbot, controller, job)
    assert job.state is JobState.FAILED and "flipped" in job.error
    assert [layer.name for layer in doc.layers] == [layer.name for layer in flipped]


def test_a_finished_job_lets_go_of_its_pixels(qtbot, controller, registry, doc):
    job = controller.submit(doc, registry.get("fake"), {"seconds": 0.0})
    wait_finished(qtbot, controller, job)
    assert job.state is JobState.DONE
    assert job.request is None and job.result is None
    assert doc.layers[-1].name == "Inverted"


def test_a_report_only_plugin_adds_no_layer_and_says_what_it_found(qtbot, controller,
                                                                   fake_plugins, doc):
    (fake_plugins / "lightbox_fake_plugin" / "task.py").write_text(
        "from editor.tasks.api import Result\n\n"
        "def run(request, ctx):\n"
        "    return Result([], report={'label': 'reject', 'score': 0.91})\n"
    )
    job = controller.submit(doc, Registry.discover().get("fake"), {})
    wait_finished(qtbot, controller, job)
    assert job.state is JobState.DONE
    assert job.summary == "label reject, score 0.91"
    assert [layer.name for layer in doc.layers] == ["Photo"] and not doc.history.can_redo


BIGGER_TASK = (
    "import time\n"
    "import numpy as np\n"
    "from editor.tasks.api import OutputLayer, Result\n\n"
    "def run(request, ctx):\n"
    "    time.sleep(float(request.params.get('seconds', 0)))\n"
    "    big = np.repeat(np.repeat(request.image, 2, axis=0), 2, axis=1)\n"
    "    return Result([OutputLayer('raster', 'Upscaled', big)])\n"
)


def test_a_result_that_resizes_the_document_is_prepared_off_the_gui_thread(
        qtbot, controller, fake_plugins, doc, monkeypatch):
    import threading

    from editor.model import transform

    (fake_plugins / "lightbox_fake_plugin" / "task.py").write_text(BIGGER_TASK)
    threads = []
    original = transform.TransformDocument.prepare

    def recording(self, *args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(transform.TransformDocument, "prepare", recording)
    job = controller.submit(doc, Registry.discover().get("fake"), {})
    wait_finished(qtbot, controller, job)
    assert job.state is JobState.DONE, job.error
    assert doc.size == (16, 12)
    assert [layer.name for layer in doc.layers] == ["Photo", "Upscaled"]
    assert threads == [False]  # once, on the worker: the GUI thread only swapped data in
    doc.history.undo()
    assert doc.size == (8, 6) and [layer.name for layer in doc.layers] == ["Photo"]


def test_an_edit_made_while_the_result_was_prepared_is_kept(qtbot, controller, fake_plugins,
                                                            doc, monkeypatch):
    """The worker's command is stale once the user edits: the GUI builds it again."""
    import threading

    from editor.qt import jobs

    (fake_plugins / "lightbox_fake_plugin" / "task.py").write_text(BIGGER_TASK)
    prepared, edited = threading.Event(), threading.Event()
    original = jobs._prepare

    def slow(pending, job):
        landing = original(pending, job)
        prepared.set()
        edited.wait(5)  # the user edits right now, before the result lands
        return landing

    monkeypatch.setattr(jobs, "_prepare", slow)
    job = controller.submit(doc, Registry.discover().get("fake"), {})
    qtbot.waitUntil(prepared.is_set, timeout=15000)
    photo = doc.layers[0]
    stroke = np.full((6, 4, 4), 255, np.uint8)  # the left half painted white
    doc.history.push(ReplaceRegion(photo, 0, 0, stroke))
    edited.set()
    wait_finished(qtbot, controller, job)
    assert job.state is JobState.DONE, job.error
    assert [layer.name for layer in doc.layers] == ["Photo", "Upscaled"]
    assert photo.pixels.shape == (12, 16, 4)
    assert photo.pixels[:, :6, 0].min() > 230  # the stroke, resized with the photo
    assert np.abs(photo.pixels[:, 11:, 0].astype(int) - 200).max() < 15
    doc.history.undo()
    assert doc.size == (8, 6) and (photo.pixels[:, :4, 0] == 255).all()
