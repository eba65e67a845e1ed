"""JSON and NDJSON input, checked against Python's json module."""
from __future__ import annotations

import datetime as dt
import json
import os

import pyarrow.parquet as pq
import pytest


def records():
    return [
        {"id": 1, "name": "Zoë \u00e9", "emoji": "rocket \U0001F680", "tags": ["a", "b"],
         "addr": {"city": "Köln", "geo": {"lat": 50.9, "lon": 6.9}}, "big": 123456789012345678901234567890,
         "day": "2024-02-29", "at": "2024-02-29T10:00:00Z", "ok": True, "score": 1.5, "note": "line\nbreak \"q\""},
        {"id": 2, "name": None, "tags": [], "addr": {"city": "Paris"}, "big": 7, "day": "1969-07-20",
         "at": "2024-03-01T12:30:00+02:00", "ok": False, "score": 2, "note": ""},
        {"id": 3, "late": {"x": [1, {"y": None}]}, "score": None},
    ]


def flatten(record, prefix=""):
    out = {}
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def check_against_json(table, recs):
    flat = [flatten(r) for r in recs]
    names = []
    for r in flat:
        for k in r:
            if k not in names:
                names.append(k)
    assert table.column_names == names
    rows = table.to_pylist()
    # Counts first: zip alone stops at the shorter list, so a dropped record would pass.
    assert len(rows) == len(flat), f"{len(rows)} rows, expected {len(flat)}"
    for got, want in zip(rows, flat, strict=True):
        for name in names:
            value = want.get(name)
            actual = got[name]
            if isinstance(value, (list, dict)):
                assert json.loads(actual) == value and actual == compact(value), name
            elif isinstance(value, bool) or value is None:
                assert actual == value, name
            elif name == "big":
                assert actual == str(value), "big integers must stay exact text"
            elif name == "day":
                assert actual == dt.date.fromisoformat(value)
            elif name == "at":
                assert actual == dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc)
            elif isinstance(value, (int, float)) and name == "score":
                assert actual == float(value)
            else:
                assert actual == value, name


def test_ndjson_with_nesting_escapes_and_late_keys(run, work):
    source = work / "data.ndjson"
    source.write_text("\n".join(json.dumps(r) for r in records()) + "\n", encoding="utf-8")
    proc = run("convert", source, "--json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    types = {c["name"]: c["type"] for c in result["columns"]}
    assert types["id"] == "int64" and types["big"] == "string" and types["day"] == "date"
    assert types["at"] == "timestamp[us, UTC]" and types["score"] == "double" and types["ok"] == "boolean"
    check_against_json(pq.read_table(work / "data.parquet"), records())


def test_json_array_pretty_printed(run, work):
    source = work / "data.json"
    source.write_text(json.dumps(records(), indent=2, ensure_ascii=True), encoding="utf-8")
    proc = run("convert", source, work / "out.parquet", cwd=work)
    assert proc.returncode == 0, proc.stderr
    check_against_json(pq.read_table(work / "out.parquet"), records())


def test_no_flatten_keeps_objects_as_json(run, work):
    source = work / "data.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records()), encoding="utf-8")
    assert run("convert", source, work / "o.parquet", "--no-flatten", cwd=work).returncode == 0
    table = pq.read_table(work / "o.parquet")
    assert "addr" in table.column_names and "addr.city" not in table.column_names
    assert json.loads(table.column("addr")[0].as_py()) == records()[0]["addr"]


def test_late_key_and_wider_type_after_the_sample(run, work):
    source = work / "late.ndjson"
    lines = [json.dumps({"i": i, "v": i}) for i in range(70_000)]
    lines.append(json.dumps({"i": 70_000, "v": "text", "new": 1.25}))
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("convert", source, "--json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert any("widened" in w for w in json.loads(proc.stdout)["warnings"])
    table = pq.read_table(work / "late.parquet")
    assert table.num_rows == 70_001
    assert table.column("v").to_pylist()[:3] == ["0", "1", "2"] and table.column("v")[-1].as_py() == "text"
    assert table.column("new").null_count == 70_000 and table.column("new")[-1].as_py() == 1.25


def test_malformed_json_fails_cleanly(run, work):
    for name, text, where in [("trunc.json", '[{"a": 1}, {"a": 2}', "line 1"),
                              ("comma.ndjson", '{"a": 1}\n{"a": 2,}\n', "line 2"),
                              ("notjson.json", "id,name\n1,x\n", "line 1"),
                              ("escape.ndjson", '{"a": "\\ud800"}\n', "line 1")]:
        source = work / name
        source.write_text(text, encoding="utf-8")
        before = sorted(os.listdir(work))
        proc = run("convert", source, cwd=work)
        assert proc.returncode == 1, name
        assert name in proc.stderr and where in proc.stderr, proc.stderr
        assert sorted(os.listdir(work)) == before


def test_info_and_validate_json(run, work):
    source = work / "data.ndjson"
    source.write_text("\n".join(json.dumps(r) for r in records()), encoding="utf-8")
    info = json.loads(run("info", source, "--format", "json", cwd=work).stdout)
    assert info["format"] == "json" and info["rows"] == 3
    assert "late.x" in [c["name"] for c in info["columns"]]
    assert run("validate", source, cwd=work).returncode == 0


@pytest.mark.parametrize("cut", ["\\u00e9", "\\n", "-12", "1.5", "1e5", "true"])
def test_records_cut_by_the_read_buffer(run, work, cut):
    # Place the 8 MiB buffer boundary inside an escape, a number or a literal.
    boundary = 8 << 20
    filler = '{"pad": "' + "x" * 100 + '"}\n'
    head = filler * (boundary // len(filler) - 1)
    prefix = '{"pad": "' + "y" * (boundary - len(head) - 20) + '", "v": '
    split = len(head) + len(prefix) + 1
    value = f'"a{cut}b"' if cut.startswith("\\") else cut
    text = head + prefix + value + "}\n" + '{"pad": "z", "v": ' + value + "}\n"
    assert abs(split - boundary) < 40
    source = work / "cut.ndjson"
    source.write_text(text, encoding="ascii")
    proc = run("convert", source, cwd=work)
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(work / "cut.parquet")
    expected = [json.loads(line).get("v") for line in text.splitlines()]
    assert table.num_rows == len(expected)
    assert table.column("v").to_pylist()[-2:] == expected[-2:]


def test_invalid_utf8_is_refused(run, work):
    source = work / "bad.ndjson"
    source.write_bytes(b'{"s": "ok"}\n{"s": "caf\xe9"}\n')
    proc = run("convert", source, cwd=work)
    assert proc.returncode == 1 and "line 2" in proc.stderr and "UTF-8" in proc.stderr
