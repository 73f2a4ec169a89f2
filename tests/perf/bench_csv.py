"""Benchmark: load a 1,000,000 x 10 numeric CSV, ours against plain ``pandas.read_csv``.

Run: ``.venv/bin/python tests/perf/bench_csv.py [--rows N] [--cols K] [--repeat R]``
(``--rows 300 --cols 20001``: a wide file, read a line at a time by ``core/data/wide.py``)

A second thread ticks every 5 ms meanwhile; its longest late tick is how long the load kept
the interpreter lock from other threads at a stretch (the window's GUI thread needs it to
paint: that is what stalls the window while a file loads).

Each measurement runs in a fresh subprocess so peak memory is not shared between them:
time is the best of ``--repeat`` interleaved runs (the median is shown too); memory is
the peak resident set size above an interpreter that has only imported pandas and our
package, and the tracemalloc peak (Python and numpy allocations).
Targets: time ratio <= 1.5, peak <= 3x the float64 array.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from nnlin_gui.core.data.wide import WIDE_COLUMNS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_CHILD = r"""
import json, resource, sys, threading, time, tracemalloc
sys.path.insert(0, {root!r})
import numpy as np, pandas as pd
from nnlin_gui.core.data.tables import load_dataset
path, what, trace = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if trace:
    tracemalloc.start()
late, done = [0.0], threading.Event()
def tick():
    last = time.perf_counter()
    while not done.is_set():
        time.sleep(0.005)
        now = time.perf_counter()
        late[0], last = max(late[0], now - last - 0.005), now
threading.Thread(target=tick, daemon=True).start()
t0 = time.perf_counter()
if what == "pandas":
    frame = pd.read_csv(path)
    shape = frame.shape
elif what in ("ours", "ours-chunks"):
    if what == "ours-chunks":  # the wide file read by pandas in chunks, as before
        import nnlin_gui.core.data.read as data_read
        data_read.wide_applies = lambda fmt: False
    ds = load_dataset(path)
    shape = (ds.n_rows, ds.X.shape[1] + 1)
else:
    shape = (0, 0)
seconds = time.perf_counter() - t0
done.set()
peak_trace = tracemalloc.get_traced_memory()[1] if trace else 0
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "rss_kb": rss1 - rss0, "trace": peak_trace,
                  "shape": shape, "late_ms": late[0] * 1000}}))
"""


def _write_csv(path: str, rows: int, cols: int) -> None:
    rng = np.random.default_rng(0)
    header = ",".join([f"x{i + 1}" for i in range(cols - 1)] + ["y"])
    block = 100_000
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for start in range(0, rows, block):
            m = min(block, rows - start)
            values = rng.normal(0, 1, (m, cols)) * 100
            np.savetxt(fh, values, fmt="%.6f", delimiter=",")


def _run(path: str, what: str, trace: bool) -> dict:
    code = _CHILD.format(root=ROOT)
    out = subprocess.run(
        [sys.executable, "-c", code, path, what, "1" if trace else "0"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big.csv")
        t0 = time.perf_counter()
        _write_csv(path, args.rows, args.cols)
        size = os.path.getsize(path)
        print(f"wrote {args.rows:,} x {args.cols} CSV, {size / 1e6:.0f} MB, "
              f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        final_mb = args.rows * args.cols * 8 / 1e6
        runs: dict[str, list[dict]] = {"pandas": [], "ours": []}
        if args.cols >= WIDE_COLUMNS:
            runs["ours-chunks"] = []
        for _ in range(args.repeat):  # interleaved, so load from other work hits both alike
            for what in runs:
                runs[what].append(_run(path, what, trace=False))
        results = {}
        for what, done in runs.items():
            traced = _run(path, what, trace=True)
            results[what] = {
                "seconds": min(r["seconds"] for r in done),
                "median": float(np.median([r["seconds"] for r in done])),
                "rss_mb": max(r["rss_kb"] for r in done) / 1024 * 1.048576,
                "trace_mb": traced["trace"] / 1e6,
                "late_ms": float(np.median([r["late_ms"] for r in done])),
            }
    base = results["pandas"]
    print()
    print(
        f"| {args.rows:,} x {args.cols} numeric CSV ({size / 1e6:.0f} MB) | best time (s) "
        "| median (s) | time ratio (best) | peak RSS increase (MB) | tracemalloc peak (MB) "
        "| peak / float64 array | another thread's longest wait (ms, median) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    labels = {
        "pandas": "plain `pandas.read_csv`",
        "ours": "`load_dataset` (ours)",
        "ours-chunks": "`load_dataset` with pandas' chunked read (before the line reader)",
    }
    for what, r in results.items():
        label = labels[what]
        peak = max(r["rss_mb"], r["trace_mb"])
        print(
            f"| {label} | {r['seconds']:.2f} | {r['median']:.2f} "
            f"| {r['seconds'] / base['seconds']:.2f}x "
            f"| {r['rss_mb']:.0f} | {r['trace_mb']:.0f} | {peak / final_mb:.2f}x "
            f"| {r['late_ms']:.0f} |"
        )
    print(f"\nfinal float64 array: {final_mb:.0f} MB; targets: time ratio <= 1.5x, peak <= 3x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
