"""A value axis's label that fits the plot's height: on a low plot (1280x720, presentation
mode) "cross-entropy (log scale)" or "coef × sd(x) / sd(y)" ran past the axis and was cut;
there it gives way to a short form, or to none where even that would be cut. Whoever sets
the label keeps owning its text: a new label set by the plot is taken as the new full one."""

from __future__ import annotations

import re
from collections.abc import Callable

SHORT = {
    "coef × sd(x) / sd(y)": "× sd(x)/sd(y)",
    "log-odds per sd(x)": "log-odds/sd(x)",
    "value (raw units)": "raw units",
}


def short_form(text: str) -> str:
    """The known short forms, else the text without a parenthesis ("MSE (log scale)")."""
    if text in SHORT:
        return SHORT[text]
    return re.sub(r"\s*\([^)]*\)\s*$", "", text) or text


def fit_left_label(item, room: float | None = None, shorten: Callable[[str], str] = short_form):
    """Show the full left label of the PlotItem ``item`` when it fits ``room`` pixels (the
    view's height by default), else its short form."""
    axis = item.getAxis("left")
    current = axis.labelText
    if current != getattr(axis, "_nnlin_short", None):
        axis._nnlin_full = current  # set by its plot since: the new full label
    full = getattr(axis, "_nnlin_full", current)
    if not full:
        return
    if room is None:
        room = item.getViewBox().height()
    short = shorten(full)
    axis._nnlin_short = short if short != full else None
    for choice in (full, short):
        if axis.labelText != choice or not axis.label.isVisible():
            item.setLabel("left", choice)
        if room <= 0 or axis.label.boundingRect().width() <= room + 8:
            return
    # Not even the short form fits: no label (the plot's controls or title name the values).
    axis.showLabel(False)
