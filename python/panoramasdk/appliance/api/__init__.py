"""``panorama serve``'s HTTP API (FastAPI): one router per resource, the token check, the console's files.
:func:`create_app` (app.py) puts them together."""
