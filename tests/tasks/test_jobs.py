import threading
import time

import numpy as np

from editor.tasks.api import Request
from editor.tasks.jobs import Job, JobState
from editor.tasks.registry import Registry


def image(w=8, h=6):
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[..., 0] = 10
    rgba[..., 3] = 255
    return rgba


def make_job(params, **kwargs):
    plugin = Registry.discover().get("fake")
    return Job(plugin, Request(image(), plugin.manifest.validate(params)), **kwargs)


def test_a_job_runs_reports_progress_and_records_the_device(fake_plugins):
    job = make_job({"seconds": 0.05, "steps": 5}, device="cpu")
    updates = []
    job.run(on_update=lambda j: updates.append((j.state, j.progress)))
    assert job.state is JobState.DONE
    assert job.result.layers[0].data[0, 0, 0] == 245
    assert job.device == "cpu" and job.device_reason == ""
    fractions = [p for s, p in updates if s is JobState.RUNNING]
    assert fractions == sorted(fractions) and len(fractions) >= 5
    assert updates[-1] == (JobState.DONE, 1.0)


def test_cancel_stops_a_running_job_promptly(fake_plugins):
    job = make_job({"seconds": 5.0, "steps": 100})
    thread = threading.Thread(target=job.run)
    start = time.monotonic()
    thread.start()
    time.sleep(0.2)
    job.cancel()
    thread.join(2)
    assert job.state is JobState.CANCELLED
    assert time.monotonic() - start < 1.0
    assert job.result is None and job.error == ""


def test_a_job_cancelled_before_it_starts_never_runs(fake_plugins):
    job = make_job({})
    job.cancel()
    job.run()
    assert job.state is JobState.CANCELLED and job.progress == 0.0


def test_a_failing_plugin_gives_a_failed_job_with_details(fake_plugins):
    job = make_job({"fail": True, "seconds": 0.0})
    job.run()
    assert job.state is JobState.FAILED
    assert job.error == "the fake plugin was asked to fail"
    assert "Traceback" in job.details


def test_a_crashing_plugin_is_contained(fake_plugins):
    (fake_plugins / "lightbox_fake_plugin" / "task.py").write_text(
        "def run(request, ctx):\n    return {}['missing']\n"
    )
    job = make_job({})
    job.run()
    assert job.state is JobState.FAILED
    assert "KeyError" in job.error


def test_eta_is_extrapolated_from_progress(fake_plugins):
    job = make_job({})
    job.state = JobState.RUNNING
    job.started = time.monotonic() - 10.0
    job.progress = 0.25
    assert 29.0 < job.eta < 31.0
