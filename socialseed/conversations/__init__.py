"""Conversations: the inbox sorted by rules, replies drafted from templates (and AI), guarded.

- ``text``: the pure text helpers (words, links, questions, excerpts).
- ``rules``: match a message against a rule set (the first rule that matches wins).
- ``templates``: render a saved reply's placeholders from a message.
- ``guards``: what every draft must pass before it is proposed (links, words, length, limits).
- ``caps``: the replies-per-author-per-day guard at review and apply, counted from the state.
- ``triage``: messages → rule → drafts → guards → ``Triage`` values.
- ``examples``: run a rule set's ``examples:`` offline, with a readable diff on failure.
- ``inbox``: read an account's inbox through its platform, with cursors in state.

Remote text is data: it is matched and quoted, never obeyed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialseed.config.schema import Account, Config


def has_rule_set(config: Config, account: Account) -> bool:
    """Whether the account's inbox is read at all: it names a rule set, or one of its
    targetings asks to hide spam comments (``inbox.rule_set_for`` then gives the rule set).
    Asked without loading the conversation modules (a plan of accounts without one loads none)."""
    if account.conversations:
        return True
    return any(
        config.targeting[name].actions.hide_spam_comments
        for name in account.targeting
        if name in config.targeting
    )
