"""Guided lessons: TOML files a teacher can read, edit and add to.

A lesson file (``resources/lessons/NN-name.toml``) has a ``title``, a ``summary``, an
optional ``order`` and a list of ``[[steps]]``. Each step has a ``title``, a ``text`` the
student reads, a ``[steps.setup]`` (data source, target, features, hidden ``layers`` as
inline tables ``{kind, width, activation, kernel_size, depth}``, ``training`` settings,
``solve``; ``polynomial_degree``, which the set-up puts in the collapse panel's polynomial
spin box; ``diagnostics``, to compute assumption verdicts), optional ``hidden_controls``
/ ``locked_controls`` (objectNames the instructor mode hides or disables), a
``[steps.check]``: a declarative condition ``{metric, op, value}`` (or ``ref`` = another
metric), or ``all = [...]`` / ``any = [...]`` of such conditions, and a
``[steps.solution]``: what the student is asked to do, declared (see ``StepSolution``).
Nothing in a lesson is executed as code.

A check tests what the student did, not the data: it is false right after set-up and true
after the asked action (the tests walk every step to make sure). ``lesson_state`` computes
the metrics a check reads, from the trainer plus what only the window knows (``ui``: the
residuals the diagnostics panel shows, the degree of a fitted polynomial). ``set_up`` and
``perform`` play the student headlessly (tests, the offline self-test); the GUI uses
``apply_step_setup`` and then drives its own trainer.
"""

from __future__ import annotations

import logging
import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from nnlin_gui.core.data.tables import Dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.networks.network import LayerSpec, NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig

log = logging.getLogger(__name__)

__all__ = [
    "Check",
    "Lesson",
    "LessonError",
    "LessonStep",
    "StepSetup",
    "Attempt",
    "StepSolution",
    "apply_step_setup",
    "lesson_state",
    "load_lesson_file",
    "load_lessons",
    "perform",
    "run_step",
    "set_up",
]

OPS = ("<", "<=", ">", ">=", "==", "!=", "in")
RUNS = ("train", "solve", "none")
# What only the window knows, with the values it can take (see ``lesson_state``).
UI_KEYS = {
    "diagnostics_source": ("ols", "network", "both"),
    "polynomial_degree": tuple(range(1, 11)),
}
#: The closed-form models a network is compared with (``fitting.baseline_for``'s kinds).
BASELINES = (
    "ols", "logistic", "ridge", "logistic_l2", "weight_decay", "logistic_weight_decay",
    "multinomial", "multinomial_l2",
)  # fmt: skip
#: What a verdict metric can be (``diagnostics.report``: VERDICTS and NOT_APPLICABLE).
VERDICT_VALUES = ("ok", "warning", "violated", "not applicable")
#: Every metric a check can read: name -> (kind, allowed values or (), meaning). These are
#: the keys of ``lesson_state`` (a test makes sure it gives no other), plus
#: ``verdict.<assumption>`` and ``network_verdict.<assumption>`` (see ``known_metrics``).
#: docs/lessons.md documents each one (a test makes sure).
METRICS: dict[str, tuple[str, tuple, str]] = {
    "epoch": ("number", (), "epochs trained so far"),
    "solved": ("bool", (), "the weights were set analytically (Solve) and not trained since"),
    "is_linear": ("bool", (), "every activation is the identity"),
    "parameter_count": ("number", (), "weights and biases of the network"),
    "hidden_layers": ("number", (), "hidden layers (a residual block counts as one)"),
    "diverged": ("bool", (), "training blew up (non-finite loss)"),
    "optimizer": ("text", ("sgd", "momentum", "adam"), "the optimizer setting"),
    "learning_rate": ("number", (), "the learning-rate setting"),
    "batch_size": ("number", (), "the batch-size setting (0 = full batch)"),
    "l2": ("number", (), "the L2 (weight decay) setting"),
    "data_name": ("text", (), "builtin:NAME of a built-in data set, else the file's path"),
    "data_seed": ("number", (), "the seed of a generated built-in data set"),
    "train_loss": ("number", (), "training loss (standardised units, as minimised)"),
    "test_loss": ("number", (), "test loss"),
    "train_mse": ("number", (), "mean squared error on the training rows (regression)"),
    "test_mse": ("number", (), "mean squared error on the test rows (regression)"),
    "train_r2": ("number", (), "R² on the training rows (regression)"),
    "test_r2": ("number", (), "R² on the test rows (regression)"),
    "train_accuracy": ("number", (), "accuracy on the training rows (classification)"),
    "test_accuracy": ("number", (), "accuracy on the test rows (classification)"),
    "collapsible": ("bool", (), "the network collapses to one affine map y = W x + b"),
    "linear_approx_r2": ("number", (), "R² of the best affine map of a nonlinear network"),
    "slope_spread": ("number", (), "how much a nonlinear network's slopes vary"),
    "regions_count": ("number", (), "linear regions the training rows meet (ReLU, leaky "
                      "ReLU, identity networks; 1 for a linear network)"),
    "baseline": ("text", BASELINES, "the closed-form model the network is compared with"),
    "max_abs_diff": ("number", (), "largest |network - baseline| coefficient (the best "
                     "affine map's for a nonlinear network)"),
    "max_rel_diff": ("number", (), "max_abs_diff divided by max(1, largest |baseline| "
                     "coefficient)"),
    "baseline_train_r2": ("number", (), "R² of the baseline on the training rows"),
    "baseline_test_r2": ("number", (), "R² of the baseline on the test rows"),
    "baseline_train_accuracy": ("number", (), "accuracy of the baseline, training rows"),
    "baseline_test_accuracy": ("number", (), "accuracy of the baseline, test rows"),
    "poly_train_r2": ("number", (), "R² of the student's polynomial, training rows"),
    "poly_test_r2": ("number", (), "R² of the student's polynomial, test rows"),
    "polynomial_degree": ("number", UI_KEYS["polynomial_degree"],
                          "degree of the polynomial fitted in the Collapse panel"),
    "diagnostics_source": ("text", UI_KEYS["diagnostics_source"],
                           "whose residuals the Diagnostics panel shows"),
}  # fmt: skip
VERDICT_PREFIXES = ("verdict.", "network_verdict.")
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
                return cls(text=text, all=subs) if combo == "all" else cls(text=text, any=subs)
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


def known_metrics() -> dict[str, tuple[str, tuple, str]]:
    """``METRICS`` plus ``verdict.<assumption>`` and ``network_verdict.<assumption>`` for
    every assumption the diagnostics test."""
    from nnlin_gui.core.statistics.diagnostics import ASSUMPTIONS

    out = dict(METRICS)
    for a in ASSUMPTIONS:
        out[f"verdict.{a}"] = ("text", VERDICT_VALUES, f"verdict on {a}, OLS residuals")
        out[f"network_verdict.{a}"] = (
            "text", VERDICT_VALUES, f"verdict on {a}, the network's residuals"
        )  # fmt: skip
    return out


def check_metrics(check: Check, where: str) -> None:
    """Refuse a check that reads an unknown metric or compares it the wrong way.

    Numbers take any op and a number (``in``: a list of numbers); true/false and text
    metrics take ``==``, ``!=`` or ``in``, with a value of their kind (one of the listed
    values, for text with a fixed set); ``ref`` names a metric of the same kind.
    """
    if check.all or check.any:
        combo = "all" if check.all else "any"
        for i, sub in enumerate(check.all + check.any):
            check_metrics(sub, f"{where}.{combo}[{i}]")
        return
    known = known_metrics()
    for name in (check.metric, check.ref):
        if name and name not in known:
            raise LessonError(
                f"{where}: unknown metric {name!r}; the metrics are listed in docs/lessons.md"
            )
    kind, allowed, _ = known[check.metric]
    if check.ref:
        if known[check.ref][0] != kind:
            raise LessonError(f"{where}: {check.metric!r} and {check.ref!r} are not comparable")
        return
    if kind != "number" and check.op not in ("==", "!=", "in"):
        raise LessonError(f"{where}: {check.metric!r} is {kind}; use ==, != or in")
    values = check.value if check.op == "in" else [check.value]
    for v in values:
        ok = {
            "number": isinstance(v, int | float) and not isinstance(v, bool),
            "bool": isinstance(v, bool),
            "text": isinstance(v, str),
        }[kind]
        if not ok:
            raise LessonError(f"{where}: {check.metric!r} is compared with {v!r}, not a {kind}")
        if kind == "text" and allowed and v not in allowed:
            raise LessonError(
                f"{where}: {check.metric!r} cannot be {v!r}; use one of {', '.join(allowed)}"
            )


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
class StepSolution:
    """What the student is asked to do after set-up, in the order the program applies it.

    Attributes
    ----------
    data : another data source (the Data panel: e.g. a new seed); the target and
        features stay those of the setup
    layers : the hidden layers the student builds (the Builder panel)
    training : settings the student changes (the Settings panel); a new seed, test
        fraction or standardisation starts the network over, as in the window
    run : the button pressed last: "train" (up to the epochs setting, or that many more
        when already there), "solve" (analytically) or "none"
    ui : what the student does in other panels, as the window reports it:
        ``diagnostics_source`` (the residuals the Diagnostics panel shows) and
        ``polynomial_degree`` (a polynomial fitted in the Collapse panel)
    """

    data: str | None = None
    layers: tuple[LayerSpec, ...] | None = None
    training: Mapping[str, Any] = field(default_factory=dict)
    run: str = "train"
    ui: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LessonStep:
    """One step: text to read, a setup, the controls to hide or lock, a check, and the
    solution (the asked action) that meets the check."""

    title: str
    text: str
    setup: StepSetup
    check: Check | None = None
    hidden_controls: tuple[str, ...] = ()
    locked_controls: tuple[str, ...] = ()
    solution: StepSolution | None = None


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
    training = _training(d.get("training", {}), {}, where)
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


def _training(training: Any, base: Mapping, where: str) -> dict:
    """Validate a table of training settings (applied over ``base``)."""
    if not isinstance(training, Mapping):
        raise LessonError(f"{where}: 'training' must be a table")
    bad = sorted(set(training) - _TRAINING_KEYS)
    if bad:
        raise LessonError(f"{where}: unknown training setting {bad[0]!r}")
    try:
        TrainingConfig(**{**base, **training}).validate()
    except (TypeError, UserError) as exc:
        raise LessonError(f"{where}: {exc}") from None
    return dict(training)


def _ui(d: Any, where: str) -> dict:
    if not isinstance(d, Mapping):
        raise LessonError(f"{where}: 'ui' must be a table")
    for key, value in d.items():
        if key not in UI_KEYS:
            raise LessonError(f"{where}: unknown ui key {key!r}; use {', '.join(UI_KEYS)}")
        if value not in UI_KEYS[key] or isinstance(value, bool):
            raise LessonError(f"{where}: ui {key} cannot be {value!r}")
    return dict(d)


def _solution(d: Any, setup: StepSetup, where: str) -> StepSolution:
    """Parse ``[steps.solution]``; ``where`` names the step in messages."""
    where = f"{where} solution"
    if not isinstance(d, Mapping):
        raise LessonError(f"{where}: must be a table")
    unknown = sorted(set(d) - {"data", "layers", "training", "run", "ui"})
    if unknown:
        raise LessonError(f"{where}: unknown key {unknown[0]!r}")
    run = d.get("run", "train")
    if run not in RUNS:
        raise LessonError(f"{where}: 'run' must be one of {', '.join(RUNS)}")
    return StepSolution(
        data=_str(d, "data", where) if "data" in d else None,
        layers=_layers(d["layers"], where) if "layers" in d else None,
        training=_training(d.get("training", {}), setup.training, where),
        run=run,
        ui=_ui(d.get("ui", {}), where),
    )


def _step(s: Any, where: str) -> LessonStep:
    if not isinstance(s, Mapping):
        raise LessonError(f"{where}: a step is a [[steps]] table")
    keys = {"title", "text", "setup", "check", "hidden_controls", "locked_controls", "solution"}
    unknown = sorted(set(s) - keys)
    if unknown:
        raise LessonError(f"{where}: unknown key {unknown[0]!r}")
    setup = _setup(s.get("setup"), where)
    return LessonStep(
        title=_str(s, "title", where),
        text=_str(s, "text", where),
        setup=setup,
        check=Check.from_dict(s["check"], f"{where} check") if "check" in s else None,
        hidden_controls=_names(s, "hidden_controls", where),
        locked_controls=_names(s, "locked_controls", where),
        solution=_solution(s["solution"], setup, where) if "solution" in s else None,
    )


def _lesson_from_dict(doc: Mapping, name: str, path: str = "") -> Lesson:
    stem = os.path.splitext(name)[0]
    default_id = stem.split("-", 1)[1] if stem[:2].isdigit() and "-" in stem else stem
    steps_raw = doc.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise LessonError(f"{name}: a lesson needs at least one [[steps]] table")
    steps = [_step(s, f"{name}: step {i + 1}") for i, s in enumerate(steps_raw)]
    for i, step in enumerate(steps):
        if step.check is not None:
            check_metrics(step.check, f"{name}: step {i + 1} check")
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

        here = Path(__file__).resolve().parents[3] / "resources" / "lessons"
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
    s = step.setup
    features = None if s.features is None else list(s.features)
    dataset = _load(s.data, s.target, features)
    return dataset, _spec(dataset, s.layers), TrainingConfig(**s.training)


def _load(source: str, target: str | None, features: list[str] | None) -> Dataset:
    from nnlin_gui.core.data.tables import load_dataset

    return load_dataset(source, target=target, features=features)


def _spec(dataset: Dataset, layers: Sequence[LayerSpec]) -> NetworkSpec:
    from nnlin_gui.core.statistics.fitting import build_spec

    return build_spec(dataset, tuple(layers))


def needs_diagnostics(step: LessonStep) -> bool:
    """Whether the step's check reads assumption verdicts (costly: run only when asked)."""
    if step.setup.diagnostics:
        return True
    metrics = step.check.metrics() if step.check is not None else set()
    return any(m.startswith(("verdict.", "network_verdict.")) for m in metrics)


def lesson_state(
    trainer: Trainer,
    dataset: Dataset,
    *,
    solved: bool = False,
    diagnostics: bool = False,
    polynomial_degree: int | None = None,
    ui: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The metrics a lesson check reads, for a trainer in its current state.

    Parameters
    ----------
    trainer, dataset : the network and data as the student left them
    solved : the weights were set analytically (and not trained since)
    diagnostics : run the OLS assumption tests (on the OLS fit and on the network)
    polynomial_degree : the degree of a polynomial the student fitted (overrides ``ui``)
    ui : what only the window knows (``UI_KEYS``), copied into the state

    Returns
    -------
    dict
        ``epoch``, ``solved``, ``is_linear``, ``collapsible``, ``parameter_count``,
        ``hidden_layers``, ``diverged``; the settings ``optimizer``, ``learning_rate``,
        ``batch_size``, ``l2``; the data ``data_name`` (``builtin:NAME`` or the path) and
        ``data_seed`` (built-in sets); the ``Trainer.evaluate`` metrics (``train_r2``,
        ``test_r2``, ``train_accuracy``, ...); ``baseline`` (ols/ridge/logistic) with
        ``max_abs_diff`` and ``max_rel_diff`` (network vs baseline; the best affine map
        when nonlinear), ``baseline_train_r2`` / ``baseline_test_r2`` (or
        ``_accuracy``); ``linear_approx_r2`` and ``slope_spread`` (nonlinear networks);
        ``regions_count`` (piecewise-linear networks: the regions the training rows meet);
        ``poly_train_r2`` / ``poly_test_r2`` with ``polynomial_degree``; the ``ui`` keys;
        with ``diagnostics``, ``verdict.<assumption>`` (OLS residuals) and
        ``network_verdict.<assumption>`` (the network's residuals).
    """
    ui = dict(ui or {})
    if polynomial_degree is not None:
        ui["polynomial_degree"] = polynomial_degree
    state: dict[str, Any] = {
        "epoch": int(trainer.epoch),
        "solved": bool(solved),
        "is_linear": bool(trainer.spec.is_linear),
        "parameter_count": int(trainer.network.n_params),
        "hidden_layers": len(trainer.spec.layers),
        "diverged": bool(trainer.diverged),
        **_settings(trainer.config),
        **_data_identity(dataset.source),
        **{k: v for k, v in ui.items() if k in UI_KEYS},
    }
    state.update({k: float(v) for k, v in trainer.evaluate().items()})
    state.update(_collapse_metrics(trainer, dataset))
    state.update(_regions_count(trainer))
    head = trainer.spec.head
    degree = ui.get("polynomial_degree")
    if degree is not None and head == "identity":
        state.update(_polynomial_scores(trainer, dataset, int(degree)))
    if diagnostics and head == "identity":
        state.update(_verdicts(trainer, dataset))
    return state


def _settings(config: TrainingConfig) -> dict[str, Any]:
    return {
        "optimizer": config.optimizer,
        "learning_rate": float(config.learning_rate),
        "batch_size": int(config.batch_size),
        "l2": float(config.l2),
    }


def _data_identity(source: str) -> dict[str, Any]:
    """``data_name`` and, for a generated built-in set, its ``data_seed``."""
    if not source.startswith("builtin:"):
        return {"data_name": source}
    from nnlin_gui.core.data.builtin import builtin_info, parse_builtin_source

    name, params = parse_builtin_source(source)
    out: dict[str, Any] = {"data_name": f"builtin:{name}"}
    try:
        default = builtin_info(name).params.get("seed")
    except UserError:
        return out
    seed = params.get("seed", default)
    if seed is not None:
        out["data_seed"] = int(float(seed))
    return out


def _regions_count(trainer: Trainer) -> dict[str, Any]:
    """``regions_count``: the activation regions the training rows meet (none when an
    activation is not piecewise linear)."""
    from nnlin_gui.core.networks.regions import count_regions, nonpiecewise_reason

    if nonpiecewise_reason(trainer.spec) is not None:
        return {}
    return {"regions_count": int(count_regions(trainer.network, None, trainer.Xtrain))}


def _collapse_metrics(trainer: Trainer, dataset: Dataset) -> dict[str, Any]:
    """Collapsibility and the distance of the network (or its best affine map) to the
    closed-form baseline."""
    from nnlin_gui.core.networks.collapse import best_affine_approximation
    from nnlin_gui.core.statistics.fitting import baseline_difference, baseline_for, comparable

    out: dict[str, Any] = {}
    col = trainer.collapse()
    out["collapsible"] = bool(col.collapsible)
    if col.collapsible:
        W, b = col.W, col.b
    else:
        approx = best_affine_approximation(trainer.raw_predict, dataset.X[trainer.train_rows])
        out["linear_approx_r2"] = float(approx.r2)
        out["slope_spread"] = float(approx.slope_spread)
        W, b = approx.W, approx.b
    head = trainer.spec.head
    try:
        base = baseline_for(trainer, list(dataset.feature_names), dataset.class_labels)
    except UserError as exc:
        log.info("no baseline for this lesson step: %s", exc)
        return out
    out["baseline"] = base.kind
    # A softmax's rows relative to the reference; None for shapes that do not compare.
    diff = None if W is None or b is None else baseline_difference(base, W, b)
    if diff is not None:
        Wr, br = comparable(base, base.W, np.ravel(base.b))
        ref = max(float(np.abs(Wr).max(initial=0.0)), float(np.abs(br).max(initial=0.0)))
        out["max_abs_diff"] = diff
        out["max_rel_diff"] = diff / max(1.0, ref)
    out.update(_baseline_scores(trainer, dataset, base, head))
    return out


def _verdicts(trainer: Trainer, dataset: Dataset) -> dict[str, str]:
    """Assumption verdicts on the training rows: of the OLS fit and of the network."""
    from nnlin_gui.core.statistics.diagnostics import diagnose_ols, diagnose_residuals

    rows = trainer.train_rows
    X, y, names = dataset.X[rows], dataset.y[rows], list(dataset.feature_names)
    out = {f"verdict.{k}": v for k, v in diagnose_ols(X, y, names).verdicts.items()}
    fitted = np.asarray(trainer.predict(X), dtype=np.float64).ravel()
    if not np.isfinite(fitted).all():
        return out  # a diverged network has no residuals to test
    try:
        net = diagnose_residuals(X, y, fitted, names, source="network")
    except UserError as exc:
        log.info("no network diagnostics for this lesson step: %s", exc)
        return out
    out.update({f"network_verdict.{k}": v for k, v in net.verdicts.items()})
    return out


def _baseline_scores(trainer: Trainer, ds: Dataset, base, head: str) -> dict[str, float]:
    out = {}
    for part, rows in (("train", trainer.train_rows), ("test", trainer.test_rows)):
        if len(rows) == 0:
            continue
        y = ds.y[rows]
        if head == "softmax":  # the class with the largest logit
            logits = ds.X[rows] @ np.atleast_2d(base.W).T + np.ravel(base.b)
            out[f"baseline_{part}_accuracy"] = float(np.mean(np.argmax(logits, axis=1) == y))
            continue
        lin = ds.X[rows] @ base.W[0] + base.b[0]
        if head == "identity":
            var = float(np.var(y))
            out[f"baseline_{part}_r2"] = 1.0 - float(np.mean((y - lin) ** 2)) / var
        else:
            out[f"baseline_{part}_accuracy"] = float(np.mean((lin >= 0) == (y >= 0.5)))
    return out


def _polynomial_scores(trainer: Trainer, ds: Dataset, degree: int) -> dict[str, float]:
    from nnlin_gui.core.statistics.regression import fit_polynomial, polynomial_design

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


# ------------------------------------------------------------------ a headless student


@dataclass
class Attempt:
    """Where a headless student is in a step: what the window would hold."""

    trainer: Trainer
    dataset: Dataset
    solved: bool = False
    ui: dict[str, Any] = field(default_factory=dict)

    def state(self, step: LessonStep) -> dict[str, Any]:
        """The metrics ``step.check`` reads, as the lessons panel would compute them."""
        return lesson_state(
            self.trainer,
            self.dataset,
            solved=self.solved,
            diagnostics=needs_diagnostics(step),
            ui=self.ui,
        )


def set_up(step: LessonStep) -> Attempt:
    """What "Set up this step" leaves: the step's data and a fresh, untrained network."""
    dataset, spec, config = apply_step_setup(step)
    return Attempt(Trainer(spec, dataset.X, dataset.y, config), dataset)


def perform(step: LessonStep, attempt: Attempt, solution: StepSolution | None = None) -> Attempt:
    """Do what the step asks (``solution``, default ``step.solution``) the way the window
    does it: new data or layers, or a new seed / test fraction / standardisation, start a
    new network; other settings carry on with the current one.

    Without a solution this presses the step's run button (solve or train). Like the
    window, it trains the attempt's trainer in place unless it has to start a new one.
    """
    if solution is None:
        solution = step.solution or StepSolution(run="solve" if step.setup.solve else "train")
    s = step.setup
    trainer, dataset = attempt.trainer, attempt.dataset
    rebuild = solution.data is not None or solution.layers is not None
    if solution.data is not None:
        dataset = _load(solution.data, s.target, None if s.features is None else list(s.features))
    spec = _spec(dataset, solution.layers) if solution.layers is not None else trainer.spec
    config = replace(trainer.config, **solution.training)
    restart = ("seed", "test_fraction", "standardize")
    rebuild |= any(getattr(config, k) != getattr(trainer.config, k) for k in restart)
    solved = attempt.solved and not rebuild
    if rebuild:
        trainer = Trainer(spec, dataset.X, dataset.y, config)
    else:
        trainer.set_config(config)
    if solution.run == "train":
        _train(trainer)
        solved = False
    elif solution.run == "solve":
        _solve(trainer, dataset)
        solved = True
    return Attempt(trainer, dataset, solved, {**attempt.ui, **solution.ui})


def _train(trainer: Trainer) -> None:
    """The Train button: up to the epochs setting, or that many more when already there."""
    left = trainer.config.epochs - trainer.epoch
    trainer.run(left if left > 0 else trainer.config.epochs)


def _solve(trainer: Trainer, dataset: Dataset) -> None:
    from nnlin_gui.core.statistics.fitting import baseline_for, solve_to_baseline

    # As the window's Solve: with weight decay the factors are balanced (a rest point).
    names = list(dataset.feature_names)
    solve_to_baseline(trainer, baseline_for(trainer, names, dataset.class_labels))


def run_step(
    step: LessonStep, *, epochs: int | None = None
) -> tuple[Trainer, Dataset, dict[str, Any]]:
    """Set a step up and do what it asks headlessly (its solution, or else its run button).

    ``epochs`` overrides the step's epochs setting. Returns the trainer, the dataset and
    the state its check reads.
    """
    if epochs is not None:
        training = {**step.setup.training, "epochs": epochs}
        step = replace(step, setup=replace(step.setup, training=training))
    attempt = perform(step, set_up(step))
    return attempt.trainer, attempt.dataset, attempt.state(step)


def check_names(lessons: Sequence[Lesson]) -> set[str]:
    """Every metric name used by the checks of ``lessons`` (for documentation and tests)."""
    out: set[str] = set()
    for lesson in lessons:
        for step in lesson.steps:
            if step.check is not None:
                out |= step.check.metrics()
    return out
