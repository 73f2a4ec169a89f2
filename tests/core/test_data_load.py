"""Loading real-world CSV files: the messy cases load with the right numbers."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from nnlin_gui.core.data.tables import (
    DataError,
    Dataset,
    LoadCancelled,
    Table,
    load_dataset,
    load_table,
    select_columns,
    table_from_frame,
)
from nnlin_gui.core.errors import UserError


def write(tmp_path, name: str, content: bytes | str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    data = content.encode(encoding) if isinstance(content, str) else content
    path.write_bytes(data)
    return str(path)


def roles(table: Table) -> dict[str, str]:
    return {c.name: c.role for c in table.summary.columns}


def test_plain_csv_gives_dataset_with_names_and_task(tmp_path):
    path = write(tmp_path, "plain.csv", "a,b,y\n1,2,3.5\n4,5,7\n7,8,1\n")
    ds = load_dataset(path)
    assert isinstance(ds, Dataset)
    assert ds.feature_names == ("a", "b")
    assert ds.target_name == "y"
    assert ds.task == "regression"
    assert ds.X.dtype == np.float64 and ds.X.flags.c_contiguous
    np.testing.assert_array_equal(ds.X, [[1, 2], [4, 5], [7, 8]])
    np.testing.assert_array_equal(ds.y, [3.5, 7, 1])
    assert ds.n_rows == 3 and ds.rows_dropped == 0 and ds.source == path


def test_unnamed_index_column_is_excluded(tmp_path):
    path = write(tmp_path, "idx.csv", ",a,b\n0,1,2\n1,2,4\n2,3,5\n3,4,9\n")
    table = load_table(path)
    first = table.summary.columns[0]
    assert first.role == "identifier" and "unnamed index column" in first.reason
    ds = table.to_dataset()
    assert ds.feature_names == ("a",)
    np.testing.assert_array_equal(ds.y, [2, 4, 5, 9])


def test_text_id_column_is_excluded_and_described(tmp_path):
    rows = "".join(f"n{i},{i},{2 * i + i % 3}\n" for i in range(12))
    table = load_table(write(tmp_path, "id.csv", "name,a,b\n" + rows))
    assert roles(table) == {"name": "identifier", "a": "feature", "b": "target"}
    text = table.summary.describe()
    assert text.startswith("12 rows; target 'b' (regression)")
    assert "column 'name' excluded: identifier (unique text per row)" in text


def test_semicolon_and_decimal_comma(tmp_path):
    path = write(tmp_path, "de.csv", "x;z;y\n1,5;-2,25;3\n2,5;3,5;4,75\n3,5;1,25e1;6\n")
    table = load_table(path)
    assert "decimal comma" in table.summary.notes
    assert "delimiter: semicolon" in table.summary.notes
    ds = table.to_dataset()
    np.testing.assert_array_equal(ds.X, [[1.5, -2.25], [2.5, 3.5], [3.5, 12.5]])
    np.testing.assert_array_equal(ds.y, [3, 4.75, 6])


def test_semicolon_decimal_comma_with_dot_thousands(tmp_path):
    path = write(tmp_path, "de2.csv", "x;y\n1.234,5;1\n2.000,25;2\n17,5;3\n")
    ds = load_dataset(path)
    np.testing.assert_array_equal(ds.X[:, 0], [1234.5, 2000.25, 17.5])


def test_utf8_bom_header_is_clean(tmp_path):
    path = write(tmp_path, "bom.csv", "\ufeffheight,weight\n1.5,60\n1.8,80\n1.7,72\n")
    table = load_table(path)
    assert table.summary.columns[0].name == "height"
    assert "encoding utf-8-sig" in table.summary.notes
    np.testing.assert_array_equal(table.to_dataset().X[:, 0], [1.5, 1.8, 1.7])


def test_quoted_numbers_with_thousands_separators(tmp_path):
    path = write(tmp_path, "k.csv", 'a,b\n"1,234.5",2\n"2,000",3\n"12,500.25",4\n7.5,5\n')
    ds = load_dataset(path)
    np.testing.assert_array_equal(ds.X[:, 0], [1234.5, 2000, 12500.25, 7.5])


def test_latin1_file_with_accents(tmp_path):
    content = "ville,température,ventes\nParis,12,3\nNîmes,18,5\nSète,17,4\nLyon,9,2\n"
    table = load_table(write(tmp_path, "fr.csv", content, encoding="latin-1"))
    assert [c.name for c in table.summary.columns] == ["ville", "température", "ventes"]
    assert "encoding cp1252" in table.summary.notes
    assert table.summary.column("ville").role == "identifier"


def test_non_utf8_bytes_after_the_sample_fall_back_to_cp1252(tmp_path):
    body = "x,y\n" + "1,2\n" * 100_000 + "3,4\n"
    data = body.encode() + b"5,6\n" + b"7,8\n" + "é,9\n".encode("latin-1")
    table = load_table(write(tmp_path, "late.csv", data))
    assert table.summary.n_rows == 100_004
    assert table.summary.column("x").role == "feature"
    assert "values 'é' read as missing" in table.summary.notes


@pytest.mark.parametrize(
    ("sep", "name"), [("\t", "tab"), ("|", "pipe"), (",", "comma"), (";", "semicolon")]
)
def test_delimiters(tmp_path, sep, name):
    content = sep.join(["p", "q", "r"]) + "\n"
    content += "".join(sep.join(str(v) for v in (i, i * i, 3 * i + 1)) + "\n" for i in range(5))
    table = load_table(write(tmp_path, "d.txt", content))
    assert f"delimiter: {name}" in table.summary.notes
    ds = table.to_dataset()
    np.testing.assert_array_equal(ds.y, [1, 4, 7, 10, 13])


def test_whitespace_separated_text_file(tmp_path):
    content = "  x     y\n  1.0   2.0\n  2.0   4.1\n  3.0   5.9\n"
    ds = load_dataset(write(tmp_path, "w.txt", content))
    np.testing.assert_array_equal(ds.X[:, 0], [1, 2, 3])
    np.testing.assert_array_equal(ds.y, [2, 4.1, 5.9])


def test_no_header_line_gets_column_names(tmp_path):
    table = load_table(write(tmp_path, "nh.csv", "1,2,3\n4,5,6\n7,8,10\n"))
    assert [c.name for c in table.summary.columns] == ["column 1", "column 2", "column 3"]
    assert table.summary.default_target == "column 3"
    np.testing.assert_array_equal(table.to_dataset().y, [3, 6, 10])


def test_trailing_delimiters_and_blank_lines(tmp_path):
    content = "a,b,c\n1,2,3,\n\n4,5,6,\n7,8,10,\n\n"
    table = load_table(write(tmp_path, "t.csv", content))
    assert table.summary.n_rows == 3
    np.testing.assert_array_equal(table.to_dataset().y, [3, 6, 10])


def test_quoted_fields_with_delimiters_and_newlines(tmp_path):
    content = 'note,x,y\n"a, b",1,2\n"line\nbreak",2,4\n"say ""hi""",3,7\n'
    table = load_table(write(tmp_path, "q.csv", content))
    assert table.frame["note"].tolist() == ["a, b", "line\nbreak", 'say "hi"']
    np.testing.assert_array_equal(table.to_dataset().y, [2, 4, 7])


def test_missing_values_dropped_and_counted(tmp_path):
    content = "x1,x2,y\n1,2,3\n2,,5\n3,4,\nNA,5,6\n5,6,7\n6,7,9\n"
    table = load_table(write(tmp_path, "m.csv", content))
    assert table.summary.rows_dropped == 3
    assert "6 rows; 3 dropped for missing values" in table.summary.describe()
    ds = table.to_dataset()
    assert ds.rows_dropped == 3
    np.testing.assert_array_equal(ds.y, [3, 7, 9])


def test_missing_values_mean_imputed(tmp_path):
    content = "x1,x2,y\n1,2,3\n2,,5\n3,4,\nNA,6,6\n5,8,7\n"
    table = load_table(write(tmp_path, "m.csv", content), missing="mean")
    assert table.summary.rows_dropped == 1  # only the missing target
    ds = table.to_dataset()
    # Means over the rows kept for the fit (the row without a target is gone first).
    np.testing.assert_allclose(ds.X, [[1, 2], [2, 16 / 3], [8 / 3, 6], [5, 8]])
    np.testing.assert_array_equal(ds.y, [3, 5, 6, 7])
    assert table.with_missing("drop").to_dataset().n_rows == 2


def test_question_marks_in_numeric_column_read_as_missing(tmp_path):
    rows = "".join(f"{i},{'?' if i % 10 == 3 else i * 2},{i}\n" for i in range(40))
    table = load_table(write(tmp_path, "q.csv", "a,hp,y\n" + rows))
    hp = table.summary.column("hp")
    assert hp.role == "feature" and "4 values '?' read as missing" in hp.reason
    assert table.to_dataset().n_rows == 36


def test_categorical_one_hot_first_level_dropped(tmp_path):
    rows = "".join(f"{'abc'[i % 3]},{i},{i * 2 + i % 3}\n" for i in range(12))
    table = load_table(write(tmp_path, "c.csv", "g,x,y\n" + rows))
    g = table.summary.column("g")
    assert g.role == "categorical" and g.levels == ("a", "b", "c")
    ds = table.to_dataset()
    assert ds.feature_names == ("g[b]", "g[c]", "x")
    np.testing.assert_array_equal(ds.X[:3], [[0, 0, 0], [1, 0, 1], [0, 1, 2]])


def test_constant_and_empty_columns_excluded(tmp_path):
    rows = "".join(f"7,,{i},{i % 4}\n" for i in range(8))
    table = load_table(write(tmp_path, "k.csv", "k,e,x,y\n" + rows))
    assert roles(table) == {"k": "constant", "e": "empty", "x": "feature", "y": "target"}
    assert "constant (every value is 7)" in table.summary.column("k").reason
    assert table.to_dataset().feature_names == ("x",)


def test_dates_excluded_unless_asked(tmp_path):
    rows = "".join(f"2024-01-{d:02d},{d},{2 * d}\n" for d in range(1, 11))
    table = load_table(write(tmp_path, "dt.csv", "day,x,y\n" + rows))
    assert table.summary.column("day").role == "date"
    assert table.to_dataset().feature_names == ("x",)
    ds = table.to_dataset(features=["day", "x"])
    assert ds.feature_names == ("day (days)", "x")
    np.testing.assert_array_equal(ds.X[:, 0], np.arange(10))


def test_binary_and_multiclass_targets(tmp_path):
    rows = "".join(f"{i},{i % 2}\n" for i in range(20))
    table = load_table(write(tmp_path, "b.csv", "x,label\n" + rows))
    assert table.summary.suggested_task == "binary"
    ds = table.to_dataset()
    assert ds.task == "binary" and ds.class_labels == ("0", "1")
    rows = "".join(f"{i},{1 + i % 3}\n" for i in range(30))
    path = write(tmp_path, "m.csv", "x,cls\n" + rows)
    # Integer codes are numbers by default; classes only when the user says so.
    assert load_dataset(path).task == "regression"
    ds = load_dataset(path, task="classification")
    assert ds.task == "multiclass" and ds.class_labels == ("1", "2", "3")
    np.testing.assert_array_equal(ds.y[:4], [0, 1, 2, 0])
    assert load_table(path).to_dataset(task="regression").y[:3].tolist() == [1, 2, 3]


def test_text_target_with_few_classes(tmp_path):
    rows = "".join(f"{i},{i * 0.5},{'yes' if i % 3 else 'no'}\n" for i in range(15))
    table = load_table(write(tmp_path, "t.csv", "a,b,answer\n" + rows))
    assert table.summary.default_target == "b"  # the last numeric column
    ds = table.to_dataset(target="answer")
    assert ds.task == "binary" and ds.class_labels == ("no", "yes")
    np.testing.assert_array_equal(ds.y[:4], [0, 1, 1, 0])


def test_explicit_features_and_errors(tmp_path):
    path = write(tmp_path, "f.csv", "a,b,c,y\n1,2,3,4\n2,3,5,7\n3,5,4,9\n")
    ds = load_dataset(path, target="y", features=["c", "a"])
    assert ds.feature_names == ("c", "a")
    np.testing.assert_array_equal(ds.X[:, 0], [3, 5, 4])
    with pytest.raises(DataError, match="cannot be both the target and a feature"):
        load_dataset(path, target="y", features=["y"])


def test_progress_is_throttled_and_ends_at_one(tmp_path):
    n = 100_000
    rng = np.random.default_rng(1)
    pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcy")).to_csv(
        tmp_path / "big.csv", index=False
    )
    seen: list[float] = []
    threads: set[int] = set()

    def progress(f: float) -> None:
        seen.append(f)
        threads.add(threading.get_ident())

    table = load_table(str(tmp_path / "big.csv"), progress=progress)
    assert table.n_rows == n
    assert seen[-1] == 1.0
    assert all(b >= a for a, b in zip(seen, seen[1:], strict=False))
    assert 1 <= len(seen) <= 60
    assert threads == {threading.get_ident()}


def test_cancel_raises_load_cancelled(tmp_path):
    pd.DataFrame(np.ones((50_000, 3)), columns=list("abc")).to_csv(tmp_path / "c.csv", index=False)
    cancel = threading.Event()
    calls = []

    def progress(f: float) -> None:
        calls.append(f)
        if f > 0.1:
            cancel.set()

    with pytest.raises(LoadCancelled) as info:
        load_table(str(tmp_path / "c.csv"), progress=progress, cancel=cancel)
    assert isinstance(info.value, UserError)
    assert max(calls) < 1.0
    cancel.set()
    with pytest.raises(LoadCancelled):
        load_table("builtin:linear", cancel=cancel)


def test_a_missing_mark_beyond_the_sample_keeps_the_numeric_read(tmp_path):
    body = "x,y\n" + "".join(f"{i},{i % 7}\n" for i in range(20_000)) + "?,3\n-,4\n"
    table = load_table(write(tmp_path, "late.csv", body))
    assert "values '?', '-' read as missing" in table.summary.notes
    assert table.frame["x"].dtype == np.float64
    assert table.summary.rows_dropped == 2
    assert table.to_dataset().n_rows == 20_000


def test_text_beyond_the_sample_switches_to_text_reading(tmp_path):
    late = "".join(f"word{i % 5},{i % 7}\n" for i in range(30))
    body = "x,y\n" + "".join(f"{i % 9},{i % 7}\n" for i in range(2_000)) + late
    table = load_table(write(tmp_path, "late.csv", body))
    x = table.summary.column("x")
    assert x.kind == "text" and x.role == "categorical"  # 9 digits and 5 words: 14 levels
    assert len(x.levels) == 14
    assert table.frame["y"].dtype == np.float64


def test_select_columns_on_a_frame_and_builtin_source():
    frame = pd.DataFrame({"u": [1.0, 2, 3, 4], "v": [2.0, 1, 0, 3], "w": [1.0, 3, 5, 8]})
    ds = select_columns(frame, "w", ["u"], source="mine")
    assert ds.feature_names == ("u",) and ds.target_name == "w" and ds.source == "mine"
    ds = load_dataset("builtin:linear?n=50&seed=1")
    assert ds.n_rows == 50 and ds.target_name == "y"
    assert table_from_frame(frame).summary.default_target == "w"


def test_summary_to_dict_is_json_ready(tmp_path):
    import json

    table = load_table(write(tmp_path, "j.csv", "id,x,y\nA,1,2\nB,2,3\nC,3,5\n"))
    d = json.loads(json.dumps(table.summary.to_dict()))
    assert d["n_rows"] == 3 and d["default_target"] == "y"
    assert [c["role"] for c in d["columns"]] == ["identifier", "feature", "target"]


def test_title_lines_above_the_table_are_skipped(tmp_path):
    content = "Experiment 4, spring\nmeasured by Ann\nx,y,z\n1,2,3\n4,5,6\n7,8,10\n"
    table = load_table(write(tmp_path, "title.csv", content))
    assert "skipped 2 line(s) above the table" in table.summary.notes
    assert [c.name for c in table.summary.columns] == ["x", "y", "z"]
    np.testing.assert_array_equal(table.to_dataset().y, [3, 6, 10])
    bad = write(tmp_path, "title_inf.csv", "Title\nx,y\n1,2\n3,inf\n")
    with pytest.raises(DataError, match="line 4, column 'y'"):
        load_table(bad)


def test_text_and_numeric_columns_keep_their_types(tmp_path):
    rows = "".join(f"n{i},{'abc'[i % 3]},{i * 0.5},{i % 4}\n" for i in range(50))
    table = load_table(write(tmp_path, "mix.csv", "name,grp,x,y\n" + rows))
    assert table.frame["x"].dtype == np.float64
    assert roles(table) == {
        "name": "identifier", "grp": "categorical", "x": "feature", "y": "target"
    }  # fmt: skip
    np.testing.assert_array_equal(table.to_dataset().X[:2], [[0, 0, 0], [1, 0, 0.5]])


def test_padded_text_is_stripped(tmp_path):
    rows = "".join(f"{' a ' if i % 2 else 'b  '},{i},{i % 3}\n" for i in range(10))
    table = load_table(write(tmp_path, "pad.csv", "g,x,y\n" + rows))
    assert table.summary.column("g").levels == ("a", "b")


def test_out_of_memory_becomes_a_data_error(tmp_path, monkeypatch):
    import nnlin_gui.core.data.tables as data

    def boom(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(data, "read_frame", boom)
    with pytest.raises(DataError, match="m.csv: not enough memory"):
        load_table(write(tmp_path, "m.csv", "x,y\n1,2\n3,4\n"))


def test_cancel_during_column_analysis(tmp_path, monkeypatch):
    import nnlin_gui.core.data.tables as data

    rows = "".join(f"n{i},{i},{i % 3}\n" for i in range(3000))
    path = write(tmp_path, "c.csv", "name,x,y\n" + rows)
    cancel = threading.Event()
    real_read = data.read_frame

    def read_then_cancel(*args, **kwargs):
        result = real_read(*args, **kwargs)
        cancel.set()  # reading is done: cancel while the columns are analysed
        return result

    monkeypatch.setattr(data, "read_frame", read_then_cancel)
    with pytest.raises(LoadCancelled):
        load_table(path, cancel=cancel)


def test_describe_mean_policy(tmp_path):
    path = write(tmp_path, "m.csv", "x,y\n1,2\n,3\n3,5\n4,\n")
    text = load_table(path, missing="mean").summary.describe()
    assert text.startswith(
        "4 rows; 1 dropped for a missing target; "
        "missing feature values replaced by the column mean; target 'y' (regression)"
    )


def test_progress_throttle_limits_rate_by_step_and_time():
    from nnlin_gui.core.data.read import ProgressThrottle

    now = [0.0]
    sent: list[float] = []
    throttle = ProgressThrottle(sent.append, clock=lambda: now[0])
    for i in range(1, 1001):  # 1000 updates of 0.1 % each, 1 ms apart
        now[0] = i * 0.001
        throttle(i / 1000 * 0.95)
    throttle(1.0, force=True)
    gaps = np.diff(sent[:-1])
    assert sent[-1] == 1.0
    assert 15 <= len(sent) <= 21  # one per 50 ms over one second
    assert (gaps >= 0.01 - 1e-12).all()
    ProgressThrottle(None)(0.5)  # no callback: nothing happens


def test_titanic_like_file(tmp_path):
    lines = ["PassengerId,Survived,Pclass,Name,Sex,Age,Ticket,Fare,Cabin,Embarked"]
    for i in range(1, 41):
        age = "" if i % 8 == 0 else str(20 + i % 30)
        cabin = f"C{i}" if i % 5 == 0 else ""
        embarked = "SCQ"[i % 3] if i != 7 else ""
        lines.append(
            f'{i},{i % 2},{1 + i % 3},"Person, Mr. No{i}",{"male" if i % 3 else "female"},'
            f"{age},T{i * 7},{7.25 + i * 1.5},{cabin},{embarked}"
        )
    table = load_table(write(tmp_path, "titanic.csv", "\n".join(lines) + "\n"))
    r = roles(table)
    assert r["PassengerId"] == "identifier" and r["Name"] == "identifier"
    assert r["Sex"] == "categorical" and r["Embarked"] == "categorical"
    assert r["Ticket"] == "identifier" and r["Cabin"] in ("identifier", "text")
    assert r["Fare"] == "target" and r["Age"] == "feature"
    ds = table.to_dataset(target="Survived")
    assert ds.task == "binary"
    assert ds.feature_names == ("Pclass", "Sex[male]", "Age", "Fare", "Embarked[Q]", "Embarked[S]")
    assert ds.rows_dropped == 6  # 5 without an age, 1 without a port


def test_year_headers_of_a_wide_table(tmp_path):
    content = "country,2019,2020,2021\nA,1.5,2.5,3.5\nB,2.0,2.25,4.0\nC,0.5,1.0,2.0\n"
    table = load_table(write(tmp_path, "wide.csv", content))
    assert [c.name for c in table.summary.columns] == ["country", "2019", "2020", "2021"]
    np.testing.assert_array_equal(table.to_dataset().y, [3.5, 4.0, 2.0])
    # A text label next to whole numbers is data, not a header.
    table = load_table(write(tmp_path, "data.csv", "a,1,2\nb,3,4\nc,5,7\n"))
    assert table.summary.n_rows == 3


def test_wide_table_lines_longer_than_the_head_are_read_as_numbers(tmp_path):
    # 3,000 columns of 22-character numbers: a line is ~70 KB, so the first 256 KB held
    # three lines; the sniffer must see enough rows to read the columns as numbers.
    rng = np.random.default_rng(1)
    values = rng.normal(size=(12, 3000))
    header = ",".join(f"x{j}" for j in range(3000))
    body = "\n".join(",".join(f"{v:.15e}" for v in row) for row in values)
    path = write(tmp_path, "wide.csv", header + "\n" + body + "\n")
    from nnlin_gui.core.data.sniff import read_sniff_head, sniff_format

    size = len(open(path, "rb").read())
    head = read_sniff_head(path)
    assert head.count(b"\n") >= 6  # the sniffer sees data rows, not the header alone
    assert sniff_format("wide.csv", head, complete=len(head) >= size).all_numeric
    table = load_table(path)
    assert table.summary.default_target == "x2999"
    np.testing.assert_allclose(table.frame.to_numpy(), values, rtol=1e-14)


def test_a_header_line_longer_than_the_head_is_read_too(tmp_path):
    # 20,000 gene-expression columns named like Ensembl ids: the header alone is 420 KB,
    # more than the sniffer's first read.
    rng = np.random.default_rng(3)
    names = [f"ENSG{j:011d}_expr" for j in range(20000)]
    values = rng.normal(size=(8, 20000)).round(3)
    body = "\n".join(",".join(f"{v:g}" for v in row) for row in values)
    path = write(tmp_path, "genes.csv", ",".join(names) + "\n" + body + "\n")
    assert len(",".join(names)) > 400_000
    table = load_table(path)
    assert list(table.frame.columns) == names
    np.testing.assert_allclose(table.frame.to_numpy(), values)


def test_a_first_line_of_megabytes_is_not_a_table(tmp_path):
    path = tmp_path / "blob.csv"
    path.write_bytes(b"1" * (5 << 20) + b"\n1\n")
    with pytest.raises(DataError, match="line 1 is longer than 4 MB"):
        load_table(str(path))


def test_wide_tables_get_the_same_roles_as_column_by_column(monkeypatch):
    from nnlin_gui.core.data import roles as roles_module

    n = 40
    rng = np.random.default_rng(2)
    cols = {f"x{j}": rng.normal(size=n) for j in range(80)}
    cols["id"] = np.arange(1.0, n + 1)  # a row number
    cols["x3"] = np.full(n, 2.0)  # constant
    cols["x5"][[3, 7]] = np.nan  # missing
    cols["x9"] = np.full(n, np.nan)  # empty
    cols["label"] = np.array(["a", "b"] * (n // 2), dtype=object)  # categorical text
    cols["x11"] = np.round(rng.normal(size=n) * 3)  # integers
    frame = pd.DataFrame(cols)
    wide, wide_info = roles_module.classify_columns(frame, unnamed=frozenset({"x20"}))
    monkeypatch.setattr(roles_module, "_BLOCK_FROM", 10**9)
    narrow, narrow_info = roles_module.classify_columns(frame, unnamed=frozenset({"x20"}))
    assert wide_info == narrow_info
    assert list(wide.columns) == list(narrow.columns)
    pd.testing.assert_frame_equal(wide, narrow)
    frame.loc[4, "x30"] = np.inf
    monkeypatch.setattr(roles_module, "_BLOCK_FROM", 64)
    with pytest.raises(DataError, match="x30"):
        roles_module.classify_columns(frame)


def test_a_few_text_classes_among_few_rows_are_a_target(tmp_path):
    # Three classes in five rows are too many levels to one-hot as a feature, not as a target.
    path = write(tmp_path, "tiny.csv", "x,kind\n1,a\n2,b\n3,c\n4,a\n5,b\n")
    table = load_table(path)
    assert table.summary.column("kind").role == "text"
    ds = table.to_dataset(target="kind")
    assert ds.task == "multiclass" and ds.class_labels == ("a", "b", "c")
    np.testing.assert_array_equal(ds.y, [0, 1, 2, 0, 1])
