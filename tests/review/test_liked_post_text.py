"""The like and repost cards show what is liked: the post's text travels in the plan (1.1)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from socialseed.model.plan import Plan, _checksum
from socialseed.report import review_card
from socialseed.review import Card, Gate, Progress
from tests.conftest import DEMO_CONFIG

NOW = "2026-11-25T09:00:00Z"


def render_card(plan: Plan, verb: str) -> tuple[str, str]:
    action = next(a for a in plan.actions if a.verb.value == verb and a.conversation is None)
    gate = Gate(requires_human=True, bulk_ok=False, rule="r")
    card = Card(action, 1, 1, Progress(1, 0, 0, 0, 1), None, gate, plan.created_at)
    console = Console(file=io.StringIO(), width=120, no_color=True, highlight=False)
    console.print(review_card.card(card))
    return action.target.post_text or "", console.file.getvalue()  # type: ignore[attr-defined]


def _plan_file(tmp_path: Path) -> Path:
    from socialseed.cli.main import app

    env = {"SOCIALSEED_NOW": NOW, "SOCIALSEED_SANDBOX": str(tmp_path / "sandbox.sqlite")}
    assert CliRunner().invoke(app, ["sandbox", "reset", "--size", "300"], env=env).exit_code == 0
    out = tmp_path / "plan.json"
    made = CliRunner().invoke(app, ["plan", "-c", str(DEMO_CONFIG), "-o", str(out)], env=env)
    assert made.exit_code == 0, made.stderr
    return out


def test_a_plan_file_without_profiles_shows_the_liked_posts_text(tmp_path: Path) -> None:
    path = _plan_file(tmp_path)
    data = json.loads(path.read_text())
    assert data["format_version"] == "1.1"
    likes = [a for a in data["actions"] if a["verb"] == "like" and "conversation" not in a]
    assert likes and all(a["target"]["post_text"] for a in likes)
    assert all("profile" not in a for a in data["actions"])  # no --include-profiles
    plan = Plan.from_json(path.read_text())
    text, shown = render_card(plan, "like")
    first_words = " ".join(text.split()[:4])
    assert first_words and first_words in " ".join(shown.split())
    assert "its text is not in this plan" not in shown


def test_remote_post_text_is_sanitised_and_clipped_on_the_card(tmp_path: Path) -> None:
    path = _plan_file(tmp_path)
    data = json.loads(path.read_text())
    like = next(a for a in data["actions"] if a["verb"] == "like" and "conversation" not in a)
    like["target"]["post_text"] = "look \x1b[2Jhere\u202e " + "x" * 400
    data.pop("checksum")
    data["checksum"] = _checksum(data)
    _text, shown = render_card(Plan.from_data(data), "like")
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "look \\x1b[2Jhere" in shown  # the escape is shown, not obeyed
    clipped = sum(len(run) for run in re.findall(r"x{5,}", shown))  # folded over lines
    assert 50 < clipped < 200 and "…" in shown


def test_a_format_1_0_plan_still_loads_and_says_why_no_text_is_shown(tmp_path: Path) -> None:
    path = _plan_file(tmp_path)
    data = json.loads(path.read_text())
    for action in data["actions"]:
        action["target"].pop("post_text", None)
    data["format_version"] = "1.0"
    data.pop("checksum")
    data["checksum"] = _checksum(data)
    _text, shown = render_card(Plan.from_data(data), "like")
    assert "its text is not in this plan" in shown
