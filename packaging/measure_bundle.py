"""Frozen bundle vs running from source: startup, --version, --self-test; sizes.

Prints a Markdown table (best of N wall-clock runs, offscreen) for README "Performance".
Run after ``packaging/build.sh``::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/measure_bundle.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "nnlin-gui"


def best_of(cmd: list[str], runs: int, parse_stdout: bool = False) -> float:
    """Smallest wall time (or printed number) over ``runs`` runs of ``cmd``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr[-2000:]}")
        value = float(proc.stdout.strip().splitlines()[-1]) if parse_stdout else wall
        best = min(best, value)
    return best


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not (BUNDLE / "nnlin-gui").is_file():
        print("build the bundle first: packaging/build.sh", file=sys.stderr)
        return 1
    source = [sys.executable, "-m", "nnlin_gui"]
    frozen = [str(BUNDLE / "nnlin-gui")]
    rows = [
        ("--startup-probe (s, printed by the app)", ["--startup-probe"], True),
        ("--version (s, wall)", ["--version"], False),
        ("--self-test (s, wall)", ["--self-test"], False),
    ]
    print(f"best of {args.runs} runs, offscreen, {os.cpu_count()} cores\n")
    print("| measure | from source (baseline) | frozen bundle | ratio |")
    print("|---|---:|---:|---:|")
    for label, extra, printed in rows:
        base = best_of(source + extra, args.runs, printed)
        froz = best_of(frozen + extra, args.runs, printed)
        print(f"| {label} | {base:.2f} | {froz:.2f} | {froz / base:.2f}x |")
    info = dict(
        line.split("=", 1) for line in (BUNDLE / "BUILD-INFO").read_text().splitlines() if line
    )
    print(f"| unpacked size (MB, limit 320) | | {int(info['unpacked_bytes']) / 1e6:.1f} | |")
    print(f"| tar.gz size (MB, limit 130) | | {int(info['tarball_bytes']) / 1e6:.1f} | |")
    print(f"| build.sh (s, this build) | | {info['build_seconds']} | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
