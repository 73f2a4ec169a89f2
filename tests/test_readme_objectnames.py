"""Every objectName the window's code sets is listed in the README's "Widgets by
objectName" tables (the names a test, a lesson's hidden or locked controls and a lab
configuration use). Static: the literal names of ``objectName=`` and ``setObjectName(``
in ``nnlin_gui/ui``; an f-string name such as ``f"card_{assumption}"`` must match a listed
name or pattern (``card_<assumption>``)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r'(?:objectName\s*=\s*|setObjectName\(\s*)(f?)"([^"]+)"')


def _table_names() -> set[str]:
    """Backticked names in the README's objectName tables (``<x>`` placeholders kept)."""
    rows, inside = [], False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| area | objectNames |"):
            inside = True
        elif not line.startswith("|"):
            inside = False
        elif inside:
            rows.append(line)
    return {name for row in rows for name in re.findall(r"`([A-Za-z_<>][^`]*)`", row)}


def _code_names() -> dict[str, str]:
    """name (f-strings as a regex) -> the file that sets it."""
    out = {}
    for path in sorted((ROOT / "nnlin_gui" / "ui").rglob("*.py")):
        for f, name in NAME.findall(path.read_text(encoding="utf-8")):
            if f:
                parts = re.split(r"\{[^}]*\}", name)
                name = ".+".join(re.escape(p) for p in parts)
            else:
                name = re.escape(name)
            out[name] = str(path.relative_to(ROOT))
    return out


def test_every_object_name_is_in_the_readme_tables():
    listed = {re.sub(r"<[^>]*>", "XX", n) for n in _table_names()}
    missing = [
        f"{pattern.replace(chr(92), '')} ({path})"
        for pattern, path in _code_names().items()
        if not any(re.fullmatch(pattern, name) for name in listed)
    ]
    assert not missing, "objectNames not in the README tables: " + ", ".join(missing)


def test_the_check_sees_the_new_pages():
    """The scan finds the names (a broken pattern would pass vacuously)."""
    names = _code_names()
    for name in ("logisticPage", "covarianceCombo", "remedyButton", "unlockAction"):
        assert re.escape(name) in names
    assert any(p.startswith("card_") for p in names)
    listed = _table_names()
    assert {"mainWindow", "card_<assumption>", "manualText", "rocPlot"} <= listed
