#!/usr/bin/env bash
# Install Debian's prometheus package for its promtool and prometheus-alertmanager for its
# amtool (idempotent), as install-chromium.sh does for chromium. Called by `make test` before the main suite; the tests that run
# `promtool check metrics` and `promtool check rules` skip with a visible reason only when
# this cannot install it (no root and no sudo, or apt fails). In CI (CI=true) a failed
# install fails the run instead, so the checks cannot silently go missing.
set -uo pipefail
if command -v promtool >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1; then
  exit 0
fi
fail() {
  echo "install-promtool: $1; the promtool tests will skip" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else fail "not root and no sudo"; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || fail "apt-get update failed"
# --no-install-recommends: promtool only, without starting a Prometheus server's extras
$SUDO apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null \
  || fail "apt-get install prometheus failed"
echo "install-promtool: $(promtool --version 2>&1 | head -n 1)"
