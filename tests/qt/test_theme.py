"""Themes: light, dark or following the system, remembered between runs."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

from editor.qt.theme import ThemeManager


@pytest.fixture(autouse=True)
def restore_look():
    """Themes change the whole application; put it back for the other tests."""
    app = QApplication.instance()
    palette, sheet, style = app.palette(), app.styleSheet(), app.style().name()
    yield
    app.setStyleSheet(sheet)
    app.setPalette(palette)
    if style:
        app.setStyle(style)


def window_lightness() -> int:
    return QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness()


def test_dark_and_light_are_applied_and_remembered(qtbot):
    app = QApplication.instance()
    theme = ThemeManager(app)
    theme.set_mode("dark")
    assert theme.is_dark() and window_lightness() < 80
    assert ThemeManager(app).mode == "dark"  # the next run starts dark
    theme.set_mode("light")
    assert not theme.is_dark() and window_lightness() > 200
    theme.set_mode("system")


def test_menu_offers_three_exclusive_choices(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    theme = ThemeManager(QApplication.instance())
    menu = theme.menu(parent)
    actions = menu.actions()
    assert [a.data() for a in actions] == ["system", "light", "dark"]
    assert [a.isChecked() for a in actions] == [True, False, False]
    with qtbot.waitSignal(theme.theme_changed):
        actions[2].trigger()
    assert theme.mode == "dark" and actions[2].isChecked() and not actions[0].isChecked()
    theme.set_mode("system")
