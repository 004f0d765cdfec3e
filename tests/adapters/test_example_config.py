"""configs/examples/real-platforms.yaml is valid as shipped and with every example uncommented."""

from __future__ import annotations

import re
from pathlib import Path

from socialseed.config.load import load_config
from socialseed.platforms import registry

EXAMPLE = Path(__file__).resolve().parents[2] / "configs" / "examples" / "real-platforms.yaml"


def test_the_example_is_valid_as_shipped() -> None:
    config = load_config(EXAMPLE)
    assert [a.platform for a in config.accounts] == ["sandbox"]


def test_every_commented_account_is_valid_when_uncommented(tmp_path: Path) -> None:
    text = re.sub(r"(?m)^  # (- |  )", r"  \1", EXAMPLE.read_text())
    path = tmp_path / "uncommented.yaml"
    path.write_text(text)
    config = load_config(path)
    platforms = [a.platform for a in config.accounts]
    assert platforms == ["sandbox", "bluesky", "mastodon", "x", "instagram", "tiktok"]
    for acct in config.accounts:
        assert registry.capabilities(acct.platform, acct).platform == acct.platform
    assert "APP_PASSWORD" in text and "env/" in text


def test_the_uncommented_example_passes_validate(tmp_path: Path) -> None:
    """validate's platform checks too: Instagram and TikTok get no follow, like or repost."""
    from typer.testing import CliRunner

    from socialseed.cli.main import app

    path = tmp_path / "uncommented.yaml"
    path.write_text(re.sub(r"(?m)^  # (- |  )", r"  \1", EXAMPLE.read_text()))
    result = CliRunner().invoke(app, ["validate", "-c", str(path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
