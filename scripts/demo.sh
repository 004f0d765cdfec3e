#!/usr/bin/env bash
# `make demo`: the whole job on the sandbox (a simulated network): no credentials, no network.
#   validate → sandbox reset → plan (saved) → inbox → review → apply → sandbox info → status
#   → report
# Simulated time (SOCIALSEED_NOW) lets apply pace through hours of rate limits at once.
set -euo pipefail
cd "$(dirname "$0")/.."
DEMO_DIR="${DEMO_DIR:-$PWD/.demo}"
export SOCIALSEED_STATE="${SOCIALSEED_STATE:-$DEMO_DIR/state.sqlite}"
export SOCIALSEED_NOW="${SOCIALSEED_NOW:-2026-11-25T09:00:00Z}"
export SOCIALSEED_REVIEWER="${SOCIALSEED_REVIEWER:-demo@socialseed.local}"
export SOCIALSEED_NO_INPUT=1
CONFIG=configs/demo
rm -rf "$DEMO_DIR" && mkdir -p "$DEMO_DIR"
ss() { .venv/bin/socialseed "$@"; }
step() { printf '\n\033[1m== socialseed %s\033[0m\n' "$*"; }

step validate -c $CONFIG
ss validate -c $CONFIG

step sandbox reset -c $CONFIG
ss sandbox reset -c $CONFIG

step plan -c $CONFIG -o "$DEMO_DIR/plan.json" --detailed-exitcode
set +e
ss plan -c $CONFIG -o "$DEMO_DIR/plan.json" --detailed-exitcode >"$DEMO_DIR/plan.txt"
rc=$?
set -e
head -n 30 "$DEMO_DIR/plan.txt"
echo "   ... (the whole diff is in $DEMO_DIR/plan.txt)"
tail -n 12 "$DEMO_DIR/plan.txt"
echo "(exit code $rc: 2 means the plan has changes)"
[ "$rc" -eq 2 ] || { echo "expected a plan with changes" >&2; exit 1; }

step inbox -c $CONFIG --account demo-studio
ss inbox -c $CONFIG --account demo-studio >"$DEMO_DIR/inbox.txt"
head -n 14 "$DEMO_DIR/inbox.txt"
echo "   ... (replies are planned above with their drafts; each needs a person's decision)"

step review "$DEMO_DIR/plan.json" --approve-risk green
ss review "$DEMO_DIR/plan.json" -c $CONFIG --approve-risk green

# Replies need a person's decision each, naming its id; the approved text is recorded with it.
replies=$(ss review "$DEMO_DIR/plan.json" -c $CONFIG --list --json 2>/dev/null \
  | .venv/bin/python -c 'import json,sys; print(" ".join(a["id"] for a in json.load(sys.stdin)["pending"] if a["verb"] == "reply"))')
if [ -n "$replies" ]; then
  first=${replies%% *}
  step review "$DEMO_DIR/plan.json" --approve "$first" --choice 2 --reason "the second draft fits"
  ss review "$DEMO_DIR/plan.json" -c $CONFIG --approve "$first" --choice 2 --reason "the second draft fits" \
    || ss review "$DEMO_DIR/plan.json" -c $CONFIG --approve "$first"  # only one draft
  rest=${replies#"$first"}
  if [ -n "${rest// /}" ]; then
    step review "$DEMO_DIR/plan.json" --approve "<the other replies>" "(each its first draft)"
    ss review "$DEMO_DIR/plan.json" -c $CONFIG --approve "$(echo $rest | tr ' ' ',')" | tail -n 3
  fi
fi

step apply "$DEMO_DIR/plan.json" --yes --max-wait 24h
ss apply "$DEMO_DIR/plan.json" -c $CONFIG --yes --max-wait 24h | tail -8

step sandbox info
ss sandbox info

step status -c $CONFIG
ss status -c $CONFIG

step report -c $CONFIG --format html --out "$DEMO_DIR/report.html"
ss report -c $CONFIG --format html --out "$DEMO_DIR/report.html"

cat <<MSG

Done. What happened is in $SOCIALSEED_STATE; the plan is $DEMO_DIR/plan.json and the report
$DEMO_DIR/report.html. Next: 'make demo-30d' simulates a month; README.md shows real accounts.
MSG
