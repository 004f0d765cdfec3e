"""The ready-made operations files in deploy/: Prometheus, Alertmanager, Grafana, compose, Docker.

promtool and amtool come from Debian's prometheus and prometheus-alertmanager packages
(scripts/install-promtool.sh, run by `make test`); the tests skip with the reason without them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from sqlite_utils import Database

from socialseed.state.db import open_state
from tests.monitoring.exposition import full_exposition, sample_names
from tests.monitoring.promtool import ROOT, check, promtool
from tests.ops.conftest import seed_month

DEPLOY = ROOT / "deploy"
PROMETHEUS = DEPLOY / "prometheus"
METRIC = re.compile(r"\b(socialseed_[a-z0-9_]+|up)\b")


@pytest.fixture
def exposed(state_path: Path) -> set[str]:
    db: Database = open_state(state_path)
    seed_month(db)
    return sample_names(full_exposition(db))


def test_the_full_exposition_passes_promtool(state_path: Path) -> None:
    db = open_state(state_path)
    seed_month(db)
    text = full_exposition(db)
    assert "socialseed_pool_runway_seconds" in text and "socialseed_ai_plan_budget_usd" in text
    checked = check("metrics", stdin=text)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "" and checked.stderr.strip() == ""


def test_prometheus_config_and_rules_pass_promtool() -> None:
    config = check("config", str(PROMETHEUS / "prometheus.yml"))
    assert config.returncode == 0, config.stdout + config.stderr
    rules = check("rules", str(PROMETHEUS / "alerts.yml"))
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert "SUCCESS: 8 rules found" in rules.stdout


def test_the_alerts_fire_on_synthetic_series() -> None:
    """alerts_test.yml: each alert fires when it should, with its labels and text, and not before."""
    tested = subprocess.run(
        [promtool(), "test", "rules", "alerts_test.yml"],
        cwd=PROMETHEUS, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout
    names = {
        t["name"] for t in yaml.safe_load((PROMETHEUS / "alerts_test.yml").read_text())["tests"]
    }
    assert len(names) == 7  # red, paused, apply failures, block, token, AI budget, runway


def test_every_alert_uses_metrics_we_expose(exposed: set[str]) -> None:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"][0]["rules"]
    alerts = {r["alert"] for r in rules}
    assert {
        "SocialSeedAccountRed", "SocialSeedAccountPaused", "SocialSeedApplyFailures",
        "SocialSeedBlockSignal", "SocialSeedTokenExpiring", "SocialSeedAIBudget80",
        "SocialSeedPoolRunwayLow",
    } <= alerts  # fmt: skip
    used = {m for r in rules for m in METRIC.findall(r["expr"])} - {"up"}
    assert used and used <= exposed, used - exposed


def test_alertmanager_routes_to_email_slack_and_a_webhook() -> None:
    config_path = DEPLOY / "alertmanager" / "alertmanager.yml"
    config = yaml.safe_load(config_path.read_text())
    kinds = {k for r in config["receivers"] for k in r if k.endswith("_configs")}
    assert kinds == {"email_configs", "slack_configs", "webhook_configs"}
    assert "password:" not in config_path.read_text().replace("password_file:", "")
    amtool = shutil.which("amtool")
    if amtool is None:
        pytest.skip("amtool is not installed (Debian's prometheus-alertmanager package)")
    checked = subprocess.run(
        [amtool, "check-config", str(config_path)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout


def test_the_dashboard_queries_only_metrics_we_expose(exposed: set[str]) -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "socialseed.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exprs += [v["definition"] for v in dashboard["templating"]["list"]]
    used = {m for e in exprs for m in METRIC.findall(e)}
    assert len(used) >= 15
    assert used <= exposed, used - exposed
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])


def test_compose_starts_the_stack_around_metrics_serve() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"socialseed", "prometheus", "alertmanager", "grafana"}
    assert services["socialseed"]["command"][0] == "metrics"
    assert "--serve" in services["socialseed"]["command"]
    scrape = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())["scrape_configs"][0]
    assert scrape["static_configs"][0]["targets"] == ["socialseed:9464"]
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), source


def _docker_daemon() -> str | None:
    """Why docker cannot build here (None: it can)."""
    docker = shutil.which("docker")
    if docker is None:
        return "no docker client on this machine"
    info = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=60)
    if info.returncode != 0:
        lines = (info.stderr or info.stdout).strip().splitlines()
        return f"the docker daemon is not reachable: {lines[-1] if lines else info.returncode}"
    return None


def test_the_image_builds_and_runs_socialseed_version() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER socialseed" in dockerfile and 'VOLUME ["/data"]' in dockerfile
    why = _docker_daemon()
    if why is not None:
        if os.environ.get("SOCIALSEED_REQUIRE_DOCKER") == "1":
            pytest.fail(why)
        pytest.skip(why)
    tag = "socialseed:test"
    built = subprocess.run(
        ["docker", "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=900
    )
    assert built.returncode == 0, built.stderr[-2000:]
    ran = subprocess.run(
        ["docker", "run", "--rm", tag, "--version"], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("socialseed ")
    whoami = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert whoami.stdout.strip() == "10001"
