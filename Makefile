# Lightbox: `make run` opens the editor, `make test` runs the tests. Both create .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := resources/samples/bottle.png

.PHONY: run test lint bench samples clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# Only the text-detection ONNX model inside rapidocr (Apache-2.0) is used, through
	# onnxruntime; its declared opencv-python dependency bundles a Qt that clashes with
	# PySide6, so it is installed without dependencies.
	$(BIN)/python -m pip install --quiet --no-deps rapidocr-onnxruntime==1.4.4
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lightbox $(SAMPLE)

test: $(STAMP)
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

clean:
	rm -rf $(VENV) build *.egg-info
