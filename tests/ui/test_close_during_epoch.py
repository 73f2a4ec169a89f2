"""Closing the window in the middle of a long full-batch epoch: the process exits at once
with status 0 (it used to abort with "QThread: Destroyed while thread ... is still running").

The run is a separate process, as a user's would be: the abort happened at interpreter exit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np

SCRIPT = textwrap.dedent(
    """
    import sys, time
    from dataclasses import replace
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from nnlin_gui.app import make_application
    from nnlin_gui.core.networks.network import LayerSpec
    from nnlin_gui.ui.main_window import MainWindow

    app = make_application()
    win = MainWindow(settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
    win.show()
    win.open_initial(sys.argv[1])
    c = win.controller
    c.set_pace(0)
    state = {"started": None, "closed": None}

    def poll():
        if state["started"] is None:
            if c.trainer is not None and c.dataset is not None and c.dataset.n_rows > 1000:
                c.set_layers(tuple(LayerSpec("dense", 256) for _ in range(6)))
                c.set_config(replace(c.config, batch_size=0, epochs=1_000_000))
                c.train()
                state["started"] = time.perf_counter()
        elif state["closed"] is None and time.perf_counter() - state["started"] > 3.0:
            print("epoch at close", c.epoch, "training", c.is_training, flush=True)
            t0 = time.perf_counter()
            win.close()
            state["closed"] = time.perf_counter() - t0
            print(f"close took {state['closed']:.3f}", flush=True)
            app.quit()
            return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    rc = app.exec()
    # As nnlin_gui.app.main ends:
    from nnlin_gui.ui.controller import wait_lingering_threads
    from nnlin_gui.ui.jobs import exit_process
    wait_lingering_threads()
    sys.exit(exit_process(rc))
    """
)


def test_closing_during_a_long_full_batch_epoch_exits_cleanly(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100_000, 10))
    y = X @ rng.normal(size=10) + rng.normal(size=100_000)
    data = tmp_path / "big.csv"
    header = ",".join([f"x{i}" for i in range(10)] + ["y"])
    np.savetxt(data, np.column_stack([X, y]), delimiter=",", header=header, comments="", fmt="%.6g")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-c",
            SCRIPT,
            str(data),
            str(tmp_path / "settings.ini"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "training True" in out, out  # it really was inside a run when closed
    assert "Destroyed while thread" not in out
    took = float(out.split("close took ")[1].split()[0])
    assert took < 1.0, out
