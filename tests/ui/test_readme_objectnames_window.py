"""The README's objectName tables against the real window: every named object under the
main window (after a table is loaded, so the per-column controls exist) is listed, by name
or by a pattern such as ``transform_sq_<col>``. Catches the names that helpers pass along
(``_rich("collapseTableNote")``), which the static check in tests/ cannot see."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject
from test_readme_objectnames import _table_names  # tests/ is on the path (its conftest)

ROOT = Path(__file__).resolve().parents[2]
MTCARS = ROOT / "tests" / "data" / "r" / "mtcars.csv"


def _pattern(listed: str) -> str:
    return ".+".join(re.escape(p) for p in re.split(r"<[^>]*>", listed))


def test_every_named_object_of_the_window_is_in_the_readme(window, qtbot):
    c = window.controller
    c.open_source(str(MTCARS))
    qtbot.waitUntil(
        lambda: c.dataset is not None and c.dataset.source.endswith("mtcars.csv"), timeout=20000
    )
    patterns = [_pattern(n) for n in _table_names()]
    names = {
        o.objectName()
        for o in window.findChildren(QObject)
        # Qt's own (qt_..., _q_..., ScrollLeftButton) start otherwise.
        if o.objectName()[:1].islower() and not o.objectName().startswith("qt_")
    }
    assert len(names) > 150
    missing = sorted(n for n in names if not any(re.fullmatch(p, n) for p in patterns))
    assert not missing, "objectNames not in the README tables: " + ", ".join(missing)
