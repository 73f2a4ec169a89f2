"""The controller's Undo and Redo of the weights (``workbench.undo``): a training run,
Reset, Solve analytically or a typed weight taken back, or done again. During a run, Undo
first stops it, so it goes back to the weights before that run."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial


class UndoIntents:
    """Mixed into ``ModelController`` (signals, ``wb``, ``_when_idle``)."""

    @property
    def undo_label(self) -> str | None:
        """What Undo would take back ("Reset", "training"...), None when nothing."""
        return self.wb.weight_history.undo_label

    @property
    def redo_label(self) -> str | None:
        return self.wb.weight_history.redo_label

    def undo(self) -> None:
        self._when_idle(partial(self._restore_weights, self.wb.undo_weights, "Undone"))

    def redo(self) -> None:
        self._when_idle(partial(self._restore_weights, self.wb.redo_weights, "Redone"))

    def _restore_weights(self, step: Callable[[], str | None], done: str) -> None:
        if self.trainer is None:
            return
        label = step()
        if label is None:
            what = "undo" if done == "Undone" else "redo"
            self.message.emit(
                f"Nothing to {what}: only training, Reset, Solve and weight edits are kept."
            )
            return
        self.version += 1
        self.model_reset.emit()
        self._update_results()
        self.message.emit(f"{done}: {label}. The network is at epoch {self.trainer.epoch:,}.")
