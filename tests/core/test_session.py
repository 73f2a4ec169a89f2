"""Session files: round trip, bit-identical resume, atomic save, clear errors."""

import json
import os

import numpy as np
import pytest

from nnlin_gui.core import session as session_mod
from nnlin_gui.core.data import load_dataset
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.fitting import build_spec
from nnlin_gui.core.network import LayerSpec
from nnlin_gui.core.session import (
    FORMAT_VERSION,
    SessionError,
    decode_array,
    encode_array,
    load_session,
    restore_trainer,
    save_session,
    session_from_trainer,
)
from nnlin_gui.core.training import Trainer, TrainingConfig

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
    assert "weights" in _one_line(err.value)

    doc = json.loads(text)
    del doc["network"]
    with pytest.raises(SessionError, match="damaged"):
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
