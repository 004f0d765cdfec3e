"""The one exception tree of SocialSeed, and the exit code of each branch.

    SocialSeedError                      exit 1
    ├── ConfigError                      exit 1  (file, line, column, field path, fix)
    ├── StateError                       exit 1  (a state path that cannot be used or created)
    │   └── StateUnusable                exit 6  (empty, damaged, incomplete or newer state file;
    │                                             left untouched: restore a backup or reset)
    ├── PlanFileError                    exit 1  (unreadable, tampered or unknown-format plan)
    ├── PolicyError                      exit 1  (an action a platform or its pack does not allow)
    ├── UnsafePlanError                  exit 3  (a threshold or a suspect read; needs review)
    ├── StalePlanError                   exit 5  (config, state serial or expiry moved)
    ├── ApprovalError                    exit 1  (a decision the rules refuse)
    ├── LockedError                      exit 1  (another apply holds the account)
    ├── PausedError                      exit 1  (the kill switch is on)
    ├── QueueError                       exit 1  (the apply queue cannot be reached or used)
    ├── WorkerStopping                   exit 1  (a worker stopped an account's run between
    │                                             calls; the job goes back to the queue)
    ├── SecretError                      exit 4  (missing or wrong key, unreadable ciphertext)
    ├── UserAbort                        exit 130
    └── PlatformError                    exit 1  (mapped once, at the platform's HTTP boundary)
        ├── RateLimited(reset_at)
        │   └── UsageCapped              (a budget gone for long, e.g. X's monthly cap)
        ├── AuthExpired                  exit 4
        ├── ActionBlocked
        │   └── AccountRestricted
        ├── NotFound
        ├── Transient                    (5xx, timeouts: may be retried)
        ├── PermanentError               (other 4xx)
        └── ProviderError                (a scoring provider failed)

``plan`` exits 7 (``EXIT_PARTIAL``) when some accounts could not authenticate: the others are
planned and saved, and each failed account is named with its error and fix.

Every message says what failed, where, and what to do next. No module outside this
one defines an exception that reaches the CLI.
"""

from __future__ import annotations

from datetime import datetime

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_UNSAFE = 3
EXIT_AUTH = 4
EXIT_STALE = 5
EXIT_STATE = 6
EXIT_PARTIAL = 7  # plan: some accounts could not authenticate; the others were planned
EXIT_INTERRUPTED = 130


class SocialSeedError(Exception):
    """Base of every error SocialSeed shows to a person."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class ConfigError(SocialSeedError):
    """A config file is wrong. ``problems`` holds one line per problem found."""

    def __init__(self, problems: list[str], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems), hint=hint)


class StateError(SocialSeedError):
    """The state database cannot be used as it is."""


class StateUnusable(StateError):
    """The state file is empty, damaged, missing tables or written by a newer SocialSeed.

    It is never overwritten: the message names the file and the way out (restore a backup,
    or start fresh explicitly).
    """

    exit_code = EXIT_STATE


class PlanFileError(SocialSeedError):
    """A plan file cannot be read or trusted."""


class PolicyError(SocialSeedError):
    """A platform or its policy pack does not allow what the config asks for."""


class UnsafePlanError(SocialSeedError):
    """A plan crosses a safety threshold; it needs review or ``--force``."""

    exit_code = EXIT_UNSAFE


class StalePlanError(SocialSeedError):
    """The world moved since the plan was made."""

    exit_code = EXIT_STALE


class ApprovalError(SocialSeedError):
    """A decision that the rules do not allow."""


class LockedError(SocialSeedError):
    """Another process holds an account's lock."""


class PausedError(SocialSeedError):
    """The kill switch is on for an account."""


class QueueError(SocialSeedError):
    """The apply queue (PostgreSQL, through procrastinate) cannot be reached or used."""


class WorkerStopping(SocialSeedError):
    """A worker was asked to stop: its account runs end after the current call."""


class SecretError(SocialSeedError):
    """A secret cannot be found, decrypted or stored."""

    exit_code = EXIT_AUTH


class UserAbort(SocialSeedError):
    """The person stopped the command."""

    exit_code = EXIT_INTERRUPTED


class PlatformError(SocialSeedError):
    """A platform answered with an error (mapped once, at the HTTP boundary)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.request_id = request_id


class RateLimited(PlatformError):
    """The platform's rate limit is reached until ``reset_at``."""

    def __init__(
        self,
        message: str,
        *,
        reset_at: datetime,
        status: int | None = 429,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, request_id=request_id)
        self.reset_at = reset_at


class UsageCapped(RateLimited):
    """The platform says the account's budget is gone until ``reset_at`` (X's monthly usage
    cap): waiting inside a run will not help, so the account stops until then."""


class AuthExpired(PlatformError):
    """The token is expired or revoked."""

    exit_code = EXIT_AUTH


class ActionBlocked(PlatformError):
    """The platform refused the action as a block or spam signal."""


class AccountRestricted(ActionBlocked):
    """The platform restricted the whole account."""


class NotFound(PlatformError):
    """The target does not exist (any more)."""


class Transient(PlatformError):
    """A 5xx or a timeout: the same call may succeed later."""


class PermanentError(PlatformError):
    """Any other refusal: retrying will not help."""


class ProviderError(PlatformError):
    """A scoring provider failed (timeout, refusal, malformed answer)."""
