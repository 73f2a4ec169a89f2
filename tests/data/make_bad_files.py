"""Write the corpus of bad data files into tests/data/bad/ (or the folder given).

Run: ``.venv/bin/python tests/data/make_bad_files.py [FOLDER]``

``CASES`` lists every file with the keyword arguments to load it with and a piece of the
one-line ``DataError`` message it must produce; tests/core/test_data_bad.py checks each.
"""

from __future__ import annotations

import os
import sys

# (file name, content, load options, expected piece of the message)
# Load options: "target", "features" go to Table.to_dataset; "max_bytes", "missing" to
# load_table.
CASES: list[tuple[str, bytes, dict, str]] = [
    ("empty.csv", b"", {}, "empty.csv: the file is empty"),
    ("blank_lines.csv", b"\n\n  \n\r\n", {}, "the file is empty"),
    ("header_only.csv", b"a,b,c\n", {}, "there is a header line but no data rows"),
    ("header_only_crlf.csv", b"x;y\r\n\r\n", {}, "header line but no data rows"),
    ("binary_nul.csv", b"a,b\n1,2\n\x00\x01\x02\x03\xff\xfe", {}, "binary file"),
    ("excel.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), {}, "Excel workbook (.xlsx)"),
    ("old_excel.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, {}, "old Excel"),
    ("image.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, {}, "a PNG image"),
    ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", {}, "a PDF document"),
    ("archive.csv", b"\x1f\x8b\x08\x00" + b"\x00" * 16, {}, "a gzip archive"),
    ("undecodable.csv", b"a,b\n1,2\n3,\x81\x8d\n", {}, "line 3: byte 0x81 is not text"),
    (
        "ragged.csv",
        b"a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n",
        {},
        "line 3: 4 fields, but the header has 3",
    ),
    (
        "ragged_late.csv",
        b"a,b\n" + b"1,2\n" * 30000 + b"3,4,5\n",
        {},
        "line 30002: 3 fields, but the header has 2",
    ),
    ("unclosed_quote.csv", b'a,b\n1,2\n3,"4\n5,6\n', {}, 'line 3: a quote (") is opened'),
    ("no_numeric.csv", b"name,city\nann,paris\nbob,rome\ncy,oslo\n", {}, "no numeric column"),
    ("one_row.csv", b"x,y\n1,2\n", {}, "only one data row"),
    ("one_row_no_header.csv", b"1,2,3\n", {}, "only one data row"),
    ("all_missing_target.csv", b"x,y\n1,\n2,NA\n3,\n", {"target": "y"}, "has no values"),
    ("duplicate_names.csv", b"a,b,a\n1,2,3\n4,5,6\n", {}, "columns 1 and 3 are both named 'a'"),
    ("infinite.csv", b"x,y\n1,2\n2,inf\n3,4\n", {}, "line 3, column 'y': infinite"),
    ("overflow.csv", b"x;y\n1;2\n2;3\n3;1e999\n", {}, "line 4, column 'y': infinite or too large"),
    (
        "text_target.csv",
        b"x,name\n" + b"".join(b"%d,person%d\n" % (i, i) for i in range(30)),
        {"target": "name"},
        "target column 'name' cannot be predicted: identifier (unique text per row)",
    ),
    (
        "free_text_target.csv",
        b"x,word\n" + b"".join(b"%d,w%d\n" % (i, i % 25) for i in range(60)),
        {"target": "word"},
        "target column 'word' cannot be predicted: text with 25 different values",
    ),
    ("too_big.csv", b"x,y\n" + b"1,2\n" * 100, {"max_bytes": 100}, "larger than the limit"),
    ("only_target.csv", b"y\n1\n2\n3\n", {}, "no feature column besides the target 'y'"),
    (
        "all_rows_missing.csv",
        b"x1,x2,y\n1,,3\n,2,4\n3,,5\n,7,6\n",
        {},
        "only 0 complete rows after dropping 4 with missing values",
    ),
    ("no_such_target.csv", b"x,y\n1,2\n3,5\n", {"target": "z"}, "no column named 'z'"),
    ("no_such_feature.csv", b"x,y\n1,2\n3,5\n", {"features": ["w"]}, "no column named 'w'"),
    (
        "identifier_feature.csv",
        b"id,x,y\n" + b"".join(b"u%02d,%d,%d\n" % (i, i, i % 7) for i in range(20)),
        {"features": ["id"]},
        "column 'id' cannot be a feature: identifier (unique text per row)",
    ),
    (
        "constant_target.csv",
        b"x,y\n1,5\n2,5\n3,5\n",
        {"target": "y"},
        "target column 'y' is constant (every value is 5)",
    ),
    ("empty_columns.csv", b",,\n,,\n,,\n", {}, "the file is empty"),
    ("long_line.csv", b"1" * (300 * 1024), {}, "line 1: a field is too long to be a value"),
    ("html.csv", b"<!DOCTYPE html>\n<html><body>Not found</body></html>\n", {}, "web page"),
    ("utf16_no_bom.csv", "a,b\n1,2\n".encode("utf-16-le"), {}, "binary file"),
    ("sqlite.csv", b"SQLite format 3\x00" + b"\x00" * 32, {}, "an SQLite database"),
]

FOLDER_CASE = "a_folder.csv"


def write_corpus(folder: str) -> list[str]:
    """Write every case into ``folder``; return the file names written."""
    os.makedirs(folder, exist_ok=True)
    names = []
    for name, content, _, _ in CASES:
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(content)
        names.append(name)
    sub = os.path.join(folder, FOLDER_CASE)
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, ".gitkeep"), "wb"):
        pass
    return names


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "bad")
    written = write_corpus(target)
    print(f"wrote {len(written)} files and 1 folder into {target}")
