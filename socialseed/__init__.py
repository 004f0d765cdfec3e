"""SocialSeed: a config-as-code engagement planner for social accounts."""

__version__ = "0.1.0"
