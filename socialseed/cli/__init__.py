"""The command line: thin typer sub-apps, one module per noun, composed in ``main``.

- ``apply_cmd``: ``socialseed apply`` and ``socialseed force-unlock``: thin; the executor is
  ``apply.executor``.
- ``auth_cmd``: auth login | status | logout: connect accounts through each platform's official
  auth.
- ``commands``: The list of command modules. Each module has ``register(app)``; add new nouns
  here.
- ``config_cmd``: init, validate and schema: the config commands (all offline).
- ``context``: The only place that reads the environment and builds clocks, stores and consoles.
- ``files``: Writing what a command produced (a plan, a report) to a file the user named.
- ``main``: Compose the sub-apps into ``socialseed`` and map every error to an exit code.
- ``metrics_cmd``: ``socialseed metrics``: the Prometheus exposition, to stdout, a textfile or
  an HTTP endpoint.
- ``ops_cmd``: Operations: ``status``, ``sync``, ``report``, ``log``, ``pause``, ``resume``,
  ``prune``.
- ``options``: Options shared by several commands, defined once so they read the same
  everywhere.
- ``plan_cmd``: ``socialseed plan`` and ``socialseed show``: make a dry-run plan, or show a
  saved one.
- ``platform_deps``: Build connected platforms and their capabilities for CLI commands (plan,
  apply, sync...).
- ``platforms_cmd``: ``socialseed platforms``: the capability matrix, read from each platform
  module's data.
- ``review_cmd``: ``socialseed review``: a person decides on each proposed action; every
  decision is kept.
- ``sandbox_cmd``: ``socialseed sandbox reset|info|faults``: the built-in simulated network.
- ``usage_cmd``: usage: what language-model scoring cost, per provider and model (from the
  ai_usage ledger).
"""
