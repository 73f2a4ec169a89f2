"""HTML report and SVG plots: self-contained, correct tables, well-formed images."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files import report as report_mod
from nnlin_gui.core.files.report import build_report, write_report
from nnlin_gui.core.files.svgplot import Bars, Figure, HLine, Line, Points, log_ticks, nice_ticks
from nnlin_gui.core.statistics.fitting import baseline_for, fit_network

SVG_NS = "{http://www.w3.org/2000/svg}"


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg xmlns=.*?</svg>", html, re.S)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on malformed XML


def test_nice_and_log_ticks():
    assert nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(-3, 3) == [-2, 0, 2]
    assert all(0.0012 <= t <= 0.0019 for t in nice_ticks(0.0012, 0.0019))
    assert log_ticks(1e-6, 10) == [1e-6, 1e-4, 1e-2, 1.0]
    assert log_ticks(0.012, 0.2) == [0.02, 0.05, 0.1, 0.2]  # < 2 decades: 1-2-5 ticks
    assert nice_ticks(5, 5) == [5]


def test_figure_is_valid_svg_with_escaped_text_and_log_axis():
    x = np.arange(1, 101, dtype=float)
    fig = Figure(title="Loss <train & test>", xlabel="epoch", ylabel="loss", logy=True)
    fig.add(Line(x, 10.0 / x, "training"))
    fig.add(Line(x, np.r_[np.nan, 12.0 / x[1:]], "test", dash="4 2"))  # NaN is skipped
    root = _parse(fig.to_svg())
    assert root.tag == f"{SVG_NS}svg"
    assert root.find(f"{SVG_NS}title").text == "Loss <train & test>"
    lines = root.findall(f".//{SVG_NS}polyline")
    assert len(lines) == 2
    pts = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    assert len(pts) == 100
    ys = [p[1] for p in pts]
    assert ys == sorted(ys)  # 10/x falls: y pixel grows monotonically
    # on a log axis equal ratios are equal distances: 10 -> 1 and 1 -> 0.1 (x=1, 10, 100)
    assert abs((ys[9] - ys[0]) - (ys[99] - ys[9])) < 0.2
    labels = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert "1" in labels and "0.1" in labels and "10" in labels


def test_scatter_bars_and_hline_render_and_thin_out():
    rng = np.random.default_rng(0)
    fig = Figure(title="many", equal_line=True)
    fig.add(Points(rng.normal(size=10_000), rng.normal(size=10_000), "pts"))
    fig.add(HLine(0.0))
    root = _parse(fig.to_svg())
    assert len(root.findall(f".//{SVG_NS}circle")) <= 2500 + 1  # thinned (+1 legend marker)
    hist = Figure(title="hist").add(Bars(np.linspace(-1, 1, 6), np.array([1, 3, 5, 3, 1.0])))
    rects = _parse(hist.to_svg()).findall(f".//{SVG_NS}g/{SVG_NS}rect")
    heights = [float(r.get("height")) for r in rects]
    assert len(heights) == 5 and heights[2] == max(heights) and heights[0] == heights[4]


@pytest.fixture(scope="module")
def linear_report():
    ds = load_dataset("builtin:linear?n=200&noise=1&seed=3", target="y")
    trainer, result = fit_network(ds, (6, 6), epochs=300, batch_size=0, learning_rate=0.02)
    return ds, trainer, build_report(ds, trainer, result=result, source=ds.source)


def test_report_is_self_contained_with_tables_and_images(linear_report):
    ds, trainer, html = linear_report
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    # nothing to fetch: no scripts, links, remote images or URLs besides the SVG namespace
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert set(re.findall(r"https?://[^\"' ]+", html)) == {"http://www.w3.org/2000/svg"}
    for section in ("Data", "Network", "Training", "Collapse", "OLS assumptions", "Plots"):
        assert f"<h2>{section}" in html or f"<h3>{section}" in html
    svgs = _svgs(html)
    # loss curve, fit, residuals vs fitted, Q-Q, histogram, ACF
    assert len(svgs) == 6
    titles = [_parse(s).find(f"{SVG_NS}title").text for s in svgs]
    assert titles[0] == "Loss during training" and "Normal Q-Q" in titles
    for name in ("homoskedasticity", "independence", "normality", "collinearity"):
        assert f"<td>{name}</td>" in html
    assert "Breusch-Pagan" in html and "Durbin-Watson" in html


def test_assumption_tests_label_raw_and_holm_p_values(linear_report):
    _, _, html = linear_report
    tests = html[html.index("<h3>Tests") : html.index("<h3>Plots")]
    assert "<th>p (raw)</th>" in tests and "<th>p (Holm-adjusted)</th>" in tests
    assert "<th>p</th>" not in tests  # no unlabelled p column
    assert "the verdicts use it" in tests
    assert "raw p = " in tests and "Holm-adjusted p = " in tests  # each test's sentence


def test_collapse_table_matches_ols_numbers(linear_report):
    ds, trainer, html = linear_report
    base = baseline_for(trainer, ds.feature_names)
    res = base.result
    col = trainer.collapse()
    table = html[html.index("<h2>Collapse") : html.index("<h3>Fit")]
    for head in ("network", "OLS", "SE", "95% CI", "t", "p", "network − OLS"):
        assert f"<th>{head}</th>" in table
    rows = re.findall(r"<tr><td>(\w+)</td>(.*?)</tr>", table)
    assert [r[0] for r in rows] == ["const", "x1", "x2", "x3"]
    for i, (_, cells) in enumerate(rows):
        values = re.findall(r'<td class="num">(.*?)</td>', cells)
        net = col.b[0] if i == 0 else col.W[0, i - 1]
        assert float(values[0]) == pytest.approx(net, rel=1e-7)
        assert float(values[1]) == pytest.approx(res.params[i], rel=1e-7)
        assert float(values[2]) == pytest.approx(res.bse[i], rel=1e-3)
        lo, hi = (float(v) for v in values[3].strip("[]").split(","))
        assert (lo, hi) == pytest.approx(tuple(res.conf_int[i]), rel=1e-4)
        assert float(values[4]) == pytest.approx(res.tvalues[i], rel=1e-3)
        assert float(values[6]) == pytest.approx(net - res.params[i], rel=1e-2, abs=1e-12)
    diff = float(re.search(r"Largest difference .*?<b>(.*?)</b>", table).group(1))
    assert diff == pytest.approx(
        np.abs(np.r_[col.b - base.b, (col.W - base.W).ravel()]).max(), rel=1e-2
    )


def test_nonlinear_and_classifier_reports():
    ds = load_dataset("builtin:sine?n=150", target="y")
    trainer, result = fit_network(ds, (8,), "tanh", epochs=50)
    html = build_report(ds, trainer, result=result)
    assert "does not collapse" in html and "best affine map" in html
    assert "network&#x27;s residuals" in html or "network's residuals" in html
    assert "Data and fits" in html  # one feature: data, network curve and OLS line

    ds = load_dataset("builtin:logistic?n=200", target="label")
    trainer, result = fit_network(ds, (), epochs=100, batch_size=0, learning_rate=0.05)
    html = build_report(ds, trainer, result=result, diagnostics=True)
    assert "<th>logistic</th>" in html and "<th>z</th>" in html
    assert "OLS assumptions" not in html  # the OLS tests are for regression only
    assert "Classes: 0, 1" in html


def test_solved_report_and_escaping():
    ds = load_dataset("builtin:linear?n=80", target="y")
    trainer, _ = fit_network(ds, (4,), solve=True)
    html = build_report(ds, trainer, solved=True, diagnostics=False, title="<b>&lab</b>")
    assert "Solved analytically" in html and "&lt;b&gt;&amp;lab&lt;/b&gt;" in html
    assert "OLS assumptions" not in html
    assert len(_svgs(html)) == 1  # no loss curve (no epochs), the fit plot only


def test_write_report_is_atomic_and_reports_errors(tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    write_report(out, "<html>one</html>")
    assert out.read_text() == "<html>one</html>"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_mod.os, "replace", broken_replace)
    with pytest.raises(UserError, match="cannot write the report"):
        write_report(out, "<html>two</html>")
    assert out.read_text() == "<html>one</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
    with pytest.raises(UserError):
        write_report(tmp_path / "missing" / "r.html", "x")


def test_softmax_report_table_is_relative_to_the_reference_class():
    """A softmax network's table is the collapse panel's: one row per class other than the
    reference and term, both sides relative to it, with the multinomial fit's SE, z and p
    (it listed the raw W_z rows as "output 1", "output 2", ...)."""
    from pathlib import Path

    from nnlin_gui.core.statistics.comparison import compare

    r_dir = Path(__file__).resolve().parents[1] / "data" / "r"
    ds = load_dataset(
        str(r_dir / "warpbreaks.csv"),
        target="tension",
        features=["breaks", "wool"],
        task="classification",
    )
    trainer, _ = fit_network(ds, (), solve=True)
    html = build_report(ds, trainer, solved=True, diagnostics=False)
    assert "output 1" not in html
    assert "<th>multinomial</th>" in html and "<th>z</th>" in html
    assert "logits are <b>z = W<sub>z</sub> x + b<sub>z</sub></b>" in html
    base = baseline_for(trainer, ds.feature_names, ds.class_labels)
    comp = compare(trainer, ds.feature_names, base)
    body = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", html)
    table = {name: cells for name, cells in body if " vs H]" in name}
    assert list(table) == [row.name for row in comp.rows]
    assert list(table)[:3] == ["const [L vs H]", "breaks [L vs H]", "wool[B] [L vs H]"]
    for row in comp.rows:  # the numbers of the collapse table, to the digits shown
        values = re.findall(r'<td class="num">(.*?)</td>', table[row.name])
        assert float(values[0]) == pytest.approx(row.network, rel=1e-7)
        assert float(values[1]) == pytest.approx(row.baseline, rel=1e-7)
        assert float(values[2]) == pytest.approx(row.se, rel=1e-3)
        assert float(values[4]) == pytest.approx(row.t, rel=1e-3)
    assert "relative to class H (its logit is 0)" in html


def test_softmax_without_a_baseline_states_log_odds_and_nonlinear_reason_once():
    """Separable classes (no multinomial MLE): the logits still relative to the first class;
    a nonlinear network's reason is not "does not collapse: cannot collapse: ..."."""
    from pathlib import Path

    r_dir = Path(__file__).resolve().parents[1] / "data" / "r"
    ds = load_dataset(
        str(r_dir / "mtcars.csv"), target="cyl", features=["mpg"], task="classification"
    )
    trainer, result = fit_network(ds, (), epochs=30)
    html = build_report(ds, trainer, result=result, diagnostics=False)
    assert "No closed-form baseline" in html and "output 1" not in html
    W, b = trainer.collapse().coefficients()
    rows = dict(re.findall(r"<tr><td>(\d vs 4)</td>(.*?)</tr>", html))
    assert list(rows) == ["6 vs 4", "8 vs 4"]
    first = [float(v) for v in re.findall(r'<td class="num">(.*?)</td>', rows["6 vs 4"])]
    np.testing.assert_allclose(first, [b[1] - b[0], W[1, 0] - W[0, 0]], rtol=1e-5)
    assert "relative to the reference class 4" in html

    trainer, result = fit_network(ds, (4,), "tanh", epochs=30)
    html = build_report(ds, trainer, result=result, diagnostics=False)
    assert "does not collapse: layer 1 uses tanh." in html and "cannot collapse" not in html
