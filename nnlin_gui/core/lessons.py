"""Guided lessons: TOML files a teacher can read, edit and add to.

A lesson file (``resources/lessons/NN-name.toml``) has a ``title``, a ``summary``, an
optional ``order`` and a list of ``[[steps]]``. Each step has a ``title``, a ``text`` the
student reads, a ``[steps.setup]`` (data source, target, features, hidden ``layers`` as
inline tables ``{kind, width, activation, kernel_size, depth}``, ``training`` settings,
``solve``, ``polynomial_degree``), optional ``hidden_controls`` / ``locked_controls``
(objectNames the instructor mode hides or disables) and a ``[steps.check]``: a declarative
condition ``{metric, op, value}`` (or ``ref`` = another metric), or ``all = [...]`` /
``any = [...]`` of such conditions. Nothing in a lesson is executed as code.

``lesson_state`` computes the metrics a check reads; ``run_step`` sets a step up and runs
it headlessly (tests, the offline self-test); the GUI uses ``apply_step_setup`` and then
drives its own trainer.
"""

from __future__ import annotations

import logging
import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from nnlin_gui.core.data import Dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.network import LayerSpec, NetworkSpec
from nnlin_gui.core.training import Trainer, TrainingConfig

log = logging.getLogger(__name__)

__all__ = [
    "Check",
    "Lesson",
    "LessonError",
    "LessonStep",
    "StepSetup",
    "apply_step_setup",
    "lesson_state",
    "load_lesson_file",
    "load_lessons",
    "run_step",
]

OPS = ("<", "<=", ">", ">=", "==", "!=", "in")
_TRAINING_KEYS = {f.name for f in fields(TrainingConfig)}
_LAYER_KEYS = {f.name for f in fields(LayerSpec)}


class LessonError(UserError):
    """A lesson file that cannot be used; the message names the file and the place."""


# ------------------------------------------------------------------------------ checks


@dataclass(frozen=True)
class Check:
    """A condition over a state dict (see ``lesson_state``), never arbitrary code.

    Either a comparison ``metric op value`` (or ``metric op state[ref]``), or a
    combination ``all`` / ``any`` of checks. A missing or NaN metric never passes.
    ``text`` is what the student sees ("Train until ... below 0.01").
    """

    metric: str = ""
    op: str = "<"
    value: Any = None
    ref: str = ""
    all: tuple[Check, ...] = ()
    any: tuple[Check, ...] = ()
    text: str = ""

    @classmethod
    def from_dict(cls, d: Mapping, where: str) -> Check:
        """Parse and validate a check table."""
        if not isinstance(d, Mapping):
            raise LessonError(f"{where}: a check is a table like {{metric, op, value}}")
        unknown = sorted(set(d) - {"metric", "op", "value", "ref", "all", "any", "text"})
        if unknown:
            raise LessonError(f"{where}: unknown check key {unknown[0]!r}")
        text = str(d.get("text", ""))
        for combo in ("all", "any"):
            if combo in d:
                items = d[combo]
                if not isinstance(items, list) or not items:
                    raise LessonError(f"{where}: '{combo}' needs a list of checks")
                subs = tuple(cls.from_dict(c, f"{where}.{combo}[{i}]") for i, c in enumerate(items))
                return cls(text=text, **{combo: subs})
        metric = d.get("metric")
        if not isinstance(metric, str) or not metric:
            raise LessonError(f"{where}: a check needs a 'metric' name")
        op = d.get("op", "<")
        if op not in OPS:
            raise LessonError(f"{where}: unknown op {op!r}; use one of {' '.join(OPS)}")
        has_value, has_ref = "value" in d, "ref" in d
        if has_value == has_ref:
            raise LessonError(f"{where}: give exactly one of 'value' or 'ref'")
        value = d.get("value")
        if op == "in" and not isinstance(value, list):
            raise LessonError(f"{where}: op 'in' needs a list as 'value'")
        return cls(metric=metric, op=op, value=value, ref=str(d.get("ref", "")), text=text)

    def metrics(self) -> set[str]:
        """Every metric name this check reads."""
        if self.all or self.any:
            return set().union(*(c.metrics() for c in self.all + self.any))
        return {self.metric} | ({self.ref} if self.ref else set())

    def evaluate(self, state: Mapping[str, Any]) -> bool:
        """True when the condition holds for ``state``."""
        if self.all:
            return all(c.evaluate(state) for c in self.all)
        if self.any:
            return any(c.evaluate(state) for c in self.any)
        if self.metric not in state:
            return False
        left = state[self.metric]
        if self.ref:
            if self.ref not in state:
                return False
            right = state[self.ref]
        else:
            right = self.value
        return _compare(left, self.op, right)

    def describe(self) -> str:
        """The student-facing sentence, or a readable form of the condition."""
        if self.text:
            return self.text
        if self.all or self.any:
            joiner = " and " if self.all else " or "
            return joiner.join(c.describe() for c in self.all + self.any)
        right = self.ref if self.ref else self.value
        return f"{self.metric} {self.op} {right}"


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "in":
        return left in right
    if isinstance(left, bool) or isinstance(right, bool) or isinstance(left, str):
        if op == "==":
            return left == right
        if op == "!=":
            return left != right
        return False
    try:
        a, b = float(left), float(right)
    except (TypeError, ValueError):
        return False
    if math.isnan(a) or math.isnan(b):
        return False
    return {
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
        "==": a == b,
        "!=": a != b,
    }[op]


# ------------------------------------------------------------------------------ lessons


@dataclass(frozen=True)
class StepSetup:
    """What one click sets up: data, network and training settings."""

    data: str
    target: str | None = None
    features: tuple[str, ...] | None = None
    layers: tuple[LayerSpec, ...] = ()
    training: Mapping[str, Any] = field(default_factory=dict)
    solve: bool = False
    polynomial_degree: int | None = None
    diagnostics: bool = False


@dataclass(frozen=True)
class LessonStep:
    """One step: text to read, a setup, the controls to hide or lock, and a check."""

    title: str
    text: str
    setup: StepSetup
    check: Check | None = None
    hidden_controls: tuple[str, ...] = ()
    locked_controls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lesson:
    """A guided lesson read from one TOML file."""

    id: str
    title: str
    summary: str
    steps: tuple[LessonStep, ...]
    order: int = 100
    path: str = ""


def _str(d: Mapping, key: str, where: str, required: bool = True) -> str:
    v = d.get(key)
    if v is None and not required:
        return ""
    if not isinstance(v, str) or not v.strip():
        raise LessonError(f"{where}: '{key}' must be a non-empty text")
    return " ".join(v.split()) if key != "text" else _paragraphs(v)


def _paragraphs(text: str) -> str:
    # TOML multi-line strings keep the author's line breaks: join lines, keep paragraphs.
    parts = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in parts if p)


def _names(d: Mapping, key: str, where: str) -> tuple[str, ...]:
    v = d.get(key, [])
    if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
        raise LessonError(f"{where}: '{key}' must be a list of names")
    return tuple(v)


def _layers(items: Any, where: str) -> tuple[LayerSpec, ...]:
    if not isinstance(items, list):
        raise LessonError(f"{where}: 'layers' must be a list of tables")
    layers = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise LessonError(f"{where}: layer {i + 1} must be a table like {{kind, width}}")
        unknown = sorted(set(item) - _LAYER_KEYS)
        if unknown:
            raise LessonError(f"{where}: layer {i + 1} has unknown key {unknown[0]!r}")
        try:
            layer = LayerSpec(**item)
            layer.validate(i)
        except (TypeError, UserError) as exc:
            raise LessonError(f"{where}: {exc}") from None
        layers.append(layer)
    return tuple(layers)


def _setup(d: Any, where: str) -> StepSetup:
    if not isinstance(d, Mapping):
        raise LessonError(f"{where}: every step needs a [steps.setup] table")
    known = {"data", "target", "features", "layers", "training", "solve",
             "polynomial_degree", "diagnostics"}  # fmt: skip
    unknown = sorted(set(d) - known)
    if unknown:
        raise LessonError(f"{where}: unknown setup key {unknown[0]!r}")
    training = d.get("training", {})
    if not isinstance(training, Mapping):
        raise LessonError(f"{where}: 'training' must be a table")
    bad = sorted(set(training) - _TRAINING_KEYS)
    if bad:
        raise LessonError(f"{where}: unknown training setting {bad[0]!r}")
    try:
        TrainingConfig(**training).validate()
    except (TypeError, UserError) as exc:
        raise LessonError(f"{where}: {exc}") from None
    features = d.get("features")
    degree = d.get("polynomial_degree")
    if degree is not None and (not isinstance(degree, int) or not 1 <= degree <= 10):
        raise LessonError(f"{where}: 'polynomial_degree' must be a whole number from 1 to 10")
    return StepSetup(
        data=_str(d, "data", where),
        target=d.get("target"),
        features=None if features is None else _names(d, "features", where),
        layers=_layers(d.get("layers", []), where),
        training=dict(training),
        solve=bool(d.get("solve", False)),
        polynomial_degree=degree,
        diagnostics=bool(d.get("diagnostics", False)),
    )


def _lesson_from_dict(doc: Mapping, name: str, path: str = "") -> Lesson:
    stem = os.path.splitext(name)[0]
    default_id = stem.split("-", 1)[1] if stem[:2].isdigit() and "-" in stem else stem
    steps_raw = doc.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise LessonError(f"{name}: a lesson needs at least one [[steps]] table")
    steps = []
    for i, s in enumerate(steps_raw):
        where = f"{name}: step {i + 1}"
        unknown = sorted(
            set(s) - {"title", "text", "setup", "check", "hidden_controls", "locked_controls"}
        )
        if unknown:
            raise LessonError(f"{where}: unknown key {unknown[0]!r}")
        steps.append(
            LessonStep(
                title=_str(s, "title", where),
                text=_str(s, "text", where),
                setup=_setup(s.get("setup"), where),
                check=Check.from_dict(s["check"], f"{where} check") if "check" in s else None,
                hidden_controls=_names(s, "hidden_controls", where),
                locked_controls=_names(s, "locked_controls", where),
            )
        )
    order = doc.get("order", 100)
    if not isinstance(order, int):
        raise LessonError(f"{name}: 'order' must be a whole number")
    return Lesson(
        id=str(doc.get("id", default_id)),
        title=_str(doc, "title", name),
        summary=_str(doc, "summary", name),
        steps=tuple(steps),
        order=order,
        path=path,
    )


def parse_lesson(text: str, name: str = "lesson.toml", path: str = "") -> Lesson:
    """Parse the TOML text of one lesson."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(f"{name}: not valid TOML ({exc})") from None
    return _lesson_from_dict(doc, name, path)


def load_lesson_file(path: str | os.PathLike) -> Lesson:
    """Read one lesson file."""
    path = os.fspath(path)
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise LessonError(f"{name}: cannot read ({exc})") from None
    return parse_lesson(text, name, path)


def bundled_lessons_root():
    """The folder of bundled lessons as an importlib.resources Traversable.

    Installed (and frozen) builds find it as the package ``nnlin_gui.resources``; a source
    checkout whose install predates that mapping falls back to ``<repo>/resources``.
    """
    from importlib.resources import files

    try:
        return files("nnlin_gui.resources") / "lessons"
    except ModuleNotFoundError:
        from pathlib import Path

        here = Path(__file__).resolve().parents[2] / "resources" / "lessons"
        log.info("nnlin_gui.resources is not installed; reading lessons from %s", here)
        return here


def load_lessons(
    folder: str | os.PathLike | None = None, errors: list[str] | None = None
) -> list[Lesson]:
    """Every ``*.toml`` lesson in ``folder`` (default: the bundled lessons), in order.

    Parameters
    ----------
    folder : a folder of lesson files (a teacher's own); default ``nnlin_gui.resources``
        ``/lessons`` via importlib.resources (works from source, installed and frozen)
    errors : when given, a bad file is skipped and its one-line message appended here;
        otherwise the first bad file raises ``LessonError``
    """
    if folder is None:
        root = bundled_lessons_root()
        entries = [(e.name, e.read_text(encoding="utf-8"), str(e)) for e in root.iterdir()
                   if e.name.endswith(".toml")]  # fmt: skip
    else:
        folder = os.fspath(folder)
        entries = []
        for name in os.listdir(folder):
            if name.endswith(".toml"):
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    entries.append((name, fh.read(), os.path.join(folder, name)))
    lessons = []
    for name, text, path in sorted(entries):
        try:
            lessons.append(parse_lesson(text, name, path))
        except LessonError as exc:
            if errors is None:
                raise
            log.warning("skipping lesson: %s", exc)
            errors.append(str(exc))
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.path))


# ------------------------------------------------------------------ setting up and state


def apply_step_setup(step: LessonStep) -> tuple[Dataset, NetworkSpec, TrainingConfig]:
    """Load the step's data and build its network and training settings.

    Raises
    ------
    UserError
        The dataset cannot be loaded or the network does not fit it.
    """
    from nnlin_gui.core.data import load_dataset
    from nnlin_gui.core.fitting import build_spec

    s = step.setup
    features = None if s.features is None else list(s.features)
    dataset = load_dataset(s.data, target=s.target, features=features)
    spec = build_spec(dataset, s.layers)
    return dataset, spec, TrainingConfig(**s.training)


def _needs_diagnostics(step: LessonStep) -> bool:
    if step.setup.diagnostics:
        return True
    return step.check is not None and any(m.startswith("verdict.") for m in step.check.metrics())


def lesson_state(
    trainer: Trainer,
    dataset: Dataset,
    *,
    solved: bool = False,
    diagnostics: bool = False,
    polynomial_degree: int | None = None,
) -> dict[str, Any]:
    """The metrics a lesson check reads, for a trainer in its current state.

    Keys: ``epoch``, ``solved``, ``is_linear``, ``collapsible``, ``parameter_count``,
    ``hidden_layers``, the ``Trainer.evaluate`` metrics (``train_r2``, ``test_r2``,
    ``train_accuracy``, ...), ``baseline`` (ols/ridge/logistic) with ``max_abs_diff``
    and ``max_rel_diff`` (network vs baseline; the best affine map when nonlinear),
    ``baseline_train_r2`` / ``baseline_test_r2`` (or ``_accuracy``),
    ``linear_approx_r2`` and ``slope_spread`` (nonlinear networks), ``poly_train_r2`` /
    ``poly_test_r2`` with ``polynomial_degree``, and ``verdict.<assumption>`` with
    ``diagnostics``.
    """
    from nnlin_gui.core.collapse import best_affine_approximation
    from nnlin_gui.core.fitting import baseline_for

    state: dict[str, Any] = {
        "epoch": int(trainer.epoch),
        "solved": bool(solved),
        "is_linear": bool(trainer.spec.is_linear),
        "parameter_count": int(trainer.network.n_params),
        "hidden_layers": len(trainer.spec.layers),
        "diverged": bool(trainer.diverged),
    }
    state.update({k: float(v) for k, v in trainer.evaluate().items()})
    names = list(dataset.feature_names)
    col = trainer.collapse()
    state["collapsible"] = bool(col.collapsible)
    Xtr = dataset.X[trainer.train_rows]
    if col.collapsible:
        W, b = col.W, col.b
    else:
        approx = best_affine_approximation(trainer.raw_predict, Xtr)
        state["linear_approx_r2"] = float(approx.r2)
        state["slope_spread"] = float(approx.slope_spread)
        W, b = approx.W, approx.b
    head = trainer.spec.head
    if head in ("identity", "sigmoid"):
        try:
            base = baseline_for(trainer, names)
        except UserError as exc:
            log.info("no baseline for this lesson step: %s", exc)
        else:
            state["baseline"] = base.kind
            diff = np.abs(np.r_[b - base.b, (W - base.W).ravel()])
            ref = np.abs(np.r_[base.b, base.W.ravel()])
            state["max_abs_diff"] = float(diff.max())
            state["max_rel_diff"] = float(diff.max() / max(1.0, float(ref.max())))
            state.update(_baseline_scores(trainer, dataset, base, head))
    if polynomial_degree is not None and head == "identity":
        state.update(_polynomial_scores(trainer, dataset, polynomial_degree))
    if diagnostics and head == "identity":
        from nnlin_gui.core.diagnostics import diagnose_ols

        rep = diagnose_ols(Xtr, dataset.y[trainer.train_rows], names)
        for name, verdict in rep.verdicts.items():
            state[f"verdict.{name}"] = verdict
    return state


def _baseline_scores(trainer: Trainer, ds: Dataset, base, head: str) -> dict[str, float]:
    out = {}
    for part, rows in (("train", trainer.train_rows), ("test", trainer.test_rows)):
        if len(rows) == 0:
            continue
        lin = ds.X[rows] @ base.W[0] + base.b[0]
        y = ds.y[rows]
        if head == "identity":
            var = float(np.var(y))
            out[f"baseline_{part}_r2"] = 1.0 - float(np.mean((y - lin) ** 2)) / var
        else:
            out[f"baseline_{part}_accuracy"] = float(np.mean((lin >= 0) == (y >= 0.5)))
    return out


def _polynomial_scores(trainer: Trainer, ds: Dataset, degree: int) -> dict[str, float]:
    from nnlin_gui.core.regression import fit_polynomial, polynomial_design

    tr, te = trainer.train_rows, trainer.test_rows
    names = list(ds.feature_names)
    res = fit_polynomial(ds.X[tr], ds.y[tr], degree, names)
    out = {"poly_train_r2": float(res.r2), "polynomial_degree": degree}
    if len(te):
        design = polynomial_design(ds.X[te], degree, names)
        D = design[0] if isinstance(design, tuple) else design
        D = np.column_stack([np.ones(len(te)), np.asarray(D)])
        pred = D @ np.asarray(res.params)
        y = ds.y[te]
        out["poly_test_r2"] = 1.0 - float(np.mean((y - pred) ** 2)) / float(np.var(y))
    return out


def run_step(
    step: LessonStep, *, epochs: int | None = None
) -> tuple[Trainer, Dataset, dict[str, Any]]:
    """Set a step up and run it headlessly: solve when the step says so, else train.

    Returns the trainer, the dataset and the state its check reads.
    """
    dataset, spec, config = apply_step_setup(step)
    trainer = Trainer(spec, dataset.X, dataset.y, config)
    if step.setup.solve:
        from nnlin_gui.core.fitting import baseline_for

        base = baseline_for(trainer, dataset.feature_names)
        trainer.solve((base.W, base.b))
    else:
        trainer.run(epochs)
    state = lesson_state(
        trainer,
        dataset,
        solved=step.setup.solve,
        diagnostics=_needs_diagnostics(step),
        polynomial_degree=step.setup.polynomial_degree,
    )
    return trainer, dataset, state


def check_names(lessons: Sequence[Lesson]) -> set[str]:
    """Every metric name used by the checks of ``lessons`` (for documentation and tests)."""
    out: set[str] = set()
    for lesson in lessons:
        for step in lesson.steps:
            if step.check is not None:
                out |= step.check.metrics()
    return out
