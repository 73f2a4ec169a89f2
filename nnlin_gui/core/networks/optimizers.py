"""SGD, momentum and Adam over one flat parameter vector (in place, no per-array loops)."""

from __future__ import annotations

import numpy as np

from nnlin_gui.core.errors import SpecError

OPTIMIZERS = ("sgd", "momentum", "adam")


class Optimizer:
    """Updates ``theta`` in place from ``grad``; state is sized to the flat vector."""

    def __init__(
        self,
        name: str,
        n_params: int,
        lr: float,
        momentum: float = 0.9,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        if name not in OPTIMIZERS:
            raise SpecError(f"unknown optimizer {name!r}; use {', '.join(OPTIMIZERS)}")
        if not (lr > 0 and np.isfinite(lr)):
            raise SpecError(f"the learning rate must be a positive number, not {lr}")
        self.name, self.lr = name, float(lr)
        self.momentum, self.beta1, self.beta2, self.eps = momentum, beta1, beta2, eps
        self.t = 0
        self.m = np.zeros(n_params)
        self.v = np.zeros(n_params) if name == "adam" else None
        self._tmp = np.empty(n_params)

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One update of ``theta`` (in place)."""
        if self.name == "sgd":
            theta -= self.lr * grad
            return
        if self.name == "momentum":
            self.m *= self.momentum
            self.m += grad
            theta -= self.lr * self.m
            return
        self.t += 1
        b1, b2, tmp = self.beta1, self.beta2, self._tmp
        m, v = self.m, self.v
        assert v is not None  # allocated for adam
        m *= b1
        m += (1.0 - b1) * grad
        np.multiply(grad, grad, out=tmp)
        v *= b2
        tmp *= 1.0 - b2
        v += tmp
        # Bias corrections folded into the step size and epsilon (as in the Adam paper).
        c1 = 1.0 - b1**self.t
        c2 = 1.0 - b2**self.t
        step = self.lr * np.sqrt(c2) / c1
        np.sqrt(v, out=tmp)
        tmp += self.eps * np.sqrt(c2)
        np.divide(m, tmp, out=tmp)
        tmp *= step
        theta -= tmp

    def state(self) -> dict:
        return {"t": self.t, "m": self.m.copy(), "v": None if self.v is None else self.v.copy()}

    def copy(self) -> Optimizer:
        """An independent optimizer in the same state."""
        other = Optimizer(
            self.name, len(self.m), self.lr, self.momentum, self.beta1, self.beta2, self.eps
        )
        other.restore(self.state())
        return other

    def restore(self, state: dict) -> None:
        """Put back a ``state()`` taken earlier (an interrupted epoch is undone with it)."""
        self.t = int(state["t"])
        self.m[...] = state["m"]
        if self.v is not None and state["v"] is not None:
            self.v[...] = state["v"]
