"""``nnlin grade``: one CSV row per student session file (``.nnlin``).

``nnlin grade lab/*.nnlin --lesson deep-linear-collapse --csv grades.csv``. A damaged file
gets a row whose ``status`` says why; the exit status is 0 unless the CSV cannot be written
(or the lesson named does not exist): then 2 and one line.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time

from nnlin_gui.core.errors import UserError

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``grade`` subcommand to the ``nnlin`` parser."""
    p = subparsers.add_parser(
        "grade",
        help="summarise student session files (.nnlin) as one CSV row each",
        description="Open each session file as the window does and write one CSV row per "
        "file: file, status ('ok' or why it could not be read), target, task, layers, "
        "activation, parameters, epochs, solved, diverged, collapsed (true/false), "
        "baseline (ols, ridge, logistic, ...), max_diff (largest difference between the "
        "collapsed network, or its best affine map, and the baseline), train/test loss, "
        "R^2 or accuracy; with --lesson also the steps whose checks pass. Damaged files "
        "do not stop the run: their rows say why.",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="session files, or folders (their *.nnlin files are graded)",
    )
    p.add_argument(
        "--lesson",
        metavar="ID|FILE.toml",
        help="a bundled lesson's id (e.g. deep-linear-collapse) or a lesson file: add "
        "the steps whose checks pass on each saved state",
    )
    p.add_argument("--csv", required=True, metavar="OUT", help="CSV file to write ('-' = stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Grade every file and write the CSV; return the exit status."""
    from nnlin_gui.core.files.grading import OK, columns_for, grade_files, session_paths

    if args.csv != "-":
        _check_writable(args.csv)
    lesson = find_lesson(args.lesson) if args.lesson else None
    paths = session_paths(args.files)
    t0 = time.perf_counter()
    rows = grade_files(paths, lesson)
    seconds = time.perf_counter() - t0
    write_csv(args.csv, columns_for(lesson), rows)
    bad = sum(row["status"] != OK for row in rows)
    where = "" if args.csv == "-" else f" -> {args.csv}"
    note = f", {bad} could not be read (see status)" if bad else ""
    print(f"graded {len(rows)} files in {seconds:.1f} s{note}{where}", file=sys.stderr)
    return 0


def find_lesson(name: str):
    """A lesson by bundled id, or from a ``.toml`` file."""
    from nnlin_gui.core.files.lessons import load_lesson_file, load_lessons

    if name.lower().endswith(".toml") or os.path.sep in name:
        return load_lesson_file(name)
    lessons = load_lessons(errors=[])
    for lesson in lessons:
        if lesson.id == name:
            return lesson
    ids = ", ".join(lesson.id for lesson in lessons)
    raise UserError(f"--lesson: no lesson {name!r}; bundled lessons: {ids}")


def _check_writable(out: str) -> None:
    """Fail before the work, not after, when OUT cannot be written."""
    folder = os.path.dirname(os.path.abspath(out))
    if os.path.isdir(out):
        raise UserError(f"{out}: cannot write the CSV (it is a folder)")
    if not os.path.isdir(folder):
        raise UserError(f"{out}: cannot write the CSV (no folder {folder})")
    if not os.access(folder, os.W_OK) or (os.path.exists(out) and not os.access(out, os.W_OK)):
        raise UserError(f"{out}: cannot write the CSV (permission denied)")


def write_csv(out: str, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write the rows; a file is replaced at once (never left half written)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if out == "-":
        sys.stdout.write(buf.getvalue())
        return
    folder = os.path.dirname(os.path.abspath(out))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".grade.", suffix=".csv", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise UserError(f"{out}: cannot write the CSV ({exc.strerror or exc})") from None
