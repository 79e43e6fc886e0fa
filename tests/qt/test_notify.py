"""The notification bar: the one place the GUI shows errors and notices."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QToolButton, QWidget

from editor.qt import notify
from editor.qt.notify import NotificationBar


@pytest.fixture
def bar(qtbot) -> Iterator[NotificationBar]:
    window = QWidget()
    qtbot.addWidget(window)
    widget = NotificationBar(window)
    window.show()
    yield widget


def test_hidden_until_there_is_something_to_say(bar):
    assert not bar.isVisible()
    bar.show_message("shoe.png: not an image", "error")
    assert bar.isVisible()
    assert bar.messages() == [("error", "shoe.png: not an image")]


def test_messages_stack_and_close(bar, qtbot):
    bar.show_message("first", "warning")
    bar.show_message("second", "error")
    assert [text for _, text in bar.messages()] == ["first", "second"]
    close = [b for b in bar.findChildren(QToolButton) if b.toolTip() == "Close"][0]
    close.click()
    assert [text for _, text in bar.messages()] == ["second"]
    bar.clear()
    assert not bar.isVisible()


def test_repeated_messages_are_counted_not_stacked(bar):
    for _ in range(3):
        bar.show_message("disk full", "error")
    assert bar.messages() == [("error", "disk full")]


def test_old_messages_make_room(bar):
    for i in range(notify.MAX_MESSAGES + 2):
        bar.show_message(f"message {i}", "warning")
    assert len(bar.messages()) == notify.MAX_MESSAGES
    assert bar.messages()[-1] == ("warning", f"message {notify.MAX_MESSAGES + 1}")


def test_info_hides_by_itself(bar, qtbot, monkeypatch):
    monkeypatch.setattr(notify, "INFO_TIMEOUT_MS", 50)
    bar.show_message("converted from CMYK to RGB", "info")
    bar.show_message("kept", "error")
    qtbot.waitUntil(lambda: bar.messages() == [("error", "kept")], timeout=2000)


def test_details_open_read_only(bar, qtbot):
    bar.show_message("Denoise failed", "error", details="Traceback ...\nRuntimeError: boom")
    more = [b for b in bar.findChildren(QToolButton) if b.text() == "Details…"][0]
    more.click()
    dialog = next(w for w in bar.window().findChildren(QDialog) if w.isVisible())
    view = dialog.findChild(QPlainTextEdit)
    assert view.isReadOnly() and "RuntimeError: boom" in view.toPlainText()
    dialog.close()


def test_unknown_level_is_a_programming_error(bar):
    with pytest.raises(ValueError):
        bar.show_message("?", "fatal")


def test_warnings_hide_by_themselves_too_errors_stay(bar, qtbot, monkeypatch):
    monkeypatch.setattr(notify, "WARNING_TIMEOUT_MS", 50)
    bar.show_message("the photo is small", "warning")
    bar.show_message("cannot write out.png", "error")
    qtbot.waitUntil(lambda: bar.messages() == [("error", "cannot write out.png")], timeout=2000)


def test_many_messages_stack_compactly_behind_a_more_button(bar, qtbot):
    for i in range(3):
        bar.show_message(f"Denoise: job {i} failed because " + "the model is broken " * 12,
                         "error")
    assert len(bar.messages()) == 3
    assert [t for _, t in bar.visible_messages()] == [t for _, t in bar.messages()[-2:]]
    assert bar.more_button.isVisible() and "1 more" in bar.more_button.text()
    row = next(r for r in bar._rows if r.isVisible())
    lines = row.label.maximumHeight() // row.label.fontMetrics().lineSpacing()
    assert lines <= notify.MAX_LINES and row.label.toolTip().startswith("Denoise: job")
    bar.more_button.click()
    assert len(bar.visible_messages()) == 3
    bar.more_button.click()
    assert len(bar.visible_messages()) == 2


def test_messages_belong_to_the_document_they_came_with(bar):
    photo_a, photo_b = object(), object()
    bar.set_document(photo_a)
    bar.show_message("a.jpg: the product is cut off", "error")
    bar.show_message("training failed: out of memory", "error", app_wide=True)
    bar.set_document(photo_b)
    assert bar.messages() == [("error", "training failed: out of memory")]
