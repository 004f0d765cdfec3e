"""A set of poisoned remote profiles, and the checks that an output shows them harmlessly.

Each entry is text a platform controls (handle, display name, bio, post) crafted to attack one
output: terminal control sequences, OSC 8 links, C1 bytes, bidi reordering, invisible
characters, rich markup, HTML, Markdown links and GitHub @-mentions.

The forbidden characters are listed here independently of ``socialseed.report.terminal``, so
the checks do not trust the code they check.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

from socialseed.model import Action, Post, Profile, Risk, Target, Verb, action_id

HOSTILE: dict[str, str] = {
    "ansi_hide": "vis\x1b[8mHIDDEN\x1b[0mible \x1b[2J\x1b[H",
    "c1_csi": "c1\x9b31mRED\x9b0m \x9d0;title\x9c \x85next",
    "osc8": "\x1b]8;;https://evil.example/steal\x1b\\harmless.example\x1b]8;;\x1b\\",
    "osc_title": "\x1b]0;owned\x07bell\x07",
    "bidi": "user\u202egnp.exe\u202c \u202a\u202b\u202d \u2066iso\u2069 \u2067\u2068x\u2069",
    "zero_width": "ad\u200bmin\u200c\u200d\ufeff\u2060\u200e\u200f",
    "mentions": "ping @torvalds and @github/security-team, mail a@b.example",
    "html": '<img src=x onerror="alert(1)"><script>alert(2)</script><b>bold</b>&amp;',
    "markdown": "[click](https://evil.example) ![px](https://evil.example/p.png) `code` | **b**",
    "rich": "[link=https://evil.example]x[/link] [bold red]loud[/] [/]",
    "lines": "line one\nline two\r\n| fake | row |\t# heading",
}

# What must never reach a terminal raw: ESC, BEL, C0 but tab/newline, DEL, C1, bidi, invisibles.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u2061-\u2064]"
)
WORD_JOINER = "\u2060"
# A GitHub mention: @ then a name character (not after a word character).
LIVE_MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
LIVE_HTML = re.compile(r"<\s*(img|script|b|a|iframe)\b", re.IGNORECASE)


def everything() -> str:
    return " ".join(HOSTILE.values())


def profile(name: str, n: int) -> Profile:
    text = HOSTILE[name]
    return Profile(
        "sandbox",
        f"u9{n:05d}",
        f"h{n}{text}",
        display_name=f"name {text}",
        bio=f"bio {text}",
        followers=100,
        following=50,
        posts=10,
        language=f"en{text}",
        recent_posts=(Post(f"p{n}", f"u9{n:05d}", text=f"post {text}"),),
    )


def actions(account: str = "alpha") -> list[Action]:
    """A follow and a like per hostile profile, with reasons quoting the remote text."""
    out = []
    for n, name in enumerate(HOSTILE):
        prof = profile(name, n)
        follow = Target(kind="account", id=prof.id, handle=prof.handle)
        like = Target(
            kind="post", id=prof.id, handle=prof.handle, post_id=f"p{n}", ref={"uri": f"at://{n}"}
        )
        for verb, target in ((Verb.FOLLOW, follow), (Verb.LIKE, like)):
            out.append(
                Action(
                    id=action_id(account, verb.value, target),
                    account=account,
                    platform="sandbox",
                    verb=verb,
                    target=target,
                    reason=f"found via {HOSTILE[name]}",
                    risk=Risk.YELLOW,
                    risk_reasons=(f"risk {HOSTILE[name]}",),
                    filters_matched=(f"filter {HOSTILE[name]}",),
                    profile=prof,
                )
            )
    return out


def assert_terminal_safe(text: str) -> None:
    """Nothing that a terminal would obey, reorder or hide."""
    bad = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    assert not bad, f"raw {bad} in output:\n{text[:2000]}"


def assert_markdown_safe(text: str) -> None:
    """Terminal-safe, and rendered by a CommonMark (+tables) renderer: no HTML, links,
    images or mentions made from remote text."""
    from markdown_it import MarkdownIt

    assert_terminal_safe(text)
    assert not LIVE_MENTION.search(text), LIVE_MENTION.search(text)
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert not LIVE_HTML.search(rendered.replace("<b>alpha</b>", "")), rendered
    assert "evil.example" not in "".join(re.findall(r'(?:href|src)="[^"]*"', rendered))
    assert "evil.example" in html.unescape(rendered)  # shown as text, not dropped


def assert_html_safe(text: str) -> None:
    assert_terminal_safe(text)
    for tag in ("<img", "<script", "<iframe", 'onerror="'):
        assert tag not in text.replace("&lt;", ""), tag


ONE_DAY = timedelta(days=1)
