"""``nnlin lesson check FILE.toml...``: validate lesson files before a class uses them.

Each file is parsed as the window parses it (TOML syntax, every key, layers, training
settings, checks: known metrics compared the right way) and every step is set up (its data
loads, its target and features exist, its network fits the data). Status 0 when all are
usable; else 2, with one line per bad file naming the file, the step and the problem.
"""

from __future__ import annotations

import argparse
import sys

from nnlin_gui.core.errors import UserError

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add ``lesson`` (with ``check``) to the ``nnlin`` parser."""
    p = subparsers.add_parser(
        "lesson",
        help="lesson files: 'nnlin lesson check FILE.toml...' validates them",
        description="Work with lesson files (TOML; see docs/lessons.md).",
    )
    sub = p.add_subparsers(
        dest="lesson_command", metavar="check", required=True, parser_class=type(p)
    )
    c = sub.add_parser(
        "check",
        help="validate lesson files (syntax, keys, layers, checks, each step's set-up)",
        description="Parse each lesson file as the window does and set every step up. "
        "Prints 'FILE: ok (N steps)' per good file; a bad file gives one line naming "
        "the file, the step and the problem, and status 2.",
    )
    c.add_argument("files", nargs="+", metavar="FILE.toml")
    c.add_argument(
        "--no-setup",
        action="store_true",
        help="only parse (do not load each step's data and build its network)",
    )
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check every file; 0 when all are usable, else 2."""
    from nnlin_gui.core.files.lesson_check import check_lesson_file  # numpy: not for --help

    bad = 0
    for path in args.files:
        try:
            lesson = check_lesson_file(path, setup=not args.no_setup)
        except UserError as exc:
            bad += 1
            print(f"nnlin: {' '.join(str(exc).split())}", file=sys.stderr)
            continue
        print(f"{path}: ok ({len(lesson.steps)} steps)")
    return 2 if bad else 0
