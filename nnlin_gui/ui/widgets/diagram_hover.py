"""Hovering a unit of the network diagram shows its map large (``UnitPopup``)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF

from nnlin_gui.ui.widgets import neuron_thumbnails as thumbs
from nnlin_gui.ui.widgets.unit_popup import UnitPopup, curve_image, output_image, unit_values


def _range(values) -> str:
    return f"from {float(values.min()):.3g} (orange) to {float(values.max()):.3g} (blue)"


class UnitHover:
    """Mixed into ``NetworkDiagram`` (``_columns``, ``_gap``, ``controller``, ``map_style``)."""

    _popup: UnitPopup | None = None

    def unit_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(column, unit) of the unit drawn under ``pos``, or None."""
        for c, col in enumerate(self._columns):
            half = max(10.0, min(26.0, self._gap(col) - 4) / 2) + 2
            for u, pt in col.units:
                if u is not None and abs(pos.x() - pt.x()) <= half:
                    if abs(pos.y() - pt.y()) <= half:
                        return c, u
        return None

    def hover_unit(self, pos: QPointF, global_pos: QPoint) -> bool:
        """Show the hovered unit's map; False (popup hidden) when no unit is there."""
        key = self.unit_at(pos)
        if key is None:
            self.hide_unit_map()
            return False
        popup = self._popup
        if popup is not None and popup.isVisible() and popup.key == key:
            popup.move(global_pos + QPoint(16, 16))
            return True
        shown = self._unit_picture(*key)
        if shown is None:
            self.hide_unit_map()
            return False
        if popup is None:
            popup = self._popup = UnitPopup(self)
        popup.key = key
        popup.show_image(*shown, global_pos)
        return True

    def hide_unit_map(self) -> None:
        if self._popup is not None:
            self._popup.hide()
            self._popup.key = None

    def _unit_picture(self, c: int, u: int):
        """(image, title, caption) of unit ``u`` of column ``c``, or None."""
        ctrl = self.controller
        ds = ctrl.dataset
        mode = ctrl.fit_mode  # 'heatmap': two input columns, 'curve': one (transforms aside)
        if ds is None or mode not in ("heatmap", "curve"):
            return None
        col = self._columns[c]
        names = ds.feature_names
        if col.kind == "input":
            title = f"input {names[u] if u < len(names) else u + 1}"
        else:
            title = f"{col.title}, unit {u + 1}" if col.n > 1 else col.title
        if col.kind == "output" and col.n == 1 and mode == "heatmap":
            image = output_image(ctrl, self.map_style, coarse=False)
            if image is not None:
                lo, hi = self.map_style.levels
                return image, title, f"The fit view's map: {lo:.3g} (orange) to {hi:.3g} (blue)"
        values = unit_values(ctrl, c, u)
        if values is None:
            return None
        axes = f"{names[0]} across, {names[1]} up; " if mode == "heatmap" else ""
        caption = f"{axes}{_range(values)}"
        if mode == "heatmap":
            return thumbs.heat_image(values), title, caption
        return curve_image(values), title, f"{names[0]} across; {_range(values)}"
