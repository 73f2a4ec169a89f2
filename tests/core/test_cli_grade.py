"""``nnlin grade``: one CSV row per session file; damaged files give their one-line reason
and exit 0; lesson steps whose checks pass; status 2 only when the CSV cannot be written."""

import csv
import importlib.util
import io
import os
import time
from pathlib import Path

import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.files.grading import COLUMNS, grade_session, session_paths
from nnlin_gui.core.files.lessons import load_lessons, run_step
from nnlin_gui.core.files.session import (
    SessionError,
    open_session,
    save_session,
    session_from_trainer,
)

DATA = Path(__file__).resolve().parents[1] / "data"
REQUIRED = ("file", "status", "target", "layers", "activation", "epochs", "collapsed",
            "baseline", "max_diff", "train_loss")  # fmt: skip


def _fit(folder, name, *argv):
    path = folder / name
    base = ["fit", "builtin:linear", "--target", "y", "--epochs", "30", "--session", str(path)]
    assert main([*base, *argv]) == 0
    return path


def _read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _corpus():
    spec = importlib.util.spec_from_file_location("mbs", DATA / "make_bad_sessions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rows_for_good_and_damaged_files(tmp_path, capsys):
    _fit(tmp_path, "student2.nnlin", "--layers", "8,8")
    _fit(tmp_path, "student10.nnlin", "--layers", "5", "--activation", "relu")
    _fit(tmp_path, "student1.nnlin", "--layers", "none", "--solve")
    (tmp_path / "broken.nnlin").write_text("{not json")
    (tmp_path / "notes.txt").write_text("ignored: not a session")
    out = tmp_path / "grades.csv"
    assert main(["grade", str(tmp_path), str(tmp_path / "absent.nnlin"), "--csv", str(out)]) == 0
    rows = _read(out)
    assert set(REQUIRED) <= set(rows[0])
    names = [os.path.basename(r["file"]) for r in rows]
    assert names == ["broken.nnlin", "student1.nnlin", "student2.nnlin", "student10.nnlin",
                     "absent.nnlin"]  # fmt: skip
    by = dict(zip(names, rows, strict=True))
    assert by["broken.nnlin"]["status"] == "broken.nnlin: not an nnlin session file"
    assert by["absent.nnlin"]["status"] == "absent.nnlin: no such file"
    assert by["broken.nnlin"]["target"] == ""
    deep, relu, solved = by["student2.nnlin"], by["student10.nnlin"], by["student1.nnlin"]
    assert deep["status"] == relu["status"] == solved["status"] == "ok"
    assert deep["layers"] == "8,8" and deep["activation"] == "identity"
    assert deep["collapsed"] == "true" and deep["baseline"] == "ols" and deep["epochs"] == "30"
    assert float(deep["max_diff"]) > 1e-6 and float(deep["train_loss"]) > 0
    assert relu["collapsed"] == "false" and relu["activation"] == "relu"
    assert solved["layers"] == "none" and solved["solved"] == "true"
    assert float(solved["max_diff"]) < 1e-8 and solved["epochs"] == "0"
    err = capsys.readouterr().err
    assert "graded 5 files" in err and "2 could not be read" in err


def test_every_damaged_session_row_gives_its_session_error(tmp_path):
    cases = _corpus().write_corpus(str(tmp_path))
    paths = [str(tmp_path / name) for name, _ in cases]
    out = tmp_path / "out" / "grades.csv"
    out.parent.mkdir()
    assert main(["grade", *paths, "--csv", str(out)]) == 0
    rows = _read(out)
    assert len(rows) == len(cases)
    for row in rows:
        with pytest.raises(SessionError) as exc:
            open_session(row["file"])
        assert row["status"] == str(exc.value) and "\n" not in row["status"]
        assert row["epochs"] == "" and row["collapsed"] == ""


def test_lesson_steps_whose_checks_pass(tmp_path):
    lesson = next(les for les in load_lessons() if les.id == "linear-regression")
    trainer, dataset, state = run_step(lesson.steps[0])
    assert lesson.steps[0].check.evaluate(state)
    progress = {"lesson": lesson.id, "step": 0, "instructor": False}
    saved = session_from_trainer(trainer, dataset, extra={"solved": False, "lessons": progress})
    save_session(tmp_path / "done.nnlin", saved)
    _fit(tmp_path, "other.nnlin", "--epochs", "1")
    out = tmp_path / "g.csv"
    argv = ["grade", str(tmp_path / "done.nnlin"), str(tmp_path / "other.nnlin")]
    assert main([*argv, "--lesson", "linear-regression", "--csv", str(out)]) == 0
    done, other = _read(out)
    assert done["lesson"] == "linear-regression" and done["at_step"] == "1"
    assert "1" in done["steps_passed"].split() and done["step_1"] == "true"
    assert other["step_1"] == "false" and other["at_step"] == ""
    # a lesson file by path gives the same columns
    assert main([*argv, "--lesson", lesson.path, "--csv", str(out)]) == 0
    assert _read(out)[0]["step_1"] == "true"


def test_csv_to_stdout(tmp_path, capsys):
    path = _fit(tmp_path, "a.nnlin")
    capsys.readouterr()
    assert main(["grade", str(path), "--csv", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == list(COLUMNS) and rows[0]["status"] == "ok"


@pytest.mark.parametrize(
    "where,message",
    [
        ("missing/g.csv", "cannot write the CSV (no folder"),
        (".", "cannot write the CSV (it is a folder)"),
    ],
)
def test_unwritable_output_is_one_line_status_2(tmp_path, capsys, where, message):
    path = _fit(tmp_path, "a.nnlin", "--epochs", "1")
    capsys.readouterr()
    assert main(["grade", str(path), "--csv", str(tmp_path / where)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err


def test_unknown_lesson_is_one_line_status_2(tmp_path, capsys):
    assert main(["grade", str(tmp_path), "--lesson", "nope", "--csv", str(tmp_path / "g.csv")]) == 2
    assert "no lesson 'nope'" in capsys.readouterr().err


def test_forty_sessions_in_seconds(tmp_path):
    first = _fit(tmp_path, "s0.nnlin", "--layers", "8,8", "--epochs", "100")
    for i in range(1, 40):
        (tmp_path / f"s{i}.nnlin").write_bytes(first.read_bytes())
    paths = session_paths([str(tmp_path)])
    assert len(paths) == 40
    t0 = time.perf_counter()
    rows = [grade_session(p) for p in paths]
    assert all(r["status"] == "ok" for r in rows)
    assert time.perf_counter() - t0 < 10.0
