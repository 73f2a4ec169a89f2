"""Fixtures shared by every test.

``no_qthread_left_running`` (autouse) fails any test that leaves a ``QThread`` running, as
napari's fixture does: a thread that outlives its test hides a missing ``shutdown()`` and
aborts the process when Qt destroys it.
"""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def no_qthread_left_running(monkeypatch):
    """Track every QThread started during the test; fail if one is still running after it."""
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is None:  # a Qt-free test: nothing to track
        yield
        return
    QThread = qtcore.QThread
    started: list = []
    original = QThread.start

    def start(self, *args, **kwargs):
        started.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", start)
    yield
    running = []
    for thread in started:
        try:
            alive = thread.isRunning()
        except RuntimeError:  # the C++ object is gone, so the thread is too
            continue
        if alive:
            running.append(thread.objectName() or repr(thread))
            thread.quit()
            thread.wait(5000)
    if running:
        pytest.fail(f"test left QThread(s) running: {', '.join(running)}")


@pytest.fixture
def flowers_csv(tmp_path):
    """A three-class CSV: two numeric features (petal, sepal) and a text column 'species'
    whose classes are ``(a-very-long-class-name, setosa, versicolor)``."""
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    level = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.4).astype(int)
    kinds = np.array(["setosa", "versicolor", "a-very-long-class-name"])[level]
    path = tmp_path / "flowers.csv"
    rows = "".join(f"{a},{b},{k}\n" for (a, b), k in zip(X, kinds, strict=True))
    path.write_text("petal,sepal,species\n" + rows)
    return path
