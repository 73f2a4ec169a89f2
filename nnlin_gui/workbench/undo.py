"""Undo and redo of what changes the trained weights: a training run, Reset, Solve
analytically and a weight typed in. Each keeps a copy of the trainer from before it
(``Trainer.copy``: parameters, optimizer, RNG and history; the rows are shared), so a click
on Reset after minutes of training is never the end of them.

A new network on the same data (other layers, or a setting that restarts training) is a
step too: it keeps the whole model it replaces (trainer, fit view, diagram; with the
trainer's standardised rows, so only for data below ``state.is_large``), and the steps
before it belong to that model. Other data starts a new history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nnlin_gui.core.networks.network import LayerSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig

if TYPE_CHECKING:
    from nnlin_gui.workbench.jobs import Model

#: What the copies may hold together; the oldest go first.
MAX_BYTES = 256 << 20
MAX_STEPS = 30


@dataclass(frozen=True)
class WeightState:
    """A trainer as it was, with what was done to it next (``label``: "Reset", ...)."""

    label: str
    trainer: Trainer
    solved: bool
    nbytes: int
    # A network change: the model it replaced, with its layers and settings.
    model: Model | None = None
    layers: tuple[LayerSpec, ...] = ()
    config: TrainingConfig | None = None


@dataclass(frozen=True)
class Current:
    """What the workbench has now (goes on the other stack when a step is undone)."""

    model: Model
    layers: tuple[LayerSpec, ...]
    config: TrainingConfig
    solved: bool


def trainer_bytes(trainer: Trainer, rows: bool = False) -> int:
    """The bytes a copy of ``trainer`` holds (its parameters, optimizer and history; with
    ``rows``, the trainer itself with its standardised rows)."""
    theta = trainer.network.theta.nbytes
    h = trainer.history
    curves = sum(w.nbytes for w in h.coef_W) + sum(b.nbytes for b in h.coef_b)
    data = trainer.Xs.nbytes + trainer.Ys.nbytes if rows else 0
    return 3 * theta + curves + 24 * len(h.epochs) + data


class WeightHistory:
    """Two stacks of ``WeightState``: what Undo goes back to and what Redo goes forward to."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_steps: int = MAX_STEPS) -> None:
        self.max_bytes, self.max_steps = max_bytes, max_steps
        self._undo: list[WeightState] = []
        self._redo: list[WeightState] = []

    @property
    def undo_label(self) -> str | None:
        """What Undo would take back ("Reset"), None when nothing."""
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()

    def forget_last(self) -> None:
        """Drop the last state kept (the change it was kept for did not happen)."""
        if self._undo:
            self._undo.pop()

    def record(self, label: str, trainer: Trainer, solved: bool) -> bool:
        """Keep ``trainer`` as it is before ``label`` changes it; False when a copy would
        not fit in ``max_bytes`` (that change cannot be undone)."""
        self._redo.clear()
        size = trainer_bytes(trainer)
        if size > self.max_bytes:
            self._undo.clear()  # older states would skip this change on their way back
            return False
        self._undo.append(WeightState(label, trainer.copy(), solved, size))
        self._trim()
        return True

    def record_model(self, label: str, current: Current) -> bool:
        """Keep the whole model ``current`` before a new network replaces it (it is not
        used any more: no copy)."""
        self._redo.clear()
        size = trainer_bytes(current.model.trainer, rows=True)
        if size > self.max_bytes:
            self._undo.clear()
            return False
        self._undo.append(_model_state(label, current, size))
        self._trim()
        return True

    def undo(self, current: Current) -> WeightState | None:
        """The state before the last change; ``current`` goes on the redo stack."""
        return self._swap(self._undo, self._redo, current)

    def redo(self, current: Current) -> WeightState | None:
        return self._swap(self._redo, self._undo, current)

    @staticmethod
    def _swap(source, target, current: Current) -> WeightState | None:
        if not source:
            return None
        state = source.pop()
        # The trainer (or model) itself, not a copy: the workbench stops using it.
        if state.model is not None:
            size = trainer_bytes(current.model.trainer, rows=True)
            target.append(_model_state(state.label, current, size))
        else:
            trainer = current.model.trainer
            target.append(WeightState(state.label, trainer, current.solved, trainer_bytes(trainer)))
        return state

    def _trim(self) -> None:
        while len(self._undo) > self.max_steps or (
            len(self._undo) > 1 and sum(s.nbytes for s in self._undo) > self.max_bytes
        ):
            self._undo.pop(0)


def _model_state(label: str, current: Current, nbytes: int) -> WeightState:
    trainer = current.model.trainer
    return WeightState(
        label, trainer, current.solved, nbytes, current.model, current.layers, current.config
    )
