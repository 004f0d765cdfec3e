"""Rate-limit pacing against a real HTTP server: mastodon-mock at 60 requests per 30 s.

One Mastodon account applies 180 approved actions (follow, reply and reblog, interleaved)
through the real executor, pacing and adapter, in real time (about two minutes): 241 requests,
since each reply first reads its thread (our reply must not exist yet) and the account is read
once.
Prints the achieved share of the allowed rate (target >= 0.98; Mastodon.py's ``wait`` mode
reaches 0.98 with one 429 per window), the 429s received (target 0), whether any wait stalled,
and CPU beside wall time.

The achieved rate is measured on the wire, between the first request and the first request of
the last window: ``(N - limit)`` requests in that span against ``limit`` per ``window`` allowed.
mastodon-mock's window is fixed, opens at a token's first request and rounds its reset down to
whole seconds (PEERS.md); needs ``bash scripts/peers-install.sh``.
"""

from __future__ import annotations

import asyncio
import random
import socket
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

from socialseed.apply.context import Event, Options
from socialseed.apply.executor import Applier
from socialseed.clock import SystemClock
from socialseed.config.digest import config_digest
from socialseed.config.schema import Account, Config
from socialseed.model import Action, Decision, Risk, Target, Verb, action_id
from socialseed.model.plan import AccountPlan, Plan
from socialseed.model.review import alternatives
from socialseed.platforms import mastodon
from socialseed.platforms.base import Platform, PlatformDeps
from socialseed.state.db import open_state
from socialseed.state.decisions import record_decision
from socialseed.state.locks import Me
from socialseed.state.plans import record_plan

ROOT = Path(__file__).resolve().parent.parent
MOCK = ROOT / "tests" / "peers" / "masto" / "venv" / "bin" / "mastodon_mock"
LIMIT, WINDOW = 60, 30
PER_VERB = 60  # follow, reply and reblog each: 180 actions, 241 requests, four windows
TARGET = 0.98
VERBS = (Verb.FOLLOW, Verb.REPLY, Verb.REPOST)


class Wire(httpx.AsyncHTTPTransport):
    """The real transport, noting when each request left and what status came back: the rate
    is measured on the requests the server counted (a reply also reads its thread first)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[float, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        at = time.monotonic()
        response = await super().handle_async_request(request)
        self.sent.append((at, response.status_code))
        return response


TOML = """\
domain = "127.0.0.1:{port}"
url_scheme = "http"

[database]
path = ":memory:"

[ratelimit]
enabled = true
limit = {limit}
window_seconds = {window}

[seed]
accounts = [
{accounts}
]
"""


class Tokens:
    async def access_token(self, account: Account) -> str:
        return "alice_token"

    async def refresh(self, account: Account) -> str:
        raise AssertionError("Mastodon tokens are never refreshed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    users = ["alice", *(f"u{n}" for n in range(PER_VERB))]
    seeds = ",\n".join(
        f'  {{ username = "{u}", display_name = "{u}", access_token = "{u}_token" }}' for u in users
    )
    config = folder / "mastodon_mock.toml"
    config.write_text(TOML.format(port=port, limit=LIMIT, window=WINDOW, accounts=seeds))
    log = (folder / "mock.log").open("wb")
    cmd = [str(MOCK), "serve", "--config", str(config), "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--domain", f"127.0.0.1:{port}", "--in-memory"]
    cmd += ["--log-level", "warning"]
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/api/v1/instance", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"mastodon-mock did not start; see {folder / 'mock.log'}")


def _targets(url: str) -> list[tuple[str, str]]:
    """Each seeded user's account id and one status of theirs (posted with their own token)."""
    out = []
    with httpx.Client(base_url=url, timeout=10) as client:
        for n in range(PER_VERB):
            auth = {"authorization": f"Bearer u{n}_token"}
            me = client.get("/api/v1/accounts/verify_credentials", headers=auth).json()
            status = client.post("/api/v1/statuses", data={"status": f"hello {n}"}, headers=auth)
            out.append((str(me["id"]), str(status.json()["id"])))
    return out


def _plan(cfg: Config, targets: list[tuple[str, str]], now: object) -> Plan:
    actions: list[Action] = []
    for n, (user, status) in enumerate(targets):
        for verb in VERBS:
            if verb is Verb.FOLLOW:
                target = Target("account", user, f"u{n}")
            else:
                text = "Lovely light" if verb is Verb.REPLY else None
                target = Target("post", user, f"u{n}", post_id=status, text=text)
            aid = action_id("alice", verb.value, target)
            actions.append(
                Action(
                    aid, "alice", "mastodon", verb, target, "bench", Risk.GREEN, seq=len(actions)
                )
            )
    created = SystemClock().now()
    return Plan(
        actions,
        created_at=created,
        expires_at=created + timedelta(hours=2),
        config_sha256=config_digest(cfg),
        accounts=[AccountPlan("alice", "mastodon", "growth", 1, None, 0)],
    )


def _config(url: str) -> Config:
    return Config.model_validate(
        {
            "accounts": [
                {
                    "id": "alice",
                    "platform": "mastodon",
                    "handle": "alice",
                    "phases": "std",
                    "instance": url.replace("http://", "https://"),
                }
            ],
            "phases": {"std": [{"name": "growth", "daily": {v.value: 1000 for v in VERBS}}]},
        }
    )


def _run(folder: Path, url: str) -> dict[str, float]:
    targets = _targets(url)
    cfg = _config(url)
    clock = SystemClock()
    plan = _plan(cfg, targets, clock.now())
    db = open_state(folder / "state.sqlite")
    plan_id = record_plan(db, plan)
    until = clock.now() + timedelta(hours=2)
    for a in plan.actions:
        said = alternatives(a)[0] if a.verb is Verb.REPLY else None  # a reply's approved text
        decision = Decision(
            plan_id,
            a.id,
            "approve",
            "bench",
            clock.now(),
            expires_at=until,
            text=said,
            choice=1 if said is not None else None,
        )
        record_decision(db, decision)
    wire = Wire()
    events: list[Event] = []

    def platform_for(account: Account) -> Platform:
        real = account.model_copy(update={"instance": url})
        return mastodon.build(real, PlatformDeps(clock=clock, transport=wire, tokens=Tokens()))

    applier = Applier(
        db,
        plan,
        cfg,
        clock=clock,
        rng=random.Random(1),
        platform_for=platform_for,
        me=Me("bench", "bench-host", 1),
        on_event=events.append,
        options=Options(max_wait=600),
    )
    wall, cpu = time.perf_counter(), time.process_time()
    report = asyncio.run(applier.run())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    starts = [at for at, _ in wire.sent]
    n = len(starts)
    span = starts[n - LIMIT] - starts[0] if n > LIMIT else float("nan")
    achieved = (n - LIMIT) / span if span else float("nan")
    waits = [e.wait_seconds or 0.0 for e in events if e.kind == "waiting"]
    return {
        "requests": n,
        "actions": len(plan.actions),
        "done": report.counts()["done"],
        "ratio": achieved / (LIMIT / WINDOW),
        "429s": sum(1 for _, status in wire.sent if status == 429),
        "longest_wait": max(waits, default=0.0),
        "wall": wall,
        "cpu": cpu,
    }


def main() -> None:
    if not MOCK.exists():
        print("   skipped: mastodon-mock is not installed (run: bash scripts/peers-install.sh)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        process, url = _start(folder)
        try:
            r = _run(folder, url)
        finally:
            process.terminate()
            process.wait(timeout=10)
    stalled = r["longest_wait"] > WINDOW + 2 or r["done"] < r["actions"]
    verdict = "ok" if r["ratio"] >= TARGET and r["429s"] == 0 and not stalled else "BELOW TARGET"
    print(
        f"   mastodon-mock {LIMIT} requests / {WINDOW} s, follow + reply + reblog mixed: "
        f"{r['done']:.0f} of {r['actions']:.0f} actions done in {r['requests']:.0f} requests, achieved {r['ratio']:.3f} of the allowed "
        f"rate (target >= {TARGET}), {r['429s']:.0f} 429s (target 0), longest wait "
        f"{r['longest_wait']:.2f} s ({'stalled' if stalled else 'no stall'}); "
        f"wall {r['wall']:.1f} s, CPU {r['cpu']:.2f} s  [{verdict}]"
    )


if __name__ == "__main__":
    main()
