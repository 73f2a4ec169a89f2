"""Benchmark: ``fit_ols`` (equilibrated QR + extended-precision refinement) against
statsmodels ``OLS(y, X).fit(method="qr")`` on random designs, in the same run.

Run: ``.venv/bin/python tests/perf/bench_regression.py [--large]``. Prints a table; the ratio
is our time over statsmodels' time (statsmodels is imported before timing).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import statsmodels.api as sm

from nnlin_gui.core.statistics.regression import fit_ols


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="add 1,000,000 rows")
    args = parser.parse_args()
    sizes = [(1_000, 5), (100_000, 10), (100_000, 30)]
    if args.large:
        sizes.append((1_000_000, 10))
    rng = np.random.default_rng(0)
    print(f"{'rows':>9} {'cols':>4} {'fit_ols s':>10} {'sm qr s':>9} {'ratio':>6}")
    for n, k in sizes:
        X = rng.normal(size=(n, k)) * rng.uniform(0.1, 100.0, size=k) + 1000.0
        y = X @ rng.normal(size=k) + rng.normal(size=n)
        Xc = sm.add_constant(X)
        repeat = 3 if n <= 100_000 else 1
        ours = best_of(lambda X=X, y=y: fit_ols(X, y), repeat)
        theirs = best_of(lambda Xc=Xc, y=y: sm.OLS(y, Xc).fit(method="qr").bse, repeat)
        print(f"{n:>9} {k:>4} {ours:>10.4f} {theirs:>9.4f} {ours / theirs:>6.2f}")


if __name__ == "__main__":
    main()
