"""``socialseed metrics``: the Prometheus exposition, to stdout, a textfile or an HTTP endpoint.

- no option: print the exposition once (for a look, or a pipe);
- ``--textfile PATH``: write it atomically for node_exporter's textfile collector;
- ``--serve HOST:PORT``: answer ``GET /metrics`` until interrupted, reading the state afresh
  on every scrape (so it runs beside ``apply`` and ``sync`` without holding anything open).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import ConfigError, SocialSeedError

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry
    from prometheus_client.core import Metric

    from socialseed.cli.context import AppContext
    from socialseed.config.schema import Config
    from socialseed.state.location import StateLocation

_ADDRESS = re.compile(r"^(?P<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)?:(?P<port>\d{1,5})$")
DEFAULT_PORT = 9464


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics)


def metrics(
    ctx: typer.Context,
    config: ConfigOpt = None,
    textfile: Annotated[
        Path | None,
        typer.Option("--textfile", help="Write the exposition here (node_exporter textfile)."),
    ] = None,
    serve: Annotated[
        str | None,
        typer.Option("--serve", help="Serve /metrics on HOST:PORT, e.g. 127.0.0.1:9464."),
    ] = None,
) -> None:
    """Prometheus metrics: health, phase, today's budget, actions, waits, blocks, AI cost."""
    app_ctx = context.get(ctx)
    cfg = app_ctx.load_config(config)
    if serve is not None:
        _serve(app_ctx, cfg, parse_address(serve))
        return
    from prometheus_client import generate_latest, write_to_textfile

    registry = _registry(app_ctx, cfg)
    if textfile is None:
        typer.echo(generate_latest(registry).decode("utf-8"), nl=False)
        return
    try:
        write_to_textfile(str(textfile), registry)
    except OSError as exc:
        raise SocialSeedError(
            f"--textfile {textfile}: cannot write it ({exc.strerror or exc})",
            hint="point it at a writable folder (node_exporter: --collector.textfile.directory)",
        ) from None
    app_ctx.err.print(f"wrote {textfile}", markup=False)


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``:PORT`` for 127.0.0.1) as a (host, port) pair."""
    match = _ADDRESS.match(text.strip())
    port = int(match["port"]) if match else -1
    if match is None or not 0 < port < 65536:
        raise ConfigError(
            [f"--serve {text}: not an address to listen on"],
            hint=f"use HOST:PORT, for example --serve 127.0.0.1:{DEFAULT_PORT}",
        )
    return (match["host"] or "127.0.0.1").strip("[]"), port


def _build(app_ctx: AppContext, cfg: Config, db_path: StateLocation | None = None) -> list[Metric]:
    from socialseed.observe.metrics import families, gather

    now = app_ctx.clock.now()
    if db_path is None:
        return families(gather(app_ctx.db, cfg, now=now))
    from socialseed.state.db import open_state

    db = open_state(db_path, now=now)  # one connection per scrape, in the serving thread
    try:
        return families(gather(db, cfg, now=now))
    finally:
        db.conn.close()


def _registry(app_ctx: AppContext, cfg: Config, *, fresh: bool = False) -> CollectorRegistry:
    from prometheus_client import CollectorRegistry

    from socialseed.observe.metrics import StateCollector

    path = app_ctx.state if fresh else None
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StateCollector(lambda: _build(app_ctx, cfg, path)))
    return registry


def _serve(app_ctx: AppContext, cfg: Config, address: tuple[str, int]) -> None:
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from prometheus_client import make_wsgi_app

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    host, port = address
    app = make_wsgi_app(_registry(app_ctx, cfg, fresh=True))
    try:
        server = make_server(host, port, app, handler_class=QuietHandler)
    except OSError as exc:
        raise SocialSeedError(
            f"--serve {host}:{port}: cannot listen there ({exc.strerror or exc})",
            hint="choose a free port, or stop what already listens on it",
        ) from None
    app_ctx.err.print(f"serving metrics on http://{host}:{port}/metrics", markup=False)
    with server:
        server.serve_forever()
