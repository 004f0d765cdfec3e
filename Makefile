# SocialSeed: the two commands that matter are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SOCIALSEED_NO_INPUT ?= 1

.PHONY: demo demo-30d test lint bench install clean peers chromium

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

test: lint peers chromium
	bash scripts/test.sh

# Third-party servers for the adapters' end-to-end tests and Chromium for the HTML report test.
# A failed install is reported; the tests that need it then skip with the reason.
peers: $(STAMP)
	@if [ -f scripts/peers-install.sh ]; then bash scripts/peers-install.sh || echo "warning: test peers could not be installed; their tests will skip" >&2; fi

chromium:
	@if [ -f scripts/install-chromium.sh ]; then bash scripts/install-chromium.sh || echo "warning: chromium could not be installed; the HTML report test will skip" >&2; fi

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .demo
