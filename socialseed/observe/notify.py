"""Notifications with Apprise: each target told once about each alert, until the alert clears.

``notify`` compares the alerts that are on with the marks in the state (``notify_marks``): a new
alert is sent to every target that wants its event, and marked once delivered; a mark whose
alert is off is cleared, so that the next time it comes on it is sent again. A delivery is
tried three times, waiting 1 s then 2 s; what still fails is recorded (``notify_failed`` in the
audit log, counted by ``socialseed metrics``) and tried again at the next check. Nothing here
raises for a failed delivery: notifying is best-effort and never fails the command around it.
Secrets are read from the environment at the moment of sending, never stored or printed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from socialseed.config.notify import ENV_REF, PLACEHOLDER, NotifyTarget, env_names
from socialseed.config.schema import Config
from socialseed.errors import SocialSeedError
from socialseed.observe.alerts import Alert
from socialseed.redact import ScrubFilter, register
from socialseed.state import notify_marks
from socialseed.state.accounts import audit
from socialseed.state.handle import StateDB

Send = Callable[[str, str, str], bool]  # (url, title, body) -> delivered
ATTEMPTS = 3
FIRST_WAIT = 1.0
ACTOR = "socialseed-notify"
log = logging.getLogger("socialseed.notify")


@dataclass(frozen=True)
class Delivery:
    target: str
    event: str
    account: str
    delivered: bool
    attempts: int
    problem: str = ""

    def to_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            "event": "notify_sent" if self.delivered else "notify_failed",
            "target": self.target,
            "alert": self.event,
            "account": self.account or None,
            "attempts": self.attempts,
        }
        if self.problem:
            data["detail"] = self.problem
        return data

    def text(self) -> str:
        about = f"{self.event} for {self.account}" if self.account else self.event
        if self.delivered:
            return f"notify: {self.target}: sent {about}"
        again = "" if self.event == "test" else "; it is tried again at the next check"
        return f"notify: {self.target}: {about} not delivered ({self.problem}){again}"


def apprise_send(url: str, title: str, body: str) -> bool:
    """One delivery through Apprise; False when it refused the URL or the service failed."""
    import apprise

    _scrub_logs()
    sender = apprise.Apprise()
    if not sender.add(url):
        return False
    return bool(sender.notify(body=body, title=title))


_LIBRARY_LOGGERS = ("apprise", "urllib3.connectionpool")  # they log the URLs they call


def _scrub_logs() -> None:
    """The libraries' own log lines (DEBUG: the URL called) pass the secret scrubber."""
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubFilter) for f in logger.filters):
            logger.addFilter(ScrubFilter())


def resolve(target: NotifyTarget, env: Mapping[str, str]) -> str:
    """The target's URL with its env/NAME references filled in (and registered as secrets)."""
    missing = [name for name in env_names(target.url) if not env.get(name)]
    if missing:
        raise SocialSeedError(
            f"notify target {target.name!r}: environment variable(s) {', '.join(missing)} not set",
            hint="set them where SocialSeed runs (the cron job's .env, the service's "
            "EnvironmentFile, the workflow's secrets)",
        )
    for name in env_names(target.url):
        register(env[name])
    if ENV_REF.match(target.url):
        return env[target.url.removeprefix("env/")]
    return PLACEHOLDER.sub(lambda m: env[m.group(1).removeprefix("env/")], target.url)


def deliver(
    send: Send, url: str, title: str, body: str, *, sleep: Callable[[float], None]
) -> tuple[bool, int]:
    """Send, retrying with backoff (1 s, 2 s); (delivered, attempts)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            if send(url, title, body):
                return True, attempt
        except Exception as exc:  # best-effort: a broken service is a failed attempt
            log.warning("notify attempt %d failed: %s", attempt, type(exc).__name__)
        if attempt < ATTEMPTS:
            sleep(FIRST_WAIT * 2 ** (attempt - 1))
    return False, ATTEMPTS


def notify(
    db: StateDB,
    config: Config,
    alerts: Sequence[Alert],
    *,
    env: Mapping[str, str],
    now: datetime,
    send: Send = apprise_send,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send what is new, clear what is over; one Delivery per notification tried."""
    on = {a.key for a in alerts}
    marks = notify_marks.marked(db)
    wanted = {t.name: t for t in config.notify}
    over: list[tuple[NotifyTarget, str, str]] = []  # (target, event, account) that cleared
    with db.conn:
        for key in marks:
            target = wanted.get(key[0])
            if target is None or key[1] not in target.events or (key[1], key[2]) not in on:
                notify_marks.clear(db, key)
                if target is not None and target.send_resolved and key[1] in target.events:
                    over.append((target, key[1], key[2]))
    done: list[Delivery] = []
    for target, event, account in over:
        done += _send_resolved(db, target, event, account, env=env, now=now, send=send, sleep=sleep)
    for target in config.notify:
        new = [a for a in alerts if a.event in target.events]
        new = [a for a in new if (target.name, *a.key) not in marks]
        if new:
            done += _send_all(db, target, new, env=env, now=now, send=send, sleep=sleep)
    return done


def _send_all(
    db: StateDB,
    target: NotifyTarget,
    alerts: Sequence[Alert],
    *,
    env: Mapping[str, str],
    now: datetime,
    send: Send,
    sleep: Callable[[float], None],
) -> list[Delivery]:
    try:
        url = resolve(target, env)
    except SocialSeedError as exc:
        found = [Delivery(target.name, a.event, a.account, False, 0, str(exc)) for a in alerts]
        _record(db, found, now)
        return found
    done = []
    for alert in alerts:
        ok, attempts = deliver(send, url, alert.title, alert.body, sleep=sleep)
        problem = "" if ok else f"the service refused or failed {attempts} times"
        done.append(Delivery(target.name, alert.event, alert.account, ok, attempts, problem))
        _record(db, done[-1:], now)
    return done


def _send_resolved(
    db: StateDB,
    target: NotifyTarget,
    event: str,
    account: str,
    *,
    env: Mapping[str, str],
    now: datetime,
    send: Send,
    sleep: Callable[[float], None],
) -> list[Delivery]:
    """Tell a target (``send_resolved: true``) that an alert it was told about is over. Tried
    like any delivery, and recorded; one that fails is not tried again (the alert is over)."""
    about = f"{account}: {event}" if account else event
    resolved = Alert(
        f"{event}_resolved",
        account,
        f"SocialSeed: resolved: {about}",
        f"{about} is over (first reported earlier; see 'socialseed log').",
    )
    found = _send_all(db, target, [resolved], env=env, now=now, send=send, sleep=sleep)
    with db.conn:
        notify_marks.clear(db, (target.name, resolved.event, account))
    return found


def _record(db: StateDB, done: Sequence[Delivery], now: datetime) -> None:
    with db.conn:
        for d in done:
            kind = "notify_sent" if d.delivered else "notify_failed"
            detail: dict[str, object] = {"target": d.target, "event": d.event}
            detail["attempts"] = d.attempts
            audit(db, account=d.account, kind=kind, actor=ACTOR, now=now, detail=detail)
            if d.delivered:
                notify_marks.mark(db, (d.target, d.event, d.account), now=now)


def send_test(
    config: Config,
    name: str | None,
    *,
    env: Mapping[str, str],
    send: Send = apprise_send,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """A test message to every target (or the one named); nothing is recorded."""
    targets = [t for t in config.notify if name is None or t.name == name]
    if name is not None and not targets:
        known = ", ".join(t.name for t in config.notify) or "none"
        raise SocialSeedError(
            f"no notify target {name!r} in the config (targets: {known})",
            hint="name one of the notify: targets, or leave TARGET out to test them all",
        )
    done = []
    for target in targets:
        try:
            url = resolve(target, env)
        except SocialSeedError as exc:
            done.append(Delivery(target.name, "test", "", False, 0, str(exc)))
            continue
        title = "SocialSeed: test notification"
        body = f"This is a test from SocialSeed to the notify target {target.name!r}."
        ok, attempts = deliver(send, url, title, body, sleep=sleep)
        problem = "" if ok else f"the service refused or failed {attempts} times"
        done.append(Delivery(target.name, "test", "", ok, attempts, problem))
    return done
