"""The annotation workbench (``alignbench annotate``): a local web page for one person.

``session`` reads what a pass or an adjudication needs and saves it back through
:mod:`alignbench.sources.edit` (checked like ``alignbench validate``, written atomically, refused if a
file changed on disk since the page loaded it); ``adjudicate`` builds the gold from two passes;
``drafts`` keeps unsaved work across reloads and restarts; ``server`` serves the page and its small
JSON API on 127.0.0.1 behind a per-session token; ``static/`` holds the page, its script and style.
Optional extra ``annotate`` (starlette, uvicorn, trafilatura).
"""
