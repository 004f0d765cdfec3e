#!/usr/bin/env bash
# The test run behind `make test` (after lint and mypy):
#   1. installs the third-party test peers (Bluesky PDS from npm, mastodon-mock from PyPI) in
#      the background, since a cold npm install compiles a native module for minutes;
#   2. installs Debian's chromium (for the HTML report test) and runs the main suite meanwhile;
#   3. runs the end-to-end peer tests once their install has finished.
# An install that fails never hides a test: the tests that need it skip with the reason shown.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
PY=.venv/bin/python

bash scripts/peers-install.sh >test-artifacts/peers-install.log 2>&1 &
peers_pid=$!
bash scripts/install-chromium.sh 2>&1 | sed 's/^/chromium: /'
bash scripts/install-promtool.sh 2>&1 | sed "s/^/promtool: /"
bash scripts/apt-install.sh openssh "ssh-agent ssh-add ssh-keygen" openssh-client 2>&1 | sed "s/^/openssh: /"
# PostgreSQL's server binaries for the shared-state and worker tests (tests/pgserver.py)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  bash scripts/apt-install.sh postgresql "initdb" postgresql 2>&1 | sed "s/^/postgresql: /"
fi

# the main suite on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process)
$PY -m pytest --ignore=tests/peers -n "${TEST_WORKERS:-auto}" "$@"
main_rc=$?

echo "waiting for the test peers' install (log: test-artifacts/peers-install.log) ..."
wait "$peers_pid"
sed 's/^/peers: /' test-artifacts/peers-install.log | tail -n 5
$PY -m pytest tests/peers -rs "$@"
peers_rc=$?
[ "$peers_rc" -eq 5 ] && peers_rc=0  # no peer test selected (e.g. with -k): not a failure

if [ "$main_rc" -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi
[ "$main_rc" -ne 0 ] && exit "$main_rc"
exit "$peers_rc"
