"""The Lessons panel through the real window: every lesson's first step is set up with one
click, and does not tick until the student does what the step asks (its solution, done
through the window: panels, then the run button); instructor mode hides and locks controls
and gives them back."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSpinBox, QWidget

from nnlin_gui.core.files.lessons import load_lessons

LESSONS = load_lessons()


def _panel(window):
    panel = window.findChild(QWidget, "lessonsPanel")
    assert panel is not None
    return panel


def _set_up(qtbot, window, panel) -> None:
    """Click "Set up this step" and wait until the step's data and network are current."""
    c = window.controller
    step = panel.step
    qtbot.mouseClick(panel.findChild(QPushButton, "lessonSetupButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            c.table is not None
            and c.table.source == step.setup.data
            and c.trainer is not None
            and len(c.spec.layers) == len(step.setup.layers)
            and (c.baseline is not None or c.baseline_error is not None)
        ),
        timeout=20000,
    )


def _do_in_panels(qtbot, window, step) -> None:
    """The parts of the step's solution that happen outside the lessons panel (none without
    a solution: then the run button is the action, as in ``core.lessons.perform``)."""
    c, sol = window.controller, step.solution
    if sol is None:
        return
    assert sol.data is None, "a first step that changes the data needs a wait here"
    if sol.layers is not None:
        c.set_layers(sol.layers)
    if sol.training:
        c.set_config(replace(c.config, **sol.training))
    if "diagnostics_source" in sol.ui:
        window.diagnostics_panel.set_source(sol.ui["diagnostics_source"])
    if "polynomial_degree" in sol.ui:
        window.findChild(QSpinBox, "polyDegreeSpin").setValue(sol.ui["polynomial_degree"])
        qtbot.mouseClick(window.findChild(QPushButton, "polyButton"), Qt.MouseButton.LeftButton)


def test_all_bundled_lessons_listed(window):
    panel = _panel(window)
    combo = panel.findChild(QWidget, "lessonCombo")
    assert combo.count() == len(LESSONS) >= 8
    assert panel.load_errors == []
    assert window.findChild(QWidget, "lessonsDock") is not None


@pytest.mark.parametrize("index", range(len(LESSONS)), ids=[lesson.id for lesson in LESSONS])
def test_first_step_sets_up_runs_and_ticks(qtbot, window, wait_idle, index):
    panel = _panel(window)
    c = window.controller
    panel.findChild(QWidget, "lessonCombo").setCurrentIndex(index)
    assert panel.step_index == 0
    step = panel.step
    label = panel.findChild(QWidget, "lessonCheckLabel")
    assert step.check.describe() in label.text() and label.text().startswith("\u2610")
    _set_up(qtbot, window, panel)
    # The step's settings are in force (seed and, where given, the learning rate).
    assert c.config.seed == step.setup.training.get("seed", 0)
    if "learning_rate" in step.setup.training:
        assert c.config.learning_rate == step.setup.training["learning_rate"]
    qtbot.waitUntil(lambda: panel.check_met is False, timeout=30000)  # set up, not done
    assert label.text().startswith("\u2610")
    _do_in_panels(qtbot, window, step)
    run = panel.findChild(QPushButton, "lessonRunButton")
    assert run.text() == ("Solve analytically" if step.setup.solve else "Train")
    if step.solution is not None:
        assert step.solution.run == ("solve" if step.setup.solve else "train")
    qtbot.mouseClick(run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.check_met is True, timeout=30000)
    wait_idle(c)
    assert label.text().startswith("\u2714")
    if step.setup.solve:
        assert c.solved and c.epoch == 0  # solved, not trained
    else:
        assert c.trainer.epoch == step.setup.training["epochs"]
    assert step.check.evaluate(panel.last_state)


def test_next_previous_and_check_waits_for_setup(qtbot, window):
    panel = _panel(window)
    panel.select_lesson(0)
    nxt = panel.findChild(QWidget, "lessonNextButton")
    prev = panel.findChild(QWidget, "lessonPrevButton")
    assert not prev.isEnabled() and nxt.isEnabled()
    qtbot.mouseClick(nxt, Qt.MouseButton.LeftButton)
    assert panel.step_index == 1
    assert "Step 2 of 3" in panel.findChild(QWidget, "lessonStepLabel").text()
    assert "set up this step first" in panel.findChild(QWidget, "lessonCheckLabel").text()
    qtbot.mouseClick(prev, Qt.MouseButton.LeftButton)
    assert panel.step_index == 0


def test_instructor_mode_hides_and_locks_and_restores(qtbot, window):
    panel = _panel(window)
    ids = [lesson.id for lesson in LESSONS]
    panel.select_lesson(ids.index("nonlinear-activations"))  # hides solveButton
    assert "solveButton" in panel.step.hidden_controls
    check = panel.findChild(QWidget, "lessonInstructorCheck")
    check.setChecked(True)
    assert not window.act_solve.isVisible()
    panel.select_lesson(ids.index("linear-regression"))  # hides the layer controls instead
    assert window.act_solve.isVisible()
    add = window.findChild(QWidget, "addLayerButton")
    assert add.isHidden()
    check.setChecked(False)
    assert not add.isHidden()


LOCKING_LESSON = """
title = "Locks"
summary = "A lesson that locks the Train button."
[[steps]]
title = "Only solve"
text = "Solve it."
locked_controls = ["trainButton"]
hidden_controls = ["nosuchControl"]
[steps.setup]
data = "builtin:linear?n=100&seed=1"
solve = true
"""


def test_locked_controls_are_disabled_then_given_back(qtbot, window):
    from nnlin_gui.core.files.lessons import parse_lesson
    from nnlin_gui.ui.panels.lessons_panel import LessonsPanel

    panel = LessonsPanel(window.controller, root=window, lessons=[parse_lesson(LOCKING_LESSON)])
    qtbot.addWidget(panel)
    panel.set_instructor_mode(True)  # an unknown name is skipped, not an error
    assert not window.act_train.isEnabled() and window.act_train.isVisible()
    panel.set_instructor_mode(False)
    assert window.act_train.isEnabled()
