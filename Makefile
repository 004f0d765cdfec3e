# SocialSeed: the two commands that matter are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SOCIALSEED_NO_INPUT ?= 1

.PHONY: demo demo-30d test lint bench install clean peers

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh

demo-30d: $(STAMP)
	bash scripts/demo-30d.sh

lint: $(STAMP)
	$(BIN)/ruff check socialseed tests benchmarks
	$(BIN)/ruff format --check socialseed tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_workflows.py

# test also installs the end-to-end peers (npm, PyPI) and Debian's chromium: see scripts/test.sh
test: lint
	bash scripts/test.sh

# Third-party servers for the adapters' end-to-end tests, on their own.
peers: $(STAMP)
	bash scripts/peers-install.sh

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .demo
