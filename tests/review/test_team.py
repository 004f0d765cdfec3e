"""Team approvals through the CLI: policy.reviewers with real Ed25519 keys made here, signed
decisions verified by apply, and every refusal (self-approval, a missing or forged signature,
the two-person rule) exiting 1 with the rule named and an audit row written."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from socialseed.auth import signing
from socialseed.auth.approvals import Team
from socialseed.cli.main import app
from socialseed.config.digest import config_digest
from socialseed.config.load import load_config
from socialseed.model.plan import Plan
from socialseed.state.db import open_state
from tests.apply.sandbox_setup import T0, Setup, build, world_follows

REVIEWERS = """\
  reviewers:
    - id: ada@example.com
      key: {ada}
    - id: bob@example.com
      key: {bob}
    - id: carol@example.com
      key: {carol}
"""


@dataclass
class Team_:
    setup: Setup
    plan: Plan
    plan_path: Path
    keys: dict[str, Path]

    def cli(self, *args: str, who: str = "ada") -> tuple[int, str, str]:
        env = self.setup.env | {"SOCIALSEED_REVIEWER": f"{who}@example.com"}
        result = CliRunner().invoke(app, list(args), env=env)
        return result.exit_code, result.stdout, result.stderr

    def review(self, *args: str, who: str = "ada") -> tuple[int, str, str]:
        config = str(self.setup.config_path)
        return self.cli("review", str(self.plan_path), "-c", config, *args, who=who)

    def apply(self) -> tuple[int, str, str]:
        config = str(self.setup.config_path)
        return self.cli("apply", str(self.plan_path), "-c", config, "--yes")

    def rows(self, table: str) -> list[dict[str, object]]:
        return list(open_state(self.setup.state_path)[table].rows_where(order_by="id"))

    def refusals(self) -> list[dict[str, object]]:
        return [
            json.loads(str(r["detail"])) | {"actor": r["actor"]}
            for r in self.rows("audit")
            if r["kind"] == "approval_refused"
        ]


def keypair(directory: Path, name: str) -> tuple[Path, str]:
    """A real Ed25519 key, written as ssh-keygen writes it (OpenSSH private key, .pub line)."""
    key = Ed25519PrivateKey.generate()
    path = directory / f"id_{name}"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    line = f"{public.decode()} {name}@laptop"
    (directory / f"id_{name}.pub").write_text(line + "\n")
    return path, line


def team(tmp_path: Path, *, sensitive: bool = False, extra: str = "") -> Team_:
    s = build(tmp_path, accounts=("alpha",), follows=3)
    keys, lines = {}, {}
    for name in ("ada", "bob", "carol", "mallory"):
        keys[name], lines[name] = keypair(tmp_path, name)
    text = s.config_path.read_text().replace(
        "policy:\n  cooldown: 2h\n",
        "policy:\n  cooldown: 2h\n" + REVIEWERS.format(**lines) + extra,
    )
    if sensitive:
        text = text.replace("start_date: 2026-11-01}", "start_date: 2026-11-01, sensitive: true}")
    s.config_path.write_text(text)
    cfg = load_config(s.config_path)
    plan = Plan(
        s.plan.actions,
        created_at=T0,
        expires_at=T0 + timedelta(hours=24),
        config_sha256=config_digest(cfg),
        accounts=s.plan.accounts,
        author="carol@example.com",
    )
    path = tmp_path / "team-plan.json"
    path.write_text(plan.to_json())
    return Team_(s, plan, path, keys)


def first(t: Team_) -> str:
    return t.plan.actions[0].id


def test_a_signed_approval_is_verified_by_apply_and_runs(tmp_path: Path) -> None:
    t = team(tmp_path)
    a = first(t)
    code, _out, err = t.review("--approve", a, "--sign-with", str(t.keys["ada"]))
    assert code == 0, err
    [row] = [r for r in t.rows("decisions") if r["plan_id"] == t.plan.id]
    assert (row["reviewer"], row["verb"]) == ("ada@example.com", "follow")
    assert str(row["signature"]).startswith("-----BEGIN SSH SIGNATURE-----")
    # OpenSSH itself accepts the signature over the canonical decision
    decision = next(iter(_decisions(t)))
    allowed = tmp_path / "allowed"
    allowed.write_text("ada@example.com " + (tmp_path / "id_ada.pub").read_text())
    (tmp_path / "d.sig").write_text(str(row["signature"]) + "\n")
    check = subprocess.run(
        [
            *("ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", "ada@example.com"),
            *("-n", "socialseed-decision", "-s", str(tmp_path / "d.sig")),
        ],
        input=signing.payload(decision),
        capture_output=True,
    )
    assert check.returncode == 0, check.stderr
    assert b'Good "socialseed-decision" signature for ada@example.com' in check.stdout

    code, _out, err = t.apply()
    assert code == 0, err  # the two unapproved actions stay pending; the approved one runs
    done = [r for r in t.rows("journal") if r["kind"] == "outcome" and r["action_id"] == a]
    assert [r["status"] for r in done] in (["done"], ["already"])
    assert t.refusals() == []


def _decisions(t: Team_) -> list:  # type: ignore[type-arg]
    from socialseed.state.decisions import decisions_on

    db = open_state(t.setup.state_path)
    return decisions_on(db, t.plan.id, first(t))


def test_an_unsigned_approval_by_a_keyed_reviewer_is_refused_and_audited(tmp_path: Path) -> None:
    t = team(tmp_path)
    code, _out, err = t.review("--approve", first(t))
    assert code == 1
    assert "Error: refused (signature_missing): ada@example.com is listed with a key" in err
    assert "hint: sign it: socialseed review PLAN --approve ID --sign-with" in err
    assert [r for r in t.rows("decisions") if r["plan_id"] == t.plan.id] == []
    [audit] = t.refusals()
    assert audit["rule"] == "signature_missing" and audit["actor"] == "ada@example.com"
    assert audit["action_id"] == first(t) and audit["by"] == "socialseed review"
    code, out, err = t.cli("log", "--json")
    assert code == 0, err
    [entry] = [e for e in json.loads(out) if e["kind"] == "approval_refused"]
    assert (entry["actor"], entry["action_id"], entry["outcome"]) == (
        "ada@example.com",
        first(t),
        "refused: signature_missing",
    )
    assert entry["detail"].endswith("was not approved (by socialseed review)")


def test_signing_with_someone_elses_key_is_refused(tmp_path: Path) -> None:
    t = team(tmp_path)
    code, _out, err = t.review("--approve", first(t), "--sign-with", str(t.keys["mallory"]))
    assert code == 1
    assert "refused (signature_invalid): the key in" in err
    assert "is not ada@example.com's key in policy.reviewers" in err
    assert [r["rule"] for r in t.refusals()] == ["signature_invalid"]


def test_a_forged_decision_row_is_refused_by_apply(tmp_path: Path) -> None:
    t = team(tmp_path)
    a = first(t)
    # mallory signs in ada's name and writes the row straight into state
    code, _out, err = t.review(
        "--approve", a, "--sign-with", str(t.keys["ada"])
    )  # a genuine row to copy
    assert code == 0, err
    db = open_state(t.setup.state_path)
    [row] = [r for r in db["decisions"].rows if r["plan_id"] == t.plan.id]
    forged = signing.load_signer(t.keys["mallory"]).sign(signing.payload(_decisions(t)[0]))
    db.table("decisions").update(row["id"], {"signature": forged})
    db.conn.close()
    code, _out, err = t.apply()
    assert code == 1
    assert "signature_invalid" in err and "another key than the reviewer's key" in err
    assert world_follows(t.setup) == []
    [audit] = t.refusals()
    assert audit["rule"] == "signature_invalid" and audit["by"] == "socialseed apply"


@pytest.mark.parametrize(
    ("column", "value"),
    [("verb", "unfollow"), ("expires_at", "2027-01-01T00:00:00Z"), ("text", "Buy now")],
)
def test_a_decision_row_changed_after_signing_is_refused_by_apply(
    tmp_path: Path, column: str, value: str
) -> None:
    t = team(tmp_path)
    a = first(t)
    assert t.review("--approve", a, "--sign-with", str(t.keys["ada"]))[0] == 0
    db = open_state(t.setup.state_path)
    [row] = [r for r in db["decisions"].rows if r["plan_id"] == t.plan.id]
    db.table("decisions").update(row["id"], {column: value})
    db.conn.close()
    code, _out, err = t.apply()
    assert code == 1
    assert f"the signature on ada@example.com's approval of {a} does not verify" in err
    assert "[rule: signature_invalid]" in err
    assert world_follows(t.setup) == []
    assert [r["rule"] for r in t.refusals()] == ["signature_invalid"]


def test_the_plans_author_may_not_approve_it(tmp_path: Path) -> None:
    t = team(tmp_path)
    code, _out, err = t.review(
        "--approve", first(t), "--sign-with", str(t.keys["carol"]), who="carol"
    )
    assert code == 1
    assert "refused (self_approval): carol@example.com made this plan" in err
    assert "policy.approvals.self_approval is false" in err
    assert [r["rule"] for r in t.refusals()] == ["self_approval"]
    assert [r for r in t.rows("decisions") if r["plan_id"] == t.plan.id] == []


def test_someone_not_listed_is_refused(tmp_path: Path) -> None:
    t = team(tmp_path)
    code, _out, err = t.review(
        "--approve", first(t), "--sign-with", str(t.keys["mallory"]), who="mallory"
    )
    assert code == 1
    assert "refused (reviewer_not_listed): mallory@example.com is not in policy.reviewers" in err
    assert [r["rule"] for r in t.refusals()] == ["reviewer_not_listed"]


def test_a_sensitive_account_needs_two_distinct_reviewers(tmp_path: Path) -> None:
    t = team(tmp_path, sensitive=True)
    a = first(t)
    code, _out, err = t.review("--approve", a, "--sign-with", str(t.keys["ada"]))
    assert code == 0, err
    assert f"{a}: 1 of 2 approvals (two-person rule: account alpha is sensitive)" in err
    # a second reviewer still sees it pending; the first does not make two by approving again
    code, out, err = t.review("--list", "--json", who="bob")
    assert code == 0, err
    assert a in [p["id"] for p in json.loads(out)["pending"]]
    assert t.review("--approve", a, "--sign-with", str(t.keys["ada"]))[0] == 0
    code, _out, err = t.apply()
    assert code == 1
    assert "two-person rule: account alpha is sensitive" in err
    assert "needs approvals from 2 distinct reviewers (has 1: ada@example.com)" in err
    assert world_follows(t.setup) == []
    assert [r["rule"] for r in t.refusals()] == ["two_person"]
    code, _out, err = t.review("--approve", a, "--sign-with", str(t.keys["bob"]), who="bob")
    assert code == 0, err
    code, _out, err = t.apply()
    done = [r for r in t.rows("journal") if r["kind"] == "outcome" and r["action_id"] == a]
    assert done[-1]["status"] in ("done", "already"), err


def test_unsigned_approvals_count_only_where_the_policy_allows(tmp_path: Path) -> None:
    extra = "    - id: dev@example.com\n  approvals: {unsigned: yellow}\n"
    t = team(tmp_path, extra=extra)
    code, _out, err = t.review("--approve", first(t), who="dev")
    assert code == 0, err
    code, _out, err = t.apply()
    done = [r for r in t.rows("journal") if r["kind"] == "outcome" and r["action_id"] == first(t)]
    assert done and done[-1]["status"] in ("done", "already"), err
    (tmp_path / "never").mkdir()
    t2 = team(tmp_path / "never", extra="    - id: dev@example.com\n")
    code, _out, err = t2.review("--approve", first(t2), who="dev")
    assert code == 1
    assert "refused (unsigned_not_allowed): dev@example.com is listed without a key" in err
    assert "count only up to never risk (policy.approvals.unsigned)" in err


def test_decisions_file_signed_elsewhere_is_verified_and_recorded(tmp_path: Path) -> None:
    t = team(tmp_path)
    a, b = first(t), t.plan.actions[1].id
    path = tmp_path / "decisions.yaml"
    path.write_text(
        f"plan: {t.plan.id}\ndecisions:\n"
        f"  - {{action: {a}, decision: approve}}\n"
        f"  - {{action: {b}, decision: reject, reason: not for us}}\n"
    )
    code, _out, err = t.cli(
        "decision",
        "sign",
        str(path),
        "--key",
        str(t.keys["ada"]),
        "-c",
        str(t.setup.config_path),
        "--plan",
        str(t.plan_path),
    )
    assert code == 0, err
    assert "signed 2 decision(s) by ada@example.com with SHA256:" in err
    signed = path.read_text()
    assert "-----BEGIN SSH SIGNATURE-----" in signed and "reviewer: ada@example.com" in signed
    code, _out, err = t.review("--from-file", str(path), who="bob")
    assert code == 0, err
    assert f"approve {a} by ada@example.com (signed)" in err
    rows = [r for r in t.rows("decisions") if r["plan_id"] == t.plan.id]
    assert [(r["action_id"], r["verdict"], r["reviewer"]) for r in rows] == [
        (a, "approve", "ada@example.com"),
        (b, "reject", "ada@example.com"),
    ]
    code, _out, err = t.apply()
    done = [r for r in t.rows("journal") if r["kind"] == "outcome" and r["action_id"] == a]
    assert done and done[-1]["status"] in ("done", "already"), err


def test_decisions_file_errors_name_file_line_and_column(tmp_path: Path) -> None:
    t = team(tmp_path)
    path = tmp_path / "decisions.yaml"
    path.write_text(
        f"plan: {t.plan.id}\ndecisions:\n"
        f"  - action: {first(t)}\n"
        "    decision: maybe\n"
        "    reviewer: ada@example.com\n"
        "    decided_at: 2026-11-25T08:00:00Z\n"
        "  - action: a_nosuch\n"
        "    decision: approve\n"
        "    reviewer: ada@example.com\n"
        "    decided_at: 2026-11-25T08:00:00Z\n"
        "    colour: blue\n"
    )
    code, _out, err = t.review("--from-file", str(path))
    assert code == 1
    assert f"{path}:4:15: decision is approve or reject" in err
    assert f"{path}:11:5: unknown key 'colour'" in err
    assert [r for r in t.rows("decisions") if r["plan_id"] == t.plan.id] == []


def test_decisions_file_with_a_forged_signature_records_nothing(tmp_path: Path) -> None:
    t = team(tmp_path)
    a, b = first(t), t.plan.actions[1].id
    path = tmp_path / "decisions.yaml"
    path.write_text(
        f"plan: {t.plan.id}\ndecisions:\n"
        f"  - {{action: {a}, decision: approve, reviewer: bob@example.com}}\n"
        f"  - {{action: {b}, decision: approve, reviewer: bob@example.com}}\n"
    )
    config, plan = str(t.setup.config_path), str(t.plan_path)
    env_args = ("--reviewer", "bob@example.com", "-c", config, "--plan", plan)
    code, _out, err = t.cli(
        "decision", "sign", str(path), "--key", str(t.keys["mallory"]), *env_args
    )
    assert code == 0, err
    code, _out, err = t.review("--from-file", str(path))
    assert code == 1
    assert f"{path}:3:3: refused (signature_invalid): the signature on bob@example.com's" in err
    assert [r for r in t.rows("decisions") if r["plan_id"] == t.plan.id] == []
    assert [r["rule"] for r in t.refusals()] == ["signature_invalid"]


def test_a_reply_text_changed_after_signing_does_not_verify() -> None:
    from dataclasses import replace

    from socialseed.config.schema import Config
    from socialseed.model import Decision
    from tests.review.factory import NOW, reply_action

    key = Ed25519PrivateKey.generate()
    line = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    config = Config.model_validate(
        {
            "accounts": [{"id": "studio", "platform": "sandbox", "handle": "s", "phases": "p"}],
            "phases": {"p": [{"name": "one"}]},
            "policy": {"reviewers": [{"id": "ada", "key": line.decode()}]},
        }
    )
    action = reply_action()
    team_ = Team.of(config)
    assert team_ is not None
    from socialseed.auth.approvals import stamp

    decision = stamp(
        Decision("p_1", action.id, "approve", "ada", NOW, text="Thank you, Ada!", choice=1),
        action,
    )
    decision = replace(decision, signature=signing.sign(key, signing.payload(decision)))
    assert team_.check(action, decision, None) is None
    refused = team_.check(action, replace(decision, text="Buy cheap followers"), None)
    assert refused is not None and refused.rule == "signature_invalid"


def test_a_red_override_needs_two_reviewers(tmp_path: Path) -> None:
    from dataclasses import replace

    from socialseed.model import Risk

    t = team(tmp_path)
    red = replace(t.plan.actions[0], risk=Risk.RED, risk_reasons=("new account",))
    t.plan = Plan(
        [red, *t.plan.actions[1:]],
        created_at=t.plan.created_at,
        expires_at=t.plan.expires_at,
        config_sha256=t.plan.config_sha256,
        accounts=t.plan.accounts,
        author=t.plan.author,
    )
    t.plan_path.write_text(t.plan.to_json())
    why = ("--override", "--reason", "met them at the fair")
    code, _out, err = t.review("--approve", red.id, *why, "--sign-with", str(t.keys["ada"]))
    assert code == 0, err
    assert "1 of 2 approvals (two-person rule: a red override" in err
    code, _out, err = t.apply()
    assert code == 1 and "[rule: two_person]" in err
    assert world_follows(t.setup) == []
    code, _out, err = t.review(
        "--approve", red.id, *why, "--sign-with", str(t.keys["bob"]), who="bob"
    )
    assert code == 0, err
    code, _out, err = t.apply()
    done = [r for r in t.rows("journal") if r["kind"] == "outcome" and r["action_id"] == red.id]
    assert done[-1]["status"] in ("done", "already"), err


def test_a_reviewer_outside_their_scope_is_refused(tmp_path: Path) -> None:
    extra = "    - id: liker@example.com\n      verbs: [like]\n  approvals: {unsigned: red}\n"
    t = team(tmp_path, extra=extra)
    code, _out, err = t.review("--approve", first(t), who="liker")
    assert code == 1
    assert "refused (reviewer_scope): policy.reviewers does not let liker@example.com " in err
    assert "approve follow on alpha at green risk (accounts *; verbs like; max_risk red)" in err
    assert [r["rule"] for r in t.refusals()] == ["reviewer_scope"]


def test_a_key_held_by_ssh_agent_signs_through_ssh_keygen(tmp_path: Path) -> None:
    t = team(tmp_path)
    t.keys["ada"].chmod(0o600)
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        env = {"SSH_AUTH_SOCK": str(sock), "PATH": "/usr/bin:/bin"}
        added = subprocess.run(["ssh-add", str(t.keys["ada"])], env=env, capture_output=True)
        assert added.returncode == 0, added.stderr
        t.setup.env["SSH_AUTH_SOCK"] = str(sock)
        pub = str(tmp_path / "id_ada.pub")
        code, _out, err = t.review("--approve", first(t), "--sign-with", pub)
    finally:
        agent.terminate()
        agent.wait(timeout=10)
    assert code == 0, err
    [row] = [r for r in t.rows("decisions") if r["plan_id"] == t.plan.id]
    assert str(row["signature"]).startswith("-----BEGIN SSH SIGNATURE-----")
    code, _out, err = t.apply()
    assert code == 0, err
    assert t.refusals() == []


def test_a_bare_ed25519_signature_in_a_decisions_file_is_verified(tmp_path: Path) -> None:
    import base64

    from socialseed.auth.approvals import stamp
    from socialseed.model import Decision

    t = team(tmp_path)
    action = t.plan.actions[0]
    at = T0 - timedelta(minutes=1)
    decision = stamp(
        Decision(
            t.plan.id,
            action.id,
            "approve",
            "bob@example.com",
            at,
            expires_at=at + timedelta(hours=24),
        ),
        action,
    )
    key = serialization.load_ssh_private_key(t.keys["bob"].read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    raw = base64.b64encode(key.sign(signing.payload(decision))).decode()
    path = tmp_path / "decisions.yaml"
    path.write_text(
        f"plan: {t.plan.id}\ndecisions:\n"
        f"  - action: {action.id}\n    decision: approve\n    reviewer: bob@example.com\n"
        "    decided_at: 2026-11-25T08:59:00Z\n    expires_at: 2026-11-26T08:59:00Z\n"
        f"    signature: ed25519:{raw}\n"
    )
    code, _out, err = t.review("--from-file", str(path))
    assert code == 0, err
    assert f"approve {action.id} by bob@example.com (signed)" in err
    path.write_text(path.read_text().replace("2026-11-26T08:59", "2026-12-26T08:59"))
    code, _out, err = t.review("--from-file", str(path))
    assert code == 1
    assert f"{path}:3:5: refused (signature_invalid)" in err


def test_a_key_with_a_passphrase_needs_it(tmp_path: Path) -> None:
    t = team(tmp_path)
    key = serialization.load_ssh_private_key(t.keys["ada"].read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    locked = tmp_path / "id_ada_locked"
    locked.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.BestAvailableEncryption(b"correct horse"),
        )
    )
    code, _out, err = t.review("--approve", first(t), "--sign-with", str(locked))
    assert code == 1
    assert f"Error: --sign-with {locked}: cannot load the key" in err
    assert "hint: the key is protected by a passphrase: set SOCIALSEED_SIGN_PASSPHRASE" in err
    assert "correct horse" not in err
    t.setup.env["SOCIALSEED_SIGN_PASSPHRASE"] = "wrong horse"
    code, _out, err = t.review("--approve", first(t), "--sign-with", str(locked))
    assert code == 1 and "hint: check SOCIALSEED_SIGN_PASSPHRASE: a wrong passphrase" in err
    assert "wrong horse" not in err and "Traceback" not in err
    t.setup.env["SOCIALSEED_SIGN_PASSPHRASE"] = "correct horse"
    code, _out, err = t.review("--approve", first(t), "--sign-with", str(locked))
    assert code == 0, err
    code, _out, err = t.apply()
    assert code == 0, err


def test_decision_sign_with_an_unreadable_key_names_the_key_option(tmp_path: Path) -> None:
    t = team(tmp_path)
    path = tmp_path / "decisions.yaml"
    path.write_text(f"plan: {t.plan.id}\ndecisions: []\n")
    missing = tmp_path / "no-such-key"
    code, _out, err = t.cli(
        "decision", "sign", str(path), "--key", str(missing), "-c", str(t.setup.config_path)
    )
    assert code == 1
    assert f"--key {missing}: cannot read the key (No such file or directory)" in err
    assert "e.g. --key ~/.ssh/id_ed25519" in err
    assert path.read_text() == f"plan: {t.plan.id}\ndecisions: []\n"  # nothing written
