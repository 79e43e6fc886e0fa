"""Features install their own menus and docks and follow the open document."""

from PySide6.QtWidgets import QLabel

from editor.model.document import Document
from editor.qt import features
from editor.qt.features import Feature, feature
from editor.qt.main_window import MainWindow


def test_a_feature_adds_a_menu_and_a_dock_and_sees_documents(qtbot, fake_plugins):
    seen = []

    class Probe(Feature):
        name = "probe-feature"

        def __init__(self, window):
            super().__init__(window)
            window.menu(window.tr("&Probe")).addAction("Do it")
            window.add_dock("probe", "Probe", QLabel("probe"))

        def set_document(self, doc):
            seen.append(doc)

    feature(Probe)
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        titles = [a.text() for a in window.menuBar().actions()]
        assert "&Probe" in titles
        assert "probe" in window.docks
        doc = Document(4, 4)
        window.load_document(doc, [])
        assert seen[-1] is doc
        assert window.menu("&Probe") is window.menu("&Probe")
    finally:
        del features._FEATURES["probe-feature"]
