"""`socialseed review` with flags and without a terminal: output, exit codes, rows written."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.model import Risk, Verb
from socialseed.model.plan import Plan
from socialseed.state.accounts import bump_serial
from socialseed.state.db import open_state
from socialseed.state.plans import record_plan
from tests.review.factory import NOW, action, make_plan, save

pytestmark = pytest.mark.usefixtures("packs", "fixed_now")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["review", *args])
    return result.exit_code, result.stdout, result.stderr


def rows(state_path: Path) -> list[dict[str, object]]:
    return list(open_state(state_path).table("decisions").rows_where(order_by="id"))


@pytest.fixture
def plan(digest: str) -> Plan:
    return make_plan(
        [
            action("alice.film"),
            action("bob.film", Verb.LIKE, risk=Risk.YELLOW),
            action("red.film", risk=Risk.RED),
            action("dana.bsky", account="bsky", platform="bluesky", requires_human=True),
            action("eve.bsky", Verb.UNFOLLOW, account="bsky", platform="bluesky"),
        ],
        config_sha256=digest,
    )


@pytest.fixture
def plan_file(plan: Plan, tmp_path: Path) -> Path:
    return save(plan, tmp_path / "plan.json")


def by_handle(plan: Plan, handle: str) -> str:
    return next(a.id for a in plan.actions if a.target.handle == handle)


def test_approve_by_prefix_records_who_when_and_until_when(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    alice = by_handle(plan, "alice.film")
    code, out, err = run(str(plan_file), "-c", str(config_path), "--approve", alice[:7])

    assert code == 0, err
    assert out.startswith(
        f"approved {alice} follow @alice.film (studio); expires 2026-11-25T20:00:00Z"
    )
    assert f"plan {plan.id}: 1/5 reviewed, 1 approved, 0 rejected, 4 pending" in err
    [row] = rows(state_path)
    assert row["plan_id"] == plan.id and row["action_id"] == alice
    assert (row["verdict"], row["reviewer"], row["override"]) == (
        "approve",
        "tester@example.com",
        0,
    )
    assert (row["decided_at"], row["expires_at"]) == (
        "2026-11-25T18:00:00Z",
        "2026-11-25T20:00:00Z",
    )


def test_reviewer_flag_and_several_ids_repeated_or_comma_separated(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    ids = [by_handle(plan, h) for h in ("alice.film", "bob.film", "dana.bsky")]
    code, _, err = run(
        str(plan_file),
        "-c",
        str(config_path),
        "--reviewer",
        "lee@example.com",
        "--approve",
        f"{ids[0]},{ids[1]}",
        "--approve",
        ids[2],
    )
    assert code == 0, err
    assert sorted(r["action_id"] for r in rows(state_path)) == sorted(ids)
    assert {r["reviewer"] for r in rows(state_path)} == {"lee@example.com"}


def test_reject_with_reason(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    bob = by_handle(plan, "bob.film")
    code, out, _ = run(
        str(plan_file), "-c", str(config_path), "--reject", bob, "--reason", "not our audience"
    )
    assert code == 0
    assert f'rejected {bob} like @bob.film (studio): "not our audience"' in out
    [row] = rows(state_path)
    assert (row["verdict"], row["reason"]) == ("reject", "not our audience")


def test_unknown_or_conflicting_ids_record_nothing(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    alice = by_handle(plan, "alice.film")
    code, _, err = run(
        str(plan_file), "-c", str(config_path), "--approve", alice, "--approve", "a_nope"
    )
    assert code == 1
    assert f"Error: no action 'a_nope' in plan {plan.id}" in err
    assert f"hint: list the pending actions with 'socialseed review {plan.id} --list'" in err

    code, _, err = run(
        str(plan_file), "-c", str(config_path), "--approve", alice, "--reject", alice
    )
    assert code == 1 and "approve and reject the same action" in err
    assert rows(state_path) == []


def test_an_action_id_in_place_of_the_plan_gets_a_hint(plan_file: Path, config_path: Path) -> None:
    code, _, err = run(str(plan_file), "-c", str(config_path), "--approve", "a_1", "a_2")
    assert code == 1
    assert "Error: Got unexpected extra argument" in err or "looks like an action id" in err
    code, _, err = run("a_2", "-c", str(config_path), "--approve", "a_1")
    assert code == 1
    assert "'a_2' looks like an action id, not a plan" in err
    assert "--approve a_1 --approve a_2" in err


def test_approve_risk_green_refuses_requires_human_and_approves_the_rest(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    code, out, err = run(str(plan_file), "-c", str(config_path), "--approve-risk", "green")

    dana, eve, alice = (by_handle(plan, h) for h in ("dana.bsky", "eve.bsky", "alice.film"))
    assert code == 1
    assert {r["action_id"] for r in rows(state_path)} == {alice, eve}
    assert f"approved {alice}" in out and f"approved {eve}" in out
    assert (
        f"refused {dana}: bluesky's policy pack marks follow as requires_human: each follow "
        f"needs a person's decision naming its id (interactively, or --approve {dana})"
    ) in err
    assert "1 action(s) were not approved in bulk" in err
    assert f"'socialseed review {plan.id} --approve {dana}'" in err


def test_approve_risk_yellow_includes_green_but_never_red(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    code, _, _ = run(str(plan_file), "-c", str(config_path), "--approve-risk", "yellow")
    assert code == 1  # the bluesky follow is refused
    approved = {r["action_id"] for r in rows(state_path)}
    assert by_handle(plan, "bob.film") in approved
    assert by_handle(plan, "red.film") not in approved

    code, _, err = run(str(plan_file), "-c", str(config_path), "--approve-risk", "red")
    assert code == 1 and "red actions are never approved in bulk" in err
    code, _, err = run(str(plan_file), "-c", str(config_path), "--approve-risk", "blue")
    assert code == 1 and "'blue' is not a risk level" in err


def test_red_needs_override_and_reason_and_the_override_is_recorded(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    red = by_handle(plan, "red.film")
    base = [str(plan_file), "-c", str(config_path), "--approve", red]

    code, _, err = run(*base)
    assert code == 1
    assert f"{red} (follow red.film, studio) is red (new account, few posts)" in err
    assert f"--approve {red} --override --reason" in err

    code, _, err = run(*base, "--override")
    assert code == 1 and "needs a reason" in err
    assert rows(state_path) == []

    code, out, _ = run(*base, "--override", "--reason", "met them at a fair")
    assert code == 0
    assert "(red override)" in out
    [row] = rows(state_path)
    assert (row["override"], row["reason"]) == (1, "met them at a fair")

    shown_result = CliRunner().invoke(app, ["show", str(plan_file)])
    assert shown_result.exit_code == 0
    shown = shown_result.stdout
    assert 'decision: approved by tester@example.com (red override): "met them at a fair"' in shown


def test_override_is_recorded_only_on_red_actions(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    alice = by_handle(plan, "alice.film")
    run(str(plan_file), "-c", str(config_path), "--approve", alice, "--override", "--reason", "x")
    assert rows(state_path)[0]["override"] == 0


def test_list_text_and_json(plan: Plan, plan_file: Path, config_path: Path) -> None:
    run(str(plan_file), "-c", str(config_path), "--approve", by_handle(plan, "alice.film"))

    code, out, err = run(str(plan_file), "--list")
    assert code == 0
    assert "alice.film" not in out and "@bob.film" in out and "@dana.bsky" in out
    assert f"plan {plan.id}: 1/5 reviewed, 1 approved, 0 rejected, 4 pending" in err

    code, out, _ = run(str(plan_file), "--list", "--json")
    data = json.loads(out)
    assert code == 0 and data["plan"] == plan.id
    assert data["progress"] == {
        "total": 5,
        "reviewed": 1,
        "approved": 1,
        "rejected": 0,
        "by_policy": 0,
        "pending": 4,
    }
    dana = next(p for p in data["pending"] if p["target"]["handle"] == "dana.bsky")
    assert dana["needs_person"] is True and dana["bulk_ok"] is False
    assert "profile" not in dana  # bios stay out of listings
    assert data["stale"] == []


def test_no_terminal_and_no_flags_lists_and_hints_exit_1(plan: Plan, plan_file: Path) -> None:
    code, out, err = run(str(plan_file))
    assert code == 1
    assert "@alice.film" in out
    assert "not a terminal (or --no-input), so nothing was decided" in err
    assert f"socialseed review {plan.id} --approve ID" in err


def test_no_terminal_with_nothing_pending_exits_0(
    digest: str, tmp_path: Path, config_path: Path
) -> None:
    plan = make_plan([action("a.one")], config_sha256=digest)
    plan_file = save(plan, tmp_path / "one.json")
    run(str(plan_file), "-c", str(config_path), "--approve", plan.actions[0].id)
    code, out, err = run(str(plan_file))
    assert code == 0 and out == ""
    assert "1/1 reviewed" in err


def test_plan_file_is_recorded_then_found_by_id_prefix_and_as_latest(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    alice = by_handle(plan, "alice.film")
    run(str(plan_file), "-c", str(config_path), "--approve", alice)
    stored = open_state(state_path).table("plans").get(plan.id)
    assert stored["path"] == str(plan_file)

    bob = by_handle(plan, "bob.film")
    code, _, err = run(plan.id[:6], "-c", str(config_path), "--reject", bob)
    assert code == 0, err
    eve = by_handle(plan, "eve.bsky")
    code, _, err = run("-c", str(config_path), "--approve", eve)  # the latest plan
    assert code == 0, err
    assert [r["action_id"] for r in rows(state_path)] == [alice, bob, eve]


def test_missing_plan_file_and_no_plans_yet(config_path: Path, tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.json"), "-c", str(config_path), "--list")
    assert code == 1 and "nope.json: no such plan file" in err
    code, _, err = run("--list")
    assert code == 1 and "no plan has been made yet" in err
    assert "socialseed plan -o plan.json" in err


def test_expired_plan_is_refused_with_exit_5(
    digest: str, tmp_path: Path, config_path: Path, state_path: Path
) -> None:
    plan = make_plan([action("a.one")], config_sha256=digest, created_at=NOW - timedelta(days=1))
    plan_file = save(plan, tmp_path / "old.json")
    code, _, err = run(str(plan_file), "-c", str(config_path), "--approve", plan.actions[0].id)
    assert code == 5
    assert f"Error: plan {plan.id} is stale; no decision was recorded" in err
    assert "the plan expired at 2026-11-25T18:00:00Z" in err
    assert "hint: make a fresh plan with 'socialseed plan -o plan.json'" in err
    assert rows(state_path) == []


def test_changed_config_is_refused_with_exit_5(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    config_path.write_text(config_path.read_text().replace("approval_ttl: 2h", "approval_ttl: 3h"))
    code, _, err = run(str(plan_file), "-c", str(config_path), "--approve-risk", "green")
    assert code == 5
    assert "the config changed since the plan was made" in err
    assert rows(state_path) == []
    # listing still works, with a warning
    code, _, err = run(str(plan_file), "-c", str(config_path), "--list")
    assert code == 0 and "warning: the plan is stale: the config changed" in err


def test_moved_state_serial_is_refused_with_exit_5(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    db: Database = open_state(state_path)
    record_plan(db, plan)
    bump_serial(db, "bsky", plan_id="p_0123456789ab", reason="apply", now=NOW)
    code, _, err = run(
        str(plan_file), "-c", str(config_path), "--approve", by_handle(plan, "eve.bsky")
    )
    assert code == 5
    assert (
        "account bsky's state moved since the plan was made (serial 0 -> 1: apply by plan "
        "p_0123456789ab at 2026-11-25T18:00:00Z)"
    ) in err
    assert rows(state_path) == []


def test_deciding_needs_the_config(
    plan_file: Path, plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path / "..")
    code, _, err = run(str(plan_file), "--approve", plan.actions[0].id)
    assert code == 1
    assert "no config found: looked for ./socialseed/" in err and "pass -c PATH" in err


def test_list_and_decide_flags_do_not_mix(plan_file: Path, config_path: Path) -> None:
    code, _, err = run(str(plan_file), "-c", str(config_path), "--list", "--approve", "a_1")
    assert code == 1 and "--list cannot be combined" in err


def test_json_output_of_decisions(plan: Plan, plan_file: Path, config_path: Path) -> None:
    code, out, _ = run(str(plan_file), "-c", str(config_path), "--approve-risk", "green", "--json")
    data = json.loads(out)
    assert code == 1
    assert {d["action_id"] for d in data["decided"]} == {
        by_handle(plan, "alice.film"),
        by_handle(plan, "eve.bsky"),
    }
    assert data["refused"][0]["action_id"] == by_handle(plan, "dana.bsky")
    assert data["decided"][0]["expires_at"] == "2026-11-25T20:00:00Z"


def test_a_plan_file_without_profiles_shows_the_profiles_state_kept(
    plan: Plan, tmp_path: Path, state_path: Path
) -> None:
    from socialseed.review import open_plan

    db = open_state(state_path)
    record_plan(db, plan)  # what 'socialseed plan' does: the state keeps the profiles
    bare = tmp_path / "bare.json"
    bare.write_text(plan.to_json())  # the plan file leaves bios out
    opened = open_plan(db, str(bare))
    assert opened.id == plan.id
    assert opened.actions[0].profile is not None
