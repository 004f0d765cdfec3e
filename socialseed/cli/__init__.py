"""The command line: thin typer sub-apps, one module per noun, composed in ``main``."""
