"""Fixtures shared by the Qt tests."""

import pytest

from editor.qt.canvas import Canvas


@pytest.fixture
def canvas(qtbot) -> Canvas:
    """An empty canvas, 400x300, shown and exposed (tests that need another size or a
    document define their own ``canvas``)."""
    widget = Canvas()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
