"""Instagram and TikTok conversations end to end through the CLI, against a local server that
serves each API's documented shapes: the inbox reads the comments on the account's own posts,
``plan`` drafts a reply per question, a person approves each in ``review``, and ``apply``
(a subprocess, SIGKILLed mid-run at seeded moments, then resumed) leaves exactly one reply
per question on the server, each journaled as finished once.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.platforms.base import CONFIRMED
from socialseed.state.db import open_state
from tests.adapters.comment_server import ME_NAME, TIKTOK_BIZ, TOKEN, Comment, CommentServer, World
from tests.apply.killing import kill_after

QUESTIONS = 6
KILLS = 3
CONFIG = """\
version: 1
accounts:
  - id: shop
    platform: {platform}
    handle: {handle}
    account_type: business
    api_base: {url}
    {extra}
    phases: calm
    conversations: answers
phases:
  calm:
    - {{name: steady, daily: {{reply: 50, hide_comment: 50}}}}
conversations:
  answers:
    sources: [comments]
    templates:
      stock: "Hi {{author.name}}, this one was shot on Portra 400."
    rules:
      - name: gear
        match: {{question: true}}
        then: {{reply: {{templates: [stock]}}}}
"""


def world(platform: str) -> World:
    made = World(reply_delay=0.15)
    now = time.time() - 3600
    made.posts = {"1800000000000001" if platform == "instagram" else "7300000000000001": "roll"}
    post = next(iter(made.posts))
    for i in range(QUESTIONS):
        made.comments.append(
            Comment(f"17{i:014d}", post, f"u{i}", f"fan{i}", f"Which film stock is #{i}?", now + i)
        )
    return made


def env_for(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALSEED_")}
    return env | {
        "SOCIALSEED_STATE": str(tmp / "state.sqlite"),
        "SOCIALSEED_NO_INPUT": "1",
        "SOCIALSEED_REVIEWER": "tester@example.com",
        "SOCIALSEED_SHOP_TOKEN": TOKEN,
        "NO_COLOR": "1",
    }


def cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


def start(config: Path, plan: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "socialseed", "apply", str(plan), "-c", str(config)]
    return subprocess.Popen(
        [*cmd, "--yes", "--json"], env=env, stdout=subprocess.PIPE, text=True, cwd=plan.parent
    )


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_comments_to_one_reply_each_through_a_kill(platform: str, tmp_path: Path) -> None:
    state = world(platform)
    with CommentServer(state) as server:
        config = tmp_path / "socialseed.yaml"
        extra = f"business_id: {TIKTOK_BIZ}" if platform == "tiktok" else ""
        config.write_text(
            CONFIG.format(platform=platform, handle=ME_NAME, url=server.url, extra=extra)
        )
        env = env_for(tmp_path)
        plan = tmp_path / "plan.json"

        code, out, err = cli(env, "inbox", "-c", str(config), "--json")
        assert code == 0, err
        (shop,) = json.loads(out)["accounts"]
        assert shop["new"] == QUESTIONS and {m["rule"] for m in shop["messages"]} == {"gear"}

        code, out, err = cli(env, "plan", "-c", str(config), "-o", str(plan))
        assert code in (0, 2), err
        code, out, err = cli(env, "review", str(plan), "-c", str(config), "--list", "--json")
        pending = json.loads(out)["pending"]
        replies = [a["id"] for a in pending if a["verb"] == "reply"]
        assert len(replies) == QUESTIONS, pending
        code, out, err = cli(
            env, "review", str(plan), "-c", str(config), "--approve", ",".join(replies)
        )
        assert code == 0, err

        rng = random.Random(20261202)
        kills = sum(
            kill_after(start(config, plan, env), calls=rng.randint(1, 4), delay=0.05)
            for _ in range(KILLS)
        )
        final = start(config, plan, env)
        out, _ = final.communicate(timeout=120)
        summary = json.loads(out.splitlines()[-1])
        assert final.returncode == 0, summary

        ours = state.replies_by_us()
        per_comment = Counter(c.parent for c in ours)
        asked = {c.id for c in state.comments if c.parent is None}
        assert set(per_comment) == asked, per_comment
        assert set(per_comment.values()) == {1}, per_comment
        name = "fan{}" if platform == "instagram" else "Fan{}"  # Instagram gives no name
        assert {c.text for c in ours} == {
            f"Hi {name.format(i)}, this one was shot on Portra 400." for i in range(QUESTIONS)
        }
    assert kills == KILLS, "a kill came after the run had ended"
    rows = list(open_state(tmp_path / "state.sqlite")["journal"].rows_where(order_by="id"))
    interrupted = 0  # replies sent whose answer the kill cut off: confirmed on resume
    for action in replies:
        mine = [r for r in rows if r["action_id"] == action]
        done = [r for r in mine if r["kind"] == "outcome" and r["status"] in ("done", "already")]
        assert len(done) == 1, f"{action}: {len(done)} finished outcomes"
        interrupted += any(CONFIRMED in str(r["error"] or "") for r in done)
    posts = sum(1 for method, path in state.requests if method == "POST")
    print(
        f"\n{platform}: {kills} kills, {interrupted} mid-reply (confirmed on resume); {posts} "
        "reply requests, "
        f"{len(ours)} replies for {QUESTIONS} questions"
    )
