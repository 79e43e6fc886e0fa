"""Find the catalogue images most like this photo: the ``similar`` plugin's ``run``.

The catalogue is an index built with ``lightbox similar index FOLDER -o INDEX`` (or the
editor's Catalogue panel); the report lists the best matches as ``{"path", "score"}``
(cosine similarity, higher is closer).
"""

from __future__ import annotations

from pathlib import Path

from editor.model.imageio import flatten
from editor.tasks.api import Context, PluginError, Request, Result
from editor.training.backbones import WeightsUnavailable
from editor.training.features import shared_embedder
from editor.training.store import ModelError
from plugins.similar.index import CatalogueIndex, IndexFileError, embedding_of


def run(request: Request, ctx: Context) -> Result:
    params = request.params
    index_path = params.get("index")
    if not index_path:
        raise PluginError("choose a catalogue index (build one with `lightbox similar index "
                          "FOLDER -o INDEX`, or the Catalogue panel)")
    top = int(params.get("top", 8))
    ctx.progress(0.1, "Loading the catalogue")
    try:
        index = CatalogueIndex.load(index_path)
        embedding = embedding_of(index, index_path, params.get("projection"))
        ctx.progress(0.3, "Comparing")
        features = shared_embedder(ctx.device if ctx.device in ("cpu", "cuda") else "cpu")(
            [flatten(request.image, (255, 255, 255))])
    except (IndexFileError, ModelError, WeightsUnavailable) as exc:
        raise PluginError(str(exc)) from None
    matches = index.search(embedding(features), top)[0]
    ctx.progress(1.0, "Done")
    return Result(report={"index": str(index_path), "catalogue": len(index),
                          "matches": [{"path": p, "score": round(s, 4)} for p, s in matches]})


def selftest_params(scratch: Path) -> dict[str, str]:
    """For ``lightbox selftest``: a catalogue index of the bundled sample photos, built in
    ``scratch`` with the projection the plugin uses, so the self-test runs the whole path
    (embedding, index, search) without a catalogue of the user's."""
    from editor.paths import SAMPLES
    from plugins.similar.embed import embedding_for
    from plugins.similar.index import update_index

    index, _ = update_index(None, [SAMPLES], embedding_for(None))
    if not len(index):
        raise RuntimeError(f"no sample photos could be indexed in {SAMPLES}")
    path = scratch / "samples.idx"
    index.save(path)
    return {"index": str(path)}
