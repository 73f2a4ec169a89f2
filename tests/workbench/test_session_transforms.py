"""Feature transforms travel with a session: saved in the file, restored as transforms (not
as plain columns), with the dataset exactly as saved. Without a display."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict

import numpy as np
import pytest

import nnlin_gui.core.files.session as core_session
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.session import load_session, save_session, session_from_trainer
from nnlin_gui.workbench import jobs
from nnlin_gui.workbench.sources import load_source
from nnlin_gui.workbench.state import Workbench, dataset_for
from nnlin_gui.workbench.transforms import FeatureTransforms, base_features

SPEC = FeatureTransforms(squares=("x1",), products=("x1", "x3"), sines=("x2",))


def _saved(tmp_path, spec: FeatureTransforms = SPEC, source="builtin:linear?n=60&seed=1"):
    """A trained model on data with ``spec``'s columns, saved; (path, dataset, trainer)."""
    table = load_source(source, lambda f: None, threading.Event())
    ds = dataset_for(table, "y", None, None, spec)
    wb = Workbench()
    model = jobs.build_model(ds, wb.layers, wb.config)
    model.trainer.run(epochs=5)
    path = tmp_path / "lab.nnlin"
    state = session_from_trainer(model.trainer, ds, source=source, transforms=asdict(spec))
    save_session(path, state)
    return path, ds, model.trainer


def _open(path) -> jobs.SessionBuild:
    return jobs.session_job(str(path), lambda f: None, threading.Event())


def test_a_session_keeps_its_transforms_and_its_exact_data(tmp_path):
    path, ds, trainer = _saved(tmp_path)
    saved = json.loads(path.read_text(encoding="utf-8"))["data"]["transforms"]
    assert saved == {"squares": ["x1"], "products": ["x1", "x3"], "sines": ["x2"]}

    build = _open(path)
    state = build.opened.state
    assert build.transforms == SPEC
    assert state.dataset.feature_names == ds.feature_names  # x1..x3, x1², x1·x3, sin(x2)
    np.testing.assert_array_equal(state.dataset.X, ds.X)
    np.testing.assert_array_equal(build.opened.trainer.network.theta, trainer.network.theta)
    assert base_features(state.dataset, build.transforms) == ("x1", "x2", "x3")
    # The table holds the data's own columns, so the workbench rebuilds the same inputs.
    assert tuple(build.table.frame.columns) == ("x1", "x2", "x3", "y")
    wb = Workbench()
    wb.adopt_data(build.table, state.dataset, None, None, build.transforms)
    again = dataset_for(wb.table, "y", None, None, wb.transforms)
    assert again.feature_names == ds.feature_names
    np.testing.assert_array_equal(again.X, ds.X)


def test_a_session_without_transforms_is_written_and_read_as_before(tmp_path):
    path, ds, _ = _saved(tmp_path, FeatureTransforms())
    assert "transforms" not in json.loads(path.read_text(encoding="utf-8"))["data"]
    build = _open(path)
    assert build.transforms == FeatureTransforms() and build.opened.state.transforms == {}
    assert tuple(build.table.frame.columns) == ("x1", "x2", "x3", "y")


def test_transformed_data_is_embedded_even_when_large(tmp_path, monkeypatch):
    csv = tmp_path / "big.csv"
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(50, 3))
    csv.write_text("a,b,y\n" + "".join(f"{r[0]},{r[1]},{r[2]}\n" for r in rows))
    monkeypatch.setattr(core_session, "EMBED_LIMIT", 10)  # the CSV counts as large
    path, ds, _ = _saved(tmp_path, FeatureTransforms(squares=("a",)), str(csv))
    state = load_session(path)
    assert state.embedded and state.dataset.feature_names == ("a", "b", "a²")
    np.testing.assert_array_equal(state.dataset.X, ds.X)


def test_transforms_that_do_not_name_the_last_columns_are_one_sentence(tmp_path):
    path, _, _ = _saved(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["data"]["transforms"]["sines"] = ["x3"]  # the file has sin(x2), not sin(x3)
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(UserError) as err:
        _open(path)
    message = str(err.value)
    assert message.startswith("lab.nnlin: the last columns of data.feature_names")
    assert "\n" not in message
