"""The collapse against ``fit_polynomial`` when the transforms make the inputs a polynomial
(objectName ``transformPolyCheck``): with x and x² as inputs an identity network collapses
to a degree-2 polynomial regression, and this table shows it term by term, with the
polynomial regression's standard errors (fitted on the training rows, as the network)."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from nnlin_gui.workbench.jobs import polynomial_job

KIND = "panel:transform-polynomial"


def _cell(v: float) -> str:
    return "—" if not math.isfinite(v) else f"{v:.5g}".replace("-", "\u2212")


def _term(name: str) -> str:
    """fit_polynomial's 'x^1', 'x^2' as the transformed columns are named: 'x', 'x²'."""
    base, _, power = name.rpartition("^")
    return {"1": base, "2": f"{base}²"}.get(power, name) if base else name


class PolynomialCheck(QLabel):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transformPolyCheck")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.controller = controller
        self._token = -2
        self._results = None
        self.result = None  # the last OLSResult of fit_polynomial shown
        self.hide()
        controller.results_changed.connect(self._on_results)
        controller.background_done.connect(self._on_done)

    def _on_results(self, results) -> None:
        c = self.controller
        ds, trainer = c.dataset, c.trainer
        base = c.base_features()
        usable = (
            results is not None
            and ds is not None
            and trainer is not None
            and ds.task == "regression"
            and results.collapse.collapsible
            and c.transforms.is_polynomial(base)
        )
        self._results = results if usable else None
        if not usable:
            self.hide()
            return
        rows = trainer.train_rows
        X = ds.X[rows][:, : len(base)]  # the columns the squares were made of come first
        job = partial(polynomial_job, X.copy(), ds.y[rows].copy(), 2, list(base))
        self._token = c.run_background(KIND, job)

    def _on_done(self, token: int, kind: str, result) -> None:
        if kind != KIND or token != self._token or self._results is None:
            return
        ols, _degree = result
        res = self._results
        names = ["const", *res.feature_names]
        W, b = res.collapse.coefficients()
        net = dict(zip(names, [float(np.ravel(b)[0]), *np.ravel(W[0])], strict=True))
        rows = []
        for name, coef, se in zip(ols.names, ols.params, ols.bse, strict=True):
            term = _term(name)
            value = net.get(term, float("nan"))
            rows.append(
                f"<tr><td>{term}</td><td align=right>{_cell(value)}</td>"
                f"<td align=right>{_cell(coef)}</td><td align=right>{_cell(se)}</td>"
                f"<td align=right>{_cell(value - coef)}</td></tr>"
            )
        self.result = ols
        squares = ", ".join(f"{f}²" for f in self.controller.base_features())
        self.setText(
            f"<b>Polynomial regression.</b> With {squares} as inputs, the identity network "
            "collapses to a degree-2 polynomial regression (<tt>fit_polynomial</tt>, "
            "training rows):"
            "<table cellspacing=0 cellpadding=3><tr><th align=left>term</th><th>network</th>"
            "<th>fit_polynomial</th><th>SE</th><th>difference</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        self.show()
