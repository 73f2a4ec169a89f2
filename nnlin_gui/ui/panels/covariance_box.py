"""The collapse table's covariance choice and the OLS model's own tests.

objectNames: ``covarianceCombo`` (nonrobust, HC0-HC3, HAC: ``nnlin ols --cov``),
``hacLagsSpin`` (shown only for HAC; "auto" is ``floor(4 (n/100)^(2/9))``, the CLI's
default) and ``olsModelStats`` (adjusted R², F on its df with p, log-likelihood, AIC, BIC
as R's ``summary.lm``/``logLik``/``AIC``/``BIC``; the F is the classical one whatever the
covariance, as in the CLI).

A robust choice is computed by ``workbench.remedies.covariance_job`` (``fit_ols`` with
``cov_type``, the function ``nnlin ols --cov`` calls) on the task thread, from the same
training rows as the baseline; the panel then redraws the table's SE, CI, t and p from it.
"""

from __future__ import annotations

import dataclasses
from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from nnlin_gui.core.statistics.regression import COV_TYPES, OLSResult
from nnlin_gui.workbench.remedies import covariance_job

COV_TEXT = {
    "nonrobust": "classical",
    "HC0": "HC0 (White)",
    "HC1": "HC1",
    "HC2": "HC2",
    "HC3": "HC3 (robust)",
    "HAC": "HAC (Newey-West)",
}
AUTO_LAGS = -1  # the spin box's "auto"


def model_stats_html(res: OLSResult) -> str:
    """One line of the model's own tests, as ``summary.lm`` and ``AIC``/``BIC`` give them."""
    p = f"{res.f_pvalue:.3g}" if res.f_pvalue == res.f_pvalue else "—"
    return (
        f"R² {res.r2:.4f} · adjusted R² <b>{res.adj_r2:.4f}</b> · F {res.fstat:.4g} on "
        f"{res.df_model} and {res.df_resid} df, p {p} · log-likelihood {res.llf:.5g} · "
        f"AIC {res.aic:.5g} · BIC {res.bic:.5g}"
    )


class CovarianceBox(QWidget):
    """Chooses the covariance of the OLS table; ``changed`` when the table should redraw."""

    changed = Signal()

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("covarianceBox")
        self.controller = controller
        self._token = -2
        self._key: tuple | None = None  # (id of the OLS baseline, cov, lags) computed
        self._robust: OLSResult | None = None
        self._pending: tuple | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(QLabel("Standard errors"))
        self.combo = QComboBox(objectName="covarianceCombo")
        for cov in COV_TYPES:
            self.combo.addItem(COV_TEXT[cov], cov)
        self.combo.setToolTip(
            "The OLS column's SE, CI, t and p: classical, White's HC0-HC3 (as "
            "sandwich::vcovHC) or Newey-West HAC (Bartlett, no prewhitening, no small-sample "
            "factor); t(n − p) for every choice, as lmtest::coeftest and nnlin ols --cov"
        )
        self.lags_label = QLabel("lags")
        self.lags = QSpinBox(objectName="hacLagsSpin", minimum=AUTO_LAGS, maximum=10_000)
        self.lags.setSpecialValueText("auto")
        self.lags.setValue(AUTO_LAGS)
        self.lags.setToolTip("Newey-West lag K; auto is floor(4 (n/100)^(2/9))")
        row.addWidget(self.combo)
        row.addWidget(self.lags_label)
        row.addWidget(self.lags)
        self.status = QLabel(objectName="covarianceStatus")
        self.status.setStyleSheet("color: #888;")
        row.addWidget(self.status, 1)
        lay.addLayout(row)
        self.stats = QLabel(objectName="olsModelStats")
        self.stats.setTextFormat(Qt.TextFormat.RichText)
        self.stats.setWordWrap(True)
        self.stats.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.stats)
        self._show_lags()
        self.combo.currentIndexChanged.connect(self._on_choice)
        self.lags.valueChanged.connect(self._on_choice)
        controller.background_done.connect(self._on_done)
        controller.background_failed.connect(self._on_failed)

    # -- the choice ----------------------------------------------------------------------------

    @property
    def cov_type(self) -> str:
        return str(self.combo.currentData())

    @property
    def hac_lags(self) -> int | None:
        value = self.lags.value()
        return None if value == AUTO_LAGS else int(value)

    def set_cov_type(self, cov_type: str, hac_lags: int | None = None) -> None:
        """Choose a covariance (and HAC lags; None: auto) as a user would."""
        index = self.combo.findData(cov_type)
        if index < 0:
            raise ValueError(f"unknown covariance {cov_type!r}")
        self.lags.blockSignals(True)
        self.lags.setValue(AUTO_LAGS if hac_lags is None else int(hac_lags))
        self.lags.blockSignals(False)
        if index == self.combo.currentIndex():
            self._on_choice()
        else:
            self.combo.setCurrentIndex(index)

    def _show_lags(self) -> None:
        hac = self.cov_type == "HAC"
        self.lags.setVisible(hac)
        self.lags_label.setVisible(hac)

    @Slot()
    def _on_choice(self, *_args) -> None:
        self._show_lags()
        self.changed.emit()

    def se_label(self) -> str:
        """The SE column's header for the current choice."""
        if self.cov_type == "nonrobust":
            return "SE"
        return f"SE ({self.cov_type})"

    # -- the table's numbers -------------------------------------------------------------------

    def adjusted(self, results):
        """``results`` with the OLS baseline's inference in the chosen covariance: at once
        when computed, else after the job (``changed`` fires); unchanged meanwhile and for
        other baselines. Also fills the model line."""
        base = None if results is None else results.baseline
        if base is None or base.kind != "ols" or not isinstance(base.result, OLSResult):
            self.setVisible(False)
            return results
        self.setVisible(True)
        ols = base.result
        self.stats.setText(model_stats_html(ols))
        if self.cov_type == "nonrobust":
            self.status.setText("")
            return results
        key = (id(ols), self.cov_type, self.hac_lags)
        if key == self._key and self._robust is not None:
            self._status_text(self._robust)
            return dataclasses.replace(
                results, baseline=dataclasses.replace(base, result=self._robust)
            )
        if key != self._pending:
            self._start(key)
        return results

    def _start(self, key: tuple) -> None:
        c = self.controller
        trainer, ds = c.trainer, c.dataset
        if trainer is None or ds is None:
            return
        job = partial(
            covariance_job,
            trainer.X,
            trainer.y,
            trainer.train_rows,
            tuple(str(n) for n in ds.feature_names),
            self.cov_type,
            self.hac_lags,
        )
        self._pending = key
        self._token = c.run_background("panel:covariance", job)
        self.status.setText(f"computing {self.cov_type} errors…")

    def _status_text(self, res: OLSResult) -> None:
        lags = f", {res.hac_lags} lags" if res.hac_lags is not None else ""
        self.status.setText(f"{res.cov_type}{lags}; t(n − p) as lmtest::coeftest")

    @Slot(int, str, object)
    def _on_done(self, token: int, kind: str, result) -> None:
        if token != self._token or result is None:
            return
        self._key, self._pending, self._robust = self._pending, None, result
        self.changed.emit()

    @Slot(int, str, str)
    def _on_failed(self, token: int, kind: str, message: str) -> None:
        if token != self._token:
            return
        self._pending = None
        self.status.setText(f"<span style='color:#e5534b'>{message}</span>")
