"""Feature transforms the user ticks (the Playground's x1², x2², x1·x2, sin x1, sin x2).

A ``FeatureTransforms`` spec is kept by the ``Workbench`` and applied whenever the dataset
is built from the table, so the network's inputs, the closed-form baseline and the
collapse equation all name the transformed columns: an identity network on x and x² is a
polynomial regression, and the window says so in those words.

The values come from ``core.data.features``; the names are written for people (``x1²``,
``x1·x2``, ``sin(x1)``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from nnlin_gui.core.data.features import interaction_features, polynomial_features, trig_features
from nnlin_gui.core.data.tables import Dataset
from nnlin_gui.core.errors import DataError

MAX_PRODUCT_COLUMNS = 20  # 190 pairwise products: more would swamp the network's inputs


@dataclass(frozen=True)
class FeatureTransforms:
    """Which feature columns get a square, take part in pairwise products, get a sine."""

    squares: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # every pair of these columns is multiplied
    sines: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """No new column (fewer than two product columns make no product)."""
        return not (self.squares or self.sines or len(self.products) >= 2)

    def columns(self) -> set[str]:
        return set(self.squares) | set(self.products) | set(self.sines)

    def restricted_to(self, features: Sequence[str]) -> FeatureTransforms:
        """The same spec without the columns that are no longer features."""
        keep = set(features)
        return FeatureTransforms(
            tuple(c for c in self.squares if c in keep),
            tuple(c for c in self.products if c in keep),
            tuple(c for c in self.sines if c in keep),
        )

    def new_names(self, features: Sequence[str]) -> tuple[str, ...]:
        """The added columns' names, in feature order: squares, products, sines."""
        order = [f for f in features]
        sq = [f"{c}²" for c in order if c in self.squares]
        chosen = [c for c in order if c in self.products]
        pr = [f"{a}·{b}" for a, b in itertools.combinations(chosen, 2)]
        sn = [f"sin({c})" for c in order if c in self.sines]
        return tuple(sq + pr + sn)

    def is_polynomial(self, features: Sequence[str]) -> bool:
        """Squares of every feature and nothing else: the inputs of a degree-2
        polynomial regression without cross terms (``fit_polynomial(X, y, 2)``)."""
        return (
            bool(self.squares)
            and bool(features)
            and set(self.squares) == set(features)
            and not self.sines
            and len(self.products) < 2
        )


NO_TRANSFORMS = FeatureTransforms()


def check_transforms(spec: FeatureTransforms, features: Sequence[str]) -> None:
    """Raise ``DataError`` (one sentence) when ``spec`` cannot apply to ``features``."""
    unknown = sorted(spec.columns() - set(features))
    if unknown:
        raise DataError(f"cannot transform {unknown[0]!r}: it is not a feature column")
    if len(spec.products) > MAX_PRODUCT_COLUMNS:
        raise DataError(
            f"choose at most {MAX_PRODUCT_COLUMNS} columns for pairwise products "
            f"({len(spec.products)} chosen)"
        )
    clash = set(spec.new_names(features)) & set(features)
    if clash:
        raise DataError(f"a column is already named {sorted(clash)[0]!r}")


def apply_transforms(dataset: Dataset, spec: FeatureTransforms) -> Dataset:
    """``dataset`` with the transformed columns added after its features.

    Raises
    ------
    DataError
        A column that is not a feature, too many product columns, or values that
        overflow (a square of 1e200).
    """
    if spec.empty:
        return dataset
    names = dataset.feature_names
    check_transforms(spec, names)
    X = dataset.X
    blocks = [X]
    squares = [c for c in names if c in spec.squares]
    if squares:
        idx = [names.index(c) for c in squares]
        # Pure powers up to 2: the degree-1 columns first, then the squares.
        powers, _ = polynomial_features(X[:, idx], squares, 2, interactions=False)
        blocks.append(powers[:, len(idx) :])
    products = [c for c in names if c in spec.products]
    if len(products) >= 2:
        blocks.append(interaction_features(X, names, products)[0])
    sines = [c for c in names if c in spec.sines]
    if sines:
        blocks.append(trig_features(X, names, sines, sin=True, cos=False)[0])
    Xt = np.ascontiguousarray(np.column_stack(blocks))
    return replace(dataset, X=Xt, feature_names=names + spec.new_names(names))


def base_features(dataset: Dataset, spec: FeatureTransforms) -> tuple[str, ...]:
    """The dataset's own feature columns, without the ones ``spec`` added."""
    if spec.empty:
        return tuple(dataset.feature_names)  # nothing added (and 20,000 names not scanned)
    added = set(spec.new_names(dataset.feature_names))
    return tuple(n for n in dataset.feature_names if n not in added)
