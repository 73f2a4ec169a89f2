"""Prints the frozen-bundle numbers (sizes, build time, startup) in the terminal summary."""

from __future__ import annotations

import pytest

_REPORT: dict[str, str] = {}


@pytest.fixture(scope="session")
def bundle_report() -> dict[str, str]:
    """label -> value, shown under "frozen bundle" at the end of the run."""
    return _REPORT


def pytest_terminal_summary(terminalreporter) -> None:
    if not _REPORT:
        return
    terminalreporter.section("frozen bundle (tests/packaging/test_bundle.py)")
    for key, value in _REPORT.items():
        terminalreporter.write_line(f"{key:<22} {value}")
