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
