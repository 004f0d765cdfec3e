"""The default scorer: offline, deterministic, explainable. See docs/heuristic.md.

Authenticity is the weighted mean of the factors below that are *known* for a profile (an
unknown factor is left out and named, never read as zero). Relevance counts the topic's
keywords and hashtags (and, at a third of the weight, its description's words) found in the
profile's name, bio and recent posts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from socialseed.model import Candidate, Profile, Score, days_ago
from socialseed.scoring.base import Topic

NAME = "heuristic"
VERSION = "1.1"  # 1.1: activity reasons in whole days

WEIGHTS: dict[str, float] = {
    "avatar": 1.0,
    "ratio": 1.5,
    "bio": 1.0,
    "bursts": 1.0,
    "age": 1.0,
    "activity": 1.0,
    "handle": 0.5,
}
AVOID_BELOW = 0.35  # authenticity under this: "avoid"
ENGAGE_FROM = 0.6  # authenticity at least this (and some relevance): "engage"
ENGAGE_RELEVANCE = 0.25
RELEVANCE_FULL_AT = 2.0  # this many keyword hits make relevance 1.0
DESCRIPTION_WEIGHT = 1 / 3
BURST_SECONDS = 120
SPAM_PHRASES = (
    "follow back",
    "follow4follow",
    "f4f",
    "dm for promo",
    "dm for collab",
    "giveaway",
    "crypto",
    "forex",
    "make money",
    "onlyfans",
    "promo code",
    "free followers",
)
_STOP_TEXT = (
    "a an and are as at be by for from has have in is it its of on or that the their them "
    "they this to was were who with your you our about into people share shares"
)
STOPWORDS = frozenset(_STOP_TEXT.split(" "))
_WORD = re.compile(r"[#@]?[\w']+")
# a word as ``_words`` keeps it: ``_WORD``'s matches less a leading # or @ are the maximal runs of
# word characters and apostrophes (the runs hold no # or @), found without the strip
_RUN = re.compile(r"[\w']+")
# does a (lowered) text hold a spam phrase: ``any(p in text for p in SPAM_PHRASES)`` in one search
_SPAM = re.compile("|".join(re.escape(p) for p in SPAM_PHRASES))
_LONG_NUMBER = re.compile(r"\d{4,}$")

Factor = tuple[float, str] | None  # (value 0..1, reason) or None when unknown


@dataclass
class HeuristicScorer:
    """Scores with fixed, documented rules; ``now`` is handed in (account age, activity).

    Without ``now`` the two time-based factors (age, activity) are left out as unknown.
    """

    now: datetime | None = None
    name: str = NAME
    version: str = VERSION

    async def score(self, candidates: Sequence[Candidate], topic: Topic) -> list[Score]:
        terms = topic_terms(topic)
        return [self.score_one(c.profile, terms) for c in candidates]

    def score_one(self, profile: Profile, terms: TopicTerms) -> Score:
        authenticity, auth_reasons = self.authenticity(profile)
        relevance, rel_reason = relevance_of(profile, terms)
        return Score(
            authenticity=authenticity,
            relevance=relevance,
            recommendation=recommend(authenticity, relevance),
            reasons=(*auth_reasons, rel_reason),
            scorer=self.name,
            version=self.version,
        )

    def authenticity(self, profile: Profile) -> tuple[float, tuple[str, ...]]:
        total = weight = 0.0
        reasons: list[str] = []
        unknown: list[str] = []
        for name, factor in self.factors():
            result = factor(profile)
            if result is None:
                unknown.append(name)
                continue
            value, reason = result
            total += WEIGHTS[name] * value
            weight += WEIGHTS[name]
            reasons.append(f"{'+' if value >= 0.7 else '-'} {reason}")
        if unknown:
            reasons.append(f"? unknown: {', '.join(unknown)}")
        if weight == 0:
            return 0.5, ("? nothing known about this profile", *reasons)
        return total / weight, tuple(reasons)

    def factors(self) -> tuple[tuple[str, Callable[[Profile], Factor]], ...]:
        return (
            ("avatar", avatar_factor),
            ("ratio", ratio_factor),
            ("bio", bio_factor),
            ("bursts", burst_factor),
            ("age", self.age_factor),
            ("activity", self.activity_factor),
            ("handle", handle_factor),
        )

    def age_factor(self, profile: Profile) -> Factor:
        if profile.created_at is None or self.now is None:
            return None
        days = (self.now - profile.created_at) / timedelta(days=1)
        if days < 7:
            return 0.1, f"account is {max(days, 0):.0f} days old"
        if days < 30:
            return 0.4, f"account is {days:.0f} days old"
        if days < 180:
            return 0.8, f"account is {days:.0f} days old"
        return 1.0, f"account is {days / 365:.1f} years old"

    def activity_factor(self, profile: Profile) -> Factor:
        seen = _last_seen(profile)
        if self.now is None or (profile.posts is None and seen is None):
            return None
        if profile.posts == 0:
            return 0.1, "has never posted"
        if profile.posts is not None and profile.created_at is not None:
            age_days = max((self.now - profile.created_at) / timedelta(days=1), 1.0)
            if profile.posts / age_days > 50:
                return 0.2, f"posts {profile.posts / age_days:.0f} times a day"
        if seen is not None:
            idle = (self.now - seen) / timedelta(days=1)
            if idle > 90:
                return 0.3, f"quiet for {idle:.0f} days"
            return 1.0, f"active {days_ago(idle)}"
        return 0.8, f"{profile.posts} posts"


def avatar_factor(profile: Profile) -> Factor:
    if profile.has_avatar is None:
        return None
    return (1.0, "has an avatar") if profile.has_avatar else (0.1, "no avatar")


def ratio_factor(profile: Profile) -> Factor:
    if profile.followers is None or profile.following is None:
        return None
    if profile.followers == 0:
        if profile.following == 0:
            return 0.4, "follows no one and has no followers"
        return 0.05, f"follows {profile.following} with no followers"
    value = profile.following / profile.followers
    if value <= 1.5:
        return 1.0, f"following/followers {value:.2f}"
    if value <= 3:
        return 0.7, f"following/followers {value:.2f}"
    if value <= 8:
        return 0.35, f"following/followers {value:.2f} (follows many more than follow back)"
    return 0.05, f"following/followers {value:.1f} (mass-following pattern)"


def bio_factor(profile: Profile) -> Factor:
    bio = profile.bio.strip().lower()
    if not bio:
        return 0.2, "empty bio"
    hits = [p for p in SPAM_PHRASES if p in bio]
    if hits:
        return 0.1, f"generic or promotional bio ({', '.join(hits)})"
    if len(bio) < 20:
        return 0.5, "very short bio"
    return 1.0, "personal bio"


def burst_factor(profile: Profile) -> Factor:
    posts = profile.recent_posts
    stamps = sorted(p.created_at for p in posts if p.created_at is not None)
    if len(stamps) < 2:
        return None
    texts = [p.text.strip().lower() for p in posts if p.text.strip()]
    if len(texts) != len(set(texts)):
        return 0.2, "repeats the same post text"
    window = 3 if len(stamps) >= 3 else 2
    for i in range(len(stamps) - window + 1):
        if (stamps[i + window - 1] - stamps[i]).total_seconds() <= BURST_SECONDS:
            return 0.1, f"{window} posts within {BURST_SECONDS // 60} minutes (burst)"
    return 1.0, "posts spread out over time"


def handle_factor(profile: Profile) -> Factor:
    if _LONG_NUMBER.search(profile.handle.split(".")[0]):
        return 0.4, "handle ends in a long number"
    return 1.0, "ordinary handle"


def _last_seen(profile: Profile) -> datetime | None:
    stamps = [p.created_at for p in profile.recent_posts if p.created_at is not None]
    if profile.last_active is not None:
        stamps.append(profile.last_active)
    return max(stamps) if stamps else None


def recommend(authenticity: float, relevance: float) -> str:
    if authenticity < AVOID_BELOW:
        return "avoid"
    if authenticity >= ENGAGE_FROM and relevance >= ENGAGE_RELEVANCE:
        return "engage"
    return "caution"


# -- relevance -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicTerms:
    keywords: frozenset[str]  # single words and #hashtags (without '#'), lower case
    phrases: tuple[str, ...]  # multi-word keywords
    description: frozenset[str]

    @property
    def empty(self) -> bool:
        return not (self.keywords or self.phrases or self.description)


def topic_terms(topic: Topic) -> TopicTerms:
    words = [k.lower().lstrip("#") for k in (*topic.keywords, *topic.hashtags)]
    single = frozenset(w for w in words if w and " " not in w)
    phrases = tuple(sorted(w for w in words if " " in w))
    described = {w for w in _words(topic.description) if len(w) > 3 and w not in STOPWORDS}
    return TopicTerms(single, phrases, frozenset(described - single))


def _words(text: str) -> set[str]:
    return set(_RUN.findall(text.lower()))


def keyword_hits(profile: Profile, terms: TopicTerms) -> tuple[set[str], list[str]]:
    """The words of the profile's name, bio and recent posts, and the topic's keywords and
    phrases among them (lower case, without '#')."""
    text = " ".join([profile.display_name, profile.bio, *(p.text for p in profile.recent_posts)])
    return _hits(text, terms)


def _hits(text: str, terms: TopicTerms) -> tuple[set[str], list[str]]:
    words = _words(text)
    lowered = text.lower()
    return words, sorted(terms.keywords & words) + [p for p in terms.phrases if p in lowered]


def relevance_of(profile: Profile, terms: TopicTerms) -> tuple[float, str]:
    if terms.empty:
        return 0.5, "~ relevance 0.50: the targeting has no description or keywords"
    text = " ".join([profile.display_name, profile.bio, *(p.text for p in profile.recent_posts)])
    value, hits, loose = _relevance(text, terms)
    if not hits and not loose:
        return value, "~ relevance 0.00: no topic keyword in name, bio or recent posts"
    shown = ", ".join([*hits, *loose][:6])
    return value, f"~ relevance {value:.2f}: mentions {shown}"


def _relevance(text: str, terms: TopicTerms) -> tuple[float, list[str], list[str]]:
    """Relevance of a text to the topic, with the keywords (hits) and description words
    (loose) it mentions."""
    words, hits = _hits(text, terms)
    loose = sorted(terms.description & words)
    total = len(hits) + DESCRIPTION_WEIGHT * len(loose)
    return min(1.0, total / RELEVANCE_FULL_AT), hits, loose


# -- the numbers alone, for many profiles ---------------------------------------------------------
DAY_US = 86_400_000_000


class Facts(NamedTuple):
    """What the heuristic reads of a profile, as plain values (times in microseconds since
    the epoch): enough for the numbers, without building a ``Profile``."""

    handle: str
    display_name: str
    bio: str
    followers: int | None
    following: int | None
    posts: int | None
    has_avatar: bool | None
    created_us: int | None
    last_seen_us: int | None  # the newest of last_active and the recent posts' times
    post_us: tuple[int | None, ...]  # the recent posts' times
    post_texts: tuple[str, ...]


def numbers(facts: Facts, terms: TopicTerms, now_us: int) -> tuple[float, float, str]:
    """Authenticity, relevance and recommendation: the numbers of ``score_one`` (at the time
    ``now_us``), without the reasons (the factors' values summed in the order of
    ``HeuristicScorer.factors``, an unknown one left out)."""
    total = weight = 0.0
    for name, value in (
        ("avatar", None if facts.has_avatar is None else 1.0 if facts.has_avatar else 0.1),
        ("ratio", _ratio_value(facts.followers, facts.following)),
        ("bio", _bio_value(facts.bio)),
        ("bursts", _burst_value(facts) if len(facts.post_us) > 1 else None),
        ("age", _age_value(facts.created_us, now_us)),
        ("activity", _activity_value(facts, now_us)),
        ("handle", 0.4 if _LONG_NUMBER.search(facts.handle.split(".")[0]) else 1.0),
    ):
        if value is not None:
            total += WEIGHTS[name] * value
            weight += WEIGHTS[name]
    authenticity = total / weight if weight else 0.5
    if terms.empty:
        relevance = 0.5
    else:
        text = " ".join([facts.display_name, facts.bio, *facts.post_texts])
        words = {w.lstrip("#@") for w in _WORD.findall(text.lower())}
        hits = len(terms.keywords & words) + sum(1 for p in terms.phrases if p in text.lower())
        total = hits + DESCRIPTION_WEIGHT * len(terms.description & words)
        relevance = min(1.0, total / RELEVANCE_FULL_AT)
    return authenticity, relevance, recommend(authenticity, relevance)


def _ratio_value(followers: int | None, following: int | None) -> float | None:
    if followers is None or following is None:
        return None
    if followers == 0:
        return 0.4 if following == 0 else 0.05
    value = following / followers
    return 1.0 if value <= 1.5 else 0.7 if value <= 3 else 0.35 if value <= 8 else 0.05


def _bio_value(text: str) -> float:
    bio = text.strip().lower()
    if not bio:
        return 0.2
    if _SPAM.search(bio):
        return 0.1
    return 0.5 if len(bio) < 20 else 1.0


def _burst_value(facts: Facts) -> float | None:
    return _bursts(facts.post_us, facts.post_texts)


def _bursts(post_us: Sequence[int | None], post_texts: Sequence[str]) -> float | None:
    stamps = sorted(s for s in post_us if s is not None)
    if len(stamps) < 2:
        return None
    texts = [t.strip().lower() for t in post_texts if t.strip()]
    if len(texts) != len(set(texts)):
        return 0.2
    window = 3 if len(stamps) >= 3 else 2
    for i in range(len(stamps) - window + 1):
        if stamps[i + window - 1] - stamps[i] <= BURST_SECONDS * 1_000_000:
            return 0.1
    return 1.0


def _age_value(created_us: int | None, now_us: int) -> float | None:
    if created_us is None:
        return None
    days = (now_us - created_us) / DAY_US
    return 0.1 if days < 7 else 0.4 if days < 30 else 0.8 if days < 180 else 1.0


def _activity_value(facts: Facts, now_us: int) -> float | None:
    seen, posts = facts.last_seen_us, facts.posts
    if posts is None and seen is None:
        return None
    if posts == 0:
        return 0.1
    if posts is not None and facts.created_us is not None:
        age_days = max((now_us - facts.created_us) / DAY_US, 1.0)
        if posts / age_days > 50:
            return 0.2
    if seen is not None:
        return 0.3 if (now_us - seen) / DAY_US > 90 else 1.0
    return 0.8


# -- the numbers of many profiles at once ---------------------------------------------------------
class FactColumns(NamedTuple):
    """``Facts`` of many profiles as columns: texts and the posts as lists, the numbers as
    float arrays (NaN where the platform gave nothing; counts and microseconds are exact in a
    float below 2**53)."""

    handle: Sequence[str]
    display_name: Sequence[str]
    bio: Sequence[str]
    followers: Any
    following: Any
    posts: Any
    has_avatar: Any  # 1.0, 0.0 or NaN
    created_us: Any
    last_seen_us: Any
    post_us: Sequence[tuple[int | None, ...]]
    post_texts: Sequence[tuple[str, ...]]

    def row(self, i: int) -> Facts:
        """Profile ``i``'s ``Facts``."""
        return Facts(
            self.handle[i],
            self.display_name[i],
            self.bio[i],
            _int(self.followers[i]),
            _int(self.following[i]),
            _int(self.posts[i]),
            None if self.has_avatar[i] != self.has_avatar[i] else bool(self.has_avatar[i]),
            _int(self.created_us[i]),
            _int(self.last_seen_us[i]),
            self.post_us[i],
            self.post_texts[i],
        )


EXACT = 2.0**53  # integers below this are exact in a float


def numbers_columns(facts: FactColumns, terms: TopicTerms, now_us: int) -> tuple[Any, Any, Any]:
    """``numbers`` for many profiles: authenticity and relevance as float arrays, the
    recommendations as an object array. The same arithmetic in the same order (numpy's float
    operations are IEEE's, as Python's are), so the same numbers bit for bit; the text
    factors (bio, handle, bursts, relevance) run per profile, as ``numbers`` runs them."""
    import numpy as np

    count = len(facts.handle)
    if not count:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype=object)
    nan = np.nan
    followers, following, posts = facts.followers, facts.following, facts.posts
    created, seen, now = facts.created_us, facts.last_seen_us, float(now_us)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = following / followers
        ratio = np.select(
            [np.isnan(followers) | np.isnan(following), followers == 0, ratio <= 1.5, ratio <= 3,
             ratio <= 8],
            [nan, np.where(following == 0, 0.4, 0.05), 1.0, 0.7, 0.35],
            0.05,
        )  # fmt: skip
        age_days = (now - created) / DAY_US
        age = np.select(
            [np.isnan(created), age_days < 7, age_days < 30, age_days < 180],
            [nan, 0.1, 0.4, 0.8],
            1.0,
        )
        per_day = posts / np.maximum(age_days, 1.0)
        activity = np.select(
            [np.isnan(posts) & np.isnan(seen), posts == 0,
             ~np.isnan(posts) & ~np.isnan(created) & (per_day > 50), np.isnan(seen),
             (now - seen) / DAY_US > 90],
            [nan, 0.1, 0.2, 0.8, 0.3],
            1.0,
        )  # fmt: skip
    avatar = np.where(np.isnan(facts.has_avatar), nan, np.where(facts.has_avatar != 0, 1.0, 0.1))
    bio = np.array([_bio_value(b) for b in facts.bio], dtype=float)
    bursts = np.array(_burst_column(facts.post_us, facts.post_texts), dtype=float)  # None: NaN
    search = _LONG_NUMBER.search
    handle = np.array([0.4 if search(h.split(".")[0]) else 1.0 for h in facts.handle])
    total = np.zeros(count)
    weight = np.zeros(count)
    for name, value in (
        ("avatar", avatar),
        ("ratio", ratio),
        ("bio", bio),
        ("bursts", bursts),
        ("age", age),
        ("activity", activity),
        ("handle", handle),
    ):
        known = ~np.isnan(value)
        total = np.where(known, total + WEIGHTS[name] * value, total)
        weight = np.where(known, weight + WEIGHTS[name], weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        authenticity = np.where(weight != 0, total / weight, 0.5)
    relevance = _relevance_column(facts, terms)
    recommendation = np.where(
        authenticity < AVOID_BELOW,
        "avoid",
        np.where(
            (authenticity >= ENGAGE_FROM) & (relevance >= ENGAGE_RELEVANCE), "engage", "caution"
        ),
    ).astype(object)
    # what a float cannot hold exactly (counts or times past 2**53): ``numbers`` itself
    big = np.zeros(count, dtype=bool)
    for column in (followers, following, posts, created, seen):
        with np.errstate(invalid="ignore"):
            big |= np.abs(column) >= EXACT
    for i in np.flatnonzero(big).tolist():
        authenticity[i], relevance[i], recommendation[i] = numbers(facts.row(i), terms, now_us)
    return authenticity, relevance, recommendation


_BURST_US = BURST_SECONDS * 1_000_000


def _burst_column(
    post_us: Sequence[tuple[int | None, ...]], post_texts: Sequence[tuple[str, ...]]
) -> list[float | None]:
    """``_bursts`` of many profiles; two dated posts (the usual case) worked out in line: the
    same values, without sorting or a set."""
    out: list[float | None] = []
    for u, t in zip(post_us, post_texts, strict=True):
        if len(u) < 2:
            out.append(None)
        elif len(u) == 2 and u[0] is not None and u[1] is not None:
            first, second = t[0].strip(), t[1].strip()
            if first and second and first.lower() == second.lower():
                out.append(0.2)  # the same text twice
            else:
                out.append(0.1 if abs(u[1] - u[0]) <= _BURST_US else 1.0)
        else:
            out.append(_bursts(u, t))
    return out


_SEPARATOR = "\x00"  # between profiles' texts: no word character, no cased letter


def _relevance_column(facts: FactColumns, terms: TopicTerms) -> Any:
    """Relevance of many profiles: every profile's text joined into one (lowered once), the
    topic's words found in it by one regex (as whole runs of word characters and apostrophes,
    the words ``_words`` keeps), each (profile, word) counted once. The same counts as
    ``_relevance_rows``, so the same numbers; a text holding the separator is left to it."""
    import numpy as np

    count = len(facts.handle)
    if terms.empty:
        return np.full(count, 0.5)
    parts = zip(facts.display_name, facts.bio, facts.post_texts, strict=True)
    texts = [" ".join([name, bio, *posts]) for name, bio, posts in parts]
    lowered = _SEPARATOR.join(texts).lower()  # as lowering each: the separator is no cased
    # letter nor case-ignorable, so a final sigma is told as at the end of its own text
    pattern, words, is_keyword = _topic_pattern(terms)
    found = pattern.findall(lowered)
    code = [words.get(w, -1) for w in found]  # -1: a separator
    at = np.array(code, dtype=np.int64)
    between = at < 0
    if int(np.count_nonzero(between)) != count - 1:  # a text held the separator itself
        return _relevance_rows(facts, terms)
    owner = np.cumsum(between)[~between]  # which profile each word was found in
    pairs = np.unique(owner * len(words) + at[~between]) if len(words) else np.zeros(0, int)
    who, which = pairs // max(len(words), 1), pairs % max(len(words), 1)
    keyword = is_keyword[which]
    hits = np.bincount(who[keyword], minlength=count)
    if terms.phrases:
        pieces = lowered.split(_SEPARATOR)
        hits = hits + np.array([sum(1 for p in terms.phrases if p in t) for t in pieces])
    loose = np.bincount(who[~keyword], minlength=count)
    return np.minimum(1.0, (hits + DESCRIPTION_WEIGHT * loose) / RELEVANCE_FULL_AT)


def _topic_pattern(terms: TopicTerms) -> tuple[re.Pattern[str], dict[str, int], Any]:
    """A regex finding the separator and the topic's words (keywords and description words
    that can be a whole run: others are never a word), each word's number, and which
    numbers are keywords."""
    import numpy as np

    run = [w for w in sorted(terms.keywords | terms.description) if _RUN.fullmatch(w)]
    # each word's first letter, then that no word character is before it (a lookbehind after
    # a literal: the regex engine skips ahead to the words' first letters, twice as fast)
    alternatives = [_SEPARATOR]
    for word in run:
        first, rest = re.escape(word[0]), re.escape(word[1:])
        alternatives.append(f"{first}(?<![\\w']{first}){rest}(?![\\w'])")
    pattern = re.compile("|".join(alternatives))
    keyword = np.array([w in terms.keywords for w in run], dtype=bool)
    return pattern, {w: i for i, w in enumerate(run)}, keyword


def _relevance_rows(facts: FactColumns, terms: TopicTerms) -> Any:
    """``_relevance_column`` profile by profile."""
    import numpy as np

    findall, keywords, phrases, described = (
        _RUN.findall,
        terms.keywords,
        terms.phrases,
        terms.description,
    )
    out = []
    for name, bio, texts in zip(facts.display_name, facts.bio, facts.post_texts, strict=True):
        lowered = " ".join([name, bio, *texts]).lower()
        words = findall(lowered)  # the sets below take each word once
        hits = len(keywords.intersection(words))
        if phrases:
            hits += sum(1 for p in phrases if p in lowered)
        total = hits + DESCRIPTION_WEIGHT * len(described.intersection(words))
        out.append(min(1.0, total / RELEVANCE_FULL_AT))
    return np.array(out, dtype=float)


def _int(value: float) -> int | None:
    return None if value != value else int(value)
