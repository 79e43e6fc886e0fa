"""The Models dock: which plugins have a learned model, and that model's card (data,
metrics, licence). It follows the plugin chosen in the Plugins panel."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSplitter, QTextBrowser

from editor.qt.features import Feature, feature
from editor.training.store import ModelCard, ModelError, ModelStore, model_for, read_card

if TYPE_CHECKING:
    from editor.qt.main_window import MainWindow
    from editor.tasks.registry import PluginInfo


def tr(text: str) -> str:
    return QCoreApplication.translate("ModelsFeature", text)


def learned_model(plugin: PluginInfo) -> tuple[Path | None, ModelCard | None, str]:
    """(model file, its card, an error) of the model ``plugin`` would use now."""
    path = model_for(plugin.id)
    if path is None:
        return None, None, ""
    try:
        return path, read_card(path), ""
    except ModelError as exc:
        return path, None, exc.reason


def card_html(plugin: PluginInfo, path: Path | None, card: ModelCard | None, error: str) -> str:
    """The card of ``plugin``'s model as rich text."""
    esc = html.escape
    head = f"<h3>{esc(plugin.name)}</h3>"
    if path is None:
        trainable = plugin.manifest is not None and plugin.manifest.has("trainable")
        return head + "<p>" + esc(
            tr("No learned model: this plugin uses its classical method.") if not trainable
            else tr("No learned model yet: train one with Tools → Train…")) + "</p>"
    if card is None:
        return head + f"<p>{esc(tr('The model file cannot be used: {error}').format(error=error))}</p>"  # noqa: E501
    data = card.data or {}
    rows = [
        (tr("Model"), f"{card.name} ({path.name})"),
        (tr("Architecture"), f"{card.architecture}, {card.parameters:,} "
                             f"{tr('parameters')}" if card.parameters else card.architecture),
        (tr("Data"), ", ".join(f"{k}: {v}" for k, v in data.items()
                               if isinstance(v, str | int | float))[:600]),
        (tr("Metrics"), ", ".join(f"{k} {v:.4g}" for k, v in card.metrics.items()
                                  if isinstance(v, int | float))),
        (tr("Licence"), card.licence),
        (tr("Trained"), f"{card.date[:10]}, {card.seconds / 60:.0f} min on {card.device}"),
        ("sha256", card.sha256),
    ]
    body = "".join(f"<tr><td valign='top'><b>{esc(k)}</b></td><td>{esc(str(v))}</td></tr>"
                   for k, v in rows)
    return head + f"<table cellpadding='2'>{body}</table>"


@feature
class ModelsFeature(Feature):
    name = "models"
    order = 80

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.list = QListWidget()
        self.card = QTextBrowser()
        self.card.setObjectName("model-card")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.card)
        splitter.setStretchFactor(1, 3)
        # right side: the window makes it a tab among the other features' docks
        self.dock = window.add_dock("models", tr("Models"), splitter)
        self.panel = window.plugin_panel
        self.list.currentItemChanged.connect(lambda item, _old: self._show(item))
        self.panel.plugin_combo.currentIndexChanged.connect(self._follow_panel)
        self.refresh()

    def refresh(self) -> None:
        """List every plugin, marking the ones with a learned model."""
        self.list.clear()
        store = ModelStore()
        for plugin in self.panel.registry.available:
            path = model_for(plugin.id, store=store)
            trainable = plugin.manifest is not None and plugin.manifest.has("trainable")
            state = (tr("learned model") if path else
                     tr("not trained yet") if trainable else tr("classical"))
            item = QListWidgetItem(f"{plugin.name}  —  {state}")
            item.setData(Qt.ItemDataRole.UserRole, plugin.id)
            self.list.addItem(item)
        self._follow_panel()

    def show_plugin(self, plugin_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == plugin_id:
                self.list.setCurrentRow(row)
                return

    def _follow_panel(self, *_args: object) -> None:
        plugin_id = self.panel.plugin_combo.currentData()
        if plugin_id:
            self.show_plugin(plugin_id)

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            self.card.clear()
            return
        plugin = self.panel.registry.get(item.data(Qt.ItemDataRole.UserRole))
        self.card.setHtml(card_html(plugin, *learned_model(plugin)))
