"""Benchmark: the GUI while a network trains at full speed in the worker thread.

For each case it measures, in the same run:
- headless throughput: ``Trainer.run`` alone (samples per second), the baseline;
- GUI throughput: the same training started from the real window (offscreen), plots live;
- the longest event-loop stall: the largest gap between ticks of a 5 ms QTimer, minus 5 ms;
- the frame rate: ticks of the 30 Hz frame timer the event loop served per second, and
  how many of them repainted new data (a 0.1 s epoch cannot give more than 10 new
  frames a second: the trainer reports at epoch ends).

Targets (issue 5): stall <= 50 ms, refresh >= 20 Hz, GUI throughput >= 70 % of headless.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/bench_gui.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

CASES = {
    # name: (rows, features, hidden widths, activation, batch, epochs)
    "10-64-64-64-1 relu, 20k rows, batch 256": (20_000, 10, (64, 64, 64), "relu", 256, 60),
    "2-4-4-1 identity, 200 rows, full batch": (200, 2, (4, 4), "identity", 0, 20_000),
}


def make_csv(rows: int, features: int, folder: str) -> str:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, features))
    y = X @ rng.normal(size=features) + np.sin(X[:, 0]) + 0.1 * rng.normal(size=rows)
    names = ",".join([f"x{i + 1}" for i in range(features)] + ["y"])
    path = os.path.join(folder, f"bench_{rows}_{features}.csv")
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=names, comments="")
    return path


def headless(path: str, widths, activation: str, batch: int, epochs: int) -> float:
    from nnlin_gui.core.data import load_dataset
    from nnlin_gui.core.fitting import build_spec
    from nnlin_gui.core.network import LayerSpec
    from nnlin_gui.core.training import Trainer, TrainingConfig

    ds = load_dataset(path)
    spec = build_spec(ds, [LayerSpec("dense", w, activation) for w in widths])
    cfg = TrainingConfig(optimizer="adam", learning_rate=0.001, batch_size=batch, epochs=epochs)
    trainer = Trainer(spec, ds.X, ds.y, cfg)
    trainer.run(1)  # warm-up: first-call costs are not throughput
    trainer.reset()
    return trainer.run().samples_per_second


def in_gui(path: str, widths, activation: str, batch: int, epochs: int) -> dict:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from nnlin_gui.core.network import LayerSpec
    from nnlin_gui.selftest import scratch_settings, wait_until
    from nnlin_gui.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(settings=scratch_settings())
    window.show()
    c = window.controller
    c.set_pace(0)
    window.open_path(path)
    wait_until(lambda: c.dataset is not None and c.dataset.source == path, 120)
    c.set_layers(tuple(LayerSpec("dense", w, activation) for w in widths))
    c.set_config(
        replace(c.config, optimizer="adam", learning_rate=0.001, batch_size=batch, epochs=epochs)
    )
    wait_until(lambda: c.baseline is not None, 60)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        stamps.append(now)
        last[0] = now

    stamps: list[float] = []

    ticker = QTimer(interval=5)
    ticker.timeout.connect(tick)
    ticker.start()
    app.processEvents()
    frames0, ticks0 = window.frames, window.ticks
    last[0] = time.perf_counter()
    t0 = time.perf_counter()
    cpu0 = time.thread_time()  # this (GUI) thread only
    c.train()
    wait_until(lambda: not c.is_training, 600)
    seconds = time.perf_counter() - t0
    gui_cpu = time.thread_time() - cpu0
    ticker.stop()
    if os.environ.get("BENCH_DEBUG") and gaps:
        i = int(np.argmax(gaps))
        print(f"longest gap ends {stamps[i] - t0:.3f} s after start of {seconds:.3f} s")
    frames = window.frames - frames0
    ticks = window.ticks - ticks0
    result = c.last_result
    window.close()
    app.processEvents()
    return {
        "samples_per_second": result.samples_per_second,
        "stall_ms": 1000 * (max(gaps) - 0.005) if gaps else float("nan"),
        "fps": frames / seconds if seconds > 0 else float("nan"),
        "tick_rate": ticks / seconds if seconds > 0 else float("nan"),
        "seconds": seconds,
        "gui_cpu": gui_cpu / seconds if seconds > 0 else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs, one repeat")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per case")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="nnlin-bench-")
    repeats = 1 if args.quick else max(1, args.repeats)
    rows_out = []
    for name, (rows, k, widths, act, batch, epochs) in CASES.items():
        if args.quick:
            epochs = max(5, epochs // 10)
        path = make_csv(rows, k, folder)
        # Headless and GUI runs alternate, so a burst of load from other processes on this
        # shared machine hits both; medians of the repeats are reported.
        bases, guis = [], []
        for _ in range(repeats):
            bases.append(headless(path, widths, act, batch, epochs))
            guis.append(in_gui(path, widths, act, batch, epochs))
        ratios = [g["samples_per_second"] / b for g, b in zip(guis, bases, strict=True)]
        rows_out.append((name, bases, guis, ratios))
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; medians of {repeats} alternating runs; targets: stall "
        "<= 50 ms, refresh >= 20 Hz, GUI/headless >= 0.70\n"
    )
    header = (
        "| case | headless samples/s | GUI samples/s | GUI/headless | longest stall | "
        "frame timer | repaints with new data | GUI thread CPU | train time |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    med = statistics.median
    for name, bases, guis, ratios in rows_out:

        def m(key: str, guis=guis) -> float:
            return med(g[key] for g in guis)

        print(
            f"| {name} | {med(bases):,.0f} | {m('samples_per_second'):,.0f} | "
            f"{med(ratios):.2f} | {m('stall_ms'):.0f} ms | {m('tick_rate'):.0f} Hz | "
            f"{m('fps'):.0f} Hz | {100 * m('gui_cpu'):.0f} % | {m('seconds'):.1f} s |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
