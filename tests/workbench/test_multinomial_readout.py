"""A softmax network in the workbench: its baseline is the multinomial fit relative to the
first class, and the read-out (at rest and from the streamed coefficients of a run) compares
in that form."""

from __future__ import annotations

import threading
from pathlib import Path

from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.readouts import COLLAPSED, ON_ITS_WAY, headline
from nnlin_gui.workbench.sources import load_source
from nnlin_gui.workbench.state import Workbench, dataset_for

WARPBREAKS = Path(__file__).resolve().parents[1] / "data" / "r" / "warpbreaks.csv"


def test_softmax_read_out_compares_relative_to_the_reference_class():
    wb = Workbench()
    table = load_source(str(WARPBREAKS), lambda f: None, threading.Event())
    ds = dataset_for(table, "tension", None)
    assert ds.task == "multiclass" and ds.class_labels == ("H", "L", "M")
    wb.adopt_data(table, ds, None, None)
    wb.adopt_model(jobs.build_model(ds, wb.layers, wb.config))
    base = jobs.baseline_job(
        wb.trainer.copy(), ds.feature_names, None, threading.Event(), labels=ds.class_labels
    )
    assert base.kind == "multinomial" and base.reference == "H"
    wb.baseline = base
    res = wb.update_results()
    assert res.max_diff is not None and res.max_diff > 1e-3  # untrained
    text = headline(wb, training=False)
    assert text.verdict == ON_ITS_WAY and "relative to class H" in text.text
    wb.solve()
    res = wb.update_results()
    assert res.max_diff < 1e-9
    # The streamed coefficients (W row by row, then b) give the same verdict during a run.
    row = wb.curves.coef[-1].copy()
    row += 7.0  # adds 7 (1 + sum of x) to every class's logit alike: the same model
    wb.curves.add_coefficient_row(int(wb.curves.coef_epochs[-1]), row)
    live = headline(wb, training=True)
    assert live.verdict == COLLAPSED and live.max_diff < 1e-9
    assert "relative to class H" in live.text
