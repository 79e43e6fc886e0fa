"""Opening, saving and exporting documents: the file menu's model, without Qt.

Projects are saved as OpenRaster (.ora), which keeps every layer; photos (PNG, JPEG, ...)
open as a one-layer document and are written back only by *exporting* the composite, so a
save can never flatten the layers of a project by surprise.
"""

from __future__ import annotations

from pathlib import Path

from editor.model.atomic import clean_stale_temps
from editor.model.commands import AddLayer
from editor.model.compositor import composite
from editor.model.document import Document
from editor.model.imageio import IMAGE_SUFFIXES, ImageFileError, load_image, save_image
from editor.model.layers import RasterLayer
from editor.model.ora import load_ora, save_ora

PROJECT_SUFFIX = ".ora"
OPENABLE_SUFFIXES: frozenset[str] = IMAGE_SUFFIXES | {PROJECT_SUFFIX}


def open_document(path: Path | str) -> tuple[Document, list[str]]:
    """Open a project (.ora) or an image as a Document with a clean history.

    Returns the document and the loader's notices (sentences about conversions such as
    "converted from CMYK to RGB") for the user. Raises :class:`ImageFileError`.
    """
    path = Path(path)
    if path.suffix.lower() == PROJECT_SUFFIX:
        notices: list[str] = []
        return load_ora(path, notices), notices
    loaded = load_image(path)  # any other suffix: the loader decides whether it is an image
    doc = Document(*loaded.size, path=path)
    doc.history.push(AddLayer(RasterLayer(path.stem or "Image", loaded.pixels)))
    doc.history.clear()  # opening a file is not an undoable step
    return doc, loaded.notices


def save_document(doc: Document, path: Path | str) -> None:
    """Save ``doc`` as an OpenRaster project; it then belongs to ``path`` and is clean."""
    path = Path(path)
    if path.suffix.lower() != PROJECT_SUFFIX:
        raise ImageFileError(
            path, "projects are saved as .ora (OpenRaster) files, which keep every layer; "
            "use Export to write a PNG, JPEG or other image")
    clean_stale_temps(path.parent)  # what an earlier, killed save left next to it
    save_ora(doc, path)
    doc.path = path
    doc.history.mark_clean()


def export_image(
    doc: Document,
    path: Path | str,
    background: tuple[int, int, int] = (255, 255, 255),
    quality: int = 92,
) -> None:
    """Write the composite of the visible layers as an image (format from the suffix).

    PNG, WebP and TIFF keep transparency; JPEG and BMP are flattened onto ``background``.
    The document's own path and saved state do not change.
    """
    path = Path(path)
    save_image(path, composite(doc.layers, doc.size), background=background, quality=quality)
