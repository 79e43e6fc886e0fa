"""Upscaling an open photo in the editor: the document grows to the new size in one undo step."""

import numpy as np

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.tasks.apply import build_request, result_command
from editor.tasks.jobs import Job, JobState
from editor.tasks.registry import Registry


def test_upscaling_the_open_photo_enlarges_the_document_and_undo_restores_it():
    doc = Document(60, 40)
    pixels = np.zeros((40, 60, 4), np.uint8)
    pixels[:, :30, :3] = 220
    pixels[..., 3] = 255
    doc.history.push(AddLayer(RasterLayer("Photo", pixels)))
    plugin = Registry.discover().get("upscale")
    request, place = build_request(doc, plugin.manifest, {"scale": 2, "method": "lanczos"})
    job = Job(plugin, request, device="cpu")
    job.run()
    assert job.state is JobState.DONE, job.error
    doc.history.push(result_command(doc, job.result, place, {"plugin": "upscale"}))
    assert doc.size == (120, 80)
    assert [layer.pixels.shape for layer in doc.layers] == [(80, 120, 4)] * 2
    doc.history.undo()
    assert doc.size == (60, 40) and len(doc.layers) == 1
