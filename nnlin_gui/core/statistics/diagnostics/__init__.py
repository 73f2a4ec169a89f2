"""OLS assumption tests with plain verdicts, for an OLS fit or a network's residuals.

Public interface::

    diagnose_ols(X, y, feature_names, *, lags=4, seed=0) -> DiagnosticReport
    diagnose_residuals(X, y, fitted, feature_names, *, source="network", lags=4, seed=0)

One job per module: ``collinearity``, ``heteroskedasticity``, ``independence``,
``normality``, ``specification`` (linearity), ``influence``, ``plots``, ``report``
(dataclasses, verdict rules, JSON), ``run`` (the entry points).
"""

from nnlin_gui.core.statistics.diagnostics.report import (
    ASSUMPTIONS,
    AssumptionResult,
    DiagnosticReport,
    PlotData,
    TestResult,
)
from nnlin_gui.core.statistics.diagnostics.run import diagnose_ols, diagnose_residuals

__all__ = [
    "ASSUMPTIONS",
    "AssumptionResult",
    "DiagnosticReport",
    "PlotData",
    "TestResult",
    "diagnose_ols",
    "diagnose_residuals",
]
