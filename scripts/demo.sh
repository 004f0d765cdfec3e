#!/usr/bin/env bash
# The demo: validate the sandbox config, then plan, review and apply on the simulated network.
set -euo pipefail
cd "$(dirname "$0")/.."
export SOCIALSEED_STATE="${SOCIALSEED_STATE:-$PWD/.demo/state.sqlite}"
export SOCIALSEED_NOW="${SOCIALSEED_NOW:-2026-11-25T09:00:00Z}"
export SOCIALSEED_REVIEWER="${SOCIALSEED_REVIEWER:-demo@socialseed.local}"
mkdir -p .demo
ss() { .venv/bin/socialseed "$@"; }
echo "== socialseed validate -c configs/demo"
ss validate -c configs/demo
