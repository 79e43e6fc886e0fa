# Lightbox: `make run` opens the editor, `make test` runs the tests. Both create .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := resources/samples/bottle.png

.PHONY: run test lint bench samples clean qm i18n package package-check

# the editor's translations: .ts kept in the repo, .qm built here (without pyside6-lrelease
# the editor still starts, translated from the .ts or in English; see editor/qt/i18n.py)
I18N_QM := $(patsubst %.ts,%.qm,$(wildcard resources/i18n/*.ts))
PYSIDE_LRELEASE ?= $(BIN)/pyside6-lrelease

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# Only the text-detection ONNX model inside rapidocr (Apache-2.0) is used, through
	# onnxruntime; its declared opencv-python dependency bundles a Qt that clashes with
	# PySide6, so it is installed without dependencies.
	$(BIN)/python -m pip install --quiet --no-deps rapidocr-onnxruntime==1.4.4
	touch $(STAMP)

run: $(STAMP) qm
	$(BIN)/lightbox $(SAMPLE)

test: $(STAMP) qm
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check editor plugins tests bench
	$(BIN)/lint-imports

bench: $(STAMP)
	# benchmark-only baselines (CBM3D); the bench says so and goes on when they cannot install
	$(BIN)/python -m pip install --quiet -e '.[bench]' || echo "bench extras unavailable"
	$(BIN)/python -m bench $(ARGS)

samples: $(STAMP)
	$(BIN)/python -m editor.samples resources/samples

qm: $(I18N_QM)

resources/i18n/%.qm: resources/i18n/%.ts | $(STAMP)
	@if command -v $(PYSIDE_LRELEASE) >/dev/null 2>&1; then $(PYSIDE_LRELEASE) -silent $< -qm $@; \
	else echo "pyside6-lrelease not found: $@ not built"; fi

# add the tr() strings of editor/qt to the catalogue, keeping every translation
i18n: $(STAMP)
	$(BIN)/python -m editor.qt.i18n_sources update resources/i18n/lightbox_zh_CN.ts

# the desktop bundle dist/Lightbox/ from its own CPU-only venv (not part of `make test`)
package:
	bash packaging/build.sh

package-check:
	bash packaging/build.sh --check

clean:
	rm -rf $(VENV) build *.egg-info
