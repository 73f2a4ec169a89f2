"""Dock panels: each talks only to the ModelController."""
