"""Transforms keep raster, mask and box layers aligned, and undo restores them exactly."""

import numpy as np
import pytest

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import Box, BoxLayer, MaskLayer, RasterLayer
from editor.model.transform import (
    ASPECT_PRESETS,
    CanvasSize,
    Flip,
    Resize,
    Rotate90,
    Straighten,
    TransformDocument,
    aspect_preset,
    crop,
    crop_rect_for_aspect,
    padded_size_for_aspect,
    transform_stack,
)

W, H = 40, 30
BOX = Box(10, 5, 20, 12, "cap", 0.9)


def _doc() -> tuple[Document, RasterLayer, MaskLayer, BoxLayer]:
    """A photo of random pixels with a white square, a mask of that square and a box."""
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 200, (H, W, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    pixels[5:12, 10:20] = 255
    mask = np.zeros((H, W), np.uint8)
    mask[5:12, 10:20] = 255
    doc = Document(W, H)
    photo = RasterLayer("photo", pixels)
    layer_mask = MaskLayer("mask", mask)
    boxes = BoxLayer("boxes", [BOX], (W, H))
    for layer in (photo, layer_mask, boxes):
        doc.history.push(AddLayer(layer))
    doc.history.clear()
    return doc, photo, layer_mask, boxes


def _assert_aligned(photo: RasterLayer, mask: MaskLayer, boxes: BoxLayer) -> None:
    """The white square, the mask and the (only) box cover the same pixels."""
    white = (photo.pixels[..., :3] == 255).all(axis=2)
    assert np.array_equal(white, mask.mask == 255)
    ys, xs = np.nonzero(white)
    (box,) = boxes.boxes
    assert (box.x0, box.y0, box.x1, box.y1) == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert (box.label, box.score) == ("cap", 0.9)
    assert boxes.size == photo.size == mask.size


@pytest.mark.parametrize("transform", [Rotate90(1), Rotate90(2), Rotate90(3), Flip(True),
                                       Flip(False), crop((4, 2, 33, 25)),
                                       CanvasSize.anchored((W, H), (60, 50), (2, 0))])
def test_masks_and_boxes_follow_the_pixels_in_exact_transforms(transform):
    doc, photo, mask, boxes = _doc()
    doc.history.push(TransformDocument(transform))
    assert doc.size == photo.size
    _assert_aligned(photo, mask, boxes)


def test_rotating_four_times_or_flipping_twice_is_the_identity():
    doc, photo, mask, boxes = _doc()
    before = photo.pixels.copy()
    doc.history.push(TransformDocument(Rotate90(1)))
    assert doc.size == (H, W)
    assert np.array_equal(photo.pixels, np.rot90(before, -1))  # clockwise
    for _ in range(3):
        doc.history.push(TransformDocument(Rotate90(1)))
    assert np.array_equal(photo.pixels, before)
    assert boxes.boxes == [BOX]
    for horizontal in (True, False):
        doc.history.push(TransformDocument(Flip(horizontal)))
        doc.history.push(TransformDocument(Flip(horizontal)))
        assert np.array_equal(photo.pixels, before)
        assert boxes.boxes == [BOX]


def test_clockwise_turn_puts_the_top_left_pixel_top_right():
    doc, photo, *_ = _doc()
    photo.pixels[0, 0] = (1, 2, 3, 255)
    doc.history.push(TransformDocument(Rotate90(1)))
    assert tuple(photo.pixels[0, H - 1]) == (1, 2, 3, 255)


def test_crop_keeps_the_pixels_of_the_rect_and_clips_boxes():
    doc, photo, mask, boxes = _doc()
    before = photo.pixels.copy()
    doc.history.push(TransformDocument(crop((15, 8, 35, 28))))
    assert doc.size == (20, 20)
    assert np.array_equal(photo.pixels, before[8:28, 15:35])
    assert [(b.x0, b.y0, b.x1, b.y1) for b in boxes.boxes] == [(0, 0, 5, 4)]
    assert np.array_equal(mask.mask[:4, :5], np.full((4, 5), 255))


def test_canvas_size_pads_the_photo_with_the_colour_and_layers_above_with_nothing():
    doc, photo, mask, boxes = _doc()
    top = RasterLayer("retouch", np.full((H, W, 4), 9, np.uint8))
    doc.history.push(AddLayer(top))
    doc.selection = np.full((H, W), 255, np.uint8)
    doc.history.push(TransformDocument(CanvasSize.anchored((W, H), (50, 40), (1, 1),
                                                           fill=(255, 0, 0, 255))))
    assert doc.size == (50, 40)
    assert tuple(photo.pixels[0, 0]) == (255, 0, 0, 255)
    assert tuple(top.pixels[0, 0]) == (0, 0, 0, 0)
    assert tuple(top.pixels[5, 5]) == (9, 9, 9, 9)  # the old image starts at (5, 5)
    assert mask.mask[0, 0] == 0 and doc.selection[0, 0] == 0 and doc.selection[5, 5] == 255
    assert boxes.boxes[0].x0 == BOX.x0 + 5


def test_resize_gives_the_size_asked_and_keeps_a_gradient_smooth():
    ramp = np.linspace(0, 255, 200).astype(np.uint8)
    pixels = np.zeros((100, 200, 4), np.uint8)
    pixels[..., :3] = ramp[None, :, None]
    pixels[..., 3] = 255
    for size in ((50, 25), (640, 320), (300, 90)):
        (out,) = transform_stack(Resize(*size), [RasterLayer("r", pixels)], (200, 100)).data
        assert out.shape == (size[1], size[0], 4)
        row = out[size[1] // 2, :, 0].astype(int)
        steps = np.diff(row)
        assert steps.min() >= 0  # no ringing or banding reversals
        assert steps.max() <= 255 / size[0] * 1.5 + 2  # no jumps


def test_resize_scales_boxes_and_masks_with_the_pixels():
    doc, photo, mask, boxes = _doc()
    doc.history.push(TransformDocument(Resize(80, 60)))
    assert doc.size == (80, 60)
    (box,) = boxes.boxes
    assert (box.x0, box.y0, box.x1, box.y1) == (20, 10, 40, 24)
    assert mask.mask[17, 30] == 255 and mask.mask[2, 2] == 0
    assert (photo.pixels[17, 30, :3] > 240).all()


def test_resize_of_a_cutout_does_not_darken_its_edge():
    pixels = np.zeros((20, 20, 4), np.uint8)
    pixels[5:15, 5:15] = (250, 250, 250, 255)  # white product on transparency
    (out,) = transform_stack(Resize(50, 50), [RasterLayer("c", pixels)], (20, 20)).data
    visible = out[..., 3] > 10
    assert (out[visible, :3] > 235).all()


def test_straighten_crops_to_the_original_shape_or_expands():
    doc, photo, mask, boxes = _doc()
    doc.history.push(TransformDocument(Straighten(10)))
    w, h = doc.size
    assert w < W and h < H and abs(w / h - W / H) < 0.05
    assert (photo.pixels[..., 3] == 255).all()  # no empty corners
    assert boxes.boxes and mask.mask.max() == 255
    doc.history.undo()
    doc.history.push(TransformDocument(Straighten(10, crop=False)))
    assert doc.size[0] > W and doc.size[1] > H
    assert photo.pixels[0, 0, 3] == 0  # the corners are transparent


def test_straighten_turns_clockwise_and_boxes_follow_the_pixels():
    doc, photo, mask, boxes = _doc()
    doc.history.push(TransformDocument(Straighten(30, crop=False)))
    ys, xs = np.nonzero(mask.mask > 127)
    (box,) = boxes.boxes
    assert abs(box.x0 - xs.min()) <= 1.5 and abs(box.x1 - xs.max() - 1) <= 1.5
    assert abs(box.y0 - ys.min()) <= 1.5 and abs(box.y1 - ys.max() - 1) <= 1.5
    white = (photo.pixels[..., :3] > 200).all(axis=2) & (photo.pixels[..., 3] > 200)
    assert (mask.mask[white] > 100).mean() > 0.9


def test_one_undo_restores_size_layers_and_pixels_and_redo_reapplies():
    doc, photo, mask, boxes = _doc()
    doc.selection = np.zeros((H, W), np.uint8)
    before = (photo.pixels.copy(), mask.mask.copy(), list(boxes.boxes), doc.layers[:])
    sizes = []
    doc.size_changed.connect(lambda w, h: sizes.append((w, h)))
    command = TransformDocument(crop((0, 0, 10, 10)))
    doc.history.push(command)
    after = photo.pixels
    assert command.nbytes >= photo.nbytes + after.nbytes
    doc.history.undo()
    assert doc.size == (W, H) and doc.layers == before[3]
    assert np.array_equal(photo.pixels, before[0]) and np.array_equal(mask.mask, before[1])
    assert boxes.boxes == before[2] and boxes.size == (W, H)
    assert doc.selection.shape == (H, W)
    doc.history.redo()
    assert doc.size == (10, 10) and photo.pixels is after
    assert sizes == [(10, 10), (W, H), (10, 10)]


def test_absurd_sizes_are_refused_before_anything_changes():
    doc, photo, *_ = _doc()
    with pytest.raises(ValueError, match="pixels a side"):
        doc.history.push(TransformDocument(Resize(0, 10)))
    assert doc.size == (W, H) and not doc.history.can_undo


def test_aspect_rects_and_presets():
    assert crop_rect_for_aspect((1200, 900), (1, 1)) == (150, 0, 1050, 900)
    assert crop_rect_for_aspect((1200, 900), (4, 5)) == (240, 0, 960, 900)
    assert crop_rect_for_aspect((100, 100), (16, 9), (0, 0, 100, 50)) == (5, 0, 94, 50)
    assert crop_rect_for_aspect((10, 10), None) == (0, 0, 10, 10)
    assert padded_size_for_aspect((1200, 900), (1, 1)) == (1200, 1200)
    assert padded_size_for_aspect((1200, 900), (25, 36)) == (1200, 1728)
    assert aspect_preset("zalando").ratio == (25, 36)
    assert {"1:1", "4:5", "3:4", "2:3", "16:9", "amazon"} <= {p.key for p in ASPECT_PRESETS}
    with pytest.raises(KeyError, match="known"):
        aspect_preset("nope")
