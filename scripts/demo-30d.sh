#!/usr/bin/env bash
# A simulated month on the sandbox, one day at a time (SOCIALSEED_NOW moves a day per step):
# sync, plan, approve where the sandbox's pack permits it, a person approves each reply by id,
# apply. Then status and the report
# (terminal, and HTML at .demo/30d/report.html). Nothing leaves this machine.
# The sandbox world has SIZE accounts (20,000 unless told): the demo's follow caps take about
# 1,500 people a month for demo-studio; each day prints planned follows against the cap.
#   make demo-30d            DAYS=10 make demo-30d            SIZE=10000 make demo-30d
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS="${DAYS:-30}"
START="${START:-2026-11-25}"
CONFIG="${CONFIG:-configs/demo}"
SIZE="${SIZE:-20000}"  # a month of follows needs a bigger world than 'make demo' (5,000)
OUT=.demo/30d
rm -rf "$OUT" && mkdir -p "$OUT/config"
cp "$CONFIG"/*.yaml "$OUT/config/"
sed -i "s/^  size: [0-9]*$/  size: $SIZE/" "$OUT/config/"*.yaml
CONFIG="$OUT/config"
export SOCIALSEED_STATE="$PWD/$OUT/state.sqlite"
export SOCIALSEED_SANDBOX="$PWD/$OUT/sandbox.sqlite"
export SOCIALSEED_REVIEWER="${SOCIALSEED_REVIEWER:-demo@socialseed.local}"
export SOCIALSEED_NO_INPUT=1
ss() { .venv/bin/socialseed "$@"; }
pending_replies() {  # the ids of the replies awaiting a decision, comma-separated
  .venv/bin/python -c 'import json, sys
print(",".join(a["id"] for a in json.load(sys.stdin)["pending"] if a["verb"] == "reply"))'
}
follows_vs_cap() {  # per account: planned follows vs today's follow cap, and a short runway
  .venv/bin/python - "$1" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
for acct in plan["accounts"]:
    name = acct["account"]
    planned = sum(1 for a in plan["actions"] if a["account"] == name and a["verb"] == "follow")
    cap = planned + acct["remaining"].get("follow", 0) + acct["used_today"].get("follow", 0)
    pct = f"{100 * planned / cap:.0f}%" if cap else "-"
    low = [n for n in acct["notes"] if n.startswith("runway low")]
    why = "  (" + low[0].split(";")[0] + ")" if low else ""
    print(f"{plan['created_at'][:10]}\t{name}: follows planned {planned}/{cap} ({pct}){why}")
PY
}
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
  follows_vs_cap "$OUT/plan.json" | tee -a "$OUT/follows.tsv" | cut -f2- | sed 's/^/   /'

  # green actions were auto-approved by policy.auto_approve; a person approves the rest in bulk
  # (the sandbox's pack allows bulk approval; real platforms need one decision per action)
  ss review "$OUT/plan.json" -c "$CONFIG" --approve-risk yellow >/dev/null 2>&1 || true
  # replies need a person's decision each: the reviewer ($SOCIALSEED_REVIEWER) reads the day's
  # drafts and approves each by id with its first draft (never policy auto-approval)
  replies=$(ss review "$OUT/plan.json" -c "$CONFIG" --list --json 2>/dev/null | pending_replies)
  if [ -n "$replies" ]; then
    ss review "$OUT/plan.json" -c "$CONFIG" --approve "$replies" \
      --reason "read and approved in the daily review" >/dev/null 2>>"$OUT/review.err" || true
  fi
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
ss report -c "$CONFIG" --since "${DAYS}d" --format json >"$OUT/report.json"
echo
.venv/bin/python - "$OUT/report.json" <<'PY'
import json, sys
for acct in json.load(open(sys.argv[1]))["accounts"]:
    talk = acct.get("conversations") or {}
    asked = talk.get("questions") or 0
    if not asked:
        continue
    fast = talk["questions_answered_within_a_day"]
    wait = talk["median_first_response_hours"]
    print(f"{acct['account']}: {asked} question(s) asked, {fast} answered within a day "
          f"({100 * fast / asked:.1f}%); median first response "
          f"{'-' if wait is None else f'{wait:.1f} h'}; "
          f"{talk['unanswered_questions_over_a_day']} unanswered over a day")
PY
.venv/bin/python - "$OUT/follows.tsv" <<'PY'
import collections, sys
worst = collections.defaultdict(list)
for line in open(sys.argv[1]):
    day, text = line.rstrip("\n").split("\t")
    name, rest = text.split(": follows planned ")
    planned, cap = (int(x) for x in rest.split(" ")[0].split("/"))
    worst[name].append((planned / cap if cap else 1.0, day, planned, cap, "runway low" in rest))
for name, days in sorted(worst.items()):
    short = [d for d in days if d[0] < 0.9]
    told = sum(1 for d in short if d[4])
    print(f"{name}: {len(days) - len(short)} of {len(days)} day(s) at >= 90% of the follow cap; "
          f"{len(short)} below ({told} of them with a runway warning in the plan)")
PY
echo "open $OUT/report.html in a browser (one self-contained file; it works on a phone too)"
