"""Similar-product search and duplicate finding on GroceryStore (``groceries``), MIT.

Retrieval, photo -> product shot: the gallery is the white-background shots in
``products-on-white`` (one per class, 41 classes); the queries are the natural ``val/``
photos of those classes. recall@1 / @5 of the plugin's embedding (the projection trained on
``train/`` plus the product shots, afresh in a full run; the bundled one under ``--quick``)
next to an HSV colour histogram and the plain ImageNet features, in the same run. An
``unseen`` line trains the projection with half of the product shots left out and scores
the queries of those classes only, for how it does on products whose shot it never saw.

Duplicates: originals from ``val/`` with five copies each (re-encoded at JPEG 40, resized to
half, 8 % cropped, brightened, a caption overlaid) among unrelated ``val/`` photos; pair
precision / recall / F1 of the plugin's grouping next to dHash at its best threshold.

Scale: indexing speed (images/s, one CPU thread, features computed from scratch), query
latency against 1,000,000 synthetic clustered vectors (IVF next to exact search) and the
index's bytes per image.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import Report

#: copies of each original in the duplicate set
COPIES = ("reencoded", "resized", "cropped", "brightened", "captioned")


def make_copy(rgb: np.ndarray, kind: str, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """(image, JPEG quality) of one near-copy of ``rgb``."""
    import cv2

    h, w = rgb.shape[:2]
    if kind == "reencoded":
        return rgb, 40
    if kind == "resized":
        return cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA), 85
    if kind == "cropped":
        dx, dy = int(w * 0.08), int(h * 0.08)
        x0, y0 = int(rng.integers(0, dx + 1)), int(rng.integers(0, dy + 1))
        return rgb[y0:h - (dy - y0), x0:w - (dx - x0)], 90
    if kind == "brightened":
        return np.clip(rgb.astype(np.float32) * 1.25 + 10, 0, 255).astype(np.uint8), 90
    out = rgb.copy()
    cv2.putText(out, "SALE -20%", (int(w * 0.06), int(h * 0.9)), cv2.FONT_HERSHEY_SIMPLEX,
                w / 350, (255, 255, 255), max(2, w // 120), cv2.LINE_AA)
    return out, 90


def make_duplicate_set(originals: list[Path], distractors: list[Path], folder: Path,
                       seed: int = 0) -> tuple[list[Path], list[list[Path]]]:
    """Write originals, their copies and the distractors into ``folder``; (every file,
    the true groups)."""
    import cv2

    from editor.training.features import load_rgb

    rng = np.random.default_rng(seed)
    files: list[Path] = []
    groups: list[list[Path]] = []
    for n, src in enumerate(originals):
        rgb = load_rgb(src)
        group = [folder / f"o{n:03d}.jpg"]
        cv2.imwrite(str(group[0]), rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
        for kind in COPIES:
            copy, quality = make_copy(rgb, kind, rng)
            group.append(folder / f"o{n:03d}-{kind}.jpg")
            cv2.imwrite(str(group[-1]), np.ascontiguousarray(copy[..., ::-1]),
                        [cv2.IMWRITE_JPEG_QUALITY, quality])
        files += group
        groups.append(group)
    for n, src in enumerate(distractors):
        target = folder / f"d{n:03d}.jpg"
        cv2.imwrite(str(target), load_rgb(src)[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
        files.append(target)
    return files, groups


def run(report: Report) -> None:
    root = report.folder("similar", "groceries")
    shots = report.folder("similar", "products-on-white")
    if root is None or shots is None:
        return
    from editor.training.backbones import WeightsUnavailable

    try:
        retrieval(report, root, shots)
        with tempfile.TemporaryDirectory() as tmp:
            duplicates(report, root, Path(tmp))
        with tempfile.TemporaryDirectory() as tmp:
            scale(report, root, Path(tmp))
    except WeightsUnavailable as exc:
        report.skip("similar", str(exc))


def _queries(root: Path, names: list[str]) -> tuple[list[Path], np.ndarray]:
    """The ``val/`` photos of the classes that have a product shot, and their class."""
    from editor.training.datasets import scan

    val = [s for s in scan(root / "val", "classes").samples
           if s.label.rsplit("/", 1)[-1] in names]
    return [s.image for s in val], np.array([names.index(s.label.rsplit("/", 1)[-1])
                                             for s in val])


def retrieval(report: Report, root: Path, shots: Path) -> None:
    from editor.training.features import FeatureCache, load_rgb
    from editor.training.store import bundled_model
    from plugins.similar.bundle import link_training_folder, shot_classes, train
    from plugins.similar.embed import imagenet_embedding, load_projection
    from plugins.similar.evaluate import colour_histogram, recall_at_k

    by_class = shot_classes(shots)
    names = sorted(by_class)
    queries, truth = _queries(root, names)
    cache = FeatureCache()
    gallery = np.stack([f[0] for f in cache.features([by_class[n] for n in names]).features])
    photos = np.stack([f[0] for f in cache.features(queries).features])

    def ranks(embed) -> np.ndarray:  # noqa: ANN001
        return np.argsort(-(embed(photos) @ embed(gallery).T), axis=1)

    hist_g = np.stack([colour_histogram(load_rgb(by_class[n])) for n in names])
    hist_q = np.stack([colour_histogram(load_rgb(p)) for p in queries])
    base = np.argsort(-(hist_q @ hist_g.T), axis=1)
    plain = ranks(imagenet_embedding())
    if report.quick:
        path = bundled_model("similar")
        if path is None:
            report.skip("similar", "no bundled projection (resources/models/similar/)")
            return
        ours, seconds, unseen = ranks(load_projection(path)), None, None
    else:
        with tempfile.TemporaryDirectory() as tmp:
            link_training_folder(root / "train", shots, Path(tmp) / "all")
            start = timer()
            card = train(Path(tmp) / "all", Path(tmp) / "p.pt", {}, log=lambda m: None)
            seconds = timer() - start
            ours = ranks(load_projection(Path(tmp) / "p.pt"))
            held = names[1::2]  # every other class's product shot is never trained on
            link_training_folder(root / "train", shots, Path(tmp) / "half", leave_out=held)
            train(Path(tmp) / "half", Path(tmp) / "h.pt", {}, log=lambda m: None)
            unseen = ranks(load_projection(Path(tmp) / "h.pt"))
        report.note(f"similar: projection trained in {seconds:.0f} s on cached features "
                    f"({card.epochs} epochs)")
    setting = f"photo-to-shot-{len(names)}"
    for k in (1, 5):
        report.figure("similar", "groceries-val", setting, f"R@{k}", recall_at_k(ours, truth, k),
                      "-", "colour-histogram", recall_at_k(base, truth, k))
    for k in (1, 5):
        report.figure("similar/imagenet", "groceries-val", setting, f"R@{k}",
                      recall_at_k(plain, truth, k), "-", "colour-histogram",
                      recall_at_k(base, truth, k))
    if unseen is not None:
        rows = np.isin(truth, [names.index(n) for n in names[1::2]])
        for k in (1, 5):
            report.figure("similar", "groceries-val", "unseen-shots", f"R@{k}",
                          recall_at_k(unseen[rows], truth[rows], k), "-", "imagenet-features",
                          recall_at_k(plain[rows], truth[rows], k))
    report.note(f"similar: {len(queries)} val photos against {len(names)} product shots; "
                "targets R@1 >= 0.50, R@5 >= 0.80")


def duplicates(report: Report, root: Path, folder: Path) -> None:
    from editor.training.datasets import scan
    from editor.training.features import FeatureCache
    from plugins.similar.duplicates import duplicate_pairs, fingerprints, group_pairs
    from plugins.similar.evaluate import pair_scores
    from plugins.similar.hashing import hamming

    samples = scan(root / "val", "classes").samples
    first: dict[str, Path] = {}
    for s in samples:
        first.setdefault(str(s.label), s.image)
    originals = list(first.values())[: 6 if report.quick else 40]
    rng = np.random.default_rng(1)
    rest = [s.image for s in samples if s.image not in set(originals)]
    distractors = [rest[i] for i in rng.choice(len(rest), 10 if report.quick else 80,
                                                replace=False)]
    files, groups = make_duplicate_set(originals, distractors, folder)
    fp = fingerprints(files, FeatureCache(folder / "cache"))
    where = {p: i for i, p in enumerate(fp.paths)}
    truth = [[where[p] for p in g] for g in groups]
    ours = pair_scores(group_pairs(len(fp.paths), duplicate_pairs(fp)), truth)
    bits = hamming(fp.dhashes[:, None], fp.dhashes[None, :])
    def dhash_at(t: int) -> dict[str, float]:
        pairs = [(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(bits <= t, 1)),
                                                  strict=True)]
        return pair_scores(group_pairs(len(fp.paths), pairs), truth)

    scored = [(dhash_at(t), t) for t in range(0, 33, 2)]
    best = max(scored, key=lambda st: st[0]["f1"])
    for metric in ("precision", "recall", "f1"):
        report.figure("similar", "groceries-val-copies", "duplicates", metric, ours[metric],
                      "-", f"dHash-best-t{best[1]}", best[0][metric])
    report.note(f"similar: {len(originals)} originals x {len(COPIES)} copies "
                f"({', '.join(COPIES)}) among {len(distractors)} other photos; target F1 >= 0.98")


def scale(report: Report, root: Path, folder: Path) -> None:
    import shutil

    import faiss

    from editor.training.features import FeatureCache, load_rgb
    from plugins.similar.embed import embedding_for, imagenet_embedding
    from plugins.similar.hashing import dhash
    from plugins.similar.index import CatalogueIndex, build_ann, update_index

    photos = sorted((root / "val").rglob("*.jpg"))[: 20 if report.quick else 200]
    catalogue = folder / "catalogue"
    catalogue.mkdir()
    for n, src in enumerate(photos):
        shutil.copy(src, catalogue / f"{n:05d}.jpg")
    start = timer()
    for p in photos:
        dhash(load_rgb(p))
    hash_rate = len(photos) / (timer() - start)
    embedding = embedding_for()
    cache = FeatureCache(folder / "cache")  # cold: every image goes through the backbone
    start = timer()
    index, _ = update_index(None, [catalogue], embedding, cache)
    rate = len(photos) / (timer() - start)
    report.figure("similar", "groceries-val", "index-cold-1thread", "rate", rate, "img/s",
                  "dHash-only", hash_rate)
    report.note(f"similar: indexing 10,000 such photos takes about {10_000 / rate / 60:.0f} min "
                f"on this CPU (extrapolated from {len(photos)}); re-indexing unchanged files "
                "embeds nothing")
    index.save(folder / "ours.idx")
    plain, _ = update_index(None, [catalogue], imagenet_embedding(), cache)
    plain.save(folder / "plain.idx")
    per = (folder / "ours.idx").stat().st_size / len(index) / 1024
    per_plain = (folder / "plain.idx").stat().st_size / len(plain) / 1024
    report.figure("similar", "groceries-val", f"index-file-dim{index.dim}", "size", per,
                  "KB/img", f"imagenet-dim{plain.dim}", per_plain)
    assert isinstance(CatalogueIndex.load(folder / "ours.idx"), CatalogueIndex)

    n, dim = (100_000 if report.quick else 1_000_000), index.dim
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2000, dim)).astype(np.float32)
    vectors = centres[rng.integers(0, 2000, n)]
    vectors += 0.3 * rng.normal(size=vectors.shape).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    faiss.omp_set_num_threads(1)
    start = timer()
    ann = build_ann(vectors)
    built = timer() - start
    exact = faiss.IndexFlatIP(dim)
    exact.add(vectors)
    queries = vectors[rng.choice(n, 50, replace=False)] + 0.05 * rng.normal(
        size=(50, dim)).astype(np.float32)
    ivf_ms, flat_ms, hits = [], [], 0
    for q in queries:
        t = timer()
        _, found = ann.search(q[None], 10)
        ivf_ms.append(1000 * (timer() - t))
        t = timer()
        _, truth = exact.search(q[None], 10)
        flat_ms.append(1000 * (timer() - t))
        hits += len(set(found[0]) & set(truth[0]))
    report.figure("similar", f"synthetic-{n // 1000}k", f"dim{dim}-1thread", "query",
                  float(np.median(ivf_ms)), "ms", "exact-flat", float(np.median(flat_ms)))
    report.note(f"similar: IVF over {n:,} vectors built in {built:.0f} s; it finds "
                f"{hits / (10 * len(queries)):.0%} of the exact top-10; target <= 50 ms; "
                f"memory {dim * 4 * 2 / 1024:.1f} KB per image in RAM (vectors + ANN copy)")


def timer() -> float:
    return time.perf_counter()
