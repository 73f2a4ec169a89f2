"""The diagnostics cards' "Remedy" buttons: intent -> job -> before/after in the card.

Kept out of the controller (which must stay small) and out of the diagnostics panel: the
panel creates one ``RemedyIntents`` and this object does the rest. A remedy runs as a job
(``workbench.remedies.remedy_job``) on the training rows the card's OLS report used, with
that report, so nothing proportional to the rows runs on the GUI thread. Each card has its
own job kind, so remedies on two cards do not cancel each other. A new report on other data
(the table, the target, the features or the rows changed) clears every comparison; a new
report after training on the same rows keeps them (the OLS fit they compare is the same).
The HAC remedy uses the lag chosen under the collapse table (``hacLagsSpin``) when HAC is
chosen there and the lag is not "auto"; otherwise the default ``floor(4 (n/100)^(2/9))``.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from nnlin_gui.workbench.remedies import remedy_job

log = logging.getLogger(__name__)

__all__ = ["RemedyIntents"]


class RemedyIntents(QObject):
    """Connects the remedy boxes of ``panel.cards`` to the controller's job runner."""

    def __init__(self, panel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.controller = panel.controller
        self._tokens: dict[int, str] = {}  # job token -> assumption
        self._data: tuple | None = None  # which arrays the comparisons shown were made on
        for card in panel.cards.values():
            card.remedy_box.remedy_requested.connect(self.apply)
        self.controller.background_done.connect(self._on_done)
        self.controller.background_failed.connect(self._on_failed)

    def _box(self, assumption: str):
        return self.panel.cards[assumption].remedy_box

    @Slot(str, str)
    def apply(self, assumption: str, remedy: str) -> None:
        """Run ``remedy`` for the card of ``assumption`` (its result arrives in the card)."""
        c, panel = self.controller, self.panel
        trainer, ds = c.trainer, c.dataset
        result = panel.result
        if trainer is None or ds is None or result is None or trainer.spec.head != "identity":
            self._box(assumption).show_failure(
                "Remedies need the OLS diagnostics of a numeric target; none are shown yet."
            )
            return
        if c.is_training:
            self._box(assumption).show_failure("Pause training first: the data are in use.")
            return
        rows = trainer.train_rows
        if len(rows) != result.ols.n or result.ols.feature_names != tuple(ds.feature_names):
            self._box(assumption).show_failure(
                "The diagnostics are being recomputed; try again in a moment."
            )
            return
        job = partial(
            remedy_job,
            trainer.X,  # never modified by the trainer; the job copies the rows it needs
            trainer.y,
            rows,
            tuple(str(n) for n in ds.feature_names),
            result.ols,
            remedy,
            assumption,
            hac_lags=self.hac_lags() if remedy == "hac" else None,
        )
        key = self._data_key()
        if key != self._data:
            self.clear_all()  # the other cards' comparisons were made on other data
            self._data = key
        token = c.run_background(f"panel:remedy:{assumption}", job)
        self._tokens = {t: a for t, a in self._tokens.items() if a != assumption}
        self._tokens[token] = assumption

    @Slot(int, str, object)
    def _on_done(self, token: int, kind: str, result) -> None:
        if kind == "panel:diagnostics" and result is not None:
            if self._data_key() != self._data:
                self.clear_all()  # a report on other data: the comparisons are stale
            return
        assumption = self._tokens.pop(token, None)
        if assumption is not None and result is not None:
            self._box(assumption).show_outcome(result)

    @Slot(int, str, str)
    def _on_failed(self, token: int, kind: str, message: str) -> None:
        assumption = self._tokens.pop(token, None)
        if assumption is not None:
            self._box(assumption).show_failure(message)

    def hac_lags(self) -> int | None:
        """The Newey-West lag chosen under the collapse table (``hacLagsSpin``) while it
        offers HAC errors; None (the default lag) when it is on "auto", shows another
        choice, or is not in this window. Read as File > Export > Python script does."""
        root = self.panel
        while root.parentWidget() is not None:  # window() stops at a floating dock
            root = root.parentWidget()
        box = root.findChild(QWidget, "covarianceBox")
        if box is None or getattr(box, "cov_type", None) != "HAC":
            return None
        return getattr(box, "hac_lags", None)

    def _data_key(self) -> tuple | None:
        """Identity of the arrays an OLS fit of the panel reads (cheap: no pass over rows)."""
        c = self.controller
        trainer, ds = c.trainer, c.dataset
        if trainer is None or ds is None:
            return None
        rows = trainer.train_rows
        return (id(trainer.X), id(trainer.y), id(rows), len(rows), tuple(ds.feature_names))

    def clear_all(self) -> None:
        """Hide every card's comparison (and forget jobs still running)."""
        self._tokens.clear()
        for card in self.panel.cards.values():
            card.remedy_box.clear()
