"""``fit_logistic``/``nnlin logistic``: Wald statistics, likelihoods, AUC, confusion table and
Hosmer-Lemeshow against R (values recorded; R is not needed to run these tests).

R 4.2.2 (tests/data/r; infert.csv is ``write.csv(infert, row.names = FALSE, quote = FALSE)``)::

    ctl <- glm.control(epsilon = 1e-15, maxit = 100)  # converged: see below
    am     = glm(am ~ wt + hp, family = binomial, data = mtcars, control = ctl)
    vs     = glm(vs ~ mpg, family = binomial, data = mtcars, control = ctl)
    infert = glm(case ~ age + parity + spontaneous + induced, family = binomial, data = infert,
                 control = ctl)
    coef(fm); p <- fitted(fm); X <- model.matrix(fm)
    bse <- sqrt(diag(solve(crossprod(X * sqrt(p * (1 - p))))))  # information at the optimum
    z <- coef(fm) / bse; 2 * pnorm(-abs(z)); coef(fm) -/+ qnorm(0.975) * bse
    c(logLik(fm), logLik(update(fm, . ~ 1)), deviance(fm), fm$null.deviance, AIC(fm),
      BIC(fm), 1 - logLik(fm) / logLik(null), auc)   # auc: Mann-Whitney with rank()
    pred <- fitted(fm) >= 0.5; confusion tn, fp, fn, tp
    hoslem(fm$y, fitted(fm), g = 10)   # ResourceSelection::hoslem.test's code, by hand:
      qq <- unique(quantile(yhat, probs = seq(0, 1, 1/g)))
      cutyhat <- cut(yhat, breaks = qq, include.lowest = TRUE)
      observed <- xtabs(cbind(y0 = 1 - x, y1 = x) ~ cutyhat)
      expected <- xtabs(cbind(yhat0 = 1 - yhat, yhat1 = yhat) ~ cutyhat)
      chisq <- sum((observed - expected)^2/expected); c(chisq, g - 2, 1 - pchisq(chisq, g - 2))

printed with sprintf("%.15g"). summary.glm takes its errors from the weights of the iterate
before the last, so they differ from the information at the optimum (used here, as
confint.default's Wald intervals would be at convergence) by 5e-8 relative on mtcars and, with
glm's default epsilon = 1e-8 (4 iterations on infert), by 1.7e-5.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.statistics.regression import binary_auc, fit_logistic, hosmer_lemeshow

R_DIR = Path(__file__).resolve().parents[1] / "data" / "r"
MODELS = {
    "am": ("mtcars.csv", "am", ["wt", "hp"]),
    "vs": ("mtcars.csv", "vs", ["mpg"]),
    "infert": ("infert.csv", "case", ["age", "parity", "spontaneous", "induced"]),
}
# fit = [llf, llnull, deviance, null deviance, AIC, BIC, McFadden, AUC]; hl = [stat, df, p]
R = {
    "am": {
        "bse": [7.44355842798181, 3.06867527539063, 0.0177341543319471],
        "coef": [18.8662987172041, -8.08347518244463, 0.0362555960822165],
        "confusion": [18, 1, 1, 12],
        "fit": [
            -5.02955523613349,
            -21.6148666384289,
            10.059110472267,
            43.2297332768578,
            16.059110472267,
            20.4563181806662,
            0.767310373907582,
            0.983805668016194,
        ],
        "hi": [33.455405152868, -2.06898216243046, 0.0710138998691079],
        "hl": [4.9517420665555, 8.0, 0.762721347905062],
        "lo": [4.27719228154017, -14.0979682024588, 0.00149729229532516],
        "p": [0.0112582027407642, 0.00843381606129208, 0.0409146542103859],
        "z": [2.53458059068656, -2.63419047537235, 2.0443938517499],
    },
    "infert": {
        "bse": [
            1.00428291379577,
            0.0301415025507794,
            0.180913932190496,
            0.298630702460696,
            0.289875248412101,
        ],
        "coef": [
            -2.85239036765427,
            0.0531809874821271,
            -0.708830062869875,
            1.92533823778235,
            1.18965621068966,
        ],
        "confusion": [146, 19, 44, 39],
        "fit": [
            -130.471683743559,
            -158.085555408202,
            260.943367487118,
            316.171110816404,
            270.943367487118,
            288.510511217943,
            0.174676753947187,
            0.771230376049653,
        ],
        "hi": [
            -0.884032026325617,
            0.112257246921577,
            -0.354245271474981,
            2.51064365928321,
            1.75780125758698,
        ],
        "hl": [10.4551816905474, 8.0, 0.234519373267262],
        "lo": [
            -4.82074870898292,
            -0.00589527195732276,
            -1.06341485426477,
            1.34003281628149,
            0.621511163792345,
        ],
        "p": [
            0.00450815933118691,
            0.0776684517366721,
            8.92677198427893e-05,
            1.13919360565564e-10,
            4.06017838614728e-05,
        ],
        "z": [
            -2.84022592485759,
            1.76437745240248,
            -3.91805127602612,
            6.44722134033005,
            4.10402825769515,
        ],
    },
    "vs": {
        "bse": [3.162274272823, 0.158421978735075],
        "coef": [-8.83307257679209, 0.43041352026266],
        "confusion": [15, 3, 3, 11],
        "fit": [
            -12.7666675765465,
            -21.9300546328467,
            25.533335153093,
            43.8601092656933,
            29.533335153093,
            32.4648069586925,
            0.417846066036484,
            0.910714285714286,
        ],
        "hi": [-2.63512889282143, 0.740914892942978],
        "hl": [9.39293234245056, 8.0, 0.31024009472974],
        "lo": [-15.0310162607628, 0.119912147582343],
        "p": [0.00521787974919182, 0.00659004779136161],
        "z": [-2.79326580009352, 2.7168800926444],
    },
}


def _fit(label):
    file, target, features = MODELS[label]
    df = pd.read_csv(R_DIR / file)
    return fit_logistic(df[features].to_numpy(float), df[target].to_numpy(float), features), df


@pytest.mark.parametrize("label", sorted(MODELS))
def test_wald_statistics_match_glm(label):
    res, _ = _fit(label)
    ref = R[label]
    np.testing.assert_allclose(res.params, ref["coef"], rtol=1e-9)
    np.testing.assert_allclose(res.bse, ref["bse"], rtol=1e-8)
    np.testing.assert_allclose(res.zvalues, ref["z"], rtol=1e-8)
    np.testing.assert_allclose(res.pvalues, ref["p"], rtol=1e-7)
    np.testing.assert_allclose(res.conf_int[:, 0], ref["lo"], rtol=1e-8)
    np.testing.assert_allclose(res.conf_int[:, 1], ref["hi"], rtol=1e-8)


@pytest.mark.parametrize("label", sorted(MODELS))
def test_likelihoods_auc_confusion_and_hosmer_lemeshow(label):
    res, _ = _fit(label)
    ref = R[label]
    got = [res.llf, res.llnull, res.deviance, res.null_deviance, res.aic, res.bic,
           res.pseudo_r2_mcfadden, res.auc]  # fmt: skip
    np.testing.assert_allclose(got, ref["fit"], rtol=1e-10)
    assert list(res.confusion) == ref["confusion"]
    hl = res.hosmer_lemeshow
    assert hl is not None and hl["groups"] == 10 and hl["groups_used"] == 10
    assert hl["df"] == ref["hl"][1] == 8
    assert hl["statistic"] == pytest.approx(ref["hl"][0], rel=1e-9)
    assert hl["pvalue"] == pytest.approx(ref["hl"][2], rel=1e-9)


def test_identical_rows_get_identical_fitted_values():
    res, df = _fit("infert")
    X = df[MODELS["infert"][2]].to_numpy(float)
    _, inverse, counts = np.unique(X, axis=0, return_inverse=True, return_counts=True)
    assert counts.max() > 1  # infert repeats rows
    inverse = np.reshape(inverse, -1)
    for g in np.flatnonzero(counts > 1):
        values = res.fitted[inverse == g]
        assert np.all(values == values[0])
    # Stacked copies in another order: still one value per distinct row.
    rng = np.random.default_rng(0)
    order = rng.permutation(np.tile(np.arange(len(X)), 5))
    big = fit_logistic(X[order], df["case"].to_numpy(float)[order])
    firsts = {}
    for row, p in zip(order, big.fitted, strict=True):
        assert firsts.setdefault(tuple(X[row]), p) == p


def test_hosmer_lemeshow_ties_and_empty_groups():
    # Heavily tied fitted values. R (the hoslem code above) gives cut points
    # 0.10 0.17 0.20 0.36 0.60 0.66 0.90 and the table
    #   [0.1,0.17] 5 1 | (0.17,0.2] 5 1 | (0.2,0.36] 0 0 | (0.36,0.6] 2 2 | (0.6,0.66] 0 0 |
    #   (0.66,0.9] 1 3,  so its statistic is NaN (0/0 in the empty groups); ours leaves the
    # two empty groups out and sums the other four.
    p = np.array([0.1] * 6 + [0.2] * 6 + [0.6] * 4 + [0.9] * 4)
    y = np.array([0] * 5 + [1] + [0] * 5 + [1] + [0, 1, 1, 0] + [1, 1, 1, 0])
    hl = hosmer_lemeshow(y, p)
    n = np.array([6, 6, 4, 4.0])
    o1 = np.array([1, 1, 2, 3.0])
    e1 = n * np.array([0.1, 0.2, 0.6, 0.9])
    expected = np.sum((o1 - e1) ** 2 / e1 + ((n - o1) - (n - e1)) ** 2 / (n - e1))
    assert hl is not None and hl["statistic"] == pytest.approx(expected, rel=1e-13)
    assert hl["groups_used"] == 4 and hl["groups"] == 10 and hl["df"] == 8
    assert hosmer_lemeshow(y, np.full(20, 0.3)) is None


def test_auc_counts_ties_one_half():
    assert binary_auc([0, 1], [0.5, 0.5]) == 0.5
    assert binary_auc([0, 0, 1, 1], [0.1, 0.4, 0.4, 0.9]) == pytest.approx(0.875)


def test_cli_json(capsys):
    path = R_DIR / "infert.csv"
    features = "age,parity,spontaneous,induced"
    assert main(["logistic", str(path), "--target", "case", "--features", features,
                 "--json", "-"]) == 0  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    ds = load_dataset(str(path), target="case", features=features.split(","), task="binary")
    res = fit_logistic(ds.X, ds.y, ds.feature_names)
    assert payload["logistic"] == json.loads(json.dumps(res.to_dict()))
    out = payload["logistic"]
    for key in ("params", "bse", "zvalues", "pvalues", "conf_int", "llf", "llnull", "deviance",
                "null_deviance", "aic", "bic", "pseudo_r2_mcfadden", "auc"):  # fmt: skip
        assert key in out
    assert out["confusion"] == {"tn": 146, "fp": 19, "fn": 44, "tp": 39}
    assert out["hosmer_lemeshow"]["groups"] == 10
    assert payload["data"]["positive"] == "1" and payload["data"]["rows_used"] == 248


def test_cli_text_and_errors(capsys):
    path = str(R_DIR / "mtcars.csv")
    assert main(["logistic", path, "--target", "am", "--features", "wt,hp"]) == 0
    out = capsys.readouterr().out
    assert "Hosmer-Lemeshow 4.9517 on 8 df" in out and "AUC 0.9838" in out
    assert main(["logistic", path, "--target", "mpg"]) == 2
    assert "not the 2 a binary task needs" in capsys.readouterr().err
