"""The controller's Undo and Redo (``workbench.undo``): a training run, Reset, Solve
analytically, a typed weight or a new network on the same data taken back, or done again.
During a run, Undo first stops it, so it goes back to the weights before that run."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from nnlin_gui.workbench.undo import WeightState


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

    def _restore_weights(self, step: Callable[[], WeightState | None], done: str) -> None:
        if self.trainer is None:
            return
        state = step()
        if state is None:
            what = "undo" if done == "Undone" else "redo"
            self.message.emit(f"Nothing to {what} on this data.")
            return
        self.version += 1
        if state.model is not None:  # another network: every view hears of it
            self.layers_changed.emit(self.wb.layers)
            self.config_changed.emit(self.wb.config)
            self._model_views()
            self._update_results()
            self._request_baseline()
        else:
            self.model_reset.emit()
            self._update_results()
        epoch = self.trainer.epoch
        self.message.emit(f"{done}: {state.label}. The network is at epoch {epoch:,}.")
