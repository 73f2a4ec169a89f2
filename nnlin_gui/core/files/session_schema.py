"""The session file's layout (format version 1), read field by field with explicit bounds.

``state_from_document`` turns a parsed document into a ``SessionState`` or raises one
``SessionError`` naming the first bad field (``network.layers[1].width must be an integer
from 1 to 4,096, not 1e400``). Every number is bounded, every float finite, every size checked
against the data and the network before anything large is allocated, so what passes can be
built into a ``Trainer`` and drawn without further surprises. Qt-free.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from nnlin_gui.core.data.tables import Dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.session_fields import (
    SessionError,
    at,
    need_array,
    need_bool,
    need_choice,
    need_finite,
    need_int,
    need_keys,
    need_number,
    need_object,
    need_plain_json,
    need_text,
    need_texts,
    show,
)
from nnlin_gui.core.networks.activations import ACTIVATION_NAMES
from nnlin_gui.core.networks.network import HEADS, LAYER_KINDS, LayerSpec, Network, NetworkSpec
from nnlin_gui.core.networks.network import MAX_WIDTH as NETWORK_MAX_WIDTH
from nnlin_gui.core.networks.optimizers import OPTIMIZERS
from nnlin_gui.core.networks.training import TrainingConfig, TrainingHistory
from nnlin_gui.core.statistics.fitting import head_for_task

log = logging.getLogger(__name__)

__all__ = ["SessionState", "file_sha256", "state_from_document"]

# Limits. Widths are the network spec's own (anything the program can build, it can
# reopen); the rest keep a damaged file from asking for more memory or time than any real
# session needs.
MAX_WIDTH = NETWORK_MAX_WIDTH
MAX_LAYERS = 32
MAX_KERNEL = 63
MAX_DEPTH = 16
MAX_FEATURES = 100_000
MAX_OUTPUTS = 1000
MAX_PARAMETERS = 20_000_000
MAX_UNITS = 1 << 16  # values one hidden layer passes on (a convolution: length x channels)
MAX_EPOCH = 10**10
MAX_COUNT = 10**12
MAX_SEED = 2**32 - 1
TASKS = ("regression", "binary", "multiclass")
_EXTRA_DEPTH = 16
_EXTRA_NODES = 10_000

_TOP_KEYS = (
    "format",
    "version",
    "data",
    "network",
    "training",
    "seed",
    "parameters",
    "epoch",
    "history",
    "optimizer",
    "rng",
    "progress",
    "extra",
)
_DATA_KEYS = (
    "source",
    "target",
    "features",
    "target_name",
    "feature_names",
    "task",
    "class_labels",
    "rows_dropped",
    "embedded",
)
#: The feature transforms' lists (``data.transforms``, optional): the fields of the
#: workbench's ``FeatureTransforms``.
TRANSFORM_KINDS = ("squares", "products", "sines")
_LAYER_KEYS = ("kind", "width", "activation", "kernel_size", "depth")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class SessionState:
    """Everything a session file holds.

    Attributes
    ----------
    dataset : the arrays the network trains on (embedded, or re-read from ``source``)
    source : file path or ``builtin:NAME?...`` the data came from
    target, features : the columns asked for (``features`` None means "all")
    spec : the network
    config : the training settings (``config.seed`` is the session's seed)
    theta : trained parameters, or None for an untrained network
    epoch : epochs trained so far
    history : loss curves (and collapsed coefficients per recorded epoch)
    optimizer : optimizer state ``{"t", "m", "v"}`` (None: fresh optimizer)
    rng_state : state of the trainer's shuffling RNG (None: fresh from the seed)
    progress : early-stopping and divergence bookkeeping
    extra : free JSON for the GUI (lesson progress, view settings, ...)
    transforms : the feature transforms whose columns end ``dataset.feature_names``
        (``{"squares", "products", "sines"}``: tuples of base column names; empty: none)
    embedded : whether the data is stored in the file (else ``data_sha256`` checks it)
    """

    dataset: Dataset
    spec: NetworkSpec
    config: TrainingConfig
    source: str = ""
    target: str | None = None
    features: list[str] | None = None
    theta: np.ndarray | None = None
    epoch: int = 0
    history: TrainingHistory = field(default_factory=TrainingHistory)
    optimizer: dict | None = None
    rng_state: Mapping[str, Any] | None = None
    progress: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    transforms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    embedded: bool = True
    data_sha256: str | None = None

    @property
    def seed(self) -> int:
        return int(self.config.seed)


def file_sha256(path: str) -> str:
    """SHA-256 of a file, read in 1 MB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def state_from_document(doc: dict, session_dir: str) -> SessionState:
    """Check every field of a parsed session document and build its ``SessionState``.

    Parameters
    ----------
    doc : the parsed JSON (its ``format`` and ``version`` already checked)
    session_dir : folder of the session file (referenced data may sit beside it)

    Raises
    ------
    SessionError
        One line naming the first field that is missing, unknown, of the wrong type, out
        of bounds or inconsistent with the data or the network.
    """
    need_keys(doc, "", _TOP_KEYS)
    data = need_object(doc["data"], "data")
    dataset, digest = _dataset_from(data, session_dir)
    spec, n_params = _spec_from(doc["network"], dataset)
    config = _config_from(doc["training"])
    seed = need_int(doc["seed"], "seed", 0, MAX_SEED)
    if seed != config.seed:
        raise SessionError(f"seed is {seed} but training.seed is {config.seed}")
    epoch = need_int(doc["epoch"], "epoch", 0, MAX_EPOCH)
    features = data["features"]
    return SessionState(
        dataset=dataset,
        spec=spec,
        config=config,
        source=data["source"],
        target=data["target"],
        features=None if features is None else list(features),
        theta=_parameters_from(doc["parameters"], n_params),
        epoch=epoch,
        history=_history_from(doc["history"], epoch, spec, _has_test_rows(dataset, config)),
        optimizer=_optimizer_from(doc["optimizer"], config, n_params),
        rng_state=_rng_from(doc["rng"]),
        progress=_progress_from(doc["progress"]),
        extra=_extra_from(doc["extra"]),
        transforms=_transforms_from(data.get("transforms"), dataset),
        embedded=digest is None,
        data_sha256=digest,
    )


# --------------------------------------------------------------------------------- data


def _dataset_from(d: dict, session_dir: str) -> tuple[Dataset, str | None]:
    """The dataset and, for referenced data, the digest it was checked against."""
    optional = ("transforms",)
    need_keys(
        d, "data", ("embedded",), _DATA_KEYS + ("X", "y", "path", "sha256", "size") + optional
    )
    embedded = need_bool(d["embedded"], "data.embedded")
    stored = ("X", "y") if embedded else ("path", "sha256", "size")
    need_keys(d, "data", _DATA_KEYS + stored, optional)
    need_text(d["source"], "data.source")
    if d["target"] is not None:
        need_text(d["target"], "data.target")
    if d["features"] is not None:
        need_texts(d["features"], "data.features", MAX_FEATURES)
    if embedded:
        return _embedded_dataset(d), None
    return _referenced_dataset(d, session_dir)


def _embedded_dataset(d: dict) -> Dataset:
    X = need_array(d["X"], "data.X", 2)
    n, k = X.shape
    if n < 2 or not 1 <= k <= MAX_FEATURES:
        raise SessionError(
            f"data.X must have at least 2 rows and 1 to {MAX_FEATURES:,} columns, "
            f"not shape {list(X.shape)}"
        )
    y = need_array(d["y"], "data.y", 1)
    if len(y) != n:
        raise SessionError(f"data.y has {len(y):,} values but data.X has {n:,} rows")
    need_finite(X, "data.X")
    need_finite(y, "data.y")
    names = need_texts(d["feature_names"], "data.feature_names", MAX_FEATURES, unique=True)
    if len(names) != k:
        raise SessionError(
            f"data.feature_names has {len(names):,} names but data.X has {k:,} columns"
        )
    target_name = need_text(d["target_name"], "data.target_name", empty_ok=False)
    if target_name in names:
        raise SessionError(f"data.target_name {show(target_name)} is also a feature name")
    task = need_choice(d["task"], "data.task", TASKS)
    labels = need_texts(d["class_labels"], "data.class_labels", MAX_OUTPUTS)
    _check_classes(y, task, labels)
    return Dataset(
        X=X,
        y=y,
        feature_names=names,
        target_name=target_name,
        task=task,
        source=d["source"],
        rows_dropped=need_int(d["rows_dropped"], "data.rows_dropped", 0, MAX_COUNT),
        class_labels=labels,
    )


def _transforms_from(value: Any, dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """The feature transforms (absent in files without any): lists of base columns whose
    squares, pairwise products and sines are the last columns of ``data.feature_names``.

    Only counts are checked here; the added columns' names are the workbench's to check.
    """
    if value is None:
        return {}
    d = need_object(value, "data.transforms")
    need_keys(d, "data.transforms", TRANSFORM_KINDS)
    spec = {
        kind: need_texts(d[kind], at("data.transforms", kind), MAX_FEATURES, unique=True)
        for kind in TRANSFORM_KINDS
    }
    names = dataset.feature_names
    n_products = len(spec["products"])
    added = len(spec["squares"]) + n_products * (n_products - 1) // 2 + len(spec["sines"])
    if added >= len(names):
        raise SessionError(
            f"data.transforms add {added:,} columns but data.feature_names has only "
            f"{len(names):,} names"
        )
    base = set(names[: len(names) - added])  # the added columns come last
    for kind, columns in spec.items():
        for i, name in enumerate(columns):
            if name not in base:
                raise SessionError(
                    f"{at(at('data.transforms', kind), i)} {show(name)} is not one of the "
                    f"data's own feature columns"
                )
    return spec if any(spec.values()) else {}


def _check_classes(y: np.ndarray, task: str, labels: tuple[str, ...]) -> None:
    """Class targets are class numbers 0, 1, ... (below the number of labels, if any)."""
    if task == "regression":
        return
    top = 2 if task == "binary" else (len(labels) or MAX_OUTPUTS)
    bad = (y < 0) | (y >= top) | (y != np.round(y))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SessionError(
            f"data.y must hold class numbers 0 to {top - 1} for a {task} task, "
            f"not {y[i]!r} (row {i:,})"
        )


def _referenced_dataset(d: dict, session_dir: str) -> tuple[Dataset, str]:
    from nnlin_gui.core.data.tables import load_dataset

    stored = need_text(d["path"], "data.path", empty_ok=False)
    digest = need_text(d["sha256"], "data.sha256", 64)
    if not _SHA256.fullmatch(digest):
        raise SessionError(f"data.sha256 must be 64 hexadecimal digits, not {show(digest)}")
    need_int(d["size"], "data.size", 0, MAX_COUNT)
    path = _find_data_file(stored, session_dir)
    try:
        same = file_sha256(path) == digest
    except OSError as exc:
        raise SessionError(f"cannot read the data file {path} ({exc.strerror or exc})") from None
    if not same:
        raise SessionError(
            f"the data file {path} has changed since the session was saved (SHA-256 differs)"
        )
    try:
        # The saved task, so a 0/1 or 1..5 target comes back as it was fitted.
        task = d.get("task") if d.get("task") in ("regression", "binary", "multiclass") else None
        ds = load_dataset(path, target=d["target"], features=d["features"], task=task)
    except UserError as exc:
        raise SessionError(f"the data file cannot be used: {exc}") from None
    return ds, digest


def _find_data_file(stored: str, session_dir: str) -> str:
    if os.path.isfile(stored):
        return stored
    # The data may have travelled with the session file (copied together to a USB stick).
    beside = os.path.join(session_dir, os.path.basename(stored))
    if os.path.isfile(beside):
        return beside
    raise SessionError(
        f"the data file {stored} was moved or deleted; put it back or next to the session file"
    )


def _has_test_rows(dataset: Dataset, config: TrainingConfig) -> bool:
    # As ``training.split_rows`` decides (without drawing the permutation).
    return config.test_fraction > 0 and dataset.n_rows >= 4


# ------------------------------------------------------------------------------ network


def _spec_from(value: Any, dataset: Dataset) -> tuple[NetworkSpec, int]:
    """The network, checked against the data; with its number of parameters."""
    d = need_object(value, "network")
    need_keys(d, "network", ("n_inputs", "layers", "n_outputs", "head"))
    n_inputs = need_int(d["n_inputs"], "network.n_inputs", 1, MAX_FEATURES)
    layers = d["layers"]
    if not isinstance(layers, list) or len(layers) > MAX_LAYERS:
        raise SessionError(
            f"network.layers must be a list of at most {MAX_LAYERS} layers, not {show(layers)}"
        )
    hidden = tuple(_layer_from(v, at("network.layers", i)) for i, v in enumerate(layers))
    n_outputs = need_int(d["n_outputs"], "network.n_outputs", 1, MAX_OUTPUTS)
    head = need_choice(d["head"], "network.head", HEADS)
    k = dataset.X.shape[1]
    if n_inputs != k:
        raise SessionError(f"network.n_inputs is {n_inputs} but the data has {k} feature columns")
    n_classes = len(np.unique(dataset.y)) if dataset.task == "multiclass" else 2
    want = head_for_task(dataset.task, n_classes)
    if (head, n_outputs) != want:
        raise SessionError(
            f"network.head {head!r} with {n_outputs:,} outputs does not fit the {dataset.task} "
            f"data (it needs {want[0]!r} with {want[1]} outputs)"
        )
    spec = NetworkSpec(n_inputs, hidden, n_outputs, head)
    return spec, _parameter_count(spec)


def _layer_from(value: Any, where: str) -> LayerSpec:
    d = need_object(value, where)
    need_keys(d, where, _LAYER_KEYS)
    return LayerSpec(
        kind=need_choice(d["kind"], at(where, "kind"), LAYER_KINDS),
        width=need_int(d["width"], at(where, "width"), 1, MAX_WIDTH),
        activation=need_choice(d["activation"], at(where, "activation"), ACTIVATION_NAMES),
        kernel_size=need_int(d["kernel_size"], at(where, "kernel_size"), 1, MAX_KERNEL),
        depth=need_int(d["depth"], at(where, "depth"), 1, MAX_DEPTH),
    )


def _parameter_count(spec: NetworkSpec) -> int:
    """Parameters of ``spec``, refusing networks too large to build (nothing allocated)."""
    net = Network(spec, seed=0, allocate=False)
    for i, layer in enumerate(net.layers[:-1]):
        if layer.out_dim > MAX_UNITS:
            raise SessionError(
                f"network.layers[{i}] passes on {layer.out_dim:,} values; at most "
                f"{MAX_UNITS:,} are allowed"
            )
    if net.n_params > MAX_PARAMETERS:
        raise SessionError(
            f"the network has {net.n_params:,} parameters; at most {MAX_PARAMETERS:,} are allowed"
        )
    return net.n_params


def _parameters_from(value: Any, n_params: int) -> np.ndarray | None:
    if value is None:
        return None
    theta = need_array(value, "parameters", 1, max_size=MAX_PARAMETERS)
    if theta.size != n_params:
        raise SessionError(
            f"parameters holds {theta.size:,} numbers but the network has {n_params:,} parameters"
        )
    need_finite(theta, "parameters")
    return theta


# ----------------------------------------------------------------------------- training

# One check per TrainingConfig field: (value, field path) -> value.
_CONFIG_CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "optimizer": lambda v, w: need_choice(v, w, OPTIMIZERS),
    "learning_rate": lambda v, w: need_number(v, w, 0.0, 100.0, lo_open=True),
    "batch_size": lambda v, w: need_int(v, w, 0, MAX_COUNT),
    "epochs": lambda v, w: need_int(v, w, 0, MAX_EPOCH),
    "l1": lambda v, w: need_number(v, w, 0.0, 1000.0),
    "l2": lambda v, w: need_number(v, w, 0.0, 1000.0),
    "test_fraction": lambda v, w: need_number(v, w, 0.0, 1.0, hi_open=True),
    "seed": lambda v, w: need_int(v, w, 0, MAX_SEED),
    "momentum": lambda v, w: need_number(v, w, 0.0, 1.0),
    "patience": lambda v, w: need_int(v, w, 0, MAX_COUNT),
    "min_delta": lambda v, w: need_number(v, w, 0.0, 1.0),
    "standardize": need_bool,
    "progress_interval": lambda v, w: need_number(v, w, 0.0, 60.0),
    "blas_threads": lambda v, w: need_int(v, w, 0, 256),
}


def _plain_setting(value: Any, where: str) -> Any:
    """A setting this reader has no bounds for: a short text, true/false or finite number."""
    if isinstance(value, bool | str) and len(str(value)) <= 200:
        return value
    return need_number(value, where)


def _config_from(value: Any) -> TrainingConfig:
    """Training settings; a missing one takes its default (files older than the setting)."""
    d = need_object(value, "training")
    need_keys(d, "training", (), [f.name for f in fields(TrainingConfig)])
    settings = {
        key: _CONFIG_CHECKS.get(key, _plain_setting)(raw, at("training", key))
        for key, raw in d.items()
    }
    config = TrainingConfig(**settings)
    try:
        config.validate()
    except UserError as exc:
        raise SessionError(f"training: {exc}") from None
    return config


def _epoch_series(value: Any, where: str, lo: int, hi: int) -> np.ndarray:
    """Strictly increasing whole epochs in [lo, hi]."""
    epochs = need_array(value, where, 1, integer=True)
    if len(epochs) == 0:
        return epochs
    if epochs.min() < lo:
        raise SessionError(f"{where} holds epoch {int(epochs.min())}; epochs start at {lo}")
    if epochs.max() > hi:
        raise SessionError(
            f"{where} holds epoch {int(epochs.max()):,}, after the session's epoch {hi:,}"
        )
    steps = np.diff(epochs)
    if (steps <= 0).any():
        i = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise SessionError(
            f"{where} must increase, but {int(epochs[i]):,} (position {i:,}) follows "
            f"{int(epochs[i - 1]):,}"
        )
    return epochs


def _losses(value: Any, where: str, n: int, nan_ok: bool) -> np.ndarray:
    """``n`` losses, each finite and at least 0 (NaN allowed when ``nan_ok``: no test rows)."""
    loss = need_array(value, where, 1)
    if len(loss) != n:
        raise SessionError(f"{where} has {len(loss):,} values but history.epochs has {n:,}")
    check = loss[~np.isnan(loss)] if nan_ok else loss
    need_finite(check, where)
    if (check < 0).any():
        raise SessionError(f"{where} holds a negative loss ({check[check < 0][0]!r})")
    return loss


def _history_from(value: Any, epoch: int, spec: NetworkSpec, has_test: bool) -> TrainingHistory:
    d = need_object(value, "history")
    need_keys(
        d, "history", ("epochs", "train_loss", "test_loss", "coef_epochs"), ("coef_W", "coef_b")
    )
    epochs = _epoch_series(d["epochs"], "history.epochs", 1, epoch)
    train = _losses(d["train_loss"], "history.train_loss", len(epochs), nan_ok=False)
    test = _losses(d["test_loss"], "history.test_loss", len(epochs), nan_ok=not has_test)
    coef_epochs = _epoch_series(d["coef_epochs"], "history.coef_epochs", 0, epoch)
    W, b = _coefficients_from(d, len(coef_epochs), spec)
    return TrainingHistory(
        epochs=epochs.tolist(),
        train_loss=train.tolist(),
        test_loss=test.tolist(),
        coef_epochs=coef_epochs.tolist(),
        coef_W=list(W),
        coef_b=list(b),
    )


def _coefficients_from(d: dict, m: int, spec: NetworkSpec) -> tuple[np.ndarray, np.ndarray]:
    """``m`` collapsed maps: W (m, outputs, inputs) and b (m, outputs), all finite."""
    shape_W, shape_b = (m, spec.n_outputs, spec.n_inputs), (m, spec.n_outputs)
    if ("coef_W" in d) != ("coef_b" in d):
        raise SessionError("history has only one of coef_W and coef_b")
    if "coef_W" not in d:
        if m:
            raise SessionError(
                f"history.coef_epochs has {m:,} entries but there is no history.coef_W"
            )
        return np.zeros(shape_W), np.zeros(shape_b)
    W = need_array(d["coef_W"], "history.coef_W", 3)
    b = need_array(d["coef_b"], "history.coef_b", 2)
    for arr, want, where in ((W, shape_W, "history.coef_W"), (b, shape_b, "history.coef_b")):
        if arr.shape != want:
            raise SessionError(
                f"{where} has shape {list(arr.shape)}; {m:,} records of this network need "
                f"{list(want)}"
            )
        need_finite(arr, where)
    return W, b


def _optimizer_from(value: Any, config: TrainingConfig, n_params: int) -> dict | None:
    if value is None:
        return None
    d = need_object(value, "optimizer")
    need_keys(d, "optimizer", ("t", "m", "v"))
    t = need_int(d["t"], "optimizer.t", 0, MAX_COUNT)
    m = _moment(d["m"], "optimizer.m", n_params)
    if config.optimizer == "adam":
        if d["v"] is None:
            raise SessionError("optimizer.v must be an array for Adam, not null")
        v = _moment(d["v"], "optimizer.v", n_params)
    elif d["v"] is not None:
        raise SessionError(f"optimizer.v must be null for {config.optimizer}, not {show(d['v'])}")
    else:
        v = None
    if not np.isfinite(m).all() or (v is not None and not np.isfinite(v).all()):
        # A run that diverged can leave infinite moments behind: a fresh optimizer is the
        # best the file allows (the weights themselves are finite).
        log.info("session: non-finite optimizer moments; starting a fresh optimizer")
        return None
    return {"t": t, "m": m, "v": v}


def _moment(value: Any, where: str, n_params: int) -> np.ndarray:
    arr = need_array(value, where, 1, max_size=MAX_PARAMETERS)
    if arr.size != n_params:
        raise SessionError(
            f"{where} holds {arr.size:,} numbers but the network has {n_params:,} parameters"
        )
    return arr


# ------------------------------------------------------------------------- bookkeeping


def _big_int(value: Any, where: str, hi: int) -> int:
    """A whole number 0..hi, written as a JSON integer or as decimal digits in a text."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 40:
        value = int(value)
    return need_int(value, where, 0, hi)


def _rng_from(value: Any) -> dict | None:
    if value is None:
        return None
    d = need_object(value, "rng")
    need_keys(d, "rng", ("bit_generator", "state", "has_uint32", "uinteger"))
    need_choice(d["bit_generator"], "rng.bit_generator", ("PCG64",))
    words = need_object(d["state"], "rng.state")
    need_keys(words, "rng.state", ("state", "inc"))
    return {
        "bit_generator": "PCG64",
        "state": {k: _big_int(words[k], at("rng.state", k), 2**128 - 1) for k in ("state", "inc")},
        "has_uint32": need_int(d["has_uint32"], "rng.has_uint32", 0, 1),
        "uinteger": _big_int(d["uinteger"], "rng.uinteger", 2**32 - 1),
    }


def _progress_from(value: Any) -> dict:
    d = need_object(value, "progress")
    need_keys(d, "progress", ("best", "since_best", "diverged"))
    best = d["best"]
    return {
        "best": math.inf if best is None else need_number(best, "progress.best"),
        "since_best": need_int(d["since_best"], "progress.since_best", 0, MAX_COUNT),
        "diverged": need_bool(d["diverged"], "progress.diverged"),
    }


def _extra_from(value: Any) -> dict:
    """The GUI's free JSON: bounded, saveable again, and the keys the GUI reads well typed."""
    d = need_object(value, "extra")
    need_plain_json(d, "extra", _EXTRA_DEPTH, _EXTRA_NODES)
    if "solved" in d:
        need_bool(d["solved"], "extra.solved")
    if "pace" in d:
        need_number(d["pace"], "extra.pace", 0.0, 1e9)
    if "lessons" in d:
        lessons = need_object(d["lessons"], "extra.lessons")
        if "lesson" in lessons:
            need_text(lessons["lesson"], "extra.lessons.lesson", 200)
        if "step" in lessons:
            need_int(lessons["step"], "extra.lessons.step", 0, 10_000)
        if "instructor" in lessons:
            need_bool(lessons["instructor"], "extra.lessons.instructor")
    return dict(d)
