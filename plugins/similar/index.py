"""The on-disk catalogue index: one vector and two perceptual hashes per image, plus a
nearest-neighbour index over the vectors (faiss).

The file is a NumPy ``.npz`` written atomically: ``meta`` (JSON: format, version, the
embedding it was built with), ``files`` (JSON: path, size, mtime, content hash per image),
``vectors`` (N x dim float32, unit length), ``dhash`` / ``phash`` (uint64) and ``ann`` (the
serialised faiss index). A file of another format or version, or a damaged one, raises
:class:`IndexFileError` whose message says to rebuild it.

Updating is incremental: a file whose size and modification time are unchanged is kept as
is; one that changed is hashed, and re-embedded only when its content did change; files no
longer found are dropped; new ones are added. The index holds the images found in the
folders of the latest update.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from editor.model.atomic import atomic_write
from editor.model.imageio import ImageFileError, iter_image_files
from editor.training.features import FeatureCache, file_hash, load_rgb
from plugins.similar.embed import Embedding
from plugins.similar.hashing import dhash, phash

FORMAT = "lightbox-similar-index"
VERSION = 1
#: below this many images the ANN is exact (a flat scan is faster than building IVF lists)
FLAT_LIMIT = 20_000

Progress = Callable[[float, str], None]


class IndexFileError(Exception):
    """An index file that cannot be used; the message names it and offers a rebuild."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}; rebuild it (lightbox similar index FOLDER... "
                         f"-o {path} --rebuild, or Rebuild in the Catalogue panel)")


@dataclass
class Entry:
    path: str
    size: int
    mtime_ns: int
    hash: str


@dataclass
class UpdateStats:
    """What an update did; ``embedded`` counts files whose vector was (re)computed."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    kept: int = 0
    embedded: int = 0
    problems: list[tuple[Path, str]] = field(default_factory=list)


def build_ann(vectors: np.ndarray, nprobe: int = 24) -> Any:
    """A faiss inner-product index over unit vectors: exact below :data:`FLAT_LIMIT`, else
    IVF (about 4 sqrt(N) lists, ``nprobe`` of them searched per query)."""
    import faiss

    n, dim = vectors.shape
    if n < FLAT_LIMIT:
        ann = faiss.IndexFlatIP(dim)
    else:
        lists = int(4 * np.sqrt(n))
        ann = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(n, min(n, lists * 40), replace=False)]
        ann.train(np.ascontiguousarray(sample, np.float32))
        ann.nprobe = nprobe
    if n:
        ann.add(np.ascontiguousarray(vectors, np.float32))
    return ann


class CatalogueIndex:
    """The images of a catalogue, their vectors and hashes; see the module docstring."""

    def __init__(self, embedding_id: str, dim: int, entries: list[Entry] | None = None,
                 vectors: np.ndarray | None = None, dhashes: np.ndarray | None = None,
                 phashes: np.ndarray | None = None, ann: Any = None,
                 folders: Sequence[str] = ()) -> None:
        self.embedding_id = embedding_id
        self.dim = dim
        self.entries = entries or []
        self.vectors = vectors if vectors is not None else np.zeros((0, dim), np.float32)
        self.dhashes = dhashes if dhashes is not None else np.zeros(0, np.uint64)
        self.phashes = phashes if phashes is not None else np.zeros(0, np.uint64)
        self.folders = list(folders)
        self._ann = ann

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def paths(self) -> list[str]:
        return [e.path for e in self.entries]

    @property
    def ann(self) -> Any:
        if self._ann is None or self._ann.ntotal != len(self.entries):
            self._ann = build_ann(self.vectors)
        return self._ann

    # -- files -----------------------------------------------------------------------
    def save(self, path: Path | str) -> None:
        """Write the index atomically (the old file stays whole until the new one is)."""
        import faiss

        meta = {"format": FORMAT, "version": VERSION, "embedding": self.embedding_id,
                "dim": self.dim, "count": len(self), "folders": self.folders,
                "saved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        arrays = {
            "meta": _text(json.dumps(meta)),
            "files": _text(json.dumps([asdict(e) for e in self.entries])),
            "vectors": np.ascontiguousarray(self.vectors, np.float32),
            "dhash": self.dhashes.astype(np.uint64), "phash": self.phashes.astype(np.uint64),
            "ann": faiss.serialize_index(self.ann),
        }
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        with atomic_write(path, "wb") as fh:
            fh.write(buffer.getvalue())

    @classmethod
    def load(cls, path: Path | str) -> CatalogueIndex:
        """Read an index file; :class:`IndexFileError` if it is missing, damaged, or of
        another format or version."""
        import faiss

        path = Path(path)
        if not path.is_file():
            raise IndexFileError(path, "no such index file")
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                    raise IndexFileError(path, "not a Lightbox similarity index")
                if meta.get("version") != VERSION:
                    raise IndexFileError(path, f"an index of version {meta.get('version')}; "
                                               f"this Lightbox reads version {VERSION}")
                entries = [Entry(**e) for e in json.loads(bytes(data["files"]).decode("utf-8"))]
                vectors = np.asarray(data["vectors"], np.float32)
                dh, ph = data["dhash"].astype(np.uint64), data["phash"].astype(np.uint64)
                ann = faiss.deserialize_index(np.asarray(data["ann"], np.uint8))
        except IndexFileError:
            raise
        except Exception as exc:  # zip, JSON, key and faiss errors all mean "damaged"
            raise IndexFileError(path, f"the file is damaged ({type(exc).__name__})") from None
        n = len(entries)
        if vectors.shape != (n, int(meta.get("dim", -1))) or len(dh) != n or len(ph) != n:
            raise IndexFileError(path, "the file is damaged (its parts disagree)")
        return cls(str(meta.get("embedding")), int(meta["dim"]), entries, vectors, dh, ph,
                   ann if ann.ntotal == n else None, meta.get("folders") or [])

    # -- searching -------------------------------------------------------------------
    def search(self, vectors: np.ndarray, top: int,
               exclude: Sequence[str | None] = ()) -> list[list[tuple[str, float]]]:
        """The ``top`` nearest images of each query vector as (path, cosine score), best
        first; ``exclude[i]`` (a path) is left out of query i's matches."""
        if not len(self):
            return [[] for _ in range(len(vectors))]
        k = min(len(self), top + 1)
        scores, ids = self.ann.search(np.ascontiguousarray(vectors, np.float32), k)
        out = []
        for i in range(len(vectors)):
            skip = exclude[i] if i < len(exclude) else None
            row = [(self.entries[j].path, float(s)) for j, s in zip(ids[i], scores[i],
                                                                     strict=True)
                   if j >= 0 and self.entries[j].path != skip]
            out.append(row[:top])
        return out


def _text(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-8"), np.uint8)


def image_hashes(path: Path) -> tuple[int, int]:
    """(dHash, pHash) of an image file (ImageFileError if unreadable)."""
    rgb = load_rgb(path)
    return dhash(rgb), phash(rgb)


def update_index(index: CatalogueIndex | None, folders: Sequence[Path | str],
                 embedding: Embedding, cache: FeatureCache | None = None,
                 progress: Progress | None = None) -> tuple[CatalogueIndex, UpdateStats]:
    """The index for the images now in ``folders``, reusing what ``index`` already holds
    (an index built with another embedding is re-embedded from the feature cache).
    Unreadable images are named in ``stats.problems`` and left out."""
    cache = cache or FeatureCache()
    report = progress or (lambda f, m: None)
    stats = UpdateStats()
    files = [p.resolve() for p in iter_image_files([Path(f) for f in folders])]
    same_embedding = index is not None and index.embedding_id == embedding.id
    old = {e.path: i for i, e in enumerate(index.entries)} if index is not None else {}
    keep: list[tuple[Entry, int]] = []  # (entry, row in the old index)
    todo: list[tuple[Path, int, int, str]] = []
    for n, path in enumerate(files):
        if n % 200 == 0:
            report(0.05 * n / max(len(files), 1), f"checking {n}/{len(files)}")
        try:
            st = path.stat()
            row = old.get(str(path))
            prior = index.entries[row] if index is not None and row is not None else None
            if prior is not None and (prior.size, prior.mtime_ns) == (st.st_size, st.st_mtime_ns):
                key = prior.hash
            else:
                key = file_hash(path)
        except OSError as exc:
            stats.problems.append((path, f"cannot be read ({exc.strerror or exc})"))
            continue
        if prior is not None and prior.hash == key and same_embedding:
            keep.append((Entry(str(path), st.st_size, st.st_mtime_ns, key), row))
            stats.kept += 1
            continue
        if prior is None:
            stats.added += 1
        elif prior.hash != key:
            stats.changed += 1
        todo.append((path, st.st_size, st.st_mtime_ns, key))
    stats.removed = len(set(old) - {str(p) for p in files})

    entries = [e for e, _ in keep]
    rows = [r for _, r in keep]
    assert index is not None or not rows
    vectors = [index.vectors[rows]] if rows else []
    dh = [index.dhashes[rows]] if rows else []
    ph = [index.phashes[rows]] if rows else []
    chunk = 32
    for start in range(0, len(todo), chunk):
        part = todo[start:start + chunk]
        report(0.05 + 0.95 * start / len(todo), f"indexing {start}/{len(todo)} new or changed")
        found = cache.features([p for p, *_ in part])
        stats.problems.extend(found.problems)
        good = {p: f for p, f in zip(found.paths, found.features, strict=True)}
        for path, size, mtime, key in part:
            if path not in good:
                continue
            try:
                d, h = image_hashes(path)
            except ImageFileError as exc:
                stats.problems.append((path, exc.reason))
                continue
            entries.append(Entry(str(path), size, mtime, key))
            vectors.append(embedding(good[path][:1]))
            dh.append(np.array([d], np.uint64))
            ph.append(np.array([h], np.uint64))
            stats.embedded += 1
    report(1.0, f"{len(entries)} images indexed")
    fresh = CatalogueIndex(
        embedding.id, embedding.dim, entries,
        np.concatenate(vectors).astype(np.float32) if vectors else None,
        np.concatenate(dh) if dh else None, np.concatenate(ph) if ph else None,
        folders=[str(Path(f).resolve()) for f in folders])
    return fresh, stats


def embedding_of(index: CatalogueIndex, path: Path | str,
                 choice: Path | str | None = None) -> Embedding:
    """The embedding ``index`` was built with (queries must use the same one), or
    IndexFileError when that projection is no longer available."""
    from plugins.similar.embed import embedding_for, imagenet_embedding

    if index.embedding_id.startswith("imagenet:"):
        plain = imagenet_embedding()
        if plain.id == index.embedding_id:
            return plain
    else:
        current = embedding_for(choice)
        if current.id == index.embedding_id:
            return current
    raise IndexFileError(path, f"it was built with another embedding ({index.embedding_id}) "
                               "than the one available now")
