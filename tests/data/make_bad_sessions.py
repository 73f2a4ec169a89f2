"""Write the corpus of damaged session files into a folder (default: a temporary one).

Run: ``.venv/bin/python tests/data/make_bad_sessions.py [FOLDER]``

Each case starts from a good session, built here from a built-in data set and a few epochs
of training, and damages one thing: a wrong type, a non-finite or huge number, deep
nesting, an absurd size, shapes that do not fit, cut-off or zipped bytes, a wrong version,
a missing or unknown key, a bad data reference, a bad history, NaN weights, ...
``write_corpus(folder)`` writes every file (plus the data files some of them refer to) and
returns ``[(file name, expected piece of the one-line message)]``. tests/core/test_session.py
opens each one in core, tests/ui/test_sessions_gui.py through the window.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import zipfile

import numpy as np

from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.files.session import encode_array, session_from_trainer, session_to_dict
from nnlin_gui.core.networks.network import LayerSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.core.statistics.fitting import build_spec

DELETE = object()
REF_CSV = "ref_data.csv"


class Raw(str):
    """JSON text written as is (``1e400``, ``NaN``, a 5,000-digit number)."""


# ------------------------------------------------------------------------ good sessions


def good_documents() -> dict[str, dict]:
    """Good session documents: 'regression' (linear net, Adam), 'binary' (tanh, SGD)."""
    out = {}
    for kind, source, layers, cfg, epochs in (
        (
            "regression",
            "builtin:linear?n=40&noise=0.5",
            (3, 2),
            TrainingConfig(optimizer="adam", learning_rate=0.01, batch_size=16, seed=5),
            6,
        ),
        (
            "binary",
            "builtin:logistic?n=40",
            (LayerSpec("dense", 2, "tanh"),),
            TrainingConfig(optimizer="sgd", learning_rate=0.1, batch_size=0, seed=2),
            3,
        ),
    ):
        ds = load_dataset(source)
        trainer = Trainer(build_spec(ds, layers), ds.X, ds.y, cfg)
        trainer.run(epochs=epochs)
        state = session_from_trainer(trainer, ds, source=source, extra={"solved": False})
        out[kind] = json.loads(json.dumps(session_to_dict(state)))
    return out


def referenced_document(good: dict, folder: str) -> dict:
    """``good`` with its data as a CSV beside the session (stored path elsewhere)."""
    doc = copy.deepcopy(good)
    X = np.asarray(_decode(doc["data"]["X"]))
    y = np.asarray(_decode(doc["data"]["y"]))
    names = doc["data"]["feature_names"] + [doc["data"]["target_name"]]
    lines = [",".join(names)] + [
        ",".join(repr(float(v)) for v in (*row, t)) for row, t in zip(X, y, strict=True)
    ]
    content = ("\n".join(lines) + "\n").encode()
    with open(os.path.join(folder, REF_CSV), "wb") as fh:
        fh.write(content)
    data = doc["data"]
    del data["X"], data["y"]
    data.update(
        embedded=False,
        source=f"/nowhere/{REF_CSV}",
        path=f"/nowhere/{REF_CSV}",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        target=doc["data"]["target_name"],
    )
    return doc


def _decode(obj: dict) -> np.ndarray:
    from nnlin_gui.core.files.session import decode_array

    return decode_array(obj, "x")


# ----------------------------------------------------------------------------- helpers


def _steps(path: str) -> list[str | int]:
    return [
        int(t[1:-1]) if t.startswith("[") else t for t in re.findall(r"\[\d+\]|[^.\[\]]+", path)
    ]


def mutate(doc: dict, path: str, value) -> dict:
    """A copy of ``doc`` with ``path`` (``a.b[0].c``) set to ``value`` (or deleted)."""
    out = copy.deepcopy(doc)
    *parents, last = _steps(path)
    node = out
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return out


def get(doc: dict, path: str):
    node = doc
    for step in _steps(path):
        node = node[step]
    return node


def dumps(doc) -> bytes:
    """JSON with ``Raw`` values written verbatim."""
    raws: list[str] = []

    def swap(node):
        if isinstance(node, Raw):
            raws.append(str(node))
            return f"@@RAW{len(raws) - 1}@@"
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    text = json.dumps(swap(doc), indent=1)
    for i, raw in enumerate(raws):
        text = text.replace(f'"@@RAW{i}@@"', raw)
    return text.encode()


def _f8(values) -> dict:
    return encode_array(np.asarray(values, dtype=np.float64))


# -------------------------------------------------------------- systematic bad values

BAD_INTS = [
    ("text", "3"),
    ("fraction", 2.5),
    ("bool", True),
    ("null", None),
    ("list", []),
    ("1e400", Raw("1e400")),
    ("neginf", Raw("-Infinity")),
    ("nan", Raw("NaN")),
    ("negative", -1),
    ("huge", 10**30),
    ("digits", Raw("9" * 5000)),
]
BAD_FLOATS = [
    ("text", "0.1"),
    ("bool", False),
    ("list", [0.1]),
    ("1e400", Raw("1e400")),
    ("nan", Raw("NaN")),
    ("neginf", Raw("-Infinity")),
]
BAD_BOOLS = [("text", "yes"), ("one", 1), ("null", None)]
BAD_CHOICES = [("unknown", "nope"), ("number", 5), ("null", None)]
BAD_OBJECTS = [("text", "x"), ("number", 5), ("list", [])]

INT_FIELDS = [
    "network.n_inputs",
    "network.layers[0].width",
    "network.layers[1].kernel_size",
    "network.layers[1].depth",
    "network.n_outputs",
    "training.batch_size",
    "training.epochs",
    "training.seed",
    "training.patience",
    "training.blas_threads",
    "seed",
    "epoch",
    "data.rows_dropped",
    "optimizer.t",
    "progress.since_best",
    "rng.has_uint32",
]
# (field, whether a negative number is bad too)
FLOAT_FIELDS = [
    ("training.learning_rate", True),
    ("training.l1", True),
    ("training.l2", True),
    ("training.test_fraction", True),
    ("training.momentum", True),
    ("training.min_delta", True),
    ("training.progress_interval", True),
    ("progress.best", False),
]
BOOL_FIELDS = ["training.standardize", "progress.diverged", "data.embedded"]
CHOICE_FIELDS = [
    "training.optimizer",
    "network.head",
    "network.layers[0].kind",
    "network.layers[0].activation",
    "data.task",
    "rng.bit_generator",
]
# (section, may be null)
OBJECT_FIELDS = [
    ("data", False),
    ("network", False),
    ("training", False),
    ("history", False),
    ("optimizer", True),
    ("rng", True),
    ("progress", False),
    ("extra", False),
    ("network.layers[0]", False),
    ("rng.state", False),
]
ARRAY_FIELDS = [
    "data.X",
    "data.y",
    "parameters",
    "optimizer.m",
    "optimizer.v",
    "history.epochs",
    "history.train_loss",
    "history.test_loss",
    "history.coef_epochs",
    "history.coef_W",
    "history.coef_b",
]


def _label(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")


def _bad_arrays(good: dict) -> list[tuple[str, object]]:
    """Damaged versions of the array ``good`` (an encoded dict)."""
    shape = good["shape"]
    n = int(np.prod(shape))
    values = np.arange(n, dtype=np.float64).reshape(shape) + 1.0
    bigger = np.concatenate([values, values[:1] if shape[0] else np.ones((1, *shape[1:]))])
    b64 = good["base64"]
    return [
        ("text", "abc"),
        ("number", 5),
        ("no_shape", {"dtype": "<f8", "base64": b64}),
        ("float32", {"dtype": "<f4", "shape": shape, "base64": b64}),
        ("shape_1e400", {"dtype": "<f8", "shape": [Raw("1e400")], "base64": ""}),
        ("shape_huge", {"dtype": "<f8", "shape": [100_000, 100_000, 100_000], "base64": "AA=="}),
        ("base64_garbage", {"dtype": "<f8", "shape": shape, "base64": "!" * len(b64)}),
        ("base64_cut", {"dtype": "<f8", "shape": shape, "base64": b64[: len(b64) // 2]}),
        ("ragged", [[1.0, 2.0], [3.0]]),
        ("strings", ["a", "b"]),
        ("nan", _f8(np.full(shape, np.nan))),
        ("one_more", _f8(bigger)),
        ("extra_dim", _f8(values[..., None])),
    ]


def systematic_cases(doc: dict) -> list[tuple[str, dict, str]]:
    """(label, damaged document, field path the message must name)."""
    cases = []
    for path in INT_FIELDS:
        cases += [(f"{_label(path)}_{k}", mutate(doc, path, v), path) for k, v in BAD_INTS]
    for path, negative_bad in FLOAT_FIELDS:
        bad = BAD_FLOATS + ([("negative", -1.0)] if negative_bad else [])
        cases += [(f"{_label(path)}_{k}", mutate(doc, path, v), path) for k, v in bad]
    for path in BOOL_FIELDS:
        cases += [(f"{_label(path)}_{k}", mutate(doc, path, v), path) for k, v in BAD_BOOLS]
    for path in CHOICE_FIELDS:
        cases += [(f"{_label(path)}_{k}", mutate(doc, path, v), path) for k, v in BAD_CHOICES]
    for path, nullable in OBJECT_FIELDS:
        bad = BAD_OBJECTS + ([] if nullable else [("null", None)])
        cases += [(f"{_label(path)}_{k}", mutate(doc, path, v), path) for k, v in bad]
    for path in ARRAY_FIELDS:
        bad = _bad_arrays(get(doc, path))
        if path.startswith("optimizer."):
            # Non-finite moments (left by a diverged run) give a fresh optimizer: not damage.
            bad = [(k, v) for k, v in bad if k != "nan"]
        cases += [(f"{_label(path)}_{k}", mutate(doc, path, v), path) for k, v in bad]
    return cases


# ------------------------------------------------------------------ hand-made cases


def _deep(levels: int) -> Raw:
    return Raw("[" * levels + "]" * levels)


def document_cases(docs: dict) -> list[tuple[str, object, str]]:
    """(label, damaged document or bytes, expected piece of the message)."""
    reg, binary = docs["regression"], docs["binary"]
    theta = _decode(reg["parameters"])
    n_params = theta.size
    n_epochs = reg["epoch"]
    wide = [{"kind": "dense", "width": 512, "activation": "relu", "kernel_size": 3, "depth": 2}]
    residual = {"kind": "residual", "width": 8, "activation": "relu", "kernel_size": 3, "depth": 16}
    conv = {"kind": "conv1d", "width": 512, "activation": "relu", "kernel_size": 3, "depth": 2}
    untrained = {"parameters": None, "optimizer": None}
    cases: list[tuple[str, object, str]] = [
        # version and format
        ("version_missing", mutate(reg, "version", DELETE), "version must be a whole number"),
        ("version_zero", mutate(reg, "version", 0), "version must be a whole number"),
        ("version_text", mutate(reg, "version", "1"), "version must be a whole number"),
        ("version_fraction", mutate(reg, "version", 1.5), "version must be a whole number"),
        ("version_bool", mutate(reg, "version", True), "version must be a whole number"),
        ("version_1e400", mutate(reg, "version", Raw("1e400")), "not 1e400"),
        ("version_newer", mutate(reg, "version", 2), "saved by a newer nnlin"),
        ("version_huge", mutate(reg, "version", 10**30), "saved by a newer nnlin"),
        ("format_missing", mutate(reg, "format", DELETE), "not an nnlin session file"),
        ("format_other", mutate(reg, "format", "other-app"), "not an nnlin session file"),
        # missing and unknown keys
        *[
            (f"missing_{_label(p)}", mutate(reg, p, DELETE), f"has no {p.split('.')[-1]!r}")
            for p in (
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
                "data.X",
                "data.feature_names",
                "network.layers",
                "history.train_loss",
                "optimizer.m",
                "rng.state",
                "progress.best",
            )
        ],
        ("missing_layer_width", mutate(reg, "network.layers[0].width", DELETE), "has no 'width'"),
        ("missing_coef_b", mutate(reg, "history.coef_b", DELETE), "coef_b"),
        ("missing_x_base64", mutate(reg, "data.X.base64", DELETE), "has no 'base64'"),
        *[
            (f"unknown_{_label(p)}", mutate(reg, p, 1), "unknown key")
            for p in (
                "surprise",
                "data.surprise",
                "network.layers[0].units",
                "network.dropout",
                "training.turbo",
                "history.smoothed",
                "optimizer.w",
                "rng.key",
                "progress.x",
                "data.X.scale",
            )
        ],
        ("embedded_with_path", mutate(reg, "data.path", "/tmp/x.csv"), "unknown key 'path'"),
        # absurd sizes
        ("outputs_1e8", mutate(reg, "network.n_outputs", 100_000_000), "network.n_outputs"),
        ("width_100000", mutate(reg, "network.layers[0].width", 100_000), "from 1 to 4,096"),
        ("width_4097", mutate(reg, "network.layers[0].width", 4097), "from 1 to 4,096"),
        ("layers_10000", mutate(reg, "network.layers", wide * 10_000), "at most 32 layers"),
        (
            "parameters_too_many",
            {**mutate(reg, "network.layers", wide + [residual] * 5), **untrained},
            "parameters; at most",
        ),
        (
            "conv_too_wide",
            {**mutate(reg, "network.layers", wide + [conv]), **untrained},
            "passes on 262,144 values",
        ),
        ("kernel_64", mutate(reg, "network.layers[0].kernel_size", 64), "from 1 to 63"),
        ("depth_17", mutate(reg, "network.layers[0].depth", 17), "from 1 to 16"),
        # shapes that do not fit
        ("weights_short", mutate(reg, "parameters", _f8(theta[:-1])), "network has"),
        ("weights_2d", mutate(reg, "parameters", _f8(theta[None, :])), "must be a 1-D array"),
        ("inputs_mismatch", mutate(reg, "network.n_inputs", 2), "the data has 3 feature columns"),
        (
            "names_mismatch",
            mutate(reg, "data.feature_names", ["x1", "x2"]),
            "data.feature_names has 2 names",
        ),
        ("names_twice", mutate(reg, "data.feature_names", ["x1", "x1", "x3"]), "twice"),
        ("target_is_feature", mutate(reg, "data.target_name", "x1"), "also a feature"),
        ("target_empty", mutate(reg, "data.target_name", ""), "data.target_name"),
        ("y_short", mutate(reg, "data.y", _f8(_decode(reg["data"]["y"])[:-1])), "data.y has"),
        ("x_one_row", mutate(reg, "data.X", _f8(_decode(reg["data"]["X"])[:1])), "at least 2"),
        ("x_no_columns", mutate(reg, "data.X", _f8(np.zeros((40, 0)))), "at least 2 rows"),
        ("head_sigmoid", mutate(reg, "network.head", "sigmoid"), "does not fit the regression"),
        ("outputs_two", mutate(reg, "network.n_outputs", 2), "does not fit the regression"),
        ("optimizer_m_short", mutate(reg, "optimizer.m", _f8(theta[:-1])), "optimizer.m holds"),
        ("optimizer_v_null", mutate(reg, "optimizer.v", None), "optimizer.v must be an array"),
        ("history_short", mutate(reg, "history.train_loss", _f8([0.5])), "history.train_loss"),
        ("coef_w_shape", mutate(reg, "history.coef_W", _f8(np.zeros((2, 1, 2)))), "coef_W"),
        (
            "coef_no_w",
            mutate(mutate(reg, "history.coef_W", DELETE), "history.coef_b", DELETE),
            "no history.coef_W",
        ),
        # NaN and infinities
        ("weights_nan", mutate(reg, "parameters", _f8(np.where(theta > 0, np.nan, theta))), "NaN"),
        ("weights_inf", mutate(reg, "parameters", _f8(np.full(n_params, np.inf))), "NaN or inf"),
        (
            "weights_list_infinity",
            mutate(reg, "parameters", [Raw("Infinity")] * n_params),
            "parameters holds",
        ),
        ("weights_huge", mutate(reg, "parameters", _f8(np.full(n_params, 1e200))), "outputs"),
        ("x_nan", mutate(reg, "data.X", _f8(np.full((40, 3), np.nan))), "data.X holds"),
        ("train_loss_nan", mutate(reg, "history.train_loss", _f8([np.nan] * n_epochs)), "NaN"),
        ("test_loss_inf", mutate(reg, "history.test_loss", _f8([np.inf] * n_epochs)), "infinite"),
        ("loss_negative", mutate(reg, "history.train_loss", _f8([-1.0] * n_epochs)), "negative"),
        ("coef_w_nan", mutate(reg, "history.coef_W", _f8(np.full((2, 1, 3), np.nan))), "coef_W"),
        ("progress_best_nan", mutate(reg, "progress.best", Raw("NaN")), "progress.best"),
        # epochs
        ("epoch_negative", mutate(reg, "epoch", -5), "epoch must be an integer from 0"),
        ("epoch_before_history", mutate(reg, "epoch", 2), "after the session's epoch 2"),
        (
            "history_negative_epochs",
            mutate(reg, "history.epochs", list(range(-n_epochs, 0))),
            "epochs start at 1",
        ),
        (
            "history_decreasing",
            mutate(reg, "history.epochs", list(range(n_epochs, 0, -1))),
            "must increase",
        ),
        ("history_repeated", mutate(reg, "history.epochs", [1] * n_epochs), "must increase"),
        ("history_fractional", mutate(reg, "history.epochs", [0.5] * n_epochs), "whole numbers"),
        # seeds
        ("seed_minus_one", mutate(mutate(reg, "seed", -1), "training.seed", -1), "seed"),
        ("seed_mismatch", mutate(reg, "seed", 6), "seed is 6 but training.seed is 5"),
        # classification
        ("binary_y_two", _with_y(binary, 2.0), "class numbers 0 to 1"),
        ("binary_y_half", _with_y(binary, 0.5), "class numbers 0 to 1"),
        ("binary_head_identity", mutate(binary, "network.head", "identity"), "does not fit"),
        ("binary_two_outputs", mutate(binary, "network.n_outputs", 2), "does not fit"),
        ("sgd_with_v", mutate(binary, "optimizer.v", binary["optimizer"]["m"]), "must be null"),
        # random state
        ("rng_mt19937", mutate(reg, "rng.bit_generator", "MT19937"), "rng.bit_generator"),
        ("rng_state_text", mutate(reg, "rng.state.state", "abc"), "rng.state.state"),
        ("rng_state_huge", mutate(reg, "rng.state.inc", str(2**200)), "rng.state.inc"),
        ("rng_uinteger_negative", mutate(reg, "rng.uinteger", -1), "rng.uinteger"),
        # nesting and the GUI's free JSON
        ("deep_nesting", mutate(reg, "extra", {"x": _deep(100_000)}), "nested too deeply"),
        ("deep_extra", mutate(reg, "extra", {"x": _deep(200)}), "nested more than 16"),
        ("deep_layers", mutate(reg, "network.layers", [_deep(50)]), "network.layers[0] must be"),
        ("deep_network", mutate(reg, "network", _deep(500)), "network must be an object"),
        ("extra_nan", mutate(reg, "extra", {"zoom": Raw("NaN")}), "extra.zoom"),
        ("extra_huge", mutate(reg, "extra", {"x": list(range(20_000))}), "10,000 values"),
        ("extra_lessons_list", mutate(reg, "extra", {"lessons": [1]}), "extra.lessons"),
        ("extra_step_text", mutate(reg, "extra", {"lessons": {"step": "two"}}), "lessons.step"),
        ("extra_pace_text", mutate(reg, "extra", {"pace": "fast"}), "extra.pace"),
        ("extra_solved_text", mutate(reg, "extra", {"solved": "yes"}), "extra.solved"),
        # data sources
        ("source_number", mutate(reg, "data.source", 5), "data.source"),
        ("features_text", mutate(reg, "data.features", "x1"), "data.features"),
        ("features_numbers", mutate(reg, "data.features", [1, 2]), "data.features[0]"),
        ("class_labels_text", mutate(reg, "data.class_labels", "a"), "data.class_labels"),
        ("target_number", mutate(reg, "data.target", 5), "data.target"),
        # feature transforms (x1, x2, x3 are the data's own columns, none was added)
        ("transforms_text", _transforms(reg, "x1²"), "data.transforms must be an object"),
        ("transforms_squares_number", _transforms(reg, squares=5), "data.transforms.squares"),
        ("transforms_name_number", _transforms(reg, sines=[1]), "data.transforms.sines[0]"),
        ("transforms_twice", _transforms(reg, squares=["x1", "x1"]), 'names "x1" twice'),
        ("transforms_no_sines", _transforms(reg, {"squares": [], "products": []}), "'sines'"),
        (
            "transforms_unknown_kind",
            _transforms(reg, {"squares": [], "products": [], "sines": [], "cubes": ["x1"]}),
            "unknown key 'cubes'",
        ),
        ("transforms_unknown_column", _transforms(reg, squares=["z"]), 'squares[0] "z" is not'),
        # x3 would be x1's added square: not a column of the data's own
        ("transforms_of_added", _transforms(reg, squares=["x3"]), 'squares[0] "x3" is not'),
        ("transforms_all_added", _transforms(reg, sines=["x1", "x2", "x3"]), "add 3 columns"),
        (
            "transforms_products_huge",
            _transforms(reg, products=[f"c{i}" for i in range(2000)]),
            "add 1,999,000 columns",
        ),
        (
            "transforms_list_huge",
            _transforms(reg, squares=["x1"] * 100_001),
            "at most 100,000 texts",
        ),
    ]
    return cases


def _transforms(doc: dict, value=None, **lists) -> dict:
    """``doc`` with ``data.transforms`` set to ``value`` or to these lists (others empty)."""
    if value is None:
        value = {"squares": [], "products": [], "sines": [], **lists}
    return mutate(doc, "data.transforms", value)


def _with_y(doc: dict, value: float) -> dict:
    y = _decode(doc["data"]["y"]).copy()
    y[0] = value
    return mutate(doc, "data.y", _f8(y))


def reference_cases(ref: dict, folder: str) -> list[tuple[str, object, str]]:
    """Bad references to a data file (``ref`` itself opens: its CSV sits beside it)."""
    garbage = b"\x00\x01\x02\x03 not a table \xff\xfe" * 10
    with open(os.path.join(folder, "garbage.csv"), "wb") as fh:
        fh.write(garbage)
    os.makedirs(os.path.join(folder, "a_folder.csv"), exist_ok=True)
    garbage_sha = hashlib.sha256(garbage).hexdigest()
    return [
        ("ref_moved", mutate(ref, "data.path", "/nowhere/missing.csv"), "moved or deleted"),
        ("ref_changed", mutate(ref, "data.sha256", "0" * 64), "has changed since"),
        ("ref_sha_bad", mutate(ref, "data.sha256", "xyz"), "data.sha256"),
        ("ref_path_number", mutate(ref, "data.path", 5), "data.path"),
        ("ref_path_empty", mutate(ref, "data.path", ""), "data.path"),
        ("ref_folder", mutate(ref, "data.path", "/nowhere/a_folder.csv"), "moved or deleted"),
        ("ref_builtin", mutate(ref, "data.path", "builtin:linear"), "moved or deleted"),
        (
            "ref_garbage",
            mutate(mutate(ref, "data.path", "/x/garbage.csv"), "data.sha256", garbage_sha),
            "the data file cannot be used",
        ),
        ("ref_no_target", mutate(ref, "data.target", "nope"), "the data file cannot be used"),
        ("ref_with_x", mutate(ref, "data.X", [[1.0]]), "unknown key 'X'"),
        ("ref_no_sha", mutate(ref, "data.sha256", DELETE), "has no 'sha256'"),
        ("embedded_no_y", mutate(ref, "data.embedded", True), "has no 'X'"),
    ]


def byte_cases(good: bytes) -> list[tuple[str, bytes, str]]:
    """Damage to the bytes themselves: empty, cut off, zipped, foreign, not text."""
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("lab.nnlin", good)
    noise = np.random.default_rng(7).integers(0, 256, 4000, dtype=np.uint8).tobytes()
    deep = b'{"format": "nnlin-session", "version": 1, "data": ' + b"[" * 200_000
    return [
        ("empty", b"", "the file is empty"),
        ("blank", b"\n  \n", "the file is empty"),
        ("cut_half", good[: len(good) // 2], "damaged (cut off or edited"),
        ("cut_tail", good[:-3], "damaged (cut off or edited"),
        ("cut_start", good[:10], "not an nnlin session file"),
        ("zipped", zipped.getvalue(), "a zip archive"),
        ("gzipped", gzip.compress(good), "a gzip archive"),
        ("utf16", good.decode().encode("utf-16"), "a UTF-16 text file"),
        ("noise", b"\x00\x01" + noise, "not an nnlin session file"),
        ("latin1", good[:300] + b"\xff\xfe\xfa" + good[300:], "damaged (not text)"),
        ("csv", b"x,y\n1,2\n3,4\n", "not an nnlin session file"),
        ("json_list", b"[1, 2, 3]", "not an nnlin session file"),
        ("json_text", b'"nnlin-session"', "not an nnlin session file"),
        ("unclosed_nesting", deep, "damaged"),
        ("nul_bytes", b"\x00" * 100, "not an nnlin session file"),
    ]


# --------------------------------------------------------------------------------- main


def write_corpus(folder: str) -> list[tuple[str, str]]:
    """Write every case into ``folder``; return ``[(file name, expected message piece)]``."""
    os.makedirs(folder, exist_ok=True)
    docs = good_documents()
    ref = referenced_document(docs["regression"], folder)
    good = dumps(docs["regression"])
    written = []

    def write(label: str, content: bytes, expected: str) -> None:
        name = f"{label}.nnlin"
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(content)
        written.append((name, expected))

    for label, doc, path in systematic_cases(docs["regression"]):
        write(label, dumps(doc), path)
    for label, doc, expected in document_cases(docs) + reference_cases(ref, folder):
        write(label, dumps(doc), expected)
    for label, content, expected in byte_cases(good):
        write(label, content, expected)
    return written


def write_good(folder: str) -> list[str]:
    """The good sessions the corpus starts from (each must open): their file names."""
    docs = good_documents()
    ref = referenced_document(docs["regression"], folder)
    names = []
    for label, doc in (*docs.items(), ("referenced", ref)):
        name = f"good_{label}.nnlin"
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(dumps(doc))
        names.append(name)
    return names


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="bad-sessions-")
    cases = write_corpus(target)
    print(f"wrote {len(cases)} damaged sessions into {target}")
