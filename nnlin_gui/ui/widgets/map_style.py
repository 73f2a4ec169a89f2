"""How the two-feature map paints values, shared by everything that shows it: the fit
view's background and points, its colour bar, and the diagram's output thumbnail and
hover map (the output thumbnail is the same picture as the map).

The background is washed out towards white and the points keep the full colour with a
dark outline, as in the Playground: a point of the wrong colour stands out, a point of
the right colour stays visible.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

NEG = (230, 120, 40)  # orange: low values, class 0
MID = (248, 248, 248)
POS = (40, 110, 190)  # blue: high values, class 1
# Classes of a multi-class target: one hue each, the first two those of a binary target
# (a diverging map put a third class in the white middle, invisible on the background).
CLASS_COLOURS = (
    NEG, POS, (40, 150, 80), (150, 80, 170), (200, 160, 30), (210, 90, 140), (20, 150, 160),
    (120, 120, 120),
)  # fmt: skip
WASH = 0.45  # how much colour the background keeps (points: all of it)
BANDS = 6  # a discretised regression output: this many steps between the extremes


def _stops() -> np.ndarray:
    return np.array([NEG, MID, POS], dtype=np.float64)


class MapStyle:
    """One colour map and one range, and whether the output is discretised."""

    def __init__(self) -> None:
        self.levels: tuple[float, float] = (0.0, 1.0)
        self.task = "binary"
        self.discrete = False

    def set_data(self, levels: tuple[float, float], task: str) -> None:
        lo, hi = float(levels[0]), float(levels[1])
        self.levels = (lo, hi if hi > lo else lo + 1.0)
        self.task = task

    # -- values -------------------------------------------------------------------------------

    def shown(self, values: np.ndarray) -> np.ndarray:
        """The values as the map shows them: thresholded at 0.5 for a binary output,
        in ``BANDS`` steps for a regression, when discretised."""
        values = np.asarray(values, dtype=np.float64)
        if not self.discrete or self.task == "multiclass":
            return values
        if self.task == "binary":
            return (values >= 0.5).astype(np.float64)
        lo, hi = self.levels
        t = np.clip((values - lo) / (hi - lo), 0.0, 1.0)
        step = np.minimum(np.floor(t * BANDS), BANDS - 1)
        return lo + (step + 0.5) / BANDS * (hi - lo)

    def fraction(self, values: np.ndarray) -> np.ndarray:
        lo, hi = self.levels
        with np.errstate(invalid="ignore"):
            return np.clip((np.asarray(values, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0)

    def rgb(self, values: np.ndarray, washed: bool = True) -> np.ndarray:
        """uint8 colours (..., 3) of ``values`` (NaN: the middle colour)."""
        a, m, b = _stops()
        if self.task == "multiclass":
            rgb = self._class_rgb(values)
        else:
            t = np.nan_to_num(self.fraction(values), nan=0.5)[..., None]
            low = m + (a - m) * np.clip(1.0 - 2.0 * t, 0.0, 1.0)
            rgb = np.where(t < 0.5, low, m + (b - m) * np.clip(2.0 * t - 1.0, 0.0, 1.0))
        if washed:
            rgb = m + (rgb - m) * WASH
        return np.round(rgb).astype(np.uint8)

    def _class_rgb(self, values: np.ndarray) -> np.ndarray:
        """Class codes 0, 1, 2, ... (rounded) in their hues; NaN in the middle colour."""
        values = np.asarray(values, dtype=np.float64)
        palette = np.array(CLASS_COLOURS + (MID,), dtype=np.float64)
        code = np.rint(np.nan_to_num(values, nan=-1.0))
        index = np.where(code < 0, len(CLASS_COLOURS), code % len(CLASS_COLOURS))
        return palette[index.astype(np.intp)]

    def colours(self, values: np.ndarray) -> list[QColor]:
        """Full-strength colours of points."""
        return [QColor(int(r), int(g), int(b)) for r, g, b in self.rgb(values, washed=False)]

    def lookup_table(self, n: int = 256) -> np.ndarray:
        """The washed colours over the range, for an ImageItem and the colour bar."""
        lo, hi = self.levels
        return self.rgb(np.linspace(lo, hi, n))

    def image(self, values: np.ndarray) -> QImage:
        """A square image of values on an (i along x1, j along x2) grid, x2 up, as the map
        shows it (discretised when the map is)."""
        side = int(round(np.sqrt(len(values))))
        grid = self.shown(np.asarray(values)[: side * side]).reshape(side, side)
        return rgb_image(self.rgb(grid.T[::-1]))


def rgb_image(rgb: np.ndarray) -> QImage:
    """A QImage owning a copy of ``rgb`` (rows, cols, 3) uint8."""
    h, w = rgb.shape[:2]
    rgba = np.concatenate([rgb, np.full((h, w, 1), 255, np.uint8)], axis=2)
    rgba = np.ascontiguousarray(rgba)
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
