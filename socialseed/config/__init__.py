"""Config-as-code: pydantic models (``schema``) and the YAML loader (``load``).

- ``digest``: The config's fingerprint, recorded in every plan so that review and apply notice a
  change.
- ``files``: Files around the config: the example folder ``init`` writes, the JSON Schema,
  summaries.
- ``load``: Load config from one YAML file or a folder of ``*.yaml`` files, with precise errors.
- ``schema``: The config models. Unknown keys are forbidden; no I/O here.
"""
