"""Issue #18, "never lose a value": a value read from a file is never silently changed,
merged into another column or dropped. Invalid UTF-8 after UTF-8 text is an error (or a
U+FFFD replacement on request, with a warning); names that clash become distinct columns
with a warning. Values are checked with pyarrow and DuckDB (h.read_parquet), Python's json
and csv modules, openpyxl and lxml as references."""
from __future__ import annotations

import csv
import json

import openpyxl
from lxml import etree


def late_bad_byte_csv(work, h):
    """About 3 MB of UTF-8 text ("café…") with one 0xE9 on the second-to-last line."""
    body = "".join(f"{i},café {i} ünï\n" for i in range(150_000))
    head = ("id,label\n" + body).encode("utf-8")
    data = head + b"150000,bad \xe9 here\n150001,fine\n"
    assert len(data) > 3_000_000 and data.index(b"\xe9") > 1 << 20
    return h.write_bytes(work / "late.csv", data), len(head) + len(b"150000,bad "), 150_000 + 2


def test_invalid_utf8_after_utf8_text_is_an_error_naming_the_line(work, h, run):
    src, offset, line = late_bad_byte_csv(work, h)
    before = h.file_state(src)
    out = work / "late.parquet"
    proc = run("convert", src, out)
    assert proc.returncode == 1, proc.stderr
    message = proc.stderr.strip()
    assert f"line {line} (byte offset {offset})" in message
    assert "0xE9 is not valid UTF-8" in message
    assert "--encoding utf-8-replace" in message and "--encoding cp1252" in message
    assert "Traceback" not in message and message.count("\n") == 0
    # Nothing left behind, the input untouched.
    assert h.listing(work) == ["late.csv"]
    assert h.file_state(src) == before


def test_utf8_replace_option_replaces_only_the_bad_byte_and_warns(work, h, convert_json):
    src, offset, line = late_bad_byte_csv(work, h)
    out = work / "late.parquet"
    _, summary = convert_json(src, out, "--encoding", "utf-8-replace")
    assert any(f"1 invalid UTF-8 byte(s)" in w and f"line {line} (byte offset {offset})" in w for w in summary["warnings"]), summary
    data = h.read_parquet(out)
    reference = src.read_bytes().decode("utf-8", errors="replace").splitlines()[1:]
    expected = [row[1] for row in csv.reader(reference)]
    labels = data.column("label")
    assert labels == expected
    assert labels[-2] == "bad \ufffd here" and labels[0] == "café 0 ünï"
    assert sum("\ufffd" in v for v in labels) == 1


def test_cp1252_option_reads_the_same_file_as_windows_1252(work, h, convert_json):
    src, _, _ = late_bad_byte_csv(work, h)
    out = work / "cp.parquet"
    convert_json(src, out, "--encoding", "cp1252")
    labels = h.read_parquet(out).column("label")
    assert labels[-2] == "bad é here" and labels[0] == "cafÃ© 0 Ã¼nÃ¯"  # what the user asked for


def test_bad_byte_after_utf8_text_inside_the_detection_sample_is_an_error_too(work, h, run):
    src = h.write_bytes(work / "early.csv", "name\ncafé\n".encode() + b"x\xe9\n")
    proc = run("convert", src, work / "early.parquet")
    assert proc.returncode == 1
    assert "line 3 (byte offset 12)" in proc.stderr  # len("name\ncafé\nx")
    assert h.listing(work) == ["early.csv"]


def test_json_and_xml_refuse_invalid_utf8_naming_the_line(work, h, run):
    body = "".join(json.dumps({"v": f"café {i}"}, ensure_ascii=False) + "\n" for i in range(50_000))
    src = h.write_bytes(work / "bad.ndjson", body.encode() + b'{"v": "bad \xe9"}\n')
    proc = run("convert", src, work / "bad.parquet")
    assert proc.returncode == 1 and "line 50001" in proc.stderr and "not valid UTF-8" in proc.stderr
    xml = h.write_bytes(work / "bad.xml", b"<r>" + b"<i><v>caf\xc3\xa9</v></i>\n" * 1000 + b"<i><v>bad \xe9</v></i></r>")
    proc = run("convert", xml, work / "badx.parquet")
    assert proc.returncode == 1 and "line 1001" in proc.stderr
    assert h.listing(work) == ["bad.ndjson", "bad.xml"]


def test_json_dotted_key_and_nested_keys_are_distinct_columns(work, h, convert_json):
    records = [{"a.b": 1, "a": {"b": 2}}, {"a": {"b": 4}, "a.b": 3}, {"a.b": 5}]
    src = h.write_text(work / "clash.ndjson", "".join(json.dumps(r) + "\n" for r in records))
    out = work / "clash.parquet"
    _, summary = convert_json(src, out)
    assert [c["name"] for c in summary["columns"]] == ["a.b", "a.b_1"]
    assert any("\"a\" > \"b\" is 'a.b_1'" in w and "the key \"a.b\"" in w for w in summary["warnings"]), summary
    data = h.read_parquet(out)
    reference = [json.loads(line) for line in src.read_text().splitlines()]
    assert data.column("a.b") == [r.get("a.b") for r in reference]
    assert data.column("a.b_1") == [r.get("a", {}).get("b") for r in reference]


def test_json_late_clash_keeps_every_value(work, h, convert_json):
    records = [{"id": i, "a.b": i} for i in range(70_000)] + [{"id": 70_000, "a": {"b": "late"}, "a.b": -1}]
    src = h.write_text(work / "late.ndjson", "".join(json.dumps(r) + "\n" for r in records))
    out = work / "late.parquet"
    _, summary = convert_json(src, out)
    assert any("'a.b_1'" in w for w in summary["warnings"])
    data = h.read_parquet(out)
    assert data.column("a.b") == [r["a.b"] for r in records]
    assert data.column("a.b_1") == [None] * 70_000 + ["late"]


def test_xml_dotted_element_and_nested_elements_are_distinct_columns(work, h, convert_json):
    text = "<list>" + "".join(
        f'<item id="{i}"><a.b>{i}</a.b><a><b>n{i}</b></a><a.b_1>x{i}</a.b_1></item>' for i in range(3)) + "</list>"
    src = h.write_text(work / "clash.xml", text)
    out = work / "clash.parquet"
    _, summary = convert_json(src, out)
    assert any("the path a > b is 'a.b_1' because 'a.b' is taken by the element <a.b>" in w for w in summary["warnings"]), summary
    data = h.read_parquet(out)
    items = etree.fromstring(text.encode()).findall("item")
    assert data.column("a.b") == [int(i.findtext("a.b")) for i in items]
    assert data.column("a.b_1") == [i.findtext("a/b") for i in items]
    assert data.column("a.b_1_1") == [i.findtext("a.b_1") for i in items]


def test_csv_repeated_header_names_are_distinct_columns_with_a_warning(work, h, convert_json):
    src = h.write_text(work / "dup.csv", "x,x,x_1,y\n1,2,3,4\n5,6,7,8\n")
    out = work / "dup.parquet"
    _, summary = convert_json(src, out)
    assert [c["name"] for c in summary["columns"]] == ["x", "x_1", "x_1_1", "y"]
    assert any("header column 2 is 'x_1' because 'x' is taken by header column 1" in w for w in summary["warnings"]), summary
    with open(src, newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    data = h.read_parquet(out)
    assert [[r[k] for k in ("x", "x_1", "x_1_1", "y")] for r in data.rows] == [[int(v) for v in row] for row in rows]


def test_excel_repeated_header_names_are_distinct_columns_with_a_warning(work, h, convert_json):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in (["x", "x", "y"], [1, 2, "a"], [3, 4, "b"]):
        sheet.append(row)
    src = work / "dup.xlsx"
    book.save(src)
    out = work / "dup.parquet"
    _, summary = convert_json(src, out)
    assert [c["name"] for c in summary["columns"]] == ["x", "x_1", "y"]
    assert any("sheet 'Data' column 2 is 'x_1' because 'x' is taken by sheet 'Data' column 1" in w for w in summary["warnings"]), summary
    reference = list(openpyxl.load_workbook(src).active.iter_rows(min_row=2, values_only=True))
    data = h.read_parquet(out)
    assert [(r["x"], r["x_1"], r["y"]) for r in data.rows] == reference


def test_decimals_longer_than_a_double_stay_exact_text(work, h, convert_json):
    """Out of range / over-precise numbers are never rounded silently: they stay text; a
    double's own printed form ("0.30000000000000004") is still a double."""
    src = h.write_text(work / "p.csv", "long,printed,big\n123456789.123456789,0.30000000000000004,1234567890123456789.0\n"
                                      "1.5,1.1000000000000001,2.5\n")
    out = work / "p.parquet"
    _, summary = convert_json(src, out)
    assert h.schema_types(summary) == {"long": "string", "printed": "double", "big": "string"}
    with open(src, newline="") as fh:
        rows = list(csv.DictReader(fh))
    data = h.read_parquet(out)
    assert data.column("long") == [r["long"] for r in rows]
    assert data.column("big") == [r["big"] for r in rows]
    assert data.column("printed") == [float(r["printed"]) for r in rows]

    text = '{"v": 0.12345678901234567891, "w": 0.5}\n{"v": 2, "w": 0.25}\n'
    src = h.write_text(work / "p.ndjson", text)
    out = work / "pj.parquet"
    _, summary = convert_json(src, out)
    assert h.schema_types(summary)["v"] == "string"
    data = h.read_parquet(out)
    from decimal import Decimal
    reference = [json.loads(line, parse_float=Decimal) for line in text.splitlines()]
    assert [Decimal(v) for v in data.column("v")] == [Decimal(r["v"]) for r in reference]
    assert data.column("w") == [0.5, 0.25]


def test_json_repeated_key_keeps_the_last_value_with_a_warning(work, h, convert_json):
    text = '{"k": 1}\n{"k": 2, "k": 3}\n'
    src = h.write_text(work / "dup.ndjson", text)
    out = work / "dup.parquet"
    _, summary = convert_json(src, out)
    assert any("1 record(s)" in w and "hold a key twice" in w and "near line 2 with key 'k'" in w for w in summary["warnings"]), summary
    # Python's json module keeps the last value too.
    assert h.read_parquet(out).column("k") == [json.loads(line)["k"] for line in text.splitlines()]
