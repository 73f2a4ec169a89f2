"""Data for the six diagnostic plots, with a fast binned smoother instead of lowess.

statsmodels' lowess takes minutes on a million points; a running mean over
equal-count bins of x, lightly smoothed across neighbouring bins, shows the same trend
in a few milliseconds after one sort.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special, stats

from nnlin_gui.core.statistics.diagnostics.report import PlotData

QQ_POINTS = 2000


def binned_smoother(
    x: np.ndarray, y: np.ndarray, order: np.ndarray | None = None, bins: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Smooth trend of ``y`` against ``x``: means over equal-count bins of sorted ``x``,
    then a 1-2-1 weighted average across neighbouring bins.

    ``order`` is ``argsort(x)`` when already known. Returns (bin centres, smoothed means).
    """
    n = len(x)
    if n == 0:
        return np.empty(0), np.empty(0)
    if order is None:
        order = np.argsort(x, kind="stable")
    if bins is None:
        bins = int(np.clip(np.sqrt(n) / 2, 5, 100))
    bins = max(1, min(bins, n))
    edges = np.linspace(0, n, bins + 1).round().astype(np.int64)
    xs, ys = x[order], y[order]
    cx = np.add.reduceat(xs, edges[:-1]) / np.diff(edges)
    cy = np.add.reduceat(ys, edges[:-1]) / np.diff(edges)
    if bins >= 3:
        pad = np.concatenate([cy[:1], cy, cy[-1:]])
        cy = (pad[:-2] + 2 * pad[1:-1] + pad[2:]) / 4.0
    return cx, cy


def qq_data(sorted_std: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normal Q-Q pairs (theoretical, sample) for sorted standardised residuals.

    Above ``QQ_POINTS`` rows a subset of ranks is kept, evenly spread and always
    including both ends, so the plot stays light but keeps the tails.
    """
    n = len(sorted_std)
    ranks = np.arange(n)
    if n > QQ_POINTS:
        ranks = np.unique(np.linspace(0, n - 1, QQ_POINTS).round().astype(np.int64))
    theo = special.ndtri((ranks + 0.5) / n)
    return theo, sorted_std[ranks]


def cook_contours(h_max: float, p: int, levels=(0.5, 1.0), points: int = 50) -> dict[str, Any]:
    """Curves r = +-sqrt(D p (1 - h) / h) of constant Cook's distance D."""
    lo = max(1e-4, min(0.01, h_max / 10))
    hi = max(h_max, lo * 2) * 1.05
    h = np.linspace(lo, min(hi, 0.999), points)
    out: dict[str, Any] = {"h": h}
    for level in levels:
        out[f"cook_{level:g}"] = np.sqrt(level * p * (1 - h) / h)
    return out


def histogram_data(resid: np.ndarray) -> dict[str, np.ndarray]:
    """Density histogram (Freedman-Diaconis bins, at most 100) and the normal density."""
    n = len(resid)
    q75, q25 = np.percentile(resid, [75, 25])
    iqr = q75 - q25
    lo, hi = float(resid.min()), float(resid.max())
    if iqr > 0 and hi > lo:
        width = 2 * iqr / n ** (1 / 3)
        nb = int(np.clip(np.ceil((hi - lo) / width), 5, 100))
    else:
        nb = 10
    counts, edges = np.histogram(resid, bins=nb)
    width = np.diff(edges)
    density = counts / (n * width) if n else counts.astype(float)
    mu, sd = float(resid.mean()), float(resid.std(ddof=1)) if n > 1 else 1.0
    gx = np.linspace(edges[0], edges[-1], 200)
    gy = stats.norm.pdf(gx, mu, sd) if sd > 0 else np.zeros_like(gx)
    return {"edges": edges, "density": density, "normal_x": gx, "normal_y": gy}


def plot_data(
    fitted: np.ndarray,
    order: np.ndarray,
    resid: np.ndarray,
    std_resid: np.ndarray,
    sorted_std: np.ndarray,
    leverage: np.ndarray,
    p: int,
    acf: dict[str, np.ndarray],
) -> PlotData:
    """Arrays for residuals vs fitted, Q-Q, scale-location, residuals vs leverage, ACF,
    and the histogram. ``std_resid`` are internally studentised residuals (OLS) or
    residuals over their sd (network); ``order`` is ``argsort(fitted)``."""
    sx, sy = binned_smoother(fitted, resid, order)
    root = np.sqrt(np.abs(std_resid))
    root = np.where(np.isfinite(root), root, 0.0)
    lx, ly = binned_smoother(fitted, root, order)
    theo, samp = qq_data(sorted_std)
    arrays: dict[str, dict[str, Any]] = {
        "residuals_vs_fitted": {"x": fitted, "y": resid, "smooth_x": sx, "smooth_y": sy},
        "qq": {"theoretical": theo, "sample": samp},
        "scale_location": {"x": fitted, "y": root, "smooth_x": lx, "smooth_y": ly},
        "residuals_vs_leverage": {
            "leverage": leverage,
            "studentized": std_resid,
            "contours": cook_contours(float(leverage.max()), p),
        },
        "acf": acf,
        "histogram": histogram_data(resid),
    }
    for plot in arrays.values():
        for v in plot.values():
            if isinstance(v, np.ndarray):
                v.flags.writeable = False
    return PlotData(arrays=arrays)
