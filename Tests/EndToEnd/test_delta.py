"""Delta Lake output (`--format delta`), checked with delta-rs (the `deltalake` package)
against the source data read by Python's csv module."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from conftest import base_env

UTC = dt.timezone.utc

HEADER = "id,amount,price,day,seen_at,seen_utc,flag,region,note\n"


def rows_csv(start: int, count: int, region_of=lambda i: ["north", "south", "a b/c=d%", ""][i % 4]) -> str:
    lines = [HEADER]
    for i in range(start, start + count):
        amount = "" if i % 7 == 0 else str(i * 3 - 50)
        price = f"{i / 8:.3f}"
        day = (dt.date(1969, 12, 1) + dt.timedelta(days=i * 11)).isoformat()
        seen = f"2024-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{i % 60:02d}.{i:06d}"[:26]
        utc = f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:00:00+02:00"
        flag = "true" if i % 3 else "false"
        note = f'"note, {i} ""q"""' if i % 5 else ""
        lines.append(f"{i},{amount},{price},{day},{seen},{utc},{flag},{region_of(i)},{note}\n")
    return "".join(lines)


def expected_from_csv(path: Path) -> list[dict]:
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            seen = dt.datetime.fromisoformat(r["seen_at"]).replace(tzinfo=UTC)
            utc = dt.datetime.fromisoformat(r["seen_utc"]).astimezone(UTC)
            out.append({
                "id": int(r["id"]),
                "amount": int(r["amount"]) if r["amount"] else None,
                "price": float(r["price"]),
                "day": dt.date.fromisoformat(r["day"]),
                "seen_at": seen,
                "seen_utc": utc,
                "flag": r["flag"] == "true",
                "region": r["region"] or None,
                "note": r["note"] or None,
            })
    return out


def table_rows(table: DeltaTable) -> list[dict]:
    data = table.to_pyarrow_table()
    return sorted(data.to_pylist(), key=lambda r: r["id"])


def convert(run, *args, cwd):
    proc = run("convert", *args, "--json", cwd=cwd)
    return proc, (json.loads(proc.stdout) if proc.stdout.strip() else None)


def test_fresh_table_holds_every_value_and_type(run, work):
    source = work / "data.csv"
    source.write_text(rows_csv(0, 300), encoding="utf-8")
    proc, result = convert(run, source, work / "table", "-f", "delta", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert result["format"] == "delta" and result["rows"] == 300
    assert result["details"]["delta_version"] == "0"

    table = DeltaTable(str(work / "table"))
    assert table.version() == 0
    protocol = table.protocol()
    assert (protocol.min_reader_version, protocol.min_writer_version) == (1, 2)
    types = {f.name: str(f.type) for f in table.schema().fields}
    assert types["id"].endswith('"long")') and types["price"].endswith('"double")')
    assert types["day"].endswith('"date")') and types["seen_at"].endswith('"timestamp")')
    assert types["flag"].endswith('"boolean")') and types["note"].endswith('"string")')
    assert table_rows(table) == expected_from_csv(source)

    info = json.loads(run("info", work / "table", "--format", "json", cwd=work).stdout)
    assert info["format"] == "delta" and info["rows"] == 300 and info["details"]["version"] == "0"


def test_stats_let_filters_return_the_right_rows(run, work):
    source = work / "data.csv"
    source.write_text(rows_csv(0, 200), encoding="utf-8")
    assert run("convert", source, work / "t", "-f", "delta", cwd=work).returncode == 0
    for i in range(1, 4):
        chunk = work / f"more{i}.csv"
        chunk.write_text(rows_csv(i * 1000, 100), encoding="utf-8")
        assert run("convert", chunk, work / "t", "-f", "delta", "--mode", "append", cwd=work).returncode == 0
    table = DeltaTable(str(work / "t"))
    everything = table_rows(table)
    for column, op, value in [("id", ">=", 2050), ("amount", "<", 10), ("price", ">", 300.0),
                              ("flag", "==", False), ("region", "==", "north"), ("note", ">", "note, 3")]:
        got = table.to_pyarrow_table(filters=[(column, op, value)]).num_rows
        python_op = {">=": lambda a, b: a >= b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
                     "==": lambda a, b: a == b}[op]
        want = sum(1 for r in everything if r[column] is not None and python_op(r[column], value))
        assert got == want, f"filter {column} {op} {value}: {got} rows, expected {want}"


def test_append_then_overwrite_keeps_time_travel(run, work):
    first, second, third = work / "a.csv", work / "b.csv", work / "c.csv"
    first.write_text(rows_csv(0, 50), encoding="utf-8")
    second.write_text(rows_csv(50, 30), encoding="utf-8")
    third.write_text(rows_csv(500, 10), encoding="utf-8")
    target = work / "tbl"
    assert run("convert", first, target, "-f", "delta", cwd=work).returncode == 0
    proc = run("convert", second, target, "-f", "delta", "--mode", "append", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert len(table_rows(DeltaTable(str(target)))) == 80

    proc = run("convert", third, target, "-f", "delta", "--mode", "overwrite", cwd=work)
    assert proc.returncode == 0, proc.stderr
    table = DeltaTable(str(target))
    assert table.version() == 2
    assert table_rows(table) == expected_from_csv(third)
    assert table_rows(DeltaTable(str(target), version=0)) == expected_from_csv(first)
    assert len(table_rows(DeltaTable(str(target), version=1))) == 80
    operations = [h["operation"] for h in table.history()]
    assert len(operations) == 3


def test_existing_table_needs_a_mode(run, work):
    source = work / "a.csv"
    source.write_text(rows_csv(0, 5), encoding="utf-8")
    assert run("convert", source, work / "t", "-f", "delta", cwd=work).returncode == 0
    before = sorted(os.listdir(work / "t" / "_delta_log"))
    proc = run("convert", source, work / "t", "-f", "delta", cwd=work)
    assert proc.returncode != 0
    assert "--mode append" in proc.stderr and "already exists" in proc.stderr
    assert sorted(os.listdir(work / "t" / "_delta_log")) == before


def test_partitioned_table_with_awkward_values(run, work):
    source = work / "p.csv"
    source.write_text(rows_csv(0, 120), encoding="utf-8")
    proc = run("convert", source, work / "pt", "-f", "delta", "--partition-by", "region,flag", cwd=work)
    assert proc.returncode == 0, proc.stderr
    table = DeltaTable(str(work / "pt"))
    assert table.metadata().partition_columns == ["region", "flag"]
    assert table_rows(table) == expected_from_csv(source)
    directories = {p.name for p in (work / "pt").iterdir() if p.is_dir() and p.name != "_delta_log"}
    assert "region=north" in directories and "region=__HIVE_DEFAULT_PARTITION__" in directories
    assert any("%2F" in d for d in directories), directories
    data_file = next((work / "pt").rglob("*.parquet"))
    assert "region" not in pq.read_schema(data_file).names and "flag" not in pq.read_schema(data_file).names
    assert table.to_pyarrow_table(filters=[("region", "==", "a b/c=d%")]).num_rows == 30


def test_mismatched_append_is_refused_and_leaves_the_table(run, work):
    source = work / "a.csv"
    source.write_text("id,name\n1,x\n2,y\n", encoding="utf-8")
    assert run("convert", source, work / "t", "-f", "delta", cwd=work).returncode == 0
    bad = work / "bad.csv"
    bad.write_text("id,name\nabc,z\n", encoding="utf-8")
    before = sorted(str(p.relative_to(work / "t")) for p in (work / "t").rglob("*"))
    proc = run("convert", bad, work / "t", "-f", "delta", "--mode", "append", cwd=work)
    assert proc.returncode == 1
    assert "'id' is string in the input but int64 in the table" in proc.stderr
    assert sorted(str(p.relative_to(work / "t")) for p in (work / "t").rglob("*")) == before
    assert DeltaTable(str(work / "t")).version() == 0


def test_new_columns_need_merge_schema(run, work):
    source = work / "a.csv"
    source.write_text("id,name\n1,x\n2,y\n", encoding="utf-8")
    assert run("convert", source, work / "t", "-f", "delta", cwd=work).returncode == 0
    wider = work / "b.csv"
    wider.write_text("id,name,score\n3,z,1.5\n", encoding="utf-8")
    refused = run("convert", wider, work / "t", "-f", "delta", "--mode", "append", cwd=work)
    assert refused.returncode == 1 and "--merge-schema" in refused.stderr
    merged = run("convert", wider, work / "t", "-f", "delta", "--mode", "append", "--merge-schema", cwd=work)
    assert merged.returncode == 0, merged.stderr
    table = DeltaTable(str(work / "t"))
    assert [f.name for f in table.schema().fields] == ["id", "name", "score"]
    assert table_rows(table) == [
        {"id": 1, "name": "x", "score": None}, {"id": 2, "name": "y", "score": None}, {"id": 3, "name": "z", "score": 1.5},
    ]


def test_twenty_five_commits_with_checkpoints(run, work):
    target = work / "long"
    expected = []
    for version in range(25):
        chunk = work / f"c{version}.csv"
        chunk.write_text(f"id,batch\n{version * 2},{version}\n{version * 2 + 1},{version}\n", encoding="utf-8")
        mode = "error" if version == 0 else "append"
        proc = run("convert", chunk, target, "-f", "delta", "--mode", mode, cwd=work)
        assert proc.returncode == 0, proc.stderr
        expected += [{"id": version * 2, "batch": version}, {"id": version * 2 + 1, "batch": version}]
    log = target / "_delta_log"
    assert (log / "00000000000000000010.checkpoint.parquet").exists()
    assert (log / "00000000000000000020.checkpoint.parquet").exists()
    assert json.loads((log / "_last_checkpoint").read_text())["version"] == 20
    assert table_rows(DeltaTable(str(target))) == expected
    # The checkpoint alone must describe the table: drop the commits it replaces.
    copy = work / "from-checkpoint"
    shutil.copytree(target, copy)
    for version in range(20):
        (copy / "_delta_log" / f"{version:020d}.json").unlink()
    table = DeltaTable(str(copy))
    assert table.version() == 24
    assert table_rows(table) == expected


def test_concurrent_appends_land_once_each(pyforge_bin, work):
    target = work / "shared"
    seed = work / "seed.csv"
    seed.write_text("id,writer\n-1,-1\n", encoding="utf-8")
    assert subprocess.run([pyforge_bin, "convert", seed, target, "-f", "delta"], cwd=work, env=base_env(),
                          capture_output=True).returncode == 0
    writers = 6
    inputs = []
    for w in range(writers):
        path = work / f"w{w}.csv"
        path.write_text("id,writer\n" + "".join(f"{w * 1000 + i},{w}\n" for i in range(50)), encoding="utf-8")
        inputs.append(path)
    processes = [subprocess.Popen([pyforge_bin, "convert", p, target, "-f", "delta", "--mode", "append"], cwd=work,
                                  env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for p in inputs]
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    table = DeltaTable(str(target))
    assert table.version() == writers
    versions = sorted(int(name[:20]) for name in os.listdir(target / "_delta_log") if name.endswith(".json"))
    assert versions == list(range(writers + 1))
    ids = [r["id"] for r in table_rows(table)]
    assert ids == sorted([-1] + [w * 1000 + i for w in range(writers) for i in range(50)])


def test_concurrent_appends_can_create_the_table(pyforge_bin, work):
    target = work / "fresh"
    processes = []
    for w in range(4):
        path = work / f"w{w}.csv"
        path.write_text("id,writer\n" + "".join(f"{w * 100 + i},{w}\n" for i in range(10)), encoding="utf-8")
        processes.append(subprocess.Popen([pyforge_bin, "convert", path, target, "-f", "delta", "--mode", "append"],
                                          cwd=work, env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    table = DeltaTable(str(target))
    assert table.version() == 3
    assert len(table_rows(table)) == 40


def test_failed_conversion_leaves_the_table_unchanged(run, work):
    source = work / "a.csv"
    source.write_text("id,name\n1,x\n", encoding="utf-8")
    assert run("convert", source, work / "t", "-f", "delta", cwd=work).returncode == 0
    broken = work / "broken.csv"
    broken.write_text("id,name\n" + "".join(f"{i},n{i}\n" for i in range(2, 70_000)) + "5,x,extra\n", encoding="utf-8")
    before = sorted(str(p.relative_to(work / "t")) for p in (work / "t").rglob("*"))
    proc = run("convert", broken, work / "t", "-f", "delta", "--mode", "append", cwd=work)
    assert proc.returncode == 1 and "line 70000" in proc.stderr
    assert sorted(str(p.relative_to(work / "t")) for p in (work / "t").rglob("*")) == before
    assert DeltaTable(str(work / "t")).version() == 0


def test_new_table_is_not_created_on_failure(run, work):
    broken = work / "broken.csv"
    broken.write_text('a,b\n1,"open\n', encoding="utf-8")
    proc = run("convert", broken, work / "never", "-f", "delta", cwd=work)
    assert proc.returncode == 1
    assert not (work / "never").exists()


def test_appended_date_in_timestamp_partition_reads_as_timestamp(run, work):
    (work / "a.csv").write_text("ts,v\n2024-01-15 10:30:00,1\n", encoding="utf-8")
    (work / "b.csv").write_text("ts,v\n2024-01-16,2\n", encoding="utf-8")
    assert run("convert", work / "a.csv", work / "t", "-f", "delta", "--partition-by", "ts", cwd=work).returncode == 0
    proc = run("convert", work / "b.csv", work / "t", "-f", "delta", "--mode", "append", cwd=work)
    assert proc.returncode == 0, proc.stderr
    rows = sorted(DeltaTable(str(work / "t")).to_pyarrow_table().to_pylist(), key=lambda r: r["v"])
    assert [r["ts"] for r in rows] == [dt.datetime(2024, 1, 15, 10, 30, tzinfo=UTC), dt.datetime(2024, 1, 16, tzinfo=UTC)]


def test_overwrite_can_change_partitioning(run, work):
    (work / "a.csv").write_text("k,v\nx,1\ny,2\n", encoding="utf-8")
    assert run("convert", work / "a.csv", work / "t", "-f", "delta", cwd=work).returncode == 0
    proc = run("convert", work / "a.csv", work / "t", "-f", "delta", "--mode", "overwrite", "--partition-by", "k", cwd=work)
    assert proc.returncode == 0, proc.stderr
    table = DeltaTable(str(work / "t"))
    assert table.metadata().partition_columns == ["k"]
    assert sorted(table.to_pyarrow_table().to_pylist(), key=lambda r: r["v"]) == [{"k": "x", "v": 1}, {"k": "y", "v": 2}]


def test_empty_string_partition_value_is_null(run, work):
    (work / "a.csv").write_text('k,v\n"",1\nz,2\n', encoding="utf-8")
    assert run("convert", work / "a.csv", work / "t", "-f", "delta", "--partition-by", "k", cwd=work).returncode == 0
    rows = sorted(DeltaTable(str(work / "t")).to_pyarrow_table().to_pylist(), key=lambda r: r["v"])
    assert rows == [{"k": None, "v": 1}, {"k": "z", "v": 2}]
    assert (work / "t" / "k=__HIVE_DEFAULT_PARTITION__").is_dir()


def test_append_only_table_refuses_overwrite(run, work):
    from deltalake import write_deltalake
    write_deltalake(str(work / "t"), pa.table({"v": [1, 2]}), configuration={"delta.appendOnly": "true"})
    (work / "a.csv").write_text("v\n3\n", encoding="utf-8")
    proc = run("convert", work / "a.csv", work / "t", "-f", "delta", "--mode", "overwrite", cwd=work)
    assert proc.returncode == 1 and "append-only" in proc.stderr
    assert DeltaTable(str(work / "t")).to_pyarrow_table().num_rows == 2
    assert run("convert", work / "a.csv", work / "t", "-f", "delta", "--mode", "append", cwd=work).returncode == 0
    assert DeltaTable(str(work / "t")).to_pyarrow_table().num_rows == 3


def test_append_keeps_the_tables_schema_text(run, work):
    from deltalake import write_deltalake
    write_deltalake(str(work / "t"), pa.table({"v": pa.array([1], pa.int64()), "s": ["a"]}))
    before = DeltaTable(str(work / "t")).schema().to_json()
    (work / "a.csv").write_text("v,s,extra\n2,b,1.5\n", encoding="utf-8")
    proc = run("convert", work / "a.csv", work / "t", "-f", "delta", "--mode", "append", "--merge-schema", cwd=work)
    assert proc.returncode == 0, proc.stderr
    after = json.loads(DeltaTable(str(work / "t")).schema().to_json())
    assert after["fields"][:2] == json.loads(before)["fields"]
    assert [f["name"] for f in after["fields"]] == ["v", "s", "extra"]
    assert sorted(DeltaTable(str(work / "t")).to_pyarrow_table().to_pylist(), key=lambda r: r["v"]) == [
        {"v": 1, "s": "a", "extra": None}, {"v": 2, "s": "b", "extra": 1.5}]


def test_many_partitions_keep_few_files_open(pyforge_bin, work):
    import resource

    lines = ["k,v"] + [f"p{i % 100},{i}" for i in range(3000)]
    (work / "many.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def few_descriptors():  # 100 partitions would need more than 64 open files at once
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    proc = subprocess.run([str(pyforge_bin), "convert", str(work / "many.csv"), str(work / "t"), "-f", "delta",
                           "--partition-by", "k"], cwd=work, env=base_env(), capture_output=True, text=True,
                          preexec_fn=few_descriptors, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = DeltaTable(str(work / "t")).to_pyarrow_table().to_pylist()
    assert len(rows) == 3000 and sorted(r["v"] for r in rows) == list(range(3000))
    assert all(r["k"] == f"p{r['v'] % 100}" for r in rows)
