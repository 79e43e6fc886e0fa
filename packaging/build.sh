#!/usr/bin/env bash
# Build the desktop bundle dist/Lightbox/ (one folder, executable dist/Lightbox/lightbox).
#
#   packaging/build.sh            build venv (once) + bundle + tarball
#   packaging/build.sh --check    ... then run the bundle's self-test and plugin list in a
#                                 clean environment (env -i), as a user's shell would
#
# The bundle is built from its own virtual environment (build/package-venv), not from the
# development .venv: the development torch is a CUDA build (~5 GB with the nvidia-* wheels)
# whose libtorch cannot even be imported without those libraries. The build venv gets a
# CPU-only torch instead. Environment:
#   PYTHON           interpreter for the build venv (default python3.11)
#   TORCH_SPEC       pip requirement for the CPU torch (default torch==2.13.0: on Linux
#                    x86-64 that is the CPU wheel in the machine's local wheel folder)
#   TORCH_INDEX_URL  if set, torch is installed from this index (PyTorch's CPU-only wheel
#                    index on a machine with the Internet)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
TORCH_SPEC="${TORCH_SPEC:-torch==2.13.0}"
VENV="build/package-venv"
PY="$VENV/bin/python"
CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1

stamp="$VENV/.installed"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" || "$0" -nt "$stamp" ]]; then
    echo "== build venv: $VENV (CPU torch: $TORCH_SPEC)"
    test -x "$PY" || "$PYTHON" -m venv "$VENV"
    "$PY" -m pip install --quiet --upgrade pip
    if [[ -n "${TORCH_INDEX_URL:-}" ]]; then
        "$PY" -m pip install --quiet "$TORCH_SPEC" --index-url "$TORCH_INDEX_URL"
    else
        "$PY" -m pip install --quiet "$TORCH_SPEC"
    fi
    # the runtime dependencies of pyproject.toml, less torch/torchvision (torch is in
    # already; torchvision's Linux wheels on PyPI are CUDA builds, see packaging/README.md)
    mapfile -t deps < <("$PY" packaging/runtime_deps.py)
    "$PY" -m pip install --quiet "${deps[@]}" "pyinstaller>=6"
    # as in the Makefile: only rapidocr's ONNX text detector is used (its opencv-python
    # dependency would bring a second Qt)
    "$PY" -m pip install --quiet --no-deps rapidocr-onnxruntime==1.4.4
    # the project itself, for its entry points (the plugin registry reads them)
    "$PY" -m pip install --quiet --no-deps -e .
    touch "$stamp"
fi

echo "== translations"
for ts in resources/i18n/*.ts; do
    "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm" || \
        echo "pyside6-lrelease failed on $ts: the bundle translates from the .ts alone"
done

echo "== PyInstaller"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/lightbox.spec

"$PY" packaging/slim.py dist/Lightbox
# freedesktop files, for a desktop entry and an AppStream listing of the unpacked folder
share=dist/Lightbox/share
install -Dm644 packaging/io.lightbox.Lightbox.desktop "$share/applications/io.lightbox.Lightbox.desktop"
install -Dm644 packaging/io.lightbox.Lightbox.metainfo.xml \
    "$share/metainfo/io.lightbox.Lightbox.metainfo.xml"
for png in packaging/icons/lightbox-*.png; do
    size="${png##*-}"; size="${size%.png}"
    if [[ "$size" -le 512 ]]; then
        install -Dm644 "$png" "$share/icons/hicolor/${size}x${size}/apps/io.lightbox.Lightbox.png"
    fi
done
echo "== bundle: $(du -sh dist/Lightbox | cut -f1) in dist/Lightbox"
tar -C dist -czf dist/Lightbox-linux-x86_64.tar.gz Lightbox
echo "== tarball: $(du -sh dist/Lightbox-linux-x86_64.tar.gz | cut -f1) dist/Lightbox-linux-x86_64.tar.gz"

if [[ "$CHECK" == 1 ]]; then
    home="$(mktemp -d)"
    trap 'rm -rf "$home"' EXIT
    echo "== env -i dist/Lightbox/lightbox selftest"
    env -i HOME="$home" LIGHTBOX_HOME="$home/lightbox" dist/Lightbox/lightbox selftest
    echo "== env -i dist/Lightbox/lightbox plugins"
    env -i HOME="$home" LIGHTBOX_HOME="$home/lightbox" dist/Lightbox/lightbox plugins
fi
