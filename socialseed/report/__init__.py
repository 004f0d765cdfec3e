"""Renderers: terminal (rich), JSON, Markdown, HTML.

- ``charts``: Tiny terminal charts: sparklines and bars, in Unicode blocks or plain ASCII.
- ``growth_text``: The growth experiment (chosen vs control, calibration) in sentences every
  report renderer shares.
- ``discovery_text``: The report's runway and source yield in sentences (text, Markdown, HTML).
- ``plan_list``: ``socialseed show --list``: the saved plans, newest first.
- ``plan_markdown``: Render a Plan as Markdown for a pull-request comment.
- ``plan_render``: Render a Plan for people: the terminal diff (rich) and the JSON form.
- ``report_html``: The HTML report: one self-contained file (inline CSS and SVG; no scripts,
  fonts or network requests), responsive so it reads on a phone.
- ``report_text``: Terminal (rich) and Markdown renderings of the report, status, sync results
  and the log.
- ``review_card``: The review card and the pending list, as rich renderables (no I/O, no clock
  reads).
- ``svg``: Inline SVG charts for the HTML report: a line chart and a stacked bar chart. No
  scripts.
- ``terminal``: Text from platforms (handles, names, error bodies) made safe to print on a
  terminal.
"""
