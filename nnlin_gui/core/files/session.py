"""Session files (``.nnlin``): versioned JSON holding data, network, settings and weights.

A session is enough to reopen a piece of work and to continue training it bit for bit:
besides the weights it keeps the optimizer's moments, the shuffling RNG's state, the epoch
counter and the loss history. Arrays are stored as base64 of little-endian float64 with
their dtype and shape (plain JSON lists are accepted when reading); nothing is pickled.

Data: built-in sources and files up to ``EMBED_LIMIT`` bytes are embedded (the numeric
arrays the network trains on, with their names); larger files are stored as a path plus a
SHA-256 digest and re-read on open, with a clear error when the file moved or changed.
Data with feature transforms (squares, products, sines of columns) is always embedded, and
the transforms are kept (``data.transforms``) so the added columns are known as such.

Saving is atomic: the file is written to a temporary file in the same folder, flushed to
disk and renamed over the old one, so an interrupted save leaves the previous file intact.

Opening checks the whole file before anything is built (``core.session_schema``: every
field typed and bounded, every size consistent) and then builds the complete new state
(``open_session``: dataset, network, trainer with its weights, history). Any problem is one
``SessionError`` line naming the file and the field; nothing else escapes. All of it is
Qt-free, so the GUI runs it on a worker thread and swaps the result in at once.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nnlin_gui.core.data.tables import Dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.session_fields import SessionError, need_array, parse_json, show
from nnlin_gui.core.files.session_schema import (
    TRANSFORM_KINDS,
    SessionState,
    file_sha256,
    state_from_document,
)
from nnlin_gui.core.networks.training import Trainer, TrainingHistory

log = logging.getLogger(__name__)

__all__ = [
    "EMBED_LIMIT",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_SESSION_BYTES",
    "OpenedSession",
    "SessionError",
    "SessionState",
    "load_session",
    "open_session",
    "restore_trainer",
    "save_session",
    "session_from_trainer",
]

FORMAT_NAME = "nnlin-session"
FORMAT_VERSION = 1
#: Data files up to this size are embedded in the session; larger ones are referenced.
EMBED_LIMIT = 20 * 1024 * 1024
#: Largest session file opened (300 MB sessions of large data sets are ordinary).
MAX_SESSION_BYTES = 2 << 30
_CHUNK = 1 << 16
# First bytes of files people mistake for sessions: named in the message.
_FOREIGN = (
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xff\xfe", "a UTF-16 text file"),
    (b"\xfe\xff", "a UTF-16 text file"),
)


def session_from_trainer(
    trainer: Trainer,
    dataset: Dataset,
    *,
    source: str | None = None,
    target: str | None = None,
    features: list[str] | None = None,
    extra: dict | None = None,
    transforms: Mapping[str, Sequence[str]] | None = None,
) -> SessionState:
    """Capture a trainer (weights, optimizer, RNG, history) and its dataset.

    ``source`` is the full path of a data file (``Dataset.source`` holds only its name),
    or the ``builtin:`` string; it decides whether the data is embedded or referenced.
    ``target`` and ``features`` default to the dataset's own names. ``transforms`` (keys
    ``squares``, ``products``, ``sines``) names the columns whose transformed columns end
    the dataset's features, so that a reopened session tells them apart.
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
        transforms={k: tuple(v) for k, v in (transforms or {}).items() if v},
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
    """Inverse of ``encode_array``; also accepts a plain (nested) list of numbers.

    Sizes are checked before decoding; NaN and infinities pass (callers check finiteness).
    """
    integer = isinstance(obj, dict) and obj.get("dtype") == "<i8"
    return need_array(obj, what, None, integer=integer)


# -------------------------------------------------------------------------------- save


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
    if state.transforms:
        payload["transforms"] = {k: list(state.transforms.get(k, ())) for k in TRANSFORM_KINDS}
    is_file = bool(source) and not source.startswith("builtin:") and os.path.isfile(source)
    # Transformed columns are not in the file: such data is embedded, however large.
    if is_file and os.path.getsize(source) > EMBED_LIMIT and not state.transforms:
        payload["embedded"] = False
        payload["path"] = os.path.abspath(source)
        payload["sha256"] = state.data_sha256 or file_sha256(source)
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


def _rng_payload(rng_state: Mapping[str, Any] | None) -> dict | None:
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


@dataclass(frozen=True)
class OpenedSession:
    """A session file read, checked and built: ready to replace the current state at once.

    Attributes
    ----------
    path : absolute path of the file
    state : everything the file holds
    trainer : the trainer in exactly the saved state (weights, optimizer, RNG, history)
    """

    path: str
    state: SessionState
    trainer: Trainer


def open_session(path: str | os.PathLike) -> OpenedSession:
    """Read, check and build the session at ``path``; nothing outside is touched.

    Qt-free and safe to run on a worker thread. The trainer is built and its outputs on the
    data checked finite, so what is returned can be shown without further failures.

    Raises
    ------
    SessionError
        One line, ``NAME: what is wrong and where``; no other exception escapes.
    """
    path = os.fspath(path)
    state = load_session(path)
    try:
        trainer = restore_trainer(state)
        _check_outputs(trainer)
    except Exception as exc:
        raise _failure(_name(path), exc) from None
    return OpenedSession(os.path.abspath(path), state, trainer)


def load_session(path: str | os.PathLike) -> SessionState:
    """Read and check a session file (without building a trainer: see ``open_session``).

    Raises
    ------
    SessionError
        One line, ``NAME: what is wrong and where``, for a missing, foreign, damaged,
        newer-version or inconsistent file, or referenced data that moved or changed.
    """
    path = os.fspath(path)
    try:
        doc = _read_document(path)
        return state_from_document(doc, os.path.dirname(os.path.abspath(path)))
    except Exception as exc:
        raise _failure(_name(path), exc) from None


def _name(path: str) -> str:
    return os.path.basename(path) or path


def _failure(name: str, exc: BaseException) -> SessionError:
    """The one-line ``SessionError`` for anything that went wrong opening ``name``."""
    if isinstance(exc, UserError):
        text = str(exc)
    elif isinstance(exc, MemoryError):
        text = "too large to open with the memory available"
    elif isinstance(exc, RecursionError):
        text = "the session file is damaged (nested too deeply)"
    else:
        # Every field is checked first, so this is a gap in the checks: log it in full.
        log.warning("unexpected error opening session %s", name, exc_info=exc)
        text = f"the session file is damaged ({type(exc).__name__}: {exc})"
    text = " ".join(text.split())
    if len(text) > 400:
        text = text[:399] + "…"
    return SessionError(f"{name}: {text}")


def _read_document(path: str) -> dict:
    """The parsed JSON of a session file whose format and version this reader knows."""
    raw = _read_bytes(path)
    for magic, what in _FOREIGN:
        if raw.startswith(magic):
            raise SessionError(f"this is {what}, not an nnlin session file")
    looks_like_session = FORMAT_NAME.encode() in raw[:200]
    try:
        doc = parse_json(raw)
    except UnicodeDecodeError:
        raise _not_a_session(looks_like_session, "not text") from None
    except json.JSONDecodeError as exc:
        raise _not_a_session(
            looks_like_session, f"cut off or edited: line {exc.lineno}, column {exc.colno}"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise SessionError("not an nnlin session file")
    _check_version(doc["version"] if "version" in doc else None)
    return doc


def _read_bytes(path: str) -> bytes:
    if os.path.isdir(path):
        raise SessionError("this is a folder, not a session file")
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_SESSION_BYTES:
                raise SessionError(
                    f"the file is {size / 2**20:,.0f} MB; sessions up to "
                    f"{MAX_SESSION_BYTES / 2**30:g} GB can be opened"
                )
            raw = fh.read()
    except FileNotFoundError:
        raise SessionError("no such file") from None
    except OSError as exc:
        raise SessionError(f"cannot open ({exc.strerror or exc})") from None
    if not raw or raw.isspace():  # isspace stops at the first other byte: no copy
        raise SessionError("the file is empty")
    return raw


def _not_a_session(looks_like_session: bool, why: str) -> SessionError:
    if looks_like_session:
        return SessionError(f"the session file is damaged ({why}); it cannot be opened")
    return SessionError("not an nnlin session file")


def _check_version(version: Any) -> None:
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(
            f"the session file is damaged (version must be a whole number from 1, "
            f"not {show(version)})"
        )
    if version > FORMAT_VERSION:
        raise SessionError(
            f"saved by a newer nnlin (session format {version}; this version reads "
            f"up to {FORMAT_VERSION}); please update nnlin"
        )


def _check_outputs(trainer: Trainer) -> None:
    """The network's outputs on the data (and a little beyond, as the fit view draws them)
    are finite and square to finite losses; the collapsed map too."""
    X = trainer.X
    rows = X[np.linspace(0, len(X) - 1, min(len(X), 2000)).astype(np.int64)]
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * np.where(hi > lo, hi - lo, 1.0)
    probe = np.vstack([rows, lo - pad, hi + pad])
    with np.errstate(all="ignore"):
        out = trainer.raw_predict(probe)
        ok = bool(np.isfinite(out * out).all())
        col = trainer.collapse() if ok and trainer.spec.is_linear else None
        if col is not None and col.collapsible:
            W, b = col.coefficients()
            ok = bool(np.isfinite(W).all() and np.isfinite(b).all())
    if not ok:
        raise SessionError(
            "the network's outputs on this data are infinite or undefined (the weights or "
            "the data are damaged or far too large)"
        )
