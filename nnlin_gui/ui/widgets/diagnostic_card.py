"""One card of the diagnostics panel: an assumption, its traffic light(s), its tests, what
it means, what to do, and its plot.

A card shows one or two residual sources (OLS, the network, or both side by side). Every
source column has a light: objectName ``light_<assumption>`` for the first column and
``light_<assumption>_network`` for the network's column when both are shown; the verdict
("ok", "warning", "violated") is in the light's ``verdict`` property and accessible name.
"""

from __future__ import annotations

import html
import math

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnlin_gui.ui.font_roles import ratio_of, set_relative
from nnlin_gui.ui.widgets.capping import cap_note, largest
from nnlin_gui.ui.widgets.diagnostic_plots import draw, draw_histogram, new_diagnostic_plot
from nnlin_gui.ui.widgets.remedy_box import RemedyBox

LIGHT_COLOURS = {
    "ok": "#2ca02c",
    "warning": "#f0a000",
    "violated": "#d62728",
    "not applicable": "#b0b0b0",
    "": "#d8d8d8",
}
TITLES = {
    "collinearity": "No collinearity",
    "homoskedasticity": "Homoskedasticity",
    "independence": "Independent errors",
    "normality": "Normal errors",
    "linearity": "Linearity",
    "influence": "No dominant rows",
}
MEANING = {
    "collinearity": "No feature is (nearly) a combination of the others, so each "
    "coefficient can be told apart from the rest.",
    "homoskedasticity": "The errors have the same spread everywhere; otherwise the "
    "standard errors, t and p are wrong (the coefficients stay unbiased).",
    "independence": "One row's error says nothing about the next one's; correlated errors "
    "make the standard errors too small.",
    "normality": "The errors follow a normal distribution, which exact small-sample "
    "intervals and p-values rely on.",
    "linearity": "The target is a straight-line (affine) function of the features: the one "
    "thing a linear network can represent.",
    "influence": "No single row pulls the fit far on its own.",
}
REMEDY = {
    "collinearity": "Drop or combine the redundant features, or use ridge (L2 > 0).",
    "homoskedasticity": "Use robust (HC3) standard errors, log-transform the target, or "
    "model the variance (weighted least squares).",
    "independence": "Rows in time order: HAC (Newey-West) standard errors or lagged terms; "
    "if the row order means nothing, ignore these tests.",
    "normality": "With many rows the coefficients are fine anyway; otherwise transform the "
    "target or look for outliers in the Q-Q plot.",
    "linearity": "Add squared or interaction terms (polynomial regression), transform a "
    "feature, or give the network a nonlinear activation.",
    "influence": "Check the flagged rows for data errors; report the fit with and without them.",
}
# Test name prefix -> what the test does (tooltips).
TEST_HELP = {
    "VIF": "Variance inflation factor: 1 / (1 - R²) of this feature regressed on the others. "
    "Above 5 is a warning, above 10 a problem.",
    "Condition number (standardised)": "Square root of the largest over the smallest "
    "eigenvalue of the features' correlation matrix: above 30 some combination of features "
    "is nearly constant.",
    "Condition number (raw": "Belsley's condition number of the design with intercept, "
    "columns scaled to unit length.",
    "Breusch-Pagan (Koenker)": "Regresses the squared residuals on the features (studentised "
    "version, robust to non-normal errors). Small p: the spread changes with the features.",
    "Breusch-Pagan": "Regresses the squared residuals on the features (original version, "
    "assumes normal errors). Small p: heteroskedasticity.",
    "White": "Regresses the squared residuals on the features, their squares and products: "
    "catches variance patterns Breusch-Pagan misses.",
    "Goldfeld-Quandt": "Compares the residual variance of the low and high fitted values (F test).",
    "Durbin-Watson": "d = Σ(e_t - e_t-1)² / Σ e_t²: 2 means no lag-1 autocorrelation, below 2 "
    "positive, above 2 negative. Reads the rows in file order.",
    "Breusch-Godfrey": "Regresses the residuals on the features and their own lags: "
    "autocorrelation up to the given lag.",
    "Ljung-Box": "Weighted sum of the squared residual autocorrelations up to the given lag.",
    "Jarque-Bera": "Skewness and kurtosis of the residuals against the normal's 0 and 3.",
    "Omnibus": "D'Agostino-Pearson: skewness and kurtosis tests combined.",
    "Shapiro-Wilk": "Correlation of the sorted residuals with normal scores (a subsample "
    "above 5,000 rows).",
    "Anderson-Darling": "Distance between the residuals' distribution and the normal, "
    "weighting the tails.",
    "RESET": "Ramsey's RESET: do squares and cubes of the fitted values add to the fit? "
    "Small p: the relationship is curved.",
    "Rainbow": "Does the central half of the rows fit better than all of them?",
    "Harvey-Collier": "Recursive residuals in row order should average zero for a straight line.",
    "Cook's distance": "How far the whole fit moves when one row is left out; above 0.5 is "
    "worth a look, above 1 a problem.",
    "Outlier test": "Largest studentised residual, Bonferroni-corrected for the number of rows.",
    "Leverage": "Hat values: how unusual a row's features are; the average is p/n.",
    "DFFITS": "How far a row's own fitted value moves when it is left out.",
    "DFBETAS": "How far each coefficient moves when a row is left out.",
}
SOURCE_TITLES = {"ols": "OLS residuals", "network": "Network residuals"}
BODY_PT = 11
MAX_TEST_ROWS = 12  # a wide table lists the largest VIFs, not one row per feature
# Table columns; the two p columns are labelled so nobody reads a Holm p as a raw one.
HEADERS = ("test", "statistic", "p (raw)", "p (Holm)", "verdict")
RAW_P_TIP = "Raw p-value: this test on its own, before any adjustment."
HOLM_P_TIP = (
    "Holm-adjusted p-value: corrected for all the p-values of this report at once. The "
    "verdict uses this one (below 0.05: warning, below 0.01: violated)."
)


def test_help(name: str) -> str:
    """The tooltip for the test called ``name`` (longest matching prefix)."""
    best = ""
    for prefix in TEST_HELP:
        if name.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return TEST_HELP.get(best, "")


def _fmt(value) -> str:
    if value is None:
        return "—"
    value = float(value)
    if not math.isfinite(value):
        return "—"
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def shown_tests(tests) -> tuple[list, str]:
    """The tests a card lists and what it left out: beyond ``MAX_TEST_ROWS`` rows, every
    test but the VIFs, and the largest VIFs ("showing 8 of 20,000 VIFs: the largest")."""
    tests = list(tests)
    if len(tests) <= MAX_TEST_ROWS:
        return tests, ""
    vifs = [t for t in tests if t.name.startswith("VIF (")]
    others = [t for t in tests if not t.name.startswith("VIF (")]
    room = max(1, MAX_TEST_ROWS - len(others))
    values = [float(t.statistic) if t.statistic is not None else float("nan") for t in vifs]
    keep = set(largest(values, len(vifs), room).tolist())
    kept = [t for i, t in enumerate(vifs) if i in keep]
    return kept + others[:MAX_TEST_ROWS], cap_note(len(kept), len(vifs), "VIFs")


def _df_text(df) -> str:
    if df is None:
        return ""
    if isinstance(df, tuple | list):
        return "(" + ", ".join(str(int(d)) for d in df) + ")"
    return f"({int(df)})"


class TrafficLight(QLabel):
    """A coloured disc whose ``verdict`` property (and accessible name) is the verdict."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFixedSize(24, 24)
        self.set_verdict("")

    @property
    def verdict(self) -> str:
        return str(self.property("verdict") or "")

    def set_verdict(self, verdict: str) -> None:
        self.setProperty("verdict", verdict)
        self.setAccessibleName(verdict or "not computed")
        colour = LIGHT_COLOURS.get(verdict, LIGHT_COLOURS[""])
        self.setStyleSheet(
            f"background: {colour}; border-radius: 12px; border: 1px solid rgba(0,0,0,60);"
        )
        self.setToolTip(verdict or "not computed yet")


class SourceColumn(QWidget):
    """One residual source inside a card: light, verdict word, tests and plot(s)."""

    def __init__(self, assumption: str, suffix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assumption = assumption
        self.setObjectName(f"tests_{assumption}{suffix}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        head = QHBoxLayout()
        self.light = TrafficLight(f"light_{assumption}{suffix}")
        self.caption = QLabel(objectName=f"verdict_{assumption}{suffix}")
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        head.addWidget(self.light)
        head.addWidget(self.caption, 1)
        lay.addLayout(head)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(2)
        lay.addLayout(self.grid)
        plots = QHBoxLayout()
        self.plot = new_diagnostic_plot(f"plot_{assumption}{suffix}", assumption)
        plots.addWidget(self.plot, 1)
        self.histogram = None
        if assumption == "normality":
            self.histogram = new_diagnostic_plot(f"histogram{suffix}", assumption)
            self.histogram.getPlotItem().setTitle("<span style='font-size:11pt'>Histogram</span>")
            self.histogram.getPlotItem().setLabel("bottom", "residual")
            self.histogram.getPlotItem().setLabel("left", "density")
            plots.addWidget(self.histogram, 1)
        lay.addLayout(plots, 1)
        self._cells: list[QWidget] = []

    def _cell(self, text: str, row: int, col: int, tip: str = "", bold: bool = False) -> None:
        label = QLabel(f"<b>{text}</b>" if bold else text)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if tip:
            label.setToolTip(tip)
        align = Qt.AlignmentFlag.AlignLeft if col == 0 else Qt.AlignmentFlag.AlignRight
        self.grid.addWidget(label, row, col, align | Qt.AlignmentFlag.AlignVCenter)
        self._cells.append(label)

    def show_assumption(self, source: str, result, report, plot: bool = True) -> None:
        """Fill in ``result`` (an ``AssumptionResult``) of ``report`` for ``source``; the
        plot too unless ``plot`` is False (then ``show_plot`` draws it later)."""
        for cell in self._cells:
            cell.deleteLater()
        self._cells = []
        verdict = result.verdict
        self.light.set_verdict(verdict)
        colour = LIGHT_COLOURS.get(verdict, "#555")
        self.caption.setText(
            f"{SOURCE_TITLES.get(source, source)}: "
            f"<b><span style='color:{colour}'>{verdict}</span></b>"
        )
        for col, head in enumerate(HEADERS):
            tip = {2: RAW_P_TIP, 3: HOLM_P_TIP}.get(col, "")
            self._cell(f"<span style='color:#888'>{head}</span>", 0, col, tip)
        tests, left_out = shown_tests(result.tests)
        for row, t in enumerate(tests, start=1):
            tip = test_help(t.name)
            message = html.escape(t.message)
            full_tip = f"<p>{html.escape(tip)}</p><p><i>{message}</i></p>" if tip else message
            self._cell(html.escape(t.name), row, 0, full_tip)
            stat = _fmt(t.statistic)
            df = _df_text(t.df)
            self._cell(f"{stat} {df}".strip(), row, 1, full_tip)
            self._cell(_fmt(t.p_value), row, 2, RAW_P_TIP)
            self._cell(_fmt(t.p_adjusted), row, 3, HOLM_P_TIP)
            vcol = LIGHT_COLOURS.get(t.verdict, "#555")
            word = "n/a" if t.verdict == "not applicable" else t.verdict
            self._cell(f"<span style='color:{vcol}'>{word}</span>", row, 4, message)
        if left_out:
            self._cell(f"<i style='color:#a0281a'>{left_out}</i>", len(tests) + 1, 0)
        if plot:
            self.show_plot(report)

    def show_plot(self, report) -> None:
        """Draw the assumption's picture (and the histogram) from ``report``."""
        draw(self.plot, self.assumption, report)
        if self.histogram is not None:
            draw_histogram(self.histogram, report)

    def numbers(self) -> list[str]:
        """The statistics and both p-values shown (for tests and copying)."""
        out = []
        for cell in self._cells:
            index = self.grid.indexOf(cell)
            if index >= 0 and self.grid.getItemPosition(index)[1] in (1, 2, 3):
                out.append(cell.text())
        return out

    def table(self) -> list[list[str]]:
        """The table as plain text, header row first (for tests and copying)."""
        rows: dict[int, dict[int, str]] = {}
        for cell in self._cells:
            index = self.grid.indexOf(cell)
            if index >= 0:
                row, col, _, _ = self.grid.getItemPosition(index)
                doc = QTextDocument()
                doc.setHtml(cell.text())
                rows.setdefault(row, {})[col] = doc.toPlainText()
        return [[cols.get(c, "") for c in range(len(HEADERS))] for _, cols in sorted(rows.items())]


class DiagnosticCard(QFrame):
    """objectName ``card_<assumption>``: the assumption for one or two residual sources."""

    def __init__(self, assumption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assumption = assumption
        self.setObjectName(f"card_{assumption}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        set_relative(self, ratio_of(BODY_PT))  # presentation mode scales it
        self._restyle()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(6)
        title = QLabel(f"<span style='font-size:large'><b>{TITLES[assumption]}</b></span>")
        title.setToolTip(MEANING[assumption])
        lay.addWidget(title)
        self.meaning = QLabel(MEANING[assumption], objectName=f"meaning_{assumption}")
        self.meaning.setWordWrap(True)
        lay.addWidget(self.meaning)
        self.columns_row = QHBoxLayout()
        self.columns_row.setSpacing(18)
        lay.addLayout(self.columns_row, 1)
        self.remedy = QLabel(
            f"<b>If not ok:</b> {html.escape(REMEDY[assumption])}",
            objectName=f"remedy_{assumption}",
        )
        self.remedy.setWordWrap(True)
        lay.addWidget(self.remedy)
        # "Remedy" (remedyButton): applied to a copy, before and after side by side.
        self.remedy_box = RemedyBox(assumption)
        lay.addWidget(self.remedy_box)
        self.columns: list[SourceColumn] = []
        self._suffixes: tuple[str, ...] = ()

    def _restyle(self) -> None:
        # Labels under a style sheet do not inherit the card's font: the sheet carries its
        # size, set again whenever the card's font changes (presentation mode).
        name, points = self.objectName(), self.font().pointSizeF()
        self.setStyleSheet(
            f"#{name} {{ background: palette(base); border: 1px solid palette(mid); "
            f"border-radius: 6px; }} QLabel, QTableWidget, QHeaderView, QComboBox, "
            f"QPushButton {{ font-size: {points:.3g}pt; }}"
        )

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.styleSheet():
            self._restyle()

    def show_reports(self, shown: list[tuple[str, object]], plots: bool = True) -> None:
        """``shown``: (source, DiagnosticReport) pairs, one column each; without ``plots``
        the pictures wait for ``show_plots`` (a window redraws a card in two steps)."""
        suffixes = tuple("" if i == 0 else f"_{src}" for i, (src, _) in enumerate(shown))
        if suffixes != self._suffixes:
            for column in self.columns:
                column.setParent(None)
                column.deleteLater()
            self.columns = [SourceColumn(self.assumption, s) for s in suffixes]
            for column in self.columns:
                self.columns_row.addWidget(column, 1)
            self._suffixes = suffixes
        for column, (source, report) in zip(self.columns, shown, strict=True):
            column.show_assumption(source, report.assumption(self.assumption), report, plots)

    def show_plots(self, shown: list[tuple[str, object]]) -> None:
        """The pictures of ``shown`` (after ``show_reports(shown, plots=False)``)."""
        for column, (_, report) in zip(self.columns, shown, strict=False):
            column.show_plot(report)

    @property
    def verdicts(self) -> list[str]:
        return [c.light.verdict for c in self.columns]
