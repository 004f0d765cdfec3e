"""Each adapter's ENDPOINTS table is the whole list of requests it may send."""

from __future__ import annotations

import httpx
import pytest

from socialseed.platforms import _instagram_api, bluesky, mastodon, x
from socialseed.platforms.http import Endpoint, endpoint_for
from tests.adapters.harness import Server


@pytest.mark.parametrize(
    "table", [bluesky.ENDPOINTS, mastodon.ENDPOINTS, x.ENDPOINTS, _instagram_api.ENDPOINTS]
)
def test_every_entry_matches_its_own_filled_path_first(table: dict[str, Endpoint]) -> None:
    for name, endpoint in table.items():
        fields = {f: "123" for f in ("id", "tag", "username", "target", "post")}
        path = endpoint.path.format(**fields)
        assert endpoint_for(table, endpoint.method, path) == name, name


async def test_the_guard_fails_a_request_outside_the_table() -> None:
    server = Server(bluesky.ENDPOINTS, "bsky.social")
    async with httpx.AsyncClient(transport=server.transport, base_url="https://bsky.social") as c:
        with pytest.raises(AssertionError, match="outside the ENDPOINTS table"):
            await c.get("/xrpc/com.atproto.server.deleteAccount")
        with pytest.raises(AssertionError, match="outside the ENDPOINTS table"):
            await c.post("/xrpc/app.bsky.actor.getProfile")  # right path, wrong method


def test_paths_are_filled_one_segment_at_a_time() -> None:
    endpoint = Endpoint("POST", "/api/v1/accounts/{id}/follow")
    assert endpoint.url(id="../../admin") == "/api/v1/accounts/..%2F..%2Fadmin/follow"
    assert not endpoint.matches("POST", "/api/v1/accounts/1/2/follow")
