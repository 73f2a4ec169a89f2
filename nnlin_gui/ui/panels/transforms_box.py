"""Feature transforms (objectName ``featureTransforms``): the Playground's x1², x2², x1·x2,
sin(x1), sin(x2) for two features; squares, pairwise products and sines of chosen columns
for any data. The ticked columns become network inputs (``controller.set_transforms``), so
an identity network on x and x² is a polynomial regression, and the collapse says so.

Checkboxes are named ``transform_sq_<col>``, ``transform_prod_<col>`` (two features:
``transform_prod``) and ``transform_sin_<col>``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from nnlin_gui.workbench.transforms import FeatureTransforms

MAX_ROWS = 12  # columns offered in the grid (a wide table would need a widget per column)


class TransformsBox(QGroupBox):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__("Feature transforms", parent)
        self.setObjectName("featureTransforms")
        self.setToolTip(
            "Add transformed columns as network inputs: an identity network on x and x² "
            "is a polynomial regression"
        )
        self.controller = controller
        self._features: tuple[str, ...] = ()
        self._boxes: dict[tuple[str, str], QCheckBox] = {}  # (kind, column) -> box
        self._updating = False
        self.grid_host = QWidget()
        self.note = QLabel(objectName="transformsNote")
        self.note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.grid_host)
        lay.addWidget(self.note)
        controller.dataset_changed.connect(self._on_dataset)

    # -- views ----------------------------------------------------------------------------

    def _on_dataset(self, ds) -> None:
        features = self.controller.base_features()
        if features != self._features:
            self._build(features)
        self._show(self.controller.transforms)

    def _build(self, features: tuple[str, ...]) -> None:
        self._features = features
        self._boxes.clear()
        old = self.grid_host.layout()
        if old is not None:
            QWidget().setLayout(old)  # re-parented: deleted with the throw-away widget
        grid = QGridLayout(self.grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        if len(features) == 2:
            self._playground(grid, *features)
        else:
            self._table(grid, features[:MAX_ROWS])
        left_out = len(features) - MAX_ROWS
        self.note.setVisible(left_out > 0)
        if left_out > 0:
            self.note.setText(f"The first {MAX_ROWS} of {len(features):,} columns are offered.")
        self.setVisible(bool(features))

    def _playground(self, grid: QGridLayout, a: str, b: str) -> None:
        """Two features: the Playground's five extra inputs."""
        items = [
            ("sq", a, f"{a}²", f"transform_sq_{a}"),
            ("sq", b, f"{b}²", f"transform_sq_{b}"),
            ("prod", "*", f"{a}·{b}", "transform_prod"),
            ("sin", a, f"sin({a})", f"transform_sin_{a}"),
            ("sin", b, f"sin({b})", f"transform_sin_{b}"),
        ]
        for i, (kind, col, text, name) in enumerate(items):
            box = self._box(kind, col, text, name)
            grid.addWidget(box, i // 3, i % 3)

    def _table(self, grid: QGridLayout, features: tuple[str, ...]) -> None:
        """Any number of features: a row per column with x², ×, sin."""
        for c, head in enumerate(("column", "x²", "× pairs", "sin")):
            grid.addWidget(QLabel(f"<i>{head}</i>"), 0, c)
        for r, col in enumerate(features, start=1):
            label = QLabel(col if len(col) <= 14 else col[:13] + "…")
            label.setToolTip(col)
            grid.addWidget(label, r, 0)
            for c, kind in enumerate(("sq", "prod", "sin"), start=1):
                if kind == "prod" and len(features) < 2:
                    continue  # a product needs two columns
                box = self._box(kind, col, "", f"transform_{kind}_{col}")
                box.setToolTip(
                    {"sq": f"{col}²", "prod": f"{col} times every other ticked column",
                     "sin": f"sin({col})"}[kind]
                )  # fmt: skip
                grid.addWidget(box, r, c)

    def _box(self, kind: str, col: str, text: str, name: str) -> QCheckBox:
        box = QCheckBox(text, objectName=name)
        box.toggled.connect(self._apply)
        self._boxes[(kind, col)] = box
        return box

    def _show(self, spec: FeatureTransforms) -> None:
        self._updating = True
        for (kind, col), box in self._boxes.items():
            if kind == "prod" and col == "*":
                on = set(self._features) <= set(spec.products)
            else:
                on = col in {"sq": spec.squares, "prod": spec.products, "sin": spec.sines}[kind]
            box.setChecked(on)
        self._updating = False

    # -- intents --------------------------------------------------------------------------

    def spec(self) -> FeatureTransforms:
        """The transforms as ticked (columns not offered keep their current transforms)."""
        current = self.controller.transforms
        offered = {col for _, col in self._boxes} | (
            set(self._features) if ("prod", "*") in self._boxes else set()
        )

        def ticked(kind: str, old: tuple[str, ...]) -> tuple[str, ...]:
            keep = [c for c in old if c not in offered]
            if kind == "prod" and ("prod", "*") in self._boxes:
                on = self._boxes[("prod", "*")].isChecked()
                return tuple(self._features) if on else tuple(keep)
            chosen = [c for c in self._features if (kind, c) in self._boxes]
            return tuple(keep + [c for c in chosen if self._boxes[(kind, c)].isChecked()])

        return FeatureTransforms(
            ticked("sq", current.squares),
            ticked("prod", current.products),
            ticked("sin", current.sines),
        )

    def _apply(self) -> None:
        if not self._updating:
            self.controller.set_transforms(self.spec())
