#!/bin/sh
# SocialSeed nightly check, for cron (see socialseed.cron): sync, health gate, dry-run plan.
# Quiet on success (cron mails only what a job prints), loud on failure: the exit code of the
# step that failed and everything the steps printed. Nothing is executed: apply always needs
# its own step (and, on real platforms, a person).
#
#   sync --fail-on-drift       3 = follows changed outside SocialSeed, or a read looked wrong
#   status --fail-on-red       3 = an account's health light is red (paused for its cool-down)
#   plan --detailed-exitcode   2 = there are proposed actions to review (not a failure)
#
# SOCIALSEED_HOME: the folder with the config folder (socialseed/), plans/ and .env (mode 0600,
# the secrets the config references: socialseed validate -c socialseed --env-vars).
set -u
cd "${SOCIALSEED_HOME:-$HOME/socialseed-config}" || exit 1
CONFIG="${SOCIALSEED_CONFIG_DIR:-socialseed}"
if [ -f ./.env ]; then . ./.env; fi
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT

step() {  # run one step, its output into the log; 0 or its exit code
  echo "\$ socialseed $*" >>"$log"
  socialseed "$@" >>"$log" 2>&1
}

fail() {
  echo "socialseed nightly check failed: $1 (exit $2). Next: socialseed status; socialseed log --since 1d"
  echo
  cat "$log"
  exit "$2"
}

step sync -c "$CONFIG" --fail-on-drift || fail "sync" $?
step status -c "$CONFIG" --fail-on-red || fail "status" $?
mkdir -p plans
step plan -c "$CONFIG" -o "plans/$(date -u +%F).json" --detailed-exitcode
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "plan" "$rc"
exit 0
