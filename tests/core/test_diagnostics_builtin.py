"""Verdicts on the built-in teaching datasets come out as the lessons say."""

from __future__ import annotations

import pytest

from nnlin_gui.core.data import load_dataset
from nnlin_gui.core.diagnostics import ASSUMPTIONS, diagnose_ols


def _report(name: str):
    ds = load_dataset(f"builtin:{name}")
    return diagnose_ols(ds.X, ds.y, ds.feature_names)


def test_clean_linear_set_passes_all_six():
    assert _report("linear").verdicts == {a: "ok" for a in ASSUMPTIONS}


@pytest.mark.parametrize(
    ("name", "assumption"),
    [
        ("heteroskedastic", "homoskedasticity"),
        ("ar1", "independence"),
        ("collinear", "collinearity"),
        ("outliers", "influence"),
    ],
)
def test_each_teaching_set_fails_its_assumption(name, assumption):
    report = _report(name)
    assert report.verdicts[assumption] == "violated"
    if name in ("ar1", "collinear"):  # the problem is the only one built in
        others = {a: v for a, v in report.verdicts.items() if a not in (assumption, "linearity")}
        assert set(others.values()) == {"ok"}, others
