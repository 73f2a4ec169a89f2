"""File > Export: plots as PNG or SVG, the coefficient table as CSV, the weights as JSON, the
HTML report and a Python script that reproduces the OLS analysis.

Plots are every ``pyqtgraph.PlotWidget`` in the window with an objectName (loss, fit,
coefficients and any panel's own), plus the network diagram. PNG uses pyqtgraph's
``ImageExporter``; SVG uses pyqtgraph's ``SVGExporter`` and, where that fails (pyqtgraph
0.14 cannot parse the paths Qt 6.11 writes), renders the widget through ``QSvgGenerator``.
The HTML report is built by ``core.report`` on a copy of the trainer in the controller's
background thread. The Python script (``core.files.script``) is written there too, for the
window's data, target, feature columns, transforms, training rows and covariance choice.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPoint, QRect, Signal
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import QFileDialog, QGraphicsView, QMenu, QWidget

from nnlin_gui.core.errors import UserError
from nnlin_gui.workbench.jobs import report_job
from nnlin_gui.workbench.transforms import NO_TRANSFORMS, base_features

log = logging.getLogger(__name__)

REPORT_KIND = "panel:html-report"
SCRIPT_KIND = "panel:python-script"
MAX_VECTOR_SVG = 4 * 1024 * 1024  # larger rendered SVGs are replaced by an embedded PNG


# ------------------------------------------------------------------------- plain functions


def plot_widgets(root: QWidget) -> list[QWidget]:
    """The named, visible plots of ``root``: PlotWidgets and the network diagram."""
    found = [w for w in root.findChildren(pg.PlotWidget) if w.objectName() and w.isVisible()]
    diagram = root.findChild(QWidget, "networkDiagram")
    if diagram is not None and diagram.isVisible():
        found.append(diagram)
    return sorted(found, key=lambda w: w.objectName())


def _svg_by_rendering(widget: QWidget, path: str) -> None:
    from PySide6.QtSvg import QSvgGenerator

    gen = QSvgGenerator()
    gen.setFileName(path)
    gen.setSize(widget.size())
    gen.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    gen.setTitle(widget.objectName())
    painter = QPainter(gen)
    try:
        if isinstance(widget, QGraphicsView):
            widget.render(painter)
        else:
            widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()


def _svg_with_image(widget: QWidget, path: str) -> None:
    """An SVG holding the widget's picture as an embedded PNG (compact for images)."""
    import base64

    from PySide6.QtCore import QBuffer, QIODevice

    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buf, "PNG")
    data = base64.b64encode(bytes(buf.data())).decode("ascii")
    w, h = widget.width(), widget.height()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' "
            f"viewBox='0 0 {w} {h}'><title>{widget.objectName()}</title>"
            f"<image width='{w}' height='{h}' href='data:image/png;base64,{data}'/></svg>\n"
        )


def export_widget(widget: QWidget, path: str) -> None:
    """Save one plot as PNG or SVG (by the suffix of ``path``).

    Raises
    ------
    UserError
        The file cannot be written.
    """
    svg = path.lower().endswith(".svg")
    hold = getattr(widget.window(), "paint_hold", None)
    if hold is not None:
        hold.release_now()  # a part still held after a change is grabbed black
    try:
        if isinstance(widget, pg.PlotWidget):
            import pyqtgraph.exporters as exporters

            item = widget.getPlotItem()
            if svg:
                try:
                    exporters.SVGExporter(item).export(path)
                except (ValueError, IndexError, TypeError) as exc:
                    log.info("pyqtgraph SVG export failed (%s); rendering instead", exc)
                    _svg_by_rendering(widget, path)
                    if os.path.getsize(path) > MAX_VECTOR_SVG:
                        _svg_with_image(widget, path)  # a heatmap drawn as rectangles
            else:
                exp = exporters.ImageExporter(item)
                # Twice the screen size: sharp enough for slides and printouts.
                exp.parameters()["width"] = max(2 * widget.width(), 800)
                exp.export(path)
        elif svg:
            _svg_by_rendering(widget, path)
        elif not widget.grab().save(path):
            raise OSError("the image could not be written")
    except OSError as exc:
        raise UserError(f"{os.path.basename(path)}: cannot export ({exc})") from None
    if not os.path.exists(path):
        raise UserError(f"{os.path.basename(path)}: cannot export the plot")


def export_plots(root: QWidget, base: str, fmt: str) -> list[str]:
    """Save every plot of ``root`` as ``{base}-{objectName}.{fmt}``; returns the paths."""
    paths = []
    for widget in plot_widgets(root):
        path = f"{base}-{widget.objectName()}.{fmt}"
        export_widget(widget, path)
        paths.append(path)
    return paths


def coefficient_rows(controller) -> list[list]:
    """Rows of the coefficient table: name, network (W_z, b_z), baseline, difference."""
    res, ds = controller.results, controller.dataset
    if res is None or ds is None or res.W is None:
        raise UserError("No coefficients yet: load data and build a network first.")
    W, b = np.atleast_2d(res.W), np.ravel(res.b)
    base = res.baseline
    kind = getattr(base, "kind", "")
    bW = None if base is None else np.atleast_2d(base.W)
    bb = None if base is None else np.ravel(base.b)
    if bW is not None and bW.shape != W.shape:
        bW = bb = None
    multi = W.shape[0] > 1
    rows = []
    for o in range(W.shape[0]):
        prefix = f"out{o + 1}:" if multi else ""
        names = list(ds.feature_names) + ["intercept"]
        net = list(W[o]) + [b[o]]
        ref = [None] * len(net) if bW is None else list(bW[o]) + [bb[o]]
        for name, v, r in zip(names, net, ref, strict=True):
            diff = None if r is None else float(v) - float(r)
            rows.append([prefix + name, float(v), r if r is None else float(r), diff])
    header = [
        "coefficient",
        "network" if res.collapse.collapsible else "network (best affine approximation)",
        kind or "baseline",
        "difference",
    ]
    return [header] + rows


def write_coefficients_csv(controller, path: str) -> None:
    """The coefficient (collapse) table as CSV, numbers at full precision."""
    rows = coefficient_rows(controller)
    try:
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            for row in rows:
                writer.writerow(["" if v is None else (repr(v) if isinstance(v, float) else v)
                                 for v in row])  # fmt: skip
    except OSError as exc:
        raise UserError(f"{os.path.basename(path)}: cannot write ({exc.strerror})") from None


def weights_document(controller) -> dict:
    """The trained network as plain JSON: spec, per-layer weights, scaling, collapse."""
    trainer, ds = controller.trainer, controller.dataset
    if trainer is None or ds is None:
        raise UserError("No network yet: load data first.")
    net = trainer.network
    layers = []
    for layer in getattr(net, "layers", []):
        parts = getattr(layer, "inner", None) or [layer]
        for part in parts:
            entry = {"name": getattr(part, "name", ""), "activation": part.activation}
            if hasattr(part, "W"):
                entry["W"] = np.asarray(part.W).tolist()
                entry["b"] = np.asarray(part.b).tolist()
            layers.append(entry)
    sc = trainer.scaling
    col = trainer.collapse()
    return {
        "format": "nnlin-weights",
        "version": 1,
        "network": trainer.spec.to_dict(),
        "feature_names": list(ds.feature_names),
        "target": ds.target_name,
        "epoch": int(trainer.epoch),
        "seed": int(trainer.config.seed),
        "units": "the layers work on standardised inputs/outputs (see scaling)",
        "scaling": {
            k: np.asarray(getattr(sc, k)).tolist()
            for k in ("x_mean", "x_scale", "y_mean", "y_scale")
        },  # fmt: skip
        "layers": layers,
        "theta": np.asarray(net.theta).tolist(),
        "collapsed": None
        if not col.collapsible
        else {"W": np.asarray(col.W).tolist(), "b": np.asarray(col.b).tolist()},
    }


def write_weights_json(controller, path: str) -> None:
    doc = weights_document(controller)
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1, allow_nan=False)
            fh.write("\n")
    except (OSError, ValueError) as exc:
        raise UserError(f"{os.path.basename(path)}: cannot write ({exc})") from None


def script_choices(window) -> dict:
    """What the window shows, as ``core.files.script.export_script`` keywords: the table,
    target, feature columns (one-hot names mapped back to their column), transforms,
    the training rows' split and the collapse table's covariance choice."""
    c = window.controller
    table, ds = c.table, c.dataset
    if table is None or ds is None:
        raise UserError("No data yet: load a table first.")
    columns = [str(col) for col in table.frame.columns]
    transforms = getattr(c.wb, "transforms", NO_TRANSFORMS)
    features: list[str] = []
    for name in base_features(ds, transforms):  # without the transforms' columns
        col = name if name in columns else name.split("[", 1)[0]  # col[level] -> col
        if col not in columns:
            raise UserError(f"The script cannot rebuild the feature {name!r} yet.")
        if col not in features:
            features.append(col)
    box = window.findChild(QWidget, "covarianceBox")
    cov_type = str(getattr(box, "cov_type", "nonrobust")) if box is not None else "nonrobust"
    hac_lags = getattr(box, "hac_lags", None) if cov_type == "HAC" else None
    return {
        "table": table,
        "target": ds.target_name,
        "features": features,
        "squares": tuple(getattr(transforms, "squares", ())),
        "products": tuple(getattr(transforms, "products", ())),
        "sines": tuple(getattr(transforms, "sines", ())),
        "test_fraction": float(c.config.test_fraction),
        "seed": int(c.config.seed),
        "cov_type": cov_type,
        "hac_lags": hac_lags,
        "written_by": "nnlin-gui File > Export > Python script",
    }


def script_job(choices: dict, path: str, progress, cancel) -> str:
    """Write the script (and a built-in table's rows beside it); returns ``path``."""
    from nnlin_gui.core.files.script import export_script

    options = dict(choices)
    table, target = options.pop("table"), options.pop("target")
    export_script(table, path, target, **options)
    return path


# ------------------------------------------------------------------------------- actions


class ExportActions(QObject):
    """The File > Export menu of a ``MainWindow``.

    Signals
    -------
    exported(str) : a file (or the first of several) was written
    """

    exported = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.settings = window.settings
        self._report_token = -1
        self._script_token = -1
        self.menu = QMenu("&Export", window, objectName="exportMenu")
        entries = (
            ("Plots as PNG…", partial(self._plots_dialog, "png"), "exportPngAction"),
            ("Plots as SVG…", partial(self._plots_dialog, "svg"), "exportSvgAction"),
            ("Coefficient table as CSV…", self._csv_dialog, "exportCsvAction"),
            ("Weights as JSON…", self._json_dialog, "exportJsonAction"),
            ("HTML report…", self._report_dialog, "exportReportAction"),
            ("Python script…", self._script_dialog, "exportScriptAction"),
        )
        self.actions: dict[str, QAction] = {}
        for text, slot, name in entries:
            act = self.menu.addAction(text)
            act.setObjectName(name)
            act.triggered.connect(slot)
            self.actions[name] = act
        self.controller.background_done.connect(self._on_done)
        self.controller.background_failed.connect(self._on_failed)

    # -- dialogs ---------------------------------------------------------------------------------

    def _ask(self, title: str, suggested: str, filt: str) -> str:
        from nnlin_gui.ui.session_actions import last_folder, remember_folder

        start = os.path.join(last_folder(self.settings), suggested)
        path, _ = QFileDialog.getSaveFileName(self.window, title, start, filt)
        if path:
            remember_folder(self.settings, path)
        return path

    def _stem(self) -> str:
        ds = self.controller.dataset
        return "nnlin" if ds is None else f"nnlin-{ds.target_name}".replace(" ", "_")

    def _plots_dialog(self, fmt: str) -> None:
        path = self._ask(f"Export plots as {fmt.upper()}", self._stem(), f"{fmt.upper()} (*.{fmt})")
        if path:
            self.plots(os.path.splitext(path)[0], fmt)

    def _csv_dialog(self) -> None:
        path = self._ask("Export coefficients", f"{self._stem()}-coefficients.csv", "CSV (*.csv)")
        if path:
            self.coefficients(path)

    def _json_dialog(self) -> None:
        path = self._ask("Export weights", f"{self._stem()}-weights.json", "JSON (*.json)")
        if path:
            self.weights(path)

    def _report_dialog(self) -> None:
        path = self._ask("Export HTML report", f"{self._stem()}-report.html", "HTML (*.html)")
        if path:
            self.report(path)

    def _script_dialog(self) -> None:
        path = self._ask("Export Python script", f"{self._stem()}-analysis.py", "Python (*.py)")
        if path:
            self.script(path)

    # -- the exports (also called directly by tests and scripts) ----------------------------------

    def _run(self, fn, *args) -> bool:
        try:
            fn(*args)
        except UserError as exc:
            self.window.show_error(str(exc))
            return False
        return True

    def plots(self, base: str, fmt: str) -> list[str]:
        """Every plot as ``{base}-{name}.{fmt}``."""
        self.window.refresh_views(force=True)
        try:
            paths = export_plots(self.window, base, fmt)
        except UserError as exc:
            self.window.show_error(str(exc))
            return []
        self.window.show_message(f"Exported {len(paths)} plots as {fmt.upper()}.")
        if paths:
            self.exported.emit(paths[0])
        return paths

    def coefficients(self, path: str) -> bool:
        ok = self._run(write_coefficients_csv, self.controller, path)
        if ok:
            self.window.show_message(f"Coefficients saved to {os.path.basename(path)}.")
            self.exported.emit(path)
        return ok

    def weights(self, path: str) -> bool:
        if self.controller.is_training:
            self.window.show_error("Pause training before exporting the weights.")
            return False
        ok = self._run(write_weights_json, self.controller, path)
        if ok:
            self.window.show_message(f"Weights saved to {os.path.basename(path)}.")
            self.exported.emit(path)
        return ok

    def report(self, path: str) -> bool:
        """Build and write the HTML report in the background (``exported`` says when)."""
        c = self.controller
        if c.trainer is None or c.dataset is None:
            self.window.show_error("No network yet: load data first.")
            return False
        if c.is_training:
            self.window.show_error("Pause training before exporting the report.")
            return False
        source = c.table.source if c.table is not None else c.dataset.source
        trainer = c.trainer.copy()  # the report is built from this copy, off the GUI thread
        job = partial(report_job, c.dataset, trainer, c.last_result, bool(c.solved), source, path)
        self._report_token = c.run_background(REPORT_KIND, job)
        self.window.show_message("Writing the report…")
        return True

    def script(self, path: str) -> bool:
        """Write the Python script in the background (``exported`` says when)."""
        try:
            choices = script_choices(self.window)
        except UserError as exc:
            self.window.show_error(str(exc))
            return False
        job = partial(script_job, choices, path)
        self._script_token = self.controller.run_background(SCRIPT_KIND, job)
        self.window.show_message("Writing the Python script…")
        return True

    def _on_done(self, token: int, kind: str, path: object) -> None:
        if kind == REPORT_KIND and token == self._report_token:
            self.window.show_message(f"Report saved to {os.path.basename(str(path))}.")
            self.exported.emit(str(path))
        elif kind == SCRIPT_KIND and token == self._script_token:
            name = os.path.basename(str(path))
            self.window.show_message(f"Python script saved to {name}; run it with python.")
            self.exported.emit(str(path))

    def _on_failed(self, token: int, kind: str, message: str) -> None:
        if (kind, token) in ((REPORT_KIND, self._report_token), (SCRIPT_KIND, self._script_token)):
            self.window.show_error(message)
