"""Small, dependency-free SVG plots for reports: lines, scatter points, bars, log axes.

No Qt and no matplotlib in core: a plot is a ``Figure`` of layers (``Line``, ``Points``,
``Bars``, ``HLine``) drawn onto linear or logarithmic axes with "nice" tick values and
returned as an ``<svg>`` element that can be put inline into HTML or saved as a file.
Scatter layers are thinned to ``MAX_POINTS`` so a report stays light.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

import numpy as np

__all__ = ["Bars", "Figure", "HLine", "Line", "Points", "nice_ticks", "log_ticks"]

MAX_POINTS = 2500
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#7f7f7f")


@dataclass
class Line:
    x: np.ndarray
    y: np.ndarray
    label: str = ""
    color: str = PALETTE[0]
    width: float = 2.0
    dash: str = ""


@dataclass
class Points:
    x: np.ndarray
    y: np.ndarray
    label: str = ""
    color: str = PALETTE[0]
    radius: float = 2.2
    opacity: float = 0.55


@dataclass
class Bars:
    """Bars between ``edges[i]`` and ``edges[i+1]`` of height ``heights[i]`` (histograms),
    or stems at ``x`` when ``edges`` has the same length as ``heights`` (ACF)."""

    edges: np.ndarray
    heights: np.ndarray
    label: str = ""
    color: str = PALETTE[0]
    opacity: float = 0.45


@dataclass
class HLine:
    y: float
    color: str = "#555555"
    dash: str = "4 3"
    label: str = ""


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 times a power of ten) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(1, target)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step - 1e-9) * step
    ticks = []
    t = start
    while t <= hi + step * 1e-9:
        ticks.append(0.0 if abs(t) < step * 1e-9 else t)
        t += step
    return ticks


def log_ticks(lo: float, hi: float) -> list[float]:
    """Tick values for a log axis over [lo, hi] (lo, hi > 0): powers of ten, thinned to
    about 7, with 2 and 5 times them added when the range spans less than two decades."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))

    def inside(v: float) -> bool:
        return lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)

    exps = list(range(a, b + 1))
    stride = max(1, math.ceil(len(exps) / 7))
    ticks = [10.0**e for e in exps[::stride] if inside(10.0**e)]
    if len(ticks) < 3:
        ticks = sorted(m * 10.0**e for e in exps for m in (1, 2, 5) if inside(m * 10.0**e))
    if len(ticks) < 3:
        ticks = sorted(m * 10.0**e for e in exps for m in range(1, 10) if inside(m * 10.0**e))
    return ticks


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e5 or a < 1e-3:
        mant, exp = f"{v:.0e}".split("e")
        return f"{mant}e{int(exp)}"
    return f"{v:.4g}"


def _finite(*arrays: np.ndarray) -> np.ndarray:
    ok = np.ones(len(arrays[0]), dtype=bool)
    for a in arrays:
        ok &= np.isfinite(a)
    return ok


@dataclass
class Figure:
    """A plot with a title, axis labels and layers; ``to_svg()`` draws it.

    Parameters
    ----------
    logy : plot y on a log10 axis (non-positive values are dropped)
    equal_line : draw the diagonal y = x (predicted vs actual)
    """

    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    width: int = 560
    height: int = 340
    logy: bool = False
    equal_line: bool = False
    layers: list = field(default_factory=list)

    def add(self, layer) -> Figure:
        self.layers.append(layer)
        return self

    # -- data ranges ------------------------------------------------------------------------

    def _xy(self, layer) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(layer, Bars):
            e = np.asarray(layer.edges, dtype=float)
            h = np.asarray(layer.heights, dtype=float)
            return e, np.r_[h, 0.0]
        if isinstance(layer, HLine):
            return np.empty(0), np.array([layer.y], dtype=float)
        return np.asarray(layer.x, dtype=float), np.asarray(layer.y, dtype=float)

    def _ranges(self) -> tuple[float, float, float, float]:
        xs, ys = [], []
        for layer in self.layers:
            x, y = self._xy(layer)
            if len(x):
                xs.append(x[np.isfinite(x)])
            y = y[np.isfinite(y)]
            if self.logy:
                y = y[y > 0]
            ys.append(y)
        xall = np.concatenate(xs) if xs else np.empty(0)
        yall = np.concatenate(ys) if ys else np.empty(0)
        x0, x1 = (float(xall.min()), float(xall.max())) if len(xall) else (0.0, 1.0)
        y0, y1 = (float(yall.min()), float(yall.max())) if len(yall) else (0.0, 1.0)
        if self.equal_line:
            x0 = y0 = min(x0, y0)
            x1 = y1 = max(x1, y1)
        if x1 <= x0:
            x0, x1 = x0 - 0.5, x1 + 0.5
        elif any(isinstance(lay, Points) for lay in self.layers) or any(
            isinstance(lay, Bars) and len(lay.edges) == len(lay.heights) for lay in self.layers
        ):
            # Markers and stems at the ends of the range should not be cut in half.
            xpad = 0.03 * (x1 - x0)
            x0, x1 = x0 - xpad, x1 + xpad
        if self.logy:
            if y1 <= y0:
                y0, y1 = y0 / 2, y1 * 2
            return x0, x1, y0, y1
        if y1 <= y0:
            y0, y1 = y0 - 0.5, y1 + 0.5
        pad = 0.04 * (y1 - y0)
        return x0, x1, y0 - pad, y1 + pad

    # -- drawing ----------------------------------------------------------------------------

    def to_svg(self) -> str:
        """The plot as an ``<svg>`` element (inline-ready, with a text alternative)."""
        W, H = self.width, self.height
        left, right, top, bottom = 64, 16, 30 if self.title else 12, 44
        pw, ph = W - left - right, H - top - bottom
        x0, x1, y0, y1 = self._ranges()
        ly0, ly1 = (math.log10(y0), math.log10(y1)) if self.logy else (y0, y1)

        def sx(v):
            return left + (np.asarray(v, dtype=float) - x0) / (x1 - x0) * pw

        def sy(v):
            v = np.asarray(v, dtype=float)
            if self.logy:
                with np.errstate(divide="ignore", invalid="ignore"):
                    v = np.log10(v)
            return top + ph - (v - ly0) / (ly1 - ly0) * ph

        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
            f'height="{H}" role="img" aria-label="{escape(self.title or "plot")}" '
            'font-family="Helvetica, Arial, sans-serif" font-size="11">',
            f"<title>{escape(self.title or 'plot')}</title>",
            f'<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>',
        ]
        if self.title:
            out.append(
                f'<text x="{W / 2:.1f}" y="18" text-anchor="middle" font-size="13" '
                f'font-weight="bold">{escape(self.title)}</text>'
            )
        # grid and ticks
        yt = log_ticks(y0, y1) if self.logy else nice_ticks(y0, y1)
        for t in yt:
            py = float(sy(t))
            out.append(
                f'<line x1="{left}" y1="{py:.1f}" x2="{left + pw}" y2="{py:.1f}" stroke="#e6e6e6"/>'
            )
            out.append(f'<text x="{left - 6}" y="{py + 4:.1f}" text-anchor="end">{_fmt(t)}</text>')
        for t in nice_ticks(x0, x1):
            px = float(sx(t))
            out.append(
                f'<line x1="{px:.1f}" y1="{top}" x2="{px:.1f}" y2="{top + ph}" stroke="#f0f0f0"/>'
            )
            out.append(
                f'<text x="{px:.1f}" y="{top + ph + 15}" text-anchor="middle">{_fmt(t)}</text>'
            )
        # Axis ranges cover every layer, so nothing needs clipping (no nested <svg>: Qt's
        # SVG Tiny renderer skips it).
        out.append("<g>")
        if self.equal_line:
            lo, hi = max(x0, y0), min(x1, y1)
            out.append(
                f'<line x1="{float(sx(lo)):.1f}" y1="{float(sy(lo)):.1f}" '
                f'x2="{float(sx(hi)):.1f}" y2="{float(sy(hi)):.1f}" stroke="#888" '
                'stroke-dasharray="4 3"/>'
            )
        for layer in self.layers:
            out.append(self._layer_svg(layer, sx, sy, left, pw, ly0))
        out.append("</g>")
        out.append(
            f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>'
        )
        if self.xlabel:
            out.append(
                f'<text x="{left + pw / 2:.1f}" y="{H - 8}" text-anchor="middle">'
                f"{escape(self.xlabel)}</text>"
            )
        if self.ylabel:
            out.append(
                f'<text transform="translate(14,{top + ph / 2:.1f}) rotate(-90)" '
                f'text-anchor="middle">{escape(self.ylabel)}</text>'
            )
        out.append(self._legend(left + pw - 8, top + 8))
        out.append("</svg>")
        return "".join(out)

    def _layer_svg(self, layer, sx, sy, left, pw, ly0) -> str:
        if isinstance(layer, HLine):
            py = float(sy(layer.y))
            return (
                f'<line x1="{left}" y1="{py:.1f}" x2="{left + pw}" y2="{py:.1f}" '
                f'stroke="{layer.color}" stroke-dasharray="{layer.dash}"/>'
            )
        if isinstance(layer, Bars):
            return self._bars_svg(layer, sx, sy)
        x = np.asarray(layer.x, dtype=float)
        y = np.asarray(layer.y, dtype=float)
        ok = _finite(x, y) & ((y > 0) if self.logy else True)
        x, y = x[ok], y[ok]
        if isinstance(layer, Points):
            if len(x) > MAX_POINTS:
                keep = np.sort(np.random.default_rng(0).choice(len(x), MAX_POINTS, replace=False))
                x, y = x[keep], y[keep]
            px, py = sx(x), sy(y)
            r = layer.radius
            circles = "".join(
                f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{r}"/>' for a, b in zip(px, py, strict=True)
            )
            return f'<g fill="{layer.color}" fill-opacity="{layer.opacity}">{circles}</g>'
        if len(x) == 0:
            return ""
        px, py = sx(x), sy(y)
        if len(px) > 4000:  # a 60k-epoch curve: keep the shape, not every point
            idx = np.unique(np.geomspace(1, len(px), 4000).astype(int) - 1)
            px, py = px[idx], py[idx]
        pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
        dash = f' stroke-dasharray="{layer.dash}"' if layer.dash else ""
        return (
            f'<polyline points="{pts}" fill="none" stroke="{layer.color}" '
            f'stroke-width="{layer.width}" stroke-linejoin="round"{dash}/>'
        )

    def _bars_svg(self, layer: Bars, sx, sy) -> str:
        e = np.asarray(layer.edges, dtype=float)
        h = np.asarray(layer.heights, dtype=float)
        base = float(sy(0.0)) if not self.logy else float(sy(self._ranges()[2]))
        parts = []
        if len(e) == len(h) + 1:
            for a, b, v in zip(e[:-1], e[1:], h, strict=True):
                xa, xb, yv = float(sx(a)), float(sx(b)), float(sy(v))
                parts.append(
                    f'<rect x="{xa:.1f}" y="{min(yv, base):.1f}" width="{max(xb - xa, 0.5):.1f}" '
                    f'height="{abs(base - yv):.1f}"/>'
                )
            return (
                f'<g fill="{layer.color}" fill-opacity="{layer.opacity}" stroke="#ffffff" '
                f'stroke-width="0.5">{"".join(parts)}</g>'
            )
        for a, v in zip(e, h, strict=True):
            xa, yv = float(sx(a)), float(sy(v))
            parts.append(f'<line x1="{xa:.1f}" y1="{base:.1f}" x2="{xa:.1f}" y2="{yv:.1f}"/>')
        return f'<g stroke="{layer.color}" stroke-width="3">{"".join(parts)}</g>'

    def _legend(self, right_x: float, y: float) -> str:
        items = [lay for lay in self.layers if getattr(lay, "label", "")]
        if not items:
            return ""
        width = 14 + 7 * max(len(lay.label) for lay in items) + 16
        x = right_x - width
        out = [
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width}" height="{16 * len(items) + 6}" '
            'fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>'
        ]
        for i, lay in enumerate(items):
            cy = y + 12 + 16 * i
            if isinstance(lay, Points | Bars):
                out.append(f'<circle cx="{x + 12:.1f}" cy="{cy:.1f}" r="4" fill="{lay.color}"/>')
            else:
                dash = f' stroke-dasharray="{lay.dash}"' if getattr(lay, "dash", "") else ""
                out.append(
                    f'<line x1="{x + 4:.1f}" y1="{cy:.1f}" x2="{x + 20:.1f}" y2="{cy:.1f}" '
                    f'stroke="{lay.color}" stroke-width="2"{dash}/>'
                )
            out.append(f'<text x="{x + 26:.1f}" y="{cy + 4:.1f}">{escape(lay.label)}</text>')
        return "".join(out)
