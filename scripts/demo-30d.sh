#!/usr/bin/env bash
# A simulated month on the sandbox, one day at a time (SOCIALSEED_NOW moves a day per step):
# sync, plan, approve where the sandbox's pack permits it, apply. Then status and the report
# (terminal, and HTML at .demo/30d/report.html). Nothing leaves this machine.
#   make demo-30d            DAYS=10 make demo-30d
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS="${DAYS:-30}"
START="${START:-2026-11-25}"
CONFIG="${CONFIG:-configs/demo}"
OUT=.demo/30d
rm -rf "$OUT" && mkdir -p "$OUT"
export SOCIALSEED_STATE="$PWD/$OUT/state.sqlite"
export SOCIALSEED_SANDBOX="$PWD/$OUT/sandbox.sqlite"
export SOCIALSEED_REVIEWER="${SOCIALSEED_REVIEWER:-demo@socialseed.local}"
export SOCIALSEED_NO_INPUT=1
ss() { .venv/bin/socialseed "$@"; }
day_at() { date -u -d "$START + $1 days" +%Y-%m-%dT%H:%M:%SZ; }

for ((n = 0; n < DAYS; n++)); do
  export SOCIALSEED_NOW; SOCIALSEED_NOW="$(day_at "$n")"
  SOCIALSEED_NOW="${SOCIALSEED_NOW%T*}T09:00:00Z"
  printf '== day %2d  %s\n' "$((n + 1))" "${SOCIALSEED_NOW%T*}"
  ss sync -c "$CONFIG" --fail-on-drift >/dev/null 2>"$OUT/sync.err" || {
    echo "   sync found drift or an error:"; sed 's/^/   /' "$OUT/sync.err"; }
  rc=0
  ss plan -c "$CONFIG" -o "$OUT/plan.json" --detailed-exitcode >/dev/null 2>"$OUT/plan.err" || rc=$?
  if [ "$rc" -eq 0 ]; then echo "   nothing to do today"; continue; fi
  if [ "$rc" -ne 2 ]; then echo "   plan failed:"; sed 's/^/   /' "$OUT/plan.err"; continue; fi
  # green actions were auto-approved by policy.auto_approve; a person approves the rest in bulk
  # (the sandbox's pack allows bulk approval; real platforms need one decision per action)
  ss review "$OUT/plan.json" -c "$CONFIG" --approve-risk yellow >/dev/null 2>&1 || true
  SOCIALSEED_NOW="${SOCIALSEED_NOW%T*}T09:05:00Z" \
    ss apply "$OUT/plan.json" -c "$CONFIG" --yes >/dev/null 2>"$OUT/apply.err" || true
  echo "   $(grep -E '^Applied' "$OUT/apply.err" | tail -1 || tail -1 "$OUT/apply.err")"
done

export SOCIALSEED_NOW; SOCIALSEED_NOW="$(day_at "$DAYS")"; SOCIALSEED_NOW="${SOCIALSEED_NOW%T*}T09:00:00Z"
ss sync -c "$CONFIG" >/dev/null 2>&1 || true
echo
ss status -c "$CONFIG"
echo
ss report -c "$CONFIG" --since "${DAYS}d"
ss report -c "$CONFIG" --since "${DAYS}d" --html "$OUT/report.html"
echo "open $OUT/report.html in a browser (one self-contained file; it works on a phone too)"
