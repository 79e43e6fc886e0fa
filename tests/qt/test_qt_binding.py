"""Guard against a Qt binding that corrupts the interpreter in long sessions.

PySide6 6.12.0 on Python 3.11 dropped a reference to None or True on every void call and
signal emit, so an editor session died after a few thousand mouse moves. The check runs in
a child process because the failure is an abort, not an exception.
"""

import os
import subprocess
import sys

SCRIPT = """
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
widget = QWidget()
for _ in range(30000):
    widget.update()
class Source(QObject):
    moved = Signal(int)
source = Source()
source.moved.connect(lambda value: None)
for i in range(30000):
    source.moved.emit(i)
print("ok")
"""


def test_many_signal_emits_and_void_calls_do_not_crash_the_interpreter():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
