#!/usr/bin/env bash
# Install Debian's openssh-client (ssh-agent, ssh-add, ssh-keygen) for the team-approval tests
# that sign through ssh-agent and verify with `ssh-keygen -Y verify` (idempotent), as
# install-chromium.sh does for chromium. In CI (CI=true) a failed install fails the run.
set -uo pipefail
if command -v ssh-agent >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then
  exit 0
fi
fail() {
  echo "install-openssh: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else fail "not root and no sudo"; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || fail "apt-get update failed"
$SUDO apt-get install -y -qq --no-install-recommends openssh-client >/dev/null \
  || fail "apt-get install openssh-client failed"
echo "install-openssh: $(ssh -V 2>&1)"
