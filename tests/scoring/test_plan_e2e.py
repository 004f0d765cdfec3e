"""socialseed plan with a language-model provider: a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG
from tests.scoring.fakes import KEY, openai_answer, scores_json

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("socialseed.platforms.sandbox") is None,
    reason="the sandbox platform is not built yet",
)
runner = CliRunner()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.server.seen.append(
            {"path": self.path, "auth": self.headers["authorization"], "body": body}
        )
        count = len(json.loads(body["messages"][1]["content"])["profiles"])
        payload = json.dumps(openai_answer(scores_json(count, 0.9, 0.8), 50 * count, 10 * count))
        data = payload.encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def llm_server() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def config(tmp_path: Path, llm_server: _Server, monkeypatch: pytest.MonkeyPatch) -> Path:
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
    config: Path, llm_server: _Server, tmp_path: Path
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
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_the_budget_cap_holds_for_the_whole_plan_not_per_targeting(
    config: Path, llm_server: _Server, tmp_path: Path
) -> None:
    data = yaml.safe_load(config.read_text())
    demo = yaml.safe_load((DEMO_CONFIG / "socialseed.yaml").read_text())
    data["accounts"] = demo["accounts"]  # two accounts, two targetings, one provider
    data["targeting"]["coffee-lovers"]["scoring"]["provider"] = "local"
    cap = 1.0
    data["scoring"]["max_cost_usd"] = cap
    data["scoring"]["batch_size"] = 5
    data["scoring"]["providers"]["local"]["price_in_per_mtok"] = 1000.0  # $0.25 a request
    config.write_text(yaml.safe_dump(data))

    result = runner.invoke(app, ["plan", "-c", str(config)])

    assert result.exit_code == 0, result.output
    assert llm_server.seen, "the provider was never asked"
    usage = json.loads(runner.invoke(app, ["usage", "--json"]).stdout)
    assert 0 < usage["total"]["cost_usd"] <= cap
    # a request reserves its worst-case cost: the cap fits one, for the whole plan (a meter
    # per targeting would let each of the two targetings send its own)
    assert len(llm_server.seen) == 1
    assert "budget" in result.stderr
