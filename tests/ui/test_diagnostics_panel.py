"""The diagnostics panel through the real window: lights, residual sources, refreshes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from nnlin_gui.core.statistics.diagnostics import ASSUMPTIONS

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def panel_of(window):
    panel = window.findChild(QWidget, "diagnosticsPanel")
    assert panel is window.diagnostics_panel
    return panel


def show_panel(window, qtbot):
    """Raise the Diagnostics tab and wait for the first report."""
    window.diagnostics_dock.raise_()
    panel = panel_of(window)
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: panel.result is not None and panel.up_to_date, timeout=30000)
    return panel


def light(window, name: str) -> QLabel:
    found = window.findChild(QLabel, f"light_{name}")
    assert found is not None, name
    return found


def load(window, qtbot, name: str, **params) -> None:
    c = window.controller
    panel = panel_of(window)
    c.load_builtin(name, params)
    qtbot.waitUntil(
        lambda: (
            c.dataset is not None
            and c.dataset.source.startswith(f"builtin:{name}")
            and c.trainer is not None
            and c.baseline is not None
        ),
        timeout=20000,
    )
    qtbot.waitUntil(
        lambda: panel.result is not None and panel.result.n_rows == len(c.trainer.train_rows),
        timeout=30000,
    )
    # The report belongs to this dataset: its features are the dataset's.
    qtbot.waitUntil(
        lambda: panel.result.ols.feature_names == tuple(c.dataset.feature_names), timeout=30000
    )
    qtbot.waitUntil(lambda: panel.up_to_date, timeout=30000)  # every card drawn


def test_linear_data_all_lights_green(window, qtbot, wait_idle):
    panel = show_panel(window, qtbot)
    c = window.controller
    assert c.dataset.source.startswith("builtin:linear")
    for name in ASSUMPTIONS:
        lit = light(window, name)
        assert lit.property("verdict") == "ok", name
        assert lit.accessibleName() == "ok"
    assert "every assumption holds" in panel.status.text()
    # The words a card shows for a verdict are the CLI's.
    words = {w for name in ASSUMPTIONS for w in panel.verdicts().values()}
    assert words <= {"ok", "warning", "violated"}
    # Tooltips explain the tests.
    card = window.findChild(QWidget, "card_homoskedasticity")
    tips = [lab.toolTip() for lab in card.findChildren(QLabel) if "Breusch" in lab.text()]
    assert tips and "squared residuals" in tips[0]


def test_heteroskedastic_light_is_red_and_sources_switch(window, qtbot, wait_idle):
    panel = show_panel(window, qtbot)
    c = window.controller
    load(window, qtbot, "heteroskedastic")  # the default set: built to fail this card
    assert light(window, "homoskedasticity").property("verdict") == "violated"
    assert panel.verdicts()["homoskedasticity"] == "violated"
    assert "homoskedasticity" in panel.status.text()

    # Train, then switch to the network's residuals: different numbers, the network's tests.
    c.set_pace(0)
    c.train()
    wait_idle(c)
    qtbot.waitUntil(
        lambda: panel.up_to_date and panel.result is not None and panel.result.network is not None,
        timeout=30000,
    )
    ols_numbers = window.findChild(QWidget, "tests_homoskedasticity").numbers()
    combo = window.findChild(QComboBox, "residualSourceCombo")
    combo.setCurrentIndex(combo.findData("network"))
    assert panel.source == "network"
    net_numbers = window.findChild(QWidget, "tests_homoskedasticity").numbers()
    assert net_numbers and net_numbers != ols_numbers
    assert "Network residuals" in window.findChild(QLabel, "verdict_homoskedasticity").text()
    # The network's residuals are heteroskedastic too.
    assert light(window, "homoskedasticity").property("verdict") == "violated"

    # Both side by side: a second column with its own lights.
    panel.set_source("both")
    second = light(window, "homoskedasticity_network")
    assert second.property("verdict") == "violated"
    assert panel.verdicts(1)["homoskedasticity"] == "violated"
    assert window.findChild(QWidget, "tests_homoskedasticity").numbers() == ols_numbers
    with pytest.raises(ValueError):
        panel.set_source("nonsense")

    if os.environ.get("NNLIN_SCREENSHOTS"):
        panel.set_source("ols")
        SHOTS.mkdir(parents=True, exist_ok=True)
        panel.setParent(None)
        panel.setFixedSize(1600, 1080)
        panel.show()
        qtbot.wait(300)
        panel.grab().save(str(SHOTS / "diagnostics_panel.png"))
        panel.set_source("both")
        panel.setFixedSize(1900, 1640)
        qtbot.wait(300)
        panel.grab().save(str(SHOTS / "diagnostics_panel_both.png"))
        panel.close()


def test_refreshes_on_solve(window, qtbot):
    c = window.controller
    panel = show_panel(window, qtbot)
    first = panel.result
    c.solve()
    qtbot.waitUntil(lambda: panel.result is not first, timeout=30000)
    # Solved: the network's residuals are the OLS residuals, test for test.
    ols = panel.result.ols.assumption("homoskedasticity").test("Breusch-Pagan (Koenker)")
    net = panel.result.network.assumption("homoskedasticity").test("Breusch-Pagan (Koenker)")
    assert net.statistic == pytest.approx(ols.statistic, rel=1e-6)


def test_computes_only_while_its_tab_can_be_seen(window, qtbot):
    c = window.controller
    panel = panel_of(window)
    window.collapse_dock.raise_()  # the default: Diagnostics is the tab behind Collapse
    qtbot.wait(400)  # well past the debounce
    assert panel.result is None and not panel.up_to_date  # nothing computed for no one
    window.diagnostics_dock.raise_()
    qtbot.waitUntil(lambda: panel.result is not None and panel.up_to_date, timeout=30000)
    first = panel.result
    # Hidden again: a change waits until the tab is raised, then the report follows it.
    window.collapse_dock.raise_()
    c.solve()
    qtbot.wait(400)
    assert panel.result is first and not panel.up_to_date
    window.diagnostics_dock.raise_()
    qtbot.waitUntil(lambda: panel.result is not first and panel.up_to_date, timeout=30000)
