"""``lightbox similar``: a catalogue index, similar-image queries, and duplicates.

    lightbox similar index FOLDER... -o INDEX [--rebuild] [--imagenet] [--projection M.pt]
    lightbox similar query INPUT... --index INDEX [--top K] [--json OUT.json]
    lightbox similar duplicates INPUT... [--json OUT.json]

``index`` is incremental: run it again and only new or changed images are embedded (deleted
ones are dropped). ``query`` writes ``{"results": [{"query", "matches": [{"path", "score"}]}]}``;
``duplicates`` writes ``{"groups": [[path, ...], ...]}`` (exact and near copies).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, TextIO

from editor.cli.common import UsageError, gather_images
from editor.model.atomic import OutputError, atomic_write


def add_parsers(sub: argparse._SubParsersAction) -> None:
    similar = sub.add_parser("similar", help="index a catalogue, find similar images and "
                                             "duplicates")
    own = similar.add_subparsers(dest="similar_command", metavar="ACTION")
    index = own.add_parser("index", help="build or update a catalogue index")
    index.add_argument("folders", nargs="+", type=Path, metavar="FOLDER")
    index.add_argument("-o", "--output", required=True, type=Path, metavar="INDEX")
    index.add_argument("--rebuild", action="store_true",
                       help="start afresh (an index of another version, or a damaged one)")
    index.add_argument("--imagenet", action="store_true",
                       help="use plain ImageNet features, not the trained projection")
    index.add_argument("--projection", type=Path, metavar="MODEL.pt",
                       help="a projection from `lightbox train similar` (default: the active "
                            "or bundled one)")
    query = own.add_parser("query", help="the catalogue images most like each input")
    query.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    query.add_argument("--index", required=True, type=Path, metavar="INDEX")
    query.add_argument("--top", type=int, default=5, metavar="K")
    query.add_argument("--projection", type=Path, metavar="MODEL.pt")
    query.add_argument("--json", type=Path, metavar="OUT.json")
    dups = own.add_parser("duplicates", help="group exact and near-duplicate images")
    dups.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    dups.add_argument("--json", type=Path, metavar="OUT.json")


class _Progress:
    """Progress lines on ``err``, at most one every ``every`` seconds."""

    def __init__(self, err: TextIO, every: float = 2.0) -> None:
        self.err, self.every, self.last = err, every, 0.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self.last >= self.every or fraction >= 1.0:
            self.last = now
            print(f"[{fraction:4.0%}] {message}", file=self.err, flush=True)


def _write_json(path: Path, data: dict[str, Any], err: TextIO) -> bool:
    try:
        with atomic_write(path, "w") as fh:
            json.dump(data, fh, indent=2)
    except (OutputError, OSError) as exc:
        print(f"lightbox: cannot write {path}: {exc}", file=err)
        return False
    return True


def cmd_index(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from editor.training.store import ModelError
    from plugins.similar.embed import embedding_for
    from plugins.similar.index import CatalogueIndex, IndexFileError, update_index

    missing = [f for f in ns.folders if not f.is_dir()]
    if missing:
        raise UsageError(f"{missing[0]}: not a folder")
    old = None
    if ns.output.exists() and not ns.rebuild:
        try:
            old = CatalogueIndex.load(ns.output)
        except IndexFileError as exc:
            print(f"lightbox: {exc}", file=err)
            return 1
    try:
        embedding = embedding_for(ns.projection, use_projection=not ns.imagenet)
    except ModelError as exc:
        print(f"lightbox: {exc}", file=err)
        return 1
    index, stats = update_index(old, ns.folders, embedding, progress=_Progress(err))
    for path, reason in stats.problems:
        print(f"{path}: {reason} (skipped)", file=err)
    try:
        index.save(ns.output)
    except (OutputError, OSError) as exc:
        print(f"lightbox: cannot write {ns.output}: {exc}", file=err)
        return 1
    print(f"{ns.output}: {len(index)} images ({stats.added} added, {stats.changed} changed, "
          f"{stats.removed} removed, {stats.kept} unchanged; {stats.embedded} embedded, "
          f"{len(stats.problems)} skipped)", file=out)
    return 1 if stats.problems else 0


def cmd_query(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from editor.training.features import FeatureCache
    from plugins.similar.index import CatalogueIndex, IndexFileError, embedding_of

    if ns.top < 1:
        raise UsageError("--top must be at least 1")
    try:
        index = CatalogueIndex.load(ns.index)
        embedding = embedding_of(index, ns.index, ns.projection)
    except IndexFileError as exc:
        print(f"lightbox: {exc}", file=err)
        return 1
    files, failures = gather_images(ns.inputs, err)
    found = FeatureCache().features(files, progress=_Progress(err))
    for path, reason in found.problems:
        print(f"{path}: {reason} (skipped)", file=err)
    results = []
    if found.paths:
        import numpy as np

        vectors = embedding(np.stack([f[0] for f in found.features]))
        exclude = [str(p.resolve()) for p in found.paths]
        for path, matches in zip(found.paths, index.search(vectors, ns.top, exclude),
                                 strict=True):
            results.append({"query": str(path), "matches": [
                {"path": p, "score": round(s, 4)} for p, s in matches]})
            best = f"{matches[0][0]} ({matches[0][1]:.3f})" if matches else "no matches"
            print(f"{path}: {best}", file=out)
    if ns.json is not None and not _write_json(ns.json, {"results": results}, err):
        return 1
    return 0 if results and not (failures or found.problems) else 1


def cmd_duplicates(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from plugins.similar.duplicates import find_duplicates

    files, failures = gather_images(ns.inputs, err)
    if not files:
        print("lightbox: no images to compare", file=err)
        return 1
    groups, problems = find_duplicates(files, progress=_Progress(err))
    for path, reason in problems:
        print(f"{path}: {reason} (skipped)", file=err)
    for group in groups:
        print("  ".join(str(p) for p in group), file=out)
    print(f"{len(groups)} groups of duplicates among {len(files) - len(problems)} images",
          file=out)
    data = {"groups": [[str(p) for p in g] for g in groups]}
    if ns.json is not None and not _write_json(ns.json, data, err):
        return 1
    return 0 if not (failures or problems) else 1


def cmd_similar(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    actions = {"index": cmd_index, "query": cmd_query, "duplicates": cmd_duplicates}
    if ns.similar_command not in actions:
        raise UsageError("similar: choose index, query or duplicates")
    return actions[ns.similar_command](ns, out, err)


COMMANDS = {"similar": cmd_similar}
