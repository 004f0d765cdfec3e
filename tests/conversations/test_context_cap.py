"""The rule set's max_context_reads reaches the adapter's inbox read, and the plan's notes say
how many messages came without their thread."""

from __future__ import annotations

from pathlib import Path

from socialseed.config.load import load_config
from socialseed.conversations.propose import propose
from socialseed.model.conversations import InboxPage
from socialseed.platforms.sandbox import capabilities
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG
from tests.conversations.test_hostile_plan import NOW, HostileInbox, corpus


class CappedInbox(HostileInbox):
    asked: list[int]

    async def inbox(self, since: str | None = None, *, max_context: int = 40) -> InboxPage:
        self.asked.append(max_context)
        return InboxPage(corpus()[:5], "end", True, without_context=7)


async def test_the_cap_is_passed_to_the_read_and_the_plan_notes_what_it_left_out(
    tmp_path: Path,
) -> None:
    text = (DEMO_CONFIG / "socialseed.yaml").read_text()
    text = text.replace(
        "    voice: Warm, brief", "    max_context_reads: 12\n    voice: Warm, brief", 1
    )
    (tmp_path / "socialseed.yaml").write_text(text)
    config = load_config(tmp_path / "socialseed.yaml")
    account = config.account("demo-studio")
    caps = capabilities(None)
    platform = CappedInbox(account.id, account.handle, caps)
    platform.asked = []

    found = await propose(
        open_state(tmp_path / "s.sqlite", now=NOW), config, account, caps, platform, NOW
    )

    assert platform.asked == [12]
    assert (
        "inbox: 7 message(s) shown without their thread: at most 12 thread reads per plan "
        "(conversations.studio-replies.max_context_reads), questions and the newest first, "
        "within the rate window"
    ) in found.notes
