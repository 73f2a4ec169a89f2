"""The controller's intents of the map and the feature transforms: transformed columns as
network inputs, points drawn by hand as the dataset, and saving them as CSV.

Each change is built and checked in full (``workbench.transforms``, ``workbench.drawn``)
before it replaces anything; a refusal says why in one sentence and changes nothing.
"""

from __future__ import annotations

from functools import partial

from nnlin_gui.core.errors import UserError
from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.drawn import DrawnPoints, drawn_table, is_drawn, save_csv
from nnlin_gui.workbench.state import dataset_for
from nnlin_gui.workbench.transforms import FeatureTransforms, base_features, check_transforms


class MapIntents:
    """Mixed into ``ModelController`` through ``DataIntents`` (signals, ``wb``, jobs)."""

    @property
    def transforms(self) -> FeatureTransforms:
        return self.wb.transforms

    def base_features(self) -> tuple[str, ...]:
        """The current dataset's own feature columns (without transformed ones)."""
        ds = self.dataset
        return () if ds is None else base_features(ds, self.wb.transforms)

    def set_transforms(self, spec: FeatureTransforms) -> None:
        """Add squares, pairwise products and sines of feature columns as network inputs
        (the dataset and the model are rebuilt; the collapse then names them)."""
        ds = self.dataset
        if self.table is None or ds is None or spec == self.wb.transforms:
            return
        try:
            check_transforms(spec, self.base_features())
        except UserError as exc:
            return self._refuse(exc)
        target, feats, task = ds.target_name, self.wb.feature_choice, self.wb.task_choice
        self._when_idle(partial(self._use_columns, target, feats, task, spec))

    def use_drawn_points(self, points: DrawnPoints) -> None:
        """Make the points drawn on the map the dataset (a new table, model and views)."""
        self._when_idle(partial(self._use_drawn, points))

    def _use_drawn(self, points: DrawnPoints) -> None:
        task = "classification" if points.classification else "regression"
        spec = self.wb.transforms  # x1², ... are made again from the drawn columns
        features = tuple(points.feature_names)
        try:
            table = drawn_table(points)
            dataset = dataset_for(table, points.target_name, features, task, spec)
            model = jobs.build_model(dataset, self.wb.layers, self.wb.config)
        except UserError as exc:
            return self.error.emit(str(exc))
        self._adopt_opened(jobs.Opened(table, dataset, model, task, features, spec))

    def save_table_csv(self, path: str) -> str | None:
        """Write the current table (drawn points, typically) to ``path`` as CSV."""
        if self.table is None:
            return None
        try:
            written = save_csv(self.table, path)
        except UserError as exc:
            self.error.emit(str(exc))
            return None
        what = "drawn points" if is_drawn(self.table) else "table"
        self.message.emit(f"Saved the {what} ({self.table.n_rows:,} rows) to {written}.")
        return written
