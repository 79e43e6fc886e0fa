"""The Train dialog: teach a plugin on a folder of the user's own examples.

Left, the set-up: plugin, folder (scanned on a helper thread, with what was found and what
was skipped), the training params, the device and the model's name. Right, the run: a live
chart, progress with the time left, a log line per epoch and, at the end, the new model's
figures (:mod:`~editor.qt.training.run_panel`). The work itself happens in a
:class:`~editor.qt.training.worker.TrainingWorker`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from editor.qt.icons import icon
from editor.qt.param_form import ParamForm
from editor.qt.training.folder_view import ERROR_STYLE, DatasetView
from editor.qt.training.run_panel import RunPanel
from editor.qt.training.scan import FolderScan, FolderScanner
from editor.qt.training.worker import TrainingStart, TrainingWorker
from editor.tasks.device import DEVICES
from editor.training.datasets import EXPECTED
from editor.training.run import TrainingOutcome, trainable, training_params, use_model
from editor.training.store import ModelError, ModelStore

if TYPE_CHECKING:
    from editor.tasks.registry import PluginInfo, Registry
    from editor.training.trainer import TrainingProgress

#: characters a model name may not contain (it becomes a file name)
_BAD_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_SCAN_DELAY_MS = 400  # typing in the folder field scans once the user pauses


class TrainDialog(QDialog):
    """Non-modal dialog that trains a plugin's model on a folder.

    ``model_trained(card, metric)`` follows every successful run (the new model is already
    in the store and active); ``training_failed(message, details)`` every failed one.
    """

    model_trained = Signal(object, str)
    training_failed = Signal(str, str)

    def __init__(self, registry: Registry, parent: QWidget | None = None,
                 plugin_id: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Train a model"))
        self.setModal(False)
        self.registry = registry
        self.worker: TrainingWorker | None = None
        self.scan_result: FolderScan | None = None
        self._remembered: dict[str, dict[str, Any]] = {}
        self._plugin: PluginInfo | None = None
        self._name_edited = False
        self.form: ParamForm | None = None
        self.scanner = FolderScanner(self)
        self.scanner.scanned.connect(self._scanned)
        self._scan_timer = QTimer(self, singleShot=True, interval=_SCAN_DELAY_MS)
        self._scan_timer.timeout.connect(self.rescan)
        self._build()
        for plugin in trainable(registry.plugins):
            self.plugin_combo.addItem(plugin.name, plugin.id)
        self.plugin_combo.currentIndexChanged.connect(self._plugin_chosen)
        if plugin_id is not None:
            self.select_plugin(plugin_id)
        self._plugin_chosen()
        self.resize(1080, 720)

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.plugin_combo = QComboBox()
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(self.tr("Folder of training examples"))
        self.folder_edit.textEdited.connect(lambda _: self._scan_timer.start())
        self.folder_edit.returnPressed.connect(self.rescan)
        self.browse_button = QPushButton(icon("folder-open-outline"), self.tr("Browse…"))
        self.browse_button.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)
        self.expected = QLabel()
        self.expected.setWordWrap(True)
        self.dataset_view = DatasetView()
        self.device_combo = QComboBox()
        labels = {"auto": self.tr("Automatic"), "cpu": "CPU", "cuda": "CUDA (NVIDIA GPU)",
                  "mps": "MPS (Apple GPU)"}
        for name in DEVICES:
            self.device_combo.addItem(labels.get(name, name), name)
        self.device_combo.setToolTip(self.tr(
            "Automatic uses a GPU when there is one, else the CPU (slower)."))
        self.name_edit = QLineEdit()
        self.name_edit.textEdited.connect(self._name_typed)
        self.name_note = QLabel()
        self.name_note.setWordWrap(True)
        self.params_host = QVBoxLayout()
        self.params_host.setContentsMargins(0, 0, 0, 0)

        top = QFormLayout()
        top.addRow(self.tr("Plugin"), self.plugin_combo)
        top.addRow(self.tr("Folder"), folder_row)
        data_box = QGroupBox(self.tr("Examples"))
        data_layout = QVBoxLayout(data_box)
        data_layout.addWidget(self.expected)
        data_layout.addWidget(self.dataset_view)
        settings_box = QGroupBox(self.tr("Training"))
        settings = QVBoxLayout(settings_box)
        settings.addLayout(self.params_host)
        more = QFormLayout()
        more.addRow(self.tr("Device"), self.device_combo)
        more.addRow(self.tr("Model name"), self.name_edit)
        settings.addLayout(more)
        settings.addWidget(self.name_note)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(top)
        left_layout.addWidget(data_box)
        left_layout.addWidget(settings_box)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        scroll.setMinimumWidth(380)

        self.run_panel = RunPanel()
        self.run_panel.result_view.use_button.clicked.connect(self.use_trained_model)
        #: the last finished run (its card, stored copy and the comparison)
        self.last_outcome: TrainingOutcome | None = None
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(self.run_panel)
        splitter.setStretchFactor(1, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.start_button = QPushButton(icon("play"), self.tr("Start"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.pause_button = QPushButton(icon("pause"), self.tr("Pause"))
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton(icon("stop"), self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr(
            "Stop training; the last finished epoch is kept, and Start continues from it"))
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.start_button, self.pause_button, self.cancel_button,
                       self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    # -- set-up -----------------------------------------------------------------------------
    @property
    def plugin(self) -> PluginInfo | None:
        """The plugin being trained (None when no plugin can be trained)."""
        return self._plugin

    def select_plugin(self, plugin_id: str) -> None:
        """Train ``plugin_id`` (KeyError when it is not a trainable plugin)."""
        index = self.plugin_combo.findData(plugin_id)
        if index < 0:
            raise KeyError(plugin_id)
        self.plugin_combo.setCurrentIndex(index)

    def set_folder(self, folder: str | Path) -> None:
        """Use ``folder`` and look at it (on a helper thread)."""
        self.folder_edit.setText(str(folder))
        self.rescan()

    def rescan(self) -> None:
        """Look at the folder again (after it changed on disk, or the plugin changed)."""
        self._scan_timer.stop()
        text = self.folder_edit.text().strip()
        self.scan_result = None
        if not text or self._plugin is None or self._plugin.manifest is None:
            self.dataset_view.show_nothing()
        else:
            assert self._plugin.manifest.training is not None
            self.dataset_view.show_scanning(text)
            self.scanner.scan(Path(text).expanduser(), self._plugin.manifest.training.dataset)
            self._suggest_name()
        self._update_buttons()

    def ask_folder(self) -> Path | None:
        """Ask for the training folder (tests replace this)."""
        name = QFileDialog.getExistingDirectory(self, self.tr("Folder of training examples"),
                                                self.folder_edit.text())
        return Path(name) if name else None

    def ask_stop_training(self) -> bool:
        """Ask whether closing may stop the training (tests replace this)."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, self.tr("Stop training?"),
            self.tr("Training is still running. Stop it and close? The last finished epoch "
                    "is saved: start the same training again to continue from there."),
            buttons.Yes | buttons.No, buttons.No)
        return answer == buttons.Yes

    def output_path(self) -> Path | None:
        """Where the model will be saved: ``<store>/<plugin>/<name>.pt``."""
        name = self.name_edit.text().strip()
        if self._plugin is None or not name:
            return None
        return ModelStore().root / self._plugin.id / f"{name}.pt"

    def _browse(self) -> None:
        if (folder := self.ask_folder()) is not None:
            self.set_folder(folder)

    def _plugin_chosen(self, *_: object) -> None:
        if self.form is not None and self._plugin is not None:
            self._remembered[self._plugin.id] = self.form.values()
            self.params_host.removeWidget(self.form)
            self.form.deleteLater()
            self.form = None
        plugin_id = self.plugin_combo.currentData()
        self._plugin = self.registry.get(plugin_id) if plugin_id is not None else None
        manifest = self._plugin.manifest if self._plugin is not None else None
        if manifest is None or manifest.training is None:
            self.expected.setText(self.tr("No installed plugin can be trained."))
        else:
            self.expected.setText(self.tr("Expected: {layout}").format(
                layout=EXPECTED.get(manifest.training.dataset, manifest.training.dataset)))
            self.form = ParamForm(training_params(manifest), self._remembered.get(manifest.id))
            self.params_host.addWidget(self.form)
        if self.folder_edit.text().strip():
            self.rescan()
        self._update_buttons()

    def _scanned(self, result: FolderScan) -> None:
        if Path(self.folder_edit.text().strip()).expanduser() != result.folder:
            return  # the user has moved on to another folder
        self.scan_result = result
        self.dataset_view.show_scan(result)
        self._update_buttons()

    def _name_typed(self, _: str) -> None:
        self._name_edited = True
        self._update_buttons()

    def _suggest_name(self) -> None:
        """``<folder>-<date>``, numbered when a finished model already has that name."""
        if self._name_edited or self.is_training():
            return
        folder = Path(self.folder_edit.text().strip()).expanduser()
        base = _BAD_NAME.sub("_", folder.name or "model")
        base = f"{base}-{dt.date.today():%Y-%m-%d}"
        name, n = base, 1
        while self._plugin is not None and (
                ModelStore().root / self._plugin.id / f"{name}.pt").exists():
            n += 1
            name = f"{base}-{n}"
        self.name_edit.setText(name)

    # -- running ----------------------------------------------------------------------------
    def is_training(self) -> bool:
        return self.worker is not None

    def start(self) -> None:
        """Start (or continue) training with what the dialog shows."""
        if self.is_training() or self._plugin is None or self.form is None:
            return
        dataset = self.scan_result.dataset if self.scan_result else None
        output = self.output_path()
        if dataset is None or output is None:
            return
        name = self.name_edit.text().strip()
        if _BAD_NAME.search(name) or name.startswith("."):
            self._show_status(self.tr("A model name cannot start with a dot or contain "
                                      '\\ / : * ? " < > |'), error=True)
            return
        self.run_panel.begin(name, resuming=output.with_suffix(".ckpt").exists())
        worker = TrainingWorker(self._plugin, Path(dataset.root), output, self.form.values(),
                                self.device_combo.currentData(), dataset=dataset)
        worker.started_training.connect(self._training_started)
        worker.progress.connect(self._progress)
        worker.previews.connect(self.run_panel.result_view.show_previews)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        self.worker = worker
        self._show_status(self.tr("Preparing…"))
        worker.start()
        self._update_buttons()

    def toggle_pause(self) -> None:
        """Pause the running training, or resume a paused one."""
        if self.worker is None:
            return
        if self.worker.is_paused:
            self.worker.resume()
            self._show_status(self.tr("Training…"))
        else:
            self.worker.pause()
            self._show_status(self.tr("Paused after the current step. Resume continues."))
        self._update_buttons()

    def cancel(self) -> None:
        """Stop training at the next step (the last finished epoch stays saved)."""
        if self.worker is not None:
            self.worker.cancel()
            self._show_status(self.tr("Stopping…"))
            self.cancel_button.setEnabled(False)

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Cancel any training and wait for its thread to end; True when it has."""
        worker = self.worker
        if worker is None:
            return True
        worker.cancel()
        ended = worker.join(timeout_ms)
        if ended:
            self._end_run()
        return ended

    def _training_started(self, start: TrainingStart) -> None:
        self.run_panel.started(start)
        self._show_status(self.tr("Training…"))

    def _progress(self, step: TrainingProgress) -> None:
        # a report still queued from a stopped run must not count as the new run's first
        if self.worker is not None and self.sender() in (self.worker, None):
            self.run_panel.show_progress(step)

    def _finished(self, outcome: TrainingOutcome) -> None:
        self._end_run()
        card = outcome.card
        name = self._plugin.name if self._plugin else card.plugin
        self.last_outcome = outcome
        self.run_panel.show_finished(outcome, name)
        if outcome.activated:
            self._show_status(self.tr("Done. {plugin} now uses “{name}”.").format(
                plugin=name, name=card.name))
        else:
            self._show_status(self.tr(
                "Done. {plugin} keeps its current model: compare the figures and choose "
                "“Use this model” to switch.").format(plugin=name))
        self._name_edited = False
        self._suggest_name()  # a second run would otherwise replace this model
        self.model_trained.emit(card, self.run_panel.metric)

    def use_trained_model(self) -> None:
        """The user chose the model just trained: the plugin uses it from now on."""
        outcome = self.last_outcome
        if outcome is None or outcome.activated:
            return
        try:
            use_model(outcome.card.plugin, outcome.stored)
        except ModelError as exc:
            self._show_status(str(exc), error=True)
            return
        outcome.activated = True
        name = self._plugin.name if self._plugin else outcome.card.plugin
        self.run_panel.result_view.show_choice(outcome, name)
        self._show_status(self.tr("{plugin} now uses “{name}”.").format(
            plugin=name, name=outcome.card.name))
        self.model_trained.emit(outcome.card, self.run_panel.metric)

    def _failed(self, message: str, details: str) -> None:
        self._end_run()
        self.run_panel.add_line(self.tr("Failed: {message}"), message=message)
        self._show_status(message, error=True)
        self.training_failed.emit(message, details)

    def _cancelled(self) -> None:
        self._end_run()
        self.run_panel.add_line(self.tr("Stopped. The last finished epoch is saved; Start "
                                        "continues from there."))
        self._show_status(self.tr("Stopped."))

    def _end_run(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.join()
        self._update_buttons()

    # -- state ------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        running = self.is_training()
        paused = running and self.worker is not None and self.worker.is_paused
        ready = (self.scan_result is not None and self.scan_result.dataset is not None
                 and self.form is not None and bool(self.name_edit.text().strip()))
        self.start_button.setEnabled(ready and not running)
        self.pause_button.setEnabled(running)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.pause_button.setIcon(icon("play" if paused else "pause"))
        self.cancel_button.setEnabled(running)
        for widget in (self.plugin_combo, self.folder_edit, self.browse_button,
                       self.device_combo, self.name_edit):
            widget.setEnabled(not running)
        if self.form is not None:
            self.form.setEnabled(not running)
        output = self.output_path()
        if output is not None and not running and output.with_suffix(".ckpt").exists():
            self.name_note.setText(self.tr("An unfinished training of this name is saved: "
                                           "Start continues it if the folder and settings "
                                           "are the same."))
        elif output is not None and not running and output.exists():
            self.name_note.setText(self.tr("A model of this name exists; training replaces "
                                           "it."))
        else:
            self.name_note.setText(self.tr("Saved in your model store: {folder}").format(
                folder=output.parent if output else ModelStore().root))

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else "")

    # -- closing ----------------------------------------------------------------------------
    def reject(self) -> None:  # Esc: behave like the window's close button
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.is_training():
            if not self.ask_stop_training():
                event.ignore()
                return
            self.shutdown()
        event.accept()

