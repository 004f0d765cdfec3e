"""The HTML report in a real headless browser (Debian's chromium): the charts render with
their data points, on a phone-sized and a desktop-sized window. Screenshots are kept in
test-artifacts/. Skips, with the reason, when chromium is not installed
(scripts/install-chromium.sh installs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from socialseed.config.load import load_config
from socialseed.observe.analytics import build_report
from socialseed.report.report_html import render_html
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG, ROOT
from tests.ops.conftest import NOW, seed_month
from tests.ops.png import count_colour

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (run scripts/install-chromium.sh); HTML report not "
    "checked in a browser",
)
LINE_BLUE = (0x25, 0x63, 0xEB)
LIKE_PINK = (0xDB, 0x27, 0x77)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = open_state(None)
    seed_month(db)
    data = build_report(
        db, now=NOW, since=NOW - timedelta(days=30), config=load_config(DEMO_CONFIG)
    )
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(data), encoding="utf-8")
    return path


def test_the_dom_has_every_data_point(report_file: Path, tmp_path: Path) -> None:
    result = chromium(tmp_path, "--dump-dom", report_file.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert len(re.findall(r'<circle class="pt"', dom)) == 30
    assert len(re.findall(r"<rect class=\"bar\"", dom)) == 30  # one stacked follow bar a day
    assert len(re.findall(r'<rect class="phase"', dom)) == 62  # 31 days x 2 accounts
    assert "engagement rate = followers gained" in dom


@pytest.mark.parametrize(("name", "size"), [("phone", "412,2400"), ("desktop", "1280,1800")])
def test_the_charts_paint_on_phone_and_desktop(
    report_file: Path, tmp_path: Path, name: str, size: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"ops-report-{name}.png"
    shot.unlink(missing_ok=True)
    result = chromium(
        tmp_path, f"--window-size={size}", f"--screenshot={shot}", report_file.as_uri()
    )
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    blue = count_colour(shot, LINE_BLUE)
    assert blue > 500, f"the follower line and follow bars painted only {blue} blue pixels"
