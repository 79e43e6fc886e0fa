"""Looking at a training folder off the GUI thread: the dataset and a few small thumbnails.

Scanning reads thousands of image headers and the thumbnails decode a few photos, so both
run on a helper thread; the result comes back as plain data (:class:`FolderScan`).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QObject, Signal

from editor.model.imageio import ImageFileError, load_image
from editor.training.datasets import Dataset, DatasetError, DatasetKind, scan

#: thumbnails shown for a folder
THUMBNAILS = 8
#: longest side of a thumbnail, in pixels
THUMBNAIL_SIZE = 96


@dataclass
class Thumbnail:
    """A small RGBA preview of one sample and the words shown under it."""

    pixels: np.ndarray
    caption: str
    path: Path


@dataclass
class FolderScan:
    """What a folder holds for training: a dataset, or the reason there is none."""

    folder: Path
    dataset: Dataset | None = None
    thumbnails: list[Thumbnail] = field(default_factory=list)
    #: why the folder cannot be used (a DatasetError message); "" when it can
    error: str = ""


def look_at(folder: Path, kind: DatasetKind) -> FolderScan:
    """Scan ``folder`` for a ``kind`` dataset and make thumbnails of a few of its samples."""
    try:
        dataset = scan(folder, kind)
    except DatasetError as exc:
        return FolderScan(folder, error=str(exc))
    except OSError as exc:  # a folder vanishing or unreadable mid-scan
        return FolderScan(folder, error=f"{folder}: cannot be read ({exc})")
    return FolderScan(folder, dataset, thumbnails(dataset))


def thumbnails(dataset: Dataset, count: int = THUMBNAILS) -> list[Thumbnail]:
    """Thumbnails of up to ``count`` samples spread over the dataset (unreadable ones are
    left out: the loader reports them when training reaches them)."""
    samples = dataset.samples
    if not samples:
        return []
    picks = sorted({round(i * (len(samples) - 1) / max(1, count - 1))
                    for i in range(min(count, len(samples)))})
    found = []
    for index in picks:
        sample = samples[index]
        try:
            pixels = _small(load_image(sample.image).pixels)
        except ImageFileError:
            continue
        found.append(Thumbnail(pixels, sample.label or sample.image.name, sample.image))
    return found


def _small(rgba: np.ndarray) -> np.ndarray:
    image = Image.fromarray(rgba, "RGBA")
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.BILINEAR)
    return np.asarray(image)


class FolderScanner(QObject):
    """Scans folders on helper threads; ``scanned(FolderScan)`` reports the latest request
    only (a result for a folder the user has since changed is dropped)."""

    scanned = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serial = 0
        self._lock = threading.Lock()

    def scan(self, folder: Path, kind: DatasetKind) -> None:
        """Start looking at ``folder``; the result arrives through :attr:`scanned`."""
        with self._lock:
            self._serial += 1
            serial = self._serial
        threading.Thread(target=self._work, args=(serial, Path(folder), kind),
                         name="lightbox-dataset-scan", daemon=True).start()

    def _work(self, serial: int, folder: Path, kind: DatasetKind) -> None:
        result = look_at(folder, kind)
        with self._lock:
            stale = serial != self._serial
        if not stale:
            # RuntimeError: the dialog closed before the scan ended; nobody is left to tell
            with contextlib.suppress(RuntimeError):
                self.scanned.emit(result)  # queued to the GUI thread
