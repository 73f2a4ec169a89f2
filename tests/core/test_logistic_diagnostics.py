"""The logistic diagnostics page's numbers against R: ROC points and AUC, binned residuals,
the Hosmer-Lemeshow groups, hat values, Pearson and deviance residuals, rstandard, Cook's
distance and the rows it flags.

R 4.2.2 with pROC (the script is tests/data/r/logistic_diagnostics.R, its output
tests/data/r/logistic_diagnostics.json; R is not needed to run these tests)::

    ctl <- glm.control(epsilon = 1e-15, maxit = 100)
    am     <- glm(am ~ wt + hp, family = binomial, data = mtcars, control = ctl)
    vs     <- glm(vs ~ mpg, family = binomial, data = mtcars, control = ctl)   # tied mpg
    infert <- glm(case ~ age + parity + spontaneous + induced, family = binomial,
                  data = infert, control = ctl)
    fm <- update(fm, start = coef(fm))  # glm's working weights are those of the iterate
                                        # before the last (hatvalues 5e-7 off on am); one
                                        # more pass from the optimum puts them there
    hatvalues(fm); cooks.distance(fm); rstandard(fm)
    residuals(fm, "pearson"); residuals(fm, "deviance"); which(cooks.distance(fm) > 4 / n)
    binned.resids(p, y - p, nclass)   # arm 1.13's function, copied into the script
    r <- pROC::roc(y, p, direction = "<"); auc(r); 1 - r$specificities; r$sensitivities
    cut(p, unique(quantile(p, seq(0, 1, 0.1))), include.lowest = TRUE)  # hoslem.test groups

Values R printed (also in the JSON):
    am:     Cook's distance 0.791790777466652 (row 21, 1-based) and 0.203404149729519 (row 2)
            above 4 / 32, hat of row 19 0.0048588418490238,
            AUC 0.983805668016194, binned xbar 0.00353435620151871, 0.194760642727955,
            0.966460280131896 (nclass 3)
    infert: flagged rows 1 3 4 7 8 10 30 39 43 48 74, AUC 0.771230376049653, 15 bins,
            HL observed 5 2 3 4 5 6 10 14 13 21
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.core.statistics.logistic_diagnostics import (
    binned_residuals,
    default_bins,
    diagnose_logistic,
    hosmer_lemeshow_table,
    hosmer_lemeshow_verdict,
    roc_curve,
)
from nnlin_gui.core.statistics.regression import binary_auc

R_DIR = Path(__file__).resolve().parents[1] / "data" / "r"
R = json.loads((R_DIR / "logistic_diagnostics.json").read_text())
MODELS = {
    "am": ("mtcars.csv", "am", ["wt", "hp"]),
    "vs": ("mtcars.csv", "vs", ["mpg"]),
    "infert": ("infert.csv", "case", ["age", "parity", "spontaneous", "induced"]),
}
# Measured: hat values, Cook's distances and Pearson residuals 1.4e-12 relative at most;
# deviance residuals and rstandard 1.3e-9 on am (a fitted p of 3e-8: R's binomial deviance
# takes log(1 - p), we take log1p(-p)); binned residuals, ROC and HL to 1e-12.
RTOL = 1e-8


def _fit(name):
    file, target, features = MODELS[name]
    frame = pd.read_csv(R_DIR / file)
    X, y = frame[features].to_numpy(float), frame[target].to_numpy(float)
    return X, y, diagnose_logistic(X, y, features)


@pytest.mark.parametrize("name", list(MODELS))
def test_influence_matches_r(name):
    _, _, diag = _fit(name)
    ref = R[name]
    np.testing.assert_allclose(diag.fit.fitted, ref["fitted"], rtol=1e-8, atol=1e-12)
    infl = diag.influence
    np.testing.assert_allclose(infl.leverage, ref["hat"], rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(infl.pearson, ref["pearson"], rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(infl.deviance, ref["deviance"], rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(infl.std_deviance, ref["rstandard"], rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(infl.cooks_distance, ref["cook"], rtol=RTOL, atol=1e-15)
    flagged = np.atleast_1d(ref["flagged"])
    assert sorted(infl.flagged.tolist()) == sorted(flagged.tolist())
    assert infl.n_flagged == len(flagged)
    assert infl.threshold == 4.0 / len(ref["fitted"])
    # the largest first
    assert np.all(np.diff(infl.cooks_distance[infl.flagged]) <= 0)


@pytest.mark.parametrize("name", list(MODELS))
def test_binned_residuals_match_arm(name):
    _, y, diag = _fit(name)
    ref = R[name]
    assert default_bins(len(y)) == ref["nclass"]
    b = diag.binned
    rb = ref["binned"]
    np.testing.assert_array_equal(b.count, rb["n"])
    np.testing.assert_allclose(b.mean_fitted, rb["xbar"], rtol=RTOL)
    np.testing.assert_allclose(b.mean_residual, rb["ybar"], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(b.lo, rb["x.lo"], rtol=RTOL)
    np.testing.assert_allclose(b.hi, rb["x.hi"], rtol=RTOL)
    np.testing.assert_allclose(b.two_se, rb["2se"], rtol=RTOL)


@pytest.mark.parametrize("name", list(MODELS))
def test_roc_matches_proc(name):
    _, y, diag = _fit(name)
    ref = R[name]
    roc = diag.roc
    assert roc.auc == pytest.approx(ref["auc"], abs=1e-12)
    assert roc.auc == pytest.approx(diag.fit.auc, abs=1e-12)  # Mann-Whitney, ties one half
    # pROC lists one point per threshold too (midpoints between distinct scores).
    np.testing.assert_allclose(roc.fpr, ref["fpr"], atol=1e-12)
    np.testing.assert_allclose(roc.tpr, ref["tpr"], atol=1e-12)


@pytest.mark.parametrize("name", list(MODELS))
def test_hosmer_lemeshow_groups_match_r(name):
    _, y, diag = _fit(name)
    ref = R[name]
    hl = diag.hosmer_lemeshow
    np.testing.assert_array_equal(hl.count, ref["hl_count"])
    np.testing.assert_array_equal(hl.observed, ref["hl_observed"])
    np.testing.assert_allclose(hl.expected, ref["hl_expected"], rtol=1e-7)
    assert hl.statistic == diag.fit.hosmer_lemeshow["statistic"]
    # the statistic from the table (both classes) as hoslem.test sums it
    e1, o1, c = hl.expected, hl.observed, hl.count
    stat = np.sum((o1 - e1) ** 2 / e1 + ((c - o1) - (c - e1)) ** 2 / (c - e1))
    assert stat == pytest.approx(hl.statistic, rel=1e-12)


def test_confusion_and_recorded_values():
    _, _, am = _fit("am")
    assert am.confusion == (18, 1, 1, 12)  # R: table(fitted(fm) >= 0.5, y)
    assert am.accuracy == pytest.approx(30 / 32)
    assert float(am.influence.cooks_distance.max()) == pytest.approx(0.791790777466652, rel=1e-7)
    assert am.influence.flagged.tolist() == [20, 1]  # R's rows 21 and 2, the largest first
    assert hosmer_lemeshow_verdict(am.hosmer_lemeshow).startswith("No evidence")


def test_roc_ties_step_diagonally():
    y = np.array([0, 1, 0, 1, 1, 0])
    s = np.array([0.2, 0.5, 0.5, 0.5, 0.9, 0.1])
    roc = roc_curve(y, s)
    np.testing.assert_allclose(roc.tpr, [0, 1 / 3, 1, 1, 1])
    np.testing.assert_allclose(roc.fpr, [0, 0, 1 / 3, 2 / 3, 1])
    assert roc.thresholds[0] == np.inf
    np.testing.assert_allclose(roc.thresholds[1:], [0.9, 0.5, 0.2, 0.1])
    assert roc.auc == pytest.approx(binary_auc(y, s))


def test_binned_residuals_keep_ties_together():
    fitted = np.repeat([0.1, 0.2, 0.3, 0.4], [30, 1, 1, 18])
    y = (np.arange(50) % 3 == 0).astype(float)
    b = binned_residuals(fitted, y - fitted, 5)
    assert b.count.sum() == 50
    for lo, hi in zip(b.lo, b.hi, strict=True):  # no tie is split across bins
        inside = (fitted >= lo) & (fitted <= hi)
        assert not np.any(np.isin(fitted[~inside], fitted[inside]))


def test_hosmer_lemeshow_table_none_for_constant():
    assert hosmer_lemeshow_table(np.array([0, 1, 0, 1.0]), np.full(4, 0.5)) is None
    assert "same predicted probability" in hosmer_lemeshow_verdict(None)


def test_hosmer_lemeshow_verdicts_claim_no_more_than_the_test_shows():
    """A small p is evidence of miscalibration, not a finding about particular groups."""
    from types import SimpleNamespace

    bad = hosmer_lemeshow_verdict(SimpleNamespace(pvalue=0.01))
    assert bad.startswith("Evidence that") and "(p < 0.05)" in bad and "likely" in bad
    good = hosmer_lemeshow_verdict(SimpleNamespace(pvalue=0.5))
    assert good.startswith("No evidence") and "not proof" in good
