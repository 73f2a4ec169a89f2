"""The About text with the versions of everything that matters (no heavy imports)."""

from __future__ import annotations

import platform
from importlib import metadata

from nnlin_gui import __version__


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """Versions of Python, Qt and the numeric stack (read from metadata, not imported)."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return {
        "nnlin_gui": __version__,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": pyside_version,
        "pyqtgraph": _version("pyqtgraph"),
        "numpy": _version("numpy"),
        "pandas": _version("pandas"),
        "statsmodels": _version("statsmodels"),
    }


def about_html() -> str:
    rows = "".join(f"<tr><td>{k}</td><td>&nbsp;{v}</td></tr>" for k, v in versions().items())
    return (
        f"<h3>nnlin {__version__}</h3>"
        "<p>Is deep learning just repeated linear regression? A network whose activations are "
        "all the identity collapses to one linear regression y = W<sub>z</sub>x + b<sub>z</sub>. "
        "This program trains networks live, compares them with OLS and tests the OLS "
        "assumptions.</p>"
        f"<table>{rows}</table>"
    )
