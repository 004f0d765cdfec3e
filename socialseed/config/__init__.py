"""Config-as-code: pydantic models (``schema``) and the YAML loader (``load``)."""
