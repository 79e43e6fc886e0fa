"""PluginPanel: a form from the manifest, broken plugins shown but not runnable, Run."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from editor.model.commands import AddLayer, SetSelection
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.jobs import JobController
from editor.qt.panels.plugins import PluginPanel
from editor.qt.param_form import ParamForm, PathEdit
from editor.tasks.jobs import JobState
from editor.tasks.manifest import Manifest, ParamSpec
from editor.tasks.registry import PluginInfo, Registry


class RecordingController:
    """Stands in for JobController: records what Run submits."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def submit(self, doc, plugin, params, *, selection_only=False, device="auto"):
        self.calls.append(dict(doc=doc, plugin=plugin.id, params=params,
                               selection_only=selection_only, device=device))
        return SimpleNamespace(title=plugin.name)


@pytest.fixture
def doc() -> Document:
    d = Document(6, 4)
    pixels = np.full((4, 6, 4), 255, np.uint8)
    d.history.push(AddLayer(RasterLayer("Photo", pixels)))
    return d


@pytest.fixture
def registry(fake_plugins) -> Registry:
    return Registry.discover()


@pytest.fixture
def recorder() -> RecordingController:
    return RecordingController()


@pytest.fixture
def panel(qtbot, registry, recorder, doc) -> PluginPanel:
    p = PluginPanel(registry, recorder, devices=["cpu"])
    qtbot.addWidget(p)
    p.set_document(doc)
    p.select_plugin("fake")  # other installed plugins may sort first
    return p


def test_form_is_built_from_the_manifest(panel):
    assert panel.plugin.id == "fake"
    seconds = panel.form.widget("seconds")
    steps = panel.form.widget("steps")
    fail = panel.form.widget("fail")
    assert isinstance(seconds, QDoubleSpinBox)
    assert (seconds.minimum(), seconds.maximum(), seconds.value()) == (0.0, 30.0, 0.2)
    assert isinstance(steps, QSpinBox)
    assert (steps.minimum(), steps.maximum(), steps.value()) == (1, 1000, 10)
    assert isinstance(fail, QCheckBox) and not fail.isChecked()
    assert steps.toolTip() == "How many progress reports."
    assert "Inverts colours" in panel.description.text()
    assert panel.values() == {"seconds": 0.2, "steps": 10, "fail": False}


def test_every_param_type_gets_its_widget(qtbot, tmp_path):
    specs = (
        ParamSpec("scale", "choice", "x2", choices=("x2", "x3", "x4")),
        ParamSpec("caption", "str", "hello", label="Caption text"),
        ParamSpec("weights", "path", str(tmp_path)),
        ParamSpec("strength", "float", 0.25, min=0.0, max=1.0, step=0.05),
        ParamSpec("tile", "int", 512, min=64, max=2048, step=64),
    )
    form = ParamForm(specs)
    qtbot.addWidget(form)
    assert isinstance(form.widget("scale"), QComboBox)
    assert [form.widget("scale").itemText(i) for i in range(3)] == ["x2", "x3", "x4"]
    assert isinstance(form.widget("caption"), QLineEdit)
    assert isinstance(form.widget("weights"), PathEdit)
    assert form.widget("tile").singleStep() == 64
    assert form.widget("strength").singleStep() == pytest.approx(0.05)
    assert form.values() == {"scale": "x2", "caption": "hello", "weights": str(tmp_path),
                             "strength": 0.25, "tile": 512}
    form.set_values({"scale": "x4", "tile": 1024, "caption": "bye"})
    form.reset()
    assert form.values()["scale"] == "x2" and form.values()["tile"] == 512


def test_optional_number_offers_auto(qtbot):
    spec = ParamSpec("sigma", "float", None, label="Noise level", min=0.0, max=100.0, step=1.0,
                     optional=True)
    form = ParamForm([spec])
    qtbot.addWidget(form)
    box = form.widget("sigma")
    assert box.text() == "Auto"
    assert form.values() == {"sigma": None}
    form.set_values({"sigma": 12.0})
    assert form.values() == {"sigma": 12.0}
    box.setValue(box.minimum())
    assert form.values() == {"sigma": None}


def test_broken_plugin_shown_but_not_runnable(panel):
    combo = panel.plugin_combo
    row = combo.findData("broken")
    assert row >= 0
    item = combo.model().item(row)
    assert not item.isEnabled()
    assert "version" in item.toolTip() or "entry" in item.toolTip()
    panel.select_plugin("broken")
    assert panel.form is None
    assert "cannot be used" in panel.description.text()
    assert not panel.run_button.isEnabled()
    assert panel.run() is None


def test_run_submits_the_form_values(panel, recorder, doc):
    panel.form.widget("steps").setValue(42)
    panel.form.widget("fail").setChecked(True)
    panel.device_combo.setCurrentIndex(panel.device_combo.findData("cpu"))
    panel.run_button.click()
    assert recorder.calls == [dict(doc=doc, plugin="fake",
                                   params={"seconds": 0.2, "steps": 42, "fail": True},
                                   selection_only=False, device="cpu")]


def test_run_on_selection_needs_a_selection(panel, recorder, doc):
    assert panel.run_button.isEnabled()
    assert not panel.run_selection_button.isEnabled()
    mask = np.zeros((4, 6), np.uint8)
    mask[1:3, 2:4] = 255
    doc.history.push(SetSelection(mask))
    assert panel.run_selection_button.isEnabled()
    panel.run_selection_button.click()
    assert recorder.calls[-1]["selection_only"] is True
    doc.history.undo()
    assert not panel.run_selection_button.isEnabled()


def test_values_remembered_per_plugin_and_reset(qtbot, registry, recorder, doc):
    other = PluginInfo("other", "other", Manifest(
        "other", "Other", "1", "x:y", Path("."), params=(ParamSpec("n", "int", 3),)))
    reg = Registry([*registry.plugins, other])
    p = PluginPanel(reg, recorder, devices=[])
    qtbot.addWidget(p)
    p.select_plugin("fake")
    p.form.widget("steps").setValue(77)
    p.select_plugin("other")
    assert p.values() == {"n": 3}
    p.select_plugin("fake")
    assert p.values()["steps"] == 77
    p.reset_button.click()
    assert p.values()["steps"] == 10


def test_bad_run_shows_the_reason(qtbot, registry, doc):
    class Refusing(RecordingController):
        def submit(self, *args, **kwargs):
            raise ValueError("steps: 0 is below the minimum 1")

    p = PluginPanel(registry, Refusing(), devices=[])
    qtbot.addWidget(p)
    p.set_document(doc)
    p.select_plugin("fake")
    assert p.run() is None
    assert "below the minimum" in p.status.text()


def test_no_document_nothing_to_run(qtbot, registry, recorder):
    p = PluginPanel(registry, recorder, devices=[])
    qtbot.addWidget(p)
    assert not p.run_button.isEnabled()


def test_devices_are_probed_in_the_background(qtbot, registry, recorder):
    p = PluginPanel(registry, recorder)
    qtbot.addWidget(p)
    assert p.device_combo.itemData(0) == "auto"
    qtbot.waitUntil(lambda: p.device_combo.findData("cpu") >= 0, timeout=30000)


def test_run_with_the_real_controller(qtbot, registry, doc):
    controller = JobController()
    p = PluginPanel(registry, controller, devices=["cpu"])
    qtbot.addWidget(p)
    p.set_document(doc)
    p.select_plugin("fake")
    p.form.widget("seconds").setValue(0.0)
    try:
        job = p.run()
        qtbot.waitUntil(lambda: job.state.finished, timeout=15000)
        assert job.state is JobState.DONE
        qtbot.waitUntil(lambda: len(doc.layers) == 2, timeout=1000)
        assert doc.layers[-1].name == "Inverted"
    finally:
        assert controller.shutdown(5000)


def test_the_panel_opens_on_the_plugin_run_last_else_the_cutout(qtbot, registry, recorder):
    def info(plugin_id, name):
        return PluginInfo(plugin_id, plugin_id, Manifest(plugin_id, name, "1", "x:y", Path(".")))

    reg = Registry([*registry.plugins, info("autolabel", "Auto-label boxes"),
                    info("segment", "Cut out product")])
    first = PluginPanel(reg, recorder, devices=[])
    qtbot.addWidget(first)
    assert first.plugin_combo.currentData() == "segment"  # never used: the cutout
    first.select_plugin("autolabel")
    again = PluginPanel(reg, recorder, devices=[])
    qtbot.addWidget(again)
    assert again.plugin_combo.currentData() == "autolabel"  # what the user chose last


def test_only_the_chosen_plugins_form_is_shown(qtbot, registry, recorder):
    """A replaced form disappears at once, not when Qt gets round to deleting it: opening
    on a plugin other than the first builds two forms, and the first must not linger over
    the panel's top rows."""
    def info(plugin_id, name):
        manifest = Manifest(plugin_id, name, "1", "x:y", Path("."),
                            params=[ParamSpec("amount", "int", default=1)])
        return PluginInfo(plugin_id, plugin_id, manifest)

    reg = Registry([info("aaa", "A first"), info("segment", "Cut out product")])
    panel = PluginPanel(reg, recorder, devices=[])
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.plugin_combo.currentData() == "segment"
    assert panel.findChildren(ParamForm) == [panel.form]  # built once at start-up
    shown = [f for f in panel.findChildren(ParamForm) if f.isVisible()]
    assert shown == [panel.form]
    panel.select_plugin("aaa")
    qtbot.waitUntil(panel.form.isVisible)  # a layout shows a new widget on the next loop
    assert [f for f in panel.findChildren(ParamForm) if f.isVisible()] == [panel.form]
