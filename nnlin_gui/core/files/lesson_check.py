"""Checking a teacher's lesson files as ``nnlin lesson check`` does: each file is parsed as
the window parses it and (with ``setup``) every step is set up: its data loads, its target
and features exist, its network fits the data; a step's solution too.

``check_lesson_folder`` is what File > Open lessons folder runs (in the background): the good
files load, a bad one gives one line naming the file, the step and the problem.
"""

from __future__ import annotations

import os
from dataclasses import replace

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.lessons import Lesson, LessonError, apply_step_setup, load_lesson_file

__all__ = ["check_lesson_file", "check_lesson_folder"]


def check_lesson_file(path: str | os.PathLike, setup: bool = True) -> Lesson:
    """The lesson in ``path``, parsed and (with ``setup``) every step set up.

    Raises
    ------
    LessonError
        One line: ``NAME: step N ...: problem``.
    """
    lesson = load_lesson_file(path)
    if not setup:
        return lesson
    name = os.path.basename(os.fspath(path))
    for i, step in enumerate(lesson.steps):
        try:
            apply_step_setup(step)
        except UserError as exc:
            raise LessonError(f"{name}: step {i + 1} setup: {exc}") from None
        sol = step.solution
        if sol is not None and (sol.data is not None or sol.layers is not None):
            changed = replace(
                step.setup,
                data=sol.data or step.setup.data,
                layers=step.setup.layers if sol.layers is None else sol.layers,
            )
            try:
                apply_step_setup(replace(step, setup=changed))
            except UserError as exc:
                raise LessonError(f"{name}: step {i + 1} solution: {exc}") from None
    return lesson


def check_lesson_folder(
    folder: str | os.PathLike, setup: bool = True
) -> tuple[list[Lesson], list[str]]:
    """The usable lessons of every ``*.toml`` in ``folder`` (in lesson order) and one line
    per file that is not.

    Raises
    ------
    LessonError
        The folder itself cannot be read.
    """
    folder = os.fspath(folder)
    try:
        names = sorted(n for n in os.listdir(folder) if n.lower().endswith(".toml"))
    except OSError as exc:
        raise LessonError(f"{folder}: cannot read the folder ({exc.strerror or exc})") from None
    lessons: list[Lesson] = []
    errors: list[str] = []
    for name in names:
        try:
            lessons.append(check_lesson_file(os.path.join(folder, name), setup=setup))
        except UserError as exc:
            errors.append(" ".join(str(exc).split()))
        except (ValueError, TypeError, KeyError) as exc:  # a value no check foresaw
            errors.append(f"{name}: cannot be used ({exc})")
    lessons.sort(key=lambda lesson: (lesson.order, lesson.path))
    return lessons, errors
