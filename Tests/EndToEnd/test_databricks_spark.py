"""The Spark engine, end to end: `pyforge convert --engine spark` through the Databricks
extension and a real local Spark Connect server (pyspark 4.3.0's, started by
scripts/test), checked with pyarrow against the core engine's output of the same input."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

TOKEN = "pyforge-test-token"
# Nothing listens on port 9: retrying UNAVAILABLE for the default 30 s would only slow the
# tests (retries themselves are tested in test_spark_connect_resilience.py).
QUICK_GIVE_UP = {"PYFORGE_SPARK_RETRY_MAX_SECONDS": "0.5"}


def rows_by_key(path: Path, key: str) -> dict:
    table = pq.read_table(path)
    rows = table.to_pylist()
    return {row[key]: row for row in rows}


def with_remote(env: dict, remote: str) -> dict:
    return {**env, "SPARK_REMOTE": remote}


def write_csv(path: Path, n: int = 500) -> None:
    lines = ["id,name,amount,active,day"]
    for i in range(n):
        name = f'"Müller, {i}"' if i % 7 == 0 else f"name {i}"
        lines.append(f"{i},{name},{i * 1.25},{'true' if i % 2 else 'false'},2024-01-{(i % 28) + 1:02d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def convert_both(run_json, env, remote, source: Path, work: Path):
    """The same input through Spark and through the core engine."""
    spark_out, core_out = work / "spark.parquet", work / "core.parquet"
    proc, spark = run_json("convert", source, spark_out, "--engine", "spark", "--json", env=with_remote(env, remote), timeout=300)
    assert proc.returncode == 0, proc.stderr
    proc, core = run_json("convert", source, core_out, "--engine", "core", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    return spark, core, spark_out, core_out


@pytest.fixture
def remote(spark_remote) -> str:
    return spark_remote


def test_csv_through_spark_matches_the_core_engine(run_json, databricks_env, remote, work):
    source = work / "people.csv"
    write_csv(source)
    spark, core, spark_out, core_out = convert_both(run_json, databricks_env, remote, source, work)
    assert spark["engine"] == "databricks"
    assert spark["details"]["engine"] == "spark"
    assert spark["details"]["decision"].startswith("Using Spark (--engine spark")
    assert spark["rows"] == core["rows"] == 500
    # One Parquet file, not a directory of parts, and nothing left beside it.
    assert spark_out.is_file()
    assert sorted(p.name for p in work.iterdir()) == ["core.parquet", "people.csv", "spark.parquet"]
    assert pq.read_metadata(spark_out).num_rows == 500
    spark_rows, core_rows = rows_by_key(spark_out, "id"), rows_by_key(core_out, "id")
    assert spark_rows == core_rows
    assert spark_rows[7]["name"] == "Müller, 7"
    assert spark_rows[3]["day"] == dt.date(2024, 1, 4)
    assert [c["name"] for c in spark["columns"]] == ["id", "name", "amount", "active", "day"]


def test_csv_dialect_given_to_spark_is_the_core_sniffers(run_json, databricks_env, remote, work):
    # Semicolons, and quotes that are text in a file that never quotes: the core's sniffer
    # picks no quoting, Spark is told so, and both engines read the same rows.
    source = work / "notes.csv"
    lines = ["id;note;size"]
    for i in range(60):
        note = '5" floppy' if i % 2 == 0 else '"quoted" word'
        lines.append(f"{i};{note};{i * 3}")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spark, core, spark_out, core_out = convert_both(run_json, databricks_env, remote, source, work)
    assert spark["details"]["engine"] == "spark"
    spark_rows, core_rows = rows_by_key(spark_out, "id"), rows_by_key(core_out, "id")
    assert spark_rows == core_rows
    assert spark_rows[0]["note"] == '5" floppy'
    assert spark_rows[1]["note"] == '"quoted" word'
    assert [c["name"] for c in spark["columns"]] == ["id", "note", "size"]


def test_json_array_through_spark_matches_the_core_engine(run_json, databricks_env, remote, work):
    source = work / "orders.json"
    records = [{"order": i, "customer": f"c{i % 13}", "total": i / 4, "paid": i % 3 == 0} for i in range(300)]
    source.write_text(json.dumps(records, indent=1), encoding="utf-8")
    spark, core, spark_out, core_out = convert_both(run_json, databricks_env, remote, source, work)
    assert spark["rows"] == core["rows"] == 300
    assert rows_by_key(spark_out, "order") == rows_by_key(core_out, "order")


def test_ndjson_through_spark(run_json, databricks_env, remote, work):
    source = work / "events.ndjson"
    source.write_text("".join(json.dumps({"id": i, "kind": "click" if i % 2 else "view"}) + "\n" for i in range(100)))
    spark, core, spark_out, core_out = convert_both(run_json, databricks_env, remote, source, work)
    assert spark["rows"] == 100
    assert rows_by_key(spark_out, "id") == rows_by_key(core_out, "id")


def test_xml_through_spark_matches_the_core_engine(run_json, databricks_env, remote, work):
    source = work / "books.xml"
    body = "".join(
        f"  <book><id>{i}</id><title>Title {i} &amp; more</title><price>{i + 0.5}</price></book>\n" for i in range(200))
    source.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- catalogue -->\n<catalog>\n{body}</catalog>\n')
    spark, core, spark_out, core_out = convert_both(run_json, databricks_env, remote, source, work)
    assert spark["rows"] == core["rows"] == 200
    spark_rows, core_rows = rows_by_key(spark_out, "id"), rows_by_key(core_out, "id")
    assert spark_rows == core_rows
    assert spark_rows[5]["title"] == "Title 5 & more"


def test_spark_remote_option_works_like_the_variable(run_json, databricks_env, remote, work):
    source = work / "people.csv"
    write_csv(source, 20)
    proc, result = run_json("convert", source, work / "out.parquet", "--engine", "spark", "--spark-remote", remote, "--json",
                            env=databricks_env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["engine"] == "spark" and result["rows"] == 20
    assert "Using Spark" in proc.stderr


def test_a_wrong_token_is_a_clear_error_and_the_core_engine_converts(run_json, databricks_env, remote, work):
    source = work / "people.csv"
    write_csv(source, 50)
    bad = remote.replace(f"token={TOKEN}", "token=not-the-token") if TOKEN in remote else remote + ";token=not-the-token"
    proc, result = run_json("convert", source, work / "out.parquet", "--engine", "spark", "--json",
                            env=with_remote(databricks_env, bad), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["engine"] == "core"
    assert "rejected the credentials" in proc.stderr and "the built-in engine converted the file" in proc.stderr
    assert any("rejected the credentials" in w for w in result["warnings"])
    assert "not-the-token" not in proc.stderr + proc.stdout
    assert pq.read_table(work / "out.parquet").num_rows == 50


def test_an_unreachable_server_falls_back_with_the_reason(run_json, databricks_env, work):
    source = work / "people.csv"
    write_csv(source, 10)
    proc, result = run_json("convert", source, work / "out.parquet", "--engine", "spark", "--json",
                            env={**with_remote(databricks_env, "sc://127.0.0.1:9/;token=x"), **QUICK_GIVE_UP}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert result["engine"] == "core"
    assert "Cannot reach the Spark Connect server at sc://127.0.0.1:9" in proc.stderr


def test_engine_spark_without_an_endpoint_fails_clearly(run, databricks_env, work):
    source = work / "people.csv"
    write_csv(source, 10)
    proc = run("convert", source, work / "out.parquet", "--engine", "spark", env=databricks_env)
    assert proc.returncode == 1
    assert "no Spark endpoint is configured" in proc.stderr and "SPARK_REMOTE" in proc.stderr
    assert not (work / "out.parquet").exists()
    assert [p.name for p in work.iterdir()] == ["people.csv"]


def test_engine_spark_without_the_extension_fails_clearly(run, work):
    source = work / "people.csv"
    write_csv(source, 10)
    proc = run("convert", source, work / "out.parquet", "--engine", "spark", env={"PYFORGE_EXTENSIONS_PATH": str(work / "none")})
    assert proc.returncode == 1
    assert "No usable extension named 'spark'" in proc.stderr


def test_a_spark_parse_failure_falls_back_to_the_core_engine(run_json, databricks_env, remote, work):
    # A short row: Spark's FAILFAST mode refuses it, the core engine fills the missing field with null.
    source = work / "ragged.csv"
    source.write_text("a,b\n1,2\n3\n")
    proc, result = run_json("convert", source, work / "out.parquet", "--engine", "spark", "--json",
                            env=with_remote(databricks_env, remote), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["engine"] == "core"
    assert "Spark failed" in proc.stderr


def test_auto_keeps_small_files_on_the_core_engine_and_says_why(run_json, databricks_env, remote, work):
    source = work / "people.csv"
    write_csv(source, 10)
    proc, result = run_json("convert", source, work / "out.parquet", "--json", env=with_remote(databricks_env, remote))
    assert proc.returncode == 0, proc.stderr
    assert result["engine"] == "core"
    assert result["details"]["decision"].startswith("Using the core engine (")
    assert "slower than the core engine" in result["details"]["decision"]
    assert "Using the core engine" in proc.stderr


def test_auto_uses_spark_past_the_threshold(run_json, databricks_env, remote, work):
    source = work / "people.csv"
    write_csv(source, 100)
    env = {**with_remote(databricks_env, remote), "PYFORGE_SPARK_MIN_BYTES": "1000"}
    proc, result = run_json("convert", source, work / "out.parquet", "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["engine"] == "spark"
    assert "Using Spark (" in proc.stderr
    assert pq.read_table(work / "out.parquet").num_rows == 100


def test_existing_output_is_kept_without_force(run, databricks_env, remote, work):
    source = work / "people.csv"
    write_csv(source, 10)
    (work / "out.parquet").write_text("keep me")
    proc = run("convert", source, work / "out.parquet", "--engine", "spark", env=with_remote(databricks_env, remote), timeout=300)
    assert proc.returncode == 3
    assert (work / "out.parquet").read_text() == "keep me"


def test_a_spark_server_that_is_down_does_not_trip_the_extensions_circuit_breaker(run, databricks_env, work):
    # Four failures in a row: each says why Spark failed; the extension is never skipped
    # (its health record counts its own failures, not the Spark server's).
    source = work / "people.csv"
    write_csv(source, 5)
    env = {**with_remote(databricks_env, "sc://127.0.0.1:9/;token=x"), **QUICK_GIVE_UP}
    for attempt in range(4):
        proc = run("convert", source, work / "out.parquet", "--engine", "spark", "--force", env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert "Cannot reach the Spark Connect server" in proc.stderr, (attempt, proc.stderr)
        assert "skipped until" not in proc.stderr


def test_engine_spark_with_delta_output_is_a_usage_error(run, databricks_env, remote, work):
    source = work / "people.csv"
    write_csv(source, 5)
    proc = run("convert", source, work / "people_delta", "-f", "delta", "--engine", "spark", env=with_remote(databricks_env, remote))
    assert proc.returncode != 0
    assert "Delta tables are written by the built-in engine" in proc.stderr
    assert not (work / "people_delta").exists()


def test_tables_are_written_with_save_as_table_in_each_mode(run_json, run, databricks_env, remote, work):
    import os
    import uuid
    import pyarrow.dataset as ds

    warehouse = os.environ.get("PYFORGE_TEST_SPARK_WAREHOUSE")
    source = work / "people.csv"
    write_csv(source, 40)
    table = f"pyforge_people_{uuid.uuid4().hex[:8]}"
    env = with_remote(databricks_env, remote)
    proc, result = run_json("convert", source, "--engine", "spark", "--table", table, "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["rows"] == 40 and result["details"]["table"] == table
    assert [c["name"] for c in result["columns"]] == ["id", "name", "amount", "active", "day"]
    assert [c["type"] for c in result["columns"]][:2] == ["int", "string"]
    if warehouse:  # the table's files, read by pyarrow
        assert ds.dataset(os.path.join(warehouse, table), format="parquet").count_rows() == 40
    proc, result = run_json("convert", source, "--engine", "spark", "--table", table, "--mode", "append", "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["rows"] == 80
    proc = run("convert", source, "--engine", "spark", "--table", table, env=env, timeout=300)
    assert proc.returncode == 1
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    proc, result = run_json("convert", source, "--engine", "spark", "--table", table, "--force", "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["rows"] == 40
    if warehouse:
        assert ds.dataset(os.path.join(warehouse, table), format="parquet").count_rows() == 40


def test_table_needs_the_spark_engine(run, databricks_env, work):
    source = work / "people.csv"
    write_csv(source, 3)
    proc = run("convert", source, "--table", "t1", env=databricks_env)
    assert proc.returncode == 2
    assert "--engine spark" in proc.stderr
