"""Rich text for the collapse panel: y = W_z x + b_z with the real numbers, the product
chain W_n ... W_1 with its shapes, and how b_z is assembled from the layers' biases.

Qt-free formatting (HTML strings) plus one small computation, :func:`bias_parts`, that
splits b_z into each layer's contribution; tests check that the parts add up.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np

from nnlin_gui.ui.widgets.capping import more_terms

MAX_TERMS = 10
MINUS = "\u2212"
_INDEXED = re.compile(r"^([A-Za-z_]+?)_?(\d+)$")


def var(name: str) -> str:
    """A variable name in italics, a trailing index as a subscript: x1 -> <i>x</i><sub>1</sub>;
    transformed columns keep that look: x1², x1·x2, sin(x1)."""
    name = str(name)
    if name.endswith("²") and len(name) > 1:
        return f"{var(name[:-1])}²"
    if "·" in name:
        return "·".join(var(part) for part in name.split("·"))
    if name.startswith("sin(") and name.endswith(")"):
        return f"sin({var(name[4:-1])})"
    m = _INDEXED.match(name)
    if m:
        return f"<i>{html.escape(m.group(1))}</i><sub>{m.group(2)}</sub>"
    return f"<i>{html.escape(str(name))}</i>"


def predicted(name: str) -> str:
    """The fitted value of ``name``: a hat over a one-letter name (ŷ, ŷ<sub>1</sub>), else
    the word: a combining hat sits on the last letter only ("carb̂")."""
    text = str(name)
    if text.startswith(("logit P(", "log P(")) or text.endswith(" logit 1"):
        return f"<i>{html.escape(text)}</i>"  # a log-odds or a logit: said as what it is
    m = _INDEXED.match(text)
    letter, index = (m.group(1), m.group(2)) if m else (text, "")
    if len(letter) == 1 and letter.isalpha():
        sub = f"<sub>{index}</sub>" if index else ""
        return f"<i>{html.escape(letter)}</i>&#770;{sub}"
    return f"predicted {var(text)}"


def num(value: float, digits: int = 4) -> str:
    """A number with a real minus sign and a ×10<sup>k</sup> exponent when tiny or huge."""
    value = float(value)
    text = f"{abs(value):.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}×10<sup>{int(exp)}</sup>".replace("-", MINUS)
    return (MINUS if value < 0 else "") + text


def signed_terms(coefs: Sequence[float], names: Sequence[str]) -> str:
    """ " + 2.05·x1 − 0.96·x2 ..." (at most ``MAX_TERMS`` shown)."""
    out = []
    # islice: a wide table's 20,000 terms were paired up for the ten shown.
    for coef, name in islice(zip(coefs, names, strict=False), MAX_TERMS):
        sign = MINUS if coef < 0 else "+"
        out.append(f" {sign} {num(abs(coef))}·{var(name)}")
    out.append(more_terms(min(len(coefs), len(names)) - MAX_TERMS))
    return "".join(out)


def equation_html(W: np.ndarray, b: np.ndarray, names: Sequence[str], target: str) -> str:
    """``ŷ = b_z + Σ w_j x_j`` for the first output, numbers filled in."""
    w = np.ravel(np.atleast_2d(W)[0])
    b0 = float(np.ravel(b)[0])
    return f"{predicted(target)} = {num(b0)}{signed_terms(w, names)}"


def factor(i: int, n: int) -> str:
    """W<sub>i</sub> (the output layer is W<sub>n</sub>)."""
    return f"<i>W</i><sub>{i}</sub>"


def chain_html(chain) -> str:
    """W_z = W_n ⋯ W_1 with each factor's shape, kind and activation, last layer first.

    ``chain`` is ``Collapse.chain`` (``ChainStep`` objects, first layer first).
    """
    n = len(chain)
    factors = " ".join(factor(i, n) for i in range(n, 0, -1))
    shapes = " · ".join(f"({s.shape[0]}×{s.shape[1]})" for s in reversed(chain))
    out_dim, in_dim = chain[-1].shape[0], chain[0].shape[1]
    rows = []
    for i, step in enumerate(chain, start=1):
        kind = {"dense": "dense", "residual": "residual: I + W", "conv1d": "convolution"}.get(
            step.kind, step.kind
        )
        act = step.activation
        colour = "#2ea043" if act == "identity" else "#e5534b"
        rows.append(
            f"<tr><td>{factor(i, n)}</td><td align='right'>{step.shape[0]}×{step.shape[1]}</td>"
            f"<td>{html.escape(step.name)}, {html.escape(kind)}</td>"
            f"<td><span style='color:{colour}'>{html.escape(act)}</span></td></tr>"
        )
    return (
        f"<i>W</i><sub>z</sub> = {factors}<br>"
        f"<span style='color:#888'>shapes {shapes} = ({out_dim}×{in_dim})</span>"
        "<table cellspacing='0' cellpadding='2' style='margin-top:4px'>"
        "<tr><td><span style='color:#888'>factor</span></td>"
        "<td><span style='color:#888'>out×in</span></td>"
        "<td><span style='color:#888'>layer</span></td>"
        "<td><span style='color:#888'>activation</span></td></tr>" + "".join(rows) + "</table>"
    )


@dataclass(frozen=True)
class BiasParts:
    """b_z (first output, data units) = sum of ``layer_parts`` + ``shift``.

    ``layer_parts[i]`` is layer i+1's bias carried through every later layer
    (y_scale · W_n ⋯ W_(i+2) b_(i+1)); ``shift`` undoes the standardisation the network
    trains in (y_mean − y_scale · W x_mean / x_scale).
    """

    layer_parts: tuple[float, ...]
    shift: float
    total: float


def bias_parts(layers, scaling) -> BiasParts:
    """Split the collapsed bias of affine ``layers`` (objects with ``affine()``) into each
    layer's contribution, in the data's units (``scaling`` as in ``Trainer.scaling``)."""
    affines = [layer.affine() for layer in layers]
    parts = []
    for i, (_, c) in enumerate(affines):
        carried = np.asarray(c, dtype=float)
        for A, _ in affines[i + 1 :]:
            carried = A @ carried
        parts.append(float(scaling.y_scale[0] * carried[0]))
    # W_n ⋯ W_1 applied to one vector, never formed: an identity matrix per input
    # (20,000 x 20,000) was the alternative.
    carried = np.asarray(scaling.x_mean / scaling.x_scale, dtype=float)
    for A, _ in affines:
        carried = A @ carried
    shift = float(scaling.y_mean[0] - scaling.y_scale[0] * carried[0])
    return BiasParts(tuple(parts), shift, float(sum(parts) + shift))


def bias_html(parts: BiasParts) -> str:
    """b_z = Σ_i W_n ⋯ W_(i+1) b_i, written out and with each layer's number."""
    n = len(parts.layer_parts)
    terms = []
    for i in range(1, n + 1):
        later = " ".join(factor(j, n) for j in range(n, i, -1))
        terms.append(f"{later} <i>b</i><sub>{i}</sub>".strip())
    formula = " + ".join(terms)
    numbers = " ".join(
        f"{'+' if k else ''} {num(v, 3)}".replace("+ " + MINUS, MINUS + " ")
        for k, v in enumerate(parts.layer_parts)
    )
    shift_sign = MINUS if parts.shift < 0 else "+"
    return (
        f"<i>b</i><sub>z</sub> = {formula}<br>"
        f"<span style='color:#888'>in the data's units: {numbers} "
        f"{shift_sign} {num(abs(parts.shift), 3)} (undoing the standardisation) "
        f"= <b>{num(parts.total)}</b></span>"
    )
