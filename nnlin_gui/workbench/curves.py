"""Growing arrays of what training produced, kept by the controller for the plots.

Only the GUI thread touches a ``TrainingCurves``; the worker's snapshots carry just the
new points, which are appended here (amortised doubling, no per-frame copies). The plots
read views of the filled part.
"""

from __future__ import annotations

import numpy as np

from nnlin_gui.core.networks.training import TrainingHistory


class _Growing:
    """Columns of floats that grow together; stored column by column, so each series a
    plot reads is one contiguous array (strided views made pyqtgraph's bounds 10x slower)."""

    def __init__(self, columns: int) -> None:
        # 256 points to start, fewer for many columns: 20,001 coefficients x 256 was 41 MB
        # allocated and touched on the GUI thread for every new model (doubling follows).
        self._data = np.empty((columns, max(4, min(256, (1 << 16) // max(columns, 1)))))
        self.size = 0

    def extend(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self._data.shape[0])
        need = self.size + len(rows)
        if need > self._data.shape[1]:
            bigger = np.empty((self._data.shape[0], max(need, 2 * self._data.shape[1])))
            bigger[:, : self.size] = self._data[:, : self.size]
            self._data = bigger
        self._data[:, self.size : need] = rows.T
        self.size = need

    def column(self, j: int) -> np.ndarray:
        return self._data[j, : self.size]

    def view(self) -> np.ndarray:
        """Rows (size, columns): a transposed view, for reading whole points."""
        return self._data[:, : self.size].T


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
        if coef.size and coef.column(0)[-1] == epoch:
            coef.view()[-1, 1:] = values  # same epoch (e.g. after Solve): replace
        else:
            coef.extend(np.concatenate([[epoch], values]))

    @property
    def epochs(self) -> np.ndarray:
        return self._loss.column(0)

    @property
    def train_loss(self) -> np.ndarray:
        return self._loss.column(1)

    @property
    def test_loss(self) -> np.ndarray:
        return self._loss.column(2)

    @property
    def coef_epochs(self) -> np.ndarray:
        return self._coef.column(0)

    def coef_series(self, j: int) -> np.ndarray:
        """Coefficient ``j`` over the recorded epochs (contiguous)."""
        return self._coef.column(1 + j)

    @property
    def coef(self) -> np.ndarray:
        return self._coef.view()[:, 1:]

    def __len__(self) -> int:
        return self._loss.size
