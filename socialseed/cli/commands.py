"""The list of command modules. Each module has ``register(app)``; add new nouns here."""

from __future__ import annotations

import importlib

import typer

MODULES = [
    "socialseed.cli.config_cmd",  # init, validate, schema
    "socialseed.cli.platforms_cmd",  # platforms
    "socialseed.cli.sandbox_cmd",  # sandbox reset|info
    "socialseed.cli.plan_cmd",  # plan, show
    "socialseed.cli.diff_cmd",  # diff (the PR comment)
    "socialseed.cli.inbox_cmd",  # inbox
    "socialseed.cli.review_cmd",  # review
    "socialseed.cli.decisions_file",  # decision sign (review --from-file reads the file)
    "socialseed.cli.apply_cmd",  # apply, force-unlock
    "socialseed.cli.worker_cmd",  # worker (queued apply jobs)
    "socialseed.cli.auth_cmd",  # auth login|status|logout
    "socialseed.cli.usage_cmd",  # usage
    "socialseed.cli.ops_cmd",  # status, sync, report, log, pause, resume, prune
    "socialseed.cli.metrics_cmd",  # metrics
    "socialseed.cli.notify_cmd",  # notify test|check
    "socialseed.cli.schedule_cmd",  # schedule
    "socialseed.cli.tune_cmd",  # tune
    "socialseed.cli.state_cmd",  # state check|backups|backup|restore|reset
]


def register(app: typer.Typer) -> None:
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # not built yet
            raise
        module.register(app)
