"""Word lists the sandbox world is written from: names, topics, bios, post phrases, hubs.

Pure data. Changing anything here changes every generated world (the seed stays the same,
the bytes do not), so add at the end of a tuple when you can.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A topical cluster: its hashtags (the first is the main one), bio and post words, hub."""

    name: str
    weight: float  # share of people in this cluster
    tags: tuple[str, ...]
    roles: tuple[str, ...]
    bio_phrases: tuple[str, ...]
    post_phrases: tuple[str, ...]
    hub: str
    hub_name: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        name="film",
        weight=0.12,
        tags=("filmphotography", "35mm", "analog", "filmisnotdead", "darkroom", "120film"),
        roles=("Film photographer", "Analog shooter", "Darkroom nerd", "Street photographer"),
        bio_phrases=(
            "shooting 35mm film on a battered Pentax",
            "developing film at home since 2015",
            "medium format and 35mm film",
            "Portra, HP5 and whatever is cheap",
            "analog photography, slow and on purpose",
            "running a tiny darkroom in the garage",
        ),
        post_phrases=(
            "New roll back from the lab",
            "Pushed HP5 two stops and it held up",
            "Golden hour on Portra 400",
            "First roll through the new old camera",
            "Darkroom prints drying tonight",
            "Scanned the last roll of the summer",
            "Light leaks and all, I love this frame",
        ),
        hub="lens.collective",
        hub_name="Lens Collective",
    ),
    Topic(
        name="coffee",
        weight=0.12,
        tags=("coffee", "espresso", "barista", "specialtycoffee", "latteart", "pourover"),
        roles=("Home barista", "Coffee roaster", "Café owner", "Espresso tinkerer"),
        bio_phrases=(
            "dialing in espresso one shot at a time",
            "roasting small batches on weekends",
            "independent coffee shop on the corner",
            "pour-over, grinders and too many beans",
            "latte art practice every morning",
            "specialty coffee and slow mornings",
        ),
        post_phrases=(
            "Dialed in a new Ethiopian today",
            "Latte art attempt number 214",
            "Morning pour-over with a washed Kenyan",
            "Fresh roast cooling on the tray",
            "Espresso ratio experiments continue",
            "New beans on the shelf at the shop",
        ),
        hub="coffee.collective",
        hub_name="Coffee Collective",
    ),
    Topic(
        name="ceramics",
        weight=0.06,
        tags=("ceramics", "pottery", "wheelthrown", "stoneware", "glaze"),
        roles=("Potter", "Ceramic artist", "Studio potter"),
        bio_phrases=(
            "wheel-thrown stoneware from a small studio",
            "glaze experiments and wonky mugs",
            "making pots for everyday use",
        ),
        post_phrases=(
            "Kiln opening day",
            "Trimmed a dozen bowls this morning",
            "New glaze test tiles",
            "Mugs waiting for handles",
        ),
        hub="clay.collective",
        hub_name="Clay Collective",
    ),
    Topic(
        name="running",
        weight=0.08,
        tags=("running", "trailrunning", "marathon", "runnersofinstagram", "parkrun"),
        roles=("Runner", "Trail runner", "Marathoner", "Running coach"),
        bio_phrases=(
            "chasing trails and sunrise long runs",
            "training for the next marathon",
            "slow miles, happy legs",
        ),
        post_phrases=(
            "Long run in the rain",
            "New trail, new favourite loop",
            "Easy miles before work",
            "Race day recap",
        ),
        hub="stride.collective",
        hub_name="Stride Collective",
    ),
    Topic(
        name="gardening",
        weight=0.06,
        tags=("gardening", "growyourown", "allotment", "houseplants", "seedstarting"),
        roles=("Gardener", "Allotment keeper", "Plant person"),
        bio_phrases=(
            "growing vegetables on a tiny allotment",
            "too many houseplants, not enough windows",
            "seed saving and compost",
        ),
        post_phrases=(
            "First tomatoes of the season",
            "Seedlings are up",
            "Compost day",
            "Repotted the monstera",
        ),
        hub="garden.collective",
        hub_name="Garden Collective",
    ),
    Topic(
        name="baking",
        weight=0.06,
        tags=("baking", "sourdough", "bread", "realbread", "pastry"),
        roles=("Home baker", "Sourdough baker", "Pastry cook"),
        bio_phrases=(
            "sourdough every weekend",
            "baking bread and feeding a starter called Doug",
            "laminated dough enthusiast",
        ),
        post_phrases=(
            "Open crumb at last",
            "Starter is bubbling",
            "Croissant lamination day",
            "Weekend loaves",
        ),
        hub="crumb.collective",
        hub_name="Crumb Collective",
    ),
)

GENERAL_TAGS: tuple[str, ...] = ("life", "weekend", "travel", "music", "books", "food", "art")
GENERAL_BIOS: tuple[str, ...] = (
    "Just here for the conversations",
    "Teacher, reader, occasional poster",
    "Designer by day, cook by night",
    "Dog person. Music, books, long walks",
    "Software developer and weekend hiker",
    "Nurse, parent, tea drinker",
    "Writing about cities and transit",
    "Amateur cook and podcast addict",
)
GENERAL_POSTS: tuple[str, ...] = (
    "Lovely weekend walk",
    "Reading something good, will report back",
    "Made soup, feeling accomplished",
    "Concert last night was great",
    "Trying to post more this year",
)

BOT_BIOS: tuple[str, ...] = (
    "Follow for follow",
    "DM for promo",
    "Crypto signals daily, 100x guaranteed",
    "Giveaway every week, follow and share",
    "Best deals online, link in bio",
    "Forex trading mentor",
    "Gain 10k followers fast",
    "",
)
BOT_TAGS: tuple[str, ...] = ("followback", "f4f", "giveaway", "crypto", "promo")
BOT_POSTS: tuple[str, ...] = (
    "Follow me and I follow back",
    "Huge giveaway, follow and share",
    "Check the link in my bio",
    "Make money from home",
    "Like for like",
)
BOT_WORDS: tuple[str, ...] = ("growth", "promo", "deals", "crypto", "follow", "viral", "boost")

FIRST_NAMES: tuple[str, ...] = (
    "ada", "ben", "cora", "dev", "elin", "felix", "gita", "hugo", "iris", "jonas", "kai",
    "lena", "milo", "nora", "omar", "pia", "quinn", "rosa", "sami", "tara", "uma", "viktor",
    "wren", "xena", "yuki", "zoe", "anna", "bruno", "chloe", "diego", "emma", "finn", "greta",
    "hana", "ivan", "jade", "karl", "luca", "maya", "nils", "olga", "paul", "rita", "sven",
    "theo", "ulla", "vera", "will", "yara", "zeno",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "moss", "reed", "hart", "lund", "berg", "cole", "dahl", "ford", "grey", "hale", "ives",
    "kerr", "lowe", "marsh", "nash", "oak", "park", "quill", "rowe", "stone", "thorn", "vale",
    "wood", "young", "brook", "clay", "frost", "glen", "hill", "lake", "north", "pine",
)  # fmt: skip

LANGUAGES: tuple[tuple[str, float], ...] = (
    ("en", 0.70),
    ("de", 0.07),
    ("fr", 0.07),
    ("es", 0.07),
    ("pt", 0.04),
    ("ja", 0.05),
)

OPT_OUT_MARKER = "#nobot"
