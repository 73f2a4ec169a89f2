"""The data panel: built-in datasets with their parameters, the open file, the target and
feature pickers, the summary in words, and a preview table.

Nothing here grows with the table on the GUI thread beyond a list of names: the feature
picker is a model with a filter (not an item per column), the target list is measured by
a fixed width (not by scanning every name), and the preview reads cells on demand."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.core.data.builtin import BuiltinInfo, builtin_info, builtin_names
from nnlin_gui.ui.panels.transforms_box import TransformsBox
from nnlin_gui.ui.widgets.dataset_gallery import attach_gallery
from nnlin_gui.ui.widgets.feature_list import FeatureListModel
from nnlin_gui.ui.widgets.table_model import FrameTableModel, RowNumberHeader, fit_target_column
from nnlin_gui.workbench.readouts import data_summary
from nnlin_gui.workbench.sources import choosable_columns, table_title

FILTER_FROM = 8  # columns from which the feature picker offers a filter and all/none


class DataPanel(QWidget):
    """objectName ``dataPanel``. Sends intents to the controller; redraws from its signals.

    Signals
    -------
    open_requested(): the user asked for the file dialog (the window owns it).
    """

    open_requested = Signal()

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataPanel")
        self.controller = controller
        self.catalog: list[BuiltinInfo] = [builtin_info(name) for name in builtin_names()]
        self._updating = False

        # Built-in datasets
        builtin = QGroupBox("Built-in dataset")
        self.dataset_combo = QComboBox(objectName="datasetCombo")
        self.dataset_combo.setPlaceholderText("(a file is open)")
        # Sized by a length, not the longest title: the column stays narrow on small screens.
        self.dataset_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.dataset_combo.setMinimumContentsLength(14)
        for info in self.catalog:
            self.dataset_combo.addItem(info.title, info.name)
        self.dataset_combo.setToolTip("Choose a teaching dataset; it is generated with a seed")
        self.description = QLabel(objectName="datasetDescription")
        self.description.setWordWrap(True)
        self.size_spin = QSpinBox(objectName="sizeSpin", minimum=10, maximum=1_000_000)
        self.size_spin.setSingleStep(50)
        self.size_spin.setGroupSeparatorShown(True)
        self.noise_spin = QDoubleSpinBox(objectName="noiseSpin", minimum=0.0, maximum=100.0)
        self.noise_spin.setDecimals(2)
        self.noise_spin.setSingleStep(0.1)
        self.data_seed_spin = QSpinBox(objectName="dataSeedSpin", minimum=0, maximum=1_000_000)
        self.params_box = QWidget(objectName="builtinParams")
        params = QGridLayout(self.params_box)
        params.setContentsMargins(0, 0, 0, 0)
        # One box a row: side by side they made the panel wider than a 1366x768 column.
        for row, (text, spin) in enumerate(
            (("Rows", self.size_spin), ("Noise", self.noise_spin), ("Seed", self.data_seed_spin))
        ):
            params.addWidget(QLabel(text), row, 0)
            params.addWidget(spin, row, 1)
        params.setColumnStretch(1, 1)
        lay = QVBoxLayout(builtin)
        lay.addWidget(self.dataset_combo)
        lay.addWidget(self.description)
        lay.addWidget(self.params_box)

        # File and columns
        columns = QGroupBox("Columns")
        self.source_label = QLabel(objectName="sourceLabel")
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open CSV…", objectName="openFileButton")
        self.open_button.setToolTip("Open a CSV or TSV file (or drop one on the window)")
        top = QHBoxLayout()
        top.addWidget(self.source_label, 1)
        top.addWidget(self.open_button)
        self.target_combo = QComboBox(objectName="targetCombo")
        self.target_combo.setToolTip("The column the network predicts")
        # Sized by a fixed length: the default measures every name (20,000 of them).
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target_combo.setMinimumContentsLength(7)
        self.task_combo = QComboBox(objectName="taskCombo")
        self.task_combo.addItem("Regression", "regression")
        self.task_combo.addItem("Classification", "classification")
        self.task_combo.setToolTip(
            "Fit the target's values as numbers (regression) or as class labels "
            "(classification: binary or multi-class as its values decide). Default: "
            "regression, unless the values are exactly 0 and 1 or text"
        )
        self.feature_model = FeatureListModel(self)
        self.feature_list = QListView(objectName="featureList")
        self.feature_list.setModel(self.feature_model)
        self.feature_list.setUniformItemSizes(True)  # no per-row measuring of 20,000 rows
        # Laid out 2,000 rows a turn: 20,000 at once held the GUI thread for 25 ms.
        self.feature_list.setLayoutMode(QListView.LayoutMode.Batched)
        self.feature_list.setBatchSize(2000)
        self.feature_list.setToolTip("Tick the columns used as inputs")
        features = self._feature_picker()
        self.summary = QLabel(objectName="dataSummary")
        self.summary.setWordWrap(True)
        form = QFormLayout(columns)
        form.addRow(top)
        form.addRow("Target", self.target_combo)
        form.addRow("Task", self.task_combo)  # its own row: the column fits 1366x768
        form.addRow("Features", features)
        form.addRow(self.summary)

        # Preview
        self.model = FrameTableModel(self)
        self.table = QTableView(objectName="dataTable")
        self.table.setVerticalHeader(RowNumberHeader(self.table))  # measured once a table
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(80)

        upper = QWidget()
        up = QVBoxLayout(upper)
        up.setContentsMargins(0, 0, 0, 0)
        up.addWidget(builtin)
        up.addWidget(columns)
        self.transforms = TransformsBox(controller)  # x1², x1·x2, sin x1 ... as inputs
        up.addWidget(self.transforms)
        self.gallery_button = attach_gallery(self)  # thumbnails of the built-in sets
        # A plain layout (not a splitter): wrapped descriptions get the height they need and
        # the preview takes the rest.
        self.table.setMinimumHeight(160)
        self._wide_column: int | None = None  # the target's column, widened to its header
        self._feature_rows = 2  # rows the feature list shows (its height follows the font)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(upper)
        outer.addWidget(self.table, 1)

        self._reload = QTimer(self, singleShot=True, interval=350)
        self._reload.timeout.connect(self._load_builtin)
        self.dataset_combo.activated.connect(self._on_dataset_picked)
        for spin in (self.size_spin, self.noise_spin, self.data_seed_spin):
            spin.valueChanged.connect(self._on_param_changed)
        self.open_button.clicked.connect(self.open_requested)
        self.target_combo.activated.connect(self._on_target_picked)
        self.task_combo.activated.connect(self._on_task_picked)
        self.feature_model.toggled.connect(self._on_feature_toggled)
        controller.table_changed.connect(self._on_table)
        controller.dataset_changed.connect(self._on_dataset)
        self._show_info(0)

    def _feature_picker(self) -> QWidget:
        """The feature list under a filter line with all / none buttons (wide tables)."""
        self.feature_filter = QLineEdit(objectName="featureFilter")
        self.feature_filter.setPlaceholderText("Filter the columns")
        self.feature_filter.setClearButtonEnabled(True)
        self.feature_filter.textChanged.connect(self.feature_model.set_filter)
        self.features_all = QPushButton("All", objectName="featuresAllButton")
        self.features_none = QPushButton("None", objectName="featuresNoneButton")
        self.features_all.setToolTip("Tick every column the filter shows")
        self.features_none.setToolTip("Untick every column the filter shows")
        for button in (self.features_all, self.features_none):
            button.setMinimumWidth(48)  # not the style's 80: the column fits 1280x720
        self.features_all.clicked.connect(lambda: self.feature_model.set_shown_checked(True))
        self.features_none.clicked.connect(lambda: self.feature_model.set_shown_checked(False))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.feature_filter, 1)
        row.addWidget(self.features_all)
        row.addWidget(self.features_none)
        self._filter_row = QWidget()
        self._filter_row.setLayout(row)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self._filter_row)
        lay.addWidget(self.feature_list)
        return box

    def _show_features(self, candidates: list[str], chosen) -> None:
        self.feature_model.set_columns(candidates, chosen)
        self._filter_row.setVisible(len(candidates) >= FILTER_FROM)
        self._feature_rows = max(2, min(6, len(candidates)))
        self._fit_feature_list()

    def _fit_feature_list(self) -> None:
        """Room for a few whole rows, in the list's font now (presentation mode enlarges
        it after the list was sized: at 1280x720 it showed a row and a half)."""
        row_height = max(
            self.feature_list.sizeHintForRow(0), self.feature_list.fontMetrics().height() + 4
        )
        self.feature_list.setFixedHeight(self._feature_rows * row_height + 6)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_feature_list()

    # -- intents ---------------------------------------------------------------------------------

    def _params(self) -> dict:
        return {
            "n": self.size_spin.value(),
            "noise": round(self.noise_spin.value(), 4),
            "seed": self.data_seed_spin.value(),
        }

    def _on_dataset_picked(self, index: int) -> None:
        self._show_info(index)
        self._load_builtin()

    def _on_param_changed(self) -> None:
        if not self._updating and self.dataset_combo.currentIndex() >= 0:
            self._reload.start()

    def _load_builtin(self) -> None:
        name = self.dataset_combo.currentData()
        if name:
            self.controller.load_builtin(name, self._params())

    def _on_target_picked(self, index: int) -> None:
        self.controller.set_target(self.target_combo.itemText(index))

    def _on_task_picked(self, index: int) -> None:
        self.controller.set_task(self.task_combo.itemData(index))

    def _on_feature_toggled(self) -> None:
        if not self._updating:
            self.controller.set_features(self.feature_model.checked_names())

    # -- views -----------------------------------------------------------------------------------

    def _show_info(self, index: int) -> None:
        if not 0 <= index < len(self.catalog):
            return
        info = self.catalog[index]
        self.description.setText(info.description)
        self._updating = True
        p = info.params
        self.size_spin.setValue(int(p.get("n", self.size_spin.value())))
        self.noise_spin.setValue(float(p.get("noise", self.noise_spin.value())))
        self.data_seed_spin.setValue(int(p.get("seed", self.data_seed_spin.value())))
        for spin, key in (
            (self.size_spin, "n"),
            (self.noise_spin, "noise"),
            (self.data_seed_spin, "seed"),
        ):
            spin.setEnabled(key in p)
        self._updating = False

    def _on_table(self, table) -> None:
        self._updating = True
        if table.source.startswith("builtin:"):
            name = table.source.split("?")[0][len("builtin:") :]
            index = self.dataset_combo.findData(name)
            self.params_box.show()
            if index != self.dataset_combo.currentIndex():
                self.dataset_combo.setCurrentIndex(index)
                self._show_info(index)
            self.source_label.setText(f"<b>{table_title(table)}</b> (built-in)")
        else:
            self.dataset_combo.setCurrentIndex(-1)
            # A file has no rows/noise/seed: the boxes would show another dataset's values.
            self.params_box.hide()
            self.description.setText("")
            self.source_label.setText(f"<b>{table_title(table)}</b>")
            self.source_label.setToolTip(table.source)
        self.target_combo.clear()
        self.target_combo.addItems(list(choosable_columns(table)))
        self.model.set_frame(table.frame)
        self._updating = False

    def _on_dataset(self, ds) -> None:
        self._updating = True
        self.target_combo.setCurrentText(ds.target_name)
        self.task_combo.setCurrentIndex(self.task_combo.findData(ds.task_kind))
        table = self.controller.table
        names = choosable_columns(table) if table is not None else ds.feature_names
        self._show_features([n for n in names if n != ds.target_name], ds.feature_names)
        self.model.set_roles(ds.target_name, ds.feature_names)
        self._wide_column = fit_target_column(self.table, self.model, self._wide_column)
        self.summary.setText(data_summary(table, ds))  # names the current target and roles
        self._updating = False
