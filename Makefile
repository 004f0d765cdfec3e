# SocialSeed: the two commands that matter are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SOCIALSEED_NO_INPUT ?= 1

.PHONY: demo demo-30d test lint bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip >/dev/null
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

test: lint
	bash scripts/test.sh

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .demo
