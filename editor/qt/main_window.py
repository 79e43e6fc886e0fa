"""The main window: composes the canvas, the notification bar, the docks, menus and the
status bar; file work (editor.qt.file_actions) runs on worker threads. It holds no editing
logic of its own."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from editor.model.commands import SetSelection
from editor.model.document import Document
from editor.model.files import OPENABLE_SUFFIXES
from editor.qt.actions import RecentFiles, WindowActions, settings
from editor.qt.canvas import Canvas
from editor.qt.features import feature_classes
from editor.qt.file_actions import DocumentFiles
from editor.qt.jobs import JobController
from editor.qt.notify import NotificationBar
from editor.qt.panels.history import HistoryPanel
from editor.qt.panels.jobs import JobsPanel
from editor.qt.panels.layers import LayersPanel
from editor.qt.panels.plugins import PluginPanel
from editor.qt.theme import ThemeManager
from editor.qt.training.dialog import TrainDialog
from editor.qt.training.result_view import metric_text
from editor.qt.warmup import warm_up
from editor.tasks.jobs import JobState
from editor.tasks.registry import Registry
from editor.training.store import ModelCard, ModelStore


class MainWindow(DocumentFiles, QMainWindow):
    """The Lightbox editor window, showing one document at a time."""

    def __init__(self, registry: Registry | None = None,
                 theme: ThemeManager | None = None) -> None:
        super().__init__()
        self._doc: Document | None = None
        self._workers: set[Any] = set()
        self._load_serial = 0
        self.train_dialog: TrainDialog | None = None
        self.setObjectName("main-window")
        self.setAcceptDrops(True)
        self.theme = theme or ThemeManager(QApplication.instance(), self)
        self.recent = RecentFiles()
        self.actions_ = WindowActions(self)

        self.canvas = Canvas()
        self.notifications = NotificationBar()
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.notifications)
        column.addWidget(self.canvas, 1)
        self.setCentralWidget(centre)

        self.jobs = JobController(self)
        self.layers_panel = LayersPanel()
        self.history_panel = HistoryPanel()
        self.plugin_panel = PluginPanel(registry or Registry.discover(), self.jobs)
        self.jobs_panel = JobsPanel(self.jobs)
        area = Qt.DockWidgetArea
        self.docks = {
            "layers": self._dock(self.tr("Layers"), self.layers_panel, area.RightDockWidgetArea),
            "history": self._dock(self.tr("History"), self.history_panel,
                                  area.RightDockWidgetArea),
            "plugins": self._dock(self.tr("Plugins"), self.plugin_panel,
                                  area.LeftDockWidgetArea),
            "jobs": self._dock(self.tr("Jobs"), self.jobs_panel, area.LeftDockWidgetArea),
        }
        self._build_menus()
        self.features = [cls(self) for cls in feature_classes()]
        self._tabify_feature_docks()
        self._build_status_bar()
        self._connect()
        self.resize(1280, 800)
        self._restore_layout()
        self.load_document(None, [])
        # torch and the plugin shown load while the window opens, not under the first Run
        warm_up([p for p in (self.plugin_panel.plugin,) if p is not None])

    # -- composition --------------------------------------------------------------------
    def menu(self, title: str) -> QMenu:
        """The menu-bar menu called ``title`` (translated text), created on first use."""
        for action in self.menuBar().actions():
            if action.menu() is not None and action.text() == title:
                return action.menu()
        return self.menuBar().addMenu(title)

    def add_dock(self, key: str, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
        """Add a dock for a feature; it joins the View menu and the saved layout."""
        dock = self._dock(title, widget, area)
        self.docks[key] = dock
        self._view_menu.addAction(dock.toggleViewAction())
        return dock

    def _tabify_feature_docks(self) -> None:
        """Features' docks share one tabbed stack per side by default, History among them
        on the right, and Layers keeps most of the right column's height (a saved layout
        restored afterwards wins), so no list shrinks to a sliver."""
        own = {"layers", "plugins", "jobs"}
        first: dict[Qt.DockWidgetArea, QDockWidget] = {}
        for key, dock in self.docks.items():
            if key in own:
                continue
            area = self.dockWidgetArea(dock)
            if area in first:
                self.tabifyDockWidget(first[area], dock)
            else:
                first[area] = dock
        right = first.get(Qt.DockWidgetArea.RightDockWidgetArea)
        if right is not None:
            right.raise_()
            self.resizeDocks([self.docks["layers"], right], [440, 360], Qt.Orientation.Vertical)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{widget.__class__.__name__}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        a = self.actions_
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(a.open)
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        for action in (a.save, a.save_as, a.export):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(a.close)
        file_menu.addAction(a.quit)
        edit = self.menuBar().addMenu(self.tr("&Edit"))
        edit.addActions([a.undo, a.redo])
        edit.addSeparator()
        edit.addAction(a.deselect)
        view = self._view_menu = self.menuBar().addMenu(self.tr("&View"))
        view.addActions([a.zoom_in, a.zoom_out, a.fit, a.actual_size])
        view.addSeparator()
        view.addMenu(self.theme.menu(self))
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        tools = self.menuBar().addMenu(self.tr("&Tools"))
        tools.addActions(list(a.tool_actions.values()))
        tools.addSeparator()
        tools.addAction(a.train)
        bar = self.addToolBar(self.tr("Tools"))
        bar.setObjectName("toolbar-tools")
        bar.setMovable(False)
        bar.addActions([a.open, a.save])
        bar.addSeparator()
        bar.addActions([a.undo, a.redo])
        bar.addSeparator()
        bar.addActions(list(a.tool_actions.values()))
        bar.addSeparator()
        bar.addActions([a.zoom_out, a.zoom_in, a.fit, a.actual_size])
        view.addAction(bar.toggleViewAction())

    def _build_status_bar(self) -> None:
        self.position_label = QLabel()
        self.colour_swatch = QLabel()
        self.colour_label = QLabel()
        self.zoom_label = QLabel()
        self.size_label = QLabel()
        bar = self.statusBar()
        for widget in (self.position_label, self.colour_swatch, self.colour_label):
            bar.addWidget(widget)
        bar.addPermanentWidget(self.size_label)
        bar.addPermanentWidget(self.zoom_label)

    def _connect(self) -> None:
        a, canvas = self.actions_, self.canvas
        a.open.triggered.connect(self._choose_and_open)
        a.save.triggered.connect(self.save)
        a.save_as.triggered.connect(self.save_as)
        a.export.triggered.connect(self.export)
        a.close.triggered.connect(self.close_document)
        a.quit.triggered.connect(self.close)
        a.clear_recent.triggered.connect(self.recent.clear)
        a.undo.triggered.connect(lambda: self._doc and self._doc.history.undo())
        a.redo.triggered.connect(lambda: self._doc and self._doc.history.redo())
        a.deselect.triggered.connect(self._deselect)
        a.zoom_in.triggered.connect(canvas.zoom_in)
        a.zoom_out.triggered.connect(canvas.zoom_out)
        a.fit.triggered.connect(canvas.fit)
        a.actual_size.triggered.connect(canvas.actual_size)
        a.tools.triggered.connect(lambda action: canvas.set_tool(action.data()))
        canvas.tool_changed.connect(self._tool_changed)
        canvas.zoom_changed.connect(self._zoom_changed)
        canvas.cursor_moved.connect(self._cursor_moved)
        self.jobs.job_finished.connect(self._job_finished)
        self.plugin_panel.run_refused.connect(
            lambda reason: self.notifications.show_message(reason, "error"))
        a.train.triggered.connect(lambda: self.show_train_dialog())
        self.plugin_panel.train_requested.connect(self.show_train_dialog)
        self.theme.theme_changed.connect(lambda _dark: a.refresh_icons())

    # -- training -----------------------------------------------------------------------
    def show_train_dialog(self, plugin_id: str | None = None) -> TrainDialog:
        """Open the Train dialog (one per window), for ``plugin_id`` when given."""
        if self.train_dialog is None:
            self.train_dialog = TrainDialog(self.plugin_panel.registry, self)
            self.train_dialog.model_trained.connect(self._model_trained)
            self.train_dialog.training_failed.connect(
                lambda message, details: self.notifications.show_message(
                    self.tr("Training failed: {error}").format(error=message), "error",
                    details, app_wide=True))
        if plugin_id is not None and not self.train_dialog.is_training():
            with contextlib.suppress(KeyError):  # not trainable: keep the dialog's choice
                self.train_dialog.select_plugin(plugin_id)
        self.train_dialog.show()
        self.train_dialog.raise_()
        self.train_dialog.activateWindow()
        return self.train_dialog

    def _model_trained(self, card: ModelCard, metric: str) -> None:
        self.plugin_panel.refresh_models()
        plugin = self.plugin_panel.registry.get(card.plugin)
        active = ModelStore().active(card.plugin)
        if active is not None and active.stem == card.name:
            text = self.tr("Trained {name}: {figure}; {plugin} now uses it")
        else:
            text = self.tr("Trained {name}: {figure}; {plugin} keeps its current model "
                           "until you choose the new one")
        self.notifications.show_message(
            text.format(name=card.name, figure=metric_text(card, metric), plugin=plugin.name),
            "info", app_wide=True)

    # -- documents ----------------------------------------------------------------------
    @property
    def document(self) -> Document | None:
        """The document shown, or None."""
        return self._doc

    @property
    def is_busy(self) -> bool:
        """True while a file is being opened, saved or exported in the background."""
        return bool(self._workers)

    def load_document(self, doc: Document | None, notices: list[str]) -> None:
        """Show ``doc`` (replacing the current one without asking) and its load notices."""
        old = self._doc
        if old is not None:
            old.history.changed.disconnect(self._history_changed)
            old.size_changed.disconnect(self._show_size)
            self.jobs.drop_document(old)
            self.jobs.clear_finished()  # the jobs panel shows this photo's jobs
        self._doc = doc
        self.notifications.set_document(doc)  # the old photo's messages go with it
        for view in (self.canvas, self.layers_panel, self.history_panel, self.plugin_panel,
                     *self.features):
            view.set_document(doc)
        if doc is not None:
            doc.history.changed.connect(self._history_changed)
            doc.size_changed.connect(self._show_size)
            if doc.path is not None:
                self.recent.add(doc.path)
            for notice in notices:
                self.notifications.show_message(f"{doc.title}: {notice}", "info")
        self._history_changed()
        self._show_size(*(doc.size if doc else (0, 0)))
        self._zoom_changed(self.canvas.zoom())

    def _show_size(self, width: int, height: int) -> None:
        self.size_label.setText(self.tr("{w} × {h} px").format(w=width, h=height)
                                if self._doc is not None else "")

    def _history_changed(self) -> None:
        doc, a = self._doc, self.actions_
        history = doc.history if doc else None
        a.undo.setEnabled(bool(history and history.can_undo))
        a.redo.setEnabled(bool(history and history.can_redo))
        a.undo.setText(self.tr("&Undo {step}").format(step=history.undo_text)
                       if history and history.can_undo else self.tr("&Undo"))
        a.redo.setText(self.tr("&Redo {step}").format(step=history.redo_text)
                       if history and history.can_redo else self.tr("&Redo"))
        for action in (a.save, a.save_as, a.export, a.close, a.deselect, a.zoom_in,
                       a.zoom_out, a.fit, a.actual_size):
            action.setEnabled(doc is not None)
        if doc is None:
            self.setWindowTitle(self.tr("Lightbox"))
            self.setWindowModified(False)
        else:
            self.setWindowTitle(self.tr("{name}[*] — Lightbox").format(name=doc.title))
            self.setWindowModified(not history.is_clean)

    def _fill_recent_menu(self) -> None:
        missing = self.recent.remove_missing()
        if missing:
            names = ", ".join(p.name for p in missing)
            self.notifications.show_message(
                self.tr("Removed from recent files (no longer found): {names}")
                .format(names=names), "info")
        self.recent_menu.clear()
        for path in self.recent.paths():
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.actions_.clear_recent)
        self.actions_.clear_recent.setEnabled(bool(self.recent.paths()))

    def _deselect(self) -> None:
        if self._doc is not None and self._doc.selection is not None:
            self._doc.history.push(SetSelection(None, self.tr("Deselect")))

    def _tool_changed(self, name: str) -> None:
        for action in self.actions_.tools.actions():
            action.setChecked(action.data() == name)

    def _zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom * 100:.0f} %" if self._doc else "")

    def _cursor_moved(self, x: int, y: int, rgba: tuple[int, int, int, int] | None) -> None:
        if rgba is None:
            for label in (self.position_label, self.colour_label):
                label.clear()
            self.colour_swatch.clear()
            return
        self.position_label.setText(f"{x}, {y}")
        swatch = QPixmap(12, 12)
        swatch.fill(QColor(*rgba))
        self.colour_swatch.setPixmap(swatch)
        self.colour_label.setText(
            f"#{rgba[0]:02x}{rgba[1]:02x}{rgba[2]:02x}  α {rgba[3]}")

    def _job_finished(self, job: Any) -> None:
        if job.state == JobState.FAILED:
            self.notifications.show_message(f"{job.title}: {job.error}", "error", job.details)
        elif job.state == JobState.DONE and job.summary:
            self.notifications.show_message(f"{job.title}: {job.summary}", "info")

    # -- window events ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if _dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        files = _dropped_files(event)
        if files:
            event.acceptProposedAction()
            self.open_path(files[0])

    def save_layout(self) -> None:
        """Remember geometry and dock layout for the next run."""
        store = settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState())

    def _restore_layout(self) -> None:
        store = settings()
        if (geometry := store.value("window/geometry")) is not None:
            self.restoreGeometry(geometry)
        if (state := store.value("window/state")) is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self._confirm_discard():
            event.ignore()
            return
        if self.train_dialog is not None and not self.train_dialog.close():
            event.ignore()  # the user chose to keep training
            return
        self.save_layout()
        self.jobs.shutdown()
        # features' background work (label auto-saves, checks) runs on the global pool:
        # let it finish so a last auto-save is not lost
        QThreadPool.globalInstance().waitForDone(10_000)
        event.accept()


def _dropped_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in OPENABLE_SUFFIXES]
