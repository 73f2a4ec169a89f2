"""Session files (``.nnlin``): versioned JSON holding data, network, settings and weights.

A session is enough to reopen a piece of work and to continue training it bit for bit:
besides the weights it keeps the optimizer's moments, the shuffling RNG's state, the epoch
counter and the loss history. Arrays are stored as base64 of little-endian float64 with
their dtype and shape (plain JSON lists are accepted when reading); nothing is pickled.

Data: built-in sources and files up to ``EMBED_LIMIT`` bytes are embedded (the numeric
arrays the network trains on, with their names); larger files are stored as a path plus a
SHA-256 digest and re-read on open, with a clear error when the file moved or changed.

Saving is atomic: the file is written to a temporary file in the same folder, flushed to
disk and renamed over the old one, so an interrupted save leaves the previous file intact.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from nnlin_gui.core.data import Dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.network import NetworkSpec
from nnlin_gui.core.training import Trainer, TrainingConfig, TrainingHistory

log = logging.getLogger(__name__)

__all__ = [
    "EMBED_LIMIT",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "SessionError",
    "SessionState",
    "load_session",
    "restore_trainer",
    "save_session",
    "session_from_trainer",
]

FORMAT_NAME = "nnlin-session"
FORMAT_VERSION = 1
#: Data files up to this size are embedded in the session; larger ones are referenced.
EMBED_LIMIT = 20 * 1024 * 1024
_CHUNK = 1 << 16


class SessionError(UserError):
    """A session file that cannot be read or written; the message is one line."""


# ----------------------------------------------------------------------------- state


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
    rng_state: dict | None = None
    progress: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    embedded: bool = True
    data_sha256: str | None = None

    @property
    def seed(self) -> int:
        return int(self.config.seed)


def session_from_trainer(
    trainer: Trainer,
    dataset: Dataset,
    *,
    source: str | None = None,
    target: str | None = None,
    features: list[str] | None = None,
    extra: dict | None = None,
) -> SessionState:
    """Capture a trainer (weights, optimizer, RNG, history) and its dataset.

    ``source`` is the full path of a data file (``Dataset.source`` holds only its name),
    or the ``builtin:`` string; it decides whether the data is embedded or referenced.
    ``target`` and ``features`` default to the dataset's own names.
    """
    h = trainer.history
    opt = trainer.optimizer
    return SessionState(
        dataset=dataset,
        spec=trainer.spec,
        config=trainer.config,
        source=source if source is not None else dataset.source,
        target=target if target is not None else dataset.target_name,
        features=list(features) if features is not None else list(dataset.feature_names),
        theta=trainer.network.theta.copy(),
        epoch=int(trainer.epoch),
        history=TrainingHistory(
            epochs=list(h.epochs),
            train_loss=list(h.train_loss),
            test_loss=list(h.test_loss),
            coef_epochs=list(h.coef_epochs),
            coef_W=[np.array(w) for w in h.coef_W],
            coef_b=[np.array(b) for b in h.coef_b],
        ),
        optimizer={
            "t": int(opt.t),
            "m": opt.m.copy(),
            "v": None if opt.v is None else opt.v.copy(),
        },
        rng_state=trainer.rng.bit_generator.state,
        progress={
            "best": float(trainer._best),
            "since_best": int(trainer._since_best),
            "diverged": bool(trainer.diverged),
        },
        extra=dict(extra or {}),
    )


def restore_trainer(state: SessionState) -> Trainer:
    """A ``Trainer`` in exactly the state that was saved; training on continues the run
    bit for bit as if it had never stopped."""
    trainer = Trainer(state.spec, state.dataset.X, state.dataset.y, state.config)
    if state.theta is not None:
        if state.theta.shape != trainer.network.theta.shape:
            raise SessionError(
                f"the session's weights ({state.theta.size} numbers) do not fit its network "
                f"({trainer.network.n_params} parameters)"
            )
        trainer.network.theta[...] = state.theta
    opt = trainer.optimizer
    if state.optimizer is not None:
        m, v = state.optimizer.get("m"), state.optimizer.get("v")
        if m is not None and m.shape == opt.m.shape:
            opt.t = int(state.optimizer.get("t", 0))
            opt.m[...] = m
            if v is not None and opt.v is not None and v.shape == opt.v.shape:
                opt.v[...] = v
    if state.rng_state is not None:
        try:
            trainer.rng.bit_generator.state = state.rng_state
        except (TypeError, ValueError, KeyError) as exc:
            raise SessionError(f"the session's random state is damaged ({exc})") from None
    trainer.epoch = int(state.epoch)
    trainer.history = state.history
    p = state.progress
    trainer._best = float(p.get("best", float("inf")))
    trainer._since_best = int(p.get("since_best", 0))
    trainer.diverged = bool(p.get("diverged", False))
    if not trainer.history.coef_epochs:
        trainer._record_coefficients()
    return trainer


# ---------------------------------------------------------------------------- arrays


def encode_array(a: np.ndarray) -> dict:
    """``{"dtype", "shape", "base64"}`` with the bytes in little-endian order."""
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        a = a.astype("<i8")
    else:
        a = a.astype("<f8")
    return {
        "dtype": a.dtype.str,
        "shape": list(a.shape),
        "base64": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii"),
    }


def decode_array(obj: Any, what: str) -> np.ndarray:
    """Inverse of ``encode_array``; also accepts a plain (nested) list of numbers."""
    if isinstance(obj, list):
        try:
            return np.asarray(obj, dtype=np.float64)
        except (TypeError, ValueError):
            raise SessionError(f"{what}: not a list of numbers") from None
    if not isinstance(obj, dict):
        raise SessionError(f"{what}: not an array")
    dtype = obj.get("dtype")
    if dtype not in ("<f8", "<i8"):
        raise SessionError(f"{what}: unsupported array type {dtype!r}")
    try:
        shape = tuple(int(s) for s in obj["shape"])
        if "values" in obj:
            return np.asarray(obj["values"], dtype=dtype).reshape(shape)
        raw = base64.b64decode(obj["base64"], validate=True)
        arr = np.frombuffer(raw, dtype=dtype).reshape(shape)
    except (KeyError, TypeError, ValueError) as exc:
        raise SessionError(f"{what}: damaged array ({exc})") from None
    return arr.astype(np.float64 if dtype == "<f8" else np.int64)


# -------------------------------------------------------------------------------- save


def _file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _data_payload(state: SessionState) -> dict:
    ds = state.dataset
    source = state.source or ds.source
    payload: dict[str, Any] = {
        "source": source,
        "target": state.target,
        "features": state.features,
        "target_name": ds.target_name,
        "feature_names": list(ds.feature_names),
        "task": ds.task,
        "class_labels": list(ds.class_labels),
        "rows_dropped": int(ds.rows_dropped),
    }
    is_file = bool(source) and not source.startswith("builtin:") and os.path.isfile(source)
    if is_file and os.path.getsize(source) > EMBED_LIMIT:
        payload["embedded"] = False
        payload["path"] = os.path.abspath(source)
        payload["sha256"] = state.data_sha256 or _file_sha256(source)
        payload["size"] = os.path.getsize(source)
        return payload
    payload["embedded"] = True
    payload["X"] = encode_array(ds.X)
    payload["y"] = encode_array(ds.y)
    return payload


def _history_payload(h: TrainingHistory) -> dict:
    out: dict[str, Any] = {
        "epochs": encode_array(np.asarray(h.epochs, dtype=np.int64)),
        "train_loss": encode_array(np.asarray(h.train_loss, dtype=np.float64)),
        "test_loss": encode_array(np.asarray(h.test_loss, dtype=np.float64)),
        "coef_epochs": encode_array(np.asarray(h.coef_epochs, dtype=np.int64)),
    }
    if h.coef_W:
        out["coef_W"] = encode_array(np.stack([np.asarray(w) for w in h.coef_W]))
        out["coef_b"] = encode_array(np.stack([np.asarray(b) for b in h.coef_b]))
    return out


def _rng_payload(rng_state: dict | None) -> dict | None:
    if rng_state is None:
        return None
    # PCG64 state words are 128-bit integers: strings keep them exact in any JSON reader.
    inner = rng_state.get("state", {})
    return {
        "bit_generator": rng_state.get("bit_generator"),
        "state": {k: str(v) for k, v in inner.items()},
        "has_uint32": int(rng_state.get("has_uint32", 0)),
        "uinteger": str(rng_state.get("uinteger", 0)),
    }


def session_to_dict(state: SessionState) -> dict:
    """The JSON document of a session (``save_session`` writes exactly this)."""
    opt = state.optimizer
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "data": _data_payload(state),
        "network": state.spec.to_dict(),
        "training": asdict(state.config),
        "seed": int(state.config.seed),
        "parameters": None if state.theta is None else encode_array(state.theta),
        "epoch": int(state.epoch),
        "history": _history_payload(state.history),
        "optimizer": None
        if opt is None
        else {
            "t": int(opt.get("t", 0)),
            "m": encode_array(opt["m"]),
            "v": None if opt.get("v") is None else encode_array(opt["v"]),
        },
        "rng": _rng_payload(state.rng_state),
        "progress": {
            "best": _finite_or_none(state.progress.get("best")),
            "since_best": int(state.progress.get("since_best", 0)),
            "diverged": bool(state.progress.get("diverged", False)),
        },
        "extra": state.extra,
    }


def _finite_or_none(v) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def _chunks(document: dict) -> Iterator[str]:
    """The JSON text in pieces (so a save can be written, and tested, incrementally)."""
    encoder = json.JSONEncoder(indent=1, allow_nan=False, ensure_ascii=False)
    yield from encoder.iterencode(document)
    yield "\n"


def save_session(path: str | os.PathLike, state: SessionState) -> None:
    """Write ``state`` to ``path`` atomically.

    The text goes to a temporary file in the same folder, is flushed and fsync'ed, and
    then replaces ``path`` in one rename. If anything fails on the way, the temporary file
    is removed and the previous ``path`` is untouched.

    Raises
    ------
    SessionError
        The folder is not writable, the disk is full, or the state cannot be encoded.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    try:
        document = session_to_dict(state)
    except (OSError, TypeError, ValueError, KeyError) as exc:
        raise SessionError(f"{name}: cannot save the session ({exc})") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SessionError(f"{name}: cannot write in {folder} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for piece in _chunks(document):
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file private (0600); keep the old file's mode, else 0644.
        os.chmod(tmp, os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise SessionError(f"{name}: cannot save ({exc.strerror or exc})") from None
        if isinstance(exc, TypeError | ValueError):
            raise SessionError(f"{name}: cannot save the session ({exc})") from None
        raise
    _fsync_folder(folder)
    log.info("session saved to %s", path)


def _fsync_folder(folder: str) -> None:
    # Makes the rename itself durable on POSIX; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -------------------------------------------------------------------------------- load


def load_session(path: str | os.PathLike) -> SessionState:
    """Read a session file.

    Raises
    ------
    SessionError
        One line for a missing, damaged, foreign or newer-version file, or for referenced
        data that moved or changed.
    """
    path = os.fspath(path)
    name = os.path.basename(path) or path
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise SessionError(f"{name}: no such file") from None
    except OSError as exc:
        raise SessionError(f"{name}: cannot open ({exc.strerror or exc})") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        if FORMAT_NAME.encode() in raw[:200]:
            raise SessionError(
                f"{name}: the session file is damaged (cut off or edited); it cannot be opened"
            ) from None
        raise SessionError(f"{name}: not an nnlin session file") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise SessionError(f"{name}: not an nnlin session file")
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise SessionError(f"{name}: the session file is damaged (no valid version number)")
    if version > FORMAT_VERSION:
        raise SessionError(
            f"{name}: saved by a newer nnlin (session format {version}; this version reads "
            f"up to {FORMAT_VERSION}); please update nnlin"
        )
    try:
        return _state_from_dict(doc, os.path.dirname(os.path.abspath(path)))
    except SessionError as exc:
        raise SessionError(f"{name}: {exc}") from None
    except UserError as exc:
        raise SessionError(f"{name}: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SessionError(
            f"{name}: the session file is damaged ({type(exc).__name__}: {exc})"
        ) from None


def _config_from(d: dict) -> TrainingConfig:
    known = {f.name for f in fields(TrainingConfig)}
    unknown = sorted(set(d) - known)
    if unknown:
        log.info("session: ignoring unknown training settings %s", unknown)
    cfg = TrainingConfig(**{k: v for k, v in d.items() if k in known})
    cfg.validate()
    return cfg


def _dataset_from(d: dict, session_dir: str) -> tuple[Dataset, bool, str | None]:
    source = str(d.get("source", ""))
    if d.get("embedded", True):
        X = decode_array(d["X"], "data X")
        y = decode_array(d["y"], "data y")
        if X.ndim != 2 or y.shape != (X.shape[0],):
            raise SessionError("the embedded data has inconsistent shapes")
        ds = Dataset(
            X=X,
            y=y,
            feature_names=tuple(d["feature_names"]),
            target_name=str(d["target_name"]),
            task=str(d.get("task", "regression")),
            source=source,
            rows_dropped=int(d.get("rows_dropped", 0)),
            class_labels=tuple(d.get("class_labels", ())),
        )
        if len(ds.feature_names) != X.shape[1]:
            raise SessionError("the embedded data has inconsistent shapes")
        return ds, True, None
    from nnlin_gui.core.data import load_dataset

    stored = str(d["path"])
    digest = str(d["sha256"])
    path = stored
    if not os.path.isfile(path):
        # The data may have travelled with the session file (copied together to a USB stick).
        beside = os.path.join(session_dir, os.path.basename(stored))
        if not os.path.isfile(beside):
            raise SessionError(
                f"the data file {stored} was moved or deleted; put it back or next to the "
                "session file"
            )
        path = beside
    if _file_sha256(path) != digest:
        raise SessionError(
            f"the data file {path} has changed since the session was saved (SHA-256 differs)"
        )
    ds = load_dataset(path, target=d.get("target"), features=d.get("features"))
    return ds, False, digest


def _history_from(d: dict) -> TrainingHistory:
    h = TrainingHistory(
        epochs=[int(e) for e in decode_array(d["epochs"], "history")],
        train_loss=[float(v) for v in decode_array(d["train_loss"], "history")],
        test_loss=[float(v) for v in decode_array(d["test_loss"], "history")],
        coef_epochs=[int(e) for e in decode_array(d.get("coef_epochs", []), "history")],
    )
    if "coef_W" in d:
        W = decode_array(d["coef_W"], "history")
        b = decode_array(d["coef_b"], "history")
        h.coef_W = [w.copy() for w in W]
        h.coef_b = [v.copy() for v in b]
    if not (len(h.epochs) == len(h.train_loss) == len(h.test_loss)):
        raise SessionError("the loss history has inconsistent lengths")
    if len(h.coef_W) != len(h.coef_epochs):
        h.coef_epochs, h.coef_W, h.coef_b = [], [], []
    return h


def _rng_from(d: dict | None) -> dict | None:
    if d is None:
        return None
    return {
        "bit_generator": str(d["bit_generator"]),
        "state": {k: int(v) for k, v in d["state"].items()},
        "has_uint32": int(d.get("has_uint32", 0)),
        "uinteger": int(d.get("uinteger", 0)),
    }


def _state_from_dict(doc: dict, session_dir: str) -> SessionState:
    data = doc["data"]
    dataset, embedded, digest = _dataset_from(data, session_dir)
    spec = NetworkSpec.from_dict(doc["network"])
    config = _config_from(doc.get("training", {}))
    if spec.n_inputs != dataset.X.shape[1]:
        raise SessionError(
            f"the network expects {spec.n_inputs} inputs but the data has "
            f"{dataset.X.shape[1]} features"
        )
    theta = None if doc.get("parameters") is None else decode_array(doc["parameters"], "weights")
    opt = doc.get("optimizer")
    optimizer = None
    if opt is not None:
        optimizer = {
            "t": int(opt.get("t", 0)),
            "m": decode_array(opt["m"], "optimizer state"),
            "v": None if opt.get("v") is None else decode_array(opt["v"], "optimizer state"),
        }
    prog = doc.get("progress") or {}
    best = prog.get("best")
    features = data.get("features")
    return SessionState(
        dataset=dataset,
        spec=spec,
        config=config,
        source=str(data.get("source", "")),
        target=data.get("target"),
        features=None if features is None else [str(f) for f in features],
        theta=theta,
        epoch=int(doc.get("epoch", 0)),
        history=_history_from(doc["history"]) if "history" in doc else TrainingHistory(),
        optimizer=optimizer,
        rng_state=_rng_from(doc.get("rng")),
        progress={
            "best": float("inf") if best is None else float(best),
            "since_best": int(prog.get("since_best", 0)),
            "diverged": bool(prog.get("diverged", False)),
        },
        extra=dict(doc.get("extra") or {}),
        embedded=embedded,
        data_sha256=digest,
    )
