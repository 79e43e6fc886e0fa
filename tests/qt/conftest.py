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


@pytest.fixture
def shown_window(qtbot):
    """``shown_window(*plugin_ids)``: a main window with only those installed plugins (all
    of them when none are named), shown and exposed, that discards changes on close."""
    from editor.qt.main_window import MainWindow
    from editor.tasks.registry import Registry

    def make(*plugin_ids: str, size: tuple[int, int] = (900, 600)) -> MainWindow:
        registry = Registry.discover()
        if plugin_ids:
            plugins = [registry.get(pid) for pid in plugin_ids]
            broken = [p for p in plugins if p.broken]
            assert not broken, broken[0].error
            registry = Registry(plugins)
        window = MainWindow(registry)
        window.ask_save_changes = lambda: "discard"
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make
