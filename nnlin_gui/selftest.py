"""``nnlin-gui --self-test [CSV]`` and ``--screenshot``: drive the real window offscreen.

The self-test starts the main window, loads the CSV (or the built-in linear set), trains a
linear network in the worker thread, collapses it, compares with OLS, then solves
analytically, and prints a JSON summary. Exit status 0 means every check passed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from nnlin_gui.core.networks.network import LayerSpec

log = logging.getLogger(__name__)

# A trained linear net must match OLS to this relative precision; a solved one to 1e-8.
TRAINED_TOLERANCE = 1e-3
SOLVED_TOLERANCE = 1e-8


def scratch_settings() -> QSettings:
    """Settings in a throw-away INI file (never the user's)."""
    path = os.path.join(tempfile.mkdtemp(prefix="nnlin-"), "settings.ini")
    return QSettings(path, QSettings.Format.IniFormat)


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Process events until ``condition()`` holds or ``timeout`` seconds pass."""
    app = QApplication.instance()
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            return False
        app.processEvents()
        time.sleep(0.002)
    return True


def _errors(controller) -> list[str]:
    errors: list[str] = []
    controller.error.connect(errors.append)
    return errors


def run_self_test(app, csv: str | None, epochs: int = 1000) -> int:
    """Run the end-to-end check; print a JSON summary; return 0 when it passed."""
    from nnlin_gui.ui.controller import wait_lingering_threads
    from nnlin_gui.ui.main_window import MainWindow

    t0 = time.perf_counter()
    window = MainWindow(settings=scratch_settings())
    window.show()
    c = window.controller
    errors = _errors(c)
    summary: dict = {"source": os.path.abspath(csv) if csv else "builtin:linear", "ok": False}
    try:
        window.open_initial(os.path.abspath(csv) if csv else None)
        loaded = wait_until(lambda: c.trainer is not None and not c.is_loading or bool(errors))
        if not loaded or c.dataset is None:
            raise RuntimeError(errors[0] if errors else "the data did not load in time")
        ds = c.dataset
        summary.update(rows=ds.n_rows, features=list(ds.feature_names), target=ds.target_name)
        c.set_layers((LayerSpec("dense", 8, "identity"), LayerSpec("dense", 8, "identity")))
        from dataclasses import replace

        c.set_config(
            replace(
                c.config,
                optimizer="adam",
                learning_rate=0.01,
                batch_size=0,
                epochs=epochs,
                l1=0.0,
                l2=0.0,
            )
        )
        c.set_pace(0)
        if not wait_until(lambda: c.baseline is not None or bool(errors), 60):
            raise RuntimeError("the closed-form baseline did not arrive")
        if c.baseline is None:
            raise RuntimeError(errors[-1])
        c.train()
        if not wait_until(lambda: not c.is_training, 300):
            raise RuntimeError("training did not finish in 300 s")
        res = c.last_result
        trained = c.results
        scale = max(1.0, float(np.abs(c.baseline.W).max()), float(np.abs(c.baseline.b).max()))
        summary.update(
            baseline=c.baseline.kind,
            epochs=res.epoch,
            train_seconds=round(res.seconds, 3),
            samples_per_second=round(res.samples_per_second),
            loss_points=len(c.curves),
            max_abs_diff_trained=trained.max_diff,
            network_W=np.ravel(trained.collapse.W).tolist(),
            network_b=np.ravel(trained.collapse.b).tolist(),
            baseline_W=np.ravel(c.baseline.W).tolist(),
            baseline_b=np.ravel(c.baseline.b).tolist(),
        )
        c.solve()
        solved = c.results
        summary["max_abs_diff_solved"] = solved.max_diff
        summary["ok"] = bool(
            trained.max_diff is not None
            and trained.max_diff <= TRAINED_TOLERANCE * scale
            and solved.max_diff is not None
            and solved.max_diff <= SOLVED_TOLERANCE * scale
        )
    except Exception as exc:  # the summary says what failed; no traceback for a user
        log.debug("self-test failed", exc_info=True)
        summary["error"] = str(exc)
    summary["errors_shown"] = errors
    window.close()
    wait_lingering_threads()
    summary["seconds"] = round(time.perf_counter() - t0, 3)
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    return 0 if summary["ok"] else 1


def take_screenshot(window, path: str, train_first: bool = False) -> None:
    """When the data is in (and, with ``train_first``, the network trained), save a PNG."""
    c = window.controller
    app = QApplication.instance()
    state = {"trained": False, "started": time.perf_counter()}

    def poll() -> None:
        ready = c.trainer is not None and not c.is_loading and c.results is not None
        if time.perf_counter() - state["started"] > 120:
            ready = True
        if ready and train_first and not state["trained"]:
            state["trained"] = True
            c.train()
            QTimer.singleShot(50, poll)
            return
        if (
            not ready
            or c.is_training
            or (
                c.baseline is None
                and c.dataset is not None
                and time.perf_counter() - state["started"] < 60
            )
            # Read-outs still on their way, or parts of the window not yet painted again
            # (a grab then showed them blank).
            or c.views_pending
            or window.paint_hold.held
        ):
            QTimer.singleShot(50, poll)
            return
        window.refresh_views()
        app.processEvents()
        window.paint_hold.release_now()  # (held again by a late change: never grab black)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        window.grab().save(path)
        window.close()
        app.quit()

    QTimer.singleShot(100, poll)
