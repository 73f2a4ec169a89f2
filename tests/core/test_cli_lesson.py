"""``nnlin lesson check``: accepts every shipped lesson, refuses broken ones with one line
naming the file, the step and the problem; docs/lessons.md documents every check
expression the code understands, and the metric list is exactly what ``lesson_state`` gives."""

import re
from dataclasses import fields
from pathlib import Path

import pytest

from nnlin_gui.cli import main
from nnlin_gui.core.data.tables import load_dataset
from nnlin_gui.core.files.lessons import (
    METRICS,
    OPS,
    RUNS,
    UI_KEYS,
    VERDICT_PREFIXES,
    known_metrics,
    lesson_state,
)
from nnlin_gui.core.networks.activations import ACTIVATION_NAMES
from nnlin_gui.core.networks.network import LayerSpec
from nnlin_gui.core.networks.training import Trainer, TrainingConfig
from nnlin_gui.core.statistics.diagnostics import ASSUMPTIONS
from nnlin_gui.core.statistics.fitting import build_spec

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "resources" / "lessons").glob("*.toml"))
DOCS = (ROOT / "docs" / "lessons.md").read_text(encoding="utf-8")

GOOD = """
title = "T"
summary = "S"

[[steps]]
title = "one"
text = "Read this."
[steps.setup]
data = "builtin:linear?n=100&seed=1"
target = "y"
layers = [{ kind = "dense", width = 4 }]
training = { epochs = 20 }
[steps.check]
metric = "max_abs_diff"
op = "<"
value = 0.01

[[steps]]
title = "two"
text = "Read that."
[steps.setup]
data = "builtin:linear?n=100&seed=1"
target = "y"
[steps.check]
all = [{ metric = "collapsible", op = "==", value = true },
       { metric = "verdict.normality", op = "==", value = "ok" }]
"""


def test_every_shipped_lesson_is_accepted(capsys):
    assert len(SHIPPED) >= 9
    assert main(["lesson", "check", *map(str, SHIPPED)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(SHIPPED) and all(line.endswith("steps)") for line in out)


def test_a_good_lesson_is_accepted(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD)
    assert main(["lesson", "check", str(tmp_path / "good.toml")]) == 0


BROKEN = [
    # (what, old, new, expected pieces of the one line)
    ("syntax", 'title = "T"', 'title = "T', ["not valid TOML", "line 2"]),
    ("unknown metric", 'metric = "max_abs_diff"', 'metric = "max_diff"',
     ["step 1 check", "unknown metric 'max_diff'"]),
    ("unknown metric in all", '"verdict.normality"', '"verdict.normalty"',
     ["step 2 check.all[1]", "unknown metric 'verdict.normalty'"]),
    ("unknown op", 'op = "<"', 'op = "=<"', ["step 1 check", "unknown op '=<'"]),
    ("code in a check", 'value = 0.01', 'value = 0.01\ncode = "__import__(1)"',
     ["step 1 check", "unknown check key 'code'"]),
    ("bool compared with <", 'op = "==", value = true', 'op = "<", value = true',
     ["step 2 check.all[0]", "'collapsible' is bool"]),
    ("text value not allowed", 'value = "ok"', 'value = "fine"',
     ["step 2 check.all[1]", "cannot be 'fine'"]),
    ("number compared with text", "value = 0.01", 'value = "small"',
     ["step 1 check", "not a number"]),
    ("bad layer kind", 'kind = "dense"', 'kind = "dense2"', ["step 1", "layer 1"]),
    ("bad layer width", "width = 4", "width = 0", ["step 1", "layer 1"]),
    ("unknown layer key", "width = 4", "widht = 4", ["step 1", "unknown key 'widht'"]),
    ("bad training setting", "epochs = 20", "epoch = 20", ["step 1", "'epoch'"]),
    ("missing title", 'title = "T"\n', "", ["'title' must be a non-empty text"]),
    ("missing step text", 'text = "Read this."\n', "", ["step 1", "'text'"]),
    ("missing setup data", 'data = "builtin:linear?n=100&seed=1"\ntarget = "y"\nlayers',
     'target = "y"\nlayers', ["step 1", "'data'"]),
    ("unknown data set", "builtin:linear?n=100&seed=1\"\ntarget = \"y\"\nlayers",
     "builtin:linearr\"\ntarget = \"y\"\nlayers", ["step 1 setup", "linearr"]),
    ("unknown target", 'target = "y"\nlayers', 'target = "why"\nlayers',
     ["step 1 setup", "why"]),
]  # fmt: skip


@pytest.mark.parametrize("what,old,new,pieces", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_lessons_give_one_line_and_status_2(tmp_path, capsys, what, old, new, pieces):
    assert old in GOOD, what
    bad = tmp_path / "broken-lesson.toml"
    bad.write_text(GOOD.replace(old, new, 1))
    (tmp_path / "good.toml").write_text(GOOD)
    assert main(["lesson", "check", str(tmp_path / "good.toml"), str(bad)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("nnlin: broken-lesson.toml: ")
    for piece in pieces:
        assert piece in err[0], (piece, err[0])
    assert "good.toml: ok (2 steps)" in captured.out


def test_unreadable_file_is_one_line(tmp_path, capsys):
    assert main(["lesson", "check", str(tmp_path / "absent.toml")]) == 2
    assert "absent.toml: cannot read" in capsys.readouterr().err


# ------------------------------------------------------------------ metrics and the docs


def _trainer(source, target, layers=(), activation="identity", **config):
    dataset = load_dataset(source, target=target)
    spec = build_spec(dataset, layers, activation)
    trainer = Trainer(spec, dataset.X, dataset.y, TrainingConfig(epochs=5, **config))
    trainer.run()
    return trainer, dataset


def test_metric_list_is_what_lesson_state_gives():
    seen: set[str] = set()
    cases = [
        (_trainer("builtin:linear?seed=2", "y", (4,)), {"diagnostics": True, "ui": {
            "polynomial_degree": 2, "diagnostics_source": "both"}}),
        (_trainer("builtin:sine", "y", (4,), "tanh"), {}),
        (_trainer("builtin:logistic", "label"), {}),
        (_trainer("builtin:xor", "label", (4,), "relu"), {}),
    ]  # fmt: skip
    for (trainer, dataset), kwargs in cases:
        state = lesson_state(trainer, dataset, **kwargs)
        seen |= {k for k in state if not k.startswith(VERDICT_PREFIXES)}
        for key in state:
            if key.startswith(VERDICT_PREFIXES):
                assert key in known_metrics()
                assert state[key] in known_metrics()[key][1]
    assert seen == set(METRICS)


def test_docs_name_every_check_expression():
    documented = set(re.findall(r"`([a-z_.<>0-9]+)`", DOCS))
    missing = [m for m in METRICS if m not in documented]
    missing += [p + "<assumption>" for p in VERDICT_PREFIXES if p + "<assumption>" not in DOCS]
    missing += [a for a in ASSUMPTIONS if a not in documented]
    missing += [op for op in OPS if f"`{op}`" not in DOCS]
    missing += [k for k in ("metric", "op", "value", "ref", "all", "any", "text")
                if k not in documented]  # fmt: skip
    missing += [k for k in UI_KEYS if k not in documented]
    missing += [r for r in RUNS if r not in DOCS]
    missing += [f.name for f in fields(LayerSpec) if f.name not in documented]
    missing += [f.name for f in fields(TrainingConfig) if f.name not in documented]
    missing += [a for a in ACTIVATION_NAMES if a not in documented]
    for name, (kind, allowed, _) in known_metrics().items():
        missing += [f"{name}={v}" for v in allowed if kind == "text" and f"`{v}`" not in DOCS]
    assert missing == []
