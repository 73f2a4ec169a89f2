"""The training loop: a ``Trainer`` that owns a network, its data split and optimizer state.

``Trainer.run`` is a plain function of the loop: it takes a stop flag (``threading.Event``)
and a progress callback, and sends small snapshots (only what is new since the last one) at
most every ``progress_interval`` seconds, by the clock. A loss that becomes non-finite or
grows a million-fold stops the run in the same epoch and restores the last good parameters.
Same seed, same numbers.
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from nnlin_gui.core.errors import SpecError
from nnlin_gui.core.networks.blas import blas_threads
from nnlin_gui.core.networks.collapse import Collapse, collapse_network, solve_analytically
from nnlin_gui.core.networks.losses import LOSSES, loss_for_head
from nnlin_gui.core.networks.network import Network, NetworkSpec, apply_head
from nnlin_gui.core.networks.optimizers import OPTIMIZERS, Optimizer
from nnlin_gui.core.networks.scaling import Scaling

log = logging.getLogger(__name__)

# A batch is computed in slices of at most this many rows x parameters (about 0.05 s of work)
# and at most FULL_BATCH_SLICE rows: a stop request is honoured between slices, so pausing or
# closing is prompt however large the data or the network. Smaller batches are not sliced.
SLICE_WORK = 50_000_000
FULL_BATCH_SLICE = 16384
# A training loss this many times the reference (the first epoch's, or predicting zero)
# counts as divergence.
DIVERGENCE_FACTOR = 1e6


@dataclass(frozen=True)
class TrainingConfig:
    """Every training setting. ``batch_size`` 0 means the full batch; ``patience`` 0 turns
    early stopping off; ``l1``/``l2`` penalise weights (not biases) on the MSE scale:
    loss = mean error + l1 * sum|w| + l2 * sum w^2."""

    optimizer: str = "adam"
    learning_rate: float = 0.01
    batch_size: int = 32
    epochs: int = 500
    l1: float = 0.0
    l2: float = 0.0
    test_fraction: float = 0.2
    seed: int = 0
    momentum: float = 0.9
    patience: int = 0
    min_delta: float = 1e-6
    standardize: bool = True
    progress_interval: float = 1.0 / 30.0
    blas_threads: int = 0  # 0: chosen from the network size

    def validate(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise SpecError(f"unknown optimizer {self.optimizer!r}; use {', '.join(OPTIMIZERS)}")
        if not (self.learning_rate > 0 and math.isfinite(self.learning_rate)):
            raise SpecError(f"the learning rate must be positive, not {self.learning_rate}")
        if self.batch_size < 0:
            raise SpecError("the batch size must be 0 (full batch) or positive")
        if self.epochs < 0:
            raise SpecError("the number of epochs cannot be negative")
        if self.l1 < 0 or self.l2 < 0:
            raise SpecError("L1 and L2 penalties cannot be negative")
        if not 0.0 <= self.test_fraction < 1.0:
            raise SpecError("the test fraction must be at least 0 and below 1")


@dataclass(frozen=True)
class TrainingSnapshot:
    """What is new since the last snapshot (small: never the whole history)."""

    epoch: int
    epochs: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    coef_epoch: int | None = None
    W: np.ndarray | None = None
    b: np.ndarray | None = None
    done: bool = False


@dataclass(frozen=True)
class TrainingResult:
    """How a call of ``Trainer.run`` ended."""

    epochs_run: int
    epoch: int
    seconds: float
    samples_per_second: float
    diverged: bool = False
    stopped: bool = False
    early_stopped: bool = False
    message: str = ""
    metrics: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LossUnits:
    """How to read a training loss in the data's own units.

    The network trains on a standardised target, so its mean squared error is the data's
    divided by the target's variance; ``factor`` undoes that (1 for cross-entropy).
    """

    factor: float
    name: str  # "MSE" or "cross-entropy"

    def format(self, value: float) -> str:
        return f"{self.name} {value * self.factor:.4g}"


@dataclass
class TrainingHistory:
    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    coef_epochs: list[int] = field(default_factory=list)
    coef_W: list[np.ndarray] = field(default_factory=list)
    coef_b: list[np.ndarray] = field(default_factory=list)


def split_rows(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/test row indices (test keeps at least one row when asked for any)."""
    if test_fraction <= 0 or n < 4:
        return np.arange(n), np.arange(0)
    perm = np.random.default_rng([seed, 7]).permutation(n)
    n_test = min(n - 2, max(1, int(round(test_fraction * n))))
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def _targets(y: np.ndarray, head: str, n_outputs: int) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if head == "softmax":
        onehot = np.zeros((len(y), n_outputs))
        onehot[np.arange(len(y)), y.astype(int)] = 1.0
        return onehot
    return y.reshape(len(y), -1)


class Trainer:
    """Trains one network on one dataset; keeps going across calls to ``run``.

    Parameters
    ----------
    spec : NetworkSpec
    X, y : rows and target in original units (``y`` holds class indices for classifiers)
    config : TrainingConfig
    """

    def __init__(
        self, spec: NetworkSpec, X: np.ndarray, y: np.ndarray, config: TrainingConfig | None = None
    ) -> None:
        self.config = config or TrainingConfig()
        self.config.validate()
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != spec.n_inputs:
            raise SpecError(
                f"the network expects {spec.n_inputs} inputs but the data has "
                f"{X.shape[1] if X.ndim == 2 else 1} features"
            )
        self.spec = spec
        self.X, self.y = X, np.asarray(y, dtype=np.float64)
        self.loss = loss_for_head(spec.head)
        cfg = self.config
        self.train_rows, self.test_rows = split_rows(len(X), cfg.test_fraction, cfg.seed)
        Y = _targets(self.y, spec.head, spec.n_outputs)
        Xtr, Ytr = X[self.train_rows], Y[self.train_rows]
        regress = spec.head == "identity"
        if cfg.standardize:
            self.scaling = Scaling.fit(Xtr, Ytr if regress else None, spec.n_outputs)
        else:
            self.scaling = Scaling.identity(spec.n_inputs, spec.n_outputs)
        tr = self.scaling.transform_y if regress else (lambda v: v)
        self.Xs = self.scaling.transform_x(X)
        self.Ys = tr(Y)
        self.Xtrain, self.Ytrain = self.Xs[self.train_rows], self.Ys[self.train_rows]
        self.Xtest, self.Ytest = self.Xs[self.test_rows], self.Ys[self.test_rows]
        self._zero_loss: float | None = None
        self.reset()

    # -- state ------------------------------------------------------------------------------

    def reset(self, seed: int | None = None) -> None:
        """Fresh weights and optimizer, empty history."""
        cfg = self.config
        if seed is not None:
            self.config = cfg = replace(cfg, seed=seed)
        self.network = Network(self.spec, seed=cfg.seed)
        self.optimizer = Optimizer(
            cfg.optimizer, self.network.n_params, cfg.learning_rate, momentum=cfg.momentum
        )
        self.rng = np.random.default_rng([cfg.seed, 1])
        self.epoch = 0
        self.history = TrainingHistory()
        self.diverged = False
        self._best = math.inf
        self._since_best = 0
        self._record_coefficients()

    def copy(self) -> Trainer:
        """An independent trainer in the same state (weights, optimizer, RNG, history) for
        work beside a run; the data arrays, never written after construction, are shared,
        so a copy costs the parameters, not the rows."""
        other = copy.copy(self)
        other.network = self.network.copy()
        other.optimizer = self.optimizer.copy()
        other.rng = np.random.default_rng()
        other.rng.bit_generator.state = self.rng.bit_generator.state
        h = self.history
        other.history = TrainingHistory(
            list(h.epochs),
            list(h.train_loss),
            list(h.test_loss),
            list(h.coef_epochs),
            [w.copy() for w in h.coef_W],
            [b.copy() for b in h.coef_b],
        )
        return other

    def set_config(self, config: TrainingConfig) -> None:
        """Change settings that do not alter the data split (learning rate, penalties...)."""
        config.validate()
        if (
            config.optimizer != self.config.optimizer
            or config.learning_rate != self.config.learning_rate
        ):
            self.optimizer = Optimizer(
                config.optimizer,
                self.network.n_params,
                config.learning_rate,
                momentum=config.momentum,
            )
        self.config = config

    # -- results ----------------------------------------------------------------------------

    def collapse(self) -> Collapse:
        """The network as y = W x + b in original units, or why it cannot be."""
        return collapse_network(self.network, self.scaling)

    @property
    def loss_units(self) -> LossUnits:
        """The recorded losses in the data's units (MSE of the target as loaded)."""
        if self.spec.head == "identity":
            return LossUnits(float(np.mean(self.scaling.y_scale**2)), "MSE")
        return LossUnits(1.0, "cross-entropy")

    def raw_predict(self, X: np.ndarray) -> np.ndarray:
        """Raw outputs (regression values or logits) in original units, shape (n, outputs)."""
        raw = self.network.forward(self.scaling.transform_x(np.asarray(X, dtype=np.float64)))
        if self.spec.head == "identity":
            return self.scaling.inverse_y(raw)
        return raw

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions in original units: values (n,), P(class 1) (n,), or class probabilities."""
        out = self.raw_predict(X)
        if self.spec.head != "identity":
            out = apply_head(self.spec.head, out)
        return out[:, 0] if out.shape[1] == 1 and self.spec.head != "softmax" else out

    def evaluate(self) -> dict:
        """Metrics on the training and test rows, in original units."""
        metrics: dict = {}
        for part, rows in (("train", self.train_rows), ("test", self.test_rows)):
            if len(rows) == 0:
                continue
            y = self.y[rows]
            raw = self.network.forward(self.Xs[rows])  # one forward pass per part
            metrics[f"{part}_loss"] = float(self.loss.value(raw, self.Ys[rows]))
            if self.spec.head == "identity":
                p = self.scaling.inverse_y(raw)[:, 0]
                mse = float(np.mean((p - y) ** 2))
                var = float(np.var(y))
                metrics[f"{part}_mse"] = mse
                metrics[f"{part}_r2"] = 1.0 - mse / var if var > 0 else float("nan")
            else:
                # argmax of logits = argmax of probabilities; logit >= 0 <=> P >= 0.5
                labels = raw.argmax(axis=1) if raw.shape[1] > 1 else (raw[:, 0] >= 0).astype(float)
                metrics[f"{part}_accuracy"] = float(np.mean(labels == y))
        return metrics

    def solve(self, target: tuple[np.ndarray, np.ndarray]) -> None:
        """Set the weights so the collapse equals ``target`` = (W, b) in original units."""
        W, b = target
        A, c = self.scaling.affine_to_standard(np.atleast_2d(W), np.atleast_1d(b))
        solve_analytically(self.network, A, c, common_row_free=self.spec.head == "softmax")
        self.diverged = False
        self._record_coefficients()

    def _record_coefficients(self) -> Collapse | None:
        if not self.spec.is_linear:
            return None
        col = self.collapse()
        W, b = col.coefficients()  # a linear network always collapses
        h = self.history
        if h.coef_epochs and h.coef_epochs[-1] == self.epoch:
            h.coef_W[-1], h.coef_b[-1] = W, b
        else:
            h.coef_epochs.append(self.epoch)
            h.coef_W.append(W)
            h.coef_b.append(b)
        return col

    # -- the loop ---------------------------------------------------------------------------

    def _blas_threads(self) -> int:
        if self.config.blas_threads > 0:
            return self.config.blas_threads
        # Two threads pay only for big matrix products (STACK-NOTES: 13x slower on small nets).
        widths = [lay.out_dim for lay in self.network.layers] + [self.spec.n_inputs]
        batch = self.config.batch_size or len(self.train_rows)
        return 2 if max(widths) >= 192 and batch >= 512 else 1

    def run(
        self,
        epochs: int | None = None,
        stop: threading.Event | None = None,
        progress: Callable[[TrainingSnapshot], None] | None = None,
        evaluate: bool = True,
    ) -> TrainingResult:
        """Train for ``epochs`` more epochs (default: up to ``config.epochs`` in total).

        Stops early when ``stop`` is set, when the loss plateaus (``patience``) or when it
        diverges. ``progress`` receives time-throttled snapshots from the calling thread.
        ``evaluate`` adds full-data metrics to the result (a forward pass over every row:
        callers that run one epoch at a time for speed can leave it out).
        """
        cfg = self.config
        target = self.epoch + epochs if epochs is not None else cfg.epochs
        # Overflow is expected when a run diverges: it is detected and reported, not warned.
        with (
            blas_threads(self._blas_threads()),
            np.errstate(over="ignore", invalid="ignore", divide="ignore"),
        ):
            return self._loop(target, stop, progress, evaluate)

    def _loop(self, target: int, stop, progress, evaluate: bool) -> TrainingResult:
        cfg = self.config
        net, opt = self.network, self.optimizer
        theta = net.theta
        n = len(self.Xtrain)
        bs = n if cfg.batch_size <= 0 else min(cfg.batch_size, n)
        h = self.history
        start_epoch, t0 = self.epoch, time.perf_counter()
        last_sent, sent_upto = 0.0, len(h.epochs)
        diverged = stopped = early = False
        message = ""
        previous: np.ndarray | None = None
        while self.epoch < target:
            if stop is not None and stop.is_set():
                stopped, message = True, "stopped"
                break
            saved, opt_saved = theta.copy(), opt.state()
            rng_saved = self.rng.bit_generator.state
            train_loss = self._epoch(bs, stop)
            if train_loss is None:  # stopped inside the epoch: undo it, so resuming is exact
                theta[...] = saved
                opt.restore(opt_saved)
                self.rng.bit_generator.state = rng_saved
                stopped, message = True, "stopped"
                break
            if self._diverging(train_loss, theta):
                # With the full batch the loss was measured before this epoch's step, so the
                # weights that produced it came from the previous epoch.
                theta[...] = previous if bs >= n and previous is not None else saved
                diverged = self.diverged = True
                message = (
                    f"training diverged in epoch {self.epoch + 1} (the loss grew without "
                    "bound); the last good weights were kept: try a smaller learning rate"
                )
                break
            previous = saved
            self.epoch += 1
            test_loss = (
                float(self.loss.value(net.forward(self.Xtest), self.Ytest))
                if len(self.Xtest)
                else math.nan
            )
            h.epochs.append(self.epoch)
            h.train_loss.append(train_loss)
            h.test_loss.append(test_loss)
            if cfg.patience > 0 and self._plateaued(test_loss if len(self.Xtest) else train_loss):
                early = True
                message = f"early stopping: no improvement for {cfg.patience} epochs"
                break
            now = time.perf_counter()
            if progress is not None and now - last_sent >= cfg.progress_interval:
                sent_upto = self._send(progress, sent_upto, done=False)
                last_sent = time.perf_counter()
        seconds = time.perf_counter() - t0
        col = self._record_coefficients()
        if progress is not None:
            self._send(progress, sent_upto, done=True, col=col)
        ran = self.epoch - start_epoch
        if diverged:
            log.info(message)
        return TrainingResult(
            epochs_run=ran,
            epoch=self.epoch,
            seconds=seconds,
            samples_per_second=(ran * n / seconds) if seconds > 0 else 0.0,
            diverged=diverged,
            stopped=stopped,
            early_stopped=early,
            message=message,
            # A stopped run returns at once (a closing window waits for it); its caller can
            # evaluate later, off the critical path.
            metrics=self.evaluate() if evaluate and not stopped else {},
        )

    def _epoch(self, bs: int, stop: threading.Event | None) -> float | None:
        """One pass over the training rows; its mean loss, or None when ``stop`` was set.

        The stop flag is read before every mini-batch (and every slice of a full batch), so
        a pause or a closing window never waits for a whole long epoch.
        """
        X, Y = self.Xtrain, self.Ytrain
        n = len(X)
        if bs < n:
            perm = self.rng.permutation(n)
            X, Y = X[perm], Y[perm]
        total = 0.0
        for s in range(0, n, bs):
            if stop is not None and stop.is_set():
                return None
            value = self._gradient(X[s : s + bs], Y[s : s + bs], stop)
            if value is None:
                return None
            total += value * min(bs, n - s)
            if not math.isfinite(value) or self._too_large(value):
                return math.inf  # the rest of the epoch would only make it worse
            self.optimizer.step(self.network.theta, self.network.grad)
        return total / n

    def _gradient(self, xb: np.ndarray, yb: np.ndarray, stop) -> float | None:
        """Fill the network's gradient (penalties included) for one batch; return its loss.

        A batch larger than a slice (see ``SLICE_WORK``) is done in slices whose gradients
        are summed (weighted by their rows), checking ``stop`` between slices.
        """
        net, loss, cfg = self.network, self.loss, self.config
        m = len(xb)
        rows = max(64, min(FULL_BATCH_SLICE, SLICE_WORK // max(1, net.n_params)))
        if m <= rows:
            value, d_out = loss.value_and_grad(net.forward(xb, train=True), yb)
            if math.isfinite(value):
                net.backward(d_out)
        else:
            acc = np.zeros_like(net.grad)
            value = 0.0
            for s in range(0, m, rows):
                if stop is not None and stop.is_set():
                    return None
                xs, ys = xb[s : s + rows], yb[s : s + rows]
                part, d_out = loss.value_and_grad(net.forward(xs, train=True), ys)
                share = len(xs) / m
                value += part * share
                if not math.isfinite(part):
                    return part
                net.backward(d_out)
                acc += share * net.grad
            net.grad[...] = acc
        if math.isfinite(value):
            theta, grad, mask = net.theta, net.grad, net.weight_mask
            if cfg.l2 > 0:
                grad += (2.0 * cfg.l2) * theta * mask
            if cfg.l1 > 0:
                grad += cfg.l1 * np.sign(theta) * mask
        return value

    def _reference_loss(self) -> float:
        """The loss of the first epoch, or of predicting zero if larger: a run whose loss
        grows ``DIVERGENCE_FACTOR`` times beyond it has diverged."""
        if self._zero_loss is None:
            self._zero_loss = float(self.loss.value(np.zeros_like(self.Ytrain), self.Ytrain))
        zero = self._zero_loss
        first = self.history.train_loss[0] if self.history.train_loss else 0.0
        ref = max(zero, first)
        return ref if ref > 0 else 1.0

    def _too_large(self, value: float) -> bool:
        return value > DIVERGENCE_FACTOR * self._reference_loss()

    def _diverging(self, train_loss: float, theta: np.ndarray) -> bool:
        """Non-finite loss or weights, or a loss grown without bound (Adam's bounded steps
        keep the weights finite while the loss explodes)."""
        if not (math.isfinite(train_loss) and math.isfinite(float(theta.sum()))):
            return True
        return self._too_large(train_loss)

    def _plateaued(self, value: float) -> bool:
        if value < self._best - self.config.min_delta * max(1.0, abs(self._best)):
            self._best = value
            self._since_best = 0
            return False
        self._since_best += 1
        return self._since_best >= self.config.patience

    def _send(self, progress, sent_upto: int, done: bool, col: Collapse | None = None) -> int:
        h = self.history
        if col is None and not done:
            col = self._record_coefficients()
        end = len(h.epochs)
        coef = None if col is None else col.coefficients()  # recorded ones are collapsible
        snap = TrainingSnapshot(
            epoch=self.epoch,
            epochs=np.asarray(h.epochs[sent_upto:end], dtype=np.int64),
            train_loss=np.asarray(h.train_loss[sent_upto:end]),
            test_loss=np.asarray(h.test_loss[sent_upto:end]),
            coef_epoch=self.epoch if col is not None else None,
            W=None if coef is None else coef[0].copy(),
            b=None if coef is None else coef[1].copy(),
            done=done,
        )
        progress(snap)
        return end


__all__ = [
    "LOSSES",
    "LossUnits",
    "Trainer",
    "TrainingConfig",
    "TrainingHistory",
    "TrainingResult",
    "TrainingSnapshot",
    "split_rows",
]
