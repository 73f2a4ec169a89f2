"""``nnlin-gui`` options, run as a user would: a separate process, offscreen."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest


def run_app(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "nnlin_gui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_self_test_with_a_csv(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(150, 2))
    y = 4.0 + X @ np.array([0.7, -1.3]) + 0.2 * rng.normal(size=150)
    path = tmp_path / "study.csv"
    np.savetxt(
        path, np.column_stack([X, y]), delimiter=",", header="dose,age,response", comments=""
    )
    done = run_app("--self-test", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout)
    assert summary["ok"] is True
    assert summary["source"] == str(path)
    assert summary["features"] == ["dose", "age"] and summary["target"] == "response"
    assert summary["baseline"] == "ols"
    assert summary["max_abs_diff_trained"] < 1e-3
    assert summary["max_abs_diff_solved"] < 1e-8
    design = np.column_stack([np.ones(150), X])
    full = np.linalg.lstsq(design, y, rcond=None)[0]
    # OLS on the training rows is close to OLS on all rows for this clean design.
    assert summary["baseline_W"] == pytest.approx(full[1:], abs=0.1)


def test_self_test_reports_a_bad_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    done = run_app("--self-test", str(path))
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["ok"] is False and "empty.csv" in summary["error"]
    assert "Traceback" not in done.stderr


def test_startup_probe_prints_only_seconds():
    done = run_app("--startup-probe")
    assert done.returncode == 0, done.stderr
    seconds = float(done.stdout.strip())
    assert 0 < seconds < 60


def test_no_slow_module_is_imported_before_the_first_paint():
    """pyqtgraph, pandas, scipy.stats and statsmodels all stay off the path to the first
    painted window (a fresh process: in this one the other tests imported them)."""
    done = run_app("--startup-report")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["heavy_at_first_paint"] == []
    # The plots came right after: the window was complete before the probe quit.
    assert "pyqtgraph" in report["heavy_when_complete"]
    assert 0 < report["first_paint"] <= report["complete"]


def test_screenshot_saves_a_png(tmp_path):
    path = tmp_path / "shot.png"
    done = run_app("--screenshot", str(path))
    assert done.returncode == 0, done.stderr
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert image.width() >= 800 and image.height() >= 600
    # Every part painted: a grab while parts were still held came out black there.
    samples = [
        image.pixelColor(x, y).rgb() & 0xFFFFFF
        for x in range(5, image.width(), 37)
        for y in range(5, image.height(), 29)
    ]
    assert samples.count(0) < 0.02 * len(samples)


def test_main_opens_the_file_on_the_command_line(qapp, tmp_path, monkeypatch):
    """``nnlin-gui data.csv`` in-process: the window comes up on that file."""
    from PySide6.QtCore import QSettings, QTimer

    from nnlin_gui import app as app_module
    from nnlin_gui.ui import main_window

    ini = str(tmp_path / "settings.ini")
    monkeypatch.setattr(
        main_window, "default_settings", lambda: QSettings(ini, QSettings.Format.IniFormat)
    )
    path = tmp_path / "cars.csv"
    path.write_text(
        "weight,power,mpg\n"
        + "".join(f"{w},{w % 7},{40 - w / 100}\n" for w in range(1000, 1600, 20))
    )
    seen = {}

    def poll() -> None:
        windows = [w for w in qapp.topLevelWidgets() if w.objectName() == "mainWindow"]
        c = windows[0].controller if windows else None
        if c is not None and c.dataset is not None and c.baseline is not None:
            seen["source"], seen["target"] = c.dataset.source, c.dataset.target_name
            windows[0].close()  # the last window: exec() returns
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    assert app_module.main([str(path)]) == 0
    assert seen == {"source": str(path), "target": "mpg"}
    # The user's settings were not touched; ours got the recent file.
    assert QSettings(ini, QSettings.Format.IniFormat).value("recentFiles") in (
        [str(path)],
        str(path),
    )
