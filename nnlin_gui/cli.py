"""The ``nnlin`` command: headless fitting, OLS, data summaries and diagnostics.

Any user error exits with status 2 and one line on stderr; no traceback reaches a user.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from nnlin_gui import __version__
from nnlin_gui.core.errors import UserError

# Subcommand modules in nnlin_gui.commands; each defines register(subparsers).
COMMANDS = ("fit", "ols", "logistic", "data", "diagnose", "report", "regions", "grade")
COMMANDS += ("lesson", "lab")
COMMANDS += ("script",)

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and status 2."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse override
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    parser = _Parser(prog="nnlin", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"nnlin {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"nnlin_gui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"nnlin_gui.commands.{name}":
                raise
            continue  # not built yet
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"nnlin: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nnlin: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``nnlin ... | head``): not an error; silence the final flush.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except MemoryError:
        print("nnlin: out of memory; try a smaller file or fewer features", file=sys.stderr)
        return 2
    except Exception as exc:  # last line of defence: never a traceback in front of a user
        log.debug("internal error", exc_info=True)
        print(f"nnlin: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
