"""Remove what a desktop bundle never uses from a PyInstaller folder, and strip torch's
libraries. Prints what it removed and saved.

    python packaging/slim.py dist/Lightbox

* C/C++ headers, static libraries, CMake files and test suites that library hooks copy in;
* torch's C++ test programs and test libraries (``torch/bin`` but ``torch_shm_manager``,
  ``torch/test``, ``lib*_test.so``...);
* debug symbols of torch's shared libraries and libpython (``strip --strip-unneeded``).
  Only those: the libraries under ``*.libs/`` (numpy, Pillow, OpenCV, faiss) were rewritten by
  auditwheel and ``strip`` corrupts them ("ELF load command address/offset not
  page-aligned"), and the others ship stripped already.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

#: file suffixes of build-time-only files
SUFFIXES = {".h", ".hpp", ".cuh", ".hxx", ".inl", ".a", ".lib", ".cmake", ".pyi"}
#: folder names whose whole content is build- or test-time only
FOLDERS = {"include", "cmake", "tests"}
#: folders under which such names are real code and must stay
KEEP_UNDER = {"editor", "plugins", "resources"}
#: torch files only its own C++ test suite uses
TORCH_TEST_LIBS = ("libjitbackend_test.so", "libtorchbind_test.so", "libaoti_custom_ops.so",
                   "libbackend_with_compiler.so")


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def slim(bundle: Path) -> tuple[int, int]:
    """Delete the files described above under ``bundle``; returns (files, bytes) removed."""
    doomed: list[Path] = []
    for path in sorted(bundle.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        rel = set(path.relative_to(bundle).parts)
        if KEEP_UNDER & rel or path.is_symlink():
            continue
        if (path.is_dir() and path.name in FOLDERS) or (path.is_file()
                                                         and path.suffix in SUFFIXES):
            doomed.append(path)
    torch = next(bundle.rglob("torch/lib"), None)
    if torch is not None:
        root = torch.parent
        doomed += [root / "test", *(root / "lib" / name for name in TORCH_TEST_LIBS)]
        doomed += [p for p in (root / "bin").glob("*") if p.name != "torch_shm_manager"]
    files = size = 0
    for path in doomed:
        if not path.exists():
            continue  # inside a folder removed already
        files += 1 if path.is_file() else sum(1 for f in path.rglob("*") if f.is_file())
        size += _size(path)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return files, size


def strip_torch(bundle: Path) -> int:
    """``strip --strip-unneeded`` torch's shared libraries (and libpython, which PyInstaller
    copies unstripped); returns the bytes saved."""
    tool = shutil.which("strip")
    torch = next(bundle.rglob("torch/lib"), None)
    if tool is None or torch is None:
        return 0
    libs = [*torch.glob("*.so*"), *torch.parent.glob("_C*.so"),
            *bundle.rglob("libpython3*.so*")]
    before = sum(p.stat().st_size for p in libs)
    for lib in libs:
        subprocess.run([tool, "--strip-unneeded", str(lib)], check=False, capture_output=True)
    return before - sum(p.stat().st_size for p in libs)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    removed, saved = slim(target)
    stripped = strip_torch(target)
    print(f"slim: removed {removed} build/test-only files ({saved / 2**20:.1f} MiB); "
          f"stripping torch saved {stripped / 2**20:.1f} MiB")
