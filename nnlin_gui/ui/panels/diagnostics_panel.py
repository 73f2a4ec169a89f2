"""The diagnostics panel (objectName ``diagnosticsPanel``): every OLS assumption as a card
with a traffic light, for the OLS residuals, the network's, or both side by side.

The reports are computed on the controller's task thread (``run_background``) when the
controller is idle: after a run, a step, a solve, a reset, a weight edit, and a data or
target change, and only while the panel can be seen. A tabbed-away dock still counts as
visible to Qt, so the panel follows its dock's ``visibilityChanged`` (sent when the tab
is raised or hidden) instead: at 1M rows the tests take seconds of CPU and their imports
and GIL-holding LAPACK calls slowed the window (a file dropped at start-up waited behind
them) for a report nobody was looking at. Raising the tab computes the report. Both
sources are computed together, so the switch answers at once. The diagnostics limit BLAS
to one thread process-wide, so they are never scheduled while training runs.

The GUI thread does nothing proportional to the rows: it hands the job references to the
trainer's (never modified) data arrays and a copy of the network's parameters, and the job
selects the training rows and predicts them. A cheap key of those inputs (array identities,
a strided sample of the values, a digest of the parameters) decides whether anything
changed: signals that change nothing (the baseline arriving, a second results signal) do
not start the tests again. A finished report is drawn one card per event-loop turn.

A classification target gets the logistic regression's page instead of the cards
(``panels.logistic_page``: ROC, calibration, confusion matrix, Hosmer-Lemeshow, influence).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import partial

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.core.networks.network import Network, NetworkSpec
from nnlin_gui.core.networks.scaling import Scaling
from nnlin_gui.core.statistics.diagnostics.report import ASSUMPTIONS
from nnlin_gui.ui.font_roles import BASE_PT, ratio_of, set_relative
from nnlin_gui.ui.panels.logistic_page import LogisticPage
from nnlin_gui.ui.remedy_intents import RemedyIntents
from nnlin_gui.ui.widgets.diagnostic_card import DiagnosticCard

log = logging.getLogger(__name__)

SOURCES = (("ols", "OLS residuals"), ("network", "Network residuals"), ("both", "Both"))
CARD_WIDTH = 470  # the narrowest a single-source card reads well at
BOTH_WIDTH = 920  # ... and a card with two sources side by side
DEBOUNCE_MS = 120


@dataclass(frozen=True)
class DiagnosticsResult:
    """Both reports for one state of the model (``network`` None when unavailable)."""

    ols: object
    network: object
    n_rows: int
    seconds: float


@dataclass(frozen=True)
class DiagnosticsInputs:
    """What the job reads: the trainer's data arrays (read-only views: the trainer never
    modifies them, so no copy is made on the GUI thread), its training rows, and a copy of
    the network (spec, parameters, scaling) to predict them with."""

    X: np.ndarray
    y: np.ndarray
    rows: np.ndarray
    names: tuple[str, ...]
    spec: NetworkSpec
    theta: np.ndarray
    scaling: Scaling

    @classmethod
    def from_trainer(cls, trainer, names) -> DiagnosticsInputs:
        """Snapshot ``trainer`` (idle) in time proportional to its parameters, not rows."""
        s = trainer.scaling
        scaling = Scaling(
            *(np.array(a, copy=True) for a in (s.x_mean, s.x_scale, s.y_mean, s.y_scale))
        )
        return cls(
            _read_only(trainer.X),
            _read_only(trainer.y),
            _read_only(trainer.train_rows),
            tuple(str(n) for n in names),
            trainer.spec,
            trainer.network.theta.copy(),
            scaling,
        )

    def key(self) -> tuple:
        """Changes when the data, the rows or the fitted values may have changed."""
        X, y, rows, sc = self.X, self.y, self.rows, self.scaling
        # A strided sample of the values guards against a new array at a reused address.
        r = rows[:: max(1, len(rows) // 64)]
        c = np.arange(0, X.shape[1], max(1, X.shape[1] // 64))
        parts = [X[np.ix_(r, c)], y[r], r, self.theta]
        parts += [sc.x_mean, sc.x_scale, sc.y_mean, sc.y_scale]
        digest = hashlib.blake2b(digest_size=16)
        for part in parts:
            digest.update(np.ascontiguousarray(part).tobytes())
        identity = (_base_id(X), X.shape, _base_id(y), _base_id(rows), len(rows))
        return (identity, self.names, self.spec, digest.hexdigest())

    def fitted(self, X: np.ndarray) -> np.ndarray | None:
        """The network's predictions at ``X`` (None when not finite)."""
        net = Network(self.spec, seed=0)
        net.theta[...] = self.theta
        try:
            raw = net.forward(self.scaling.transform_x(X))
            pred = np.asarray(self.scaling.inverse_y(raw), dtype=np.float64).ravel()
        except (ValueError, FloatingPointError):
            log.debug("no network predictions for the diagnostics", exc_info=True)
            return None
        return pred if np.isfinite(pred).all() else None


def _read_only(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


def _base_id(a: np.ndarray) -> int:
    return id(a.base if a.base is not None else a)


def diagnostics_job(inputs: DiagnosticsInputs, progress, cancel) -> DiagnosticsResult | None:
    """Select the training rows, predict them, run the OLS report and the network's
    (task thread)."""
    from nnlin_gui.core.statistics.diagnostics import diagnose_ols, diagnose_residuals

    X, y = inputs.X[inputs.rows], inputs.y[inputs.rows]
    fitted = inputs.fitted(X)
    if cancel.is_set():
        return None
    ols = diagnose_ols(X, y, inputs.names)
    progress(0.5)
    if cancel.is_set():
        return None
    net = None
    if fitted is not None:
        net = diagnose_residuals(X, y, fitted, inputs.names, source="network")
    return DiagnosticsResult(ols, net, len(y), ols.seconds + (net.seconds if net else 0.0))


# The cards show two p columns; this says which is which and which one the lights use.
P_LEGEND = (
    "p (raw): each test on its own. p (Holm): adjusted for all the p-values of the report "
    "at once; the verdicts and lights use it (below 0.05 warning, below 0.01 violated)."
)


class DiagnosticsPanel(QWidget):
    """objectName ``diagnosticsPanel``; ``residualSourceCombo`` switches OLS / network / both,
    ``diagnosticsStatus`` says what is shown, cards are ``card_<assumption>`` with lights
    ``light_<assumption>`` (and ``light_<assumption>_network`` in the second column)."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagnosticsPanel")
        self.controller = controller
        self.result: DiagnosticsResult | None = None
        self._token = -2
        self._stale = True  # inputs may have changed since they were last looked at
        self._shown_key: tuple | None = None  # inputs of what the cards show
        self._pending_key: tuple | None = None  # inputs of the job running
        # Card steps still to draw, one per event-loop turn: (assumption, "table" | "plot").
        self._draw_queue: list[tuple[str, str]] = []
        self._columns = 0
        self._dock: QDockWidget | None = None  # the dock whose visibility we follow

        top = QHBoxLayout()
        self._source_caption = caption = QLabel("<b>Residuals of</b>")
        self.source_combo = QComboBox(objectName="residualSourceCombo")
        for key, text in SOURCES:
            self.source_combo.addItem(text, key)
        self.source_combo.setToolTip(
            "OLS residuals: the closed-form fit. Network residuals: the trained network's "
            "own errors (tests that refit OLS say n/a). Both: side by side."
        )
        self.source_combo.currentIndexChanged.connect(self._redraw)
        self.status = QLabel(objectName="diagnosticsStatus")
        self.status.setWordWrap(True)
        top.addWidget(caption)
        top.addWidget(self.source_combo)
        top.addSpacing(12)
        top.addWidget(self.status, 1)
        # The notes and the p-value legend fold away (they filled a presentation-mode page):
        # the cards come first, a click shows the notes.
        self.notes_button = QToolButton(objectName="diagnosticsNotesButton", text="Notes ▸")
        self.notes_button.setCheckable(True)
        self.notes_button.setAutoRaise(True)
        self.notes_button.setToolTip(P_LEGEND)
        self.notes_button.toggled.connect(self._show_notes)
        top.addWidget(self.notes_button, 0, Qt.AlignmentFlag.AlignTop)
        self.notes = QLabel(objectName="diagnosticsNotes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #888;")  # readable on light and dark themes
        self.p_legend = QLabel(P_LEGEND, objectName="pValueLegend")
        self.p_legend.setWordWrap(True)
        self.p_legend.setStyleSheet("color: #888;")
        self.cards = {name: DiagnosticCard(name) for name in ASSUMPTIONS}
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.addLayout(top)
        lay.addWidget(self.notes)
        lay.addWidget(self.p_legend)
        lay.addLayout(self.grid, 1)
        # A classification target: the logistic regression's page instead of the cards.
        self.logistic_page = LogisticPage(controller)
        self.logistic_page.hide()
        lay.addWidget(self.logistic_page, 1)
        for widget in (caption, self.source_combo, self.status, self.notes, self.p_legend):
            set_relative(widget, ratio_of(11))  # presentation mode scales it
        set_relative(self.notes_button, ratio_of(11))
        self._show_notes()
        self._layout_cards()

        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._compute)
        self._draw_timer = QTimer(self, singleShot=True, interval=0)
        self._draw_timer.timeout.connect(self._draw_next)
        controller.results_changed.connect(self.schedule)
        controller.dataset_changed.connect(self.schedule)
        controller.training_finished.connect(self.schedule)
        controller.background_done.connect(self._on_done)
        controller.background_failed.connect(self._on_failed)
        self.status.setText("Waiting for the data…")
        self.remedies = RemedyIntents(self)  # each card's Remedy button

    # -- public -----------------------------------------------------------------------------

    @property
    def source(self) -> str:
        """'ols', 'network' or 'both'."""
        return str(self.source_combo.currentData())

    def set_source(self, source: str) -> None:
        """Show the OLS residuals, the network's, or both side by side."""
        index = self.source_combo.findData(source)
        if index < 0:
            raise ValueError(f"unknown residual source {source!r}")
        self.source_combo.setCurrentIndex(index)

    def verdicts(self, column: int = 0) -> dict[str, str]:
        """Assumption -> the verdict its light in ``column`` shows ('' before any result)."""
        out = {}
        for name, card in self.cards.items():
            v = card.verdicts
            out[name] = v[column] if column < len(v) else ""
        return out

    @property
    def up_to_date(self) -> bool:
        """True when the cards show the report of the current inputs (nothing pending)."""
        return not (self._stale or self._timer.isActive() or self._pending_key or self._draw_queue)

    @Slot()
    def schedule(self, *_args) -> None:
        """Look at the inputs soon (coalescing bursts of signals) and rerun the tests if
        they changed, once the controller is idle."""
        self._stale = True
        self._timer.start()

    # -- computing --------------------------------------------------------------------------

    def _compute(self) -> None:
        c = self.controller
        trainer, ds = c.trainer, c.dataset
        if trainer is None or ds is None or c.is_training:
            return  # training_finished schedules us again
        if trainer.spec.n_inputs != len(ds.feature_names) or len(trainer.y) != ds.n_rows:
            return  # a new dataset whose trainer is still being built: results_changed follows
        if not self._seen():
            return  # stays stale: raising the tab schedules us again
        self._stale = False
        if trainer.spec.head != "identity":
            self._show_classification(trainer)
            return
        self._show_logistic(False)
        inputs = DiagnosticsInputs.from_trainer(trainer, ds.feature_names)
        key = inputs.key()
        if key in (self._shown_key, self._pending_key):
            return  # nothing changed: no rerun
        self._pending_key = key
        self._draw_queue = []
        self._token = c.run_background("panel:diagnostics", partial(diagnostics_job, inputs))
        self.status.setText(f"Running the assumption tests on {len(inputs.rows):,} training rows…")

    def _seen(self) -> bool:
        """Whether a user can see the panel: its dock is shown and its tab raised (True
        outside a dock: a panel on its own always computes)."""
        dock = self.parent()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parent()
        if dock is None:
            return True
        if dock is not self._dock:
            self._dock = dock
            dock.visibilityChanged.connect(self._on_dock_visibility)
        return dock.isVisible() and not self.visibleRegion().isEmpty()

    @Slot(bool)
    def _on_dock_visibility(self, visible: bool) -> None:
        if visible and self._stale:
            self.schedule()

    def _show_classification(self, trainer) -> None:
        self._shown_key, self._pending_key = ("classification", id(trainer)), None
        self._draw_queue = []
        self.result = None
        self._show_logistic(True)
        self.status.setText(
            "A classification target: the diagnostics of the logistic regression on the "
            "training rows (the OLS assumptions are about regression)."
        )
        self.logistic_page.show_for(trainer, self.controller.dataset)

    def _show_logistic(self, on: bool) -> None:
        """The logistic page instead of the OLS cards and their controls, or back."""
        if self.logistic_page.isVisibleTo(self) == on:
            return
        self.logistic_page.setVisible(on)
        # The notes and the p-value legend are about the OLS cards: the button goes with
        # them, and coming back they stay folded unless it is down.
        for widget in (
            *self.cards.values(),
            self._source_caption,
            self.source_combo,
            self.notes_button,
        ):
            widget.setVisible(not on)
        self._show_notes()

    @Slot(int, str, object)
    def _on_done(self, token: int, kind: str, result) -> None:
        if token != self._token or result is None:
            return
        self._shown_key, self._pending_key = self._pending_key, None
        self.result = result
        self._draw_status()
        # Half a card per turn (its table, then its plot): no long stall.
        self._draw_queue = [(name, part) for name in ASSUMPTIONS for part in ("table", "plot")]
        self._draw_timer.start()

    @Slot(int, str, str)
    def _on_failed(self, token: int, kind: str, message: str) -> None:
        if token != self._token:
            return
        self._shown_key, self._pending_key = self._pending_key, None
        self._draw_queue = []
        self.result = None
        self.status.setText(f"No diagnostics: {message}")

    # -- drawing ----------------------------------------------------------------------------

    def _shown(self) -> list[tuple[str, object]]:
        res = self.result
        if res is None:
            return []
        if self.source == "ols" or res.network is None:
            return [("ols", res.ols)]
        if self.source == "network":
            return [("network", res.network)]
        return [("ols", res.ols), ("network", res.network)]

    def _redraw(self, *_args) -> None:
        """Every card at once (the user switched the source: the answer is immediate)."""
        self._draw_queue = []
        shown = self._shown()
        self._layout_cards()
        if not shown:
            return
        for card in self.cards.values():
            card.show_reports(shown)
        self._draw_status()

    def _draw_next(self) -> None:
        if not self._draw_queue:
            return
        name, part = self._draw_queue.pop(0)
        shown = self._shown()
        if name == ASSUMPTIONS[0] and part == "table":
            self._layout_cards()
        if shown and part == "table":
            self.cards[name].show_reports(shown, plots=False)
        elif shown:
            self.cards[name].show_plots(shown)
        if self._draw_queue:
            self._draw_timer.start()

    def _draw_status(self) -> None:
        shown = self._shown()
        res = self.result
        if not shown:
            return
        flagged = [name for name in ASSUMPTIONS if any(r.verdicts[name] != "ok" for _, r in shown)]
        what = " and ".join(s for s, _ in shown).replace("ols", "OLS")
        summary = "every assumption holds" if not flagged else "check: " + ", ".join(flagged)
        missing = ""
        if self.source != "ols" and res.network is None:
            missing = " (the network's predictions are not finite: showing OLS)"
        self.status.setText(
            f"{what} residuals on {res.n_rows:,} training rows: <b>{summary}</b>{missing}. "
            f"<span style='color:#888'>({res.seconds:.2f} s)</span>"
        )
        notes = dict.fromkeys(n for _, r in shown for n in r.notes)
        self.notes.setText(" ".join(notes))
        self._show_notes()

    def _show_notes(self, *_args) -> None:
        """The notes and the p-value legend, when the Notes button is down."""
        shown = self.notes_button.isChecked() and not self.logistic_page.isVisibleTo(self)
        self.notes_button.setText("Notes ▾" if shown else "Notes ▸")
        self.notes.setVisible(shown and bool(self.notes.text()))
        self.p_legend.setVisible(shown)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._layout_cards()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode: wider cards
            self._columns = 0
            self._layout_cards()

    def _layout_cards(self) -> None:
        per_card = BOTH_WIDTH if len(self._shown()) == 2 else CARD_WIDTH
        # The widths were chosen at the usual 9 pt font: larger text, wider cards.
        per_card = int(per_card * max(1.0, self.font().pointSizeF() / BASE_PT))
        columns = int(np.clip(self.width() // per_card, 1, 3))
        if columns == self._columns:
            return
        self._columns = columns
        for i, name in enumerate(ASSUMPTIONS):
            card = self.cards[name]
            self.grid.removeWidget(card)
            self.grid.addWidget(card, i // columns, i % columns)
        for col in range(3):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)
