#!/usr/bin/env bash
# Install Debian's headless-capable chromium for the HTML report test (idempotent).
# Called by `make test`; never fails the build: without chromium the browser test skips
# with a visible reason.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install-chromium: not root and no sudo; the HTML browser test will skip" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq; then
  echo "install-chromium: apt-get update failed; the HTML browser test will skip" >&2
  exit 0
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
  echo "install-chromium: apt-get install chromium failed; the HTML browser test will skip" >&2
  exit 0
fi
echo "install-chromium: $(chromium --version 2>/dev/null || echo installed)"
