"""Text from platforms (handles, names, error bodies) made safe to print on a terminal.

Remote text may hold rich markup (``[/]`` would crash the renderer) or terminal control
sequences (ESC ... could retitle the window or hide lines). ``clean`` shows control characters
as visible escapes; ``plain`` also keeps rich from reading markup.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: str) -> str:
    """``value`` with control characters (except newline and tab) shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def plain(value: str) -> Text:
    """A table cell or line that rich prints literally (no markup, no control codes)."""
    return Text(clean(value))
