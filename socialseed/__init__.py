"""SocialSeed: a config-as-code engagement planner for social accounts."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``socialseed.__version__``: the installed distribution's version (from the git tag at
    build time), read only when asked so that importing the package stays cheap."""
    if name != "__version__":
        raise AttributeError(f"module 'socialseed' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("socialseed")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
