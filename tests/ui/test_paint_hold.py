"""A new table reaches the views a turn at a time and the window is painted once after it
(issue 12: the GUI thread never stalls long while a big table is adopted)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from nnlin_gui.ui.paint_hold import set_progress


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _csv(tmp_path, columns: int = 3, rows: int = 60) -> str:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(rows, columns))
    y = X @ np.arange(1, columns + 1) + 0.1 * rng.normal(size=rows)
    path = tmp_path / "held.csv"
    names = ",".join([f"a{i}" for i in range(columns)] + ["y"])
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=names, comments="")
    return str(path)


def test_a_loaded_table_is_current_at_once_and_its_views_follow(window, qtbot, tmp_path):
    c = window.controller
    path = _csv(tmp_path, columns=5)
    seen = []
    # When the data's views hear of it, the model is already the new one; the plots hear
    # of it in a later turn.
    c.dataset_changed.connect(
        lambda ds: seen.append(("dataset", c.spec.n_inputs, ds.source, c.views_pending))
    )
    c.model_reset.connect(lambda: seen.append(("model", c.spec.n_inputs, c.dataset.source)))
    window.open_path(path)
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source == path, timeout=20000)
    assert c.spec.n_inputs == 5 and c.trainer.network.spec.n_inputs == 5
    qtbot.waitUntil(lambda: not c.views_pending, timeout=5000)
    # The table's views at once, the dataset's, the plots' and the read-outs' a turn each.
    assert seen == [("dataset", 5, path, True), ("model", 5, path)]
    assert window.plots.coef.names == ["a0", "a1", "a2", "a3", "a4", "intercept"]
    qtbot.waitUntil(lambda: c.baseline is not None, timeout=20000)
    assert c.results is not None and c.results.collapse.collapsible


def test_training_started_before_the_views_heard_sends_them_first(window, qtbot, tmp_path):
    c = window.controller
    path = _csv(tmp_path, columns=4)
    order = []
    c.model_reset.connect(lambda: order.append("model_reset"))
    c.state_changed.connect(order.append)
    c.dataset_changed.connect(lambda _ds: (order.append(c.views_pending), c.train()))
    window.open_path(path)
    qtbot.waitUntil(lambda: "training" in order, timeout=20000)
    assert order[:3] == [True, "model_reset", "training"]
    assert c.trainer.network.spec.n_inputs == 4
    qtbot.waitUntil(lambda: not c.is_training, timeout=30000)


def test_the_window_is_painted_again_after_a_hold(window, qtbot, tmp_path):
    c = window.controller
    path = _csv(tmp_path)
    held = []
    c.dataset_changed.connect(lambda _ds: held.append(window.paint_hold.held))
    window.open_path(path)
    qtbot.waitUntil(lambda: c.dataset is not None and c.dataset.source == path, timeout=20000)
    qtbot.waitUntil(lambda: not window.paint_hold.held and not c.views_pending, timeout=5000)
    assert held == [True]  # the adoption's relayouts were not painted one by one
    parts = window.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    assert all(w.updatesEnabled() for w in parts if not w.isWindow())
    # Painting goes on (a top-level window held while a repaint was pending never painted
    # again: the hold is on its parts).
    counter = PaintCounter()
    label = window.findChild(QLabel, "statusLabel")
    label.installEventFilter(counter)
    label.setText("painted?")
    qtbot.waitUntil(lambda: counter.count > 0, timeout=5000)


@pytest.mark.parametrize("held_parent", [False, True])
def test_a_progress_bar_is_set_without_a_repaint_of_its_own(qtbot, held_parent):
    parent = QWidget()
    qtbot.addWidget(parent)
    bar = QProgressBar(parent, maximum=1000)
    parent.show()
    if held_parent:
        parent.setUpdatesEnabled(False)
    set_progress(bar, 250)
    assert bar.value() == 250
    assert not bar.testAttribute(Qt.WidgetAttribute.WA_ForceUpdatesDisabled)
    parent.setUpdatesEnabled(True)
    assert bar.updatesEnabled()


def test_parts_are_turned_on_one_per_turn_plots_first(window, qtbot):
    """The release repaints a part per turn (the whole window at once was the longest turn
    of a load), the plots' views first; a new hold meanwhile keeps the parts still waiting,
    and they come back."""
    import pyqtgraph as pg

    hold = window.paint_hold
    docks = [
        w
        for w in window.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if not w.isWindow() and w.isVisible() and w.objectName() != "centralArea"
    ]
    plots = window.findChild(QWidget, "centralArea").findChildren(pg.PlotWidget)
    parts = docks + plots
    assert len(docks) > 3 and len(plots) >= 3
    qtbot.waitUntil(lambda: not hold.held, timeout=5000)
    hold.hold()
    assert all(not w.updatesEnabled() for w in parts)
    hold.release()
    assert any(p.updatesEnabled() for p in plots)  # a plot first, at once
    assert not all(w.updatesEnabled() for w in parts)  # the others a turn each
    assert hold.held
    hold.hold()  # a change while parts wait: they are held again, not forgotten
    hold.release()
    qtbot.waitUntil(lambda: not hold.held, timeout=5000)
    assert all(w.updatesEnabled() for w in parts)
    hold.hold()
    hold.release_now()  # before a grab: every part at once
    assert not hold.held and all(w.updatesEnabled() for w in parts)
