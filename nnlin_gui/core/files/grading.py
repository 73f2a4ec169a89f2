"""Grading: one row of plain values per session file, for a class's worth of ``.nnlin`` files.

``grade_session`` opens a session the way the window does (``open_session``: every field
checked, the trainer rebuilt) and summarises it: the target, the network, how far it was
trained, whether it collapses to one affine map and how far that map is from the closed-form
baseline (OLS, ridge or logistic regression), and the losses. With a lesson it also lists the
steps whose checks pass on the saved state (``lesson_state``, as the lessons panel computes
it). A file that cannot be read gives a row whose ``status`` is the one-line reason; nothing
is raised for a student's file. Qt-free; ``nnlin grade`` writes the rows as CSV.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.lessons import Lesson, lesson_state, needs_diagnostics
from nnlin_gui.core.files.session import OpenedSession, open_session

log = logging.getLogger(__name__)

__all__ = ["COLUMNS", "OK", "columns_for", "grade_files", "grade_session", "session_paths"]

OK = "ok"
#: Columns of every row, in order (a lesson adds ``lesson_columns``).
COLUMNS = (
    "file",
    "status",
    "target",
    "task",
    "layers",
    "activation",
    "parameters",
    "epochs",
    "solved",
    "diverged",
    "collapsed",
    "baseline",
    "max_diff",
    "train_loss",
    "test_loss",
    "train_r2",
    "test_r2",
    "train_accuracy",
    "test_accuracy",
)
SESSION_SUFFIX = ".nnlin"


def columns_for(lesson: Lesson | None) -> list[str]:
    """The CSV header: ``COLUMNS``, then for a lesson ``lesson``, ``at_step`` (the step the
    student saved at, when in this lesson), ``steps_passed`` ("1 3") and one true/false
    column per step."""
    cols = list(COLUMNS)
    if lesson is not None:
        cols += ["lesson", "at_step", "steps_passed"]
        cols += [f"step_{i + 1}" for i in range(len(lesson.steps))]
    return cols


def session_paths(items: Iterable[str]) -> list[str]:
    """The files to grade: each file as given, each folder's ``*.nnlin`` files (in natural
    order: student2 before student10)."""
    out: list[str] = []
    for item in items:
        if os.path.isdir(item):
            names = [n for n in os.listdir(item) if n.lower().endswith(SESSION_SUFFIX)]
            names.sort(key=_natural)
            out += [os.path.join(item, n) for n in names]
        else:
            out.append(item)
    return out


def _natural(name: str) -> list:
    """Sort key putting student2 before student10."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name)]


def grade_files(paths: Sequence[str], lesson: Lesson | None = None) -> list[dict[str, str]]:
    """``grade_session`` of each path, in order."""
    return [grade_session(p, lesson) for p in paths]


def grade_session(path: str, lesson: Lesson | None = None) -> dict[str, str]:
    """One row (column name -> text) for the session at ``path``; never raises for a bad
    file: its ``status`` says why it could not be read, and the other cells stay empty."""
    row = dict.fromkeys(columns_for(lesson), "")
    row["file"] = path
    if lesson is not None:
        row["lesson"] = lesson.id
    try:
        opened = open_session(path)
        row.update(_summary(opened, lesson))
    except UserError as exc:
        row["status"] = _one_line(str(exc))
        return row
    except Exception as exc:  # a gap in the checks must not stop a class's grading
        log.warning("unexpected error grading %s", path, exc_info=exc)
        name = os.path.basename(path)
        row["status"] = _one_line(f"{name}: internal error: {type(exc).__name__}: {exc}")
        return row
    row["status"] = OK
    return row


def _summary(opened: OpenedSession, lesson: Lesson | None) -> dict[str, str]:
    trainer, state = opened.trainer, opened.state
    dataset, spec = state.dataset, trainer.spec
    extra = state.extra
    solved = bool(extra.get("solved", False))
    diagnostics = lesson is not None and any(needs_diagnostics(s) for s in lesson.steps)
    metrics = lesson_state(trainer, dataset, solved=solved, diagnostics=diagnostics)
    acts = sorted({layer.activation for layer in spec.layers})
    row = {
        "target": dataset.target_name,
        "task": dataset.task,
        "layers": ",".join(_layer(layer) for layer in spec.layers) or "none",
        "activation": "/".join(acts) or "none",
        "parameters": str(trainer.network.n_params),
        "epochs": str(state.epoch),
        "solved": _bool(solved),
        "diverged": _bool(trainer.diverged),
        "collapsed": _bool(metrics.get("collapsible", False)),
        "baseline": str(metrics.get("baseline", "none")),
        "max_diff": _num(metrics.get("max_abs_diff")),
    }
    for key in ("train_loss", "test_loss", "train_r2", "test_r2", "train_accuracy",
                "test_accuracy"):  # fmt: skip
        row[key] = _num(metrics.get(key))
    if lesson is not None:
        row.update(_lesson_cells(lesson, metrics, extra))
    return row


def _lesson_cells(lesson: Lesson, metrics: dict[str, Any], extra: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    passed = []
    for i, step in enumerate(lesson.steps):
        ok = step.check is not None and step.check.evaluate(metrics)
        out[f"step_{i + 1}"] = _bool(ok)
        if ok:
            passed.append(str(i + 1))
    out["steps_passed"] = " ".join(passed)
    saved = extra.get("lessons")
    if isinstance(saved, dict) and saved.get("lesson") == lesson.id:
        out["at_step"] = str(int(saved.get("step", 0)) + 1)
    return out


def _layer(layer) -> str:
    if layer.kind == "dense":
        return str(layer.width)
    if layer.kind == "conv1d":
        return f"conv1d {layer.width}ch k{layer.kernel_size}"
    return f"residual x{layer.depth}"


def _bool(value: Any) -> str:
    return "true" if value else "false"


def _num(value: Any) -> str:
    if value is None:
        return ""
    v = float(value)
    return "nan" if math.isnan(v) else f"{v:.6g}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
