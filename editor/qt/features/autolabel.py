"""Auto-label: pre-label photos with the ``autolabel`` plugin, review them, learn from them.

**Label → Pre-label Photo** runs the plugin on the open photo (on a worker thread) and puts
its boxes into the photo's label layer in one undo step: boxes a person accepted stay, the
earlier pre-labels give way to the new ones. The **Auto-label** dock's confidence slider
hides pre-labels below it (each move is an undo step; accepted boxes are never hidden), and
boxes below the review threshold are drawn dashed. With the Box tool, A accepts the
selected box and X (or Delete) rejects it; folder annotation saves what is left in the
folder's own label format.

**Pre-label Folder by Uncertainty** writes pre-labels for every photo of the annotation
folder that has no labels yet (never over a label file) and puts those photos first in the
folder, the most uncertain first (active learning). **Train on This Folder's Corrections…**
opens the Train dialog on the folder; photos whose pre-labels nobody accepted are left out
of training, and each round's held-out figures are listed in the dock.
"""

from __future__ import annotations

import copy
import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import create_worker

from editor.model.commands import AddLayer, SetBoxes
from editor.model.compositor import composite
from editor.model.imageio import load_image
from editor.model.labels import convert
from editor.model.layers import Box, BoxLayer, RasterLayer
from editor.qt.features import Feature, feature
from editor.qt.features.annotate import AnnotateFeature, label_layer
from editor.qt.tools.boxes import NEW_LAYER_NAME
from editor.tasks.api import QuietContext, Request
from editor.training.metrics import box_iou

if TYPE_CHECKING:
    from editor.model.document import Document
    from editor.qt.main_window import MainWindow
    from editor.tasks.registry import PluginInfo

PLUGIN = "autolabel"
#: pre-labels are asked for down to this confidence, so the slider can reveal them later
FLOOR = 0.05
#: a new pre-label overlapping a box a person accepted this much is already labelled
SAME_BOX_IOU = 0.7
DEFAULT_CONF = 25


def tr(text: str) -> str:
    return QCoreApplication.translate("AutolabelFeature", text)


def merge_prelabels(existing: list[Box], new: list[Box]) -> list[Box]:
    """The label layer after a pre-label run: every box a person accepted, then each new
    pre-label that does not repeat one of them (earlier pre-labels give way)."""
    from plugins.autolabel.review import is_reviewed

    kept = [b for b in existing if is_reviewed(b)]
    fresh = [b for b in new if all(box_iou(b, k) < SAME_BOX_IOU for k in kept)]
    return kept + fresh


def prelabel(plugin: PluginInfo, image: Any, params: dict[str, Any]) -> tuple[list[Box], dict]:
    """Worker: the plugin's boxes for one RGBA image, and its report."""
    result = plugin.load_run()(Request(image, params), QuietContext())
    boxes = next((list(out.data) for out in result.layers if out.kind == "boxes"), [])
    return boxes, dict(result.report)


def prelabel_folder(plugin: PluginInfo, root: Path, fmt: str, params: dict[str, Any]
                    ) -> tuple[list[tuple[Path, float]], list[str]]:
    """Worker: pre-label every photo of ``root`` without labels, in the folder's format;
    returns ``(photo, uncertainty)`` most uncertain first and the problems met.

    Only boxes at or above the review threshold (``params["review"]``) are proposed, and
    they are saved as pre-labels (the photo's sidecar), never as labels: none becomes a
    label until a person accepts it."""
    from plugins.autolabel.active import unlabelled
    from plugins.autolabel.review import save

    scored: list[tuple[Path, float]] = []
    problems: list[str] = []
    run = plugin.load_run()
    for photo in unlabelled(root):
        try:
            image = load_image(photo).pixels
            size = (image.shape[1], image.shape[0])
            if fmt == "coco" and convert.read_image(photo, size, root, fmt)[0]:
                continue  # already labelled in the folder's COCO file
            result = run(Request(image, params), QuietContext())
            boxes = next((list(o.data) for o in result.layers if o.kind == "boxes"), [])
            review = float(params.get("review", 0.5))
            # a pre-label stays a pre-label (score below 1) even when the model is sure
            kept = [replace(b, score=min(b.score, 0.9999)) for b in boxes if b.score >= review]
            if kept:  # nothing found is not "no products here": a person says that
                save(photo, size, kept, root)
            scored.append((photo, float(result.report.get("uncertainty", 1.0))))
        except Exception as exc:  # one bad photo must not stop the folder
            problems.append(f"{photo.name}: {exc}")
    scored.sort(key=lambda item: -item[1])
    return scored, problems


class AutolabelPanel(QWidget):
    """The dock: run button, confidence slider, counts, uncertainty order, rounds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.run_button = QPushButton(tr("Pre-label Photo"))
        self.folder_button = QPushButton(tr("Pre-label Folder by Uncertainty"))
        self.train_button = QPushButton(tr("Train on This Folder's Corrections…"))
        self.conf_label = QLabel()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setValue(DEFAULT_CONF)
        self.slider.setToolTip(tr("Pre-labels less confident than this are hidden; accepted "
                                  "boxes always show"))
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        hint = QLabel(tr("Box tool: A accepts the selected box, X rejects it. Dashed boxes "
                         "need review."))
        hint.setWordWrap(True)
        self.order = QListWidget()
        self.order.setToolTip(tr("Unlabelled photos, most uncertain first: double-click to "
                                 "open one"))
        self.rounds = QLabel()
        self.rounds.setWordWrap(True)
        for widget in (self.run_button, self.conf_label, self.slider, self.counts, hint,
                       self.folder_button, self.order, self.train_button, self.rounds):
            layout.addWidget(widget)
        self.set_conf_text(DEFAULT_CONF)

    def set_conf_text(self, value: int) -> None:
        self.conf_label.setText(tr("Show pre-labels from {value} % confidence").format(
            value=value))


@feature
class AutolabelFeature(Feature):
    """Pre-labelling, the confidence slider, folder order by uncertainty, training rounds."""

    name = "autolabel"
    order = 60

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._doc: Document | None = None
        #: pre-labels the slider hides: (the label layer, its hidden boxes)
        self._hidden: tuple[BoxLayer, list[Box]] | None = None
        self._workers: set[Any] = set()
        self.rounds: list[str] = []
        #: the plugin's method param: "auto" (the detector when there is one) or "proposals"
        self.method = "auto"
        self.panel = AutolabelPanel()
        window.add_dock("autolabel", tr("Auto-label"), self.panel)
        self.actions: dict[str, QAction] = {}
        menu = window.menu(window.tr("&Label"))
        menu.addSeparator()
        for key, text, slot in (
            ("run", tr("Pre-label &Photo"), self.prelabel_photo),
            ("folder", tr("Pre-label Folder by &Uncertainty"), self.prelabel_folder),
            ("train", tr("&Train on This Folder's Corrections…"), self.train_on_folder),
        ):
            action = QAction(text, window)
            action.triggered.connect(lambda _=False, s=slot: s())
            menu.addAction(action)
            self.actions[key] = action
        self.panel.run_button.clicked.connect(self.prelabel_photo)
        self.panel.folder_button.clicked.connect(self.prelabel_folder)
        self.panel.train_button.clicked.connect(self.train_on_folder)
        self.panel.slider.valueChanged.connect(self._slider_moved)
        self.panel.slider.sliderReleased.connect(self.apply_threshold)
        self.panel.order.itemDoubleClicked.connect(self._open_item)
        self.set_document(window.document)

    # -- state --------------------------------------------------------------------------
    @property
    def annotate(self) -> AnnotateFeature | None:
        return next((f for f in getattr(self.window, "features", [])
                     if isinstance(f, AnnotateFeature)), None)

    @property
    def conf(self) -> float:
        return self.panel.slider.value() / 100.0

    @property
    def is_busy(self) -> bool:
        return bool(self._workers)

    def set_document(self, doc: Document | None) -> None:
        if self._doc is not None:
            self._doc.history.changed.disconnect(self._refresh)
        self._doc = doc
        self._hidden = None
        if doc is not None:
            doc.history.changed.connect(self._refresh)
        self._refresh()

    def _refresh(self, *_: object) -> None:
        doc = self._doc
        self.actions["run"].setEnabled(doc is not None and not self.is_busy)
        self.panel.run_button.setEnabled(doc is not None and not self.is_busy)
        layer = label_layer(doc)
        if layer is None:
            self.panel.counts.setText(tr("No labels on this photo yet."))
            return
        review = sum(1 for b in layer.boxes if b.score < 0.5)
        pending = sum(1 for b in layer.boxes if b.score < 1.0)
        hidden = len(self._hidden[1]) if self._hidden and self._hidden[0] is layer else 0
        self.panel.counts.setText(tr("{total} boxes: {pending} not yet accepted, {review} to "
                                     "review (dashed), {hidden} hidden by the slider").format(
            total=len(layer.boxes), pending=pending, review=review, hidden=hidden))

    def _tell(self, text: str, level: str = "info", details: str | None = None) -> None:
        self.window.notifications.show_message(text, level, details)

    def _plugin(self) -> PluginInfo | None:
        try:
            plugin = self.window.plugin_panel.registry.get(PLUGIN)
        except KeyError:
            self._tell(tr("Auto-label needs the “autolabel” plugin, which is not installed."),
                       "error")
            return None
        if plugin.broken or plugin.manifest is None:
            self._tell(tr("Auto-label cannot run: {error}").format(error=plugin.error), "error")
            return None
        return plugin

    def _params(self, plugin: PluginInfo) -> dict[str, Any]:
        assert plugin.manifest is not None
        return plugin.manifest.validate({"conf": FLOOR, "method": self.method})

    # -- one photo ----------------------------------------------------------------------
    def prelabel_photo(self) -> None:
        """Run the plugin on the open photo; its boxes join the label layer (one step)."""
        doc, plugin = self._doc, self._plugin()
        if doc is None or plugin is None:
            return
        layers = [_frozen(x) for x in doc.layers
                  if isinstance(x, RasterLayer) and x.visible and x.opacity > 0]
        size, geometry, params = doc.size, doc.geometry, self._params(plugin)

        def work() -> tuple[list[Box], dict]:
            return prelabel(plugin, composite(layers, size), params)

        def done(result: tuple[list[Box], dict]) -> None:
            if self._doc is not doc or doc.geometry != geometry:
                return  # another photo, or this one changed shape meanwhile
            self.apply_prelabels(result[0])

        self._in_background(work, done, tr("Pre-label Photo"))

    def apply_prelabels(self, boxes: list[Box]) -> None:
        """Merge pre-labels into the open photo's label layer as one undo step, then let
        the slider hide the ones below it."""
        doc = self._doc
        if doc is None:
            return
        from plugins.autolabel.review import shown

        layer = label_layer(doc)
        merged = merge_prelabels(layer.boxes if layer else [], boxes)
        visible = shown(merged, self.conf)
        text = tr("Pre-label")
        if layer is None:
            layer = BoxLayer(NEW_LAYER_NAME, visible, doc.size)
            doc.history.push(AddLayer(layer, text=text))
        else:
            doc.history.push(SetBoxes(layer, visible, text))
        self._hidden = (layer, [b for b in merged if b not in visible])
        annotate = self.annotate
        if annotate is not None:
            annotate.session.add([b.label for b in visible])
        self._refresh()
        self._tell(tr("{count} pre-labels; {review} need review").format(
            count=len(visible), review=sum(1 for b in visible if b.score < 0.5)))

    # -- the slider ---------------------------------------------------------------------
    def _slider_moved(self, value: int) -> None:
        self.panel.set_conf_text(value)
        if not self.panel.slider.isSliderDown():
            self.apply_threshold()

    def apply_threshold(self) -> None:
        """Show the label layer's pre-labels at or above the slider (one undo step)."""
        from plugins.autolabel.review import shown

        doc, layer = self._doc, label_layer(self._doc)
        if doc is None or layer is None:
            return
        hidden = self._hidden[1] if self._hidden and self._hidden[0] is layer else []
        pool = list(layer.boxes) + [b for b in hidden if b not in layer.boxes]
        visible = shown(pool, self.conf)
        self._hidden = (layer, [b for b in pool if b not in visible])
        if visible != layer.boxes:
            doc.history.push(SetBoxes(layer, visible, tr("Show pre-labels from {value} %")
                                      .format(value=self.panel.slider.value())))
        self._refresh()

    # -- a folder -----------------------------------------------------------------------
    def prelabel_folder(self) -> None:
        """Pre-label the annotation folder's unlabelled photos and put them first, the most
        uncertain first."""
        annotate, plugin = self.annotate, self._plugin()
        if plugin is None:
            return
        if annotate is None or annotate.folder is None:
            self._tell(tr("Open a folder for annotation first (Label → Open Folder for "
                          "Annotation…)."), "warning")
            return
        folder = annotate.folder
        annotate.save_labels()  # the photo on screen keeps what the annotator did

        def done(result: tuple[list[tuple[Path, float]], list[str]]) -> None:
            scored, problems = result
            self.show_order(scored)
            if annotate.folder is folder and scored:
                first = [p for p, _ in scored]
                rest = [p for p in folder.images if p not in set(first)]
                shown_now = folder.images[folder.index] if folder.index >= 0 else None
                folder.images = first + rest
                if shown_now in folder.images:
                    folder.index = folder.images.index(shown_now)
            message = tr("Pre-labelled {count} photos; the most uncertain come first").format(
                count=len(scored))
            self._tell(message if scored else tr("Every photo of the folder already has "
                                                 "labels."),
                       "warning" if problems else "info", "\n".join(problems) or None)

        params = self._params(plugin)
        params["conf"] = max(float(params["conf"]), float(params.get("review", 0.5)))
        self._in_background(lambda: prelabel_folder(plugin, folder.root, folder.format,
                                                    params),
                            done, tr("Pre-label Folder"))

    def show_order(self, scored: list[tuple[Path, float]]) -> None:
        self.panel.order.clear()
        for path, value in scored:
            item = QListWidgetItem(f"{value:.2f}  {path.name}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.panel.order.addItem(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        annotate = self.annotate
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        if annotate is not None and annotate.folder is not None \
                and path in annotate.folder.images:
            annotate.go_to(annotate.folder.images.index(path))

    # -- training rounds ----------------------------------------------------------------
    def train_on_folder(self) -> None:
        """Open the Train dialog for the detector on the annotation folder."""
        annotate = self.annotate
        root = annotate.folder.root if annotate is not None and annotate.folder else None
        if root is None:
            root = self.ask_folder()
            if root is None:
                return
        if annotate is not None and annotate.folder is not None:
            annotate.save_labels()
        dialog = self.window.show_train_dialog(PLUGIN)
        dialog.set_folder(root)
        if not getattr(self, "_listening", False):
            dialog.model_trained.connect(self.add_round)
            self._listening = True

    def add_round(self, card: Any, _metric: str = "") -> None:
        """List one training round's held-out figures in the dock."""
        if getattr(card, "plugin", None) != PLUGIN:
            return
        m = card.metrics
        self.rounds.append(tr("Round {n}: mAP@0.5 {map:.2f}, boxes found {ap:.2f}, "
                              "accepted as is {share:.0%} ({count} held-out photos)").format(
            n=len(self.rounds) + 1, map=m.get("mAP50", 0.0), ap=m.get("agnostic_AP50", 0.0),
            share=m.get("accept_share", 0.0), count=card.data.get("validation", 0)))
        self.panel.rounds.setText("\n".join(self.rounds))

    def ask_folder(self) -> Path | None:
        """Ask for a labelled folder; None when cancelled (tests replace this)."""
        name = QFileDialog.getExistingDirectory(self.window, tr("Train on Folder"))
        return Path(name) if name else None

    # -- workers ------------------------------------------------------------------------
    def _in_background(self, func: Any, done: Any, title: str) -> None:
        worker = create_worker(func, _start_thread=False, _ignore_errors=True)
        self._workers.add(worker)
        worker.returned.connect(done)
        worker.errored.connect(lambda exc: self._tell(
            tr("{title}: {error}").format(title=title, error=exc), "error",
            "".join(traceback.format_exception(exc))))
        worker.finished.connect(lambda: (self._workers.discard(worker), self._refresh()))
        self._refresh()
        worker.start()


def _frozen(layer: RasterLayer) -> RasterLayer:
    """A copy the worker may read while the user paints on (GUI thread)."""
    twin = copy.copy(layer)
    twin.pixels = layer.pixels.copy()
    return twin
