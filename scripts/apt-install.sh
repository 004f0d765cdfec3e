#!/usr/bin/env bash
# Install Debian packages for tests when their commands are missing (idempotent); used by
# scripts/test.sh the way install-chromium.sh is.
#   apt-install.sh NAME "CMD [CMD...]" PACKAGE [PACKAGE...]
# Does nothing when every CMD is on PATH. Without root or sudo, or when apt fails, it says so
# and the tests that need the commands skip with a visible reason; in CI (CI=true) that failure
# fails the run instead, so those tests cannot silently go missing.
set -uo pipefail
name=$1 commands=$2
shift 2
missing=0
for cmd in $commands; do command -v "$cmd" >/dev/null 2>&1 || missing=1; done
[ "$missing" -eq 0 ] && exit 0
fail() {
  echo "install-$name: $1; the tests that need $commands will skip" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else fail "not root and no sudo"; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || fail "apt-get update failed"
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
  || fail "apt-get install $* failed"
echo "install-$name: installed $*"
