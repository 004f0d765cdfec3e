#!/usr/bin/env bash
# Install the third-party servers the adapter end-to-end tests (tests/peers) run against:
#   - Bluesky's reference PLC + PDS: npm @atproto/dev-env 0.3.215 (package-lock.json pinned)
#     into tests/peers/bsky/node_modules
#   - mastodon-mock 0.6.1 (PyPI) in its own venv: tests/peers/masto/venv
# Idempotent: a stamp per peer makes a second run take well under a second.
# Never fails the caller unless PEERS_STRICT=1: without node/npm or a registry the peers
# tests are skipped with the reason shown.
set -uo pipefail
cd "$(dirname "$0")/.."
PEERS=tests/peers
MASTO_VERSION=0.6.1
strict="${PEERS_STRICT:-0}"
status=0

warn() { echo "peers-install: $*" >&2; status=1; }
hash_of() { sha256sum "$1" | cut -d' ' -f1; }

install_bsky() {
  local dir="$PEERS/bsky" stamp="$PEERS/bsky/node_modules/.socialseed-stamp"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    warn "node/npm not found; Bluesky PDS tests will be skipped"
    return
  fi
  local want
  want="$(hash_of "$dir/package-lock.json") node-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$dir/node_modules/@atproto/dev-env" ]; then
    echo "peers-install: bluesky PDS already installed"
    return
  fi
  echo "peers-install: installing @atproto/dev-env (npm ci, about a minute: better-sqlite3 compiles)"
  # node-gyp must use the local Node headers, never download them
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
    export npm_config_nodedir=/usr
  fi
  if (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "$want" >"$stamp"
  else
    warn "npm ci failed in $dir; Bluesky PDS tests will be skipped"
  fi
}

install_masto() {
  local venv="$PEERS/masto/venv" stamp="$PEERS/masto/venv/.socialseed-stamp"
  if [ -x "$venv/bin/mastodon_mock" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$MASTO_VERSION" ]; then
    echo "peers-install: mastodon-mock already installed"
    return
  fi
  echo "peers-install: installing mastodon-mock==$MASTO_VERSION into $venv"
  if python3 -m venv "$venv" && "$venv/bin/pip" install -q "mastodon-mock==$MASTO_VERSION"; then
    echo "$MASTO_VERSION" >"$stamp"
  else
    warn "pip install mastodon-mock failed; Mastodon tests will be skipped"
  fi
}

install_bsky
install_masto
if [ "$strict" = 1 ]; then exit "$status"; fi
exit 0
