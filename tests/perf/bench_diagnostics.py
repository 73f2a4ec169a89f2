"""Benchmark: the whole diagnostic report vs the plain statsmodels calls.

Run: ``.venv/bin/python tests/perf/bench_diagnostics.py`` (about a minute on 2 cores).
Targets (issue 4): 1,000,000 rows x 10 regressors in <= 3 s, 100,000 rows in <= 0.5 s,
peak memory under 1 GB. Prints wall and CPU seconds (CPU time shows what a busy shared
machine hides), peak traced memory, and per-assumption times next to statsmodels' on
100,000 rows. statsmodels' deletion diagnostics (externally studentised residuals,
DFFITS, DFBETAS) refit n models and are not run (6.7 s at 4,000 rows here).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np

from nnlin_gui.core.statistics.diagnostics import diagnose_ols


def make_data(n: int, k: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    y = 1.0 + X @ rng.normal(size=k) + rng.normal(size=n)
    return X, y


def time_ours(X, y, repeats: int) -> tuple[float, float, dict]:
    best_wall, best_cpu, timings = np.inf, np.inf, {}
    for _ in range(repeats):
        c0 = time.process_time()
        report = diagnose_ols(X, y)
        cpu = time.process_time() - c0
        if report.seconds < best_wall:
            best_wall, timings = report.seconds, dict(report.timings)
        best_cpu = min(best_cpu, cpu)
    return best_wall, best_cpu, timings


def time_ours_steps(X, y) -> dict[str, float]:
    """Our steps one after another (no thread), for a like-for-like table."""
    from nnlin_gui.core.statistics.diagnostics._linalg import make_design, ols_on
    from nnlin_gui.core.statistics.diagnostics.collinearity import collinearity
    from nnlin_gui.core.statistics.diagnostics.heteroskedasticity import homoskedasticity_tests
    from nnlin_gui.core.statistics.diagnostics.independence import independence_tests
    from nnlin_gui.core.statistics.diagnostics.influence import influence_measures, influence_tests
    from nnlin_gui.core.statistics.diagnostics.normality import normality_tests
    from nnlin_gui.core.statistics.diagnostics.plots import plot_data
    from nnlin_gui.core.statistics.diagnostics.run import _one_blas_thread
    from nnlin_gui.core.statistics.diagnostics.specification import linearity_tests

    out: dict[str, float] = {}

    def clock(step, f):
        t = time.perf_counter()
        r = f()
        out[step] = out.get(step, 0.0) + time.perf_counter() - t
        return r

    names = tuple(f"x{i}" for i in range(X.shape[1]))
    with _one_blas_thread():
        design = clock("fit", lambda: make_design(X, names))
        _, fitted, e = clock("fit", lambda: ols_on(design, y))
        infl = clock("influence", lambda: influence_measures(design, e))
        order = clock("homoskedasticity", lambda: np.argsort(fitted))
        clock("collinearity", lambda: collinearity(design))
        clock("homoskedasticity", lambda: homoskedasticity_tests(design, e, order, y))
        _, acf = clock("independence", lambda: independence_tests(design, e, 4, True))
        clock("normality", lambda: normality_tests(e, np.sort(e), 0))
        clock("linearity", lambda: linearity_tests(design, e, fitted, y, infl.leverage))
        clock("influence", lambda: influence_tests(infl, design))
        std = infl.studentized_internal
        clock(
            "plots",
            lambda: plot_data(fitted, order, e, std, np.sort(std), infl.leverage, design.k1, acf),
        )
    return out


def peak_memory(X, y) -> float:
    tracemalloc.start()
    diagnose_ols(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def time_statsmodels(X, y) -> dict[str, float]:
    """The plain statsmodels calls for the same report, grouped by assumption."""
    import statsmodels.api as sm
    from scipy import stats
    from statsmodels.stats import diagnostic as dia
    from statsmodels.stats.outliers_influence import OLSInfluence, reset_ramsey
    from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest

    out: dict[str, float] = {}

    def clock(group, f):
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 0.15 FutureWarnings (result_object=)
            f()
        out[group] = out.get(group, 0.0) + time.perf_counter() - t

    exog = sm.add_constant(X)
    res = None

    def fit():
        nonlocal res
        res = sm.OLS(y, exog).fit()

    clock("fit", fit)
    e = res.resid
    clock("collinearity", lambda: np.linalg.cond(exog))
    clock(
        "collinearity",
        lambda: [
            1 / (1 - sm.OLS(X[:, j], np.delete(exog, j + 1, axis=1)).fit().rsquared)
            for j in range(X.shape[1])
        ],
    )  # textbook VIF by auxiliary regressions (variance_inflation_factor changed in 0.15)
    clock("homoskedasticity", lambda: dia.het_breuschpagan(e, exog))
    clock("homoskedasticity", lambda: dia.het_white(e, exog))
    clock("homoskedasticity", lambda: dia.het_goldfeldquandt(y, exog, idx=1))
    clock("independence", lambda: durbin_watson(e))
    clock("independence", lambda: dia.acorr_breusch_godfrey(res, nlags=4))
    clock("independence", lambda: dia.acorr_ljungbox(e, lags=[4]))
    clock("normality", lambda: jarque_bera(e))
    clock("normality", lambda: omni_normtest(e))
    clock("normality", lambda: stats.shapiro(e[:5000]))
    clock("normality", lambda: dia.normal_ad(e))
    clock("linearity", lambda: reset_ramsey(res, degree=3))
    clock("linearity", lambda: dia.linear_rainbow(res))
    clock("linearity", lambda: dia.linear_harvey_collier(res))
    infl = OLSInfluence(res)
    clock("influence", lambda: (infl.hat_matrix_diag, infl.cooks_distance))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=1_000_000, help="rows of the large case")
    parser.add_argument("--small", type=int, default=100_000, help="rows of the small case")
    parser.add_argument("--no-statsmodels", action="store_true")
    args = parser.parse_args()

    print("| rows | regressors | wall (s) | CPU (s) | target (s) | peak traced memory (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, target, repeats in ((args.small, 0.5, 5), (args.big, 3.0, 5)):
        X, y = make_data(n)
        diagnose_ols(X[:2000], y[:2000])  # warm-up: imports, LAPACK initialisation
        wall, cpu, _ = time_ours(X, y, repeats)
        mem = peak_memory(X, y)
        print(f"| {n:,} | 10 | {wall:.2f} | {cpu:.2f} | {target} | {mem:.0f} |")
        del X, y

    if args.no_statsmodels:
        return
    X, y = make_data(args.small)
    sm_times = time_statsmodels(X, y)
    ours = min(
        (time_ours_steps(X, y) for _ in range(3)), key=lambda d: sum(d.values())
    )  # best of 3 runs of the steps in sequence
    print()
    print(f"Per step on {args.small:,} rows x 10 (wall seconds, steps run one after another):")
    print()
    print("| step | nnlin | statsmodels | statsmodels / nnlin |")
    print("|---|---:|---:|---:|")
    groups = [
        "fit",
        "collinearity",
        "homoskedasticity",
        "independence",
        "normality",
        "linearity",
        "influence",
    ]
    for g in groups:
        a = ours.get(g, 0.0)
        b = sm_times.get(g, float("nan"))
        ratio = b / a if a > 0 else float("nan")
        print(f"| {g} | {a:.3f} | {b:.3f} | {ratio:.1f}x |")
    a, b = sum(ours.values()), sum(sm_times.values())
    print(f"| **total** (nnlin with plots) | {a:.3f} | {b:.3f} | {b / a:.1f}x |")


if __name__ == "__main__":
    main()
