"""The diagnostics panel (objectName ``diagnosticsPanel``): every OLS assumption as a card
with a traffic light, for the OLS residuals, the network's, or both side by side.

The reports are computed on the controller's task thread (``run_background``) when the
controller is idle: after a run, a step, a solve, a reset, a weight edit, and a data or
target change (a tabbed-away dock still counts as visible to Qt, so the panel does not
try to guess whether it is seen: the work is a fraction of a second off the GUI thread). Both
sources are computed together, so the switch answers at once. The diagnostics limit BLAS
to one thread process-wide, so they are never scheduled while training runs.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import partial

import numpy as np
from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnlin_gui.ui.widgets.diagnostic_card import DiagnosticCard

log = logging.getLogger(__name__)

ASSUMPTIONS = (
    "collinearity",
    "homoskedasticity",
    "independence",
    "normality",
    "linearity",
    "influence",
)
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


def diagnostics_job(
    X: np.ndarray, y: np.ndarray, fitted: np.ndarray | None, names, progress, cancel
) -> DiagnosticsResult | None:
    """Run the OLS report and, when ``fitted`` is given, the network's (task thread)."""
    from nnlin_gui.core.diagnostics import diagnose_ols, diagnose_residuals

    ols = diagnose_ols(X, y, names)
    progress(0.5)
    if cancel.is_set():
        return None
    net = None
    if fitted is not None:
        net = diagnose_residuals(X, y, fitted, names, source="network")
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
        self._cancel: threading.Event | None = None
        self._stale = True
        self._columns = 0

        top = QHBoxLayout()
        caption = QLabel("<b>Residuals of</b>")
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
        for widget in (caption, self.source_combo, self.status, self.notes, self.p_legend):
            font = widget.font()
            font.setPointSize(11)
            widget.setFont(font)
        self._layout_cards()

        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._compute)
        controller.results_changed.connect(self.schedule)
        controller.dataset_changed.connect(self.schedule)
        controller.training_finished.connect(self.schedule)
        controller.background_done.connect(self._on_done)
        controller.background_failed.connect(self._on_failed)
        self.status.setText("Waiting for the data…")

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

    @Slot()
    def schedule(self, *_args) -> None:
        """Recompute soon (coalescing bursts of signals), once the controller is idle."""
        self._stale = True
        if self._cancel is not None:
            self._cancel.set()
        self._timer.start()

    # -- computing --------------------------------------------------------------------------

    def _compute(self) -> None:
        c = self.controller
        trainer, ds = c.trainer, c.dataset
        if trainer is None or ds is None or not self._stale:
            return
        if c.is_training:
            return  # training_finished schedules us again
        if trainer.spec.head != "identity":
            self._stale = False
            self.result = None
            self.status.setText(
                "The OLS assumptions are about regression; this target is a classification "
                "(the logistic comparison is in the Collapse panel)."
            )
            return
        rows = trainer.train_rows
        X, y = trainer.X[rows].copy(), trainer.y[rows].copy()
        fitted = None
        try:
            pred = np.asarray(trainer.predict(X), dtype=np.float64)
            if np.isfinite(pred).all():
                fitted = pred.ravel().copy()
        except (ValueError, FloatingPointError):
            log.debug("no network predictions for the diagnostics", exc_info=True)
        self._stale = False
        self._cancel = threading.Event()
        job = partial(diagnostics_job, X, y, fitted, tuple(ds.feature_names))
        self._token = c.run_background("panel:diagnostics", job, self._cancel)
        self.status.setText(f"Running the assumption tests on {len(y):,} training rows…")

    @Slot(int, str, object)
    def _on_done(self, token: int, kind: str, result) -> None:
        if token != self._token or result is None:
            return
        self.result = result
        self._redraw()

    @Slot(int, str, str)
    def _on_failed(self, token: int, kind: str, message: str) -> None:
        if token != self._token:
            return
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
        shown = self._shown()
        self._layout_cards()
        if not shown:
            return
        for card in self.cards.values():
            card.show_reports(shown)
        res = self.result
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
        self.notes.setVisible(bool(notes))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._layout_cards()

    def _layout_cards(self) -> None:
        per_card = BOTH_WIDTH if len(self._shown()) == 2 else CARD_WIDTH
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
