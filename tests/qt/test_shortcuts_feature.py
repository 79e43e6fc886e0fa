"""The cheat sheet lists every shortcut of the window's menus, grouped by menu."""

import pytest
from PySide6.QtGui import QKeySequence

from editor.qt.features.shortcuts import ShortcutsFeature, shortcut_groups
from editor.qt.main_window import MainWindow


@pytest.fixture
def window(qtbot, fake_plugins):
    win = MainWindow()
    qtbot.addWidget(win)
    return win


def _native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def test_every_menu_action_with_a_shortcut_is_listed_under_its_menu(window):
    groups = dict(shortcut_groups(window))
    assert ("Undo", _native("Ctrl+Z")) in [(c.split(" ")[0], k) for c, k in groups["Edit"]]
    assert ("Crop", "C") in groups["Tools"]
    assert ("Rotate 90° Clockwise", _native("Ctrl+R")) in groups["Image"]
    assert ("Compare: Split View", "Y") in groups["View"]
    assert ("Zoom in / out", "+ / -") in groups["Canvas"]
    assert list(groups)[-1] == "Canvas"
    listed = {key for rows in groups.values() for _, keys in rows for key in keys.split(", ")}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if not action.shortcut().isEmpty():
                assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) \
                    in listed


def test_an_action_added_later_appears_and_the_filter_narrows(qtbot, window):
    window.menu("&Probe").addAction("Do the thing").setShortcut(QKeySequence("Ctrl+Alt+P"))
    feature = next(f for f in window.features if isinstance(f, ShortcutsFeature))
    help_menu = window.menu(window.tr("&Help"))
    assert feature.action in help_menu.actions()
    feature.action.trigger()
    dialog = feature.dialog
    qtbot.waitExposed(dialog)
    assert ("Do the thing", _native("Ctrl+Alt+P")) in dialog.visible_rows()
    dialog.filter.setText("rotate")
    rows = dialog.visible_rows()
    assert rows and all("rotate" in command.lower() for command, _ in rows)
    dialog.filter.clear()
    assert len(dialog.visible_rows()) > len(rows)


def test_no_two_actions_share_a_shortcut(window):
    seen = {}
    for _, rows in shortcut_groups(window)[:-1]:
        for command, keys in rows:
            for key in keys.split(", "):
                assert key not in seen, f"{key}: {seen.get(key)} and {command}"
                seen[key] = command
