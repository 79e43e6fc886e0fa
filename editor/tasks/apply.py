"""Between a document and a plugin: build its request, turn its result into one command.

A plugin sees the image the user sees (the composite of the visible raster layers). With
"run on selection" it sees only the selection's bounding box (plus a margin for context),
unless it declares ``uses_mask``, in which case it gets the whole image and the mask and
decides itself. Results land as new full-size layers on top, limited to the selection, in a
single undo step; or, for a tool refining its own earlier result (the Cutout tool's next
click), over the pixels of the layers it names as ``targets``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from editor.model.commands import AddLayer, Macro, ReplaceRegion
from editor.model.compositor import composite
from editor.model.document import Document
from editor.model.history import Command
from editor.model.layers import Box, BoxLayer, Layer, MaskLayer, RasterLayer
from editor.model.transform import Resize, TransformDocument
from editor.tasks.api import PluginError, Prompt, Request, Result
from editor.tasks.manifest import Manifest

#: context kept around a cropped selection so filters see the neighbourhood of its edge
SELECTION_MARGIN = 16


@dataclass
class Placement:
    """Where a request's image sits in the document, and the selection limiting the result."""

    x: int
    y: int
    width: int
    height: int
    selection: np.ndarray | None = None  # uint8 (height, width), or None for no limit


@dataclass
class RequestPlan:
    """Everything needed to build a request, taken from the document on the GUI thread
    (cheap: copies of the visible raster layers), so the costly compositing can run on
    the job's worker thread with :meth:`build`."""

    layers: list[RasterLayer]
    size: tuple[int, int]
    params: dict[str, Any]
    placement: Placement
    mask: np.ndarray | None = None  # the selection the plugin receives, if any
    #: the user's box and click hints, in document pixels
    prompts: list[Prompt] = field(default_factory=list)

    def build(self) -> Request:
        p = self.placement
        image = composite(self.layers, self.size, rect=(p.x, p.y, p.x + p.width, p.y + p.height))
        return Request(np.ascontiguousarray(image), self.params, mask=self.mask,
                       prompts=[_shifted(prompt, -p.x, -p.y) for prompt in self.prompts])


def _shifted(prompt: Prompt, dx: float, dy: float) -> Prompt:
    """``prompt`` moved by (dx, dy): into the coordinates of a cropped request's image."""
    coords = tuple(c + (dx if i % 2 == 0 else dy) for i, c in enumerate(prompt.coords))
    return Prompt(prompt.kind, coords, prompt.positive)


def plan_request(
    doc: Document, manifest: Manifest, params: dict[str, Any], *, selection_only: bool = False,
    prompts: Sequence[Prompt] = (), mask: np.ndarray | None = None,
) -> RequestPlan:
    """Validate ``params`` and take what the request needs from ``doc`` (GUI thread).

    ``prompts`` (document pixels) reach the plugin in its request image's pixels. ``mask``
    (document size) is handed to a plugin that ``uses_mask`` over the whole image, in place
    of the selection (a feature passing a mask layer, e.g. the product's)."""
    if mask is not None and manifest.has("uses_mask") and not selection_only:
        values = manifest.validate(params)
        layers = [_frozen(layer) for layer in doc.layers
                  if isinstance(layer, RasterLayer) and layer.visible and layer.opacity > 0]
        plan = RequestPlan(layers, doc.size, values, Placement(0, 0, doc.width, doc.height),
                           mask=mask.copy())
    else:
        plan = _plan(doc, manifest, params, selection_only)
    plan.prompts = list(prompts)
    return plan


def _plan(doc: Document, manifest: Manifest, params: dict[str, Any],
          selection_only: bool) -> RequestPlan:
    values = manifest.validate(params)
    selection = doc.selection if selection_only else None
    if selection_only and (selection is None or not selection.any()):
        raise PluginError("there is no selection to run on")
    layers = [_frozen(layer) for layer in doc.layers
              if isinstance(layer, RasterLayer) and layer.visible and layer.opacity > 0]
    if selection is None:
        return RequestPlan(layers, doc.size, values, Placement(0, 0, doc.width, doc.height))
    if manifest.has("uses_mask"):
        return RequestPlan(layers, doc.size, values, Placement(0, 0, doc.width, doc.height),
                           mask=selection.copy())
    ys, xs = np.nonzero(selection)
    x0 = max(0, int(xs.min()) - SELECTION_MARGIN)
    y0 = max(0, int(ys.min()) - SELECTION_MARGIN)
    x1 = min(doc.width, int(xs.max()) + 1 + SELECTION_MARGIN)
    y1 = min(doc.height, int(ys.max()) + 1 + SELECTION_MARGIN)
    crop = selection[y0:y1, x0:x1].copy()
    return RequestPlan(layers, doc.size, values, Placement(x0, y0, x1 - x0, y1 - y0, crop),
                       mask=crop)


def _frozen(layer: RasterLayer) -> RasterLayer:
    """A copy the user's further edits cannot reach (pixels are edited in place)."""
    twin = copy.copy(layer)
    twin.pixels = layer.pixels.copy()
    return twin


def build_request(
    doc: Document, manifest: Manifest, params: dict[str, Any], *, selection_only: bool = False
) -> tuple[Request, Placement]:
    """The request for running ``manifest``'s plugin on ``doc`` at once (tests, scripts)."""
    plan = plan_request(doc, manifest, params, selection_only=selection_only)
    return plan.build(), plan.placement


def result_command(
    doc: Document,
    result: Result,
    placement: Placement,
    source: dict[str, Any],
    text: str | None = None,
    targets: Mapping[str, Layer] | None = None,
) -> Command | None:
    """One undoable command adding every output layer of ``result`` to ``doc``; None when
    the result is only a report (a check or a classifier changes nothing).

    An output whose ``role`` names a layer in ``targets`` (still in ``doc``, of the same
    kind) replaces that layer's pixels instead of adding a layer; when nothing changes at
    all the result is None too."""
    if not result.layers:
        return None
    name = text or f"Run {source.get('name') or source.get('plugin', 'plugin')}"
    resized = _resized_size(doc, result, placement)
    if resized is not None:
        return _resize_and_add(doc, result, source, name, resized)
    commands: list[Command] = []
    for out in result.layers:
        layer = _to_layer(doc, out, placement, source)
        target = (targets or {}).get(out.role)
        if target is not None and _replaceable(doc, target, layer):
            replace = _replace(target, layer)
            if replace is not None:
                commands.append(replace)
        else:
            commands.append(AddLayer(layer))
    if not commands:
        return None
    return Macro(name, commands)


def _resized_size(doc: Document, result: Result, place: Placement) -> tuple[int, int] | None:
    """The new document size when a whole-image run returns pixels of another size (an
    upscaler): every raster and mask output the same size, and not the document's."""
    if (place.x, place.y, place.width, place.height) != (0, 0, doc.width, doc.height):
        return None
    shapes = {out.data.shape[:2] for out in result.layers if out.kind != "boxes"}
    if len(shapes) != 1:
        return None
    height, width = shapes.pop()
    return None if (width, height) == doc.size else (width, height)


def _resize_and_add(doc: Document, result: Result, source: dict[str, Any], text: str,
                    size: tuple[int, int]) -> Command:
    """Resize the document (every layer, the selection, the boxes) to ``size`` and add the
    outputs on top of it, as one undo step: an upscaled photo lands over its enlarged
    original, which stays there to compare with."""
    width, height = size
    resize = TransformDocument(Resize(width, height), f"{text}: resize to {width}×{height}")
    resize.prepare(doc.layers, doc.size, doc.selection)
    place = Placement(0, 0, width, height)
    layers = [_to_layer(doc, out, place, source, size=size) for out in result.layers]
    return Macro(text, [resize, *(AddLayer(layer) for layer in layers)])


def _replaceable(doc: Document, target: Layer, layer: Layer) -> bool:
    """True if ``layer`` may be written over ``target``: same kind, still in ``doc``."""
    if type(target) is not type(layer) or isinstance(layer, BoxLayer):
        return False
    return any(existing is target for existing in doc.layers)


def _replace(target: Layer, layer: Layer) -> Command | None:
    """``target``'s pixels becoming ``layer``'s, limited to the rectangle that changes."""
    old = target.mask if isinstance(target, MaskLayer) else target.pixels  # type: ignore[attr-defined]
    new = layer.mask if isinstance(layer, MaskLayer) else layer.pixels  # type: ignore[attr-defined]
    differs = old != new
    if differs.ndim == 3:
        differs = differs.any(axis=2)
    ys = np.flatnonzero(differs.any(axis=1))
    if ys.size == 0:
        return None
    xs = np.flatnonzero(differs.any(axis=0))
    y0, y1, x0, x1 = int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1
    return ReplaceRegion(target, x0, y0, new[y0:y1, x0:x1],  # type: ignore[arg-type]
                         f"Replace “{target.name}”")


def report_summary(report: dict[str, Any], limit: int = 6) -> str:
    """A one-line reading of a plugin's report for a notification: its ``message`` when it
    has one (a sentence for people), else its plain values."""
    if isinstance(report.get("message"), str) and report["message"]:
        return report["message"]
    parts = []
    for key, value in report.items():
        if isinstance(value, float):
            parts.append(f"{key} {value:.3g}")
        elif isinstance(value, str | int | bool):
            parts.append(f"{key} {value}")
    return ", ".join(parts[:limit])


def _to_layer(doc: Document, out: Any, place: Placement, source: dict[str, Any], *,
              size: tuple[int, int] | None = None) -> Layer:
    """``out`` as a layer of a document of ``size`` (default: ``doc``'s)."""
    doc_width, doc_height = size or doc.size
    x, y, w, h = place.x, place.y, place.width, place.height
    props = {"source": dict(source)}
    if out.kind == "boxes":
        boxes = [
            Box(b.x0 + x, b.y0 + y, b.x1 + x, b.y1 + y, b.label, b.score) for b in out.data
        ]
        return BoxLayer(out.name, boxes, (doc_width, doc_height), **props)
    data: np.ndarray = out.data
    if data.shape[:2] != (h, w):
        raise PluginError(
            f"the plugin returned a {data.shape[1]}x{data.shape[0]} {out.kind} for a "
            f"{w}x{h} image; it cannot be placed as a layer of this document"
        )
    if out.kind == "mask":
        full = np.zeros((doc_height, doc_width), np.uint8)
        full[y : y + h, x : x + w] = _limit(data, place.selection)
        return MaskLayer(out.name, full, **props)
    full = np.zeros((doc_height, doc_width, 4), np.uint8)
    full[y : y + h, x : x + w] = data
    if place.selection is not None:
        region = full[y : y + h, x : x + w, 3]
        region[...] = _limit(region, place.selection)
    return RasterLayer(out.name, full, **props)


def _limit(values: np.ndarray, selection: np.ndarray | None) -> np.ndarray:
    """``values`` (uint8) scaled by the selection's coverage (255 = unchanged)."""
    if selection is None:
        return values
    return ((values.astype(np.uint16) * selection + 127) // 255).astype(np.uint8)
