"""Subcommands of the ``nnlin`` command; each module has ``register(subparsers)``."""
