"""The longest time the editor window cannot react while the user's first AI job starts
and while its result lands (target < 100 ms), beside the same editor without the start-up
warm-up (:mod:`editor.qt.warmup`).

The click comes 4 s after the window opened, or when the warm-up has finished if that takes
longer (a busy machine). Each variant runs in a fresh interpreter (the first ``import
torch`` is what freezes a window, and it happens once per process), offscreen, on the
bundled bottle sample with the Cut out product plugin: a 5 ms timer on the GUI thread
records the largest gap between its ticks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from bench.common import Report

SCRIPT = textwrap.dedent("""
    import json, os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from editor.qt import warmup
    if sys.argv[1] == "off":
        warmup._started.set()  # as if it had run: no warm-up
    from editor.model.files import open_document
    from editor.paths import SAMPLES
    from editor.qt.main_window import MainWindow
    from editor.tasks.registry import Registry
    window = MainWindow(Registry.discover())
    window.ask_save_changes = lambda: "discard"
    window.show()
    doc, notices = open_document(SAMPLES / "bottle.png")
    window.load_document(doc, notices)
    window.plugin_panel.select_plugin("segment")
    clock, gaps, phase = QElapsedTimer(), {"start": 0, "land": 0}, ["idle"]
    clock.start()
    last = [clock.elapsed()]
    def tick():
        now = clock.elapsed()
        if phase[0] in gaps:
            gaps[phase[0]] = max(gaps[phase[0]], now - last[0])
        last[0] = now
    timer = QTimer(interval=5, timeout=tick)
    timer.start()
    def progressed(job):
        if phase[0] == "start" and job.progress > 0:
            phase[0] = "run"
    def finished(job):
        phase[0] = "land"
        QTimer.singleShot(800, app.quit)
    window.jobs.job_updated.connect(progressed)
    window.jobs.job_finished.connect(finished)
    started = time.monotonic()
    def submit():
        # the user's first click: a few seconds after the window opened, or once the
        # warm-up has loaded (it takes longer on a busy machine)
        if warmup.running() and time.monotonic() - started < 60:
            QTimer.singleShot(200, submit)
            return
        phase[0] = "start"
        window.plugin_panel.run()
    QTimer.singleShot(4000, submit)
    QTimer.singleShot(120000, app.quit)
    app.exec()
    print(json.dumps(gaps))
""")


def _stalls(variant: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, variant], capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(report: Report) -> None:
    """Longest UI stall at the first job's start and at its result, with and without the
    warm-up."""
    if not report.installed("segment"):
        report.skip("editor stall", "the segment plugin is not installed")
        return
    ours, plain = _stalls("on"), _stalls("off")
    for phase in ("start", "land"):
        report.figure("editor", "bottle-1200x900", f"first-job-{phase}", "ui-stall",
                      float(ours[phase]), "ms", "no-warm-up", float(plain[phase]))
