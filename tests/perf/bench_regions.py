"""Benchmark: linear regions against a plain forward pass measured in the same run.

- partition: the exact polygons of the data box of a 2-8-8-8-1 ReLU network (the regions
  view refreshes at 5 Hz while training: budget 200 ms), at initialisation with random
  biases and after training on builtin:circle; baseline: the forward pass of a 1000 x 1000
  grid of the same box (what colouring the regions pixel by pixel would cost at least).
- assignment: the region of each of 1M rows through a 10-64-64-1 ReLU network (patterns
  packed, grouped; budget 1 s); baseline: ``Network.forward`` of the same rows.

Contender and baseline run in interleaved rounds; each reports its median. Prints a table.

    .venv/bin/python tests/perf/bench_regions.py [--rounds 7] [--threads 1]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from nnlin_gui.core.networks import regions as R
from nnlin_gui.core.networks.blas import blas_threads
from nnlin_gui.core.networks.network import Network, NetworkSpec
from nnlin_gui.core.networks.scaling import Scaling

BUDGET_PARTITION = 0.200
BUDGET_ASSIGN = 1.0


def _random_biases(net: Network, seed: int) -> Network:
    rng = np.random.default_rng(seed)
    for layer in net.layers:
        layer.b[...] = rng.normal(0.0, 0.7, layer.b.shape)
    return net


def _trained_circle() -> tuple[Network, Scaling, np.ndarray]:
    from nnlin_gui.core.data.tables import load_dataset
    from nnlin_gui.core.networks.training import Trainer, TrainingConfig
    from nnlin_gui.core.statistics.fitting import build_spec

    data = load_dataset("builtin:circle", target="label")
    spec = build_spec(data, (8, 8, 8), "relu")
    trainer = Trainer(spec, data.X, data.y, TrainingConfig(epochs=300, learning_rate=0.01))
    trainer.run()
    return trainer.network, trainer.scaling, R.default_box(data.X)


def _median_pair(a: Callable[[], object], b: Callable[[], object], rounds: int):
    """Median wall and CPU seconds of ``a`` and of ``b`` over interleaved rounds (the CPU
    time of this process shows how much of the wall time other processes took)."""
    times: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
    for _ in range(rounds):
        for i, f in enumerate((a, b)):
            t0, c0 = time.perf_counter(), time.process_time()
            f()
            times[i].append((time.perf_counter() - t0, time.process_time() - c0))
    return [tuple(np.median(np.array(times[i]), axis=0)) for i in (0, 1)]


def _grid(box: np.ndarray, n: int) -> np.ndarray:
    gx, gy = np.linspace(*box[0], n), np.linspace(*box[1], n)
    return np.column_stack([a.ravel() for a in np.meshgrid(gx, gy)])


def bench_partition(name: str, net: Network, sc: Scaling, box: np.ndarray, rounds: int):
    grid = sc.transform_x(_grid(box, 1000))
    ours, base = _median_pair(
        lambda: R.partition_2d(net, sc, box), lambda: net.forward(grid), rounds
    )
    cells = len(R.partition_2d(net, sc, box))
    return (
        f"partition 2-8-8-8-1 {name} ({cells} polygons)",
        ours,
        "forward of a 1000x1000 grid",
        base,
        BUDGET_PARTITION,
    )


def bench_assign(rounds: int):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1_000_000, 10))
    net = _random_biases(Network(NetworkSpec.mlp(10, [64, 64], "relu"), seed=0), 1)
    ours, base = _median_pair(
        lambda: R.assign_regions(net, None, X), lambda: net.forward(X), rounds
    )
    count = R.assign_regions(net, None, X).count
    return (
        f"assign 1M rows 10-64-64-1 ({count:,} regions)",
        ours,
        "Network.forward, same rows",
        base,
        BUDGET_ASSIGN,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args()
    rng_net = _random_biases(Network(NetworkSpec.mlp(2, [8, 8, 8], "relu"), seed=0), 0)
    box = np.array([[-3.0, 3.0], [-3.0, 3.0]])
    rows = []
    with blas_threads(args.threads):
        rows.append(bench_partition("init", rng_net, Scaling.identity(2, 1), box, args.rounds * 3))
        rows.append(bench_partition("circle", *_trained_circle(), args.rounds * 3))
        rows.append(bench_assign(args.rounds))
    print(f"BLAS threads {args.threads}; medians of interleaved rounds")
    head = (
        f"{'case':<46} {'ours ms':>8} {'(cpu)':>7}  {'baseline':<28} {'base ms':>8} "
        f"{'(cpu)':>7} {'ratio':>6} {'budget':>9}"
    )
    print(head)
    print("-" * len(head))
    for case, (ours, ours_cpu), base_name, (base, base_cpu), budget in rows:
        verdict = "ok" if ours <= budget else "OVER"
        print(
            f"{case:<46} {ours * 1e3:>8.1f} {ours_cpu * 1e3:>7.1f}  {base_name:<28} "
            f"{base * 1e3:>8.1f} {base_cpu * 1e3:>7.1f} {ours / base:>6.2f} "
            f"{budget * 1e3:>6.0f} ms {verdict}"
        )


if __name__ == "__main__":
    main()
