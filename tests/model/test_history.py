"""Undo/redo as the user meets it: steps, the saved mark, slider drags and the memory bound."""

from __future__ import annotations

import numpy as np
import pytest

from editor.model.commands import AddLayer, ReplaceRegion, SetLayerProperties
from editor.model.document import Document
from editor.model.history import Command, History
from editor.model.layers import RasterLayer


class Append(Command):
    """Appends a value to ``log`` (a stand-in for any document change)."""

    def __init__(self, log: list[int], value: int) -> None:
        self.log = log
        self.value = value
        self.text = f"Append {value}"

    def redo(self, doc: Document) -> None:
        self.log.append(self.value)

    def undo(self, doc: Document) -> None:
        assert self.log.pop() == self.value


@pytest.fixture
def doc() -> Document:
    return Document(16, 8)


@pytest.fixture
def layer(doc: Document) -> RasterLayer:
    photo = RasterLayer("Photo", np.zeros((8, 16, 4), np.uint8))
    doc.history.push(AddLayer(photo))
    doc.history.mark_clean()
    return photo


def push_all(history: History, log: list[int], values: range | list[int]) -> None:
    for value in values:
        history.push(Append(log, value))


# -- push / undo / redo / goto --------------------------------------------------------------
def test_a_new_document_has_nothing_to_undo_and_is_clean(doc: Document) -> None:
    history = doc.history
    assert not history.can_undo and not history.can_redo
    assert history.undo_text == history.redo_text == ""
    assert history.is_clean
    history.undo()
    history.redo()  # harmless no-ops
    assert history.index == 0


def test_push_applies_the_command_and_undo_redo_walk_the_steps(doc: Document) -> None:
    log: list[int] = []
    push_all(doc.history, log, [1, 2, 3])
    assert log == [1, 2, 3]
    assert doc.history.texts == ["Append 1", "Append 2", "Append 3"]
    assert doc.history.undo_text == "Append 3"

    doc.history.undo()
    doc.history.undo()
    assert log == [1]
    assert doc.history.index == 1
    assert doc.history.redo_text == "Append 2"

    doc.history.redo()
    assert log == [1, 2]
    assert doc.history.can_undo and doc.history.can_redo


def test_goto_jumps_to_any_step_and_clamps(doc: Document) -> None:
    log: list[int] = []
    push_all(doc.history, log, [1, 2, 3, 4])
    doc.history.goto(1)
    assert log == [1]
    doc.history.goto(3)
    assert log == [1, 2, 3]
    doc.history.goto(-5)
    assert log == [] and doc.history.index == 0
    doc.history.goto(99)
    assert log == [1, 2, 3, 4] and doc.history.index == 4


def test_a_new_push_after_undo_clears_the_redo_steps(doc: Document) -> None:
    log: list[int] = []
    push_all(doc.history, log, [1, 2, 3])
    doc.history.goto(1)
    doc.history.push(Append(log, 9))
    assert log == [1, 9]
    assert doc.history.texts == ["Append 1", "Append 9"]
    assert not doc.history.can_redo
    doc.history.redo()
    assert log == [1, 9]


def test_a_command_that_fails_is_not_recorded(doc: Document) -> None:
    photo = RasterLayer("Photo", np.zeros((8, 16, 4), np.uint8))
    doc.history.push(AddLayer(photo))
    too_big = np.zeros((4, 4, 4), np.uint8)
    with pytest.raises(ValueError, match="does not fit"):
        doc.history.push(ReplaceRegion(photo, 14, 0, too_big))
    assert doc.history.texts == [AddLayer(photo).text]


# -- the saved mark --------------------------------------------------------------------------
def test_is_clean_follows_the_saved_point(doc: Document) -> None:
    log: list[int] = []
    push_all(doc.history, log, [1, 2])
    assert not doc.history.is_clean
    doc.history.mark_clean()
    assert doc.history.is_clean

    doc.history.push(Append(log, 3))
    assert not doc.history.is_clean
    doc.history.undo()
    assert doc.history.is_clean  # back at the saved state
    doc.history.undo()
    assert not doc.history.is_clean
    doc.history.redo()
    assert doc.history.is_clean


def test_the_saved_point_is_unreachable_after_branching(doc: Document) -> None:
    log: list[int] = []
    push_all(doc.history, log, [1, 2])
    doc.history.mark_clean()
    doc.history.undo()
    doc.history.push(Append(log, 7))  # a different future: the saved state is gone
    for index in range(len(doc.history.texts) + 1):
        doc.history.goto(index)
        assert not doc.history.is_clean, index


def test_clear_forgets_every_step_and_counts_as_saved(doc: Document) -> None:
    log: list[int] = []
    push_all(doc.history, log, [1, 2])
    doc.history.clear()
    assert doc.history.texts == [] and doc.history.index == 0
    assert doc.history.is_clean and not doc.history.can_undo


# -- slider drags merge ----------------------------------------------------------------------
def test_an_opacity_drag_is_one_undo_step(doc: Document, layer: RasterLayer) -> None:
    steps = len(doc.history.texts)
    for value in np.linspace(0.95, 0.2, 16):
        doc.history.push(SetLayerProperties(layer, opacity=float(value)))
    assert len(doc.history.texts) == steps + 1
    assert layer.opacity == pytest.approx(0.2)

    doc.history.undo()
    assert layer.opacity == 1.0  # the value before the drag
    doc.history.redo()
    assert layer.opacity == pytest.approx(0.2)  # the value at the end of the drag


def test_a_different_property_does_not_merge(doc: Document, layer: RasterLayer) -> None:
    steps = len(doc.history.texts)
    doc.history.push(SetLayerProperties(layer, opacity=0.5))
    doc.history.push(SetLayerProperties(layer, name="Bottle"))
    doc.history.push(SetLayerProperties(layer, opacity=0.3))
    assert len(doc.history.texts) == steps + 3
    doc.history.undo()
    assert layer.opacity == 0.5 and layer.name == "Bottle"


def test_changing_opacity_and_another_property_at_once_does_not_merge(
    doc: Document, layer: RasterLayer
) -> None:
    doc.history.push(SetLayerProperties(layer, opacity=0.5))
    doc.history.push(SetLayerProperties(layer, opacity=0.4, visible=False))
    doc.history.undo()
    assert layer.opacity == 0.5 and layer.visible


def test_opacity_of_another_layer_does_not_merge(doc: Document, layer: RasterLayer) -> None:
    other = RasterLayer("Shadow", np.zeros((8, 16, 4), np.uint8))
    doc.history.push(AddLayer(other))
    doc.history.push(SetLayerProperties(layer, opacity=0.5))
    doc.history.push(SetLayerProperties(other, opacity=0.25))
    doc.history.undo()
    assert other.opacity == 1.0 and layer.opacity == 0.5
    doc.history.undo()
    assert layer.opacity == 1.0


def test_no_merge_across_the_saved_point(doc: Document, layer: RasterLayer) -> None:
    doc.history.push(SetLayerProperties(layer, opacity=0.5))
    doc.history.mark_clean()
    doc.history.push(SetLayerProperties(layer, opacity=0.3))
    doc.history.push(SetLayerProperties(layer, opacity=0.1))  # merges with 0.3, not 0.5
    doc.history.undo()
    assert layer.opacity == 0.5
    assert doc.history.is_clean
    doc.history.undo()
    assert layer.opacity == 1.0


# -- memory bound ----------------------------------------------------------------------------
def test_the_oldest_steps_are_dropped_to_stay_under_the_limit(doc: Document) -> None:
    photo = RasterLayer("Photo", np.zeros((8, 16, 4), np.uint8))
    doc.history.push(AddLayer(photo))
    step_bytes = ReplaceRegion(photo, 0, 0, np.zeros((2, 2, 4), np.uint8)).nbytes
    doc.history.limit_bytes = 3 * step_bytes + step_bytes // 2  # room for three strokes

    for i in range(20):
        patch = np.full((2, 2, 4), i + 1, np.uint8)
        doc.history.push(ReplaceRegion(photo, 0, 0, patch, text=f"Paint {i + 1}"))
        assert doc.history.nbytes <= doc.history.limit_bytes

    assert doc.history.texts == ["Paint 18", "Paint 19", "Paint 20"]
    assert doc.history.index == 3
    assert len(doc.layers) == 1  # dropping steps never changes the document

    for expected in (19, 18, 17):  # the newest steps still undo correctly
        doc.history.undo()
        assert (photo.pixels[:2, :2] == expected).all()
    assert not doc.history.can_undo
    assert len(doc.layers) == 1
    doc.history.goto(3)
    assert (photo.pixels[:2, :2] == 20).all()


def test_the_most_recent_step_is_kept_even_when_larger_than_the_limit(doc: Document) -> None:
    photo = RasterLayer("Photo", np.zeros((8, 16, 4), np.uint8))
    doc.history.push(AddLayer(photo))
    doc.history.limit_bytes = 10
    doc.history.push(ReplaceRegion(photo, 0, 0, np.full((8, 16, 4), 200, np.uint8)))
    assert doc.history.texts == ["Paint"]
    assert doc.history.nbytes > doc.history.limit_bytes
    doc.history.undo()
    assert (photo.pixels == 0).all()


def test_dropping_the_saved_step_makes_the_saved_state_unreachable(doc: Document) -> None:
    photo = RasterLayer("Photo", np.zeros((8, 16, 4), np.uint8))
    doc.history.push(AddLayer(photo))
    doc.history.mark_clean()
    doc.history.limit_bytes = 1
    for i in range(3):
        doc.history.push(ReplaceRegion(photo, 0, 0, np.full((1, 1, 4), i + 1, np.uint8)))
    doc.history.goto(0)
    assert not doc.history.is_clean


def test_a_history_can_be_made_with_its_own_limit(doc: Document) -> None:
    history = History(doc, limit_bytes=1234)
    assert history.limit_bytes == 1234


# -- signal ----------------------------------------------------------------------------------
def test_changed_fires_on_every_change_of_the_history(doc: Document) -> None:
    log: list[int] = []
    fired: list[None] = []
    doc.history.changed.connect(lambda: fired.append(None))

    doc.history.push(Append(log, 1))
    assert len(fired) == 1
    doc.history.undo()
    assert len(fired) == 2
    doc.history.redo()
    assert len(fired) == 3
    doc.history.mark_clean()
    assert len(fired) == 4
    doc.history.push(Append(log, 2))
    doc.history.goto(0)
    assert len(fired) >= 6
    count = len(fired)
    doc.history.clear()
    assert len(fired) == count + 1


def test_changed_does_not_fire_when_nothing_happens(doc: Document) -> None:
    fired: list[None] = []
    doc.history.changed.connect(lambda: fired.append(None))
    doc.history.undo()
    doc.history.redo()
    doc.history.goto(0)
    assert fired == []


def test_version_tells_a_merged_or_branched_change_from_no_change():
    doc = Document(4, 4)
    layer = RasterLayer("a", np.zeros((4, 4, 4), np.uint8))
    doc.history.push(AddLayer(layer))
    doc.history.push(SetLayerProperties(layer, opacity=0.5))
    index, version = doc.history.index, doc.history.version
    doc.history.push(SetLayerProperties(layer, opacity=0.3))  # merges: same index
    assert doc.history.index == index and doc.history.version != version
    version = doc.history.version
    doc.history.undo()
    doc.history.push(SetLayerProperties(layer, name="b"))  # a branch: same index again
    assert doc.history.index == index and doc.history.version != version


class Sized(Command):
    """A command that counts how often its size is asked for."""

    asked = 0

    def redo(self, doc: Document) -> None:
        pass

    def undo(self, doc: Document) -> None:
        pass

    @property
    def nbytes(self) -> int:
        Sized.asked += 1
        return 10


def test_a_push_costs_the_same_however_long_the_history(doc: Document) -> None:
    # opening a 20,000-layer project pushed 20,000 steps and re-summed the history each time
    Sized.asked = 0
    for _ in range(2000):
        doc.history.push(Sized(), merge=False)
    assert Sized.asked <= 2 * 2000
    assert doc.history.nbytes == 2000 * 10


def test_memory_count_follows_undo_branches_and_trimming(doc: Document) -> None:
    history = History(doc, limit_bytes=35)
    for _ in range(3):
        history.push(Sized(), merge=False)
    history.undo()
    history.push(Sized(), merge=False)  # the undone step is gone with its bytes
    assert history.nbytes == 30
    history.push(Sized(), merge=False)  # 40 > 35: the oldest step is forgotten
    assert history.nbytes == 30 and history.index == 3
    history.clear()
    assert history.nbytes == 0
