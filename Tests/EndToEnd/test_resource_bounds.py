"""Resource bounds by design (issue #18, "never eat the machine").

Each input is built here the way a hostile tester built it: a CSV with 100,000 columns, a
line that never ends, XML nested 100,000 deep, JSON whose every record adds a key, an
Excel row of 8,000 cells, a FIFO nobody writes to. pyforge must either convert it or
refuse it with one sentence naming the file, the place, the limit and the fix (exit 1),
leave nothing behind, and keep its peak memory (the process's own peak RSS, read by GNU
time) far below what the input could make a naive reader allocate. No wall-clock
assertion: the timeout only guards against a hang.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import CRASH_MARKERS, temp_leftovers
from test_hostile_inputs import xlsx

HANG_GUARD_SECONDS = 300
TIME = "/usr/bin/time"
MIB = 1 << 20


def run_measured(binary: Path, args: list[str], cwd: Path) -> tuple[int, str, int]:
    """Runs pyforge once: (exit code, stderr, peak RSS in bytes of that process alone).

    GNU time reads the peak from wait4. It runs pyforge as its own child because Linux
    carries a process's high-water RSS across fork and exec: measured straight from this
    test process, pyforge would report pytest's own memory as its floor."""
    if not os.access(TIME, os.X_OK):
        pytest.fail(f"{TIME} (Debian package 'time') is needed to measure peak memory")
    report = cwd / "peak-rss.txt"
    try:
        proc = subprocess.run([TIME, "-f", "%M", "-o", str(report), str(binary), *args], cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              timeout=HANG_GUARD_SECONDS, start_new_session=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pyforge {' '.join(args)} still ran after {HANG_GUARD_SECONDS} s (a hang)")
    # time writes "Command exited with non-zero status N" before the number on failure.
    peak_kib = int(report.read_text().split()[-1])
    report.unlink()
    return proc.returncode, proc.stderr, peak_kib * 1024


def assert_refused(code: int, stderr: str, directory: Path, *phrases: str) -> None:
    assert code == 1, stderr
    assert not any(marker in stderr for marker in CRASH_MARKERS), stderr
    for phrase in phrases:
        assert phrase in stderr, stderr
    assert not (directory / "out.parquet").exists()
    assert temp_leftovers(directory) == []


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------


def test_a_csv_with_100000_columns_is_refused_in_bounded_memory(pyforge_bin, tmp_path):
    source = tmp_path / "wide.csv"
    source.write_text(",".join(f"c{k}" for k in range(100_000)) + "\n" + ",".join("1" for _ in range(100_000)) + "\n")
    code, stderr, peak = run_measured(pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet")], tmp_path)
    assert_refused(code, stderr, tmp_path, str(source), "line 1", "more than 16384 columns")
    assert peak < 300 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_a_csv_of_16384_columns_converts(pyforge_bin, tmp_path):
    source = tmp_path / "widest.csv"
    source.write_text(",".join(f"c{k}" for k in range(16_384)) + "\n"
                      + "\n".join(",".join(str(r * 100_000 + k) for k in range(16_384)) for r in range(3)) + "\n")
    output = tmp_path / "out.parquet"
    code, stderr, peak = run_measured(pyforge_bin, ["convert", str(source), str(output)], tmp_path)
    assert code == 0, stderr
    table = pq.read_table(output)
    assert table.num_columns == 16_384 and table.num_rows == 3
    assert table.column("c16383").to_pylist() == [16_383, 116_383, 216_383]
    assert peak < 500 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_a_200_mb_line_without_a_line_end_is_refused_at_the_record_limit(pyforge_bin, tmp_path):
    source = tmp_path / "endless.csv"
    chunk = b"a" * MIB
    with open(source, "wb") as f:
        for _ in range(200):
            f.write(chunk)
    code, stderr, peak = run_measured(pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet")], tmp_path)
    assert_refused(code, stderr, tmp_path, str(source), "line 1", "longer than 64 MiB", "--max-record-bytes")
    assert peak < 500 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_max_record_bytes_lowers_and_raises_the_limit(pyforge_bin, tmp_path):
    source = tmp_path / "long.csv"
    value = "x" * (3 * MIB)
    source.write_text(f"id,text\n1,short\n2,{value}\n")
    output = tmp_path / "out.parquet"
    code, stderr, _ = run_measured(
        pyforge_bin, ["convert", str(source), str(output), "--max-record-bytes", str(MIB)], tmp_path)
    assert_refused(code, stderr, tmp_path, str(source), "longer than 1 MiB", "--max-record-bytes")
    code, stderr, _ = run_measured(pyforge_bin, ["convert", str(source), str(output)], tmp_path)
    assert code == 0, stderr
    assert pq.read_table(output).column("text").to_pylist() == ["short", value]


def test_max_record_bytes_is_refused_for_an_input_it_does_not_apply_to(pyforge_bin, tmp_path):
    source = tmp_path / "doc.xml"
    source.write_text("<rows><row><a>1</a></row></rows>")
    code, stderr, _ = run_measured(
        pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet"), "--max-record-bytes", str(2 * MIB)], tmp_path)
    assert code != 0 and "--max-record-bytes applies only to CSV" in stderr, stderr


def test_dev_zero_as_input_is_refused_at_once(pyforge_bin, tmp_path):
    source = tmp_path / "zeros.csv"
    source.symlink_to("/dev/zero")
    code, stderr, peak = run_measured(pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet")], tmp_path)
    assert_refused(code, stderr, tmp_path, str(source), "character device", "not a regular file", "Save the data to a file first")
    assert peak < 100 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_a_fifo_without_a_writer_is_refused_instead_of_blocking(pyforge_bin, tmp_path):
    source = tmp_path / "blocked.csv"
    os.mkfifo(source)
    code, stderr, _ = run_measured(pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet")], tmp_path)
    assert_refused(code, stderr, tmp_path, str(source), "FIFO (named pipe)", "not a regular file")


# --------------------------------------------------------------------------------------
# XML
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deeply_nested_xml_is_refused_at_the_depth_limit(pyforge_bin, tmp_path, depth):
    source = tmp_path / "deep.xml"
    source.write_text("<rows><row>" + "<a>" * depth + "x" + "</a>" * depth + "</row></rows>")
    code, stderr, peak = run_measured(pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet")], tmp_path)
    assert_refused(code, stderr, tmp_path, str(source), "line 1", "nested more than 256 deep")
    assert peak < 200 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_xml_nested_200_deep_converts(pyforge_bin, tmp_path):
    source = tmp_path / "deep.xml"
    row = "<row>" + "<a>" * 200 + "x" + "</a>" * 200 + "</row>"
    source.write_text("<rows>" + row + row + "</rows>")
    output = tmp_path / "out.parquet"
    code, stderr, _ = run_measured(pyforge_bin, ["convert", str(source), str(output)], tmp_path)
    assert code == 0, stderr
    table = pq.read_table(output)
    assert table.column_names == [".".join(["a"] * 200)]
    assert table.column(0).to_pylist() == ["x", "x"]


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------


def test_json_records_each_adding_a_key_are_refused_past_16384_columns(pyforge_bin, tmp_path):
    source = tmp_path / "keys.ndjson"
    source.write_text("".join(json.dumps({f"k{k}": k}) + "\n" for k in range(100_000)))
    code, stderr, peak = run_measured(pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet")], tmp_path)
    assert_refused(code, stderr, tmp_path, str(source), "record 16385", "more than 16384 columns")
    assert peak < 500 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_json_records_each_adding_a_key_convert_below_the_limit(pyforge_bin, tmp_path):
    source = tmp_path / "keys.ndjson"
    source.write_text("".join(json.dumps({f"k{k}": k}) + "\n" for k in range(3_000)))
    output = tmp_path / "out.parquet"
    code, stderr, peak = run_measured(pyforge_bin, ["convert", str(source), str(output)], tmp_path)
    assert code == 0, stderr
    table = pq.read_table(output)
    assert table.num_columns == 3_000 and table.num_rows == 3_000
    assert table.column("k2999").to_pylist() == [None] * 2_999 + [2_999]
    assert peak < 500 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_a_json_record_longer_than_the_limit_is_refused(pyforge_bin, tmp_path):
    source = tmp_path / "long.ndjson"
    source.write_text(json.dumps({"id": 1}) + "\n" + json.dumps({"id": 2, "text": "y" * (3 * MIB)}) + "\n")
    code, stderr, _ = run_measured(
        pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet"), "--max-record-bytes", str(MIB)], tmp_path)
    assert_refused(code, stderr, tmp_path, str(source), "longer than 1 MiB", "--max-record-bytes")


# --------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def test_an_excel_row_of_8000_columns_converts_in_bounded_memory(pyforge_bin, tmp_path):
    header = "".join(f'<c r="{column_letters(k)}1" t="inlineStr"><is><t>h{k}</t></is></c>' for k in range(8_000))
    values = "".join(f'<c r="{column_letters(k)}2"><v>{k}</v></c>' for k in range(8_000))
    source = tmp_path / "wide.xlsx"
    source.write_bytes(xlsx(f'<row r="1">{header}</row><row r="2">{values}</row>'))
    output = tmp_path / "out.parquet"
    code, stderr, peak = run_measured(pyforge_bin, ["convert", str(source), str(output)], tmp_path)
    assert code == 0, stderr
    table = pq.read_table(output)
    assert table.num_columns == 8_000 and table.num_rows == 1
    assert table.column("h7999").to_pylist() == [7_999]
    assert peak < 500 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


# --------------------------------------------------------------------------------------
# pyforge serve: the same limit as a request parameter
# --------------------------------------------------------------------------------------


def test_serve_takes_max_record_bytes(pyforge_bin, tmp_path):
    from conftest import base_env
    from test_serve import Client

    source = tmp_path / "long.csv"
    source.write_text("id,text\n1,short\n2," + "x" * (3 * MIB) + "\n")
    client = Client(pyforge_bin, base_env())
    try:
        refused = client.call("convert", {"input": str(source), "output": str(tmp_path / "out.parquet"),
                                          "max_record_bytes": MIB})
        assert refused["error"]["data"]["exit_code"] == 1, refused
        assert "longer than 1 MiB" in refused["error"]["message"], refused
        assert not (tmp_path / "out.parquet").exists() and temp_leftovers(tmp_path) == []
        out_of_range = client.call("convert", {"input": str(source), "max_record_bytes": 1000})
        assert "'max_record_bytes' must be between" in out_of_range["error"]["message"], out_of_range
        converted = client.call("convert", {"input": str(source), "output": str(tmp_path / "out.parquet"),
                                            "max_record_bytes": 8 * MIB})["result"]
        assert converted["success"] and converted["rows"] == 2
    finally:
        assert client.close() == 0
