"""The collapse panel's linear-regions read-out: a ReLU network is many linear regressions.

``regionSentence``: how many regions the training rows meet (piecewise-linear networks);
``regionEquation``: the region of the point clicked on the fit view, its exact
``y = W x + b`` in the data's units beside OLS (on the whole data and on the region's own
rows), or, for a smooth activation, the tangent plane there (an approximation);
``slopeHistogram``: each feature's local slope across the rows (one value for a linear
network: the further apart, the further from one regression). Computed in jobs, idle.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnlin_gui.core.networks.regions import nonpiecewise_reason
from nnlin_gui.core.statistics.comparison import BASELINE_SHORT
from nnlin_gui.ui.panels.collapse_summary import shown_equation
from nnlin_gui.ui.widgets import plot_style
from nnlin_gui.ui.widgets.collapse_equation import equation_html
from nnlin_gui.workbench.region_click import slopes_job

SLOPES_KIND = "panel:slopes"
BINS = 40


def _rich(name: str) -> QLabel:
    label = QLabel(objectName=name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class RegionBox(QWidget):
    """objectName ``regionBox``: ``regionSentence``, ``regionEquation``, ``slopeHistogram``.

    Attributes
    ----------
    clicked : the last ``ClickedRegion`` shown (None before a click)
    n_regions : regions the training rows meet (None when unknown or not piecewise linear)
    """

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regionBox")
        self.controller = controller
        self.clicked = None
        self.n_regions: int | None = None
        self.spread = None
        self._token = -2
        self.sentence = _rich("regionSentence")
        self.equation = _rich("regionEquation")
        self.histogram = plot_style.new_plot(
            "slopeHistogram", "Local slopes across the rows", "slope", "rows"
        )
        self.histogram.setMinimumHeight(170)
        self.hist_item = self.histogram.getPlotItem()
        self.hist_legend = self.hist_item.addLegend(offset=(6, 6), labelTextSize="8pt")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.sentence, self.equation):
            lay.addWidget(w)
        # ``histogram`` is placed by the panel (below the equations, not above the table).
        controller.model_reset.connect(self._on_reset)
        controller.results_changed.connect(self._on_results)
        controller.background_done.connect(self._on_done)
        self._on_reset()

    def watch(self, overlay) -> None:
        """Show the regions clicked on the fit view (``RegionOverlay.region_clicked``)."""
        overlay.region_clicked.connect(self.show_region)

    # -- the regions ------------------------------------------------------------------------

    @Slot()
    def _on_reset(self) -> None:
        spec = self.controller.spec
        self.clicked, self.n_regions, self.spread = None, None, None
        self.equation.setText("")
        self.hist_item.clear()
        self.hist_legend.clear()
        nonlinear = spec is not None and not spec.is_linear
        self.setVisible(nonlinear)
        self.histogram.setVisible(nonlinear)
        self.sentence.setText("")

    def _on_results(self, _results) -> None:
        c = self.controller
        spec, trainer = c.spec, c.trainer
        if spec is None or spec.is_linear or trainer is None or c.is_training:
            return
        X = trainer.X[trainer.train_rows]
        job = partial(slopes_job, trainer.network.copy(), trainer.scaling, X)
        self._token = c.run_background(SLOPES_KIND, job)

    @Slot(int, str, object)
    def _on_done(self, token: int, kind: str, result) -> None:
        if token == self._token and result is not None:
            self.show_slopes(result)

    def _sentence(self) -> str:
        spec = self.controller.spec
        if spec is None or nonpiecewise_reason(spec) is not None or self.n_regions is None:
            return ""
        n = self.n_regions
        # A classifier is linear in its log-odds region by region, not a regression of y.
        pieces = "linear regressions" if spec.head == "identity" else "linear logit models"
        return (
            f"A ReLU network is many {pieces}: "
            f"<b>{n:,} region{'s' if n != 1 else ''}</b> on these rows; "
            "click the map to see one."
        )

    def show_slopes(self, spread) -> None:
        """The histogram of each feature's local slope across the rows."""
        self.spread = spread
        self.n_regions = spread.regions if spread.exact else None
        self.sentence.setText(self._sentence())
        self.hist_item.clear()
        self.hist_legend.clear()
        ds = self.controller.dataset
        names = list(ds.feature_names) if ds is not None else []
        slopes = spread.slopes
        colours = plot_style.coefficient_colours(slopes.shape[1])
        finite = slopes[np.isfinite(slopes)]
        if not len(finite):
            return
        lo, hi = float(finite.min()), float(finite.max())
        if hi - lo < 1e-12:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, BINS + 1)
        for j in range(min(slopes.shape[1], 8)):
            counts, _ = np.histogram(slopes[:, j], bins=edges)
            colour = colours[j]
            item = pg.PlotDataItem(edges, counts, stepMode="center", pen=pg.mkPen(colour, width=2))
            self.hist_item.addItem(item)
            self.hist_legend.addItem(item, names[j] if j < len(names) else f"x{j + 1}")
        base = self.controller.baseline
        if base is not None:
            w = np.ravel(np.atleast_2d(base.W)[0])
            for j in range(min(len(w), slopes.shape[1], 8)):
                line = pg.InfiniteLine(
                    float(w[j]), angle=90, pen=pg.mkPen(colours[j], style=Qt.PenStyle.DashLine)
                )
                self.hist_item.addItem(line)
        what = "exact region slopes" if spread.exact else "tangent slopes"
        self.hist_item.setTitle(
            f"<span style='font-size:10pt'><b>Local slopes across the rows</b> "
            f"<span style='color:#888'>({what}; dashed: OLS)</span></span>"
        )

    # -- a clicked region -----------------------------------------------------------------------

    @Slot(object)
    def show_region(self, region) -> None:
        """Write the clicked region's map beside OLS."""
        self.clicked = region
        self.setVisible(True)
        self.histogram.setVisible(True)
        c = self.controller
        ds = c.dataset
        names = list(ds.feature_names) if ds is not None else ["x"]
        target = ds.target_name if ds is not None else "y"
        head = c.spec.head if c.spec is not None else "identity"
        base = c.baseline
        where = ", ".join(f"{n} = {v:.3g}" for n, v in zip(names, region.point, strict=False))
        eq = shown_equation(base, region.W, region.b, names, target, head)
        # A classifier's region is linear in its log-odds, not a regression of y.
        kind = "linear regression" if region.output == "value" else "affine map"
        if region.exact:
            text = f"In this region the network is the {kind} {eq} <b>(exact)</b>."
        else:
            text = f"The tangent plane here is {eq} <i>(an approximation)</i>."
        text += f" <span style='color:#888'>(clicked at {where})</span>"
        if base is not None:
            short = BASELINE_SHORT.get(base.kind, base.kind)
            text += (
                f"<br><span style='color:#888'>{short[:1].upper()}{short[1:]} "
                "on all rows: "
                f"{shown_equation(base, base.W, base.b, names, target, head)}"
                "</span>"
            )
        if region.exact and region.output == "value":
            if region.ols_W is not None:
                own = equation_html(
                    np.atleast_2d(region.ols_W), np.array([region.ols_b]), names, target
                )
                text += (
                    f"<br><span style='color:#888'>OLS on this region's {region.rows:,} "
                    f"training rows: {own}</span>"
                )
            else:
                text += (
                    f"<br><span style='color:#888'>{region.rows:,} training rows in this "
                    "region: too few for OLS on them.</span>"
                )
        elif region.exact:
            text += f"<br><span style='color:#888'>{region.rows:,} training rows here.</span>"
        self.equation.setText(text)
