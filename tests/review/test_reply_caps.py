"""The replies-per-author-per-day guard holds across plans: review refuses an approval that
would pass it (approvals made today and replies sent today count), with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.state.db import open_state
from tests.review.factory import (
    REPLY_CONFIG_YAML,
    digest_of,
    make_plan,
    reply_action,
    save,
    write_config,
)

pytestmark = pytest.mark.usefixtures("packs", "fixed_now")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["review", *args])
    return result.exit_code, result.stdout, result.stderr


def approved(state_path: Path) -> list[str]:
    rows = open_state(state_path).table("decisions").rows_where(order_by="id")
    return [str(r["action_id"]) for r in rows if r["verdict"] == "approve"]


def test_a_second_plan_cannot_approve_a_second_reply_to_the_same_author_today(
    tmp_path: Path, state_path: Path
) -> None:
    config = write_config(tmp_path, REPLY_CONFIG_YAML)  # the default cap: 1 per author per day
    morning = reply_action(message_id="m-1")
    evening = reply_action(message_id="m-2")  # ada wrote again; a later plan drafts a reply
    first = save(make_plan([morning], config_sha256=digest_of(config)), tmp_path / "a.json")
    second = save(make_plan([evening], config_sha256=digest_of(config)), tmp_path / "b.json")

    assert run(str(first), "-c", str(config), "--approve", morning.id)[0] == 0
    code, _, err = run(str(second), "-c", str(config), "--approve", evening.id)

    assert code == 1
    assert (
        f"reply {evening.id} cannot be approved: @ada.film already has 1 reply approved or "
        "sent today (guards.max_replies_per_author_per_day: 1)"
    ) in " ".join(err.split())
    assert approved(state_path) == [morning.id]

    # approving the same reply again is not a second reply
    assert run(str(first), "-c", str(config), "--approve", morning.id)[0] == 0
    # once the first approval is withdrawn, the second reply may be approved
    assert run(str(first), "-c", str(config), "--reject", morning.id, "--reason", "later")[0] == 0
    assert run(str(second), "-c", str(config), "--approve", evening.id)[0] == 0
    assert approved(state_path) == [morning.id, morning.id, evening.id]


def test_a_higher_cap_allows_as_many_approvals(tmp_path: Path, state_path: Path) -> None:
    text = REPLY_CONFIG_YAML.replace(
        "      banned_words: [cheap]\n",
        "      banned_words: [cheap]\n      max_replies_per_author_per_day: 2\n",
    )
    config = write_config(tmp_path, text)
    replies = [reply_action(message_id=f"m-{i}") for i in (1, 2, 3)]
    plans = [
        save(make_plan([r], config_sha256=digest_of(config)), tmp_path / f"{i}.json")
        for i, r in enumerate(replies)
    ]
    codes = [
        run(str(p), "-c", str(config), "--approve", r.id)[0]
        for p, r in zip(plans, replies, strict=True)
    ]
    assert codes == [0, 0, 1]
    assert approved(state_path) == [replies[0].id, replies[1].id]
