"""Bundled data: icons, example datasets and lessons (read with importlib.resources)."""
