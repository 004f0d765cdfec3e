"""Config-as-code: pydantic models (``schema``) and the YAML loader (``load``).

- ``checks``: Checks on a validated config that the models cannot make alone, each with its
  location.
- ``conversations``: The ``conversations:`` block: named rule sets that sort incoming messages
  and draft replies.
- ``digest``: The config's fingerprint, recorded in every plan so that review and apply notice a
  change.
- ``explain``: Turn pydantic's validation errors into ``FILE, line N, column M: field.path:
  problem`` lines.
- ``files``: Files around the config: the example folder ``init`` writes, the JSON Schema,
  summaries.
- ``load``: Load config from one YAML file or a folder of ``*.yaml`` files, with precise errors.
- ``marks``: Where each value of a config came from: file, line and column, keyed by its path.
- ``merge``: Merge the files of a config folder by top-level key, in time linear in the number
  of values.
- ``parse``: Parse one YAML text into plain data plus the mark of every value, within budgets.
- ``scalars``: Build one YAML scalar: its tag resolved as YAML 1.1 does, its value checked
  before it is built.
- ``schema``: The config models. Unknown keys are forbidden; no I/O here.
- ``source``: Find the config files and read them safely: regular files only, at most
  ``MAX_FILE_BYTES``.
- ``urls``: Which URLs a config may name: tokens and API keys are sent to them.
"""
