"""The plugin panel: choose a plugin, set its parameters and device, run it on the image.

The form is built from the plugin's manifest (:mod:`editor.qt.param_form`); values are
remembered per plugin for the session. Running goes through the
:class:`~editor.qt.jobs.JobController`, which does the work off the GUI thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.qt.actions import settings
from editor.qt.icons import icon
from editor.qt.param_form import ParamForm
from editor.tasks.device import available_devices, probe_in_subprocess
from editor.training.store import ModelError, ModelStore

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.jobs import JobController
    from editor.tasks.jobs import Job
    from editor.tasks.registry import PluginInfo, Registry

#: the plugin shown first: the one run last time, else the cutout, the most used
LAST_PLUGIN_KEY = "plugins/last"
DEFAULT_PLUGIN = "segment"


class _DeviceProbe(QObject):
    """Asks which devices exist on a helper thread: the first probe imports torch (seconds)."""

    found = Signal(list)

    def start(self) -> None:
        threading.Thread(target=self._probe, name="lightbox-device-probe", daemon=True).start()

    def _probe(self) -> None:
        probe_in_subprocess()  # keeps torch's GIL-holding import out of the GUI process
        devices = available_devices()
        # RuntimeError: the panel closed before the probe finished, nobody is left to tell
        with contextlib.suppress(RuntimeError):
            self.found.emit(devices)  # queued to the GUI thread


class PluginPanel(QWidget):
    """Plugin chooser, description, parameter form, device choice and Run buttons.

    ``devices`` lists the devices to offer besides "auto"; by default they are probed in
    the background (``available_devices``). ``job_submitted(job)`` follows every Run;
    ``run_refused(reason)`` says why a Run did not start (also shown in the panel).

    A trainable plugin with a ``model`` param gets a Model list (the bundled default and
    the user's trained models, from the :class:`~editor.training.store.ModelStore`) and a
    "Train…" button (``train_requested(plugin_id)``).
    """

    job_submitted = Signal(object)
    run_refused = Signal(str)
    #: the user asked to train a plugin (its id); the main window opens the Train dialog
    train_requested = Signal(str)

    def __init__(
        self,
        registry: Registry,
        controller: JobController,
        parent: QWidget | None = None,
        *,
        devices: Sequence[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.registry = registry
        self.controller = controller
        self.doc: Document | None = None
        self.form: ParamForm | None = None
        self._remembered: dict[str, dict[str, Any]] = {}
        self._plugin: PluginInfo | None = None

        self.plugin_combo = QComboBox()
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.form_host = QVBoxLayout()
        self.form_host.setContentsMargins(0, 0, 0, 0)
        self.reset_button = QPushButton(icon("restore"), self.tr("Reset to defaults"))
        self.reset_button.clicked.connect(self.reset_params)
        self.device_combo = QComboBox()
        self.device_combo.setToolTip(self.tr(
            "Where the plugin runs. Automatic uses a GPU when there is one, else the CPU."))
        self.device_combo.addItem(self.tr("Automatic"), "auto")
        self.run_button = QPushButton(icon("play"), self.tr("Run"))
        self.run_button.setToolTip(self.tr("Run on the whole image"))
        self.run_selection_button = QPushButton(icon("selection"), self.tr("Run on selection"))
        self.run_button.clicked.connect(lambda: self.run(selection_only=False))
        self.run_selection_button.clicked.connect(lambda: self.run(selection_only=True))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.model_combo = QComboBox()
        self.model_combo.setToolTip(self.tr("Which trained model the plugin uses"))
        self.model_combo.activated.connect(self._on_model_chosen)
        self.train_button = QPushButton(icon("school-outline"), self.tr("Train…"))
        self.train_button.setToolTip(self.tr("Teach this plugin on a folder of your examples"))
        self.train_button.clicked.connect(
            lambda: self._plugin and self.train_requested.emit(self._plugin.id))
        self.model_row = QWidget()
        model_layout = QHBoxLayout(self.model_row)
        model_layout.setContentsMargins(0, 0, 0, 0)
        model_layout.addWidget(self.model_combo, 1)
        model_layout.addWidget(self.train_button)

        for plugin in registry.plugins:
            self.plugin_combo.addItem(plugin.name, plugin.id)
            row = self.plugin_combo.count() - 1
            if plugin.broken:
                item = self._combo_model().item(row)
                item.setEnabled(False)
                item.setToolTip(self.tr("Cannot be used: {error}").format(error=plugin.error))
            elif plugin.manifest is not None and plugin.manifest.description:
                self.plugin_combo.setItemData(
                    row, plugin.manifest.description, Qt.ItemDataRole.ToolTipRole)
        self.plugin_combo.currentIndexChanged.connect(self._on_plugin_chosen)

        choose = QFormLayout()
        choose.addRow(self.tr("Plugin"), self.plugin_combo)
        choose.addRow(self.tr("Model"), self.model_row)
        self._choose_form = choose
        device_row = QHBoxLayout()
        device_row.addWidget(self.device_combo, 1)
        device_row.addWidget(self.reset_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.run_selection_button)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.description)
        layout.addLayout(self.form_host)
        devices_form = QFormLayout()
        devices_form.addRow(self.tr("Device"), device_row)
        layout.addLayout(devices_form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)

        if devices is None:
            self._probe = _DeviceProbe(self)
            self._probe.found.connect(self.set_devices)
            self._probe.start()
        else:
            self.set_devices(devices)
        first = self._initial_row(registry)
        with QSignalBlocker(self.plugin_combo):  # build the first form once, just below
            self.plugin_combo.setCurrentIndex(first)
        self._on_plugin_chosen(first)

    def _initial_row(self, registry: Registry) -> int:
        """The plugin the user ran last, else the cutout (the most used), else the first
        one that works."""
        usable = [i for i, p in enumerate(registry.plugins) if not p.broken]
        for wanted in (settings().value(LAST_PLUGIN_KEY), DEFAULT_PLUGIN):
            row = self.plugin_combo.findData(wanted) if wanted else -1
            if row in usable:
                return row
        return usable[0] if usable else 0

    def _combo_model(self) -> QStandardItemModel:
        model = self.plugin_combo.model()
        assert isinstance(model, QStandardItemModel)
        return model

    # -- public -------------------------------------------------------------------------
    @property
    def plugin(self) -> PluginInfo | None:
        """The chosen plugin (possibly a broken one, which cannot run)."""
        return self._plugin

    def set_document(self, doc: Document | None) -> None:
        """Run plugins on ``doc`` (or on nothing)."""
        if self.doc is not None:
            self.doc.selection_changed.disconnect(self._update_buttons)
            self.doc.structure_changed.disconnect(self._update_buttons)
        self.doc = doc
        if doc is not None:
            doc.selection_changed.connect(self._update_buttons)
            doc.structure_changed.connect(self._update_buttons)
        self._update_buttons()

    def set_devices(self, devices: Sequence[str]) -> None:
        """Offer "auto" and ``devices``, keeping the current choice when it is still there."""
        current = self.device_combo.currentData()
        self.device_combo.clear()
        self.device_combo.addItem(self.tr("Automatic"), "auto")
        for name in devices:
            self.device_combo.addItem(name.upper() if len(name) <= 4 else name, name)
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(current)))

    def select_plugin(self, plugin_id: str) -> None:
        """Show plugin ``plugin_id`` (also a broken one: its error is shown, Run disabled)."""
        index = self.plugin_combo.findData(plugin_id)
        if index < 0:
            raise KeyError(plugin_id)
        self.plugin_combo.setCurrentIndex(index)

    def values(self) -> dict[str, Any]:
        """The parameter values in the form (empty without a runnable plugin); the Model
        list's choice is the ``model`` value of a trainable plugin."""
        values = self.form.values() if self.form is not None else {}
        if self._has_model_choice():
            chosen = self.model_combo.currentData()
            values["model"] = chosen or None
        return values

    def refresh_models(self) -> None:
        """Read the model store again (after a training finished) and show its models,
        with the one the plugin uses now selected."""
        plugin = self._plugin
        self.model_combo.clear()
        visible = self._has_model_choice()
        self._choose_form.setRowVisible(self.model_row, visible)
        if not visible or plugin is None:
            return
        self.model_combo.addItem(self.tr("Bundled default"), "")
        self.model_combo.setItemData(0, self.tr("The model that comes with the plugin"),
                                     Qt.ItemDataRole.ToolTipRole)
        store = ModelStore()
        for path, card in store.models(plugin.id):
            self.model_combo.addItem(f"{card.name}  ({card.date[:10]})", str(path))
            figures = ", ".join(f"{k} {v:.4g}" for k, v in card.metrics.items())
            self.model_combo.setItemData(
                self.model_combo.count() - 1,
                self.tr("{name}\ntrained {date} on {folder}\nvalidation: {figures}").format(
                    name=card.name, date=card.date[:16].replace("T", " "),
                    folder=card.data.get("folder", "?"), figures=figures or "-"),
                Qt.ItemDataRole.ToolTipRole)
        active = store.active(plugin.id)
        index = self.model_combo.findData(str(active)) if active is not None else 0
        self.model_combo.setCurrentIndex(max(0, index))
        self._sync_model_param()

    def reset_params(self) -> None:
        if self.form is not None:
            self.form.reset()

    def run(self, *, selection_only: bool = False) -> Job | None:
        """Submit the chosen plugin with the form's values; problems go to the status line."""
        plugin = self._plugin
        if self.doc is None or plugin is None or plugin.broken:
            return None
        device = self.device_combo.currentData() or "auto"
        try:
            job = self.controller.submit(
                self.doc, plugin, self.values(), selection_only=selection_only, device=device)
        except Exception as exc:  # bad values or nothing to run on: tell the user, stay up
            self._show_status(str(exc), error=True)
            self.run_refused.emit(str(exc))
            return None
        self._show_status(self.tr("Started {title}").format(title=job.title))
        self.job_submitted.emit(job)
        return job

    # -- internals ----------------------------------------------------------------------
    def _on_plugin_chosen(self, row: int) -> None:
        self._remember()
        plugin_id = self.plugin_combo.itemData(row)
        if plugin_id is not None:
            settings().setValue(LAST_PLUGIN_KEY, plugin_id)
        self._plugin = self.registry.get(plugin_id) if plugin_id is not None else None
        if self.form is not None:
            # hidden at once: deleteLater waits for the event loop, and until then the
            # old form would be drawn, unmanaged, over the panel's first rows
            self.form_host.removeWidget(self.form)
            self.form.hide()
            self.form.deleteLater()
            self.form = None
        plugin = self._plugin
        if plugin is None:
            self.description.setText(self.tr("No plugins are installed."))
        elif plugin.broken or plugin.manifest is None:
            self.description.setText(
                self.tr("{name} cannot be used: {error}").format(name=plugin.name,
                                                                  error=plugin.error))
        else:
            self.description.setText(plugin.manifest.description)
            self.form = ParamForm(plugin.manifest.params, self._remembered.get(plugin.id))
            self.form_host.addWidget(self.form)
        self.refresh_models()
        self._show_status("")
        self._update_buttons()

    def _has_model_choice(self) -> bool:
        """A trainable plugin with a ``model`` param: the Model list picks that param."""
        manifest = self._plugin.manifest if self._plugin is not None else None
        return (manifest is not None and not self._plugin.broken
                and manifest.training is not None
                and any(p.name == "model" for p in manifest.params))

    def _on_model_chosen(self, row: int) -> None:
        """Make the plugin use the chosen model from now on (also in the CLI)."""
        plugin = self._plugin
        if plugin is None:
            return
        chosen = self.model_combo.itemData(row)
        try:
            ModelStore().set_active(plugin.id, Path(chosen) if chosen else None)
        except ModelError as exc:  # damaged or replaced since the list was read
            self._show_status(str(exc), error=True)
            self.run_refused.emit(str(exc))
            self.refresh_models()
            return
        self._sync_model_param()

    def _sync_model_param(self) -> None:
        """The form's own ``model`` field follows the list, which replaces it on screen."""
        if self.form is None:
            return
        with contextlib.suppress(KeyError):
            field = self.form.widget("model")
            self.form.set_values({"model": self.model_combo.currentData() or None})
            form_layout = self.form.layout()
            if isinstance(form_layout, QFormLayout):
                form_layout.setRowVisible(field, False)

    def _remember(self) -> None:
        if self.form is not None and self._plugin is not None:
            self._remembered[self._plugin.id] = self.form.values()

    def _update_buttons(self) -> None:
        runnable = (
            self.doc is not None
            and bool(self.doc.layers)
            and self._plugin is not None
            and not self._plugin.broken
        )
        has_selection = self.doc is not None and self.doc.selection is not None
        self.run_button.setEnabled(runnable)
        self.run_selection_button.setEnabled(runnable and has_selection)
        self.run_selection_button.setToolTip(
            self.tr("Run on the selected area only") if has_selection
            else self.tr("Select an area first"))
        self.reset_button.setEnabled(self.form is not None)

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)  # for the application style sheet
