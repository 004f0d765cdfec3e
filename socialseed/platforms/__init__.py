"""Platforms: one module per platform behind one interface (``base.Platform``)."""
