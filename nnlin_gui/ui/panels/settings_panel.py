"""Training settings: optimizer, learning rate (Playground presets or any value), batch size,
epochs, early stopping (patience), L1/L2 penalties, the share of rows held out for testing,
and the seed."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from nnlin_gui.core.networks.optimizers import OPTIMIZERS
from nnlin_gui.core.networks.training import TrainingConfig

# The TensorFlow Playground's learning rates.
LEARNING_RATES = (
    "0.00001",
    "0.0001",
    "0.001",
    "0.003",
    "0.01",
    "0.03",
    "0.1",
    "0.3",
    "1",
    "3",
    "10",
)
SPEEDS = (
    ("Slow: 20 epochs/s", 20.0),
    ("Watch: 100 epochs/s", 100.0),
    ("Fast: 1,000 epochs/s", 1000.0),
    ("Full speed", 0.0),
)
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}


class SettingsPanel(QWidget):
    """objectName ``settingsPanel``; every change becomes ``controller.set_config``."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPanel")
        self.controller = controller
        self._updating = False

        self.optimizer_combo = QComboBox(objectName="optimizerCombo")
        for name in OPTIMIZERS:
            self.optimizer_combo.addItem(OPTIMIZER_LABELS.get(name, name), name)
        self.lr_combo = QComboBox(objectName="learningRateCombo")
        self.lr_combo.setEditable(True)
        self.lr_combo.addItems(list(LEARNING_RATES))
        validator = QDoubleValidator(1e-9, 100.0, 9, self.lr_combo)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.lr_combo.setValidator(validator)
        self.lr_combo.setToolTip("A preset or any positive value (type it and press Enter)")
        self.batch_spin = QSpinBox(objectName="batchSizeSpin", minimum=0, maximum=1_000_000)
        self.batch_spin.setSpecialValueText("full batch")
        self.batch_spin.setToolTip("Rows per gradient step; 0 = all training rows at once")
        self.epochs_spin = QSpinBox(objectName="epochsSpin", minimum=1, maximum=10_000_000)
        self.epochs_spin.setSingleStep(100)
        self.epochs_spin.setGroupSeparatorShown(True)
        self.epochs_spin.setToolTip("Train runs until this many epochs (again from there)")
        self.patience_spin = QSpinBox(objectName="patienceSpin", minimum=0, maximum=1_000_000)
        self.patience_spin.setSpecialValueText("off")
        self.patience_spin.setSingleStep(10)
        self.patience_spin.setToolTip(
            "Early stopping: stop when the test loss (the training loss without test rows) "
            "has not improved for this many epochs; 0 = off"
        )
        self.l1_spin = self._penalty("l1Spin", "L1 penalty on the weights (sum |w|)")
        self.l2_spin = self._penalty(
            "l2Spin",
            "L2 penalty on every weight matrix (sum w²): ridge without a hidden layer, a "
            "point further along the ridge path with one (weight decay is not ridge)",
        )
        self.test_spin = QSpinBox(objectName="testFractionSpin", minimum=0, maximum=90)
        self.test_spin.setSuffix(" %")
        self.test_spin.setToolTip("Share of rows held out to measure the test loss")
        self.seed_spin = QSpinBox(objectName="seedSpin", minimum=0, maximum=1_000_000)
        self.seed_spin.setToolTip("Seeds the initial weights, the split and the batches")

        self.speed_combo = QComboBox(objectName="speedCombo")
        for label, pace in SPEEDS:
            self.speed_combo.addItem(label, pace)
        self.speed_combo.setToolTip("How fast training is shown; Full speed for real work")

        form = QFormLayout(self)
        form.setContentsMargins(4, 4, 4, 4)
        form.setVerticalSpacing(3)  # nine rows: the column fits a 720-pixel screen
        form.addRow("Optimizer", self.optimizer_combo)
        form.addRow("Learning rate", self.lr_combo)
        form.addRow("Batch size", self.batch_spin)
        form.addRow("Epochs", self.epochs_spin)
        form.addRow("Early stop", self.patience_spin)
        form.addRow("L1", self.l1_spin)
        form.addRow("L2", self.l2_spin)
        form.addRow("Test rows", self.test_spin)
        form.addRow("Seed", self.seed_spin)
        form.addRow("Speed", self.speed_combo)

        self.optimizer_combo.activated.connect(self._apply)
        self.lr_combo.activated.connect(self._apply)
        self.lr_combo.lineEdit().editingFinished.connect(self._apply)
        for spin in (
            self.batch_spin,
            self.epochs_spin,
            self.patience_spin,
            self.l1_spin,
            self.l2_spin,
            self.test_spin,
            self.seed_spin,
        ):
            spin.editingFinished.connect(self._apply)
            spin.valueChanged.connect(self._apply_from_arrows)
        self.speed_combo.activated.connect(self._apply_speed)
        controller.config_changed.connect(self.show_config)
        controller.pace_changed.connect(self.show_pace)
        self.show_config(controller.config)
        self.show_pace(controller.pace)

    def _apply_speed(self, index: int) -> None:
        self.controller.set_pace(float(self.speed_combo.itemData(index)))

    def show_pace(self, pace: float) -> None:
        index = self.speed_combo.findData(float(pace))
        if index < 0:
            self.speed_combo.addItem(f"{pace:g} epochs/s", float(pace))
            index = self.speed_combo.count() - 1
        self.speed_combo.setCurrentIndex(index)

    @staticmethod
    def _penalty(name: str, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(objectName=name, minimum=0.0, maximum=10.0)
        spin.setDecimals(5)
        spin.setSingleStep(0.001)
        spin.setToolTip(tip)
        return spin

    def _apply_from_arrows(self) -> None:
        spin = self.sender()
        if spin is not None and not spin.hasFocus():
            self._apply()

    def config(self) -> TrainingConfig:
        """The settings as shown (learning rate: the last valid value)."""
        cfg = self.controller.config
        try:
            lr = float(self.lr_combo.currentText())
        except ValueError:
            lr = cfg.learning_rate
        return replace(
            cfg,
            optimizer=self.optimizer_combo.currentData(),
            learning_rate=lr if lr > 0 else cfg.learning_rate,
            batch_size=self.batch_spin.value(),
            epochs=self.epochs_spin.value(),
            patience=self.patience_spin.value(),
            l1=self.l1_spin.value(),
            l2=self.l2_spin.value(),
            test_fraction=self.test_spin.value() / 100.0,
            seed=self.seed_spin.value(),
        )

    def _apply(self) -> None:
        if not self._updating:
            self.controller.set_config(self.config())

    def show_config(self, cfg: TrainingConfig) -> None:
        self._updating = True
        self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(cfg.optimizer))
        self.lr_combo.setCurrentText(f"{cfg.learning_rate:g}")
        self.batch_spin.setValue(cfg.batch_size)
        self.epochs_spin.setValue(cfg.epochs)
        self.patience_spin.setValue(cfg.patience)
        self.l1_spin.setValue(cfg.l1)
        self.l2_spin.setValue(cfg.l2)
        self.test_spin.setValue(int(round(cfg.test_fraction * 100)))
        self.seed_spin.setValue(cfg.seed)
        self._updating = False
