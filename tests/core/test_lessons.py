"""Lessons: every bundled lesson parses and every step sets up; every step's check is false
right after set-up and true after the action its solution declares (played headlessly);
numbers in the texts match the networks; checks are declarative and reject bad input with
one-line messages."""

import math
import re

import pytest

from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.lessons import (
    Check,
    LessonError,
    apply_step_setup,
    check_names,
    lesson_state,
    load_lessons,
    parse_lesson,
    perform,
    run_step,
    set_up,
)
from nnlin_gui.core.networks.network import NetworkSpec
from nnlin_gui.core.networks.training import TrainingConfig

LESSONS = load_lessons()
STEPS = [(les, i) for les in LESSONS for i in range(len(les.steps))]
KNOWN_METRICS = {
    "epoch", "solved", "collapsible", "max_abs_diff", "max_rel_diff", "train_r2", "test_r2",
    "test_accuracy", "linear_approx_r2", "baseline", "baseline_test_accuracy", "poly_test_r2",
    "hidden_layers", "batch_size", "data_name", "data_seed", "polynomial_degree",
    "diagnostics_source", "verdict.collinearity", "network_verdict.homoskedasticity",
    "network_verdict.independence", "network_verdict.normality", "network_verdict.influence",
    "regions_count",
}  # fmt: skip
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _step_id(value):
    return value.id if hasattr(value, "id") else str(value + 1)


def test_eight_lessons_cover_the_issue_topics():
    assert len(LESSONS) >= 8
    assert [lesson.order for lesson in LESSONS] == sorted(lesson.order for lesson in LESSONS)
    ids = [lesson.id for lesson in LESSONS]
    assert len(set(ids)) == len(ids)
    for expected in (
        "linear-regression", "deep-linear-collapse", "solve-analytically",
        "residual-and-convolution", "nonlinear-activations", "ols-assumptions",
        "polynomial-regression", "logistic-regression",
    ):  # fmt: skip
        assert expected in ids
    for lesson in LESSONS:
        assert lesson.title and lesson.summary and len(lesson.steps) >= 2
        for step in lesson.steps:
            assert len(step.text) > 80 and "\n\n" not in step.title
            assert step.check is not None and step.check.describe()
    # checks only read metrics that lesson_state provides
    assert check_names(LESSONS) <= KNOWN_METRICS


def test_lessons_use_every_required_feature():
    kinds = {lay.kind for les in LESSONS for s in les.steps for lay in s.setup.layers}
    acts = {lay.activation for les in LESSONS for s in les.steps for lay in s.setup.layers}
    assert {"dense", "residual", "conv1d"} <= kinds
    assert {"identity", "relu", "tanh"} <= acts
    assert any(s.setup.solve for les in LESSONS for s in les.steps)
    assert any(s.setup.polynomial_degree for les in LESSONS for s in les.steps)
    assert any(s.hidden_controls for les in LESSONS for s in les.steps)
    sources = {s.setup.data.split("?")[0] for les in LESSONS for s in les.steps}
    assert {"builtin:sine", "builtin:xor", "builtin:heteroskedastic", "builtin:ar1",
            "builtin:collinear", "builtin:logistic"} <= sources  # fmt: skip


@pytest.mark.parametrize("lesson,index", STEPS, ids=_step_id)
def test_every_step_setup_builds(lesson, index):
    dataset, spec, config = apply_step_setup(lesson.steps[index])
    assert isinstance(spec, NetworkSpec) and isinstance(config, TrainingConfig)
    assert spec.n_inputs == dataset.X.shape[1] and dataset.n_rows >= 16
    assert spec.parameter_count() > 0
    heads = {"regression": "identity", "binary": "sigmoid", "multiclass": "softmax"}
    expected_head = heads[dataset.task]
    assert spec.head == expected_head


@pytest.mark.parametrize("lesson,index", STEPS, ids=_step_id)
def test_check_waits_for_the_asked_action(lesson, index):
    """Set up: the check is false (it tests the student, not the data). Do what the step's
    solution declares: the check is true."""
    step = lesson.steps[index]
    assert step.solution is not None, "every bundled step declares the action it asks for"
    attempt = set_up(step)
    before = attempt.state(step)
    assert not step.check.evaluate(before), (step.title, "ticked before any action", before)
    after = perform(step, attempt)
    state = after.state(step)
    assert step.check.evaluate(state), (step.title, step.check.describe(), state)


def test_run_step_plays_the_solution():
    step = LESSONS[0].steps[0]
    trainer, dataset, state = run_step(step)
    assert step.check.evaluate(state)
    assert state["epoch"] == step.setup.training["epochs"] and not state["solved"]


def _counts(text: str, pattern: str) -> list[int]:
    found = re.findall(pattern, text)
    return [int(n) if n.isdigit() else NUMBER_WORDS[n.lower()] for n in found]


@pytest.mark.parametrize("lesson,index", STEPS, ids=_step_id)
def test_numbers_in_the_text_match_the_network(lesson, index):
    """Parameter, matrix and layer counts in a text are those of the step's network."""
    step = lesson.steps[index]
    _, spec, _ = apply_step_setup(step)
    text = step.text
    for n in _counts(text, r"(\d+) parameters")[:1]:
        assert n == spec.parameter_count(), (step.title, n)
    for n in _counts(text, r"the (\d+) weight matrices"):
        assert n == len(spec.layers) + 1, (step.title, n)
    for n in _counts(text, r"\b(\d+|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our) hidden layers"):
        assert n == len(spec.layers), (step.title, n)


def test_lesson_state_reports_what_the_student_did():
    step = LESSONS[0].steps[1]
    attempt = set_up(step)
    state = lesson_state(
        attempt.trainer, attempt.dataset, ui={"diagnostics_source": "both", "other": 1}
    )
    assert state["batch_size"] == 32 and state["data_name"] == "builtin:linear"
    assert state["data_seed"] == 3 and state["diagnostics_source"] == "both"
    assert "other" not in state and "poly_train_r2" not in state
    state = lesson_state(attempt.trainer, attempt.dataset, polynomial_degree=2)
    assert state["polynomial_degree"] == 2 and "poly_test_r2" in state


def test_check_comparisons():
    state = {"max_abs_diff": 0.005, "collapsible": True, "verdict.normality": "warning",
             "test_r2": 0.93, "poly_test_r2": 0.95, "nan": math.nan}  # fmt: skip
    assert Check("max_abs_diff", "<", 0.01).evaluate(state)
    assert not Check("max_abs_diff", ">=", 0.01).evaluate(state)
    assert Check("collapsible", "==", True).evaluate(state)
    assert not Check("collapsible", "==", False).evaluate(state)
    assert not Check("collapsible", "<", 2).evaluate(state)  # no ordering on booleans
    assert Check("verdict.normality", "in", ["warning", "violated"]).evaluate(state)
    assert Check("test_r2", "<", ref="poly_test_r2").evaluate(state)
    assert not Check("missing", "<", 1).evaluate(state)
    assert not Check("nan", "<", 1).evaluate(state) and not Check("nan", ">", 1).evaluate(state)
    both = Check.from_dict(
        {"all": [{"metric": "collapsible", "op": "==", "value": True},
                 {"metric": "max_abs_diff", "op": "<", "value": 0.001}]}, "t"
    )  # fmt: skip
    assert not both.evaluate(state)
    assert both.describe() == "collapsible == True and max_abs_diff < 0.001"
    either = Check.from_dict({"any": [{"metric": "test_r2", "op": ">", "value": 0.9},
                                      {"metric": "x", "op": ">", "value": 0}]}, "t")  # fmt: skip
    assert either.evaluate(state) and either.metrics() == {"test_r2", "x"}


_MINIMAL = """
title = "T"
summary = "S"
[[steps]]
title = "one"
text = "Read this."
[steps.setup]
data = "builtin:linear?n=50"
target = "y"
layers = [{ kind = "dense", width = 3 }]
[steps.check]
metric = "epoch"
op = ">="
value = 1
"""


def test_parse_minimal_lesson_and_defaults():
    lesson = parse_lesson(_MINIMAL, "05-my-lesson.toml")
    assert lesson.id == "my-lesson" and lesson.order == 100
    step = lesson.steps[0]
    assert step.hidden_controls == () and step.setup.solve is False
    assert step.solution is None  # optional for a teacher's own lessons
    assert step.check.evaluate({"epoch": 3})


def test_parse_solution():
    text = (
        _MINIMAL
        + """
[steps.solution]
data = "builtin:linear?n=50&seed=4"
layers = [{ kind = "dense", width = 2, activation = "relu" }]
training = { learning_rate = 0.1 }
run = "solve"
ui = { diagnostics_source = "network", polynomial_degree = 3 }
"""
    )
    sol = parse_lesson(text).steps[0].solution
    assert sol.data.endswith("seed=4") and sol.layers[0].activation == "relu"
    assert sol.training == {"learning_rate": 0.1} and sol.run == "solve"
    assert sol.ui == {"diagnostics_source": "network", "polynomial_degree": 3}


@pytest.mark.parametrize(
    "old,new,message",
    [
        ('op = ">="', 'op = "=~"', "unknown op"),
        ('metric = "epoch"', 'code = "__import__(1)"', "unknown check key 'code'"),
        ("width = 3 }", 'width = 3, colour = "red" }', "unknown key 'colour'"),
        ("width = 3 }", 'width = 3, activation = "swish2" }', "unknown activation"),
        ('target = "y"', 'target = "y"\ntraining = { learning_rte = 0.1 }', "learning_rte"),
        ('target = "y"', 'target = "y"\ntraining = { learning_rate = -1.0 }', "positive"),
        ('title = "one"', 'title = ""', "'title' must be a non-empty text"),
        ("[[steps]]", "[[steps]\n", "not valid TOML"),
        ("value = 1", 'value = 1\nref = "x"', "exactly one of 'value' or 'ref'"),
        ("value = 1", 'value = 1\n[steps.solution]\nrun = "dance"', "'run' must be one of"),
        ("value = 1", "value = 1\n[steps.solution]\nclick = 1", "unknown key 'click'"),
        ("value = 1", "value = 1\n[steps.solution]\nui = { zoom = 2 }", "unknown ui key"),
        (
            "value = 1",
            'value = 1\n[steps.solution]\nui = { diagnostics_source = "mine" }',
            "ui diagnostics_source cannot be 'mine'",
        ),
        (
            "value = 1",
            "value = 1\n[steps.solution]\ntraining = { batch_size = -2 }",
            "batch size",
        ),
    ],
)
def test_bad_lessons_give_one_line_errors(old, new, message):
    with pytest.raises(LessonError) as err:
        parse_lesson(_MINIMAL.replace(old, new, 1), "bad.toml")
    text = str(err.value)
    assert message in text and text.startswith("bad.toml") and "\n" not in text
    assert isinstance(err.value, UserError)


def test_teacher_folder_skips_bad_files_when_asked(tmp_path):
    (tmp_path / "01-good.toml").write_text(_MINIMAL)
    (tmp_path / "02-bad.toml").write_text("title = ")
    (tmp_path / "notes.txt").write_text("not a lesson")
    errors: list[str] = []
    lessons = load_lessons(tmp_path, errors=errors)
    assert [les.id for les in lessons] == ["good"]
    assert len(errors) == 1 and errors[0].startswith("02-bad.toml")
    with pytest.raises(LessonError):
        load_lessons(tmp_path)


def test_bad_dataset_in_setup_is_a_user_error():
    lesson = parse_lesson(_MINIMAL.replace("builtin:linear", "builtin:nope"), "x.toml")
    with pytest.raises(UserError, match="no built-in dataset 'nope'"):
        apply_step_setup(lesson.steps[0])
