"""``nnlin script`` and ``core.files.script``: the exported script, run on its own, prints
the program's numbers (coefficient table, covariance, model section, every assumption
test and its Holm p) to a relative 1e-8."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest
from script_output import parse_output, program_numbers, run_script, worst_difference

from nnlin_gui.cli import main
from nnlin_gui.commands.ols import _load_weighted
from nnlin_gui.core.data.tables import load_dataset, load_table
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.script import export_script, render_script, script_spec

REPO = Path(__file__).resolve().parents[2]
MTCARS = REPO / "tests" / "data" / "r" / "mtcars.csv"
TOL = 1e-8


def _check(script: Path, dataset, **fit) -> float:
    printed = parse_output(run_script(script))
    worst = worst_difference(printed, program_numbers(dataset, **fit))
    print(f"worst relative difference {worst:.2e}")
    assert worst < TOL, worst
    return worst


@pytest.mark.parametrize("cov", ["nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC"])
def test_each_covariance_on_mtcars(tmp_path, cov):
    """n = 32: Durbin-Watson's p is exact (Imhof); HAC with its default lags (3)."""
    out = tmp_path / "analysis.py"
    features = ["wt", "hp", "qsec"]
    args = ["script", str(MTCARS), "--target", "mpg", "--features", ",".join(features)]
    assert main([*args, "--cov", cov, "-o", str(out)]) == 0
    ast.parse(out.read_text(encoding="utf-8"))
    ds = load_dataset(str(MTCARS), target="mpg", features=features, task="regression")
    _check(out, ds, cov_type=cov)


def test_builtin_dataset_written_beside_the_script(tmp_path, capsys):
    """300 rows (Durbin-Watson's normal approximation), HAC with 2 lags, every column."""
    out = tmp_path / "linear.py"
    source = "builtin:linear?n=300&seed=4"
    assert main(["script", source, "--target", "y", "--cov", "HAC", "--hac-lags", "2", "-o",
                 str(out)]) == 0  # fmt: skip
    data = tmp_path / "linear-data.csv"
    assert f"rows in {data}" in capsys.readouterr().out
    ds = load_dataset(source, target="y", task="regression")
    _check(out, ds, cov_type="HAC", hac_lags=2)


def test_weighted_least_squares(tmp_path):
    """WLS table as lm(..., weights = w); the assumption tests stay those of OLS."""
    out = tmp_path / "wls.py"
    args = ["script", str(MTCARS), "--target", "mpg", "--features", "wt,hp", "--weights", "drat"]
    assert main([*args, "--cov", "HC2", "-o", str(out)]) == 0
    ds, w = _load_weighted(str(MTCARS), "mpg", ["wt", "hp"], "drat")
    text = run_script(out)
    assert text.startswith("WLS of 'mpg'")
    program = program_numbers(ds, cov_type="HC2", weights=w)
    assert worst_difference(parse_output(text), program) < TOL


def test_awkward_file_categorical_missing_and_decimal_comma(tmp_path):
    """Semicolons, a decimal comma, a title line, a text column one-hot encoded and rows
    with missing values (dropped, then mean-filled)."""
    import numpy as np

    rng = np.random.default_rng(3)
    n = 60
    x = rng.normal(size=n)
    z = rng.uniform(1, 5, size=n)
    group = rng.choice(["north", "south", "west"], size=n)
    y = 1 + 2 * x - z + (group == "west") * 1.5 + rng.normal(size=n)
    lines = ["Survey 2026 (title line)", "x;z;group;y"]
    for i in range(n):
        xs = "" if i in (5, 17) else f"{x[i]:.6f}".replace(".", ",")
        lines.append(f"{xs};{z[i]:.4f};{group[i]};{y[i]:.6f}".replace(".", ","))
    path = tmp_path / "survey.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "survey.py"
    assert main(["script", str(path), "--target", "y", "--cov", "HC3", "-o", str(out)]) == 0
    table = load_table(str(path))
    ds = table.to_dataset("y", None, task="regression")
    assert ds.rows_dropped == 2 and "group[west]" in ds.feature_names
    _check(out, ds, cov_type="HC3")
    # The window's "replace missing features by the mean" choice.
    mean_table = table.with_missing("mean")
    out2 = tmp_path / "survey_mean.py"
    export_script(mean_table, str(out2), "y", cov_type="nonrobust")
    _check(out2, mean_table.to_dataset("y", None, task="regression"))


def test_transforms_and_training_rows_as_the_window(tmp_path):
    """The window's squares, products and sines, and its seeded train/test split."""
    from nnlin_gui.core.networks.training import split_rows
    from nnlin_gui.workbench.transforms import FeatureTransforms, apply_transforms

    table = load_table(str(MTCARS))
    base = table.to_dataset("mpg", ["wt", "hp", "disp"], task="regression")
    spec = FeatureTransforms(squares=("wt",), products=("wt", "hp"), sines=("disp",))
    ds = apply_transforms(base, spec)
    rows, _ = split_rows(ds.n_rows, 0.2, 5)
    out = tmp_path / "window.py"
    export_script(
        table, str(out), "mpg", features=["wt", "hp", "disp"], squares=spec.squares,
        products=spec.products, sines=spec.sines, test_fraction=0.2, seed=5,
    )  # fmt: skip
    train = replace(ds, X=ds.X[rows], y=ds.y[rows])
    assert train.feature_names[-3:] == ("wt²", "wt·hp", "sin(disp)")
    _check(out, train)


def test_script_is_commented_and_names_the_conventions(tmp_path):
    spec = script_spec(load_table(str(MTCARS)), "mpg", ["wt"], cov_type="hac", hac_lags=2)
    text = render_script(spec)
    assert spec.cov_type == "HAC"
    for phrase in (
        "sandwich::NeweyWest(fm, lag = K, prewhite = FALSE, adjust = FALSE)",
        "sandwich::vcovHC",
        "lmtest::coeftest",
        "sigma counts as a parameter",
        "Holm",
        "HAC_LAGS = 2",
        "COV_TYPE = 'HAC'",
    ):
        assert phrase in text
    code_lines = [ln for ln in text.splitlines() if ln.strip()]
    comments = [ln for ln in code_lines if ln.lstrip().startswith("#") or '"""' in ln]
    assert len(comments) > 40


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--target", "nope"], "no column named 'nope'"),
        (["--target", "mpg", "--cov", "HC1", "--hac-lags", "2"], "--hac-lags goes with --cov HAC"),
        (["--target", "mpg", "--cov", "HAC", "--hac-lags", "32"], "HAC lags must be below"),
        (["--target", "mpg", "--weights", "mpg"], "both the target and the weights"),
        (["--target", "mpg", "--features", "wt", "--weights", "wt"], "both a feature and"),
    ],
)
def test_bad_options_one_line_status_2(tmp_path, capsys, extra, message):
    out = tmp_path / "x.py"
    assert main(["script", str(MTCARS), *extra, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_unknown_covariance_and_unwritable_output(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["script", str(MTCARS), "--target", "mpg", "--cov", "HC9", "-o", "x.py"])
    assert exc.value.code == 2
    assert main(["script", str(MTCARS), "--target", "mpg", "-o", str(tmp_path / "no/x.py")]) == 2
    assert "cannot write" in capsys.readouterr().err
    with pytest.raises(UserError, match="built in"):
        script_spec(load_table("builtin:linear"), "y")
