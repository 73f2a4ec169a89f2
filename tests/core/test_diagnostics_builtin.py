"""Verdicts on the built-in teaching datasets come out as their descriptions say.

A teaching set that claims to break some assumptions (``BuiltinInfo.breaks``) must show
exactly those cards as "violated" at its default parameters, and in at least 90% of 50
seeds show them violated with no other card away from "ok" except the side effects its
description names (``also_breaks``). The verdicts are the program's own diagnostics run.
"""

from __future__ import annotations

import pytest

from nnlin_gui.core.data.builtin import builtin_info, builtin_names
from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.statistics.diagnostics import ASSUMPTIONS, diagnose_ols

SEEDS = range(50)
MIN_SHARE = 0.9
CLAIMS = [name for name in builtin_names() if builtin_info(name).breaks is not None]


def _verdicts(name: str, seed: int | None = None) -> dict[str, str]:
    source = f"builtin:{name}" if seed is None else f"builtin:{name}?seed={seed}"
    ds = load_dataset(source)
    return diagnose_ols(ds.X, ds.y, ds.feature_names).verdicts


def _failing(verdicts: dict[str, str]) -> set[str]:
    return {a for a, v in verdicts.items() if v != "ok"}


def as_advertised(name: str, verdicts: dict[str, str]) -> bool:
    """The claimed cards are violated and nothing else fails beyond the named side effects."""
    info = builtin_info(name)
    allowed = set(info.breaks) | set(info.also_breaks)
    claimed = all(verdicts[a] == "violated" for a in info.breaks)
    return claimed and _failing(verdicts) <= allowed


def test_claims_name_real_cards():
    assert {"linear", "heteroskedastic", "ar1", "collinear", "outliers"} <= set(CLAIMS)
    for name in CLAIMS:
        info = builtin_info(name)
        assert set(info.breaks) | set(info.also_breaks) <= set(ASSUMPTIONS), name
        assert not set(info.breaks) & set(info.also_breaks), name


def test_clean_linear_set_passes_all_six():
    assert _verdicts("linear") == {a: "ok" for a in ASSUMPTIONS}


@pytest.mark.parametrize("name", CLAIMS)
def test_default_seed_breaks_exactly_what_is_claimed(name):
    verdicts = _verdicts(name)
    assert _failing(verdicts) == set(builtin_info(name).breaks), verdicts
    assert as_advertised(name, verdicts)


@pytest.mark.parametrize("name", CLAIMS)
def test_claim_holds_for_most_seeds(name):
    misses = {}
    for seed in SEEDS:
        verdicts = _verdicts(name, seed)
        if not as_advertised(name, verdicts):
            misses[seed] = {a: v for a, v in verdicts.items() if v != "ok"}
    share = 1 - len(misses) / len(SEEDS)
    assert share >= MIN_SHARE, (name, share, misses)
