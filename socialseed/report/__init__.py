"""Renderers: terminal (rich), JSON, Markdown, HTML."""
