"""The network builder: a list of hidden layers, an editor for the selected one, buttons to
add, remove, reorder and switch every activation, and the parameter count."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnlin_gui.core.networks.activations import ACTIVATION_NAMES
from nnlin_gui.core.networks.network import LayerSpec
from nnlin_gui.ui.widgets.network_diagram import ACT_LABEL

KINDS = {"dense": "Dense", "residual": "Residual block", "conv1d": "Conv 1-D"}
MAX_WIDTH = 512
MAX_LAYERS = 12


def _count(n: int, noun: str) -> str:
    """'1 unit', '8 units'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def describe(index: int, layer: LayerSpec) -> str:
    """One line per layer in the list."""
    act = ACT_LABEL.get(layer.activation, layer.activation)
    if layer.kind == "dense":
        return f"{index + 1}.  Dense · {_count(layer.width, 'unit')} · {act}"
    if layer.kind == "residual":
        return f"{index + 1}.  Residual · {_count(layer.depth, 'layer')} · {act}"
    return f"{index + 1}.  Conv 1-D · {layer.width} ch, kernel {layer.kernel_size} · {act}"


class BuilderPanel(QWidget):
    """objectName ``builderPanel``; the hidden layers live in the controller."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("builderPanel")
        self.controller = controller
        self._updating = False

        self.layer_list = QListWidget(objectName="layerList")
        self.layer_list.setToolTip("Hidden layers, from the inputs to the output")
        self.layer_list.setMinimumHeight(60)
        self.layer_list.setMaximumHeight(70)  # three rows: the column fits a 720-pixel screen
        self.add_button = QPushButton("Add", objectName="addLayerButton")
        self.remove_button = QPushButton("Remove", objectName="removeLayerButton")
        self.up_button = QPushButton("\u2191", objectName="moveLayerUpButton")
        self.down_button = QPushButton("\u2193", objectName="moveLayerDownButton")
        self.up_button.setToolTip("Move the selected layer up (towards the inputs)")
        self.down_button.setToolTip("Move the selected layer down (towards the output)")
        self.add_button.setToolTip("Add a layer after the selected one (a copy of it)")
        # One row (arrows for up and down): the Network column fits a 720-pixel screen.
        buttons = QGridLayout()
        buttons.addWidget(self.add_button, 0, 0)
        buttons.addWidget(self.remove_button, 0, 1)
        buttons.addWidget(self.up_button, 0, 2)
        buttons.addWidget(self.down_button, 0, 3)
        buttons.setColumnStretch(0, 2)
        buttons.setColumnStretch(1, 2)
        buttons.setColumnStretch(2, 1)
        buttons.setColumnStretch(3, 1)
        for arrow in (self.up_button, self.down_button):
            arrow.setMinimumWidth(32)  # not the style's 80

        self.kind_combo = QComboBox(objectName="layerKindCombo")
        for kind, label in KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.width_spin = QSpinBox(objectName="layerWidthSpin", minimum=1, maximum=MAX_WIDTH)
        self.width_spin.setToolTip("Units of a dense layer, channels of a convolution (1-512)")
        self.activation_combo = QComboBox(objectName="layerActivationCombo")
        for name in ACTIVATION_NAMES:
            self.activation_combo.addItem(ACT_LABEL.get(name, name), name)
        self.kernel_spin = QSpinBox(objectName="kernelSizeSpin", minimum=1, maximum=15)
        self.depth_spin = QSpinBox(objectName="residualDepthSpin", minimum=1, maximum=8)
        editor = QGroupBox("Selected layer")
        form = QFormLayout(editor)
        form.addRow("Kind", self.kind_combo)
        form.addRow("Width", self.width_spin)
        form.addRow("Activation", self.activation_combo)
        form.addRow("Kernel size", self.kernel_spin)
        form.addRow("Inner layers", self.depth_spin)
        self.form = form

        self.identity_button = QPushButton("All identity (linear)", objectName="allIdentityButton")
        self.identity_button.setToolTip(
            "Every activation the identity: the network collapses to y = W x + b"
        )
        self.relu_button = QPushButton("All ReLU", objectName="allReluButton")
        self.relu_button.setToolTip("Every activation ReLU: the network is no longer linear")
        switch = QGridLayout()
        switch.addWidget(self.identity_button, 0, 0)
        switch.addWidget(self.relu_button, 0, 1)
        self.param_label = QLabel(objectName="paramCountLabel")
        self.param_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.layer_list)
        layout.addLayout(buttons)
        layout.addLayout(switch)
        layout.addWidget(editor)
        layout.addWidget(self.param_label)
        layout.addStretch(1)

        self.layer_list.currentRowChanged.connect(self._show_selected)
        self.add_button.clicked.connect(self.add_layer)
        self.remove_button.clicked.connect(self.remove_layer)
        self.up_button.clicked.connect(lambda: self.move_layer(-1))
        self.down_button.clicked.connect(lambda: self.move_layer(1))
        self.identity_button.clicked.connect(lambda: self.set_all_activations("identity"))
        self.relu_button.clicked.connect(lambda: self.set_all_activations("relu"))
        self.kind_combo.activated.connect(self._edit)
        self.activation_combo.activated.connect(self._edit)
        for spin in (self.width_spin, self.kernel_spin, self.depth_spin):
            spin.editingFinished.connect(self._edit)
            spin.valueChanged.connect(self._edit_from_arrows)
        controller.layers_changed.connect(self._show_layers)
        controller.spec_changed.connect(self._show_count)
        self._show_layers(controller.layers)

    # -- intents ---------------------------------------------------------------------------------

    def _layers(self) -> list[LayerSpec]:
        return list(self.controller.layers)

    def add_layer(self) -> None:
        layers = self._layers()
        if len(layers) >= MAX_LAYERS:
            self.controller.error.emit(f"At most {MAX_LAYERS} hidden layers.")
            return
        row = self.layer_list.currentRow()
        new = layers[row] if 0 <= row < len(layers) else LayerSpec("dense", 4, "identity")
        pos = row + 1 if row >= 0 else len(layers)
        layers.insert(pos, new)
        self._select_after = pos
        self.controller.set_layers(tuple(layers))

    def remove_layer(self) -> None:
        layers = self._layers()
        row = self.layer_list.currentRow()
        if not 0 <= row < len(layers):
            return
        del layers[row]
        self._select_after = min(row, len(layers) - 1)
        self.controller.set_layers(tuple(layers))

    def move_layer(self, delta: int) -> None:
        layers = self._layers()
        row = self.layer_list.currentRow()
        dest = row + delta
        if not (0 <= row < len(layers) and 0 <= dest < len(layers)):
            return
        layers[row], layers[dest] = layers[dest], layers[row]
        self._select_after = dest
        self.controller.set_layers(tuple(layers))

    def set_all_activations(self, activation: str) -> None:
        self.controller.set_layers(
            tuple(replace(lay, activation=activation) for lay in self._layers())
        )

    def _edit_from_arrows(self) -> None:
        # Arrow clicks and wheel apply at once; typed digits wait for editingFinished.
        spin = self.sender()
        if spin is not None and not spin.hasFocus():
            self._edit()

    def _edit(self) -> None:
        if self._updating:
            return
        layers = self._layers()
        row = self.layer_list.currentRow()
        if not 0 <= row < len(layers):
            return
        new = LayerSpec(
            kind=self.kind_combo.currentData(),
            width=self.width_spin.value(),
            activation=self.activation_combo.currentData(),
            kernel_size=self.kernel_spin.value(),
            depth=self.depth_spin.value(),
        )
        if new != layers[row]:
            layers[row] = new
            self._select_after = row
            self.controller.set_layers(tuple(layers))

    # -- views -----------------------------------------------------------------------------------

    def _show_layers(self, layers) -> None:
        self._updating = True
        row = getattr(self, "_select_after", None)
        if row is None:
            row = max(0, self.layer_list.currentRow())
        self.layer_list.clear()
        for i, layer in enumerate(layers):
            self.layer_list.addItem(describe(i, layer))
        self.layer_list.setCurrentRow(min(row, len(layers) - 1))
        self._select_after = None
        self._updating = False
        self._show_selected(self.layer_list.currentRow())
        self.remove_button.setEnabled(len(layers) > 0)

    def _show_selected(self, row: int) -> None:
        layers = self._layers()
        valid = 0 <= row < len(layers)
        for w in (
            self.kind_combo,
            self.width_spin,
            self.activation_combo,
            self.kernel_spin,
            self.depth_spin,
        ):
            w.setEnabled(valid)
        self.up_button.setEnabled(valid and row > 0)
        self.down_button.setEnabled(valid and row < len(layers) - 1)
        if not valid:
            return
        layer = layers[row]
        self._updating = True
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(layer.kind))
        self.width_spin.setValue(layer.width)
        self.activation_combo.setCurrentIndex(self.activation_combo.findData(layer.activation))
        self.kernel_spin.setValue(layer.kernel_size)
        self.depth_spin.setValue(layer.depth)
        self.form.setRowVisible(self.width_spin, layer.kind != "residual")
        self.form.setRowVisible(self.kernel_spin, layer.kind == "conv1d")
        self.form.setRowVisible(self.depth_spin, layer.kind == "residual")
        self._updating = False

    def _show_count(self, spec) -> None:
        dims = [str(spec.n_inputs)]
        count = spec.parameter_count()
        from nnlin_gui.core.networks.network import Network

        net = Network(spec, seed=0, allocate=False)
        dims += [str(layer.out_dim) for layer in net.layers]
        shape = " → ".join(dims)
        # A classifier's collapsed map gives its logits (the sigmoid or softmax follows).
        lhs = "y" if spec.head == "identity" else "logits"
        linear = (
            f"<span style='color:#2e8b57'>linear: collapses to "
            f"{lhs} = W<sub>z</sub>x + b<sub>z</sub></span>"
            if spec.is_linear
            else "<span style='color:#d6601e'>nonlinear: no exact collapse</span>"
        )
        self.param_label.setText(f"<b>{shape}</b> · {count:,} parameters<br>{linear}")
        self.param_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
