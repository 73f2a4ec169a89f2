"""``nnlin report``: batch reports without a display; errors are one line, status 2."""

import os
import subprocess
import sys

import pytest

from nnlin_gui.cli import main


def test_report_command_writes_html(tmp_path, capsys):
    out = tmp_path / "grade.html"
    status = main(
        ["report", "builtin:linear?n=120", "--target", "y", "--layers", "4,4",
         "--epochs", "60", "--seed", "2", "--html", str(out)]
    )  # fmt: skip
    assert status == 0
    html = out.read_text(encoding="utf-8")
    assert "<h2>Collapse" in html and "<h2>OLS assumptions</h2>" in html
    assert "60 epochs" in html and "<td>seed</td><td>2</td>" in html
    assert "report written to" in capsys.readouterr().err


def test_report_solve_with_features_and_no_diagnostics(tmp_path):
    out = tmp_path / "solved.html"
    status = main(
        ["report", "builtin:linear?n=100", "--target", "y", "--features", "x1,x3",
         "--solve", "--no-diagnostics", "--title", "Lab 3", "--html", str(out)]
    )  # fmt: skip
    assert status == 0
    html = out.read_text(encoding="utf-8")
    assert "<h1>Lab 3</h1>" in html and "Solved analytically" in html
    assert "<td>x3</td>" in html and "<td>x2</td>" not in html
    assert "OLS assumptions" not in html


@pytest.mark.parametrize(
    "args,message",
    [
        (["builtin:linear", "--target", "nope"], "nope"),
        (["builtin:unknown", "--target", "y"], "no built-in dataset"),
        (["/no/such/file.csv", "--target", "y"], "no such file"),
        (["builtin:linear", "--target", "y", "--layers", "8,x"], "--layers"),
        (["builtin:linear", "--target", "y", "--lr", "-1"], "learning rate"),
    ],
)
def test_user_errors_exit_2_with_one_line(tmp_path, capsys, args, message):
    out = tmp_path / "r.html"
    status = main(["report", *args, "--epochs", "5", "--html", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_unwritable_output_is_a_user_error(tmp_path, capsys):
    status = main(["report", "builtin:linear?n=50", "--target", "y", "--epochs", "2",
                   "--html", str(tmp_path / "no" / "dir" / "r.html")])  # fmt: skip
    assert status == 2 and "cannot write the report" in capsys.readouterr().err


def test_runs_without_a_display_and_without_qt(tmp_path):
    """A separate process with no DISPLAY and PySide6 made unimportable."""
    out = tmp_path / "headless.html"
    code = (
        "import sys; sys.modules['PySide6'] = None; sys.modules['pyqtgraph'] = None\n"
        "from nnlin_gui.cli import main\n"
        f"raise SystemExit(main(['report', 'builtin:sine?n=80', '--target', 'y', '--layers',"
        f" '6', '--activation', 'tanh', '--epochs', '20', '--html', {str(out)!r}]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "does not collapse" in out.read_text(encoding="utf-8")
