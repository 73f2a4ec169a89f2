"""Reusable widgets: plots, the network diagram, table models, icons."""
