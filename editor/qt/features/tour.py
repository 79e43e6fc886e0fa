"""The first-run tour: four short cards over the canvas — cut out, background, check,
export — that the user steps through or dismisses.

``lightbox`` shows it once, on the first start (the editor then opens a sample photo to try
it on); Help -> Show the Tour brings it back. A window made by a test or by the self-test
never starts it by itself: only :func:`start` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from editor.qt.actions import settings
from editor.qt.features import Feature, feature

if TYPE_CHECKING:
    from editor.qt.main_window import MainWindow

SHOWN_KEY = "tour/shown"


def tr(text: str) -> str:
    return QCoreApplication.translate("Tour", text)


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    #: the dock to bring forward for this step ("" for none)
    dock: str = ""


def steps() -> list[Step]:
    """The tour's cards, translated."""
    return [
        Step(tr("1 · Cut out the product"),
             tr("Pick the Cutout tool (K) and drag a box around the product, or choose "
                "“Cut out product” in the Plugins panel and press Run. A mask and a cutout "
                "layer appear in the Layers panel; Ctrl+Z undoes the whole result."),
             "plugins"),
        Step(tr("2 · Change the background"),
             tr("With the cutout layer, choose the background plugin in the Plugins panel: a "
                "clean white, a colour, a gradient or a studio sweep, with a soft shadow "
                "under the product."),
             "plugins"),
        Step(tr("3 · Check it for the marketplace"),
             tr("The Compliance panel checks the photo against a marketplace's rules (white "
                "background, product fill, size…). Each problem is outlined on the photo; "
                "Fix repairs it in one step."),
             "compliance"),
        Step(tr("4 · Export"),
             tr("File → Export… writes the finished photo as PNG or JPEG. Everything ran on "
                "this computer: no photo left it. Help → Show the Tour brings this back."),
             ""),
    ]


def is_first_run() -> bool:
    """True until the tour has been shown once."""
    return not _truthy(settings().value(SHOWN_KEY, False))


def start(window: MainWindow) -> TourCard | None:
    """Show the tour in ``window`` (and remember that it was shown)."""
    for item in window.features:
        if isinstance(item, TourFeature):
            return item.start()
    return None


class TourCard(QFrame):
    """The card floating over the bottom-left corner of the canvas."""

    closed = Signal()

    def __init__(self, parent: QWidget, cards: list[Step]) -> None:
        super().__init__(parent)
        self.setObjectName("tour-card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.cards = cards
        self.index = 0
        self.title = QLabel()
        self.title.setObjectName("tour-title")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.counter = QLabel()
        self.back_button = QPushButton(tr("Back"))
        self.next_button = QPushButton(tr("Next"))
        self.next_button.setDefault(True)
        self.skip_button = QPushButton(tr("Skip the tour"))
        self.skip_button.setFlat(True)
        self.back_button.clicked.connect(lambda: self.show_step(self.index - 1))
        self.next_button.clicked.connect(self._next)
        self.skip_button.clicked.connect(self.dismiss)
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.counter)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.text)
        column.addLayout(buttons)
        self.setFixedWidth(420)
        parent.installEventFilter(self)
        self.show_step(0)

    @property
    def step(self) -> Step:
        return self.cards[self.index]

    def show_step(self, index: int) -> None:
        self.index = max(0, min(index, len(self.cards) - 1))
        self.title.setText(self.step.title)
        self.text.setText(self.step.text)
        self.counter.setText(f"{self.index + 1} / {len(self.cards)}")
        self.back_button.setEnabled(self.index > 0)
        last = self.index == len(self.cards) - 1
        self.next_button.setText(tr("Done") if last else tr("Next"))
        self.adjustSize()
        self._place()

    def dismiss(self) -> None:
        self.hide()
        self.closed.emit()
        self.deleteLater()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _next(self) -> None:
        if self.index == len(self.cards) - 1:
            self.dismiss()
        else:
            self.show_step(self.index + 1)

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            margin = 16
            self.move(margin, max(margin, parent.height() - self.height() - margin))
            self.raise_()


@feature
class TourFeature(Feature):
    name = "tour"
    order = 1010  # after Keyboard Shortcuts (1000), which opens the Help menu

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.card: TourCard | None = None
        help_menu = window.menu(window.tr("&Help"))
        self.action = help_menu.addAction(tr("Show the &Tour"))
        self.action.triggered.connect(self.start)

    def start(self) -> TourCard:
        """Show the first card (again); remembers that the tour was shown."""
        if self.card is not None:
            self.card.dismiss()
        host = self.window.canvas.parentWidget() or self.window
        self.card = TourCard(host, steps())
        self.card.closed.connect(self._closed)
        self.card.next_button.clicked.connect(self._raise_dock)
        self.card.back_button.clicked.connect(self._raise_dock)
        self.card.show()
        self.card.next_button.setFocus()
        self._raise_dock()
        settings().setValue(SHOWN_KEY, True)
        return self.card

    def _raise_dock(self) -> None:
        if self.card is None:
            return
        dock = self.window.docks.get(self.card.step.dock)
        if dock is not None:
            dock.show()
            dock.raise_()

    def _closed(self) -> None:
        self.card = None


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() in {"true", "1", "yes"}
