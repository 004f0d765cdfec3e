"""The list of command modules. Each module has ``register(app)``; add new nouns here.

``TABLE`` names the module of every command, in the order ``--help`` lists them (commands,
then groups), so that a command loads its own module and no other; a test checks it against
what the modules register.
"""

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


_CONFIG, _OPS = "socialseed.cli.config_cmd", "socialseed.cli.ops_cmd"
TABLE = {  # command -> its module: the commands first, then the groups, each in MODULES order
    "init": _CONFIG,
    "validate": _CONFIG,
    "schema": _CONFIG,
    "platforms": "socialseed.cli.platforms_cmd",
    "plan": "socialseed.cli.plan_cmd",
    "show": "socialseed.cli.plan_cmd",
    "diff": "socialseed.cli.diff_cmd",
    "inbox": "socialseed.cli.inbox_cmd",
    "review": "socialseed.cli.review_cmd",
    "apply": "socialseed.cli.apply_cmd",
    "force-unlock": "socialseed.cli.apply_cmd",
    "worker": "socialseed.cli.worker_cmd",
    "usage": "socialseed.cli.usage_cmd",
    "status": _OPS,
    "sync": _OPS,
    "report": _OPS,
    "log": _OPS,
    "pause": _OPS,
    "resume": _OPS,
    "prune": _OPS,
    "metrics": "socialseed.cli.metrics_cmd",
    "schedule": "socialseed.cli.schedule_cmd",
    "tune": "socialseed.cli.tune_cmd",
    "sandbox": "socialseed.cli.sandbox_cmd",
    "decision": "socialseed.cli.decisions_file",
    "auth": "socialseed.cli.auth_cmd",
    "notify": "socialseed.cli.notify_cmd",
    "state": "socialseed.cli.state_cmd",
}


def register(app: typer.Typer) -> None:
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # not built yet
            raise
        module.register(app)
