"""``nnlin lab``: the lab configuration (docs/lab.md).

``nnlin lab hash-password`` prints the salted PBKDF2 hash of the instructor's password for
the configuration's ``password_hash`` (the password is asked twice, not echoed; ``--stdin``
reads one line instead, for scripts). ``nnlin lab check [FILE]`` validates a configuration
(by default the one the window would read) and says which file that is; status 0, or 2
with one line naming the file and the key.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from nnlin_gui.core.errors import UserError

__all__ = ["register", "run_check", "run_hash"]


def register(subparsers) -> None:
    """Add ``lab`` (with ``hash-password`` and ``check``) to the ``nnlin`` parser."""
    p = subparsers.add_parser(
        "lab",
        help="lab configuration: 'nnlin lab hash-password', 'nnlin lab check [FILE]'",
        description="The lab configuration file (TOML; see docs/lab.md).",
    )
    sub = p.add_subparsers(
        dest="lab_command", metavar="{hash-password,check}", required=True, parser_class=type(p)
    )
    h = sub.add_parser(
        "hash-password",
        help="print the salted PBKDF2 hash of the instructor's password",
        description="Ask for the instructor's password twice (not echoed) and print the "
        "line to paste as password_hash in the lab configuration. Only the hash is "
        "stored; the password cannot be read back from it.",
    )
    h.add_argument(
        "--stdin", action="store_true", help="read the password from the first line of stdin"
    )
    h.add_argument(
        "--iterations",
        type=int,
        default=None,
        help="PBKDF2 iterations (default 600,000; at least 100,000)",
    )
    h.set_defaults(func=run_hash)
    c = sub.add_parser(
        "check",
        help="validate a lab configuration (default: the one in force)",
        description="Parse and validate a lab configuration. Without FILE: the one the "
        "window would read (the system-wide file, else $NNLIN_LAB_CONFIG). Prints what it "
        "sets; status 2 with one line naming the file and the key for each problem (also a "
        "lesson id that no lesson file has, or a bad file in lessons_folder).",
    )
    c.add_argument("file", nargs="?", metavar="FILE.toml")
    c.set_defaults(func=run_check)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        return password[:-1] if password.endswith("\r") else password
    first = getpass.getpass("Instructor password: ")
    if not first:
        raise UserError("the password is empty")
    if getpass.getpass("Again: ") != first:
        raise UserError("the two passwords differ; nothing printed")
    return first


def run_hash(args: argparse.Namespace) -> int:
    """Print ``pbkdf2_sha256$...`` for the password read."""
    from nnlin_gui.core.files.lab_config import DEFAULT_ITERATIONS, hash_password

    password = _read_password(args.stdin)
    print(hash_password(password, args.iterations or DEFAULT_ITERATIONS))
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Validate the named (or the effective) configuration and summarise it."""
    from nnlin_gui.core.files.lab_config import ENV_VAR, find_lab_config, load_lab_config

    path = args.file or find_lab_config()
    if path is None:
        print(f"no lab configuration in force (no system-wide file, ${ENV_VAR} not set)")
        return 0
    config = load_lab_config(path)
    problems = _folder_problems(config)
    lines = [f"{path}: ok" if not problems else f"{path}: parsed, but see below"]
    if config.name:
        lines.append(f"  name: {config.name}")
    for key in ("hidden_controls", "locked_controls", "lessons", "datasets"):
        value = getattr(config, key)
        if value:
            lines.append(f"  {key}: {', '.join(value)}")
    for key in ("lessons_folder", "instructor_mode", "theme", "presentation", "start_data"):
        value = getattr(config, key)
        if value not in (None, ""):
            lines.append(f"  {key}: {value}")
    if config.locks:
        lines.append(
            "  locked; unlocking asks for the instructor's password"
            if config.password_hash
            else "  locked; no password_hash, so it cannot be unlocked in the window"
        )
    print("\n".join(lines))
    for problem in problems:
        print(f"nnlin: {path}: {problem}", file=sys.stderr)
    return 2 if problems else 0


def _folder_problems(config) -> list[str]:
    """Lessons the configuration names that no lesson file provides, a missing folder,
    a start lesson that is not offered."""
    from nnlin_gui.core.files.lesson_check import check_lesson_folder
    from nnlin_gui.core.files.lessons import load_lessons

    problems: list[str] = []
    ids = {lesson.id for lesson in load_lessons(errors=[])}
    if config.lessons_folder:
        try:
            lessons, errors = check_lesson_folder(config.lessons_folder, setup=False)
        except UserError as exc:
            problems.append(f"lessons_folder: {exc}")
        else:
            ids |= {lesson.id for lesson in lessons}
            problems += [f"lessons_folder: {e}" for e in errors]
    for lesson_id in config.lessons or ():
        if lesson_id not in ids:
            problems.append(f"lessons: no lesson has the id {lesson_id!r}")
    if config.start_lesson and config.start_lesson not in ids:
        problems.append(f"start.lesson: no lesson has the id {config.start_lesson!r}")
    return problems
