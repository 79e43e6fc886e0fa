"""Every command undoes exactly what it did, and refuses what would corrupt a document."""

from __future__ import annotations

import numpy as np
import pytest

from editor.model.commands import (
    AddLayer,
    Macro,
    MoveLayer,
    RemoveLayer,
    ReplaceRegion,
    SetBoxes,
    SetLayerProperties,
    SetSelection,
)
from editor.model.document import Document
from editor.model.history import Command
from editor.model.layers import Box, BoxLayer, Layer, MaskLayer, RasterLayer

W, H = 12, 10


def raster(name: str, value: int = 0) -> RasterLayer:
    rng = np.random.default_rng(value)
    return RasterLayer(name, rng.integers(0, 256, (H, W, 4), dtype=np.uint8))


def snapshot(doc: Document) -> dict[str, object]:
    """Everything a user can see or save, copied so later edits cannot change it."""
    layers = []
    for layer in doc.layers:
        state = {p: getattr(layer, p) for p in Layer.PROPERTIES}
        state["id"] = layer.id
        if isinstance(layer, RasterLayer):
            state["pixels"] = layer.pixels.copy()
        elif isinstance(layer, MaskLayer):
            state["mask"] = layer.mask.copy()
        elif isinstance(layer, BoxLayer):
            state["boxes"] = list(layer.boxes)
        layers.append(state)
    selection = None if doc.selection is None else doc.selection.copy()
    return {"layers": layers, "selection": selection}


def assert_same(a: dict[str, object], b: dict[str, object]) -> None:
    assert [s["id"] for s in a["layers"]] == [s["id"] for s in b["layers"]]
    for sa, sb in zip(a["layers"], b["layers"], strict=True):
        assert sa.keys() == sb.keys()
        for key in sa:
            if isinstance(sa[key], np.ndarray):
                np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)
            else:
                assert sa[key] == sb[key], key
    if a["selection"] is None or b["selection"] is None:
        assert a["selection"] is b["selection"] is None
    else:
        np.testing.assert_array_equal(a["selection"], b["selection"])


@pytest.fixture
def doc() -> Document:
    d = Document(W, H)
    d.history.push(AddLayer(raster("Photo", 1)))
    d.history.push(AddLayer(MaskLayer("Bottle mask", np.zeros((H, W), np.uint8))))
    d.history.push(AddLayer(BoxLayer("Boxes", [Box(1, 1, 5, 5, "bottle", 0.9)], (W, H))))
    d.history.push(AddLayer(raster("Shadow", 2)))
    return d


def check_undo_redo(doc: Document, make_command) -> tuple[dict, dict]:
    """Push a command; undo must return the exact state before, redo the exact state after."""
    before = snapshot(doc)
    doc.history.push(make_command(doc))
    after = snapshot(doc)
    doc.history.undo()
    assert_same(snapshot(doc), before)
    doc.history.redo()
    assert_same(snapshot(doc), after)
    doc.history.undo()
    assert_same(snapshot(doc), before)
    return before, after


def names(doc: Document) -> list[str]:
    return [layer.name for layer in doc.layers]


# -- every command round-trips ---------------------------------------------------------------
@pytest.mark.parametrize(
    "make_command",
    [
        pytest.param(lambda d: AddLayer(raster("New", 3)), id="add-on-top"),
        pytest.param(lambda d: AddLayer(raster("New", 3), index=1), id="add-at-index"),
        pytest.param(lambda d: RemoveLayer(d.layers[1]), id="remove"),
        pytest.param(lambda d: MoveLayer(d.layers[0], 3), id="move"),
        pytest.param(
            lambda d: SetLayerProperties(
                d.layers[0], name="Bottle", visible=False, opacity=0.3, locked=True,
                blend="multiply",
            ),
            id="properties",
        ),
        pytest.param(
            lambda d: ReplaceRegion(d.layers[0], 2, 3, np.full((4, 5, 4), 77, np.uint8)),
            id="paint-raster",
        ),
        pytest.param(
            lambda d: ReplaceRegion(d.layers[1], 0, 0, np.full((H, W), 255, np.uint8)),
            id="paint-mask",
        ),
        pytest.param(
            lambda d: SetBoxes(d.layers[2], [Box(0, 0, 3, 3, "cap"), Box(2, 2, 9, 9)]),
            id="boxes",
        ),
        pytest.param(lambda d: SetSelection(np.full((H, W), 255, np.uint8)), id="select"),
        pytest.param(
            lambda d: Macro("Many", [
                SetLayerProperties(d.layers[3], opacity=0.5),
                ReplaceRegion(d.layers[3], 0, 0, np.zeros((2, 2, 4), np.uint8)),
                AddLayer(raster("Result", 4)),
            ]),
            id="macro",
        ),
    ],
)
def test_undo_restores_the_exact_previous_state(doc: Document, make_command) -> None:
    before, after = check_undo_redo(doc, make_command)
    with pytest.raises(AssertionError):  # the command did change something
        assert_same(before, after)


def test_deselect_round_trips_an_existing_selection(doc: Document) -> None:
    selection = np.zeros((H, W), np.uint8)
    selection[2:5, 3:7] = 255
    doc.history.push(SetSelection(selection))
    check_undo_redo(doc, lambda d: SetSelection(None))
    assert doc.selection is not None
    np.testing.assert_array_equal(doc.selection, selection)


def test_redo_after_undo_reuses_the_same_layer_object(doc: Document) -> None:
    photo = doc.layers[0]
    doc.history.push(RemoveLayer(photo))
    doc.history.undo()
    assert doc.layers[0] is photo


# -- AddLayer --------------------------------------------------------------------------------
def test_add_layer_puts_it_on_top_by_default_and_makes_it_active(doc: Document) -> None:
    new = raster("New")
    doc.history.push(AddLayer(new))
    assert doc.layers[-1] is new
    assert doc.active_layer is new


def test_add_layer_at_an_index(doc: Document) -> None:
    doc.history.push(AddLayer(raster("New"), index=1))
    assert names(doc) == ["Photo", "New", "Bottle mask", "Boxes", "Shadow"]


def test_add_layer_refuses_another_size_with_a_clear_message(doc: Document) -> None:
    before = snapshot(doc)
    steps = doc.history.texts
    small = RasterLayer("Small", np.zeros((H - 1, W, 4), np.uint8))
    with pytest.raises(ValueError, match=r"'Small'.*\(12, 9\).*document.*\(12, 10\)"):
        doc.history.push(AddLayer(small))
    boxes = BoxLayer("Boxes", [], (W + 1, H))
    with pytest.raises(ValueError, match="document"):
        doc.history.push(AddLayer(boxes))
    assert_same(snapshot(doc), before)
    assert doc.history.texts == steps


# -- RemoveLayer -----------------------------------------------------------------------------
def test_removing_the_active_layer_makes_a_neighbour_active(doc: Document) -> None:
    middle = doc.layers[1]
    doc.set_active(middle)
    doc.history.push(RemoveLayer(middle))
    assert middle not in doc.layers
    assert doc.active_layer in (doc.layers[0], doc.layers[1])


def test_removing_the_active_top_layer_makes_the_one_below_active(doc: Document) -> None:
    top = doc.layers[-1]
    below = doc.layers[-2]
    doc.set_active(top)
    doc.history.push(RemoveLayer(top))
    assert doc.active_layer is below


def test_removing_the_last_layer_leaves_no_active_layer() -> None:
    doc = Document(W, H)
    only = raster("Only")
    doc.history.push(AddLayer(only))
    doc.history.push(RemoveLayer(only))
    assert doc.layers == [] and doc.active_layer is None
    doc.history.undo()
    assert doc.layers == [only]


def test_removing_another_layer_keeps_the_active_one(doc: Document) -> None:
    photo = doc.layers[0]
    doc.set_active(photo)
    doc.history.push(RemoveLayer(doc.layers[2]))
    assert doc.active_layer is photo


# -- MoveLayer -------------------------------------------------------------------------------
def test_move_layer_changes_the_order(doc: Document) -> None:
    doc.history.push(MoveLayer(doc.layers[3], 0))
    assert names(doc) == ["Shadow", "Photo", "Bottle mask", "Boxes"]
    doc.history.undo()
    assert names(doc) == ["Photo", "Bottle mask", "Boxes", "Shadow"]


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (99, ["Bottle mask", "Boxes", "Shadow", "Photo"]),
        (-7, ["Photo", "Bottle mask", "Boxes", "Shadow"]),
    ],
)
def test_move_layer_clamps_to_the_stack(doc: Document, index: int, expected: list[str]) -> None:
    doc.history.push(MoveLayer(doc.layers[0], index))
    assert names(doc) == expected
    doc.history.undo()
    assert names(doc) == ["Photo", "Bottle mask", "Boxes", "Shadow"]


def test_move_layer_emits_structure_changed(doc: Document) -> None:
    fired: list[None] = []
    doc.structure_changed.connect(lambda: fired.append(None))
    doc.history.push(MoveLayer(doc.layers[0], 2))
    doc.history.undo()
    assert len(fired) == 2


# -- SetLayerProperties ----------------------------------------------------------------------
def test_set_properties_rejects_unknown_properties(doc: Document) -> None:
    with pytest.raises(ValueError, match="not a layer property: colour"):
        SetLayerProperties(doc.layers[0], colour="red")
    with pytest.raises(ValueError, match="id"):
        SetLayerProperties(doc.layers[0], id="x")


def test_set_properties_rejects_bad_blend_modes(doc: Document) -> None:
    with pytest.raises(ValueError, match="unknown blend mode 'overlay'"):
        SetLayerProperties(doc.layers[0], blend="overlay")
    assert doc.layers[0].blend == "normal"


def test_set_properties_clamps_opacity(doc: Document) -> None:
    doc.history.push(SetLayerProperties(doc.layers[0], opacity=1.7))
    assert doc.layers[0].opacity == 1.0
    doc.history.push(SetLayerProperties(doc.layers[1], opacity=-0.5))
    assert doc.layers[1].opacity == 0.0


def test_set_properties_emits_layer_changed_with_the_names(doc: Document) -> None:
    seen: list[tuple[object, tuple]] = []
    doc.layer_changed.connect(lambda layer, props: seen.append((layer, props)))
    photo = doc.layers[0]
    doc.history.push(SetLayerProperties(photo, visible=False, name="Bottle"))
    assert seen == [(photo, ("visible", "name"))]


# -- ReplaceRegion ---------------------------------------------------------------------------
def test_replace_region_stores_only_the_patch(doc: Document) -> None:
    big = Document(400, 300)
    photo = RasterLayer("Photo", np.zeros((300, 400, 4), np.uint8))
    big.history.push(AddLayer(photo))
    patch = np.full((10, 20, 4), 9, np.uint8)
    command = ReplaceRegion(photo, 5, 6, patch)
    big.history.push(command)
    assert command.nbytes == 2 * patch.nbytes
    assert command.nbytes < photo.nbytes / 100
    assert (photo.pixels[6:16, 5:25] == 9).all()
    assert (photo.pixels[:6] == 0).all() and (photo.pixels[:, :5] == 0).all()


def test_replace_region_emits_content_changed_with_the_rect(doc: Document) -> None:
    seen: list[tuple[object, object]] = []
    doc.content_changed.connect(lambda layer, rect: seen.append((layer, rect)))
    photo = doc.layers[0]
    doc.history.push(ReplaceRegion(photo, 2, 3, np.zeros((4, 5, 4), np.uint8)))
    doc.history.undo()
    assert seen == [(photo, (2, 3, 7, 7)), (photo, (2, 3, 7, 7))]


def test_replace_region_refuses_a_patch_that_does_not_fit(doc: Document) -> None:
    photo = doc.layers[0]
    before = photo.pixels.copy()
    with pytest.raises(ValueError, match="does not fit"):
        doc.history.push(ReplaceRegion(photo, W - 2, 0, np.zeros((2, 4, 4), np.uint8)))
    with pytest.raises(ValueError, match="does not fit"):
        doc.history.push(ReplaceRegion(photo, 0, 0, np.zeros((2, 2), np.uint8)))
    np.testing.assert_array_equal(photo.pixels, before)


def test_replace_region_owns_its_patch(doc: Document) -> None:
    """A tool that reuses its brush buffer must not change what redo paints."""
    photo = doc.layers[0]
    buffer = np.full((2, 2, 4), 50, np.uint8)
    doc.history.push(ReplaceRegion(photo, 0, 0, buffer))
    buffer[...] = 200  # the next dab
    doc.history.undo()
    doc.history.redo()
    assert (photo.pixels[:2, :2] == 50).all()


# -- SetBoxes / SetSelection -----------------------------------------------------------------
def test_set_boxes_emits_content_changed_for_the_whole_layer(doc: Document) -> None:
    seen: list[tuple[object, object]] = []
    doc.content_changed.connect(lambda layer, rect: seen.append((layer, rect)))
    boxes = doc.layers[2]
    doc.history.push(SetBoxes(boxes, []))
    assert boxes.boxes == [] and seen == [(boxes, None)]
    doc.history.undo()
    assert boxes.boxes == [Box(1, 1, 5, 5, "bottle", 0.9)]


def test_set_selection_refuses_a_mask_of_another_size(doc: Document) -> None:
    with pytest.raises(ValueError, match="document size"):
        doc.history.push(SetSelection(np.zeros((W, H), np.uint8)))
    assert doc.selection is None


# -- Macro -----------------------------------------------------------------------------------
def test_macro_is_one_step_and_undoes_in_reverse_order(doc: Document) -> None:
    new = raster("Result", 5)
    order: list[str] = []
    doc.structure_changed.connect(lambda: order.append(",".join(names(doc))))
    before = snapshot(doc)
    steps = len(doc.history.texts)
    # the second command needs the first: moving a layer that the macro has just added
    doc.history.push(Macro("Apply plugin", [AddLayer(new), MoveLayer(new, 0)]))
    assert len(doc.history.texts) == steps + 1
    assert doc.history.undo_text == "Apply plugin"
    assert names(doc)[0] == "Result"

    order.clear()
    doc.history.undo()
    # moved back to the top first, then removed
    assert order == ["Photo,Bottle mask,Boxes,Shadow,Result", "Photo,Bottle mask,Boxes,Shadow"]
    assert_same(snapshot(doc), before)


class Record(Command):
    def __init__(self, log: list[str], name: str) -> None:
        self.log = log
        self.name = name

    def redo(self, doc: Document) -> None:
        self.log.append(f"do {self.name}")

    def undo(self, doc: Document) -> None:
        self.log.append(f"undo {self.name}")


def test_a_macro_that_fails_half_way_leaves_the_document_untouched(doc: Document) -> None:
    before = snapshot(doc)
    steps = doc.history.texts
    doc.history.mark_clean()
    good = raster("Result")
    bad = RasterLayer("Wrong size", np.zeros((H + 1, W, 4), np.uint8))
    macro = Macro("Apply plugin", [
        AddLayer(good),
        ReplaceRegion(doc.layers[0], 0, 0, np.zeros((2, 2, 4), np.uint8)),
        AddLayer(bad),
    ])
    with pytest.raises(ValueError, match="Wrong size"):
        doc.history.push(macro)
    assert_same(snapshot(doc), before)
    assert doc.history.texts == steps and doc.history.is_clean


def test_macro_redoes_in_order_and_undoes_in_reverse(doc: Document) -> None:
    log: list[str] = []
    doc.history.push(Macro("Three", [Record(log, "a"), Record(log, "b"), Record(log, "c")]))
    doc.history.undo()
    doc.history.redo()
    assert log == ["do a", "do b", "do c", "undo c", "undo b", "undo a", "do a", "do b", "do c"]


# -- Layer.duplicate -------------------------------------------------------------------------
def test_duplicate_deep_copies_the_data_and_gets_a_new_id(doc: Document) -> None:
    photo, mask, boxes = doc.layers[0], doc.layers[1], doc.layers[2]
    photo.source = {"plugin": "denoise", "params": {"sigma": 10}}

    twin = photo.duplicate()
    assert twin.id != photo.id and twin.name == "Photo copy"
    np.testing.assert_array_equal(twin.pixels, photo.pixels)
    twin.pixels[...] = 0
    twin.source["params"]["sigma"] = 99
    assert photo.pixels.any()
    assert photo.source["params"]["sigma"] == 10

    mask_twin = mask.duplicate("Mask 2")
    assert mask_twin.name == "Mask 2" and mask_twin.id != mask.id
    mask_twin.mask[...] = 255
    assert not mask.mask.any()

    box_twin = boxes.duplicate()
    box_twin.boxes.append(Box(0, 0, 1, 1))
    assert len(boxes.boxes) == 1

    doc.history.push(AddLayer(twin))
    assert doc.layers[-1] is twin and photo in doc.layers
