"""Every bad file in the corpus gets its one-line DataError, and nothing else comes out."""

from __future__ import annotations

import importlib.util
import os
import warnings
from pathlib import Path

import pytest

from nnlin_gui.core.data.tables import DataError, load_dataset, load_table

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad"


def _corpus_module():
    spec = importlib.util.spec_from_file_location("make_bad_files", DATA / "make_bad_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS = _corpus_module()


def _load(path: str, options: dict):
    load_opts = {k: v for k, v in options.items() if k in ("max_bytes", "missing")}
    ds_opts = {k: v for k, v in options.items() if k in ("target", "features")}
    return load_table(path, **load_opts).to_dataset(**ds_opts)


def test_corpus_has_at_least_30_files_and_matches_the_script(tmp_path):
    assert len(CORPUS.CASES) >= 30
    names = CORPUS.write_corpus(str(tmp_path))
    for name in names:
        assert (BAD / name).read_bytes() == (tmp_path / name).read_bytes(), name
    assert (BAD / CORPUS.FOLDER_CASE).is_dir()


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    [(name, options, expected) for name, _, options, expected in CORPUS.CASES],
    ids=[case[0] for case in CORPUS.CASES],
)
def test_bad_file_gives_its_message(name, options, expected):
    path = str(BAD / name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError) as info:
            _load(path, options)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message.strip()
    assert message.startswith(name)  # names the file, not the whole path
    assert len(message) < 300


def test_missing_file_and_folder():
    with pytest.raises(DataError, match=r"nope\.csv: no such file"):
        load_dataset(str(BAD / "nope.csv"))
    with pytest.raises(DataError, match="is a folder, not a data file"):
        load_dataset(str(BAD / CORPUS.FOLDER_CASE))


def test_bad_options_are_data_errors():
    good = str(BAD.parent / "bad" / "header_only.csv")
    with pytest.raises(DataError, match="choose 'drop' or 'mean'"):
        load_table(good, missing="median")
    assert os.path.exists(good)
