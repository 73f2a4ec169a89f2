"""Robust covariances, weighted least squares and the model tests of ``fit_ols``/``nnlin ols``
against R (values recorded; R is not needed to run these tests).

R 4.2.2 with sandwich and lmtest; for each model ``fm`` (data from tests/data/r)::

    mt <- read.csv("mtcars.csv"); cars <- read.csv("cars.csv")
    mt    = lm(mpg ~ wt + hp, data = mt)
    cars  = lm(dist ~ speed, data = cars)
    mtw   = lm(mpg ~ wt + hp, data = mt, weights = 1 / disp)
    carsw = lm(dist ~ speed, data = cars, weights = speed)
    mt0   = lm(mpg ~ 0 + wt + hp, data = mt)
    for V in vcov(fm) ("const"), vcovHC(fm, type = "HC0".."HC3"),
             NeweyWest(fm, lag = 3, prewhite = FALSE, adjust = FALSE) ("HAC3"):
        sqrt(diag(V)); coeftest(fm, vcov. = V)[, 4]; coefci(fm, vcov. = V)[, 1]
    coef(fm)
    s <- summary(fm); c(s$fstatistic, pf(F, df1, df2, lower.tail = FALSE), logLik(fm),
                       AIC(fm), BIC(fm), s$r.squared, s$adj.r.squared, s$sigma)

printed with sprintf("%.15g").
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.errors import DataError
from nnlin_gui.core.statistics.regression import fit_ols, fit_polynomial

R_DIR = Path(__file__).resolve().parents[1] / "data" / "r"
MTCARS = R_DIR / "mtcars.csv"
CARS = R_DIR / "cars.csv"

# label -> coef, model [F, df1, df2, F p, logLik, AIC, BIC, r2, adj r2, sigma],
# cov[type] = (bse, p, lower 95% limit)
R = {
    "cars": {
        "coef": [-17.5790948905109, 3.93240875912409],
        "cov": {
            "HAC3": (
                [6.49403106876821, 0.493062762796054],
                [0.00937677869833236, 2.39829070072433e-10],
                [-30.6362194744679, 2.94103963055611],
            ),
            "HC0": (
                [5.54187217729297, 0.398680875606556],
                [0.00263894343306479, 3.96380761097161e-13],
                [-28.7217757124868, 3.13080713342948],
            ),
            "HC1": (
                [5.65614960587274, 0.40690196476753],
                [0.00316272183511598, 7.65420231600396e-13],
                [-28.9515458824012, 3.1142775258169],
            ),
            "HC2": (
                [5.73234685908999, 0.412802205248096],
                [0.00355059174086244, 1.21109111780742e-12],
                [-29.1047507281553, 3.10241429722833],
            ),
            "HC3": (
                [5.93180331907459, 0.427537219172098],
                [0.00472204160704163, 3.63581877361303e-12],
                [-29.505784819233, 3.07278756607866],
            ),
            "const": (
                [6.75844016937923, 0.415512776657122],
                [0.012318816153809, 1.48983649629509e-12],
                [-31.1678496023886, 3.09696432814032],
            ),
        },
        "model": [
            89.5671065364677,
            1.0,
            48.0,
            1.48983649629509e-12,
            -206.578431513677,
            419.156863027353,
            424.892932043638,
            0.651079380758251,
            0.643810201190715,
            15.3795867488199,
        ],
    },
    "carsw": {
        "coef": [-22.6724215383065, 4.22889057941458],
        "cov": {
            "HAC3": (
                [8.99025721083752, 0.619903353617596],
                [0.0150448236306439, 1.3793417216254e-08],
                [-40.7485451663983, 2.98249135026321],
            ),
            "HC0": (
                [7.7191817072101, 0.50849824947049],
                [0.00507505844102679, 7.35346110566613e-11],
                [-38.1928765792403, 3.20648632483813],
            ),
            "HC1": (
                [7.87835683937103, 0.518983852625482],
                [0.00596099840964938, 1.31522294292282e-10],
                [-38.5129196325125, 3.18540360668005],
            ),
            "HC2": (
                [8.01006169044508, 0.530167625837405],
                [0.00676822831640356, 2.38960018915761e-10],
                [-38.7777299838297, 3.16291712353877],
            ),
            "HC3": (
                [8.31597820094373, 0.552943293266115],
                [0.00891346569757734, 7.52568605967246e-10],
                [-39.3928163527694, 3.11712357497852],
            ),
            "const": (
                [8.59775177878275, 0.481911698874502],
                [0.011236457319101, 1.52246433713725e-11],
                [-39.9593601021527, 3.25994216755176],
            ),
        },
        "model": [
            77.0048284258103,
            1.0,
            48.0,
            1.52246433713724e-11,
            -211.611028747151,
            429.222057494302,
            434.958126510586,
            0.616014832351154,
            0.60801514135847,
            64.3731354342373,
        ],
    },
    "mt": {
        "coef": [37.2272701164472, -3.87783074240468, -0.031772946982161],
        "cov": {
            "HAC3": (
                [1.57086156712974, 0.534495014286271, 0.00653672750477705],
                [1.57745794933528e-20, 5.46121596964017e-08, 3.73597352322541e-05],
                [34.0144974756664, -4.97099578919511, -0.0451420558374752],
            ),
            "HC0": (
                [1.93891395641755, 0.619927505289895, 0.0066460579081831],
                [4.94848919211569e-18, 7.92567030842048e-07, 4.66489165509319e-05],
                [33.2617458192372, -5.14572485219695, -0.0453656616193076],
            ),
            "HC1": (
                [2.03673500191296, 0.651203754809943, 0.00698136125202142],
                [1.85594288998618e-17, 1.80288137449262e-06, 8.81536150050364e-05],
                [33.0616793173656, -5.2096919648101, -0.0460514339572319],
            ),
            "HC2": (
                [2.07760994351463, 0.687765481735843, 0.00782502939751508],
                [3.15584198238654e-17, 4.3144032176389e-06, 0.000339442063962889],
                [32.9780806751814, -5.28446909248651, -0.0477769290565186],
            ),
            "HC3": (
                [2.22980540343623, 0.768519050357818, 0.00938513790864755],
                [2.05726585428404e-16, 2.23308977786256e-05, 0.00205696362678849],
                [32.6668060091517, -5.44962868474017, -0.0509677092284303],
            ),
            "const": (
                [1.59878753799939, 0.632733494377395, 0.00902970967585572],
                [2.56545851198376e-20, 1.11964713620003e-06, 0.00145122853156942],
                [33.9573824522585, -5.17191604067554, -0.0502407768710736],
            ),
        },
        "model": [
            69.2112133917776,
            2.0,
            29.0,
            9.10905438522209e-12,
            -74.3261694128207,
            156.652338825641,
            162.51528243684,
            0.826785451882791,
            0.814839620978156,
            2.59341177722657,
        ],
    },
    "mt0": {
        "coef": [6.8404499708353, -0.0339352599066577],
        "cov": {
            "HAC3": (
                [1.76525296611126, 0.0292998788679896],
                [0.000537660188119571, 0.25591797759969],
                [3.23532245974221, -0.0937735954917155],
            ),
            "HC0": (
                [1.41808502527458, 0.0233971156976658],
                [3.83094641061973e-05, 0.157321897786432],
                [3.94433398302378, -0.0817185448528938],
            ),
            "HC1": (
                [1.46459191637189, 0.0241644371856927],
                [5.89718069379048e-05, 0.170484558889802],
                [3.84935424030755, -0.0832856243930193],
            ),
            "HC2": (
                [1.47059857866208, 0.0243002713744689],
                [6.22219110623501e-05, 0.172812224938002],
                [3.83708699935798, -0.083563034815381],
            ),
            "HC3": (
                [1.52945723626435, 0.0253775609528495],
                [0.000102825104581187, 0.191203823601233],
                [3.716881584122, -0.0857631536487681],
            ),
            "const": (
                [1.89424763819297, 0.0393981150048478],
                [0.00109783859258725, 0.395882072615036],
                [2.97188019394012, -0.114396945011247],
            ),
        },
        "model": [
            39.8297611316697,
            2.0,
            30.0,
            3.59851715880265e-09,
            -122.012614812677,
            250.025229625354,
            254.422437333753,
            0.726425946595343,
            0.708187676368365,
            11.3160824579663,
        ],
    },
    "mtw": {
        "coef": [40.046625650879, -4.6424569760901, -0.0344275943509122],
        "cov": {
            "HAC3": (
                [1.70199626530646, 0.607487342330812, 0.00824373990763587],
                [1.92307748588242e-20, 1.99804081162494e-08, 0.000247449372553067],
                [36.5656524382751, -5.88490809584549, -0.0512879355720414],
            ),
            "HC0": (
                [2.01407720076437, 0.621579110137204, 0.00832765982457396],
                [1.92373681824177e-18, 3.12727305143371e-08, 0.000277625990080719],
                [35.9273752583321, -5.91372899707318, -0.0514595710737285],
            ),
            "HC1": (
                [2.11569034189171, 0.652938685537898, 0.00874780244507226],
                [7.26291655079245e-18, 7.99740172727383e-08, 0.000476420126596448],
                [35.7195530500682, -5.97786653024737, -0.052318859215095],
            ),
            "HC2": (
                [2.16774353794416, 0.681711779496508, 0.00953354266316669],
                [1.394880413591e-17, 1.77405946285657e-07, 0.0011365827108988],
                [35.613092310534, -6.03671411490739, -0.0539258784001575],
            ),
            "HC3": (
                [2.33559678914452, 0.752100614690248, 0.0110317638664802],
                [1.01750489352733e-16, 9.92930769861395e-07, 0.00405927026299988],
                [35.2697938656507, -6.18067544712082, -0.0569900848156461],
            ),
            "const": (
                [1.62770449389082, 0.791639756947869, 0.0117459477753001],
                [5.59563494125176e-21, 2.31233121927885e-06, 0.00652709575224241],
                [36.7175961713409, -6.26154207289061, -0.0584507549158988],
            ),
        },
        "model": [
            66.1437338984951,
            2.0,
            29.0,
            1.56517148733265e-11,
            -79.4282434969954,
            166.856486993991,
            172.71943060519,
            0.820196817545044,
            0.807796598065392,
            0.216534859705447,
        ],
    },
}

MODELS = {
    "mt": (MTCARS, "mpg", ["wt", "hp"], True, None),
    "cars": (CARS, "dist", ["speed"], True, None),
    "mtw": (MTCARS, "mpg", ["wt", "hp"], True, "1/disp"),
    "carsw": (CARS, "dist", ["speed"], True, "speed"),
    "mt0": (MTCARS, "mpg", ["wt", "hp"], False, None),
}
COVS = {"const": "nonrobust", "HC0": "HC0", "HC1": "HC1", "HC2": "HC2", "HC3": "HC3", "HAC3": "HAC"}
RTOL = 1e-10


def _fit(label: str, cov_type: str = "nonrobust"):
    path, target, features, intercept, weights = MODELS[label]
    df = pd.read_csv(path)
    w = None
    if weights == "1/disp":
        w = 1.0 / df["disp"].to_numpy()
    elif weights is not None:
        w = df[weights].to_numpy(dtype=float)
    return fit_ols(
        df[features].to_numpy(dtype=float),
        df[target].to_numpy(dtype=float),
        features,
        intercept=intercept,
        cov_type=cov_type,
        hac_lags=3 if cov_type == "HAC" else None,
        weights=w,
    )


@pytest.mark.parametrize("label", sorted(MODELS))
@pytest.mark.parametrize("rcov", sorted(COVS))
def test_covariances_match_sandwich(label, rcov):
    res = _fit(label, COVS[rcov])
    bse, p, lo = R[label]["cov"][rcov]
    np.testing.assert_allclose(res.params, R[label]["coef"], rtol=RTOL)
    np.testing.assert_allclose(res.bse, bse, rtol=RTOL)
    np.testing.assert_allclose(res.pvalues, p, rtol=1e-8)
    np.testing.assert_allclose(res.conf_int[:, 0], lo, rtol=RTOL)
    np.testing.assert_allclose(np.sqrt(np.diag(res.cov_params)), bse, rtol=RTOL)
    assert res.cov_type == COVS[rcov]


@pytest.mark.parametrize("label", sorted(MODELS))
def test_model_section_matches_summary_lm(label):
    res = _fit(label)
    f, df1, df2, f_p, llf, aic, bic, r2, adj, sigma = R[label]["model"]
    assert res.fstat == pytest.approx(f, rel=RTOL)
    assert (res.df_model, res.df_resid) == (df1, df2)
    assert res.f_pvalue == pytest.approx(f_p, rel=1e-8)
    assert res.llf == pytest.approx(llf, rel=RTOL)
    assert res.aic == pytest.approx(aic, rel=RTOL)
    assert res.bic == pytest.approx(bic, rel=RTOL)
    assert res.r2 == pytest.approx(r2, rel=RTOL)
    assert res.adj_r2 == pytest.approx(adj, rel=RTOL)
    assert res.resid_sd == pytest.approx(sigma, rel=RTOL)


def test_weighted_residuals_are_unweighted_as_in_r():
    res = _fit("carsw")
    df = pd.read_csv(CARS)
    np.testing.assert_allclose(res.fitted + res.resid, df["dist"], rtol=1e-14)
    np.testing.assert_allclose(res.fitted, res.params[0] + res.params[1] * df["speed"], rtol=1e-12)


def test_unit_weights_equal_ols():
    df = pd.read_csv(MTCARS)
    X, y = df[["wt", "hp"]].to_numpy(), df["mpg"].to_numpy()
    a = fit_ols(X, y, ["wt", "hp"], cov_type="HC2")
    b = fit_ols(X, y, ["wt", "hp"], cov_type="HC2", weights=np.ones(len(y)))
    for name in ("params", "bse", "pvalues"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-12)
    assert (a.llf, a.fstat) == pytest.approx((b.llf, b.fstat), rel=1e-12)


def test_polynomial_passes_the_options():
    df = pd.read_csv(CARS)
    res = fit_polynomial(df["speed"], df["dist"], 2, ["speed"], cov_type="HC3")
    assert res.cov_type == "HC3" and res.names == ("const", "speed^1", "speed^2")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": [1.0, 0.0, 2.0, 1.0, 1.0]}, "weights must be positive; 1 row has"),
        ({"weights": [1.0, -1.0, -2.0, 1.0, 1.0]}, "2 rows have a weight of zero or less"),
        ({"weights": [1.0, 2.0]}, "2 weights given for 5 rows"),
        ({"cov_type": "HC4"}, "the covariance must be one of"),
        ({"cov_type": "HAC", "hac_lags": 5}, "the HAC lags must be a whole number from 0 to 4"),
    ],
)
def test_bad_options_are_one_sentence(kwargs, message):
    x = np.array([1.0, 2.0, 3.0, 4.0, 6.0])
    with pytest.raises(DataError, match=message):
        fit_ols(x, x**2, ["x"], **kwargs)


def test_weighted_constant_column_named():
    x = np.column_stack([np.arange(5.0), np.ones(5)])
    with pytest.raises(DataError, match="column 'b' is constant"):
        fit_ols(x, np.arange(5.0) ** 2, ["a", "b"], weights=np.arange(1.0, 6.0))


def test_cli_cov_weights_and_model_json(tmp_path, capsys):
    df = pd.read_csv(CARS)
    df.loc[3, "speed"] = np.nan  # a feature missing: the row goes
    df["w"] = df["speed"].fillna(1.0)
    df.loc[7, "w"] = np.nan  # a weight missing: the row goes too
    path = tmp_path / "cars_w.csv"
    df.to_csv(path, index=False)
    assert (
        main(
            ["ols", str(path), "--target", "dist", "--weights", "w", "--cov", "hc1", "--json", "-"]
        )
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["data"]["features"] == ["speed"]
    assert payload["data"]["weights"] == "w"
    assert payload["data"]["rows_dropped"] == 2
    keep = df.dropna()
    direct = fit_ols(
        keep[["speed"]].to_numpy(),
        keep["dist"].to_numpy(),
        ["speed"],
        cov_type="HC1",
        weights=keep["w"].to_numpy(),
    )
    assert payload["ols"] == json.loads(json.dumps(direct.to_dict()))
    ols = payload["ols"]
    assert ols["cov_type"] == "HC1" and ols["weighted"] is True
    for key in (
        "params",
        "bse",
        "tvalues",
        "pvalues",
        "conf_int",
        "fstat",
        "f_pvalue",
        "df_model",
        "llf",
        "aic",
        "bic",
        "adj_r2",
    ):
        assert key in ols


def test_cli_hac_text_and_errors(capsys):
    assert main(["ols", str(CARS), "--target", "dist", "--cov", "HAC", "--hac-lags", "3"]) == 0
    out = capsys.readouterr().out
    assert "F 89.5671 on 1 and 48 df" in out
    assert "standard errors: HAC, 3 lags" in out
    assert "6.494" in out  # the Newey-West error of the intercept
    assert main(["ols", str(CARS), "--target", "dist", "--hac-lags", "3"]) == 2
    assert "--hac-lags goes with --cov HAC" in capsys.readouterr().err
    assert main(["ols", str(CARS), "--target", "dist", "--weights", "dist"]) == 2
    assert "both the target and the weights" in capsys.readouterr().err
