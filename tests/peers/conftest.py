"""Third-party servers on 127.0.0.1 for the adapters' end-to-end tests, once per session.

- Bluesky: the reference PLC + PDS from ``@atproto/dev-env`` 0.3.215 (tests/peers/bsky).
- Mastodon: ``mastodon-mock`` 0.6.1 in its own venv (tests/peers/masto).

Install both with ``scripts/peers-install.sh``. When node/npm or an install is missing, the
tests are skipped and the reason is printed at the end of the run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

PEERS = Path(__file__).resolve().parent
RUN = PEERS / "run"
BSKY_DIR = PEERS / "bsky"
MASTO_DIR = PEERS / "masto"
MASTO_BIN = MASTO_DIR / "venv" / "bin" / "mastodon_mock"
START_TIMEOUT = 120.0
INSTALL_HINT = "run scripts/peers-install.sh"
_SKIPPED: dict[str, str] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PEERS in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.peers)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for peer, reason in sorted(_SKIPPED.items()):
        terminalreporter.write_line(f"peers: {peer} end-to-end tests SKIPPED: {reason}")


def _skip(peer: str, reason: str) -> None:
    _SKIPPED[peer] = reason
    pytest.skip(f"{peer}: {reason}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Peer:
    """A running server we started: its process, URL and what it reported."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    info: dict[str, Any]

    def stop(self) -> None:
        """Stop our own process (and its group), then remove its scratch files."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.log.with_suffix(".tmp"), ignore_errors=True)
        self.log.unlink(missing_ok=True)

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""


def _spawn(name: str, cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[Any, Path]:
    """Start ``cmd`` in its own session; its log is ``run/NAME-PID-N.log``, scratch ``.tmp``."""
    RUN.mkdir(exist_ok=True)
    log = RUN / f"{name}-{os.getpid()}-{time.monotonic_ns()}.log"
    scratch = log.with_suffix(".tmp")
    scratch.mkdir()
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd,
            cwd=cwd,
            env={**os.environ, "TMPDIR": str(scratch), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, log


def _wait(peer: Peer, ready: Any) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if peer.process.poll() is not None:
            return False
        if ready():
            return True
        time.sleep(0.2)
    return False


def _start_with_retry(start: Any) -> Peer:
    """Start a peer; a failed start is retried once, then the test fails with the log."""
    peer: Peer = start()
    if peer.info.get("ready"):
        return peer
    peer.stop()
    second: Peer = start()
    if second.info.get("ready"):
        return second
    tail = second.log_tail()
    second.stop()
    pytest.fail(f"{second.name} did not start twice; log tail:\n{tail}")


# --- Bluesky PDS ----------------------------------------------------------------------------


def _bsky_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (BSKY_DIR / "node_modules" / "@atproto" / "dev-env").is_dir():
        return f"@atproto/dev-env is not installed in {BSKY_DIR} ({INSTALL_HINT})"
    return None


def _start_bsky() -> Peer:
    state = RUN / f"bsky-{os.getpid()}-{time.monotonic_ns()}.json"
    env = {
        "MODE": "pds",
        "PLC_PORT": str(free_port()),
        "PDS_PORT": str(free_port()),
        "STATE_FILE": str(state),
    }
    process, log = _spawn("bsky", ["node", "start-bsky.js"], BSKY_DIR, env)
    peer = Peer("bluesky-pds", process, "", log, {})
    if _wait(peer, state.exists):
        info = json.loads(state.read_text())
        port = env["PDS_PORT"]
        peer.url, peer.info = f"http://127.0.0.1:{port}", {**info, "ready": True}
    state.unlink(missing_ok=True)
    return peer


@pytest.fixture(scope="session")
def bsky_peer() -> Iterator[Peer]:
    missing = _bsky_missing()
    if missing:
        _skip("bluesky", missing)
    peer = _start_with_retry(_start_bsky)
    yield peer
    peer.stop()


# --- mastodon-mock --------------------------------------------------------------------------


def _masto_missing() -> str | None:
    if not MASTO_BIN.exists():
        return f"mastodon-mock is not installed in {MASTO_DIR / 'venv'} ({INSTALL_HINT})"
    return None


def _masto_up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/v1/instance", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _start_masto() -> Peer:
    port = free_port()
    cmd = [
        str(MASTO_BIN),
        "serve",
        "--config",
        str(MASTO_DIR / "mastodon_mock.toml"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--domain",
        f"127.0.0.1:{port}",
        "--in-memory",
        "--log-level",
        "warning",
    ]
    process, log = _spawn("masto", cmd, MASTO_DIR, {})
    url = f"http://127.0.0.1:{port}"
    peer = Peer("mastodon-mock", process, url, log, {})
    if _wait(peer, lambda: _masto_up(url)):
        peer.info["ready"] = True
    return peer


@pytest.fixture(scope="session")
def masto_peer() -> Iterator[Peer]:
    missing = _masto_missing()
    if missing:
        _skip("mastodon", missing)
    peer = _start_with_retry(_start_masto)
    yield peer
    peer.stop()
