"""Entry points: every assumption test for an OLS fit or for a network's residuals."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from nnlin_gui.core.errors import DataError
from nnlin_gui.core.networks.blas import blas_threads
from nnlin_gui.core.statistics.diagnostics._linalg import Design, make_design, ols_on, stable_order
from nnlin_gui.core.statistics.diagnostics.collinearity import collinearity
from nnlin_gui.core.statistics.diagnostics.heteroskedasticity import (
    homoskedasticity_tests,
    white_auto,
)
from nnlin_gui.core.statistics.diagnostics.independence import independence_tests
from nnlin_gui.core.statistics.diagnostics.influence import (
    Influence,
    influence_measures,
    influence_tests,
    leverage,
    network_influence_tests,
)
from nnlin_gui.core.statistics.diagnostics.normality import normality_tests
from nnlin_gui.core.statistics.diagnostics.plots import plot_data
from nnlin_gui.core.statistics.diagnostics.report import DiagnosticReport, make_assumptions
from nnlin_gui.core.statistics.diagnostics.specification import linearity_tests
from nnlin_gui.core.statistics.numeric_range import check_diagnostics_range

log = logging.getLogger(__name__)

ROW_ORDER_NOTE = (
    "Durbin-Watson, Breusch-Godfrey, Ljung-Box and Harvey-Collier read the rows in file "
    "order; they only mean something when that order does (time, sequence)."
)


def _one_blas_thread():
    """Limit BLAS to one thread: on a busy 2-core machine OpenBLAS's second thread made a
    Gram matrix 30x slower (0.3 vs 11 GFLOP/s); the diagnostics are memory-bound anyway.
    See core/blas.py for why the GUI fixes the count once instead."""
    return blas_threads(1)


def _names(feature_names, k: int) -> tuple[str, ...]:
    if feature_names is None:
        return tuple(f"x{i + 1}" for i in range(k))
    return tuple(str(n) for n in feature_names)


def _prepare(X, y, feature_names, lags: int) -> tuple[Design, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    y = np.array(y, dtype=np.float64).ravel()
    if len(y) != X.shape[0]:
        raise DataError(f"{X.shape[0]} rows of features but {len(y)} target values")
    if not np.isfinite(y).all():
        raise DataError("the target contains missing or infinite values")
    if lags < 1:
        raise DataError("the number of lags must be at least 1")
    check_diagnostics_range(X, y, _names(feature_names, X.shape[1]))  # edges of float64
    design = make_design(X, _names(feature_names, X.shape[1]))
    if design.n <= design.k1 + lags + 2:
        raise DataError(f"{design.n} rows are too few for {design.k1 - 1} features and {lags} lags")
    return design, y


def diagnose_ols(
    X: np.ndarray,
    y: np.ndarray,
    feature_names=None,
    *,
    lags: int = 4,
    seed: int = 0,
) -> DiagnosticReport:
    """Fit OLS with an intercept and run every assumption test on it.

    Parameters
    ----------
    X : array, shape (n, k)
        Features (no intercept column; one is added).
    y : array, shape (n,)
        Target.
    feature_names : sequence of str, optional
        Names of the k features (default x1..xk).
    lags : int
        Lags for Breusch-Godfrey and Ljung-Box.
    seed : int
        Seed of the Shapiro-Wilk subsample (used above 5,000 rows).

    Returns
    -------
    DiagnosticReport
        Source "ols"; every test applicable.

    Raises
    ------
    DataError
        Too few rows, non-finite values, or exactly collinear features.
    """
    t0 = time.perf_counter()
    with _one_blas_thread():
        design, y = _prepare(X, y, feature_names, lags)
        _, fitted, resid = ols_on(design, y)
        _check_residuals(y, resid)
        infl = influence_measures(design, resid)
        std = infl.studentized_internal
        return _report("ols", design, y, fitted, resid, std, infl, lags, seed, t0)


def diagnose_residuals(
    X: np.ndarray,
    y: np.ndarray,
    fitted: np.ndarray,
    feature_names=None,
    *,
    source: str = "network",
    lags: int = 4,
    seed: int = 0,
) -> DiagnosticReport:
    """Assumption tests on another model's residuals ``y - fitted`` (a trained network).

    Tests that need only the residuals and the inputs run (Breusch-Pagan and White on
    the features, Durbin-Watson, Breusch-Godfrey with the features, Ljung-Box,
    normality, a RESET-style test with powers of the model's own predictions, leverage
    of the inputs, largest standardised residual). Tests that refit OLS (Goldfeld-Quandt,
    Rainbow, Harvey-Collier) or delete rows (Cook's distance, DFFITS, DFBETAS) say "not
    applicable" with the reason. Collinearity is a property of the features and is the
    same as for OLS. The Durbin-Watson p-value treats the residuals as independent noise
    (no OLS projection).
    """
    t0 = time.perf_counter()
    with _one_blas_thread():
        return _residual_report(X, y, fitted, feature_names, source, lags, seed, t0)


def _residual_report(X, y, fitted, feature_names, source, lags, seed, t0) -> DiagnosticReport:
    design, y = _prepare(X, y, feature_names, lags)
    fitted = np.array(fitted, dtype=np.float64).ravel()
    if fitted.shape != y.shape:
        raise DataError(f"{len(fitted)} predictions for {len(y)} rows")
    if not np.isfinite(fitted).all():
        raise DataError("the model's predictions contain missing or infinite values")
    resid = y - fitted
    _check_residuals(y, resid)
    sd = float(resid.std(ddof=1))
    std_resid = (resid - resid.mean()) / sd if sd > 0 else np.zeros_like(resid)
    return _report(source, design, None, fitted, resid, std_resid, None, lags, seed, t0)


def _report(
    source: str,
    design: Design,
    y: np.ndarray | None,
    fitted: np.ndarray,
    resid: np.ndarray,
    std_resid: np.ndarray,
    infl: Influence | None,
    lags: int,
    seed: int,
    t0: float,
) -> DiagnosticReport:
    """Run every group of tests; ``y`` and ``infl`` are None for non-OLS residuals."""
    # White's Gram matrix (large BLAS calls that release the GIL) runs in a thread beside
    # the other tests. Harvey-Collier's recursion stays here: its many small LAPACK calls
    # hold the GIL and stalled the other thread's numpy calls when it ran in a thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        white_future = pool.submit(white_auto, design, resid)
        return _run_tests(
            source,
            design,
            y,
            fitted,
            resid,
            std_resid,
            infl,
            lags,
            seed,
            t0,
            white_future,
        )


def _run_tests(
    source: str,
    design: Design,
    y: np.ndarray | None,
    fitted: np.ndarray,
    resid: np.ndarray,
    std_resid: np.ndarray,
    infl: Influence | None,
    lags: int,
    seed: int,
    t0: float,
    white_future: Future,
) -> DiagnosticReport:
    """The assumption groups; White's test comes from ``white_future``, collected late so
    the main thread works meanwhile."""
    ols = y is not None
    clock = _Clock(t0)
    h = infl.leverage if infl is not None else leverage(design)
    sorted_resid = np.sort(resid)
    order = stable_order(fitted)  # ties in file order: Goldfeld-Quandt's halves depend on it
    clock.lap("fit")
    coll = collinearity(design)
    clock.lap("collinearity")
    ind, acf = independence_tests(design, resid, lags, ols=ols)
    clock.lap("independence")
    norm, norm_notes = normality_tests(resid, sorted_resid, seed)
    clock.lap("normality")
    if infl is not None:
        infl_tests = influence_tests(infl, design)
    else:
        infl_tests = network_influence_tests(design, resid)
    clock.lap("influence")
    sorted_std = np.sort(std_resid[np.isfinite(std_resid)])
    plots = plot_data(fitted, order, resid, std_resid, sorted_std, h, design.k1, acf)
    clock.lap("plots")
    # Late, so the thread had the longest time.
    het, het_notes = homoskedasticity_tests(design, resid, order, y, white_future.result())
    clock.lap("homoskedasticity")
    lin = linearity_tests(design, resid, fitted, y, h)
    clock.lap("linearity")
    # Notes attached to single tests (a rank-deficient subset fit) are listed too.
    test_notes = [t.details["note"] for t in het + lin if "note" in t.details]
    notes = het_notes + test_notes + norm_notes + [ROW_ORDER_NOTE]
    assumptions = make_assumptions(
        [
            ("collinearity", list(coll.tests)),
            ("homoskedasticity", het),
            ("independence", ind),
            ("normality", norm),
            ("linearity", lin),
            ("influence", infl_tests),
        ]
    )
    seconds = time.perf_counter() - t0
    log.debug("diagnostics (%s, n=%d, k=%d) in %.3f s", source, design.n, design.k1 - 1, seconds)
    return DiagnosticReport(
        source=source,
        n=design.n,
        k=design.k1 - 1,
        feature_names=design.names,
        assumptions=assumptions,
        plots=plots,
        notes=tuple(notes),
        seconds=seconds,
        timings=clock.laps,
    )


def _check_residuals(y: np.ndarray, resid: np.ndarray) -> None:
    """Refuse residuals that carry no information (a constant target, an exact fit)."""
    yc = y - y.mean()
    tss = float(yc @ yc)
    if tss == 0.0:
        raise DataError("the target is constant; there is nothing to model or test")
    if float(resid @ resid) <= 1e-20 * tss:
        raise DataError(
            "the model reproduces the target exactly (no residuals left), so there is "
            "nothing to test"
        )


class _Clock:
    """Seconds spent per step, for the benchmark table and debug logs."""

    def __init__(self, t0: float) -> None:
        self._last = t0
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
