"""The fixed part of an exported analysis script (``core.files.script`` writes the settings
above it).

The body is plain Python that a reader can follow top to bottom: load, choose rows, fit,
robust covariance, the model's own tests, every assumption test. It uses numpy, pandas,
scipy and statsmodels only, and follows the conventions the program states (R's, named in
each comment), so it prints the program's numbers.
"""

from __future__ import annotations

SCRIPT_IMPORTS = """
import math
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import integrate, special, stats
from statsmodels.stats.multitest import multipletests

pd.set_option("display.width", 160)
"""

SCRIPT_BODY = r'''


# --------------------------------------------------------------------------------------
# 2. Load the file with the options the program sniffed, and build the columns it used
# --------------------------------------------------------------------------------------


def numbers(column: pd.Series) -> np.ndarray:
    """A column as float64; anything that is not a number counts as missing."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)


def one_hot(column: pd.Series, levels: list[str]) -> list[np.ndarray]:
    """0/1 columns for every level but the first (the baseline); missing stays missing."""
    text = column.where(column.isna(), column.astype(str).str.strip())
    missing = text.isna().to_numpy()
    out = []
    for level in levels[1:]:
        col = (text == level).to_numpy(dtype=np.float64)
        col[missing] = np.nan
        out.append(col)
    return out


def load_columns():
    """The feature matrix, its names, the target and the weights, before dropping rows."""
    frame = pd.read_csv(DATA_PATH, index_col=False, **READ_OPTIONS)
    frame = frame.iloc[:, : len(COLUMN_NAMES)]  # a delimiter at each line end adds empties
    frame.columns = COLUMN_NAMES
    names, cols = [], []
    for col in FEATURES:
        if col in CATEGORICAL:  # text with few levels: one-hot as col[level]
            names += [f"{col}[{level}]" for level in CATEGORICAL[col][1:]]
            cols += one_hot(frame[col], CATEGORICAL[col])
        else:
            names.append(col)
            cols.append(numbers(frame[col]))
    X = np.column_stack(cols)
    y = numbers(frame[TARGET])
    w = numbers(frame[WEIGHTS]) if WEIGHTS is not None else None
    return X, names, y, w


def complete_rows(X, y, w):
    """Missing values as the program treats them: a row without a target (or weight) is
    dropped; a row with a missing feature is dropped (MISSING = "drop") or the feature is
    replaced by its mean over the remaining rows (MISSING = "mean")."""
    keep = ~np.isnan(y)
    if w is not None:
        keep &= ~np.isnan(w)
    if MISSING == "drop":
        keep &= ~np.isnan(X).any(axis=1)
    X, y = X[keep].copy(), y[keep]
    w = None if w is None else w[keep]
    if MISSING == "mean":
        for j in range(X.shape[1]):
            bad = np.isnan(X[:, j])
            X[bad, j] = X[~bad, j].mean()
    return X, y, w, int((~keep).sum())


def add_transforms(X, names):
    """The ticked feature transforms, after the features: squares, pairwise products (in
    feature order), sines."""
    new_cols, new_names = [], []
    for c in [n for n in names if n in SQUARES]:
        new_cols.append(X[:, names.index(c)] * X[:, names.index(c)])
        new_names.append(f"{c}\u00b2")
    chosen = [n for n in names if n in PRODUCTS]
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            new_cols.append(X[:, names.index(a)] * X[:, names.index(b)])
            new_names.append(f"{a}\u00b7{b}")
    for c in [n for n in names if n in SINES]:
        new_cols.append(np.sin(X[:, names.index(c)]))
        new_names.append(f"sin({c})")
    if not new_cols:
        return X, names
    return np.column_stack([X, *new_cols]), names + new_names


def training_rows(n: int) -> np.ndarray:
    """The window fits and tests its training rows: the seeded split of the program
    (numpy's PCG64 generator seeded [SEED, 7]); TEST_FRACTION 0 keeps every row."""
    if TEST_FRACTION <= 0 or n < 4:
        return np.arange(n)
    perm = np.random.default_rng([SEED, 7]).permutation(n)
    n_test = min(n - 2, max(1, int(round(TEST_FRACTION * n))))
    return np.sort(perm[n_test:])


# --------------------------------------------------------------------------------------
# 3. OLS (or WLS) with the chosen covariance, and the model's own tests
# --------------------------------------------------------------------------------------


def fit_model(X, names, y, w):
    """The classical fit (for R^2, F, likelihood) and the fit with the chosen covariance.

    HC0-HC3 are White's estimators as R's sandwich::vcovHC; HAC is Newey-West with the
    Bartlett kernel, HAC_LAGS lags, no prewhitening and no small-sample factor
    (sandwich::NeweyWest(fm, lag = K, prewhite = FALSE, adjust = FALSE)). For every
    covariance, t, p and 95% intervals use t with n - p degrees of freedom (as
    lmtest::coeftest), which is what use_t=True does.
    """
    exog = sm.add_constant(pd.DataFrame(X, columns=names), prepend=True, has_constant="add")
    model = sm.OLS(y, exog) if w is None else sm.WLS(y, exog, weights=w)
    classical = model.fit()
    lags = None
    if COV_TYPE == "nonrobust":
        robust = classical
    elif COV_TYPE == "HAC":
        n = len(y)
        lags = HAC_LAGS if HAC_LAGS is not None else math.floor(4 * (n / 100) ** (2 / 9))
        kwds = {"maxlags": lags, "kernel": "bartlett", "use_correction": False}
        robust = model.fit(cov_type="HAC", cov_kwds=kwds, use_t=True)
    else:
        robust = model.fit(cov_type=COV_TYPE, use_t=True)
    return classical, robust, lags


def print_table(classical, robust, lags, n_dropped, n_all):
    kind = "WLS" if WEIGHTS is not None else "OLS"
    print(f"{kind} of {TARGET!r} on {int(classical.nobs)} rows of {SOURCE}")
    if n_dropped:
        print(f"({n_dropped} rows with missing values dropped)")
    if len(classical.resid) < n_all - n_dropped:
        print(f"(training rows only: test fraction {TEST_FRACTION}, seed {SEED})")
    cov = COV_TYPE + (f", {lags} lags" if lags is not None else "")
    print(f"covariance: {cov}; t with {int(classical.df_resid)} df")
    ci = robust.conf_int(alpha=0.05)
    table = pd.DataFrame(
        {
            "coef": robust.params,
            "std_err": robust.bse,
            "t": robust.tvalues,
            "p": robust.pvalues,
            "ci_low": ci.iloc[:, 0],
            "ci_high": ci.iloc[:, 1],
        }
    )
    print("== coefficients ==")
    print(table.to_string(float_format=lambda v: f"{v:.12g}"))
    n, p = classical.nobs, len(classical.params)
    llf = classical.llf
    model = {
        "r2": classical.rsquared,
        "adj_r2": classical.rsquared_adj,
        "resid_sd": math.sqrt(classical.scale),
        "df_resid": classical.df_resid,
        "nobs": n,
        # F is the classical one whatever the covariance (as summary.lm)
        "fstat": classical.fvalue,
        "f_pvalue": classical.f_pvalue,
        "df_model": classical.df_model,
        "llf": llf,
        # R's AIC and BIC: sigma counts as a parameter (p + 1); statsmodels counts p
        "aic": -2 * llf + 2 * (p + 1),
        "bic": -2 * llf + math.log(n) * (p + 1),
    }
    print("== model ==")
    for key, value in model.items():
        print(f"{key:<10} {value:.12g}")


# --------------------------------------------------------------------------------------
# 4. Assumption tests on the OLS fit (the program's diagnostics; R's conventions)
# --------------------------------------------------------------------------------------


def least_squares(A, b):
    """Residual sum of squares and numerical rank of b on the columns of A (columns put on
    unit length, singular values below 1e-7 of the largest dropped, as R's lm)."""
    norms = np.linalg.norm(A, axis=0)
    norms[norms == 0] = 1.0
    U, s, _ = np.linalg.svd(A / norms, full_matrices=False)
    rank = int(np.sum(s > 1e-7 * s[0]))
    left = b - U[:, :rank] @ (U[:, :rank].T @ b)
    return float(left @ left), rank


def stable_order(values, rtol=1e-10):
    """Sort order in which values within rtol of each other keep file order (ties)."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    tol = rtol * max(abs(v[0]), abs(v[-1]))
    run = np.concatenate([[0], np.cumsum(np.diff(v) > tol)])
    return order[np.lexsort((order, run))]


def collinearity(X, names, exog):
    """VIF per feature (car::vif), condition number of the centred, unit-length features,
    and Belsley's condition number of the unit-length design with intercept."""
    Xc = X - X.mean(axis=0)
    Xc /= np.linalg.norm(Xc, axis=0)
    Rinv = np.linalg.inv(np.linalg.qr(Xc, mode="r"))
    vif = np.sum(Rinv**2, axis=1)  # diagonal of the inverse correlation matrix
    s = np.linalg.svd(Xc, compute_uv=False)
    s_raw = np.linalg.svd(exog / np.linalg.norm(exog, axis=0), compute_uv=False)
    rows = [(f"VIF ({name})", v, None, None) for name, v in zip(names, vif, strict=True)]
    rows.append(("Condition number (standardised)", s[0] / s[-1], None, None))
    rows.append(("Condition number (raw, Belsley)", s_raw[0] / s_raw[-1], None, None))
    return rows


def homoskedasticity(Xs, e, fitted, y):
    """Breusch-Pagan (lmtest::bptest, Koenker's n R^2, and the classic ESS / 2), White
    (bptest with squares and cross products), Goldfeld-Quandt (lmtest::gqtest ordered by
    fitted values, middle 20% dropped, two-sided, F(df_high, df_low))."""
    n, K = Xs.shape
    k = K - 1
    u = e**2
    tss = float(np.sum((u - u.mean()) ** 2))
    ssr, rank = least_squares(Xs, u)
    koenker = n * (1 - ssr / tss)
    classic = (tss - ssr) / np.mean(u) ** 2 / 2
    df = rank - 1
    rows = [
        ("Breusch-Pagan (Koenker)", koenker, df, stats.chi2.sf(koenker, df)),
        ("Breusch-Pagan", classic, df, stats.chi2.sf(classic, df)),
    ]
    # White: products of the standardised features (same span as the raw ones); with many
    # features only the squares, when n x columns^2 would be too much work.
    m_full = k * (k + 1) // 2
    cross = n * m_full**2 <= 4e9 and n - (k + 1 + m_full) >= 10
    i0, i1 = np.triu_indices(k) if cross else (np.arange(k), np.arange(k))
    Z = np.column_stack([Xs] + [Xs[:, a + 1] * Xs[:, b + 1] for a, b in zip(i0, i1, strict=True)])
    ssr_w, rank_w = least_squares(Z, u)
    white = n * (1 - ssr_w / tss)
    name = "White" if cross else "White (squares only)"
    rows.append((name, white, rank_w - 1, stats.chi2.sf(white, rank_w - 1)))
    order = stable_order(fitted)  # ties keep file order
    p1 = math.floor((0.5 - 0.1) * n)
    p2 = math.ceil((0.5 + 0.1) * n + 0.01)
    if p1 < K + 1 or p2 > n - K:
        rows.append(("Goldfeld-Quandt", None, None, None))
    else:
        ssr_low, _ = least_squares(Xs[order[:p1]], y[order[:p1]])
        ssr_high, _ = least_squares(Xs[order[p2 - 1 :]], y[order[p2 - 1 :]])
        df_low, df_high = p1 - K, n - p2 + 1 - K
        F = (ssr_high / df_high) / (ssr_low / df_low)
        p = min(1.0, 2 * min(stats.f.sf(F, df_high, df_low), stats.f.cdf(F, df_high, df_low)))
        rows.append(("Goldfeld-Quandt", F, (df_high, df_low), p))
    return rows


def durbin_watson_p(Q, d):
    """Two-sided p of Durbin-Watson's d (lmtest::dwtest(alternative = "two.sided")): exact
    by Imhof's formula below 100 rows, else a normal approximation with d's exact null
    mean and variance (traces of M A, with A the differencing matrix and M = I - QQ')."""
    n, K = Q.shape
    if n < 100:
        D = np.diff(np.eye(n), axis=0)
        A = D.T @ D
        MA = A - Q @ (Q.T @ A)
        MAM = MA - (MA @ Q) @ Q.T
        lam = np.linalg.eigvalsh((MAM + MAM.T) / 2)[K:]  # drop the projection's zeros
        c = lam - d
        c = c[np.abs(c) > 1e-14 * max(1.0, float(np.abs(c).max()))]

        def integrand(t):
            if t == 0.0:
                return 0.5 * float(c.sum())
            theta = 0.5 * np.sum(np.arctan(c * t))
            rho = np.exp(0.25 * np.sum(np.log1p((c * t) ** 2)))
            return float(np.sin(theta) / (t * rho))

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                val, _ = integrate.quad(integrand, 0.0, np.inf, limit=400)
                cdf = min(1.0, max(0.0, 0.5 - val / np.pi))  # P(D <= d)
                return min(1.0, 2 * min(cdf, 1 - cdf))
            except Warning:
                pass  # the integral did not converge: use the normal approximation
    DQ = np.diff(Q, axis=0)
    QAQ = DQ.T @ DQ
    tr_ha = np.trace(QAQ)
    tr_ha2 = 2 * tr_ha - 2 * np.sum(DQ[1:] * DQ[:-1])
    tr_ma = 2.0 * (n - 1) - tr_ha
    tr_ma2 = 6.0 * n - 8.0 - 2 * tr_ha2 + np.sum(QAQ * QAQ)
    m = n - K
    mean = tr_ma / m
    var = 2 * (m * tr_ma2 - tr_ma**2) / (m**2 * (m + 2))
    return 2 * stats.norm.sf(abs(d - mean) / math.sqrt(var))


def independence(Xs, Q, e):
    """Durbin-Watson, Breusch-Godfrey (lmtest::bgtest(order = LAGS, type = "Chisq"),
    missing lags filled with 0) and Ljung-Box (Box.test(lag = LAGS), no df correction).
    All read the rows in file order."""
    n = len(e)
    d = float(np.sum(np.diff(e) ** 2) / (e @ e))
    rows = [("Durbin-Watson", d, None, durbin_watson_p(Q, d))]
    lagged = np.zeros((n, LAGS))
    for j in range(1, LAGS + 1):
        lagged[j:, j - 1] = e[:-j]
    ssr_x, _ = least_squares(Xs, e)
    ssr_full, _ = least_squares(np.column_stack([Xs, lagged]), e)
    bg = n * (ssr_x - ssr_full) / ssr_x
    rows.append(("Breusch-Godfrey", bg, LAGS, stats.chi2.sf(bg, LAGS)))
    x = e - e.mean()
    r = np.array([x[j:] @ x[: n - j] for j in range(1, LAGS + 1)]) / (x @ x)
    q = n * (n + 2) * np.sum(r**2 / (n - np.arange(1, LAGS + 1)))
    rows.append(("Ljung-Box", q, LAGS, stats.chi2.sf(q, LAGS)))
    return rows


def normality(e):
    """Jarque-Bera (tseries::jarque.bera.test), D'Agostino's omnibus, Shapiro-Wilk (a
    seeded 5,000-row subsample above 5,000 rows), Anderson-Darling (nortest::ad.test)."""
    n = len(e)
    x = e - e.mean()
    m2 = np.mean(x * x)
    skew = np.mean(x * x * x) / m2**1.5
    kurt = np.mean(x**4) / m2**2
    jb = n / 6 * (skew**2 + (kurt - 3) ** 2 / 4)
    rows = [("Jarque-Bera", jb, 2, stats.chi2.sf(jb, 2))]
    if n >= 20:
        k2, p = stats.normaltest(e)
        rows.append(("Omnibus (D'Agostino)", k2, 2, p))
    else:
        rows.append(("Omnibus (D'Agostino)", None, None, None))
    sample = e
    if n > 5000:
        sample = e[np.random.default_rng(SHAPIRO_SEED).choice(n, size=5000, replace=False)]
    spread = np.max(np.abs(sample - np.median(sample)))  # W is scale-free; avoid tiny values
    w, p = stats.shapiro((sample - np.median(sample)) / spread)
    rows.append(("Shapiro-Wilk", w, None, p))
    if n >= 8:
        z = np.sort(e)
        z = (z - z.mean()) / z.std(ddof=1)
        i = np.arange(1, n + 1)
        a2 = -n - np.mean((2 * i - 1) * (special.log_ndtr(z) + special.log_ndtr(-z[::-1])))
        aa = a2 * (1 + 0.75 / n + 2.25 / n**2)  # D'Agostino and Stephens (1986)
        if aa < 0.2:
            p = 1 - math.exp(-13.436 + 101.14 * aa - 223.73 * aa**2)
        elif aa < 0.34:
            p = 1 - math.exp(-8.318 + 42.796 * aa - 59.938 * aa**2)
        elif aa < 0.6:
            p = math.exp(0.9177 - 4.279 * aa - 1.38 * aa**2)
        elif aa < 10:
            p = math.exp(1.2937 - 5.709 * aa + 0.0186 * aa**2)
        else:
            p = 3.7e-24
        rows.append(("Anderson-Darling", a2, None, min(max(p, 0.0), 1.0)))
    else:
        rows.append(("Anderson-Darling", None, None, None))
    return rows


def recursive_residuals(X, y):
    """Standardised one-step-ahead errors in row order (Brown, Durbin and Evans), each
    from the QR factor of the rows before it, updated one row at a time."""
    n, K = X.shape
    R = np.linalg.qr(np.column_stack([X[:K], y[:K]]), mode="r")
    diag = np.abs(np.diag(R[:K, :K]))
    if diag.min() <= 1e-8 * diag.max():
        return None  # the first K rows do not determine the coefficients
    out = np.empty(n - K)
    for t in range(K, n):
        b = np.linalg.solve(R[:K, :K], R[:K, K])
        g = np.linalg.solve(R[:K, :K].T, X[t])
        out[t - K] = (y[t] - X[t] @ b) / math.sqrt(1 + g @ g)
        R = np.linalg.qr(np.vstack([R[:K], np.append(X[t], y[t])]), mode="r")
    return out


def linearity(Xs, e, fitted, y, h):
    """RESET (lmtest::resettest(power = 2:3, type = "fitted"), F form), Rainbow
    (raintest(order.by = "mahalanobis"): central half by leverage) and Harvey-Collier
    (harvtest: |t| of the recursive residuals in row order)."""
    n, K = Xs.shape
    rows = []
    fs = (fitted - fitted.mean()) / (fitted.std() or 1.0)
    ssr_x, rank_x = least_squares(Xs, e)
    ssr_u, rank_u = least_squares(np.column_stack([Xs, fs**2, fs**3]), e)
    q, df2 = rank_u - rank_x, n - K - (rank_u - rank_x)
    if q == 0 or df2 <= 0 or ssr_u <= 0:
        rows.append(("RESET", None, None, None))
    else:
        F = ((ssr_x - ssr_u) / q) / (ssr_u / df2)
        rows.append(("RESET", F, (q, df2), stats.f.sf(F, q, df2)))
    size = n // 2
    if size - K < 1:
        rows.append(("Rainbow", None, None, None))
    else:
        mid = stable_order(h)[:size]
        ssr_mid, _ = least_squares(Xs[mid], y[mid])
        df1, df2 = n - size, size - K
        F = ((e @ e - ssr_mid) / df1) / (ssr_mid / df2)
        rows.append(("Rainbow", F, (df1, df2), stats.f.sf(F, df1, df2)))
    w = recursive_residuals(Xs, y)
    if w is None or len(w) < 3:
        rows.append(("Harvey-Collier", None, None, None))
    else:
        t = math.sqrt(len(w)) * w.mean() / w.std(ddof=1)
        rows.append(("Harvey-Collier", abs(t), len(w) - 1, 2 * stats.t.sf(abs(t), len(w) - 1)))
    return rows


def influence(Q, R, e):
    """Cook's distance, the Bonferroni outlier test (car::outlierTest), leverage, DFFITS
    and DFBETAS, in closed form: h_i = ||q_i||^2, s_(i)^2 = (SSR - e_i^2/(1-h_i))/(n-p-1)."""
    n, p = Q.shape
    h = np.sum(Q * Q, axis=1)
    ssr = e @ e
    inv = 1 / (1 - h)
    s = math.sqrt(ssr / (n - p))
    r = e * np.sqrt(inv) / s  # internally studentised
    s_del = np.sqrt((ssr - e * e * inv) / (n - p - 1))
    t = e * np.sqrt(inv) / s_del  # externally studentised
    cooks = r * r * h * inv / p
    dffits = t * np.sqrt(h * inv)
    Rinv = np.linalg.inv(R)
    M = (Rinv / np.sqrt(np.sum(Rinv**2, axis=1))[:, None]).T
    dfbetas = (Q @ M) * (e * inv / s_del)[:, None]
    tmax = np.nanmax(np.abs(t))
    p_bonf = min(1.0, n * 2 * stats.t.sf(tmax, n - p - 1))
    return [
        ("Cook's distance", np.nanmax(cooks), None, None),
        ("Outlier test (studentized residual)", tmax, n - p - 1, p_bonf),
        ("Leverage", h.max(), None, None),
        ("DFFITS", np.nanmax(np.abs(dffits)), None, None),
        ("DFBETAS", np.nanmax(np.abs(dfbetas)), None, None),
    ]


def assumption_tests(X, names, y):
    """Every test, in the program's order, on the OLS residuals (weights play no part)."""
    n = len(y)
    exog = np.column_stack([np.ones(n), X])
    ols = sm.OLS(y, exog).fit()
    e, fitted = np.asarray(ols.resid), np.asarray(ols.fittedvalues)
    Xs = exog.copy()  # standardised features: better conditioned, same fits
    Xs[:, 1:] = (X - X.mean(axis=0)) / X.std(axis=0)
    Q, R = np.linalg.qr(exog)
    h = np.sum(Q * Q, axis=1)
    groups = [
        ("collinearity", collinearity(X, names, exog)),
        ("homoskedasticity", homoskedasticity(Xs, e, fitted, y)),
        ("independence", independence(Xs, Q, e)),
        ("normality", normality(e)),
        ("linearity", linearity(Xs, e, fitted, y, h)),
        ("influence", influence(Q, R, e)),
    ]
    # Holm's step-down adjustment over every p-value of the report at once (the verdicts:
    # adjusted p below 0.01 violated, below 0.05 warning).
    raw = [row[3] for _, rows in groups for row in rows if row[3] is not None]
    holm = iter(multipletests(raw, method="holm")[1])
    print("== assumption tests ==")
    print(f"{'test':<40} {'statistic':>20} {'df':>10} {'p':>20} {'p_holm':>20}")
    for group, rows in groups:
        print(f"# {group}")
        for name, stat, df, p in rows:
            if stat is None:
                print(f"{name:<40} {'n/a':>20} {'-':>10} {'-':>20} {'-':>20}")
                continue
            df_text = "-" if df is None else ",".join(str(int(v)) for v in np.atleast_1d(df))
            p_text = "-" if p is None else f"{p:.12g}"
            holm_text = "-" if p is None else f"{next(holm):.12g}"
            print(f"{name:<40} {stat:>20.12g} {df_text:>10} {p_text:>20} {holm_text:>20}")


def main():
    X, names, y, w = load_columns()
    n_all = len(y)
    X, y, w, n_dropped = complete_rows(X, y, w)
    X, names = add_transforms(X, names)
    rows = training_rows(len(y))
    X, y = X[rows], y[rows]
    w = None if w is None else w[rows]
    classical, robust, lags = fit_model(X, names, y, w)
    print_table(classical, robust, lags, n_dropped, n_all)
    assumption_tests(X, names, y)


if __name__ == "__main__":
    main()
'''
