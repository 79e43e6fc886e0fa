"""What the ``lightbox`` subcommands share."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO


class UsageError(Exception):
    """The command line itself is wrong (exit code 2)."""


def gather_images(inputs: list[Path], err: TextIO) -> tuple[list[Path], int]:
    """The image files named by ``inputs`` (folders searched recursively), and how many
    inputs were unusable (each reported on ``err`` as ``path: reason``)."""
    from editor.model.imageio import ImageFileError, iter_image_files

    files: list[Path] = []
    unusable = 0
    for path in inputs:
        try:
            found = iter_image_files([path])
        except ImageFileError as exc:
            print(f"{exc}", file=err)
            unusable += 1
            continue
        if not found and path.is_dir():
            print(f"{path}: no images in this folder", file=err)
            unusable += 1
        files.extend(found)
    return files, unusable


def prepare_outdir(outdir: Path) -> None:
    """Create the output folder, or raise UsageError saying why it cannot be used; the
    temporary files a killed earlier run left there are removed."""
    from editor.model.atomic import clean_stale_temps

    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"{outdir}: the output folder is a file")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{outdir}: cannot create the output folder ({exc.strerror})") from None
    refuse_unwritable(outdir)
    clean_stale_temps(outdir)


def refuse_unwritable(folder: Path) -> None:
    """UsageError, before any work, when files cannot be created in ``folder`` (read-only,
    no permission, a full disk): finding out after the compute loses the results."""
    import tempfile

    from editor.model.atomic import reason_for, temp_name_parts

    prefix, suffix = temp_name_parts("write-test")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=prefix, suffix=suffix):
            pass
    except FileNotFoundError:
        raise UsageError(f"{folder}: the folder does not exist") from None
    except OSError as exc:
        raise UsageError(f"{folder}: files cannot be written there "
                         f"({reason_for(exc, folder)})") from None


def refuse_outdir_inside_inputs(outdir: Path, inputs: list[Path]) -> None:
    """UsageError when ``outdir`` lies inside (or is) one of the input folders: a rerun
    would read the first run's outputs as new inputs."""
    out = outdir.resolve()
    for item in inputs:
        if not item.is_dir():
            continue
        folder = item.resolve()
        if out == folder or folder in out.parents:
            raise UsageError(
                f"{outdir}: the output folder is inside the input folder {item}; a later "
                "run would read these outputs as inputs. Choose a folder outside it.")
