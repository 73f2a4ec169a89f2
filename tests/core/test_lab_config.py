"""The lab configuration (core/files/lab_config.py) and ``nnlin lab``: every problem is one
line naming the file and the key; the password is stored only as a salted PBKDF2 hash
that verifies the right password and no other; the system-wide file wins over
``NNLIN_LAB_CONFIG``; the lessons-folder checker loads the good files and names the bad."""

from __future__ import annotations

import io
import os

import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.data.builtin import builtin_names
from nnlin_gui.core.files import lab_config as lc
from nnlin_gui.core.files.lab_config import (
    ALL_CONTROLS,
    LabConfigError,
    find_lab_config,
    hash_password,
    load_lab_config,
    parse_lab_config,
    system_paths,
    verify_password,
)
from nnlin_gui.core.files.lesson_check import check_lesson_folder

ITER = lc.MIN_ITERATIONS  # fast enough for tests; the default is 600,000


@pytest.fixture(scope="module")
def pw_hash() -> str:
    return hash_password("correct horse", ITER)


def _full(pw_hash: str) -> str:
    return f"""
name = "Room 2.14"
password_hash = "{pw_hash}"
hidden_controls = ["diagnosticsDock", "exportMenu", "openButton"]
locked_controls = ["optimizerCombo", "learningRateCombo", "trainButton"]
lessons = ["linear-regression", "deep-linear-collapse"]
lessons_folder = "lessons"
datasets = ["linear", "xor"]
instructor_mode = true
theme = "dark"
presentation = true
keep_unsaved_work = false

[start]
data = "builtin:xor?n=200&seed=3"
target = "y"
layers = [{{ kind = "dense", width = 4, activation = "relu" }}]
training = {{ epochs = 50, learning_rate = 0.05 }}
lesson = "linear-regression"
"""


def test_a_full_configuration_parses(tmp_path, pw_hash):
    path = tmp_path / "lab.toml"
    path.write_text(_full(pw_hash))
    cfg = load_lab_config(path)
    assert cfg.name == "Room 2.14" and cfg.password_hash == pw_hash
    assert cfg.hidden_controls == ("diagnosticsDock", "exportMenu", "openButton")
    assert cfg.locked_controls == ("optimizerCombo", "learningRateCombo", "trainButton")
    assert cfg.lessons == ("linear-regression", "deep-linear-collapse")
    assert cfg.lessons_folder == str(tmp_path / "lessons")  # relative to the file
    assert cfg.datasets == ("linear", "xor")
    assert (cfg.instructor_mode, cfg.theme, cfg.presentation) == (True, "dark", True)
    assert cfg.keep_unsaved_work is False
    assert cfg.start_data == "builtin:xor?n=200&seed=3" and cfg.start_target == "y"
    assert cfg.start_layers[0].width == 4 and cfg.start_layers[0].activation == "relu"
    assert cfg.start_training == {"epochs": 50, "learning_rate": 0.05}
    assert cfg.start_lesson == "linear-regression"
    assert cfg.locks and cfg.has_start


def test_an_empty_file_sets_nothing():
    cfg = parse_lab_config("", "/etc/nnlin-gui/lab.toml")
    assert not cfg.locks and not cfg.has_start and cfg.lessons is None and cfg.theme is None


def test_a_look_only_file_does_not_lock():
    cfg = parse_lab_config('theme = "light"\npresentation = true\n[start]\ndata = "builtin:sine"')
    assert not cfg.locks and cfg.has_start


BAD = [
    ("bad TOML", 'hidden_controls = ["dataDock"', ["not valid TOML"]),
    ("unknown key", 'hiden_controls = ["dataDock"]', ["unknown key 'hiden_controls'"]),
    ("unknown control", 'hidden_controls = ["diagnosticDock"]',
     ["hidden_controls", "unknown control 'diagnosticDock'"]),
    ("wrong case gets a hint", 'locked_controls = ["optimizercombo"]',
     ["locked_controls", "'optimizercombo'", "did you mean 'optimizerCombo'"]),
    ("controls not a list", 'locked_controls = "optimizerCombo"', ["'locked_controls'", "list"]),
    ("bad hash format", 'password_hash = "secret"',
     ["password_hash", "not a PBKDF2 hash", "nnlin lab hash-password"]),
    ("weak hash", 'password_hash = "pbkdf2_sha256$1000$c2FsdHNhbHQ=$' + "A" * 43 + '="',
     ["password_hash", "at least 100,000"]),
    ("hash not base64", 'password_hash = "pbkdf2_sha256$200000$!!$??"',
     ["password_hash", "base64"]),
    ("unknown dataset", 'datasets = ["linear", "xorr"]', ["datasets", "'xorr'"]),
    ("empty lessons", "lessons = []", ["lessons", "at least one"]),
    ("bad theme", 'theme = "blue"', ["theme must be one of system, light, dark"]),
    ("presentation not bool", 'presentation = "yes"', ["presentation must be true or false"]),
    ("keep not bool", "keep_unsaved_work = 1", ["keep_unsaved_work must be true or false"]),
    ("instructor not bool", "instructor_mode = 1", ["instructor_mode must be true or false"]),
    ("start key", '[start]\ndataset = "builtin:xor"', ["start", "unknown key 'dataset'"]),
    ("start data", '[start]\ndata = "builtin:xorr"', ["start.data", "'xorr'"]),
    ("start layers", '[start]\nlayers = [{ kind = "dense", width = 0 }]', ["start.layers"]),
    ("start training", "[start]\ntraining = { epoch = 5 }", ["start.training", "'epoch'"]),
    ("start not a table", 'start = "xor"', ["start must be a table"]),
]  # fmt: skip


@pytest.mark.parametrize("what,text,pieces", BAD, ids=[b[0] for b in BAD])
def test_bad_configurations_are_one_line_naming_file_and_key(tmp_path, what, text, pieces):
    path = tmp_path / "lab.toml"
    path.write_text(text)
    with pytest.raises(LabConfigError) as info:
        load_lab_config(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    for piece in pieces:
        assert piece in message, (piece, message)


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(LabConfigError, match="absent.toml: cannot read"):
        load_lab_config(tmp_path / "absent.toml")
    (tmp_path / "latin.toml").write_bytes(b'name = "caf\xe9"')
    with pytest.raises(LabConfigError, match="not UTF-8"):
        load_lab_config(tmp_path / "latin.toml")


def test_every_known_control_is_documented():
    doc = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "lab.md")).read()
    missing = sorted(n for n in ALL_CONTROLS if f"`{n}`" not in doc)
    assert not missing, missing
    assert "unlockAction" not in ALL_CONTROLS  # the way out cannot be hidden


# ----------------------------------------------------------------------------- passwords


def test_hash_round_trip_and_wrong_password(pw_hash):
    scheme, iterations, salt, digest = pw_hash.split("$")
    assert scheme == "pbkdf2_sha256" and int(iterations) == ITER
    assert "correct horse" not in pw_hash
    assert verify_password("correct horse", pw_hash)
    for wrong in ("correct horse ", "Correct horse", "", "correct hors"):
        assert not verify_password(wrong, pw_hash)


def test_salted_each_time_and_malformed_hash_never_verifies():
    a, b = hash_password("pw", ITER), hash_password("pw", ITER)
    assert a != b and verify_password("pw", a) and verify_password("pw", b)
    for bad in ("", "pw", "pbkdf2_sha256$x$y$z", a.replace("pbkdf2_sha256", "md5")):
        assert not verify_password("pw", bad)
    with pytest.raises(Exception, match="empty"):
        hash_password("")


def test_default_iterations_are_strong():
    assert lc.DEFAULT_ITERATIONS >= 600_000


def test_cli_hash_password_stdin_verifies(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret pass\n"))
    assert main(["lab", "hash-password", "--stdin", "--iterations", str(ITER)]) == 0
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0 and verify_password("s3cret pass", out)
    assert not verify_password("s3cret pass\n", out)
    parse_lab_config(f'password_hash = "{out}"')  # what it prints is what the file takes


def test_cli_hash_password_asks_twice(monkeypatch, capsys):
    answers = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["lab", "hash-password", "--iterations", str(ITER)]) == 2
    assert "differ" in capsys.readouterr().err
    answers = iter(["same", "same"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["lab", "hash-password", "--iterations", str(ITER)]) == 0
    assert verify_password("same", capsys.readouterr().out.strip())


def test_cli_check(tmp_path, capsys, pw_hash, monkeypatch):
    monkeypatch.setattr(lc, "system_paths", lambda **_: [])
    monkeypatch.delenv(lc.ENV_VAR, raising=False)
    path = tmp_path / "lab.toml"
    path.write_text(_full(pw_hash).replace('lessons_folder = "lessons"\n', ""))
    assert main(["lab", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: ok" in out and "diagnosticsDock" in out and "password" in out
    path.write_text('hidden_controls = ["nope"]')
    assert main(["lab", "check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown control 'nope'" in err[0]
    path.write_text('lessons = ["linear-regression", "no-such-lesson"]')
    assert main(["lab", "check", str(path)]) == 2
    assert "'no-such-lesson'" in capsys.readouterr().err
    assert main(["lab", "check"]) == 0
    assert "no lab configuration in force" in capsys.readouterr().out
    monkeypatch.setenv(lc.ENV_VAR, str(path))
    assert main(["lab", "check"]) == 2  # the one in force: the variable's


# ----------------------------------------------------------------------------- locating


def test_system_paths_per_system():
    assert system_paths("win32", {"ProgramData": r"D:\PD"}) == [r"D:\PD\nnlin-gui\lab.toml"]
    assert system_paths("win32", {}) == [r"C:\ProgramData\nnlin-gui\lab.toml"]
    assert system_paths("darwin", {}) == ["/Library/Application Support/nnlin-gui/lab.toml"]
    assert system_paths("linux", {}) == [
        "/etc/nnlin-gui/lab.toml",
        "/etc/xdg/nnlin-gui/lab.toml",
    ]
    assert system_paths("linux", {"XDG_CONFIG_DIRS": "/opt/cfg:relative:/etc/xdg"}) == [
        "/etc/nnlin-gui/lab.toml",
        "/opt/cfg/nnlin-gui/lab.toml",
        "/etc/xdg/nnlin-gui/lab.toml",
    ]


def test_system_file_wins_over_the_variable(tmp_path):
    system = tmp_path / "etc" / "lab.toml"
    mine = tmp_path / "mine.toml"
    mine.write_text("")
    env = {lc.ENV_VAR: str(mine)}
    assert find_lab_config(env, [str(system)]) == str(mine)  # no system file: the variable
    system.parent.mkdir()
    system.write_text("")
    assert find_lab_config(env, [str(system)]) == str(system)  # a student cannot escape
    assert find_lab_config({}, [str(tmp_path / "none.toml")]) is None
    assert find_lab_config({lc.ENV_VAR: "  "}, []) is None
    missing = str(tmp_path / "missing.toml")
    assert find_lab_config({lc.ENV_VAR: missing}, []) == missing  # loading will say so


# ----------------------------------------------------------------------------- lessons folder

GOOD_LESSON = """
title = "Teacher's own"
summary = "One step."
id = "teachers-own"
order = 50

[[steps]]
title = "Fit a line"
text = "Press Solve."
[steps.setup]
data = "builtin:linear?n=100&seed=1"
target = "y"
layers = [{ kind = "dense", width = 4 }]
[steps.check]
metric = "max_abs_diff"
op = "<"
value = 0.01
"""


def test_lesson_folder_loads_good_files_and_names_bad_ones(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD_LESSON)
    (tmp_path / "broken.toml").write_text(
        GOOD_LESSON.replace('metric = "max_abs_diff"', 'metric = "max_diff"')
    )
    (tmp_path / "bad-data.toml").write_text(
        GOOD_LESSON.replace("builtin:linear?", "builtin:linearr?")
    )
    (tmp_path / "notes.txt").write_text("not a lesson")
    lessons, errors = check_lesson_folder(tmp_path)
    assert [lesson.id for lesson in lessons] == ["teachers-own"]
    assert len(errors) == 2
    assert errors[0].startswith("bad-data.toml: step 1 setup") and "linearr" in errors[0]
    assert errors[1].startswith("broken.toml: step 1 check") and "max_diff" in errors[1]
    assert all("\n" not in e for e in errors)


def test_lesson_folder_that_cannot_be_read(tmp_path):
    with pytest.raises(Exception, match="cannot read the folder"):
        check_lesson_folder(tmp_path / "absent")


def test_builtin_names_known():
    assert {"linear", "xor"} <= set(builtin_names())


def test_the_documented_example_parses():
    doc = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "lab.md")).read()
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    cfg = parse_lab_config(example, "/etc/nnlin-gui/lab.toml")
    assert cfg.locks and cfg.has_start and verify_password("change me", cfg.password_hash)
    assert cfg.lessons_folder == "/etc/nnlin-gui/lessons"
