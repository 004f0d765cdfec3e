"""The seed's cadence as ready files: a crontab, systemd units and timers, a GitHub workflow.

Jobs: health (``sync`` then ``status``, both of which notify the ``notify:`` targets of new
alerts) every 15 minutes; analytics (``report``) daily; cleanup (``prune``) weekly; ``apply``
of the reviewed plan file at the times given. Times are UTC. Pure text; no I/O.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from socialseed.errors import SocialSeedError

_ENV_FILE = "{ [ ! -f .env ] || { set -a; . ./.env; set +a; }; }"  # export what .env sets
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Setup:
    """Where and how the jobs run."""

    workdir: Path
    config: str  # as given to -c, relative to workdir or absolute
    state: Path | str  # a SQLite file, or a PostgreSQL URL without a password
    bin_dir: Path
    plan: str  # the plan file apply runs (the one a person reviewed)
    apply_at: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Job:
    name: str
    what: str
    commands: tuple[str, ...]
    cron: str  # crontab schedule (UTC)
    calendar: str  # systemd OnCalendar


def parse_time(text: str) -> tuple[int, int]:
    match = _TIME.match(text.strip())
    if match is None:
        raise SocialSeedError(
            f"--apply-at {text}: not a time of day", hint="use HH:MM in UTC, e.g. --apply-at 09:30"
        )
    return int(match.group(1)), int(match.group(2))


def jobs(setup: Setup) -> list[Job]:
    c = f"-c {shlex.quote(setup.config)}"
    found = [
        Job(
            "health",
            "sync, then status; both notify the notify: targets of new alerts",
            (f"socialseed sync {c}", f"socialseed status {c}"),
            "*/15 * * * *",
            "*:0/15",
        ),
        Job(
            "analytics",
            "the daily report (HTML, last 30 days)",
            (f"socialseed report {c} --since 30d --html report.html",),
            "30 5 * * *",
            "*-*-* 05:30:00 UTC",
        ),
        Job(
            "cleanup",
            "weekly prune of third-party data past its retention",
            (f"socialseed prune {c}",),
            "45 4 * * 0",
            "Sun *-*-* 04:45:00 UTC",
        ),
    ]
    for hour, minute in setup.apply_at:
        found.append(
            Job(
                f"apply-{hour:02d}{minute:02d}",
                f"apply the approved actions of {setup.plan} at {hour:02d}:{minute:02d} UTC",
                (f"socialseed apply {shlex.quote(setup.plan)} {c} --yes",),
                f"{minute} {hour} * * *",
                f"*-*-* {hour:02d}:{minute:02d}:00 UTC",
            )
        )
    return found


def crontab(setup: Setup) -> str:
    """One crontab: quiet on success; on failure it prints the output, which cron mails."""
    lines = [
        "# SocialSeed schedule (crontab -e, then paste; or: crontab socialseed.cron).",
        "# Quiet on success. On a failure the job prints what the commands said, and cron",
        "# mails it to MAILTO. Secrets come from .env in the working folder (mode 0600).",
        "MAILTO=ops@example.com",
        "CRON_TZ=UTC",
        f"PATH={setup.bin_dir}:/usr/local/bin:/usr/bin:/bin",
        f"SOCIALSEED_STATE={setup.state}",
        "SOCIALSEED_NO_INPUT=1",
        "",
    ]
    workdir = shlex.quote(str(setup.workdir))
    for job in jobs(setup):
        steps = " && ".join(job.commands)
        lines.append(f"# {job.name}: {job.what}")
        lines.append(
            f"{job.cron}  cd {workdir} && {_ENV_FILE} && "
            f'out=$( {{ {steps}; }} 2>&1 ) || {{ echo "socialseed {job.name} failed:"; '
            f'echo "$out"; }}'
        )
    return "\n".join(lines) + "\n"


def systemd_units(setup: Setup) -> dict[str, str]:
    """A oneshot service and a timer per job (user units: ~/.config/systemd/user/)."""
    units: dict[str, str] = {}
    for job in jobs(setup):
        name = f"socialseed-{job.name}"
        starts = "\n".join(f"ExecStart={setup.bin_dir}/{cmd}" for cmd in job.commands)
        units[f"{name}.service"] = (
            f"[Unit]\nDescription=SocialSeed {job.name}: {job.what}\n\n"
            "[Service]\nType=oneshot\n"
            f"WorkingDirectory={setup.workdir}\n"
            f"EnvironmentFile=-{setup.workdir}/.env\n"
            f"Environment=SOCIALSEED_STATE={setup.state}\n"
            "Environment=SOCIALSEED_NO_INPUT=1\n"
            f"{starts}\n"
        )
        units[f"{name}.timer"] = (
            f"[Unit]\nDescription=SocialSeed {job.name} schedule\n\n"
            f"[Timer]\nOnCalendar={job.calendar}\nPersistent=true\n"
            f"Unit={name}.service\n\n"
            "[Install]\nWantedBy=timers.target\n"
        )
    return units


def github_workflow(setup: Setup) -> str:
    """One workflow: a schedule per job, each job running on its own schedule."""
    schedule = jobs(setup)
    crons = "\n".join(f'    - cron: "{job.cron}"  # {job.name}' for job in schedule)
    parts = [
        "# SocialSeed schedule: copy to .github/workflows/socialseed.yml. Times are UTC.",
        "# Every job uses ONE shared state (the secret SOCIALSEED_STATE: a SQLite file on the",
        "# self-hosted runner, docs/pr-workflow.md), so sync knows what apply did; the jobs",
        "# take turns (concurrency). Secrets come from the repository's secrets (the config",
        "# refers to them as env/NAME). A failed step fails the run.",
        "name: socialseed-schedule",
        "",
        "on:",
        "  schedule:",
        crons,
        "  workflow_dispatch: {}",
        "",
        "permissions:",
        "  contents: read",
        "",
        "concurrency:",
        "  group: socialseed-state",
        "  cancel-in-progress: false",
        "",
        "env:",
        "  SOCIALSEED_SOURCE: git+https://github.com/socialseed/socialseed@v0.1.0  # pin it",
        '  SOCIALSEED_NO_INPUT: "1"',
        "  SOCIALSEED_STATE: ${{ secrets.SOCIALSEED_STATE }}  # the shared state",
        '  NO_COLOR: "1"',
        "",
        "jobs:",
    ]
    for job in schedule:
        parts.append(_github_job(job))
    return "\n".join(parts) + "\n"


def _github_job(job: Job) -> str:
    when = f"github.event.schedule == '{job.cron}'"
    if job.name == "health":
        when += " || github.event_name == 'workflow_dispatch'"
    run = "\n".join(f"          {cmd}" for cmd in job.commands)
    return f"""  {job.name}:
    if: {when}
    runs-on: self-hosted
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pipx install "$SOCIALSEED_SOURCE"
      - name: {json.dumps(job.what)}
        run: |
{run}
"""
