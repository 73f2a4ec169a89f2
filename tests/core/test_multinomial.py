"""Multinomial logistic regression: the closed-form baseline of a softmax network.

Against R (values recorded; R is not needed to run these tests). R 4.2.2, nnet 7.3-18, the
CSV files of tests/data/r (read back as R reads them, so text levels sort as ours)::

    library(nnet)
    mt <- read.csv("mtcars.csv"); aq <- read.csv("airquality.csv")
    wb <- read.csv("warpbreaks.csv", stringsAsFactors = TRUE)      # levels H, L, M
    gear <- multinom(factor(gear) ~ wt + hp, mt, trace = FALSE, reltol = 1e-16, maxit = 10000)
    warp <- multinom(tension ~ breaks + wool, wb, trace = FALSE, reltol = 1e-16, maxit = 10000)
    aq   <- multinom(factor(Month) ~ Temp + Wind, aq, trace = FALSE, reltol = 1e-16,
                     maxit = 10000)
    coef(fm); sqrt(diag(vcov(fm))); deviance(fm); AIC(fm)      # sprintf("%.15g")

The first level is the reference (R's convention and ours). nnet maximises by BFGS and stops
on a relative change of the objective: with its defaults (``reltol = 1e-8, maxit = 100``) the
mtcars fit stops with coefficients up to 16 % away from the optimum (wt for gear 4:
-0.5676 instead of -0.4872) and airquality's 5e-4 away, so the reference values are the
tightened fits above. Even those stop 1e-6 (relative) short: our Newton fit's score is
below 1e-9 and its deviance is no larger than R's, so coefficients and standard errors are
compared to 1e-5 relative, deviance and AIC to 1e-10.

Separable classes (mtcars ``cyl ~ mpg``: R stops with ``convergence = 1`` after 100
iterations at coefficients 47 and -2.2, or 424 and -19.8 with ``maxit = 10000``) have no
maximum likelihood estimate; the fit says so instead of returning where it stopped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.errors import DataError, SpecError
from nnlin_gui.core.networks.network import LayerSpec, NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.core.statistics.comparison import compare
from nnlin_gui.core.statistics.fitting import (
    baseline_difference,
    baseline_for,
    build_spec,
    fit_report,
)
from nnlin_gui.core.statistics.multinomial import (
    SEPARATED,
    fit_multinomial,
    fit_multinomial_l2,
    relative_to_reference,
)

R_DIR = Path(__file__).resolve().parents[1] / "data" / "r"

# name: (file, target, features, classes, coef rows, se rows, [deviance, AIC])
R = {
    "gear": (
        "mtcars.csv",
        "gear",
        ["wt", "hp"],
        ("3", "4", "5"),
        [
            [10.4917251021733, -0.487232549075299, -0.0757024947171693],
            [20.2498447482041, -12.684249198759, 0.0958950104818431],
        ],
        [
            [4.97541235959705, 2.07740926820372, 0.047286044205862],
            [10.8243478128935, 7.86196755508761, 0.0742788179787347],
        ],
        [20.1410557373134, 32.1410557373134],
    ),
    "warpbreaks": (
        "warpbreaks.csv",
        "tension",
        ["breaks", "wool"],
        ("H", "L", "M"),
        [
            [-3.73956027821058, 0.12486676103715, 0.604411143375104],
            [-1.47337954279587, 0.0592769731657801, 0.1263361306543],
        ],
        [
            [1.3052781797973, 0.0424871233386415, 0.780368052298853],
            [1.09807110352429, 0.0403078645141207, 0.686744984172613],
        ],
        [104.528803230064, 116.528803230064],
    ),
    "airquality": (
        "airquality.csv",
        "Month",
        ["Temp", "Wind"],
        ("5", "6", "7", "8", "9"),
        [
            [-23.450569236602, 0.304287880432523, 0.13012418855443],
            [-31.5933534012143, 0.409634290864563, 0.0870387324972773],
            [-31.3562480577468, 0.408381898636447, 0.0721546361502816],
            [-18.5553439949601, 0.247613042511179, 0.0837691016042418],
        ],
        [
            [5.05433817168313, 0.0618459160033116, 0.107994290979187],
            [5.66005200004467, 0.0683761325974419, 0.116198488949586],
            [5.65482909127784, 0.0683646248275946, 0.116437143545272],
            [4.67487767464253, 0.0575721835052489, 0.104174738358038],
        ],
        [387.845982537958, 411.845982537958],
    ),
}


def _dataset(name: str):
    file, target, features, *_ = R[name]
    return load_dataset(str(R_DIR / file), target=target, features=features, task="classification")


def _score(X: np.ndarray, y: np.ndarray, params: np.ndarray) -> np.ndarray:
    """The gradient of the log-likelihood at ``params`` (K - 1, p), from scratch."""
    A = np.column_stack([np.ones(len(X)), X])
    eta = np.column_stack([np.zeros(len(X)), A @ params.T])
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    Y = np.eye(params.shape[0] + 1)[y.astype(int)]
    return ((Y - P)[:, 1:].T @ A) / len(X)


@pytest.mark.parametrize("name", list(R))
def test_matches_r_nnet_multinom(name):
    _, _, _, classes, coef, se, (deviance, aic) = R[name]
    ds = _dataset(name)
    assert ds.class_labels == classes  # the same levels, the same reference
    res = fit_multinomial(ds.X, ds.y, ds.feature_names, ds.class_labels)
    assert res.reference == classes[0] and res.names[0] == "const"
    np.testing.assert_allclose(res.params, coef, rtol=1e-5)
    np.testing.assert_allclose(res.bse, se, rtol=1e-5)
    assert res.deviance == pytest.approx(deviance, rel=1e-10)
    assert res.deviance <= deviance * (1 + 1e-14)  # the maximum, not a point near it
    assert res.aic == pytest.approx(aic, rel=1e-10)
    assert res.bic == pytest.approx(deviance + np.log(len(ds.y)) * np.size(coef), rel=1e-10)
    # The optimum itself: the score (data units, per row) vanishes.
    assert np.abs(_score(ds.X, ds.y, res.params)).max() < 1e-9
    np.testing.assert_allclose(res.zvalues, res.params / res.bse)
    np.testing.assert_allclose(res.fitted.sum(axis=1), 1.0)
    assert res.cov_params.shape == (res.n_params, res.n_params)
    d = res.to_dict()
    json.dumps(d)
    assert list(d["params"]) == list(classes[1:]) and d["reference"] == classes[0]


def test_separable_classes_have_no_estimate_and_say_so():
    mt = load_dataset(
        str(R_DIR / "mtcars.csv"), target="cyl", features=["mpg"], task="classification"
    )
    with pytest.raises(DataError, match="separable by the features") as err:
        fit_multinomial(mt.X, mt.y, mt.feature_names, mt.class_labels)
    assert str(err.value) == SEPARATED and "\n" not in SEPARATED
    # Complete separation of one class only (quasi-separation of the whole).
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 2))
    y = np.where(x[:, 0] > 1.0, 2, rng.integers(0, 2, 60))
    with pytest.raises(DataError, match="separable by the features"):
        fit_multinomial(x, y, ["a", "b"])
    # Complete separation (three clusters): the iterate itself is the certificate.
    centres = np.repeat([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]], 20, axis=0)
    with pytest.raises(DataError, match="separable by the features"):
        fit_multinomial(centres + rng.normal(size=(60, 2)) * 0.3, np.repeat([0, 1, 2], 20))


def test_a_class_without_rows_and_collinear_columns_are_refused():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 2))
    y = rng.integers(0, 2, 40)
    with pytest.raises(DataError, match="class c has no rows among the rows fitted"):
        fit_multinomial(x, y, ["a", "b"], classes=["a0", "b1", "c"])
    with pytest.raises(DataError, match="collinear|constant|linear combination"):
        fit_multinomial(np.column_stack([x, 2 * x[:, 0]]), y, ["a", "b", "c"])


def test_relative_form_is_what_a_softmax_sees():
    rng = np.random.default_rng(3)
    W, b = rng.normal(size=(3, 2)), rng.normal(size=3)
    Wr, br = relative_to_reference(W + 5.0, b - 2.0)  # a common row added: the same model
    np.testing.assert_allclose(Wr, W - W[0])
    np.testing.assert_allclose(br, b - b[0])
    assert not Wr[0].any() and br[0] == 0.0


def test_penalised_fit_is_stationary_with_rows_summing_to_zero():
    ds = _dataset("warpbreaks")
    X = (ds.X - ds.X.mean(axis=0)) / ds.X.std(axis=0)
    lam = 0.01
    fit = fit_multinomial_l2(X, ds.y, lam, 3)
    A = np.column_stack([np.ones(len(X)), X])
    theta = np.column_stack([fit.intercept, fit.coef])
    eta = A @ theta.T
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    Y = np.eye(3)[ds.y.astype(int)]
    grad = (P - Y).T @ A / len(X)
    grad[:, 1:] += 2 * lam * fit.coef
    assert np.abs(grad).max() < 1e-12
    assert np.abs(fit.coef.sum(axis=0)).max() < 1e-12  # the penalty picks rows summing to 0
    assert fit.intercept[0] == 0.0


# ----------------------------------------------------- the network converges to it


def _trainer(ds, layers, **config):
    cfg = TrainingConfig(batch_size=0, epochs=1, test_fraction=0.0, **config)
    return Trainer(build_spec(ds, layers), ds.X, ds.y, cfg)


@pytest.mark.parametrize(
    "name, layers, optimizer, lr, l2, epochs",
    [
        ("warpbreaks", [], "sgd", 0.5, 0.0, 1000),
        ("warpbreaks", [4], "sgd", 0.2, 0.0, 1000),
        ("airquality", [4], "momentum", 0.05, 0.0, 1000),
        ("gear", [4, 4], "sgd", 0.1, 0.0, 10000),
        ("airquality", [], "sgd", 0.5, 0.01, 3000),
    ],
)
def test_identity_softmax_network_converges_to_the_multinomial_fit(
    name, layers, optimizer, lr, l2, epochs
):
    """Full-batch gradient descent takes the collapse, relative to the first class, onto
    the multinomial MLE (or, with L2 on one weight matrix, the penalised fit)."""
    ds = _dataset(name)
    trainer = _trainer(ds, layers, optimizer=optimizer, learning_rate=lr, l2=l2)
    base = baseline_for(trainer, ds.feature_names, ds.class_labels)
    assert base.kind == ("multinomial_l2" if l2 else "multinomial")
    assert base.reference == ds.class_labels[0] and "relative to class" in base.title
    distances = []
    for chunk in (epochs // 10, epochs - epochs // 10):
        assert not trainer.run(chunk).diverged
        distances.append(baseline_difference(base, *trainer.collapse().coefficients()))
    assert distances[1] < 1e-6 < distances[0]
    if not l2:  # the same coefficients R gives
        coef = np.asarray(R[name][4])
        Wr, br = relative_to_reference(*trainer.collapse().coefficients())
        np.testing.assert_allclose(np.column_stack([br, Wr])[1:], coef, rtol=1e-5)
        comp = compare(trainer, ds.feature_names, base)
        assert comp.headline.startswith("the network has collapsed to multinomial")
        assert len(comp.rows) == (len(ds.class_labels) - 1) * (1 + len(ds.feature_names))
        ref = ds.class_labels[0]
        assert comp.rows[0].name == f"const [{ds.class_labels[1]} vs {ref}]"
        assert comp.rows[0].se == pytest.approx(R[name][5][0][0], rel=1e-5)


def test_no_closed_form_for_a_softmax_chain_with_weight_decay_or_l1():
    ds = _dataset("warpbreaks")
    with pytest.raises(SpecError, match="Schatten quasi-norm\\), not ridge"):
        baseline_for(_trainer(ds, [4], l2=0.01), ds.feature_names, ds.class_labels)
    with pytest.raises(SpecError, match="L1-penalised multinomial"):
        baseline_for(_trainer(ds, [], l1=0.01), ds.feature_names, ds.class_labels)


def test_separable_training_data_give_one_sentence_not_garbage():
    mt = load_dataset(
        str(R_DIR / "mtcars.csv"), target="cyl", features=["mpg"], task="classification"
    )
    trainer = Trainer(NetworkSpec(1, (LayerSpec("dense", 2),), 3, "softmax"), mt.X, mt.y)
    with pytest.raises(SpecError, match="does not exist"):
        baseline_for(trainer, mt.feature_names, mt.class_labels)


def test_fit_report_and_cli_compare_with_the_multinomial_fit(capsys):
    ds = _dataset("warpbreaks")
    r = fit_report(
        ds, [3], epochs=2000, optimizer="sgd", learning_rate=0.2, batch_size=0, test_fraction=0
    )
    json.dumps(r)
    base = r["baseline"]
    assert base["kind"] == "multinomial" and base["reference_class"] == "H"
    assert base["title"] == "multinomial logistic regression (relative to class H)"
    np.testing.assert_allclose(
        [base["params"]["L"][k] for k in ("const", "breaks", "wool[B]")], R["warpbreaks"][4][0],
        rtol=1e-5,
    )  # fmt: skip
    assert r["multinomial"]["reference"] == "H" and r["multinomial"]["aic"] == pytest.approx(
        R["warpbreaks"][6][1], rel=1e-10
    )
    col = r["collapse"]
    assert col["reference_class"] == "H" and set(col["relative"]) == {"L", "M"}
    assert col["max_abs_diff_to_multinomial"] < 1e-8
    # The CLI: JSON and the text table say what the coefficients are relative to.
    argv = ["fit", str(R_DIR / "warpbreaks.csv"), "--target", "tension"]
    argv += ["--features", "breaks,wool", "--task", "classification", "--layers", "", "--solve"]
    assert main(argv + ["--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["baseline"]["kind"] == "multinomial"
    assert out["collapse"]["max_abs_diff_to_baseline"] < 1e-12
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "multinomial logistic regression (relative to class H), its logit 0" in text
    assert "largest difference" in text


def test_report_states_the_multinomial_comparison():
    from nnlin_gui.core.files.report import build_report
    from nnlin_gui.core.statistics.fitting import fit_network

    ds = _dataset("warpbreaks")
    trainer, _ = fit_network(ds, (4,), solve=True)
    html = build_report(ds, trainer, solved=True, diagnostics=False)
    assert "multinomial logistic regression (relative to class H)" in html
    found = re.search(r"Largest difference between the network and [^<]*: <b>([^<]*)</b>", html)
    assert found is not None and float(found.group(1)) < 1e-9


def test_solve_reaches_the_fit_through_a_layer_narrower_than_the_classes():
    """Five classes through four hidden units: the relative coefficients are reached up to a
    row common to every class (which no probability sees)."""
    from nnlin_gui.core.statistics.fitting import fit_network

    ds = _dataset("airquality")
    trainer, _ = fit_network(ds, (4,), solve=True)
    base = baseline_for(trainer, ds.feature_names, ds.class_labels)
    assert baseline_difference(base, *trainer.collapse().coefficients()) < 1e-12
    with pytest.raises(Exception, match="narrower than the number of outputs"):
        fit_network(ds, (1,), solve=True)
