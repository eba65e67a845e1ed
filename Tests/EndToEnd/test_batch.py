"""Batch conversion: `pyforge convert 'data/*.csv' more.json --output-dir out/ [--workers N]`."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq


def make_inputs(work: Path) -> Path:
    data = work / "data"
    data.mkdir()
    for i in range(4):
        rows = "\n".join(f"{n},item {n} of {i},{n * 1.5:.2f}" for n in range(1, 51 + i))
        (data / f"part{i}.csv").write_text("id,name,price\n" + rows + "\n", encoding="utf-8")
    records = [{"id": n, "tag": f"t{n % 3}", "ok": n % 2 == 0} for n in range(1, 21)]
    (data / "events.json").write_text(json.dumps(records), encoding="utf-8")
    (data / "events2.ndjson").write_text("\n".join(json.dumps(r) for r in records[:7]) + "\n", encoding="utf-8")
    return data


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_glob_and_explicit_list(run, work):
    data = make_inputs(work)
    proc = run("convert", "data/*.csv", "data/events.json", "data/events2.ndjson", "--output-dir", "out", cwd=work)
    assert proc.returncode == 0, proc.stderr
    out = work / "out"
    names = sorted(p.name for p in out.iterdir())
    assert names == ["events.parquet", "events2.parquet", "part0.parquet", "part1.parquet", "part2.parquet", "part3.parquet"]
    for i in range(4):
        table = pq.read_table(out / f"part{i}.parquet")
        assert table.num_rows == 50 + i
        assert table.column_names == ["id", "name", "price"]
        assert table.column("id").to_pylist()[:3] == [1, 2, 3]
    assert pq.read_table(out / "events.parquet").num_rows == 20
    assert pq.read_table(out / "events2.parquet").num_rows == 7
    ok_lines = [line for line in proc.stderr.splitlines() if line.startswith("OK  ")]
    assert len(ok_lines) == 6, proc.stderr
    assert any("data/part0.csv → out/part0.parquet  50 rows" in line for line in ok_lines), proc.stderr
    assert "Succeeded" in proc.stderr and "Wall time" in proc.stderr
    assert not any(".pyforge-" in p.name for p in out.iterdir())


def test_outputs_beside_inputs_by_default(run, work):
    data = make_inputs(work)
    before = {i: (data / f"part{i}.csv").read_bytes() for i in range(4)}
    # CSV → CSV beside the input would overwrite the input: refused per file.
    proc = run("convert", "data/part*.csv", "-f", "csv", cwd=work)
    assert proc.returncode == 1
    assert proc.stderr.count("is the input file itself") == 4
    for i in range(4):
        assert (data / f"part{i}.csv").read_bytes() == before[i]
    proc = run("convert", "data/part*.csv", "-f", "ndjson", cwd=work)
    assert proc.returncode == 0, proc.stderr
    for i in range(4):
        lines = (data / f"part{i}.ndjson").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 50 + i


def test_corrupt_file_reported_others_converted(run, run_json, work):
    data = make_inputs(work)
    (data / "broken.json").write_text('[{"id": 1}, {"id": 2,, oops', encoding="utf-8")
    proc, report = run_json("convert", "data/*.csv", "data/*.json", "--output-dir", "out", "--json", cwd=work)
    assert proc.returncode == 1, proc.stderr
    assert report["success"] is False
    by_input = {r["input"]: r for r in report["results"]}
    broken = by_input["data/broken.json"]
    assert broken["success"] is False and broken["exit_code"] == 1 and "broken.json" in broken["error"]
    assert report["summary"]["failed"] == 1
    assert report["summary"]["succeeded"] == 5
    for i in range(4):
        assert pq.read_table(work / "out" / f"part{i}.parquet").num_rows == 50 + i
    assert pq.read_table(work / "out" / "events.parquet").num_rows == 20
    assert not (work / "out" / "broken.parquet").exists()
    assert any(line.startswith("FAIL data/broken.json: ") for line in proc.stderr.splitlines()), proc.stderr
    assert not any(".pyforge-" in p.name for p in (work / "out").iterdir())


def test_pattern_matching_nothing_is_a_failure(run, work):
    make_inputs(work)
    proc = run("convert", "data/*.csv", "nothing/*.tsv", "--output-dir", "out", cwd=work)
    assert proc.returncode == 1
    assert "FAIL nothing/*.tsv: The pattern 'nothing/*.tsv' matched no files." in proc.stderr
    assert len(list((work / "out").glob("*.parquet"))) == 4


def test_name_clash_refused_before_writing(run, run_json, work):
    make_inputs(work)
    other = work / "other"
    other.mkdir()
    (other / "part0.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    proc = run("convert", "data/*.csv", "other/part0.csv", "--output-dir", "out", cwd=work)
    assert proc.returncode == 1
    assert "'data/part0.csv' and 'other/part0.csv' would both be written to 'out/part0.parquet'" in proc.stderr
    assert not (work / "out").exists() or not any((work / "out").iterdir())
    proc, report = run_json("convert", "data/*.csv", "other/part0.csv", "--output-dir", "out", "--json", cwd=work)
    assert proc.returncode == 1 and report["success"] is False


def test_workers_one_and_default_identical(run, work):
    make_inputs(work)
    a = run("convert", "data/*", "--output-dir", "serial", "--workers", "1", cwd=work)
    b = run("convert", "data/*", "--output-dir", "parallel", cwd=work)
    c = run("convert", "data/*", "--output-dir", "env", cwd=work, env={"PYFORGE_PARALLEL_WORKERS": "3"})
    assert a.returncode == b.returncode == c.returncode == 0, (a.stderr, b.stderr, c.stderr)
    serial = {p.name: digest(p) for p in (work / "serial").iterdir()}
    assert len(serial) == 6
    assert serial == {p.name: digest(p) for p in (work / "parallel").iterdir()}
    assert serial == {p.name: digest(p) for p in (work / "env").iterdir()}


def test_json_shape(run_json, work):
    make_inputs(work)
    proc, report = run_json("convert", "data/part*.csv", "--output-dir", "out", "--workers", "2", "--json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert set(report) == {"success", "results", "summary"}
    assert report["success"] is True
    assert [r["input"] for r in report["results"]] == [f"data/part{i}.csv" for i in range(4)]
    for i, result in enumerate(report["results"]):
        assert result["success"] is True
        assert result["output"] == f"out/part{i}.parquet"
        assert result["rows"] == 50 + i
        assert [c["name"] for c in result["columns"]] == ["id", "name", "price"]
    summary = report["summary"]
    assert summary["files"] == 4 and summary["succeeded"] == 4 and summary["failed"] == 0
    assert summary["rows"] == 50 + 51 + 52 + 53
    assert summary["bytes_in"] == sum((work / "data" / f"part{i}.csv").stat().st_size for i in range(4))
    assert summary["bytes_out"] == sum((work / "out" / f"part{i}.parquet").stat().st_size for i in range(4))
    assert summary["workers"] == 2 and summary["seconds"] >= 0


def test_existing_outputs_need_force(run, work):
    make_inputs(work)
    assert run("convert", "data/*.csv", "--output-dir", "out", cwd=work).returncode == 0
    again = run("convert", "data/*.csv", "--output-dir", "out", cwd=work)
    assert again.returncode == 1
    assert again.stderr.count("already exists") == 4
    assert run("convert", "data/*.csv", "--output-dir", "out", "--force", cwd=work).returncode == 0


def test_single_input_unchanged(run_json, run, work):
    data = make_inputs(work)
    proc, summary = run_json("convert", "data/part1.csv", "single.parquet", "--json", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert summary["success"] is True and summary["output"] == "single.parquet" and summary["rows"] == 51
    assert "results" not in summary
    proc, summary = run_json("convert", "data/part2.csv", "--json", cwd=work)
    assert proc.returncode == 0 and summary["output"] == "data/part2.parquet"
    # Two plain paths are still INPUT OUTPUT.
    proc = run("convert", "data/part3.csv", "copy.ndjson", cwd=work)
    assert proc.returncode == 0 and len((work / "copy.ndjson").read_text().splitlines()) == 53
    assert "Converted data/part3.csv → copy.ndjson" in proc.stderr
    # One input with --output-dir writes there.
    proc = run("convert", "data/part0.csv", "--output-dir", "one", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "one" / "part0.parquet").num_rows == 50
    # A missing single input keeps its exit code.
    proc = run("convert", "data/missing.csv", cwd=work)
    assert proc.returncode == 4
    assert data.is_dir()


def test_two_workbooks_with_two_workers_each_convert_their_own_sheets(run, work):
    """Every conversion carries its own opened workbook (no process-wide slot): two
    workbooks converted at once each give their own sheets' values, checked with
    openpyxl against pyarrow."""
    import openpyxl

    data = work / "books"
    data.mkdir()
    shapes = {"alpha": {"north": 40, "south": 25}, "beta": {"east": 31, "west": 18, "centre": 7}}
    for book, sheets in shapes.items():
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for sheet, rows in sheets.items():
            ws = wb.create_sheet(sheet)
            ws.append(["id", "label", "amount"])
            for n in range(1, rows + 1):
                ws.append([n, f"{book}/{sheet}/{n}", n * 2.5])
        wb.save(data / f"{book}.xlsx")
    proc = run("convert", "books/alpha.xlsx", "books/beta.xlsx", "--output-dir", "out", "--workers", "2", cwd=work)
    assert proc.returncode == 0, proc.stderr
    for book, sheets in shapes.items():
        directory = work / "out" / f"{book}_parquet"
        assert sorted(p.name for p in directory.iterdir()) == sorted(f"{s}.parquet" for s in sheets)
        source = openpyxl.load_workbook(data / f"{book}.xlsx", read_only=True)
        for sheet in sheets:
            expected = [list(row) for row in source[sheet].iter_rows(min_row=2, values_only=True)]
            table = pq.read_table(directory / f"{sheet}.parquet")
            assert table.column_names == ["id", "label", "amount"]
            got = [list(row.values()) for row in table.to_pylist()]
            assert got == expected, (book, sheet)
        source.close()
