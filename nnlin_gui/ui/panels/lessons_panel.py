"""The Lessons panel: guided steps that set up data, network and settings in one click.

objectName ``lessonsPanel``. Widgets: ``lessonCombo`` (the lessons), ``lessonSummary``,
``lessonStepLabel``, ``lessonText``, ``lessonSetupButton`` ("Set up this step"),
``lessonRunButton`` (trains, or solves when the step says so), ``lessonCheckLabel`` (ticks
when the step's check is met), ``lessonPrevButton`` / ``lessonNextButton`` and
``lessonInstructorCheck`` (instructor mode: hides the step's ``hidden_controls`` and
disables its ``locked_controls``, found by objectName in the window).

The check is evaluated after results change (``controller.results_changed``), on a copy of
the trainer in the controller's background thread, so a diagnostics check never stalls the
window. Besides the trainer, a check may read what the student did in other panels
(``core.lessons.UI_KEYS``): the residuals the diagnostics panel shows
(``residualSourceCombo``) and the degree of a polynomial fitted in the collapse panel since
the step was set up (whose ``polyDegreeSpin`` the set-up presets to the step's degree).
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.core.files.lessons import Lesson, LessonStep, load_lessons, needs_diagnostics
from nnlin_gui.core.networks.training import TrainingConfig
from nnlin_gui.ui.font_roles import set_relative
from nnlin_gui.workbench.jobs import lesson_check_job

log = logging.getLogger(__name__)

TICK, OPEN = "\u2714", "\u2610"
_KIND = "panel:lesson-check"
_POLY_KIND = "panel:polynomial"  # the collapse panel's polynomial fit: (result, degree)

__all__ = ["LessonsPanel", "needs_diagnostics"]


class LessonsPanel(QWidget):
    """Pick a lesson, read a step, set it up in one click, and see its check tick.

    Signals
    -------
    check_changed(bool) : the current step's check was evaluated (True: met)
    """

    check_changed = Signal(bool)

    def __init__(
        self,
        controller,
        root: QWidget | None = None,
        lessons: list[Lesson] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lessonsPanel")
        self.controller = controller
        self._root = root
        self.load_errors: list[str] = []
        self.lessons = lessons if lessons is not None else load_lessons(errors=self.load_errors)
        self.lesson_index = 0
        self.step_index = 0
        self._applied: tuple[int, int] | None = None  # the step whose setup is current
        self._token = -1
        self.check_met: bool | None = None
        self.last_state: dict = {}
        self._touched: list[tuple[object, str, bool]] = []  # (object, what, old value)
        self._poly_degree: int | None = None  # a polynomial fitted since the set-up
        self._watched_source: QComboBox | None = None
        self._build()
        self._eval_timer = QTimer(self, singleShot=True, interval=0)
        self._eval_timer.timeout.connect(self.evaluate)
        controller.results_changed.connect(self._on_results)
        controller.dataset_changed.connect(self._forget_polynomial)
        controller.background_done.connect(self._on_done)
        controller.background_failed.connect(self._on_failed)
        self._watch_source()
        self._show()

    # -- construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        self.combo = QComboBox(objectName="lessonCombo")
        # Sized by a length, not the longest title: the column stays narrow on small screens.
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(14)
        for i, lesson in enumerate(self.lessons):
            self.combo.addItem(f"{i + 1}. {lesson.title}")
        self.combo.currentIndexChanged.connect(self.select_lesson)
        self.summary = QLabel(objectName="lessonSummary", wordWrap=True)
        # No style sheet here: it would pin the font against presentation mode's larger one.
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.step_label = QLabel(objectName="lessonStepLabel", wordWrap=True)
        set_relative(self.step_label, 1.0, bold=True)  # follows presentation mode
        self.text = QLabel(objectName="lessonText", wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setup_button = QPushButton("Set up this step", objectName="lessonSetupButton")
        self.setup_button.setToolTip("Load this step's data, network and training settings")
        self.setup_button.clicked.connect(self.set_up_step)
        self.run_button = QPushButton("Train", objectName="lessonRunButton")
        self.run_button.clicked.connect(self.run_step)
        self.check_label = QLabel(objectName="lessonCheckLabel", wordWrap=True)
        self.prev_button = QToolButton(objectName="lessonPrevButton", text="\u25c0 Previous")
        self.next_button = QToolButton(objectName="lessonNextButton", text="Next \u25b6")
        self.prev_button.clicked.connect(lambda: self.select_step(self.step_index - 1))
        self.next_button.clicked.connect(lambda: self.select_step(self.step_index + 1))
        self.instructor = QCheckBox("Instructor mode", objectName="lessonInstructorCheck")
        self.instructor.setToolTip("Hide or lock the controls this step does not need")
        self.instructor.toggled.connect(self._apply_instructor)
        self.errors_label = QLabel(objectName="lessonErrorsLabel", wordWrap=True)
        self.errors_label.setStyleSheet("color: #a0281a;")
        self.errors_label.setText("\n".join(self.load_errors))
        self.errors_label.setVisible(bool(self.load_errors))

        buttons = QHBoxLayout()
        buttons.addWidget(self.setup_button, 1)
        buttons.addWidget(self.run_button)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        # The step's text scrolls in its own area and the buttons stay at the bottom: a
        # longer or shorter step no longer moves them under the pointer.
        page = QWidget(objectName="lessonPage")
        page_lay = QVBoxLayout(page)
        page_lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.step_label, self.text, self.check_label):
            page_lay.addWidget(w)
        page_lay.addStretch(1)
        scroll = QScrollArea(objectName="lessonScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        scroll.setMinimumHeight(120)
        self._page = scroll
        for w in (self.combo, self.summary):
            lay.addWidget(w)
        lay.addWidget(scroll, 1)
        lay.addLayout(buttons)
        lay.addLayout(nav)
        lay.addWidget(self.instructor)  # its own row: the column stays narrow
        lay.addWidget(self.errors_label)

    def set_lessons(self, lessons: list[Lesson], errors: list[str] | tuple = ()) -> None:
        """Offer ``lessons`` instead (a teacher's folder, a lab's choice), with ``errors``
        one line each; the current lesson and step stay when the lesson is still offered."""
        current = self.lesson.id if self.lesson is not None else None
        self._restore_controls()
        self.lessons = list(lessons)
        self.load_errors = list(errors)
        self.errors_label.setText("\n".join(self.load_errors))
        self.errors_label.setVisible(bool(self.load_errors))
        ids = [lesson.id for lesson in self.lessons]
        kept = current in ids
        self.combo.blockSignals(True)
        self.combo.clear()
        for i, lesson in enumerate(self.lessons):
            self.combo.addItem(f"{i + 1}. {lesson.title}")
        self.lesson_index = ids.index(current) if kept else 0
        self.combo.setCurrentIndex(self.lesson_index if self.lessons else -1)
        self.combo.blockSignals(False)
        if not kept:
            self.step_index, self._applied = 0, None
        for w in (self.setup_button, self.run_button):
            w.setEnabled(bool(self.lessons))
        self._show()

    # -- navigation ------------------------------------------------------------------------------

    @property
    def lesson(self) -> Lesson | None:
        return self.lessons[self.lesson_index] if self.lessons else None

    @property
    def step(self) -> LessonStep | None:
        lesson = self.lesson
        return None if lesson is None else lesson.steps[self.step_index]

    def select_lesson(self, index: int) -> None:
        """Show lesson ``index`` at its first step."""
        if not 0 <= index < len(self.lessons):
            return
        self.lesson_index = index
        if self.combo.currentIndex() != index:
            self.combo.setCurrentIndex(index)  # re-enters with the same index: harmless
        self.select_step(0)

    def select_step(self, index: int) -> None:
        """Show step ``index`` of the current lesson (its check waits for its setup)."""
        lesson = self.lesson
        if lesson is None or not 0 <= index < len(lesson.steps):
            return
        self.step_index = index
        self._show()

    def _show(self) -> None:
        self._restore_controls()
        lesson, step = self.lesson, self.step
        if lesson is None:
            self.step_label.setText("No lessons found.")
            for w in (self.setup_button, self.run_button, self.prev_button, self.next_button):
                w.setEnabled(False)
            return
        n = len(lesson.steps)
        self.summary.setText(f"<i>{html.escape(' '.join(lesson.summary.split()))}</i>")
        self.step_label.setText(f"Step {self.step_index + 1} of {n}: {step.title}")
        # Blank lines in the TOML text are paragraphs; single newlines are just wrapping.
        paragraphs = [" ".join(p.split()) for p in step.text.strip().split("\n\n")]
        self.text.setText("\n\n".join(paragraphs))
        self.run_button.setText("Solve analytically" if step.setup.solve else "Train")
        self._page.verticalScrollBar().setValue(0)  # a new step is read from its top
        self.prev_button.setEnabled(self.step_index > 0)
        self.next_button.setEnabled(self.step_index < n - 1)
        self.check_met = None
        self._set_check_text()
        self._apply_instructor(self.instructor.isChecked())
        if self._applied == (self.lesson_index, self.step_index):
            self._eval_timer.start()

    def _set_check_text(self) -> None:
        step = self.step
        if step is None or step.check is None:
            self.check_label.setText("")
            return
        mark = TICK if self.check_met else OPEN
        colour = "#2ea043" if self.check_met else "palette(text)"
        self.check_label.setStyleSheet(f"color: {colour};")
        hint = ""
        if self._applied != (self.lesson_index, self.step_index):
            hint = "  (set up this step first)"
        self.check_label.setText(f"{mark} {step.check.describe()}{hint}")

    # -- actions ---------------------------------------------------------------------------------

    def set_up_step(self) -> None:
        """Apply the current step's data, network and settings through the controller."""
        step = self.step
        if step is None:
            return
        s = step.setup
        self._applied = (self.lesson_index, self.step_index)
        self.check_met = None
        self._poly_degree = None
        self._set_check_text()
        self._watch_source()
        spin = self._find(QSpinBox, "polyDegreeSpin")
        if spin is not None and s.polynomial_degree is not None:
            spin.setValue(s.polynomial_degree)
        self.controller.apply_setup(
            s.data, s.target, s.features, s.layers, TrainingConfig(**dict(s.training))
        )

    def run_step(self) -> None:
        """Solve (when the step says so) or train the current network."""
        step = self.step
        if step is None:
            return
        if step.setup.solve:
            self.controller.solve()
        else:
            self.controller.train()

    # -- what the student did elsewhere ---------------------------------------------------------

    def _find(self, cls, name: str):
        root = self._root or self.window()
        return root.findChild(cls, name) if root is not None else None

    def _watch_source(self) -> None:
        """Re-check when the diagnostics panel switches residuals (once the window has it)."""
        combo = self._find(QComboBox, "residualSourceCombo")
        if combo is not None and combo is not self._watched_source:
            self._watched_source = combo
            combo.currentIndexChanged.connect(self._on_results)

    def ui_state(self) -> dict:
        """What the window knows and a check may read (``core.lessons.UI_KEYS``)."""
        ui = {}
        diagnostics = self._find(QWidget, "diagnosticsPanel")
        source = getattr(diagnostics, "source", None)
        if isinstance(source, str):
            ui["diagnostics_source"] = source
        if self._poly_degree is not None:
            ui["polynomial_degree"] = self._poly_degree
        return ui

    def _forget_polynomial(self, *_args) -> None:
        self._poly_degree = None  # it was fitted to other data

    # -- the check -------------------------------------------------------------------------------

    def _on_results(self, *_args) -> None:
        if self._applied == (self.lesson_index, self.step_index):
            self._eval_timer.start()

    def evaluate(self) -> None:
        """Compute the step's metrics from an idle copy of the trainer (background)."""
        c, step = self.controller, self.step
        if step is None or step.check is None or c.trainer is None or c.dataset is None:
            return
        if c.is_training or c.is_loading:
            return
        try:
            trainer = c.trainer.copy()  # the check reads this copy, off the GUI thread
        except Exception as exc:  # a check must never take the window down
            log.info("lesson check skipped: %s", exc)
            return
        from functools import partial

        job = partial(
            lesson_check_job,
            trainer,
            c.dataset,
            bool(c.solved),
            needs_diagnostics(step),
            self.ui_state(),
        )
        self._token = c.run_background(_KIND, job)
        self._token_step = (self.lesson_index, self.step_index)

    def _on_done(self, token: int, kind: str, state: object) -> None:
        if kind == _POLY_KIND and isinstance(state, tuple) and len(state) == 2:
            self._poly_degree = int(state[1])
            self._on_results()
            return
        if kind != _KIND or token != self._token:
            return
        if self._token_step != (self.lesson_index, self.step_index) or self.step is None:
            return
        self.last_state = dict(state)
        self.check_met = bool(self.step.check.evaluate(self.last_state))
        self._set_check_text()
        self.check_changed.emit(self.check_met)

    def _on_failed(self, token: int, kind: str, message: str) -> None:
        if kind == _KIND and token == self._token:
            log.info("lesson check failed: %s", message)
            self.check_label.setText(f"{OPEN} {self.step.check.describe()} ({message})")

    # -- instructor mode -------------------------------------------------------------------------

    def set_instructor_mode(self, on: bool) -> None:
        """Hide/lock the step's chosen controls (on) or give them all back (off)."""
        self.instructor.setChecked(bool(on))

    def _apply_instructor(self, on: bool) -> None:
        self._restore_controls()
        step = self.step
        if not on or step is None:
            return
        root = self._root or self.window()
        for names, hide in ((step.hidden_controls, True), (step.locked_controls, False)):
            for name in names:
                widget = root.findChild(QWidget, name)
                if widget is None:
                    log.info("instructor mode: no control named %s", name)
                    continue
                # A toolbar button is drawn from its action: hide the action (which also
                # turns off its shortcut), not the button.
                target = widget.defaultAction() if isinstance(widget, QToolButton) else None
                target = target or widget
                if hide:
                    # Hidden by itself, not because its dock or tab is not showing.
                    shown = target.isVisible() if target is not widget else not widget.isHidden()
                    self._touched.append((target, "visible", shown))
                    target.setVisible(False)
                else:
                    self._touched.append((target, "enabled", target.isEnabled()))
                    target.setEnabled(False)

    def release_controls(self) -> None:
        """Give back what instructor mode hid or locked (``reapply_controls`` takes them
        again): a lab lock changes underneath without the two mixing their states."""
        self._restore_controls()

    def reapply_controls(self) -> None:
        self._apply_instructor(self.instructor.isChecked())

    def _restore_controls(self) -> None:
        touched, self._touched = self._touched, []
        for obj, what, old in reversed(touched):
            try:
                obj.setVisible(old) if what == "visible" else obj.setEnabled(old)
            except RuntimeError:  # the widget was rebuilt (its C++ object is gone)
                pass

    # -- session support -------------------------------------------------------------------------

    def progress(self) -> dict:
        """Where the student is, for a session file's ``extra``."""
        lesson = self.lesson
        return {
            "lesson": "" if lesson is None else lesson.id,
            "step": self.step_index,
            "instructor": self.instructor.isChecked(),
        }

    def restore_progress(self, progress: dict) -> None:
        """Go back to the lesson and step saved by ``progress``."""
        ids = [lesson.id for lesson in self.lessons]
        lesson_id = progress.get("lesson")
        if lesson_id in ids:
            self.select_lesson(ids.index(lesson_id))
            self.select_step(int(progress.get("step", 0)))
            # The restored network is the step's own: its check applies again.
            self._applied = (self.lesson_index, self.step_index)
            self._show()
        self.set_instructor_mode(bool(progress.get("instructor", False)))
