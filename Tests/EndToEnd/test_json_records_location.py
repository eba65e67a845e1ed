"""JSON files whose records sit inside a top-level object (issue #16): `{"3166-1": [{…}]}`
(as in Debian's iso-codes data), `{"data": {"items": [...]}}` with --record-path. Expected
rows come from Python's json module, independently of pyforge."""
from __future__ import annotations

import json

import pyarrow.parquet as pq



def convert(run_json, source, target, *extra):
    return run_json("convert", source, target, "--json", *extra)


def test_the_only_array_of_objects_is_the_records(run_json, work):
    records = [{"alpha_2": "AD", "name": "Andorra", "numeric": "020"},
               {"alpha_2": "AE", "name": "United Arab Emirates", "numeric": "784"}]
    source = work / "iso_3166-1.json"
    source.write_text(json.dumps({"3166-1": records}, indent=2))
    proc, result = convert(run_json, source, work / "out.parquet")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(work / "out.parquet")
    assert table.num_rows == len(records)
    assert table.to_pylist() == records
    assert result["details"]["layout"] == "array of objects under '3166-1'"
    assert result["warnings"] == []


def test_other_members_are_named_in_a_warning(run_json, work):
    records = [{"id": i, "v": i * 0.5} for i in range(1, 6)]
    source = work / "dump.json"
    source.write_text(json.dumps({"count": 5, "records": records, "next": None}))
    proc, result = convert(run_json, source, work / "out.parquet")
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "out.parquet").to_pylist() == records
    assert any("'count', 'next'" in w and "not converted" in w for w in result["warnings"]), result["warnings"]
    assert "not converted" in proc.stderr


def test_record_path_selects_a_nested_array_past_a_large_preamble(run_json, work):
    # The preamble is larger than the reader's 8 MiB buffer: it is walked past, not held.
    records = [{"a": i, "b": f"x{i}"} for i in range(1000)]
    source = work / "nested.json"
    with open(source, "w") as handle:
        handle.write('{"meta": {"blob": "' + "y" * (9 << 20) + '", "list": [1, 2]}, "data": {"items": ')
        json.dump(records, handle)
        handle.write(', "total": 1000}, "version": "2"}')
    proc, result = convert(run_json, source, work / "out.parquet", "--record-path", "data.items")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(work / "out.parquet")
    assert table.num_rows == len(records) and table.to_pylist() == records
    assert result["details"]["layout"] == "array of objects under 'data.items'"


def test_several_arrays_of_records_need_a_choice(run_json, work):
    source = work / "two.json"
    source.write_text(json.dumps({"x": [{"a": 1}], "y": [{"b": 2}]}))
    proc, result = convert(run_json, source, work / "out.parquet")
    assert proc.returncode == 1
    assert "2 arrays of records ('x', 'y')" in result["error"] and "--record-path x" in result["error"]
    assert not (work / "out.parquet").exists()
    proc, result = convert(run_json, source, work / "out.parquet", "--record-path", "y")
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "out.parquet").to_pylist() == [{"b": 2}]


def test_a_record_path_that_does_not_fit_says_why(run_json, work):
    source = work / "doc.json"
    source.write_text(json.dumps({"data": {"items": [{"a": 1}], "count": 1}}))
    for path, reason in [("data.nope", "'data' has no member 'nope'"),
                         ("data.count", "'data.count' is not an array of records"),
                         ("missing", "the top-level object has no member 'missing'")]:
        proc, result = convert(run_json, source, work / "out.parquet", "--record-path", path)
        assert proc.returncode == 1, proc.stderr
        assert reason in result["error"], result["error"]
        assert "Traceback" not in proc.stderr and "Fatal error" not in proc.stderr
    array = work / "array.json"
    array.write_text(json.dumps([{"a": 1}]))
    proc, result = convert(run_json, array, work / "out.parquet", "--record-path", "a")
    assert proc.returncode == 1 and "is not one JSON object" in result["error"]


def test_one_object_per_line_and_single_objects_are_unchanged(run_json, work):
    lines = [{"items": [{"q": 1}], "id": 1}, {"items": [], "id": 2}]
    source = work / "lines.ndjson"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    proc, result = convert(run_json, source, work / "lines.parquet")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(work / "lines.parquet")
    assert table.num_rows == 2 and table.column("id").to_pylist() == [1, 2]
    assert [json.loads(t) for t in table.column("items").to_pylist()] == [[{"q": 1}], []]
    single = work / "single.json"
    single.write_text(json.dumps({"name": "x", "n": 3, "tags": [1, 2]}))
    proc, result = convert(run_json, single, work / "single.parquet")
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "single.parquet").num_rows == 1


def test_record_path_is_refused_for_csv(run, work):
    source = work / "t.csv"
    source.write_text("a\n1\n")
    proc = run("convert", source, work / "t.parquet", "--record-path", "a")
    assert proc.returncode == 2
    assert "--record-path" in proc.stderr and "JSON" in proc.stderr
