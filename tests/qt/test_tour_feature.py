"""The first-run tour, Help -> About / Run Self-Test, Preferences and the Models dock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from editor.qt.features import tour
from editor.qt.features.help import HelpFeature
from editor.qt.features.models import ModelsFeature
from editor.qt.features.tour import TourFeature
from editor.qt.i18n import chosen_language
from editor.qt.main_window import MainWindow


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _feature(window: MainWindow, cls):
    return next(f for f in window.features if isinstance(f, cls))


def test_a_new_window_does_not_start_the_tour_by_itself(window):
    assert _feature(window, TourFeature).card is None
    assert tour.is_first_run()


def test_the_tour_walks_cut_out_background_check_export(window, qtbot):
    card = tour.start(window)
    assert card is not None and card.isVisible()
    assert not tour.is_first_run()  # shown once: not again at the next start
    titles = []
    for _ in range(len(card.cards)):
        titles.append(card.title.text())
        qtbot.mouseClick(card.next_button, Qt.MouseButton.LeftButton)
    assert len(titles) == 4
    for word, title in zip(("Cut out", "background", "Check", "Export"), titles, strict=True):
        assert word.lower() in title.lower()
    assert not card.isVisible()  # "Done" on the last card closes it
    assert _feature(window, TourFeature).card is None


def test_the_tour_can_be_dismissed_and_brought_back_from_help(window, qtbot):
    card = tour.start(window)
    qtbot.mouseClick(card.skip_button, Qt.MouseButton.LeftButton)
    assert not card.isVisible()
    feature = _feature(window, TourFeature)
    help_menu = window.menu(window.tr("&Help"))
    assert feature.action in help_menu.actions()
    feature.action.trigger()
    assert feature.card is not None and feature.card.isVisible()
    assert feature.card.index == 0


def test_about_lists_the_bundled_models_and_their_licences(window):
    dialog = _feature(window, HelpFeature).show_about()
    text = dialog.browser.toPlainText()
    for plugin in ("segment", "denoise", "upscale", "autolabel"):
        assert plugin in text
    assert "BSD-3-Clause" in text and "LGPL-3.0" in text and "Apache-2.0" in text
    dialog.close()


def test_run_selftest_shows_its_lines_without_blocking(window, qtbot, monkeypatch):
    import sys

    from editor.cli import selftest

    # a quick command in place of the real self-test, which takes a minute
    monkeypatch.setattr(selftest, "selftest_command",
                        lambda: [sys.executable, "-c", "print('plugin demo  ok  cpu')"])
    dialog = _feature(window, HelpFeature).show_selftest()
    assert dialog.is_running() or dialog.output.toPlainText()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=20_000)
    qtbot.waitUntil(lambda: "plugin demo" in dialog.output.toPlainText(), timeout=5_000)
    assert dialog.run_button.isEnabled()
    dialog.close()


def test_preferences_store_the_language_for_the_next_start(window):
    dialog = _feature(window, HelpFeature).show_preferences()
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    dialog.accept()
    assert chosen_language() == "zh_CN"


def test_the_models_dock_shows_the_card_of_the_chosen_plugin(window):
    feature = _feature(window, ModelsFeature)
    window.plugin_panel.select_plugin("segment")
    text = feature.card.toPlainText()
    assert "UNet-EffLite0" in text and "Apache-2.0" in text and "sha256" in text
    rows = [feature.list.item(i).text() for i in range(feature.list.count())]
    assert any("learned model" in r for r in rows)
    assert any(r.startswith("Custom photo rule") and "not trained yet" in r for r in rows)
    window.plugin_panel.select_plugin("compliance")
    assert "classical" in feature.card.toPlainText()
