"""A compact collapse read-out for the collapse dock: the network's equation, the
closed-form one, the largest difference and a verdict. (The full collapse panel with its
table replaces or joins it in the collapse dock.)"""

from __future__ import annotations

import html
import re
import time
from itertools import islice

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from nnlin_gui.core.statistics.comparison import BASELINE_SHORT, baseline_title
from nnlin_gui.core.statistics.fitting import comparable
from nnlin_gui.ui.font_roles import ratio_of, set_relative
from nnlin_gui.ui.widgets.capping import more_terms
from nnlin_gui.ui.widgets.collapse_equation import equation_html
from nnlin_gui.workbench.readouts import CANNOT

MAX_TERMS = 8
LIVE_INTERVAL = 0.2  # seconds between live equation updates


def equation(
    W: np.ndarray,
    b: np.ndarray,
    names,
    target: str = "y",
    max_terms: int = MAX_TERMS,
    more: str | None = None,
) -> str:
    """Rich text ``y = 2.05·x1 − 0.96·x2 + 1.49`` for the first output (at most
    ``max_terms`` terms, then "… and k more terms"). With several outputs ``more`` says
    what the others are (default "+ k more outputs", the first labelled "output 1")."""
    w = np.ravel(np.atleast_2d(W)[0])
    terms = []
    # islice: a wide table's 20,000 terms were paired up on every call (nine per read-out).
    for coef, name in islice(zip(w, names, strict=False), max_terms):
        sign = "−" if coef < 0 else "+"
        terms.append(f" {sign} {abs(coef):.4g}·<i>{html.escape(str(name))}</i>")
    terms.append(more_terms(min(len(w), len(names)) - max_terms))
    b0 = float(np.ravel(b)[0])
    outputs = np.atleast_2d(W).shape[0]
    tail = ""
    if outputs > 1:
        # Several outputs: show the first, say how many more there are.
        if more is None:
            target, more = f"{target}, output 1", f"+ {outputs - 1} more outputs"
        tail = f"&nbsp;&nbsp;<span style='color:#888'>({html.escape(more)})</span>"
    text = "".join(terms).lstrip(" +")
    if text.startswith("− "):
        text = "−" + text[2:]
    sign = "−" if b0 < 0 else "+"
    return f"<i>{html.escape(target)}</i> = {text} {sign} {abs(b0):.4g}{tail}"


def relative_rows(base, W, b, target: str):
    """A softmax network or baseline as the logits of the classes after the first, relative
    to the first (the reference: its logit is 0); otherwise as given.

    Returns ``(W, b, target, more)``: ``more`` names the rows after the first ("+ 2 more
    classes, each vs setosa", the reference), None when not relative.
    """
    if base is None or not base.classes or np.atleast_2d(W).shape[0] != len(base.classes):
        return W, b, target, None
    Wr, br = comparable(base, W, b)
    ref, first = base.classes[0], base.classes[1]
    others = len(base.classes) - 2
    more = None
    if others > 0:
        noun = "class" if others == 1 else "classes"
        more = f"+ {others} more {noun}, each vs {ref}"  # short: the line keeps its terms
    return Wr[1:], br[1:], f"log P({target}={first})/P({target}={ref})", more


def shown_rows(base, W, b, target: str, head: str = "identity"):
    """What an equation shows of ``(W, b)``: a sigmoid network's or logistic baseline's
    output as "logit P(y=1)", a softmax's classes relative to the reference
    (``relative_rows``), and without a softmax baseline the network's raw first logit as
    such: it is not a prediction of y, which the equation's "ŷ =" claimed.

    Returns ``(W, b, target, more)`` as ``relative_rows`` does.
    """
    if head == "sigmoid" or (base is not None and base.kind.startswith("logistic")):
        target = f"logit P({target}=1)"
    W, b, target, more = relative_rows(base, W, b, target)
    outputs = np.atleast_2d(W).shape[0]
    if more is None and outputs > 1 and not target.startswith("log P("):
        if head == "softmax":
            target, more = f"{target} logit 1", f"+ {outputs - 1} more logits, before softmax"
        else:
            target, more = f"{target}, output 1", f"+ {outputs - 1} more outputs"
    return W, b, target, more


def shown_equation(base, W, b, names, target: str, head: str = "identity") -> str:
    """The collapse panel's rich equation of ``(W, b)`` as ``shown_rows`` names it, with what
    the other rows are said after it."""
    W, b, target, more = shown_rows(base, W, b, target, head)
    text = equation_html(np.atleast_2d(W)[:1], np.ravel(b)[:1], names, target)
    if more:
        text += f"&nbsp;&nbsp;<span style='color:#888'>({html.escape(more)})</span>"
    return text


def fit_one_line(label: QLabel, W, b, names, target: str, more: str | None = None) -> str:
    """The equation with as many terms as fit ``label`` on one line (at least one): with
    ten features it wrapped to three lines and pushed the collapse table out of sight."""
    room = label.contentsRect().width()
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    n = min(np.atleast_2d(W).shape[1], len(names))
    # "… and 1 more term" is longer than the term it hides: never just one left out.
    counts = [k for k in range(min(n, MAX_TERMS), 0, -1) if k != n - 1] or [1]
    # Before a term goes: "(+ 1 more class, each vs A)" loses its second half, then
    # "log P(class=B)/P(class=A)" its column name.
    forms = [(target, more)]
    if more is not None and "," in more:
        forms.append((target, more.split(",")[0]))
        short = _RELATIVE.sub(r"log P(\2)/P(\3)", target)
        if short != target and not re.search(r"\(-?[\d.]+\)", short):  # P(1)/P(0): unclear
            forms.append((short, more.split(",")[0]))
    text = equation(W, b, names, target, counts[0], more)
    for k in counts:
        for shown, tail in forms:
            text = equation(W, b, names, shown, k, tail)
            doc.setHtml(text)
            if room <= 0 or doc.idealWidth() <= room:
                return text
    return text


_RELATIVE = re.compile(r"^log P\((.+)=(.+)\)/P\(\1=(.+)\)$")  # relative_rows' target


class CollapseSummary(QWidget):
    """objectName ``collapseSummary``; label objectNames: equationLabel, baselineLabel,
    maxDiffLabel, verdictLabel, metricsLabel."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("collapseSummary")
        self.controller = controller
        self.equation = self._label("equationLabel", 11)
        self.baseline = self._label("baselineLabel", 11)
        self.max_diff = self._label("maxDiffLabel", 10)
        self.verdict = self._label("verdictLabel", 10)
        self.metrics = self._label("metricsLabel", 9)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 4, 10, 4)
        grid.setVerticalSpacing(3)
        grid.setHorizontalSpacing(14)
        self._net_caption = QLabel("<b>Network</b>")
        self._base_caption = QLabel("<b>OLS</b>")
        grid.addWidget(self._net_caption, 0, 0)
        grid.addWidget(self.equation, 0, 1)
        grid.addWidget(self._base_caption, 1, 0)
        grid.addWidget(self.baseline, 1, 1)
        grid.addWidget(self.verdict, 2, 0, 1, 2)
        row = QHBoxLayout()
        row.addWidget(self.max_diff, 1)
        # Stretched and right-aligned: a fixed-width, unwrapped line was clipped in a narrow dock.
        self.metrics.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.metrics, 1)
        grid.addLayout(row, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(4, 1)
        self._shown = -1
        self._shown_at = 0.0
        self._readout_at = 0.0
        self._equations: dict[QLabel, tuple] = {}  # what each equation label shows
        controller.results_changed.connect(self.show_results)
        controller.baseline_changed.connect(self._show_baseline)

    @staticmethod
    def _label(name: str, points: int) -> QLabel:
        label = QLabel(objectName=name)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_relative(label, ratio_of(points))  # presentation mode scales it too
        label.setWordWrap(True)
        return label

    def _names(self):
        ds = self.controller.dataset
        return (ds.feature_names, ds.target_name) if ds is not None else ((), "y")

    def _show_baseline(self, base) -> None:
        names, target = self._names()
        if base is None:
            self._base_caption.setText("<b>OLS</b>")
            self._equations.pop(self.baseline, None)
            self.baseline.setText("<span style='color:#888'>no closed-form comparison</span>")
            return
        kind = BASELINE_SHORT.get(base.kind, base.kind)
        self._base_caption.setText(f"<b>{kind[:1].upper() + kind[1:]}</b>")
        self._base_caption.setToolTip(base.note)
        W, b, target, more = shown_rows(base, base.W, base.b, target, self._head())
        self._set_equation(self.baseline, W, b, names, target, more)

    def _head(self) -> str:
        spec = self.controller.spec
        return spec.head if spec is not None else "identity"

    def _set_equation(
        self, label: QLabel, W, b, names, target: str, more: str | None = None
    ) -> None:
        if label not in self._equations:
            label.installEventFilter(self)  # refitted when its width or font changes
        self._equations[label] = (W, b, names, target, more)
        label.setText(fit_one_line(label, W, b, names, target, more))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        resized = kind == QEvent.Type.Resize and event.size().width() != event.oldSize().width()
        if (resized or kind == QEvent.Type.FontChange) and obj in self._equations:
            obj.setText(fit_one_line(obj, *self._equations[obj]))
        return super().eventFilter(obj, event)

    def show_readout(self, readout) -> None:
        """The caption and metrics of the controller's ``Readout`` (the same numbers the
        toolbar shows); while training at most 5 times a second."""
        live = self.controller.is_training
        now = time.perf_counter()
        if live and now - self._readout_at < LIVE_INTERVAL:
            return
        self._readout_at = now
        if readout.headline.verdict != CANNOT:
            caption = f"<b>Network</b> (epoch {readout.epoch:,})"
            if caption != self._net_caption.text():
                self._net_caption.setText(caption)
        metrics = f"<span style='color:#888'>{html.escape(readout.metrics_text)}</span>"
        if metrics != self.metrics.text():
            self.metrics.setText(metrics)

    def refresh(self, controller) -> None:
        """While training: the live collapsed equation from the newest coefficients."""
        curves = controller.curves
        m = len(curves.coef_epochs)
        if m == self._shown or m == 0 or not controller.is_training:
            return
        now = time.perf_counter()
        if now - self._shown_at < LIVE_INTERVAL:
            return  # a rich-text relayout per frame is not worth it: 5 a second reads fine
        self._shown, self._shown_at = m, now
        names, target = self._names()
        row = curves.coef[-1]
        k = len(names)
        outputs = len(row) // (k + 1)  # W row by row, then b
        if len(row) >= k + 1:
            W, b = np.reshape(row[: outputs * k], (outputs, k)), row[outputs * k :]
            W, b, target, more = shown_rows(controller.baseline, W, b, target, self._head())
            self._set_equation(self.equation, W, b, names, target, more)

    def show_results(self, results) -> None:
        self._shown = -1
        names, target = results.feature_names, results.target_name
        col = results.collapse
        base = results.baseline
        if col.collapsible:  # its caption and the metrics come with the readout
            W, b, target, more = shown_rows(base, col.W, col.b, target, self._head())
            self._set_equation(self.equation, W, b, names, target, more)
        elif results.approximation is not None:
            self._net_caption.setText("<b>Best affine fit</b>")
            ap = results.approximation
            # Of the logits: least squares per output, so relative rows are exact differences.
            W, b, target, more = shown_rows(base, ap.W, ap.b, target, self._head())
            self._set_equation(self.equation, W, b, names, target, more)
        else:
            self._equations.pop(self.equation, None)
            self.equation.setText("")
        if col.collapsible and results.max_diff is not None:
            d = results.max_diff
            title = html.escape(baseline_title(base))
            short = html.escape(BASELINE_SHORT.get(base.kind, base.kind))
            if d < 1e-3:
                self.verdict.setText(
                    f"<span style='color:#2e8b57'><b>The network has collapsed to {title}."
                    "</b></span>"
                )
            else:
                self.verdict.setText(
                    f"<span style='color:#3884dc'><b>A linear network: one affine map. "
                    f"Training moves it towards {title}.</b></span>"
                )
            self.max_diff.setText(f"Largest difference from {short}: <b>{d:.3g}</b>")
        elif not col.collapsible:
            ap = results.approximation
            extra = ""
            if ap is not None:
                extra = (
                    f" The best affine map explains R² = {ap.r2:.3f} of its output; "
                    f"local slopes vary by {100 * ap.slope_spread:.0f}%."
                )
            self.verdict.setText(
                f"<span style='color:#d6601e'><b>{col.reason.capitalize()}.</b></span>"
            )
            self.max_diff.setText(extra.strip())
        else:
            self.verdict.setText("<b>A linear network: one affine map.</b>")
            error = self.controller.baseline_error
            self.max_diff.setText(
                f"No closed-form comparison: {error}"
                if error
                else "Waiting for the closed-form fit…"
            )
        self.show_readout(self.controller.readout)
