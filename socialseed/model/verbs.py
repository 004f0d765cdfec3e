"""The verbs: what an action does. A module of its own, so that what needs only the verbs (the
phase caps of ``status``) does not load every value type (``values`` re-exports it)."""

from __future__ import annotations

from enum import StrEnum


class Verb(StrEnum):
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    LIKE = "like"
    UNLIKE = "unlike"
    REPOST = "repost"
    REPLY = "reply"
    HIDE_COMMENT = "hide_comment"
    MUTE = "mute"
