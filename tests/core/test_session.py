"""Session files: round trip, bit-identical resume, atomic save, clear errors."""

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest

from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files import session as session_mod
from nnlin_gui.core.files.session import (
    FORMAT_VERSION,
    SessionError,
    decode_array,
    encode_array,
    load_session,
    open_session,
    restore_trainer,
    save_session,
    session_from_trainer,
)
from nnlin_gui.core.networks.network import LayerSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.core.statistics.fitting import build_spec

CFG = TrainingConfig(optimizer="adam", learning_rate=0.01, batch_size=16, seed=5, epochs=40)


def _trainer(source="builtin:linear?n=120&noise=0.5", layers=(4, 3), cfg=CFG):
    ds = load_dataset(source, target="y")
    spec = build_spec(ds, layers)
    return ds, Trainer(spec, ds.X, ds.y, cfg)


def test_array_codec_round_trips_exact_bits():
    a = np.array([[0.1, -2.5e-300, np.nan], [np.inf, 1 / 3, -0.0]])
    b = decode_array(encode_array(a), "a")
    assert b.shape == (2, 3)
    assert a.tobytes() == b.tobytes()  # NaN, inf and -0.0 survive bit for bit
    assert decode_array([[1, 2], [3, 4]], "list").tolist() == [[1.0, 2.0], [3.0, 4.0]]
    ints = decode_array(encode_array(np.arange(5)), "i")
    assert ints.dtype == np.int64 and ints.tolist() == [0, 1, 2, 3, 4]


def test_round_trip_keeps_everything(tmp_path):
    ds, tr = _trainer()
    tr.run(epochs=10)
    path = tmp_path / "work.nnlin"
    save_session(path, session_from_trainer(tr, ds, extra={"lesson": "collapse", "step": 2}))
    doc = json.loads(path.read_text())
    assert doc["format"] == "nnlin-session" and doc["version"] == FORMAT_VERSION
    assert doc["seed"] == 5 and doc["data"]["embedded"] is True
    assert "pickle" not in path.read_text()

    st = load_session(path)
    assert st.seed == 5 and st.epoch == 10 and st.extra == {"lesson": "collapse", "step": 2}
    assert st.spec == tr.spec and st.config == tr.config
    assert st.dataset.X.tobytes() == ds.X.tobytes() and st.dataset.y.tobytes() == ds.y.tobytes()
    assert st.dataset.feature_names == ds.feature_names and st.target == "y"
    assert st.theta.tobytes() == tr.network.theta.tobytes()
    assert st.history.train_loss == tr.history.train_loss
    assert st.history.epochs == list(range(1, 11))

    back = restore_trainer(st)
    np.testing.assert_array_equal(back.predict(ds.X), tr.predict(ds.X))
    col_a, col_b = back.collapse(), tr.collapse()
    np.testing.assert_array_equal(col_a.W, col_b.W)


@pytest.mark.parametrize("optimizer", ["adam", "momentum", "sgd"])
def test_resume_is_bit_identical(tmp_path, optimizer):
    """Train 20, save, load, train 20 more == train 40 in one go (minibatch shuffling on)."""
    cfg = TrainingConfig(optimizer=optimizer, learning_rate=0.01, batch_size=16, seed=3)
    ds, straight = _trainer(cfg=cfg)
    straight.run(epochs=40)

    _, first = _trainer(cfg=cfg)
    first.run(epochs=20)
    path = tmp_path / "half.nnlin"
    save_session(path, session_from_trainer(first, ds))
    resumed = restore_trainer(load_session(path))
    resumed.run(epochs=20)

    assert resumed.epoch == 40
    assert resumed.network.theta.tobytes() == straight.network.theta.tobytes()
    assert resumed.history.train_loss == straight.history.train_loss
    assert resumed.optimizer.m.tobytes() == straight.optimizer.m.tobytes()


def test_resume_with_nonlinear_residual_and_conv_layers(tmp_path):
    layers = (
        LayerSpec("conv1d", 2, "tanh", kernel_size=3),
        LayerSpec("residual", activation="relu"),
    )
    ds, straight = _trainer(layers=layers)
    straight.run(epochs=12)
    _, first = _trainer(layers=layers)
    first.run(epochs=5)
    save_session(tmp_path / "s.nnlin", session_from_trainer(first, ds))
    resumed = restore_trainer(load_session(tmp_path / "s.nnlin"))
    resumed.run(epochs=7)
    assert resumed.network.theta.tobytes() == straight.network.theta.tobytes()


def test_interrupted_save_leaves_previous_file_intact(tmp_path, monkeypatch):
    ds, tr = _trainer()
    path = tmp_path / "keep.nnlin"
    save_session(path, session_from_trainer(tr, ds))
    before = path.read_bytes()

    tr.run(epochs=3)
    real_chunks = session_mod._chunks

    def failing_chunks(doc):
        for i, piece in enumerate(real_chunks(doc)):
            if i == 50:
                raise OSError(28, "No space left on device")
            yield piece

    monkeypatch.setattr(session_mod, "_chunks", failing_chunks)
    with pytest.raises(SessionError, match="keep.nnlin: cannot save .*No space left"):
        save_session(path, session_from_trainer(tr, ds))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.nnlin"]  # no temporary file left behind
    assert load_session(path).epoch == 0


def test_failed_rename_leaves_previous_file_intact(tmp_path, monkeypatch):
    ds, tr = _trainer()
    path = tmp_path / "keep.nnlin"
    save_session(path, session_from_trainer(tr, ds))
    before = path.read_bytes()

    def no_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(session_mod.os, "replace", no_replace)
    tr.run(epochs=2)
    with pytest.raises(SessionError):
        save_session(path, session_from_trainer(tr, ds))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["keep.nnlin"]


def _one_line(exc: BaseException) -> str:
    msg = str(exc)
    assert "\n" not in msg and "Traceback" not in msg
    return msg


def test_corrupt_foreign_and_newer_files_give_one_line_errors(tmp_path):
    ds, tr = _trainer()
    good = tmp_path / "good.nnlin"
    save_session(good, session_from_trainer(tr, ds))
    text = good.read_text()

    cut = tmp_path / "cut.nnlin"
    cut.write_text(text[: len(text) // 2])
    with pytest.raises(SessionError) as err:
        load_session(cut)
    assert "damaged" in _one_line(err.value)

    foreign = tmp_path / "data.nnlin"
    foreign.write_text("x,y\n1,2\n")
    with pytest.raises(SessionError) as err:
        load_session(foreign)
    assert "not an nnlin session file" in _one_line(err.value)

    other_json = tmp_path / "other.nnlin"
    other_json.write_text(json.dumps({"hello": 1}))
    with pytest.raises(SessionError, match="not an nnlin session file"):
        load_session(other_json)

    doc = json.loads(text)
    doc["version"] = FORMAT_VERSION + 1
    newer = tmp_path / "newer.nnlin"
    newer.write_text(json.dumps(doc))
    with pytest.raises(SessionError) as err:
        load_session(newer)
    assert "newer nnlin" in _one_line(err.value)

    doc = json.loads(text)
    doc["parameters"]["base64"] = "!!not base64!!"
    broken = tmp_path / "broken.nnlin"
    broken.write_text(json.dumps(doc))
    with pytest.raises(SessionError) as err:
        load_session(broken)
    assert "parameters.base64" in _one_line(err.value)

    doc = json.loads(text)
    del doc["network"]
    with pytest.raises(SessionError, match="has no 'network'"):
        newer.write_text(json.dumps(doc))
        load_session(newer)

    with pytest.raises(SessionError, match="no such file"):
        load_session(tmp_path / "missing.nnlin")
    assert issubclass(SessionError, UserError)


def test_large_file_is_referenced_and_checked(tmp_path, monkeypatch):
    csv = tmp_path / "big.csv"
    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    csv.write_text("x,y\n" + "".join(f"{a},{2 * a + 1}\n" for a in x))
    monkeypatch.setattr(session_mod, "EMBED_LIMIT", 100)  # "large" for this test
    ds, tr = _trainer(str(csv), layers=(2,))
    path = tmp_path / "ref.nnlin"
    save_session(path, session_from_trainer(tr, ds, source=str(csv)))
    doc = json.loads(path.read_text())
    assert doc["data"]["embedded"] is False and "X" not in doc["data"]
    assert len(doc["data"]["sha256"]) == 64

    st = load_session(path)
    assert st.embedded is False
    assert st.dataset.X.tobytes() == ds.X.tobytes()

    # moved next to the session file in another folder: still found
    other = tmp_path / "usb"
    other.mkdir()
    os.replace(path, other / "ref.nnlin")
    os.replace(csv, other / "big.csv")
    assert load_session(other / "ref.nnlin").dataset.n_rows == 60

    (other / "big.csv").write_text("x,y\n1,2\n2,3\n3,5\n4,4\n")
    with pytest.raises(SessionError) as err:
        load_session(other / "ref.nnlin")
    assert "changed since the session was saved" in _one_line(err.value)

    os.unlink(other / "big.csv")
    with pytest.raises(SessionError) as err:
        load_session(other / "ref.nnlin")
    assert "moved or deleted" in _one_line(err.value)


def test_untrained_state_round_trips(tmp_path):
    ds = load_dataset("builtin:sine?n=50", target="y")
    spec = build_spec(ds, (5,), "tanh")
    st = session_mod.SessionState(dataset=ds, spec=spec, config=TrainingConfig(seed=9))
    save_session(tmp_path / "u.nnlin", st)
    back = load_session(tmp_path / "u.nnlin")
    assert back.theta is None and back.epoch == 0 and back.seed == 9
    tr = restore_trainer(back)
    fresh = Trainer(spec, ds.X, ds.y, TrainingConfig(seed=9))
    assert tr.network.theta.tobytes() == fresh.network.theta.tobytes()


# ---------------------------------------------------------------- the damaged corpus

DATA = Path(__file__).resolve().parents[1] / "data"


def _corpus_module():
    spec = importlib.util.spec_from_file_location(
        "make_bad_sessions", DATA / "make_bad_sessions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_damaged_session_gives_one_clear_line(tmp_path):
    """Each file of the corpus: a SessionError naming the file, one line, the expected
    piece; never another exception, never a session that opens."""
    cases = _corpus_module().write_corpus(str(tmp_path))
    assert len(cases) >= 150
    wrong = []
    for name, expected in cases:
        try:
            open_session(tmp_path / name)
        except SessionError as exc:
            message = str(exc)
            if not (message.startswith(f"{name}: ") and expected in message):
                wrong.append(f"{name}: expected {expected!r}, got {message!r}")
            elif "\n" in message or "Traceback" in message or len(message) > 500:
                wrong.append(f"{name}: not one short line: {message!r}")
        except Exception as exc:  # noqa: BLE001 - exactly what must never happen
            wrong.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            wrong.append(f"{name}: opened")
    assert wrong == []


def test_the_corpus_starts_from_sessions_that_open(tmp_path):
    names = _corpus_module().write_good(str(tmp_path))
    for name in names:
        opened = open_session(tmp_path / name)
        assert opened.trainer.epoch == opened.state.epoch > 0
        assert opened.path == str(tmp_path / name)


def test_message_quotes_the_file_and_names_the_field(tmp_path):
    ds, tr = _trainer()
    path = tmp_path / "lab.nnlin"
    save_session(path, session_from_trainer(tr, ds))
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    doc["network"]["layers"][1]["width"] = "@"
    path.write_text(json.dumps(doc).replace('"@"', "1e400"), encoding="utf-8")
    with pytest.raises(SessionError) as err:
        open_session(path)
    assert str(err.value) == (
        "lab.nnlin: network.layers[1].width must be an integer from 1 to 4,096, not 1e400"
    )


def _three_classes():
    from nnlin_gui.core.data.tables import Dataset

    rng = np.random.default_rng(4)
    y = np.repeat([0.0, 1.0, 2.0], 30)
    X = rng.normal(size=(90, 2)) + y[:, None]
    return Dataset(X, y, ("a", "b"), "c", task="multiclass", class_labels=("p", "q", "r"))


def test_sessions_of_every_kind_of_run_open(tmp_path):
    """Legitimate files stay openable: no test rows (NaN test losses), multi-class, solved,
    untrained, residual and convolution layers, a diverged optimizer."""
    runs = [
        ("builtin:linear?n=50", (3,), TrainingConfig(test_fraction=0.0, seed=1)),
        ("builtin:spiral?n=90", (LayerSpec("dense", 6, "tanh"),), CFG),
        ("three classes", (4,), CFG),
        (
            "builtin:sine?n=60",
            (LayerSpec("conv1d", 3, "relu", kernel_size=5), LayerSpec("residual", depth=3)),
            TrainingConfig(optimizer="momentum", batch_size=8),
        ),
    ]
    for i, (source, layers, cfg) in enumerate(runs):
        ds = _three_classes() if source == "three classes" else load_dataset(source)
        tr = Trainer(build_spec(ds, layers), ds.X, ds.y, cfg)
        tr.run(epochs=4)
        path = tmp_path / f"run{i}.nnlin"
        save_session(path, session_from_trainer(tr, ds))
        opened = open_session(path)
        assert opened.trainer.network.theta.tobytes() == tr.network.theta.tobytes(), source

    ds, tr = _trainer()
    tr.run(epochs=3)
    tr.optimizer.m[0] = np.inf  # as a run that blew up can leave it
    save_session(tmp_path / "diverged.nnlin", session_from_trainer(tr, ds))
    opened = open_session(tmp_path / "diverged.nnlin")
    assert opened.state.optimizer is None and np.isfinite(opened.trainer.optimizer.m).all()


def test_claimed_sizes_are_refused_before_allocating(tmp_path, monkeypatch):
    ds, tr = _trainer()
    doc = session_mod.session_to_dict(session_from_trainer(tr, ds))
    doc = json.loads(json.dumps(doc))
    doc["network"]["n_outputs"] = 100_000_000
    doc["parameters"] = None
    path = tmp_path / "huge.nnlin"
    path.write_text(json.dumps(doc), encoding="utf-8")
    calls = []
    monkeypatch.setattr(session_mod, "Trainer", lambda *a, **k: calls.append(a))
    with pytest.raises(SessionError, match="network.n_outputs must be an integer from 1 to"):
        open_session(path)
    assert calls == []
