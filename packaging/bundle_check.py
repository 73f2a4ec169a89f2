"""Checks that a frozen bundle carries what the app needs at runtime; prints JSON.

Run as ``nnlin-gui --bundle-check`` (the frozen launcher dispatches here) or from source
with ``python packaging/bundle_check.py``. Exit 0 when every check passes, 1 otherwise.
Each check is independent of the GUI code, so it tells packaging faults (a missing data
file, Qt plugin or hidden import) apart from app bugs. Needs no network and no display
(set ``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

# NIST StRD Longley, certified intercept and GNPDEFL..YEAR coefficients.
LONGLEY_CERTIFIED = (
    -3482258.63459582,
    15.0618722713733,
    -0.358191792925910e-01,
    -2.02022980381683,
    -1.03322686717359,
    -0.511041056535807e-01,
    1829.15146461355,
)


def check_resources() -> dict[str, Any]:
    """Count the bundled resource files (lessons, datasets, icons)."""
    from importlib.resources import files

    root = files("nnlin_gui.resources")
    counts: dict[str, int] = {}
    for sub in ("lessons", "datasets", "icons/app"):
        folder = root
        for part in sub.split("/"):  # one part at a time: namespace packages need it
            folder = folder / part
        counts[sub] = sum(1 for p in folder.iterdir() if p.is_file()) if folder.is_dir() else -1
    icon = (root / "icons" / "app" / "nnlin-gui.svg").read_bytes()
    if counts["icons/app"] < 1 or not icon.startswith(b"<?xml"):
        raise RuntimeError(f"app icons missing: {counts}")
    return {"files": counts}


def check_statsmodels_data() -> dict[str, Any]:
    """Load the statsmodels datasets offline and fit Longley against NIST."""
    import numpy as np
    from statsmodels.datasets import longley, stackloss

    data = longley.load_pandas().data
    stack = stackloss.load_pandas().data
    y = data["TOTEMP"].to_numpy(float)
    x = data.drop(columns="TOTEMP").to_numpy(float)
    # QR on a column-scaled design: enough digits on Longley (condition ~1e9 unscaled).
    design = np.column_stack([np.ones(len(y)), x])
    scale = np.abs(design).max(axis=0)
    q, r = np.linalg.qr(design / scale)
    beta = np.linalg.solve(r, q.T @ y) / scale
    rel = np.abs(beta - LONGLEY_CERTIFIED) / np.abs(LONGLEY_CERTIFIED)
    if stack.shape != (21, 4) or data.shape != (16, 7) or rel.max() > 1e-7:
        raise RuntimeError(f"unexpected data: {data.shape} {stack.shape} rel err {rel.max()}")
    return {"longley": list(data.shape), "stackloss": list(stack.shape), "max_rel_err": rel.max()}


def check_statsmodels_api() -> dict[str, Any]:
    """Import statsmodels.api and run one OLS assumption test."""
    import numpy as np
    import statsmodels.api as sm
    from statsmodels.stats.diagnostic import het_breuschpagan

    rng = np.random.default_rng(0)
    x = sm.add_constant(rng.normal(size=(200, 2)))
    y = x @ [1.0, 2.0, -1.0] + rng.normal(size=200)
    fit = sm.OLS(y, x).fit()
    lm_pvalue = het_breuschpagan(fit.resid, x)[1]
    return {"r2": round(float(fit.rsquared), 6), "bp_pvalue": round(float(lm_pvalue), 6)}


def check_qt() -> dict[str, Any]:
    """Start Qt, render the SVG icon, draw a pyqtgraph plot into an image."""
    from importlib.resources import files

    import pyqtgraph as pg
    from PySide6 import QtOpenGLWidgets  # noqa: F401 - pyqtgraph needs it in some views
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QGuiApplication, QImage, QImageReader, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    svg = (files("nnlin_gui.resources") / "icons" / "app" / "nnlin-gui.svg").read_bytes()
    renderer = QSvgRenderer(QByteArray(svg))
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    formats = sorted(bytes(f.data()).decode() for f in QImageReader.supportedImageFormats())
    plot = pg.PlotWidget()
    plot.plot([0, 1, 2], [0, 1, 4])
    plot.resize(200, 150)
    shot = plot.grab()
    painted = image.pixelColor(32, 32).alpha() > 0
    if not renderer.isValid() or not painted or "svg" not in formats or shot.isNull():
        raise RuntimeError(f"Qt check failed: svg={renderer.isValid()} painted={painted}")
    return {
        "platform": QGuiApplication.platformName(),
        "image_formats": formats,
        "pyqtgraph": pg.__version__,
        "app": type(app).__name__,
    }


def check_lessons() -> dict[str, Any]:
    """Load the bundled lessons with the app's own loader."""
    from nnlin_gui.core.files.lessons import load_lessons

    lessons = load_lessons()
    if not lessons:
        raise RuntimeError("no bundled lessons")
    return {
        "count": len(lessons),
        "files": [str(lesson.path).rsplit("/", 1)[-1] for lesson in lessons],
    }


# Must be missing from the bundle (test tools, unused toolkits) or present (pyqtgraph
# imports QtOpenGL and QtOpenGLWidgets).
MUST_BE_ABSENT = ("pytest", "_pytest", "hypothesis", "pytestqt", "tkinter", "matplotlib", "PyQt5")
MUST_BE_PRESENT = ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSvg")


def check_contents() -> dict[str, Any]:
    """Test tools and unused toolkits stay out; modules pyqtgraph needs stay in."""
    import importlib
    import importlib.util

    if not getattr(sys, "frozen", False):
        return {"skipped": "only meaningful in the frozen bundle"}
    present = [name for name in MUST_BE_ABSENT if importlib.util.find_spec(name) is not None]
    missing = []
    for name in MUST_BE_PRESENT:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if present or missing:
        raise RuntimeError(f"should be absent: {present}; should be present: {missing}")
    return {"absent": list(MUST_BE_ABSENT), "present": list(MUST_BE_PRESENT)}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "resources": check_resources,
    "lessons": check_lessons,
    "contents": check_contents,
    "statsmodels_data": check_statsmodels_data,
    "statsmodels_api": check_statsmodels_api,
    "qt": check_qt,
}


def main() -> int:
    """Run every check; print one JSON object; return 0 if all passed."""
    report: dict[str, Any] = {"frozen": bool(getattr(sys, "frozen", False)), "checks": {}}
    ok = True
    for name, check in CHECKS.items():
        t0 = time.perf_counter()
        try:
            result = {"ok": True, **check()}
        except Exception as exc:  # report every failure, not just the first
            ok = False
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        result["seconds"] = round(time.perf_counter() - t0, 3)
        report["checks"][name] = result
    report["ok"] = ok
    print(json.dumps(report, indent=1, default=float))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
