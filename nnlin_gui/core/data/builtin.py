"""Built-in datasets: generated offline from a seed, or shipped inside statsmodels.

Every dataset is a pandas DataFrame whose LAST column is the target. Generated sets take
``n`` (rows), ``noise`` and ``seed``; a source string may carry them:
``builtin:linear?n=500&noise=0.3&seed=2``.

- TensorFlow Playground: ``circle``, ``xor``, ``gauss``, ``spiral`` (classification: x1, x2
  and a 0/1 ``label``), ``plane``, ``multigauss`` (regression: x1, x2, y).
- Teaching sets: ``linear``, ``quadratic``, ``sine``, ``heteroskedastic``, ``ar1``,
  ``collinear``, ``outliers``, ``logistic``, ``multinomial`` (three classes A, B, C).
- Real data: ``longley``, ``stackloss`` (from statsmodels.datasets, no network).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import numpy as np

from nnlin_gui.core.errors import DataError

log = logging.getLogger(__name__)

__all__ = [
    "BuiltinInfo",
    "builtin_info",
    "builtin_names",
    "load_builtin_frame",
    "load_builtin_source",
    "parse_builtin_source",
]

MAX_ROWS = 2_000_000


@dataclass(frozen=True)
class BuiltinInfo:
    """What a built-in dataset is.

    Attributes
    ----------
    name : the name after ``builtin:``
    title : a short title for menus
    description : one paragraph for the user
    task : 'regression', 'binary' or 'multiclass'
    params : default parameters (``n``, ``noise``, ``seed``); empty for real data
    group : 'playground', 'teaching' or 'real'
    breaks : the OLS assumption cards (``diagnostics.ASSUMPTIONS``) the set is built to
        fail, "violated" at the default parameters and in at least 90% of seeds; ``()``
        for a set that breaks none; None when the set makes no claim
    also_breaks : cards that may fail as well, for a reason the description gives
    """

    name: str
    title: str
    description: str
    task: str
    params: dict = field(default_factory=dict)
    group: str = "teaching"
    breaks: tuple[str, ...] | None = None
    also_breaks: tuple[str, ...] = ()


def _frame(columns: dict) -> object:
    import pandas as pd

    return pd.DataFrame(columns)


# ------------------------------------------------------------------ TensorFlow Playground
# Ported from the Playground's dataset.ts; labels -1/+1 become 0/1.


def _circle(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    radius = 5.0
    half = n // 2
    r = np.concatenate(
        [rng.uniform(0, radius * 0.5, half), rng.uniform(radius * 0.7, radius, n - half)]
    )
    angle = rng.uniform(0, 2 * np.pi, n)
    x, y = r * np.sin(angle), r * np.cos(angle)
    nx, ny = rng.uniform(-radius, radius, (2, n)) * noise
    label = (np.hypot(x + nx, y + ny) < radius * 0.5).astype(np.int64)
    return _frame({"x1": x, "x2": y, "label": label})


def _xor(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-5, 5, (2, n))
    pad = 0.3
    x = x + np.where(x > 0, pad, -pad)
    y = y + np.where(y > 0, pad, -pad)
    nx, ny = rng.uniform(-5, 5, (2, n)) * noise
    label = ((x + nx) * (y + ny) >= 0).astype(np.int64)
    return _frame({"x1": x, "x2": y, "label": label})


def _gauss(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    variance = 0.5 + noise / 0.5 * 3.5  # the Playground maps noise 0..0.5 to variance 0.5..4
    half = n // 2
    sd = np.sqrt(variance)
    pos = rng.normal(2.0, sd, (half, 2))
    neg = rng.normal(-2.0, sd, (n - half, 2))
    xy = np.vstack([pos, neg])
    label = np.r_[np.ones(half, np.int64), np.zeros(n - half, np.int64)]
    return _frame({"x1": xy[:, 0], "x2": xy[:, 1], "label": label})


def _spiral(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    half = n // 2
    parts = []
    for count, delta, lab in ((half, 0.0, 1), (n - half, np.pi, 0)):
        i = np.arange(count)
        r = i / max(count, 1) * 5
        t = 1.75 * i / max(count, 1) * 2 * np.pi + delta
        x = r * np.sin(t) + rng.uniform(-1, 1, count) * noise
        y = r * np.cos(t) + rng.uniform(-1, 1, count) * noise
        parts.append((x, y, np.full(count, lab, np.int64)))
    x, y, label = (np.concatenate(p) for p in zip(*parts, strict=True))
    return _frame({"x1": x, "x2": y, "label": label})


def _plane(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    radius = 6.0
    x, y = rng.uniform(-radius, radius, (2, n))
    nx, ny = rng.uniform(-radius, radius, (2, n)) * noise
    return _frame({"x1": x, "x2": y, "y": (x + nx + y + ny) / 10.0})


def _multigauss(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    radius = 6.0
    centres = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))
    x, y = rng.uniform(-radius, radius, (2, n))
    nx, ny = rng.uniform(-radius, radius, (2, n)) * noise
    label = np.zeros(n)
    for cx, cy, sign in centres:
        d = np.hypot(x + nx - cx, y + ny - cy)
        value = sign * np.clip(1 - d / 2, 0, 1)  # 1 at the centre, 0 from distance 2 on
        label = np.where(np.abs(value) > np.abs(label), value, label)
    return _frame({"x1": x, "x2": y, "y": label})


# ------------------------------------------------------------------------ teaching sets


def _linear(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    x1, x2, x3 = rng.normal(0, 1, (3, n))
    y = 1.5 + 2.0 * x1 - 1.0 * x2 + 0.5 * x3 + noise * rng.normal(0, 1, n)
    return _frame({"x1": x1, "x2": x2, "x3": x3, "y": y})


def _quadratic(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, n)
    return _frame({"x": x, "y": 1.0 + x - 0.8 * x**2 + noise * rng.normal(0, 1, n)})


def _sine(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, n)
    return _frame({"x": x, "y": np.sin(x) + noise * rng.normal(0, 1, n)})


def _heteroskedastic(n: int, noise: float, seed: int, ratio: float = 4.0):
    rng = np.random.default_rng(seed)
    x1 = rng.uniform(0, 5, n)
    x2 = rng.normal(0, 1, n)
    # The error VARIANCE grows linearly with x1, `ratio` times larger at x1 = 5. Pooled,
    # such errors are a mix of narrow and wide normals (heavy-tailed): a variance linear in
    # x1 keeps that excess kurtosis below 1 for any ratio and a moderate ratio keeps the
    # normality tests mostly quiet, while Breusch-Pagan still rejects (n = 500).
    sd = noise * np.sqrt(1.0 + (ratio - 1.0) * x1 / 5.0)
    e = sd * rng.normal(0, 1, n)
    return _frame({"x1": x1, "x2": x2, "y": 2.0 + 1.5 * x1 + 1.0 * x2 + e})


def _ar1(n: int, noise: float, seed: int, rho: float = 0.4):
    # rho 0.4 is plenty for Durbin-Watson and Breusch-Godfrey at n = 300; a stronger rho
    # also trips tests that assume independent errors (Harvey-Collier, the normality tests).
    rng = np.random.default_rng(seed)
    u = noise * rng.normal(0, 1, n)
    e = np.empty(n)
    e[0] = u[0] / np.sqrt(1 - rho**2)
    for t in range(1, n):
        e[t] = rho * e[t - 1] + u[t]
    x1, x2 = rng.normal(0, 1, (2, n))
    return _frame({"x1": x1, "x2": x2, "y": 1.0 + 2.0 * x1 - 0.5 * x2 + e})


def _collinear(n: int, noise: float, seed: int, rho: float = 0.99):
    rng = np.random.default_rng(seed)
    x1, z, x3 = rng.normal(0, 1, (3, n))
    x2 = rho * x1 + np.sqrt(1 - rho**2) * z
    y = 1.0 + 2.0 * x1 + 1.0 * x2 - 1.0 * x3 + noise * rng.normal(0, 1, n)
    return _frame({"x1": x1, "x2": x2, "x3": x3, "y": y})


def _outliers(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    y = 1.0 + 2.0 * x + noise * rng.normal(0, 1, n)
    k = max(2, n // 40)
    n_lev = min(3, k)  # more leverage points would mask each other in Cook's distance
    idx = rng.choice(n, k + n_lev, replace=False)
    out, lev = idx[:k], idx[k:]
    y[out] += rng.choice([-1, 1], k) * 10 * noise  # far off the line in y
    x[lev] = rng.uniform(5, 7, n_lev)  # far out in x ...
    y[lev] = 1.0 - 2.0 * x[lev]  # ... and off the line: high leverage, high influence
    return _frame({"x": x, "y": y})


def _logistic(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(0, 1, (2, n))
    logit = (-0.5 + 2.0 * x1 - 1.0 * x2) / max(noise, 1e-9)
    p = 1 / (1 + np.exp(-logit))
    return _frame({"x1": x1, "x2": x2, "label": (rng.uniform(0, 1, n) < p).astype(np.int64)})


def _multinomial(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(0, 1, (2, n))
    # The log-odds of B and of C against A (the reference class, first in sorted order).
    logits = np.column_stack([np.zeros(n), 0.5 + 2.0 * x1 - x2, -0.5 - x1 + 2.0 * x2])
    logits /= max(noise, 1e-9)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    code = (rng.uniform(0, 1, (n, 1)) > np.cumsum(p, axis=1)[:, :-1]).sum(axis=1)
    return _frame({"x1": x1, "x2": x2, "class": np.array(["A", "B", "C"])[code]})


# ---------------------------------------------------------------------------- real data


def _longley():
    from statsmodels.datasets import longley

    data = longley.load_pandas().data
    return data[["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR", "TOTEMP"]].copy()


def _stackloss():
    from statsmodels.datasets import stackloss

    data = stackloss.load_pandas().data
    return data[["AIRFLOW", "WATERTEMP", "ACIDCONC", "STACKLOSS"]].copy()


def _p(n: int, noise: float, seed: int = 0) -> dict:
    return {"n": n, "noise": noise, "seed": seed}


_REGISTRY: dict[str, tuple[BuiltinInfo, Callable]] = {}


def _register(
    make: Callable,
    name,
    title,
    task,
    params,
    group,
    description,
    breaks: tuple[str, ...] | None = None,
    also_breaks: tuple[str, ...] = (),
):
    text = " ".join(description.split())
    info = BuiltinInfo(name, title, text, task, params, group, breaks, also_breaks)
    _REGISTRY[name] = (info, make)


_register(
    _circle,
    "circle",
    "Circle",
    "binary",
    _p(500, 0.0),
    "playground",
    """
    One class inside a circle of radius 2.5, the other in a ring from 3.5 to 5 around it
    (the TensorFlow Playground's 'circle'). No straight line separates them: a linear model
    fails, but adding x1^2 and x2^2 as features, or a hidden layer with a nonlinear
    activation, solves it. Noise (0 to 0.5) blurs the boundary.""",
)
_register(
    _xor,
    "xor",
    "Exclusive or",
    "binary",
    _p(500, 0.0),
    "playground",
    """
    Points in a square; the label is 1 where x1 and x2 have the same sign (the Playground's
    'xor'). No linear model can do better than chance here; the single feature x1*x2 solves
    it exactly, and so does a small net with a nonlinear activation.""",
)
_register(
    _gauss,
    "gauss",
    "Two Gaussians",
    "binary",
    _p(500, 0.2),
    "playground",
    """
    Two round clouds centred at (2, 2) and (-2, -2) (the Playground's 'gauss'). A straight
    line separates them almost perfectly, so logistic regression, and a network without
    nonlinear activations, is enough. The default noise (0.2) lets the clouds overlap a
    little, so the logistic coefficients stay finite; noise 0 separates them completely.""",
)
_register(
    _spiral,
    "spiral",
    "Spiral",
    "binary",
    _p(500, 0.0),
    "playground",
    """
    Two interleaved spiral arms (the Playground's 'spiral'), the hardest of the
    Playground's sets. Linear models fail completely; it takes several nonlinear layers,
    or features like sin(x1), to learn the arms.""",
)
_register(
    _plane,
    "plane",
    "Plane",
    "regression",
    _p(500, 0.0),
    "playground",
    """
    The target is (x1 + x2) / 10 on a square (the Playground's regression 'plane'): a
    perfect linear relation. Any network without nonlinear activations collapses to exactly
    this plane, and OLS finds it in one step. Noise jitters the inputs used for the
    target.""",
)
_register(
    _multigauss,
    "multigauss",
    "Multi-Gaussian",
    "regression",
    _p(500, 0.0),
    "playground",
    """
    Six bumps, alternately up and down, on a square (the Playground's regression
    'multi gauss'). A plane cannot follow them; this is where nonlinear activations earn
    their keep.""",
)
_register(
    _linear,
    "linear",
    "Linear with noise",
    "regression",
    _p(300, 1.0, 29),
    "teaching",
    """
    y = 1.5 + 2 x1 - x2 + 0.5 x3 plus independent Gaussian noise with SD 1: every OLS
    assumption holds, so every assumption card is green at the default seed, and OLS
    recovers the coefficients within their standard errors. (The tests are judged at a 5%
    level for the whole report, so about one other seed in twenty shows a false alarm.)
    The baseline for the teaching sets that break an assumption.""",
    breaks=(),
)
_register(
    _quadratic,
    "quadratic",
    "Quadratic",
    "regression",
    _p(300, 0.5),
    "teaching",
    """
    y = 1 + x - 0.8 x^2 plus noise. A straight line misses the curve: RESET and Rainbow
    flag the wrong functional form and the residuals bend. The missed curve is in the
    residuals, so two more cards fail with it: normality (the leftover parabola makes the
    residuals skewed) and homoskedasticity (their size follows x^2, which White's test
    sees). Adding x^2 as a feature makes the model right and all three cards green.""",
    breaks=("linearity", "normality", "homoskedasticity"),
)
_register(
    _sine,
    "sine",
    "Sine wave",
    "regression",
    _p(300, 0.1),
    "teaching",
    """
    y = sin(x) plus noise for x between -3 and 3. Linear regression captures only the
    overall slope; a network with tanh or ReLU units, or sin(x) as a feature, follows the
    wave.""",
)
_register(
    _heteroskedastic,
    "heteroskedastic",
    "Heteroskedastic errors",
    "regression",
    _p(500, 0.5),
    "teaching",
    """
    y = 2 + 1.5 x1 + x2 with an error variance that grows with x1: four times as large at
    x1 = 5 as at x1 = 0 (the SD doubles, 0.5 to 1 at the default noise). Coefficients stay
    unbiased but the usual standard errors are wrong; Breusch-Pagan and White reject
    constant variance and the residual plot fans out. Side effect: pooled together, errors
    of different widths are heavier-tailed than one normal curve, so in some samples
    (about one in eight) the normality tests fail too; the stronger the fan, the more
    often.""",
    breaks=("homoskedasticity",),
    also_breaks=("normality",),
)
_register(
    _ar1,
    "ar1",
    "Autocorrelated errors (AR(1))",
    "regression",
    _p(300, 1.0),
    "teaching",
    """
    y = 1 + 2 x1 - 0.5 x2 with errors that follow an AR(1) process with rho = 0.4 (each
    error carries 40% of the previous one); the rows are in time order. Durbin-Watson
    falls well below 2 and Breusch-Godfrey and Ljung-Box reject independence: the
    standard errors are too small.""",
    breaks=("independence",),
)
_register(
    _collinear,
    "collinear",
    "Collinear features",
    "regression",
    _p(300, 1.0),
    "teaching",
    """
    x1 and x2 have correlation 0.99 (VIF about 50). The fit as a whole is good, but the
    separate coefficients of x1 and x2 are unstable, with large standard errors: change the
    seed and watch them swing while their sum stays put.""",
    breaks=("collinearity",),
)
_register(
    _outliers,
    "outliers",
    "Outliers and leverage",
    "regression",
    _p(200, 1.0),
    "teaching",
    """
    y = 1 + 2 x plus noise, with a few points far off the line in y (outliers) and three
    far out in x and off the line (high leverage). Cook's distance, the outlier test and the
    leverage plot single them out. A dozen bad rows turn four cards red, not one: influence;
    normality (a few huge residuals are heavy tails); homoskedasticity (the residuals are
    largest where the leverage points sit, far out in x); and linearity (the pulled line
    leaves a bent residual pattern). These tests are not robust to outliers: deal with the
    outliers first, then read the other cards again.""",
    breaks=("influence", "normality", "homoskedasticity", "linearity"),
)
_register(
    _logistic,
    "logistic",
    "Logistic",
    "binary",
    _p(400, 1.0),
    "teaching",
    """
    A 0/1 label drawn with probability 1 / (1 + exp(-(-0.5 + 2 x1 - x2) / noise)). Logistic
    regression recovers the coefficients (divided by noise); a network with one sigmoid
    output and no hidden nonlinearity is exactly logistic regression.""",
)
_register(
    _multinomial,
    "multinomial",
    "Three classes (multinomial)",
    "multiclass",
    _p(450, 0.5),
    "teaching",
    """
    A label A, B or C drawn with softmax probabilities: the log-odds of B against A are
    (0.5 + 2 x1 - x2) / noise and those of C against A (-0.5 - x1 + 2 x2) / noise.
    Multinomial logistic regression recovers them. A network with a softmax output and no
    hidden nonlinearity is exactly that model: its collapse gives one row of W_z per class,
    and only differences between rows matter (the softmax ignores what all classes share).""",
)
_register(
    _longley,
    "longley",
    "Longley (US economy 1947-62)",
    "regression",
    {},
    "real",
    """
    Longley's 16 years of US macroeconomic data: total employment against the GNP deflator,
    GNP, unemployment, armed forces, population and year. Famous for extreme collinearity
    (VIFs in the thousands) that once broke statistical software; NIST publishes certified
    coefficients.""",
)
_register(
    _stackloss,
    "stackloss",
    "Stack loss (Brownlee)",
    "regression",
    {},
    "real",
    """
    21 days of a plant oxidising ammonia to nitric acid: the stack loss (ammonia lost)
    against air flow, cooling water temperature and acid concentration. A classic for
    outliers and robust regression (observations 1, 3, 4 and 21 stand out).""",
)


def builtin_names() -> list[str]:
    """Names accepted after ``builtin:``, in menu order."""
    return list(_REGISTRY)


def builtin_info(name: str) -> BuiltinInfo:
    """Describe the built-in dataset ``name``."""
    return _lookup(name)[0]


def _lookup(name: str):
    try:
        return _REGISTRY[name]
    except KeyError:
        raise DataError(
            f"no built-in dataset {name!r}; choose one of {', '.join(builtin_names())}"
        ) from None


def _coerce(name: str, key: str, value, default):
    try:
        if isinstance(default, int) and not isinstance(default, bool):
            v = float(value)
            if not v.is_integer():
                raise ValueError
            return int(v)
        v = float(value)
    except (TypeError, ValueError):
        raise DataError(f"builtin:{name}: {key}={value!r} is not a number") from None
    if not np.isfinite(v):
        raise DataError(f"builtin:{name}: {key} must be finite")
    return v


def load_builtin_frame(name: str, **params):
    """Generate the built-in dataset ``name`` as a pandas DataFrame (target last).

    Parameters
    ----------
    name : one of ``builtin_names()``
    **params : ``n`` (rows), ``noise`` and ``seed`` for generated sets

    Raises
    ------
    DataError
        Unknown name, unknown parameter, or a value out of range.
    """
    info, make = _lookup(name)
    unknown = sorted(set(params) - set(info.params))
    if unknown:
        allowed = ", ".join(info.params) or "no parameters"
        raise DataError(f"builtin:{name}: unknown parameter {unknown[0]!r} (takes {allowed})")
    values = {k: _coerce(name, k, params.get(k, d), d) for k, d in info.params.items()}
    if "n" in values and not 4 <= values["n"] <= MAX_ROWS:
        raise DataError(f"builtin:{name}: n must be between 4 and {MAX_ROWS:,}")
    if "noise" in values and values["noise"] < 0:
        raise DataError(f"builtin:{name}: noise must not be negative")
    if "seed" in values and values["seed"] < 0:
        raise DataError(f"builtin:{name}: seed must not be negative")
    if name in ("logistic", "multinomial") and values["noise"] == 0:
        raise DataError(f"builtin:{name}: noise must be positive")
    return make(**values)


def parse_builtin_source(source: str) -> tuple[str, dict[str, str]]:
    """Split ``builtin:NAME?key=value&...`` into the name and its parameters."""
    rest = source[len("builtin:") :] if source.startswith("builtin:") else source
    name, _, query = rest.partition("?")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise DataError(f"{source}: parameters must look like ?n=500&noise=0.3") from None
    params: dict[str, str] = {}
    for k, v in pairs:
        if k in params:
            raise DataError(f"{source}: parameter {k!r} given twice")
        params[k] = v
    return name.strip(), params


def load_builtin_source(source: str):
    """Generate the frame named by a ``builtin:NAME?params`` source string."""
    name, params = parse_builtin_source(source)
    return load_builtin_frame(name, **params)
