"""socialseed plan with a language-model provider: a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG
from tests.llm_server import LlmHandler, LlmServer, serving
from tests.scoring.fakes import KEY, openai_answer, scores_json

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("socialseed.platforms.sandbox") is None,
    reason="the sandbox platform is not built yet",
)
runner = CliRunner()


class _Handler(LlmHandler):
    def do_POST(self) -> None:
        body = self.body()
        self.server.seen.append(
            {"path": self.path, "auth": self.headers["authorization"], "body": body}
        )
        count = len(json.loads(body["messages"][1]["content"])["profiles"])
        self.send_json(openai_answer(scores_json(count, 0.9, 0.8), 50 * count, 10 * count))


@pytest.fixture
def llm_server() -> Iterator[LlmServer]:
    with serving(_Handler) as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, llm_server: LlmServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCIALSEED_NOW", "2026-11-25T09:00:00Z")
    monkeypatch.setenv("SOCIALSEED_SANDBOX", str(tmp_path / "sandbox.sqlite"))
    monkeypatch.setenv("LOCAL_LLM_KEY", KEY)
    data = yaml.safe_load((DEMO_CONFIG / "socialseed.yaml").read_text())
    data["sandbox"]["size"] = 300
    data["accounts"] = [a for a in data["accounts"] if a["id"] == "demo-studio"]
    port = llm_server.server_address[1]
    data["scoring"] = {
        "providers": {
            "local": {
                "kind": "openai",
                "model": "fake-model",
                "base_url": f"http://127.0.0.1:{port}/v1",
                "api_key": "env/LOCAL_LLM_KEY",
                "price_in_per_mtok": 1.0,
                "price_out_per_mtok": 2.0,
            }
        },
        "batch_size": 25,
    }
    data["targeting"]["film-photographers"]["scoring"]["provider"] = "local"
    path = tmp_path / "socialseed.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_plan_scores_with_the_provider_then_replans_from_the_cache(
    config: Path, llm_server: LlmServer, tmp_path: Path
) -> None:
    first = runner.invoke(app, ["plan", "-c", str(config), "-o", str(tmp_path / "a.json")])

    assert first.exit_code == 0, first.output
    requests = len(llm_server.seen)
    assert requests > 0
    assert {r["path"] for r in llm_server.seen} == {"/v1/chat/completions"}
    assert {r["auth"] for r in llm_server.seen} == {f"Bearer {KEY}"}
    assert all(
        len(json.loads(r["body"]["messages"][1]["content"])["profiles"]) <= 25
        for r in llm_server.seen
    )
    plan = json.loads((tmp_path / "a.json").read_text())
    scored = {(a["score"]["scorer"], a["score"]["model"]) for a in plan["actions"] if a["score"]}
    assert scored == {("local", "fake-model")}
    assert KEY not in (tmp_path / "a.json").read_text() and KEY not in first.output

    usage = json.loads(runner.invoke(app, ["usage", "--json"]).stdout)
    assert usage["total"]["requests"] == requests
    tokens_in = sum(
        50 * len(json.loads(r["body"]["messages"][1]["content"])["profiles"])
        for r in llm_server.seen
    )
    assert usage["total"]["tokens_in"] == tokens_in

    again = runner.invoke(app, ["plan", "-c", str(config), "-o", str(tmp_path / "b.json")])

    assert again.exit_code == 0, again.output
    assert len(llm_server.seen) == requests  # zero new provider requests
    replanned = json.loads((tmp_path / "b.json").read_text())
    assert replanned["actions"] == plan["actions"]
    assert plan["ai"]["spent_usd"] > 0
    assert replanned["ai"] == {
        "estimated_usd": 0.0,
        "spent_usd": 0.0,
        "max_cost_usd": None,
        "estimates": [],  # everything came from the cache: nothing to estimate
    }
    assert "AI scoring: nothing to estimate (every profile's answer was cached); spent $0.0000" in (
        again.stdout
    )


def _library_priced(config: Path, cap: float | None = None) -> None:
    """The local provider posing as gpt-4o-mini, with no prices in the config."""
    data = yaml.safe_load(config.read_text())
    local = data["scoring"]["providers"]["local"]
    local["model"] = "gpt-4o-mini"
    del local["price_in_per_mtok"], local["price_out_per_mtok"]
    if cap is not None:
        data["scoring"]["max_cost_usd"] = cap
    config.write_text(yaml.safe_dump(data))


def test_a_plan_without_prices_in_config_shows_the_price_librarys_estimate(
    config: Path, llm_server: LlmServer, tmp_path: Path
) -> None:
    _library_priced(config)

    result = runner.invoke(app, ["plan", "-c", str(config), "-o", str(tmp_path / "p.json")])

    assert result.exit_code == 0, result.output
    ai = json.loads((tmp_path / "p.json").read_text())["ai"]
    (estimate,) = ai["estimates"]
    profiles = sum(
        len(json.loads(r["body"]["messages"][1]["content"])["profiles"]) for r in llm_server.seen
    )
    assert estimate["step"] == "demo-studio/film-photographers"
    assert (estimate["provider"], estimate["model"], estimate["refused"]) == (
        "local",
        "gpt-4o-mini",
        "",
    )
    assert (estimate["profiles"], estimate["requests"]) == (profiles, len(llm_server.seen))
    assert estimate["prices"].startswith("$0.15 in / $0.6 out per million tokens (genai-prices ")
    assert ai["estimated_usd"] == estimate["estimated_usd"] > 0
    # the answers bill 50 tokens in and 10 out per profile, at $0.15 and $0.60 per million
    assert ai["spent_usd"] == pytest.approx(profiles * (50 * 0.15 + 10 * 0.6) / 1e6, abs=1e-6)
    assert ai["spent_usd"] < ai["estimated_usd"]
    assert f"AI scoring: estimated at most ${ai['estimated_usd']:.4f} before it ran" in (
        result.stdout
    )
    shown = runner.invoke(app, ["show", str(tmp_path / "p.json"), "--format", "markdown"])
    assert f"**AI scoring: estimated at most ${ai['estimated_usd']:.4f} before it ran" in (
        shown.stdout
    ), shown.output


def test_a_budget_below_the_estimate_stops_the_ai_step_and_falls_back(
    config: Path, llm_server: LlmServer, tmp_path: Path
) -> None:
    _library_priced(config, cap=0.0001)

    result = runner.invoke(app, ["plan", "-c", str(config), "-o", str(tmp_path / "p.json")])

    assert result.exit_code == 0, result.output
    assert llm_server.seen == []
    plan = json.loads((tmp_path / "p.json").read_text())
    (estimate,) = plan["ai"]["estimates"]
    usd = estimate["estimated_usd"]
    assert usd > 0.0001
    message = (
        "demo-studio: AI scoring skipped with scoring provider 'local' (openai, gpt-4o-mini): "
        f"the estimated cost ${usd:.4f} for {estimate['profiles']} profile(s) in "
        f"{estimate['requests']} request(s) is more than the $0.0001 left of the budget "
        "scoring.max_cost_usd = 0.0001; the heuristic scores them instead "
        "(raise scoring.max_cost_usd to allow it)"
    )
    assert message in result.stderr
    assert estimate["refused"] == message.removeprefix("demo-studio: ")
    assert plan["ai"]["spent_usd"] == 0 and plan["ai"]["estimated_usd"] == 0
    assert {a["score"]["scorer"] for a in plan["actions"] if a["score"]} == {"heuristic"}
    assert "AI scoring: not used (see below), the heuristic scored instead" in result.stdout


def test_an_unknown_price_with_a_budget_refuses_the_provider_until_a_price_is_set(
    config: Path, llm_server: LlmServer, tmp_path: Path
) -> None:
    data = yaml.safe_load(config.read_text())
    local = data["scoring"]["providers"]["local"]
    del local["price_in_per_mtok"], local["price_out_per_mtok"]  # model "fake-model": unknown
    data["scoring"]["max_cost_usd"] = 5
    config.write_text(yaml.safe_dump(data))

    refused = runner.invoke(app, ["plan", "-c", str(config)])

    assert refused.exit_code == 0, refused.output
    assert llm_server.seen == []
    assert (
        "its price is unknown (genai-prices has no price for openai model 'fake-model'; set "
        "scoring.providers.local.price_in_per_mtok and price_out_per_mtok, 0 for a free local "
        "model) and scoring.max_cost_usd (5) is set; the heuristic scores them instead"
    ) in refused.stderr

    local["price_in_per_mtok"] = local["price_out_per_mtok"] = 0  # a free local model
    config.write_text(yaml.safe_dump(data))
    priced = runner.invoke(app, ["plan", "-c", str(config), "-o", str(tmp_path / "p.json")])

    assert priced.exit_code == 0, priced.output
    assert llm_server.seen
    assert json.loads((tmp_path / "p.json").read_text())["ai"]["estimated_usd"] == 0
