"""Growing arrays of what training produced, kept by the controller for the plots.

Only the GUI thread touches a ``TrainingCurves``; the worker's snapshots carry just the
new points, which are appended here (amortised doubling, no per-frame copies). The plots
read views of the filled part.
"""

from __future__ import annotations

import numpy as np

from nnlin_gui.core.training import TrainingHistory


class _Growing:
    """A 2-D float array that grows by rows."""

    def __init__(self, columns: int) -> None:
        self._data = np.empty((256, columns))
        self.size = 0

    def extend(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self._data.shape[1])
        need = self.size + len(rows)
        if need > len(self._data):
            bigger = np.empty((max(need, 2 * len(self._data)), self._data.shape[1]))
            bigger[: self.size] = self._data[: self.size]
            self._data = bigger
        self._data[self.size : need] = rows
        self.size = need

    def view(self) -> np.ndarray:
        return self._data[: self.size]


class TrainingCurves:
    """Loss curves and the collapsed coefficients over the epochs.

    ``coef`` columns are the entries of W_z (row by row) followed by b_z.
    """

    def __init__(self, n_coef: int = 0) -> None:
        self.n_coef = n_coef
        self._loss = _Growing(3)  # epoch, train, test
        self._coef = _Growing(1 + n_coef)  # epoch, coefficients...

    @classmethod
    def from_history(cls, history: TrainingHistory, n_coef: int) -> TrainingCurves:
        """Curves holding everything a trainer's history already has."""
        curves = cls(n_coef)
        if history.epochs:
            curves._loss.extend(
                np.column_stack([history.epochs, history.train_loss, history.test_loss])
            )
        for epoch, W, b in zip(history.coef_epochs, history.coef_W, history.coef_b, strict=True):
            curves.add_coefficients(epoch, W, b)
        return curves

    def extend_loss(self, epochs: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
        if len(epochs):
            self._loss.extend(np.column_stack([epochs, train, test]))

    def add_coefficients(self, epoch: int, W: np.ndarray, b: np.ndarray) -> None:
        self.add_coefficient_row(epoch, np.concatenate([np.ravel(W), np.ravel(b)]))

    def add_coefficient_row(self, epoch: int, values: np.ndarray) -> None:
        """Append W_z entries then b_z at ``epoch`` (replacing a point at the same epoch)."""
        if len(values) != self.n_coef:
            return
        coef = self._coef
        if coef.size and coef.view()[-1, 0] == epoch:
            coef.view()[-1, 1:] = values  # same epoch (e.g. after Solve): replace
        else:
            coef.extend(np.concatenate([[epoch], values]))

    @property
    def epochs(self) -> np.ndarray:
        return self._loss.view()[:, 0]

    @property
    def train_loss(self) -> np.ndarray:
        return self._loss.view()[:, 1]

    @property
    def test_loss(self) -> np.ndarray:
        return self._loss.view()[:, 2]

    @property
    def coef_epochs(self) -> np.ndarray:
        return self._coef.view()[:, 0]

    @property
    def coef(self) -> np.ndarray:
        return self._coef.view()[:, 1:]

    def __len__(self) -> int:
        return self._loss.size
