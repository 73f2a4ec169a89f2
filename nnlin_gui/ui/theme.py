"""Light and dark themes (following the system by default) and a presentation mode.

The theme sets the application palette (Fusion style) and pyqtgraph's colours: global
options for plots made later and, for the plots that exist, their background, axes and the
dark grey lines (the OLS reference) that would vanish on a dark background. Presentation
mode is for projectors: a larger application font, larger axis text and thicker lines.

Preferences live in QSettings: ``theme`` ('system', 'light' or 'dark') and
``presentationMode`` (bool).
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from nnlin_gui.ui import font_roles

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark")
FONT_SCALE = 1.3  # presentation mode: application font
PEN_SCALE = 2.0  # presentation mode: line widths
PLOT_COLOURS = {
    "light": {"background": QColor(255, 255, 255), "foreground": QColor(40, 40, 40)},
    "dark": {"background": QColor(30, 31, 34), "foreground": QColor(215, 215, 215)},
}
# Lines drawn in near-black in the light theme become light grey in the dark one.
_DARK_LINE, _LIGHT_LINE = QColor(60, 60, 60), QColor(200, 200, 200)


def _loaded_pyqtgraph():
    """pyqtgraph if something imported it, else None: no plot exists before that, and the
    main window applies the palette before its first paint without the 0.5 s import."""
    return sys.modules.get("pyqtgraph")


def system_scheme() -> str:
    """'dark' when the desktop asks for a dark colour scheme, else 'light'."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None and scheme() == Qt.ColorScheme.Dark:
        return "dark"
    return "light"


def dark_palette() -> QPalette:
    """A calm dark palette (Fusion colours)."""
    p = QPalette()
    # Fields a little lighter than the window: Fusion outlines a check box or a field with
    # the window colour darkened, which vanished on a darker base.
    base, window, text = QColor(52, 54, 58), QColor(40, 42, 45), QColor(220, 220, 220)
    role = QPalette.ColorRole
    for r, c in (
        (role.Window, window),
        (role.WindowText, text),
        (role.Base, base),
        (role.AlternateBase, QColor(46, 48, 52)),
        (role.ToolTipBase, window),
        (role.ToolTipText, text),
        (role.Text, text),
        (role.Button, window),
        (role.ButtonText, text),
        (role.BrightText, QColor(255, 90, 90)),
        (role.Link, QColor(110, 170, 255)),
        (role.Highlight, QColor(60, 110, 190)),
        (role.HighlightedText, QColor(255, 255, 255)),
        (role.PlaceholderText, QColor(140, 140, 140)),
        (role.Mid, QColor(150, 150, 150)),
    ):
        p.setColor(r, c)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(120, 120, 120))
    return p


class ThemeManager(QObject):
    """Applies the theme and presentation mode to the application and ``root``'s plots.

    Signals
    -------
    changed(str scheme, bool presentation) : after every apply
    """

    changed = Signal(str, bool)

    def __init__(self, root: QWidget, settings, controller=None) -> None:
        super().__init__(root)
        self.root = root
        self.settings = settings
        theme = str(settings.value("theme", "system"))
        self.theme = theme if theme in THEMES else "system"
        self.presentation = _as_bool(settings.value("presentationMode", False))
        self._base_font, self._base_palette, self._base_style = _found_look()
        self.scheme = ""
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_system_scheme)
        if controller is not None:
            # Curves made later (a new network, a new baseline) get the current look too.
            controller.model_reset.connect(self.style_plots)
            controller.results_changed.connect(self.style_plots)
            controller.state_changed.connect(self._on_state)
        self._controller = controller

    # -- preferences -----------------------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        """'system', 'light' or 'dark'; stored and applied."""
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}")
        self.theme = theme
        self.settings.setValue("theme", theme)
        self.apply()

    def set_presentation(self, on: bool) -> None:
        """Larger fonts and thicker lines for a projector; stored and applied."""
        self.presentation = bool(on)
        self.settings.setValue("presentationMode", self.presentation)
        self.apply()

    def effective_scheme(self) -> str:
        return system_scheme() if self.theme == "system" else self.theme

    def _on_system_scheme(self, *_args) -> None:
        if self.theme == "system":
            self.apply()

    # -- applying ----------------------------------------------------------------------------------

    def apply(self) -> None:
        """Palette, fonts and plots as the preferences say."""
        app = QApplication.instance()
        scheme = self.effective_scheme()
        repaint = bool(self.scheme) and scheme != self.scheme
        if scheme != self.scheme:
            if scheme == "dark":
                app.setStyle(QStyleFactory.create("Fusion"))
                app.setPalette(dark_palette())
            else:
                if self.scheme == "dark":  # back from dark: the style and palette we found
                    app.setStyle(QStyleFactory.create(self._base_style) or app.style())
                app.setPalette(self._base_palette)
            self.scheme = scheme
        font = QFont(self._base_font)
        if self.presentation:
            size = self._base_font.pointSizeF()
            font.setPointSizeF((size if size > 0 else 10.0) * FONT_SCALE)
        app.setFont(font)
        font_roles.apply_all(self.root)
        if repaint:
            repolish(self.root)
        colours = PLOT_COLOURS[scheme]
        pg = _loaded_pyqtgraph()
        if pg is not None:  # else the window applies again once its plots exist
            pg.setConfigOptions(background=colours["background"], foreground=colours["foreground"])
        self.style_plots()
        self.changed.emit(scheme, self.presentation)

    def _on_state(self, state: str) -> None:
        if state == "idle":
            self.style_plots()

    def style_plots(self, *_args) -> None:
        """Colours, axis text and line widths of every plot under ``root``.

        It runs after every result (new curves, a new legend), so only what is new or was
        styled under other preferences is touched: restyling every axis and curve each
        time cost 40-77 ms a call on the GUI thread (a curve's ``setPen`` re-sends its
        data), several times per load.
        """
        if self._controller is not None and self._controller.is_training:
            return  # live curves are drawn thin on purpose; restyled when the run stops
        pg = _loaded_pyqtgraph()
        if pg is None:
            return
        from nnlin_gui.ui.widgets.plot_style import fit_legend

        scheme = self.scheme or self.effective_scheme()
        colours = PLOT_COLOURS[scheme]
        fg = colours["foreground"]
        tick_font = QFont(QApplication.instance().font())
        tick_font.setPointSizeF(tick_font.pointSizeF() * (0.9 if self.presentation else 0.85))
        key = (scheme, self.presentation, tick_font.toString())
        for widget in self.root.findChildren(pg.PlotWidget):
            if _stale(widget, key):
                widget.setBackground(colours["background"])
            item = widget.getPlotItem()
            for name in ("left", "bottom", "right", "top"):
                axis = item.getAxis(name)
                if _stale(axis, key):
                    axis.setPen(pg.mkPen(fg))
                    axis.setTextPen(pg.mkPen(fg))
                    axis.setStyle(tickFont=tick_font)
                    axis.label.setDefaultTextColor(fg)
                    axis.label.setFont(tick_font)
            own_legend = getattr(item, "legend", None)
            for extra in widget.scene().items():  # a colour bar's axis, a side legend
                if isinstance(extra, pg.AxisItem) and extra.parentItem() is not item:
                    if _stale(extra, key):
                        extra.setPen(pg.mkPen(fg))
                        extra.setTextPen(pg.mkPen(fg))
                elif isinstance(extra, pg.LegendItem) and extra is not own_legend:
                    self._style_legend(extra, colours, key)
            label = item.titleLabel
            if _stale(label, key) or label.text != getattr(label, "_nnlin_shown", None):
                self._style_title(item, fg)
            legend = getattr(item, "legend", None)
            if legend is not None:
                self._style_legend(legend, colours, key)
                fit_legend(item)
            for curve in item.listDataItems():
                self._style_curve(curve, scheme)
            for text in item.getViewBox().addedItems:
                if isinstance(text, pg.TextItem) and _stale(text, key):
                    self._style_text(text, fg)

    def _style_title(self, item, fg: QColor) -> None:
        """The title's colour, its sizes scaled in presentation mode, fitted to the plot."""
        from nnlin_gui.ui.widgets.plot_style import fit_title

        fit_title(item, self._scale, fg)

    @property
    def _scale(self) -> float:
        return FONT_SCALE if self.presentation else 1.0

    def _style_legend(self, legend, colours: dict, key: tuple = ()) -> None:
        import pyqtgraph as pg  # loaded: only style_plots gets here

        fg, bg = colours["foreground"], QColor(colours["background"])
        fresh = not key or _stale(legend, key)
        if fresh:
            bg.setAlpha(200)
            legend.setLabelTextColor(fg)
            legend.setBrush(pg.mkBrush(bg))
            legend.setPen(pg.mkPen(fg.darker(150) if fg.lightness() > 128 else fg.lighter(250)))
        base = getattr(legend, "_nnlin_base_size", None)
        if base is None:
            base = legend._nnlin_base_size = str(legend.opts.get("labelTextSize", "9pt"))
        size = font_roles.scale_points(f"font-size:{base}", self._scale).split(":", 1)[1]
        for _sample, label in getattr(legend, "items", []):
            if fresh or _stale(label, key):  # entries added since the last styling
                label.setText(label.text, color=fg, size=size)
        legend.opts["labelTextSize"] = size  # entries added later get it too

    @staticmethod
    def _style_text(text, fg: QColor) -> None:
        """A grey note in a plot ("No collapse while the network is nonlinear") in the
        theme's muted text colour: its dark grey vanished on the dark background."""
        base = getattr(text, "_nnlin_base_colour", None)
        if base is None:
            base = text._nnlin_base_colour = QColor(text.color)
        if base.hsvSaturation() < 40:  # greys follow the theme; coloured notes keep theirs
            muted = QColor(fg)
            muted.setAlphaF(0.75)
            text.setColor(muted)

    def _style_curve(self, curve, scheme: str) -> None:
        import pyqtgraph as pg  # loaded: only style_plots gets here

        if not isinstance(curve, pg.PlotDataItem):
            return  # bars, images, scatter: their owners draw them
        opts = curve.opts
        if "pen" not in opts or opts["pen"] is None:
            return
        current = pg.mkPen(opts["pen"])
        if current.style() == Qt.PenStyle.NoPen:
            return
        base = getattr(curve, "_nnlin_base_pen", None)
        if base is None or current.color() not in (base.color(), _LIGHT_LINE):
            base = pg.mkPen(current)  # first seen (or its owner re-coloured it)
            if getattr(curve, "_nnlin_scaled", False):
                base.setWidthF(current.widthF() / PEN_SCALE)
            curve._nnlin_base_pen = base
        pen = pg.mkPen(base)
        if scheme == "dark" and base.color() == _DARK_LINE:
            pen.setColor(_LIGHT_LINE)
        width = base.widthF() or 1.0
        pen.setWidthF(width * PEN_SCALE if self.presentation else base.widthF())
        curve._nnlin_scaled = self.presentation
        if pen != current:  # an unchanged pen: setPen would only re-send the data
            curve.setPen(pen)


_FOUND_LOOK: tuple[QFont, QPalette, str] | None = None


def _found_look() -> tuple[QFont, QPalette, str]:
    """The font, palette and style the application had before any theme was applied.

    Taken once per process: a second window (a restart in the tests, a session opened in a
    new window) would otherwise take a dark palette left by the first for the system's own.
    """
    global _FOUND_LOOK
    if _FOUND_LOOK is None:
        app = QApplication.instance()
        _FOUND_LOOK = (QFont(app.font()), QPalette(app.palette()), app.style().name())
    font, palette, style = _FOUND_LOOK
    return QFont(font), QPalette(palette), style


def _stale(obj, key: tuple) -> bool:
    """True (and ``obj`` marked with ``key``) unless ``obj`` was styled with ``key``."""
    if getattr(obj, "_nnlin_style_key", None) == key:
        return False
    obj._nnlin_style_key = key
    return True


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def repolish(root: QWidget) -> None:
    """Re-resolve every style sheet under ``root``: a sheet's ``palette(...)`` colours are
    taken once, so after a theme switch cards kept the old background (black cards with
    near-black text) until their sheets are set again."""
    for widget in [root, *root.findChildren(QWidget)]:
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)
