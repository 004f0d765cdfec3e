"""Platforms: one module per platform behind one interface (``base.Platform``).

- ``_bluesky_map``: Bluesky answers (``app.bsky.*`` views, repo records) mapped to SocialSeed
  values. Pure.
- ``_bluesky_rules``: Bluesky's rules as data (write points, hard caps, policy pack) and its
  error answers.
- ``_instagram_api``: The connected Instagram adapter: comments on the account's own media,
  nothing else.
- ``_mastodon_map``: Mastodon entities (Account, Status) as SocialSeed values, and Link-header
  cursors. Pure.
- ``_x_caps``: What X API v2 allows at each access tier, as data (PLATFORMS.md §1.1, §1.5,
  §1.7). Pure.
- ``_x_map``: X API v2 answers (users, posts, problems, rate headers) as SocialSeed values.
  Pure.
- ``base``: The platform interface every platform implements, and the data that describes it.
- ``bluesky``: Bluesky over XRPC: reads through the account's PDS, writes as records in its
  repo.
- ``http``: The one HTTP boundary: send a request, map every foreign failure to
  ``socialseed.errors``.
- ``instagram``: Instagram: what the official Instagram Platform API offers, as data
  (PLATFORMS.md §2).
- ``mastodon``: Mastodon's REST API on the account's own instance.
- ``registry``: Which platforms exist, their capabilities, and how to build a connected one.
- ``_tiktok_api``: The connected TikTok adapter: comments on a Business account's own videos
  (API for Business).
- ``tiktok``: TikTok: what TikTok's official APIs offer, as data (PLATFORMS.md §3).
- ``tokens``: The token seam: how an adapter gets the account's current access token (auth
  implements it).
- ``x``: X API v2, with what each access tier allows decided from the account's ``access_tier``.
- ``sandbox/``: a package of its own (see its face)
"""
