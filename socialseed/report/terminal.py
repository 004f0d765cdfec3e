"""The one sanitiser for remote text (handles, names, bios, posts, error bodies) in every output.

Remote text may hold terminal control sequences (ESC/CSI/OSC, OSC 8 hyperlinks that disguise a
link, C1 bytes such as the one-byte CSI ``\\x9b``), bidi overrides and isolates that reorder
what is shown (U+202A-202E, U+2066-2069), invisible characters (zero-width space and joiners,
BOM, tag characters), rich markup (``[/]`` would crash the renderer) and, in Markdown or HTML,
markup and @-mentions that would ping people on GitHub. Every renderer passes remote text
through one of these functions:

- ``clean``: terminal text. Each unsafe character is shown as a visible escape (``\\x1b``,
  ``\\u202e``), so a reviewer sees that something was hidden instead of obeying it.
- ``plain``: ``clean`` as a rich ``Text`` (never read as markup).
- ``one_line``: ``clean`` with line breaks and tabs folded to spaces (table cells, CSV).
- ``markdown``: ``one_line``, then HTML and Markdown syntax escaped and @-mentions broken
  with a WORD JOINER (U+2060), so ``@name`` is shown but notifies nobody.
- ``html_text``: ``clean``, then HTML-escaped.
- ``json_text``: JSON made terminal-safe without changing its data: unsafe characters inside
  strings written as ``\\uXXXX`` escapes (a parser reads back exactly the remote text).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

_UNSAFE_CLASS = (
    r"\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but tab, newline), DEL, C1 (incl. 0x9b CSI, 0x9d OSC)
    r"\u00ad\u061c\u180e"  # soft hyphen, Arabic letter mark, Mongolian vowel separator
    r"\u200b-\u200f"  # zero-width space, non-joiner, joiner, LRM, RLM
    r"\u2028\u2029"  # line and paragraph separators
    r"\u202a-\u202e"  # bidi embeddings and overrides
    r"\u2060-\u2064"  # word joiner and invisible operators
    r"\u2066-\u2069"  # bidi isolates
    r"\ufeff\ufff9-\ufffb"  # BOM / zero-width no-break space, interlinear annotations
    r"\ud800-\udfff"  # lone surrogates (cannot be encoded; would crash the print)
    r"\U000e0000-\U000e007f"  # tag characters (invisible text)
)
UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_BREAKS = re.compile(r"[\t\n\r]+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]!|~])")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def clean(value: str) -> str:
    """``value`` with unsafe characters (all but newline and tab) shown as visible escapes."""
    return UNSAFE.sub(_escape, value)


def plain(value: str) -> Text:
    """A table cell or line that rich prints literally (no markup, no control codes)."""
    from rich.text import Text  # here: `status` and `validate` use the rest without rich

    return Text(clean(value))


def one_line(value: str) -> str:
    """``clean`` on one line: newlines, returns and tabs become single spaces."""
    return _BREAKS.sub(" ", clean(value))


def markdown(value: str) -> str:
    """Remote text as inert Markdown (GitHub-flavoured): no HTML, no links, no mentions."""
    text = html.escape(one_line(value), quote=False)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "@\u2060")


def html_text(value: str) -> str:
    """Remote text as HTML character data or an attribute value."""
    return html.escape(clean(value))


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(dumped: str) -> str:
    """JSON text (from ``json.dumps``) with unsafe characters written as ``\\u`` escapes.

    ``json.dumps`` already escapes C0 controls; with ``ensure_ascii=False`` it leaves C1, bidi
    and zero-width characters raw. They only occur inside strings, so escaping them keeps the
    document's data exactly as it was.
    """
    return UNSAFE.sub(_json_escape, dumped)
