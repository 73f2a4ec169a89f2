"""What the app does, without Qt: the state a user has, the rules for changing it, and
every background job as a plain function of copied inputs.

- ``state``: ``Workbench`` (table, dataset, network, settings, trainer, results) and the
  rules that validate a change in full before anything is replaced.
- ``jobs``: the background jobs (load, build, baseline, evaluation, session, diagnostics,
  polynomial, linear-vs-nonlinear pair, lesson check, report); the CLI uses the same ones.
- ``sources``: tables from files, built-in sets and sessions.
- ``results``: what the current network amounts to (collapse, approximation, metrics).
- ``curves``: the growing loss and coefficient histories the plots read.

The window (``nnlin_gui.ui``) turns user intents into calls here and results into signals.
"""
