"""socialseed plan with AI-drafted replies: a fake OpenAI-compatible server on 127.0.0.1, the
sandbox's inbox, the estimate in the plan's AI section, guarded drafts on the reply cards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.config.load import load_config
from socialseed.conversations import guards
from tests.conftest import DEMO_CONFIG
from tests.conversations.ai_fakes import KEY, answer, block
from tests.llm_server import LlmHandler, LlmServer, serving

runner = CliRunner()
NOW = "2026-12-20T18:00:00Z"  # a week of the sandbox's inbox


class _Handler(LlmHandler):
    def do_POST(self) -> None:
        body = self.body()
        self.server.seen.append({"path": self.path, "body": body})
        entries = block(body["messages"][1]["content"])
        drafts = [
            {
                "id": e["id"],
                "replies": [
                    f"Good question, {e['from']}: I will post the answer soon.",
                    "Details at http://shop.example",  # a guard drops this one
                ],
            }
            for e in entries
        ]
        self.send_json(answer("openai", json.dumps({"drafts": drafts}), 2000, 600))


@pytest.fixture
def llm_server() -> Iterator[LlmServer]:
    with serving(_Handler) as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, llm_server: LlmServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCIALSEED_NOW", NOW)
    monkeypatch.setenv("SOCIALSEED_SANDBOX", str(tmp_path / "world.sqlite"))
    monkeypatch.setenv("LOCAL_LLM_KEY", KEY)
    data = yaml.safe_load((DEMO_CONFIG / "socialseed.yaml").read_text())
    data["sandbox"]["size"] = 400
    port = llm_server.server_address[1]
    data["scoring"] = {
        "providers": {
            "local": {
                "kind": "openai",
                "model": "gpt-4o-mini",  # priced by genai-prices
                "base_url": f"http://127.0.0.1:{port}/v1",
                "api_key": "env/LOCAL_LLM_KEY",
            }
        }
    }
    rule_set = data["conversations"]["studio-replies"]
    rule_set["ai_provider"] = "local"
    for rule in rule_set["rules"]:
        if rule["name"] == "other-question":
            rule["then"] = {"reply": {"ai": True}}
    path = tmp_path / "socialseed.yaml"
    path.write_text(yaml.safe_dump(data))
    assert runner.invoke(app, ["sandbox", "reset", "-c", str(path)]).exit_code == 0
    return path


def test_plan_drafts_with_ai_in_batches_shows_the_estimate_and_proposes_guarded_drafts(
    config: Path, llm_server: LlmServer, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", "-c", str(config), "-o", str(out)])

    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    replies = [a for a in plan["actions"] if a["verb"] == "reply"]
    ai_replies = [a for a in replies if a["conversation"]["rule"] == "other-question"]
    asked = sum(len(block(r["body"]["messages"][1]["content"])) for r in llm_server.seen)
    assert llm_server.seen and all(r["path"] == "/v1/chat/completions" for r in llm_server.seen)
    assert asked >= len(ai_replies) > 0
    assert all(
        len(block(r["body"]["messages"][1]["content"])) >= min(10, asked) for r in llm_server.seen
    )
    rule_set = load_config(config).conversations["studio-replies"]
    for reply in ai_replies:
        talk = reply["conversation"]
        assert [d["origin"] for d in talk["drafts"]] == ["ai:local"]
        assert talk["drafts"][0]["text"].startswith("Good question, ")
        assert reply["target"]["text"] == talk["drafts"][0]["text"]
        assert {"origin": "ai:local", "reason": "the reply holds a link (guards.no_links)"} in (
            talk["dropped"]
        )
        ctx = guards.GuardContext("sandbox", rule_set.guards)
        assert guards.check(talk["drafts"][0]["text"], ctx) is None

    (estimate,) = [e for e in plan["ai"]["estimates"] if e["unit"] == "message"]
    assert estimate["step"] == "demo-studio/conversations studio-replies"
    assert (estimate["provider"], estimate["model"]) == ("local", "gpt-4o-mini")
    assert (estimate["profiles"], estimate["requests"]) == (asked, len(llm_server.seen))
    assert estimate["estimated_usd"] > 0 and "genai-prices" in estimate["prices"]
    assert plan["ai"]["spent_usd"] > 0
    assert (
        f"demo-studio/conversations studio-replies: local (gpt-4o-mini) "
        f"${estimate['estimated_usd']:.4f} for {asked} message(s) in {len(llm_server.seen)} "
        "request(s)"
    ) in " ".join(result.stdout.split())
    assert "AI scoring and reply drafts: estimated at most $" in result.stdout
    assert KEY not in out.read_text() and KEY not in result.output

    usage = json.loads(runner.invoke(app, ["usage", "--json"]).stdout)
    assert usage["total"]["requests"] == len(llm_server.seen)
