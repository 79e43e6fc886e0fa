"""The Simplified Chinese editor: the catalogue covers the Qt layer's strings, the editor
starts in zh_CN with translated menus, and plugin manifests are translated."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from editor.qt import i18n
from editor.qt.i18n_sources import QT_SOURCES, extract, missing, qt_source_files, read_ts
from editor.tasks.registry import Registry

TS = i18n.I18N / "lightbox_zh_CN.ts"


def test_every_tr_string_of_the_qt_layer_is_in_the_catalogue():
    entries = read_ts(TS)
    lacking = missing(entries, extract(qt_source_files()))
    assert not lacking, (
        f"{len(lacking)} strings of editor/qt are not in {TS.name}; run `make i18n` and "
        "translate them: " + "; ".join(f"[{m.context}] {m.source!r}" for m in lacking[:10]))


def test_the_catalogue_is_translated():
    live = [e for e in read_ts(TS).values() if not e.vanished]
    done = sum(e.finished and bool(e.translation) for e in live)
    assert live and done / len(live) >= 0.95, f"{done} of {len(live)} strings translated"


def test_the_extractor_finds_strings_a_new_file_adds(tmp_path):
    module = tmp_path / "panel.py"
    module.write_text(
        "from PySide6.QtCore import QCoreApplication\n"
        "def tr(text):\n    return QCoreApplication.translate('NewPanel', text)\n"
        "class Panel:\n    def title(self):\n        return self.tr('A brand new title')\n"
        "LABEL = tr('A brand new label')\n")
    found = extract([module], base=tmp_path)
    lacking = {(m.context, m.source) for m in missing(read_ts(TS), found)}
    assert lacking == {("Panel", "A brand new title"), ("NewPanel", "A brand new label")}


@pytest.mark.skipif(shutil.which("pyside6-lupdate") is None
                    and not (Path(QT_SOURCES).parents[1] / ".venv/bin/pyside6-lupdate").exists(),
                    reason="pyside6-lupdate is not installed")
def test_pyside6_lupdate_finds_no_string_the_catalogue_lacks(tmp_path):
    """A second, independent extractor: Qt's own lupdate over the same sources."""
    tool = shutil.which("pyside6-lupdate") or str(
        Path(QT_SOURCES).parents[1] / ".venv/bin/pyside6-lupdate")
    out = tmp_path / "lupdate.ts"
    subprocess.run([tool, *map(str, qt_source_files()), "-ts", str(out)], check=True,
                   capture_output=True, timeout=60)
    ours = {m.source for m, e in read_ts(TS).items() if not e.vanished}
    theirs = {m.source for m in read_ts(out)}
    assert not theirs - ours, sorted(theirs - ours)[:10]


def test_the_language_follows_the_system_locale_unless_chosen():
    assert i18n.resolve("system", QLocale("zh_CN")) == "zh_CN"
    assert i18n.resolve("system", QLocale("zh_TW")) == "zh_CN"
    assert i18n.resolve("system", QLocale("de_DE")) == "en"
    assert i18n.resolve("en", QLocale("zh_CN")) == "en"
    assert i18n.chosen_language() == "system"
    i18n.set_chosen_language("zh_CN")
    assert i18n.chosen_language() == "zh_CN"


@pytest.fixture
def chinese(qapp):
    translators = i18n.install(qapp, "zh_CN")
    assert translators, "no zh_CN translation could be loaded"
    yield
    for translator in translators:
        QApplication.removeTranslator(translator)


def test_the_editor_starts_in_chinese_with_translated_menus(qtbot, chinese):
    from editor.qt.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions() if a.menu()]
    for expected in ("文件(&F)", "编辑(&E)", "视图(&V)", "工具(&T)", "帮助(&H)"):
        assert expected in titles
    docks = {d.windowTitle() for d in window.docks.values()}
    assert {"图层", "历史记录", "插件"} <= docks
    # a string asked for under a context lupdate cannot know (a mixin's self.tr)
    assert window.tr("Save changes?") == "保存更改？"


def test_plugin_names_and_params_are_translated_from_the_catalogue():
    registry = i18n.translate_registry(Registry.discover(), "zh_CN")
    segment = registry.get("segment").manifest
    assert segment.name == "商品抠图"
    assert segment.param("edges").title == "柔和边缘"
    assert segment.param("output").choices == ("both", "mask", "cutout")  # values stay
    assert "抠图" in segment.description
    english = Registry.discover().get("segment").manifest
    assert english.name == "Cut out product"
