"""The network diagram, in the TensorFlow Playground's manner.

Columns of units from the inputs to the output; an edge's colour is the sign of its weight
(blue positive, orange negative) and its thickness the size. Hovering an edge shows the
value; clicking it (while training is paused) lets the user type a new weight. Wide layers
are drawn in summary: the first units, an ellipsis and the last unit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QInputDialog, QSizePolicy, QToolTip, QWidget

from nnlin_gui.ui.widgets import neuron_thumbnails as thumbs
from nnlin_gui.ui.widgets.diagram_hover import UnitHover
from nnlin_gui.ui.widgets.unit_popup import output_image

MAX_SHOWN = 9  # units drawn per column before summarising
LEVELS = 8  # edge strengths drawn (colour alpha and width)
LIVE_INTERVAL = 0.2  # seconds between repaints while training (weights change slowly)
POS = QColor(40, 110, 190)
NEG = QColor(230, 120, 40)
ACT_LABEL = {
    "identity": "identity",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "softplus": "softplus",
    "gelu": "GELU",
    "sine": "sine",
}


def shown_units(n: int, most: int = MAX_SHOWN) -> list[int | None]:
    """Indices of the units drawn for a column of ``n`` (None marks the ellipsis), at most
    ``most`` rows."""
    most = max(3, most)
    if n <= most:
        return list(range(n))
    return list(range(most - 2)) + [None, n - 1]


@dataclass
class _Edge:
    a: QPointF
    b: QPointF
    layer: int
    i: int
    j: int
    w: float


@dataclass
class _Column:
    title: str
    subtitle: str
    n: int
    kind: str
    units: list  # (index or None, QPointF)
    lines: tuple[str, ...] = ()  # the subtitle as drawn: one line, or split where narrow


class NetworkDiagram(UnitHover, QWidget):
    """Draws ``controller.diagram_net`` (objectName ``networkDiagram``)."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkDiagram")
        self.controller = controller
        self.setMouseTracking(True)
        self.setMinimumSize(240, 150)  # small screens: the collapse table needs the height
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._columns: list[_Column] = []
        self._edges: list[_Edge] = []
        self._version = -1
        self._hover: _Edge | None = None
        self.live = False
        self._painted_at = 0.0
        self._caption_width = 140.0
        self.map_style = None  # the fit view's MapStyle: the output is drawn as the map

    def sizeHint(self) -> QSize:
        return QSize(620, 320)

    # -- data ----------------------------------------------------------------------------------

    def refresh(self, controller=None) -> None:
        if self.controller.version == self._version:
            return
        now = time.perf_counter()
        if self.live and now - self._painted_at < LIVE_INTERVAL:
            return
        self._painted_at = now
        self._version = self.controller.version
        self.update()

    def _layout(self) -> None:
        net = self.controller.diagram_net
        ds = self.controller.dataset
        self._columns, self._edges = [], []
        if net is None:
            return
        names = list(ds.feature_names) if ds is not None else []
        k = net.spec.n_inputs
        cols = [("inputs", f"{k:,} feature{'s' if k != 1 else ''}", k, "input")]
        for k, layer in enumerate(net.layers):
            kind = type(layer).__name__.lower()
            if layer is net.output:
                head = net.spec.head
                sub = "value" if head == "identity" else head
                cols.append(("output", sub, layer.out_dim, "output"))
                continue
            spec = net.spec.layers[k]
            act = ACT_LABEL.get(spec.activation, spec.activation)
            if kind == "dense":
                units = "unit" if layer.out_dim == 1 else "units"
                title, sub = f"layer {k + 1}", f"{layer.out_dim} {units} · {act}"
            elif kind == "residual":
                title, sub = f"layer {k + 1}", f"residual ×{spec.depth} · {act}"
            else:
                title, sub = f"layer {k + 1}", f"conv {spec.width}ch k{spec.kernel_size} · {act}"
            cols.append((title, sub, layer.out_dim, kind))
        w, h = self.width(), self.height()
        left, right = 70.0, 40.0
        step = (w - left - right) / max(1, len(cols) - 1)
        # Captions as wide as a column: a subtitle that does not fit breaks at its " · "
        # (side by side they overlapped on a 1280x720 screen), and the units start below.
        small, bold = self._fonts()
        self._caption_width = max(40.0, min(170.0, step - 8.0))
        fits = QFontMetricsF(small).horizontalAdvance
        lines = [
            (sub,) if fits(sub) <= self._caption_width else tuple(sub.split(" · "))
            for _, sub, _, _ in cols
        ]
        top = (
            QFontMetricsF(bold).height()
            + max(map(len, lines)) * QFontMetricsF(small).height()
            + 12.0
        )
        bottom = 18.0
        # No more rows than the labels and circles have room for (a short diagram printed
        # the input names and units over each other).
        row = max(QFontMetricsF(small).height() + 2.0, 21.0)  # a label, or a unit's circle
        most = int((h - top - bottom) // row)
        for c, (title, sub, n, kind) in enumerate(cols):
            x = left + c * step
            shown = shown_units(n, min(MAX_SHOWN, most))
            gap = min(34.0, (h - top - bottom) / max(1, len(shown)))
            y0 = top + (h - top - bottom - gap * (len(shown) - 1)) / 2
            units = [(u, QPointF(x, y0 + r * gap)) for r, u in enumerate(shown)]
            if c == 0 and names:
                title = "inputs"
            self._columns.append(_Column(title, sub, n, kind, units, lines[c]))
        # Edges with individual weights: into dense layers and the output.
        for c in range(1, len(self._columns)):
            layer = net.layers[c - 1]
            W = getattr(layer, "W", None)
            col = self._columns[c]
            prev = self._columns[c - 1]
            if col.kind in ("dense", "output") and W is not None and W.shape == (prev.n, col.n):
                for i, pa in prev.units:
                    if i is None:
                        continue
                    for j, pb in col.units:
                        if j is not None:
                            self._edges.append(_Edge(pa, pb, c - 1, i, j, float(W[i, j])))

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        self._layout()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if not self._columns:
            p.setPen(self._ink(0.55))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Load data to build a network")
            p.end()
            return
        finite = [abs(e.w) for e in self._edges if math.isfinite(e.w)]
        scale = max(finite) if finite else 1.0
        scale = scale or 1.0
        for c in range(1, len(self._columns)):
            col, prev = self._columns[c], self._columns[c - 1]
            if col.kind not in ("dense", "output"):
                self._bundle(p, prev, col)
        # Edges grouped into a few strengths per sign: one pen and one drawLines call per
        # group keeps a repaint of hundreds of edges to a few milliseconds.
        groups: dict[tuple[bool, int], list[QLineF]] = {}
        for e in self._edges:
            t = min(1.0, abs(e.w) / scale) if math.isfinite(e.w) else 1.0
            level = min(LEVELS - 1, int(t * LEVELS))
            groups.setdefault((e.w >= 0, level), []).append(QLineF(e.a, e.b))
        for (positive, level), lines in sorted(groups.items(), key=lambda kv: kv[0][1]):
            t = (level + 0.5) / LEVELS
            colour = QColor(POS if positive else NEG)
            colour.setAlphaF(0.25 + 0.75 * t)
            p.setPen(QPen(colour, 0.6 + 5.0 * t))
            p.drawLines(lines)
        if self._hover is not None:
            p.setPen(QPen(self._ink(0.95), 2.0, Qt.PenStyle.DashLine))
            p.drawLine(self._hover.a, self._hover.b)
        self._nodes(p)
        p.end()

    def _bundle(self, p: QPainter, prev: _Column, col: _Column) -> None:
        grey = self._ink(0.35)
        grey.setAlpha(120)
        pen = QPen(grey, 1.2)
        p.setPen(pen)
        for _, pa in prev.units:
            for _, pb in col.units:
                p.drawLine(pa, pb)

    def _thumbnails(self) -> tuple[int, list[np.ndarray]] | None:
        """(features, unit outputs per column) for one- or two-feature data, else None."""
        c = self.controller
        net, ds, trainer, probe = c.diagram_net, c.dataset, c.trainer, c.fit_probe
        if net is None or ds is None or trainer is None or probe is None:
            return None
        # The input space drawn: the table's own columns when transforms added some.
        k = {"curve": 1, "heatmap": 2}.get(c.fit_mode, ds.X.shape[1])
        grid = thumbs.coarse_grid(probe.X, k)
        if grid is None:
            return None
        try:
            return k, thumbs.unit_outputs(net, trainer.scaling, grid)
        except (ValueError, FloatingPointError):
            return None

    def _draw_thumbnail(
        self, p: QPainter, k: int, values: np.ndarray, pt: QPointF, size: float, image=None
    ):
        rect = QRectF(pt.x() - size / 2, pt.y() - size / 2, size, size)
        if k == 2:
            p.drawImage(rect, image if image is not None else thumbs.heat_image(values))
        else:
            p.fillRect(rect, self._ink(0.03))
            ys = thumbs.sparkline(values)
            xs = np.linspace(rect.left() + 1, rect.right() - 1, len(ys))
            mid, half = rect.center().y(), size / 2 - 2
            pen = QPen(POS if float(np.mean(ys)) >= 0 else NEG, 1.4)
            p.setPen(pen)
            p.drawPolyline([QPointF(x, mid - half * y) for x, y in zip(xs, ys, strict=True)])
        p.setPen(QPen(self._ink(0.65), 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect)

    def _nodes(self, p: QPainter) -> None:
        net = self.controller.diagram_net
        ds = self.controller.dataset
        thumbnails = self._thumbnails()
        # The output's thumbnail is the fit view's map itself (same colours and range).
        out_map = output_image(self.controller, self.map_style, coarse=True)
        names = list(ds.feature_names) if ds is not None else []
        small, bold = self._fonts()
        bold_h, small_h = QFontMetricsF(bold).height(), QFontMetricsF(small).height()
        width = self._caption_width
        for c, col in enumerate(self._columns):
            x = col.units[0][1].x()
            # Centred on the column, but kept inside the widget (first and last columns).
            left = min(max(2.0, x - width / 2), self.width() - width - 2.0)
            p.setFont(bold)
            p.setPen(self._ink(0.85))
            self._caption(p, QRectF(left, 4, width, bold_h), col.title)
            p.setFont(small)
            p.setPen(self._ink(0.6))
            for k, line in enumerate(col.lines):
                self._caption(p, QRectF(left, 4 + bold_h + k * small_h, width, small_h), line)
            bias = self._biases(net, c)
            for u, pt in col.units:
                if u is None:
                    self._ellipsis(p, bold, small, pt, col.n - (len(col.units) - 1))
                    continue
                if thumbnails is not None and col.kind in ("input", "dense", "output"):
                    k, outputs = thumbnails
                    gap = self._gap(col)
                    own = out_map if col.kind == "output" and col.n == 1 else None
                    self._draw_thumbnail(p, k, outputs[c][:, u], pt, min(26.0, gap - 4), own)
                    if c == 0 and u < len(names):
                        self._input_label(
                            p, small, pt, names[u], min(26.0, gap - 4), self._ink(0.85)
                        )
                    continue
                fill = self._ink(0.08)
                if bias is not None and u < len(bias):
                    fill = self._bias_colour(bias[u], bias)
                p.setPen(QPen(self._ink(0.75), 1.2))
                p.setBrush(fill)
                if col.kind in ("residual", "conv1d"):
                    p.drawRoundedRect(QRectF(pt.x() - 9, pt.y() - 9, 18, 18), 4, 4)
                else:
                    p.drawEllipse(pt, 9, 9)
                if c == 0 and u < len(names):
                    self._input_label(p, small, pt, names[u], 18.0, self._ink(0.85))
            p.setBrush(Qt.BrushStyle.NoBrush)

    def _fonts(self) -> tuple[QFont, QFont]:
        """The captions' fonts: the widget's (presentation mode scales it), small and bold."""
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        bold = QFont(self.font())
        bold.setBold(True)
        return small, bold

    @staticmethod
    def _caption(p: QPainter, rect: QRectF, text: str) -> None:
        shown = p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)

    def _ellipsis(self, p: QPainter, bold: QFont, small: QFont, pt: QPointF, hidden: int) -> None:
        """The summary of a wide column: '⋮' and how many units it stands for."""
        p.setPen(self._ink(0.65))
        p.setFont(bold)
        p.drawText(QRectF(pt.x() - 20, pt.y() - 12, 40, 24), Qt.AlignmentFlag.AlignCenter, "⋮")
        p.setFont(small)
        p.drawText(
            QRectF(pt.x() + 10, pt.y() - 9, 90, 18),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{hidden:,} more",
        )

    def _ink(self, strength: float) -> QColor:
        """The text colour blended into the background (0: background, 1: text), so the
        diagram follows a light or dark palette."""
        base = self.palette().color(QPalette.ColorRole.Base)
        text = self.palette().color(QPalette.ColorRole.Text)
        mix = lambda a, b: int(round(a + (b - a) * strength))  # noqa: E731
        return QColor(
            mix(base.red(), text.red()),
            mix(base.green(), text.green()),
            mix(base.blue(), text.blue()),
        )

    @staticmethod
    def _gap(col: _Column) -> float:
        if len(col.units) < 2:
            return 34.0
        return col.units[1][1].y() - col.units[0][1].y()

    @staticmethod
    def _input_label(
        p: QPainter, font: QFont, pt: QPointF, name: str, size: float, colour: QColor
    ) -> None:
        p.setFont(font)
        p.setPen(colour)
        label = name if len(name) <= 9 else name[:8] + "…"
        p.drawText(
            QRectF(pt.x() - size / 2 - 62, pt.y() - 9, 56, 18),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )

    @staticmethod
    def _biases(net, c: int) -> np.ndarray | None:
        if net is None or c == 0:
            return None
        layer = net.layers[c - 1]
        b = getattr(layer, "b", None)
        if b is None or len(b) != layer.out_dim:
            return None
        return b

    @staticmethod
    def _bias_colour(value: float, all_values: np.ndarray) -> QColor:
        scale = float(np.max(np.abs(all_values))) or 1.0
        t = min(1.0, abs(value) / scale) if math.isfinite(value) else 1.0
        base = POS if value >= 0 else NEG
        white = 245
        return QColor(
            int(white + (base.red() - white) * t * 0.8),
            int(white + (base.green() - white) * t * 0.8),
            int(white + (base.blue() - white) * t * 0.8),
        )

    # -- interaction ---------------------------------------------------------------------------

    def edge_at(self, pos: QPointF, tolerance: float = 5.0) -> _Edge | None:
        """The edge within ``tolerance`` pixels of ``pos`` (nearest), or None."""
        if not self._edges:
            self._layout()
        best, best_d = None, tolerance
        for e in self._edges:
            d = _distance(pos, e.a, e.b)
            if d <= best_d:
                best, best_d = e, d
        return best

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.hover_unit(event.position(), event.globalPosition().toPoint()):
            if self._hover is not None:  # a unit's map, large, instead of an edge's value
                self._hover = None
                self.update()
            return
        edge = self.edge_at(event.position())
        if edge is not self._hover:
            self._hover = edge
            self.update()
        if edge is None:
            QToolTip.hideText()
            return
        to = "output" if edge.layer == len(self._columns) - 2 else f"layer {edge.layer + 1}"
        text = f"weight {edge.i + 1} → {edge.j + 1} into {to}: {edge.w:.4g}"
        if not self.controller.is_training:
            text += "\n(click to type a new value)"
        QToolTip.showText(event.globalPosition().toPoint(), text, self)

    def leaveEvent(self, event) -> None:
        self.hide_unit_map()
        self._hover = None
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        edge = self.edge_at(event.position())
        if edge is None:
            return
        if self.controller.is_training:
            self.controller.message.emit("Pause training to edit a weight.")
            return
        value, ok = QInputDialog.getDouble(
            self,
            "Edit weight",
            f"New value for weight {edge.i + 1} → {edge.j + 1}:",
            edge.w,
            -1e6,
            1e6,
            6,
        )
        if ok:
            self.controller.set_weight(edge.layer, edge.i, edge.j, value)


def _distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    ax, ay, bx, by, px, py = a.x(), a.y(), b.x(), b.y(), p.x(), p.y()
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    cx, cy = ax + t * dx, ay + t * dy
    return math.hypot(px - cx, py - cy)
