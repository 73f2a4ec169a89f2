"""Benchmark: training throughput (samples/s) of nnlin_gui's numpy trainer vs PyTorch CPU.

Same architecture, ReLU, Adam, MSE, float64, same batch size, shuffled mini-batches.
PyTorch runs on one thread; ours runs with the BLAS threads the trainer chooses (and both
fixed choices, 1 and 2, for comparison). The contenders are measured in interleaved rounds
and each keeps its best round, so a busy machine hurts them alike. Prints a table; skips
PyTorch when it is absent.

    .venv/bin/python tests/perf/bench_training.py [--seconds 0.5] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nnlin_gui.core.networks.network import NetworkSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig

CASES = [  # (widths, batch, rows)
    ((2, 8, 8, 8, 1), 32, 4096),
    ((10, 64, 64, 64, 1), 256, 16384),
    ((20, 256, 256, 1), 1024, 16384),
]


def make_data(k: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, k))
    y = np.sin(X[:, 0]) + X @ rng.normal(size=k) * 0.1
    return X, y


def timed(epoch, n: int, seconds: float) -> float:
    """Samples per second of repeated ``epoch()`` calls for about ``seconds``."""
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        epoch()
        done += n
    return done / (time.perf_counter() - t0)


def ours(widths, batch, X, y, threads: int):
    """An epoch function of our trainer (warmed up)."""
    spec = NetworkSpec.mlp(widths[0], widths[1:-1], "relu")
    cfg = TrainingConfig(
        optimizer="adam",
        learning_rate=1e-3,
        batch_size=batch,
        test_fraction=0.0,
        epochs=10**9,
        blas_threads=threads,
    )
    trainer = Trainer(spec, X, y, cfg)
    trainer.run(1)
    return lambda: trainer.run(1, evaluate=False)


def chosen_threads(widths, batch, X, y) -> int:
    spec = NetworkSpec.mlp(widths[0], widths[1:-1], "relu")
    cfg = TrainingConfig(batch_size=batch, test_fraction=0.0)
    return Trainer(spec, X[: batch * 2], y[: batch * 2], cfg)._blas_threads()


def torch_epoch(widths, batch, X, y):
    """An epoch function of the same training in PyTorch (warmed up), or None."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers = []
    for a, b in zip(widths[:-2], widths[1:-1], strict=True):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(widths[-2], widths[-1]))
    model = torch.nn.Sequential(*layers).double()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(y).reshape(-1, 1)
    n = len(X)

    def epoch() -> None:
        perm = torch.randperm(n)
        Xe, ye = Xt[perm], yt[perm]
        for s in range(0, n, batch):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xe[s : s + batch]), ye[s : s + batch])
            loss.backward()
            opt.step()

    epoch()
    return epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="time per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (best kept)")
    args = parser.parse_args()
    rows = []
    for widths, batch, n in CASES:
        X, y = make_data(widths[0], n)
        t = chosen_threads(widths, batch, X, y)
        contenders = {"one": ours(widths, batch, X, y, 1), "two": ours(widths, batch, X, y, 2)}
        ref_epoch = torch_epoch(widths, batch, X, y)
        if ref_epoch is not None:
            contenders["torch"] = ref_epoch
        best = dict.fromkeys(contenders, 0.0)
        for _ in range(args.rounds):
            for name, epoch in contenders.items():
                best[name] = max(best[name], timed(epoch, n, args.seconds))
        chosen = best["one"] if t == 1 else best["two"]
        ref = best.get("torch")
        rows.append(("-".join(map(str, widths)), batch, best["one"], best["two"], t, chosen, ref))
    try:
        import torch

        torch_name = f"PyTorch {torch.__version__} (1 thread)"
    except ImportError:
        torch_name = "PyTorch not installed: ratio skipped (pip install torch==2.13.0)"
    print(f"Training throughput, samples/s (ReLU, Adam, float64). Baseline: {torch_name}")
    print("| network | batch | ours 1 thread | ours 2 threads | chosen | PyTorch | ours/PyTorch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, batch, one, two, t, chosen, ref in rows:
        ratio = f"{chosen / ref:.2f}x" if ref else "n/a"
        ref_s = f"{ref:,.0f}" if ref else "n/a"
        print(f"| {name} | {batch} | {one:,.0f} | {two:,.0f} | {t} | {ref_s} | {ratio} |")


if __name__ == "__main__":
    main()
