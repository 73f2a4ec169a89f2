"""``nnlin fit --session``: the written file opens like a window-saved session and holds the
same weights; session files given where data is expected get one line pointing at grade."""

import numpy as np
import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.files.session import open_session
from nnlin_gui.core.statistics.fitting import fit_network


def _fit(tmp_path, *extra):
    path = tmp_path / "student.nnlin"
    argv = ["fit", "builtin:linear", "--target", "y", "--epochs", "40", "--seed", "3"]
    assert main([*argv, *extra, "--session", str(path)]) == 0
    return path


def test_fit_session_opens_with_the_same_weights(tmp_path, capsys):
    path = _fit(tmp_path, "--layers", "6,4", "--lr", "0.02")
    opened = open_session(path)
    dataset = load_dataset("builtin:linear", target="y")
    trainer, _ = fit_network(dataset, [6, 4], epochs=40, seed=3, learning_rate=0.02)
    assert np.array_equal(opened.trainer.network.theta, trainer.network.theta)
    assert opened.state.epoch == 40 and opened.trainer.epoch == 40
    assert opened.state.source == "builtin:linear" and opened.state.target == "y"
    assert opened.state.extra == {"solved": False}
    assert "session written to" in capsys.readouterr().err


def test_fit_session_trains_once(tmp_path, monkeypatch):
    """The session holds the network the report describes (it used to be trained twice)."""
    from nnlin_gui.core.networks.training import Trainer

    runs = []
    original = Trainer.run

    def counted(self, *args, **kwargs):
        runs.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "run", counted)
    _fit(tmp_path)
    assert len(runs) == 1


def test_fit_session_of_a_solved_nonlinear_csv_network(tmp_path):
    csv = tmp_path / "d.csv"
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    csv.write_text("x,y\n" + "".join(f"{a},{2 * a + 1}\n" for a in x))
    out = tmp_path / "s.nnlin"
    assert main(["fit", str(csv), "--target", "y", "--solve", "--session", str(out)]) == 0
    opened = open_session(out)
    assert opened.state.extra["solved"] is True
    W, b = opened.trainer.collapse().coefficients()
    assert W[0, 0] == pytest.approx(2.0) and b[0] == pytest.approx(1.0)


def test_session_suffix_is_added(tmp_path):
    assert main(["fit", "builtin:linear", "--target", "y", "--epochs", "2",
                 "--session", str(tmp_path / "plain")]) == 0  # fmt: skip
    assert (tmp_path / "plain.nnlin").exists()


def test_unwritable_session_is_one_line_status_2(tmp_path, capsys):
    where = tmp_path / "missing" / "s.nnlin"
    assert main(["fit", "builtin:linear", "--target", "y", "--epochs", "2",
                 "--session", str(where)]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("nnlin: s.nnlin: cannot write")


@pytest.mark.parametrize(
    "command", ["fit", "report", "diagnose", "ols", "logistic", "regions", "data"]
)
def test_session_given_as_data_points_at_grade(tmp_path, capsys, command):
    path = _fit(tmp_path)
    renamed = tmp_path / "lab.json"  # recognised by content too, whatever its name
    renamed.write_bytes(path.read_bytes())
    capsys.readouterr()
    for given in (path, renamed):
        with pytest.raises(SystemExit) as exc:
            main([command, str(given), "--target", "y"])
        assert exc.value.code == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "nnlin grade" in err and "session file" in err
