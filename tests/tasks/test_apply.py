import numpy as np
import pytest

from editor.model.commands import AddLayer, SetSelection
from editor.model.document import Document
from editor.model.layers import Box as LabelBox
from editor.model.layers import BoxLayer, RasterLayer
from editor.tasks.api import Box, OutputLayer, PluginError, Result
from editor.tasks.apply import SELECTION_MARGIN, build_request, result_command
from editor.tasks.registry import Registry


@pytest.fixture
def doc():
    d = Document(200, 100)
    pixels = np.zeros((100, 200, 4), np.uint8)
    pixels[..., 2] = 200
    pixels[..., 3] = 255
    d.history.push(AddLayer(RasterLayer("Photo", pixels)))
    return d


def invert(request):
    out = request.image.copy()
    out[..., :3] = 255 - out[..., :3]
    return Result([OutputLayer("raster", "Inverted", out)])


def test_whole_image_result_is_one_undo_step(doc, fake_plugins):
    manifest = Registry.discover().get("fake").manifest
    request, place = build_request(doc, manifest, {})
    assert request.image.shape == (100, 200, 4) and request.mask is None
    doc.history.push(result_command(doc, invert(request), place, {"plugin": "fake"}))
    assert [layer.name for layer in doc.layers] == ["Photo", "Inverted"]
    assert doc.layers[1].source == {"plugin": "fake"}
    assert doc.history.undo_text == "Run fake"
    doc.history.undo()
    assert [layer.name for layer in doc.layers] == ["Photo"]


def test_run_on_selection_sees_the_selected_box_and_changes_only_inside(doc, fake_plugins):
    manifest = Registry.discover().get("fake").manifest
    selection = np.zeros((100, 200), np.uint8)
    selection[40:60, 50:90] = 255
    doc.history.push(SetSelection(selection))
    request, place = build_request(doc, manifest, {}, selection_only=True)
    m = SELECTION_MARGIN
    assert request.image.shape[:2] == (20 + 2 * m, 40 + 2 * m)
    assert (place.x, place.y) == (50 - m, 40 - m)
    doc.history.push(result_command(doc, invert(request), place, {"plugin": "fake"}))
    alpha = doc.layers[-1].pixels[..., 3]
    assert (alpha[40:60, 50:90] == 255).all()
    assert alpha.sum() == 255 * 20 * 40


def test_run_on_selection_without_one_is_refused(doc, fake_plugins):
    manifest = Registry.discover().get("fake").manifest
    with pytest.raises(PluginError, match="no selection"):
        build_request(doc, manifest, {}, selection_only=True)


def test_boxes_are_placed_in_document_coordinates(doc, fake_plugins):
    manifest = Registry.discover().get("fake").manifest
    selection = np.zeros((100, 200), np.uint8)
    selection[50:70, 100:150] = 255
    doc.history.push(SetSelection(selection))
    request, place = build_request(doc, manifest, {}, selection_only=True)
    result = Result([OutputLayer("boxes", "Found", [Box(1, 2, 11, 12, "can", 0.9)])])
    doc.history.push(result_command(doc, result, place, {}))
    box = doc.layers[-1].boxes[0]
    assert (box.x0, box.y0) == (place.x + 1, place.y + 2) and box.label == "can"


def test_a_result_of_the_wrong_size_for_a_selection_is_refused_clearly(doc, fake_plugins):
    manifest = Registry.discover().get("fake").manifest
    selection = np.zeros((100, 200), np.uint8)
    selection[20:60, 30:90] = 255
    doc.history.push(SetSelection(selection))
    _, place = build_request(doc, manifest, {}, selection_only=True)
    big = Result([OutputLayer("raster", "Big", np.zeros((200, 400, 4), np.uint8))])
    with pytest.raises(PluginError, match="400x200 raster for a .* image"):
        result_command(doc, big, place, {})


def test_an_enlarged_whole_image_result_resizes_the_document_in_one_step(doc, fake_plugins):
    """An upscaler's output lands over the enlarged original, and one undo takes both back."""
    manifest = Registry.discover().get("fake").manifest
    doc.history.push(AddLayer(BoxLayer("Labels", [LabelBox(10, 10, 50, 30, "cup")], doc.size)))
    _, place = build_request(doc, manifest, {})
    big = np.zeros((200, 400, 4), np.uint8)
    big[..., 0] = 255
    big[..., 3] = 255
    result = Result([OutputLayer("raster", "Upscaled", big)])
    doc.history.push(result_command(doc, result, place, {"plugin": "fake"}, "Run Upscale"))
    assert doc.size == (400, 200)
    assert [layer.name for layer in doc.layers] == ["Photo", "Labels", "Upscaled"]
    assert doc.layers[0].pixels.shape == (200, 400, 4)
    assert (doc.layers[0].pixels[..., 2] == 200).all()  # the original, enlarged
    assert (doc.layers[2].pixels[..., 0] == 255).all()
    box = doc.layers[1].boxes[0]
    assert (box.x0, box.y0, box.x1, box.y1) == (20, 20, 100, 60)
    assert doc.history.undo_text == "Run Upscale"
    doc.history.undo()
    assert doc.size == (200, 100) and [layer.name for layer in doc.layers] == ["Photo", "Labels"]
    assert doc.layers[0].pixels.shape == (100, 200, 4)


def test_a_report_only_result_changes_nothing_and_reads_as_a_line(doc, fake_plugins):
    from editor.tasks.apply import report_summary

    manifest = Registry.discover().get("fake").manifest
    _, place = build_request(doc, manifest, {})
    result = Result([], report={"label": "reject", "score": 0.8731, "extra": [1, 2]})
    assert result_command(doc, result, place, {}) is None
    assert report_summary(result.report) == "label reject, score 0.873"


def test_prompts_reach_the_plugin_in_the_request_image_pixels(doc, fake_plugins):
    from editor.tasks.api import Prompt
    from editor.tasks.apply import plan_request

    manifest = Registry.discover().get("fake").manifest
    selection = np.zeros((100, 200), np.uint8)
    selection[40:60, 100:150] = 255
    doc.history.push(SetSelection(selection))
    prompts = [Prompt("box", (100, 40, 150, 60)), Prompt("point", (120, 50), False)]
    plan = plan_request(doc, manifest, {}, selection_only=True, prompts=prompts)
    request = plan.build()
    dx, dy = plan.placement.x, plan.placement.y
    assert request.prompts[0].coords == (100 - dx, 40 - dy, 150 - dx, 60 - dy)
    assert request.prompts[1].coords == (120 - dx, 50 - dy)
    assert request.prompts[1].positive is False


def test_a_target_layer_is_written_over_as_one_step(doc):
    from editor.model.layers import MaskLayer
    from editor.tasks.apply import Placement

    old = np.zeros((100, 200), np.uint8)
    old[10:20, 10:20] = 255
    layer = MaskLayer("Product mask", old.copy())
    doc.history.push(AddLayer(layer))
    new = np.zeros((100, 200), np.uint8)
    new[50:70, 100:120] = 255
    result = Result([OutputLayer("mask", "Product mask", new, role="mask")])
    place = Placement(0, 0, 200, 100)
    count = len(doc.layers)
    doc.history.push(result_command(doc, result, place, {}, targets={"mask": layer}))
    assert len(doc.layers) == count and np.array_equal(layer.mask, new)
    doc.history.undo()
    assert np.array_equal(layer.mask, old)
    assert result_command(doc, Result([OutputLayer("mask", "m", old, role="mask")]), place, {},
                          targets={"mask": layer}) is None, "nothing changes: no step"


def test_a_report_with_a_message_is_summed_up_by_its_message():
    from editor.tasks.apply import report_summary

    assert report_summary({"message": "no noticeable noise (measured 0.2)", "sigma": 0.2}) == \
        "no noticeable noise (measured 0.2)"
    assert report_summary({"sigma": 0.25, "mode": "noise"}) == "sigma 0.25, mode noise"
