"""The diagnostic report: assumptions, their tests and verdicts, and the JSON contract.

Verdict rule for tests with a p-value: all p-values of a report are adjusted together
with Holm's step-down method (the report asks about fifteen questions at once), then an
adjusted p below 0.01 means "violated" and below 0.05 "warning". Tests judged on a
statistic (VIF, Cook's distance, ...) carry their own thresholds. An assumption's verdict
is the worst verdict among its tests.

Both p-values are kept and labelled everywhere: the raw p of each test on its own
(``p_value``; JSON ``pvalue``) and the Holm-adjusted p that decides the verdict
(``p_adjusted``; JSON ``pvalue_holm``). JSON ``verdict_basis`` says which number the
verdict used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

ASSUMPTIONS = (
    "collinearity",
    "homoskedasticity",
    "independence",
    "normality",
    "linearity",
    "influence",
)
VERDICTS = ("ok", "warning", "violated")
NOT_APPLICABLE = "not applicable"
P_WARNING = 0.05
P_VIOLATED = 0.01
P_THRESHOLD = {"p_warning": P_WARNING, "p_violated": P_VIOLATED}

_RANK = {"ok": 0, "warning": 1, "violated": 2, NOT_APPLICABLE: -1}


@dataclass(frozen=True)
class TestResult:
    """One test of one assumption.

    Attributes
    ----------
    name : str
        Usual name ("Breusch-Pagan (Koenker)", "Durbin-Watson", ...).
    statistic : float or None
        Test statistic; None when the test is not applicable.
    df : int, tuple of int, or None
        Degrees of freedom (a pair for F tests).
    p_value : float or None
        Raw (unadjusted) p-value of this test on its own; None for tests judged on the
        statistic. JSON key ``pvalue``.
    threshold : dict
        Thresholds used for the verdict.
    verdict : str
        "ok", "warning", "violated" or "not applicable".
    message : str
        One plain sentence: what the result means and what to do.
    p_adjusted : float or None
        Holm-adjusted p-value across the report (set by :func:`make_assumptions`); the
        verdict of a p-value test uses it. JSON key ``pvalue_holm``.
    details : dict
        Extra numbers (per-variable values, flagged rows, ...), JSON-ready.
    """

    __test__ = False  # not a pytest class

    name: str
    statistic: float | None
    df: int | tuple[int, ...] | None
    p_value: float | None
    threshold: dict[str, float]
    verdict: str
    message: str
    p_adjusted: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict_basis(self) -> str | None:
        """What the verdict was read from: "pvalue_holm", "statistic", or None (n/a)."""
        if self.verdict == NOT_APPLICABLE:
            return None
        return "pvalue_holm" if self.p_adjusted is not None else "statistic"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "statistic": _num(self.statistic),
            "df": list(self.df) if isinstance(self.df, tuple) else self.df,
            "pvalue": _num(self.p_value),
            "pvalue_holm": _num(self.p_adjusted),
            "threshold": {k: _num(v) for k, v in self.threshold.items()},
            "verdict": self.verdict,
            "verdict_basis": self.verdict_basis,
            "message": self.message,
        }
        if self.details:
            out["details"] = _jsonable(self.details)
        return out


def p_test(
    name: str,
    statistic: float,
    df: int | tuple[int, ...] | None,
    p_value: float,
    meaning: str,
    advice: str,
    details: dict[str, Any] | None = None,
) -> TestResult:
    """A test judged on its p-value; the verdict and message are filled by Holm later.

    ``meaning`` completes "small p-value means ..." ; ``advice`` says what to do then.
    """
    return TestResult(
        name=name,
        statistic=float(statistic),
        df=df,
        p_value=float(p_value),
        threshold=dict(P_THRESHOLD),
        verdict="ok",
        message=f"{meaning}|{advice}",
        details=details or {},
    )


def not_applicable(name: str, reason: str) -> TestResult:
    """A test that cannot be run here; ``reason`` is one plain sentence."""
    return TestResult(
        name=name,
        statistic=None,
        df=None,
        p_value=None,
        threshold={},
        verdict=NOT_APPLICABLE,
        message=f"Not applicable: {reason}",
    )


def holm(p: list[float]) -> list[float]:
    """Holm step-down adjusted p-values (family-wise error control)."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adj = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def _p_text(p_raw: float | None, p_holm: float, family: int) -> str:
    """Both p-values, labelled."""
    raw = f"raw p = {p_raw:.3g}" if p_raw is not None else "raw p unknown"
    tests = "p-value" if family == 1 else f"{family} p-values"
    return f"{raw}, Holm-adjusted p = {p_holm:.3g} (over the report's {tests})"


_VERDICT_RULE = {
    "ok": f"not below {P_WARNING:g}",
    "warning": f"below {P_WARNING:g}",
    "violated": f"below {P_VIOLATED:g}",
}


def _p_message(t: TestResult, verdict: str, p_holm: float, family: int) -> str:
    """The plain sentence of a p-value test: both p-values, which one the verdict used."""
    meaning, advice = t.message.split("|", 1)
    head = f"{t.name}: {_p_text(t.p_value, p_holm, family)}. Verdict on the Holm p "
    head += f"({_VERDICT_RULE[verdict]}): "
    note = f" Note: {t.details['note']}" if "note" in t.details else ""
    if verdict == "ok":
        return f"{head}no evidence of {meaning}; nothing to do.{note}"
    strength = "strong evidence" if verdict == "violated" else "some evidence"
    return f"{head}{strength} of {meaning}; {advice}{note}"


@dataclass(frozen=True)
class AssumptionResult:
    """One assumption: its verdict and the tests behind it."""

    name: str
    verdict: str
    tests: tuple[TestResult, ...]
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "verdict": self.verdict,
            "summary": self.summary,
            "tests": [t.to_dict() for t in self.tests],
        }

    def test(self, name: str) -> TestResult:
        """The test called ``name`` (KeyError if absent)."""
        for t in self.tests:
            if t.name == name:
                return t
        raise KeyError(name)


def _judged(t: TestResult, p_adjusted: float, family: int) -> TestResult:
    """A p-value test with its adjusted p-value, verdict and message set (``family``:
    how many p-values were adjusted together)."""
    if not math.isfinite(p_adjusted):
        verdict = "ok"
    elif p_adjusted < P_VIOLATED:
        verdict = "violated"
    elif p_adjusted < P_WARNING:
        verdict = "warning"
    else:
        verdict = "ok"
    message = _p_message(t, verdict, p_adjusted, family)
    return replace(t, p_adjusted=p_adjusted, verdict=verdict, message=message)


def _is_p_test(t: TestResult) -> bool:
    return t.p_value is not None and t.verdict != NOT_APPLICABLE and t.p_adjusted is None


def make_assumptions(groups: list[tuple[str, list[TestResult]]]) -> tuple[AssumptionResult, ...]:
    """Judge a whole report: Holm-adjust every p-value in it together, then take each
    assumption's worst verdict.

    A report asks about fifteen questions at once; adjusting them as one family keeps the
    chance that clean data show any warning near 5% (per-assumption adjustment gave about
    20%), while the teaching sets' violations (p around 1e-10 and below) still stand out.
    """
    where = [
        (g, i) for g, (_, tests) in enumerate(groups) for i, t in enumerate(tests) if _is_p_test(t)
    ]
    adj = holm([groups[g][1][i].p_value for g, i in where])  # type: ignore[misc]
    judged = [list(tests) for _, tests in groups]
    for (g, i), pa in zip(where, adj, strict=True):
        judged[g][i] = _judged(judged[g][i], pa, len(where))
    return tuple(_finish(name, tests) for (name, _), tests in zip(groups, judged, strict=True))


def make_assumption(name: str, tests: list[TestResult]) -> AssumptionResult:
    """One assumption judged on its own (Holm within it); a report uses
    :func:`make_assumptions`, which adjusts across all assumptions."""
    return make_assumptions([(name, tests)])[0]


def _finish(name: str, tests: list[TestResult]) -> AssumptionResult:
    ranks = [_RANK[t.verdict] for t in tests]
    worst = max(ranks) if ranks else 0
    verdict = "ok" if worst <= 0 else VERDICTS[worst]
    summary = _summary(name, verdict, tests)
    return AssumptionResult(name=name, verdict=verdict, tests=tuple(tests), summary=summary)


def _summary(name: str, verdict: str, tests: list[TestResult]) -> str:
    flagged = [t.name for t in tests if t.verdict in ("warning", "violated")]
    if verdict == "ok":
        return f"{name}: no test finds a problem."
    return f"{name}: {verdict} ({', '.join(flagged)})."


@dataclass(frozen=True)
class PlotData:
    """Arrays for the six diagnostic plots (numpy arrays, read-only).

    ``arrays`` maps a plot name to a dict of arrays or numbers:
    residuals_vs_fitted (x, y, smooth_x, smooth_y), qq (theoretical, sample),
    scale_location (x, y, smooth_x, smooth_y), residuals_vs_leverage (leverage,
    studentized, contours: {0.5: (h, +r, -r), 1: ...}), acf (lags, acf, band),
    histogram (edges, density, normal_x, normal_y).
    """

    arrays: dict[str, dict[str, Any]]

    def to_dict(self, max_points: int = 2000, seed: int = 0) -> dict[str, Any]:
        """JSON-ready plot data; scatter plots are sub-sampled to ``max_points``."""
        out: dict[str, Any] = {}
        rng = np.random.default_rng(seed)
        for plot, arrays in self.arrays.items():
            sizes = [len(v) for v in arrays.values() if isinstance(v, np.ndarray) and v.ndim]
            n = max(sizes) if sizes else 0
            keep = None
            if n > max_points:
                keep = np.sort(rng.choice(n, size=max_points, replace=False))
            d: dict[str, Any] = {}
            for key, v in arrays.items():
                if isinstance(v, np.ndarray) and keep is not None and len(v) == n:
                    v = v[keep]
                d[key] = _jsonable(v)
            out[plot] = d
        return out


@dataclass(frozen=True)
class DiagnosticReport:
    """Every OLS assumption test for one set of residuals.

    Attributes
    ----------
    source : str
        "ols" or "network".
    n, k : int
        Rows and regressors (without the intercept).
    feature_names : tuple of str
    assumptions : tuple of AssumptionResult
        In the order of :data:`ASSUMPTIONS`.
    plots : PlotData
    notes : tuple of str
        Things the reader should know (sub-sampling, reduced tests, row order).
    seconds : float
        Time taken.
    timings : dict
        Seconds per step (fit, each assumption, plots).
    """

    source: str
    n: int
    k: int
    feature_names: tuple[str, ...]
    assumptions: tuple[AssumptionResult, ...]
    plots: PlotData
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def assumption(self, name: str) -> AssumptionResult:
        """The assumption called ``name`` (KeyError if absent)."""
        for a in self.assumptions:
            if a.name == name:
                return a
        raise KeyError(name)

    @property
    def verdicts(self) -> dict[str, str]:
        """Assumption name -> verdict."""
        return {a.name: a.verdict for a in self.assumptions}

    def to_dict(self, include_plots: bool = False, max_points: int = 2000) -> dict[str, Any]:
        """The stable JSON contract: ``{"assumptions": [...], "source", "n", "k", ...}``."""
        out: dict[str, Any] = {
            "source": self.source,
            "n": self.n,
            "k": self.k,
            "features": list(self.feature_names),
            "assumptions": [a.to_dict() for a in self.assumptions],
            "notes": list(self.notes),
        }
        if include_plots:
            out["plots"] = self.plots.to_dict(max_points=max_points)
        return out


def _num(x: Any) -> Any:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        if v.dtype.kind in "iub":
            return v.tolist()
        return [_num(a) if np.ndim(a) == 0 else _jsonable(a) for a in v.tolist()]
    if isinstance(v, dict):
        return {str(k): _jsonable(a) for k, a in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(a) for a in v]
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return _num(v)
    return v
