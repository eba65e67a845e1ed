"""benchmarks/all.py --quick runs every format against its peers on tiny inputs and prints
one table: a smoke test of the harness (which tools run, that each row is filled), with no
timing assertion (timings belong to the benchmark itself)."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO_ROOT

FORMATS = {"CSV", "NDJSON", "XLSX", "XML", "dBase"}


def test_all_formats_quick_table(pyforge_bin, tmp_path):
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "all.py"), "--quick", "--pyforge", str(pyforge_bin),
         "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["format", "shape", "input MB", "tool", "median s", "MB/s", "peak RSS MB", "ratio to best peer"]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    ours = [row for row in rows if row[3] == "pyforge"]
    assert {row[0] for row in ours} == FORMATS
    # More than one data shape per format, and pyforge measured against a peer in each.
    for fmt in FORMATS:
        assert len({row[1] for row in ours if row[0] == fmt}) >= 2, fmt
    for row in ours:
        assert float(row[4]) > 0 and float(row[6]) > 0 and float(row[7]) > 0, row
    peers = {row[3] for row in rows if row[3] != "pyforge" and row[4] != "n/a"}
    assert {"duckdb", "polars", "pyarrow", "fastexcel", "lxml"} <= peers


def test_baseline_binary_runs_beside_pyforge_in_every_case(pyforge_bin, tmp_path):
    # --baseline (a before/after comparison in one run) adds a row per case for the second
    # binary; here a copy of the same binary, told apart by its path.
    baseline = tmp_path / "pyforge-before"
    baseline.write_bytes(pyforge_bin.read_bytes())
    baseline.chmod(0o755)
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "all.py"), "--quick", "--pyforge", str(pyforge_bin),
         "--baseline", str(baseline), "--only", "CSV,dBase", "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in proc.stdout.splitlines()[2:]
            if line.startswith("| ")]
    cases = {(row[0], row[1]) for row in rows}
    assert {row[0] for row in rows} == {"CSV", "dBase"}
    for case in cases:
        tools = [row[3] for row in rows if (row[0], row[1]) == case]
        assert tools[:2] == ["pyforge", "pyforge baseline"], (case, tools)
        baseline_row = next(row for row in rows if (row[0], row[1]) == case and row[3] == "pyforge baseline")
        assert float(baseline_row[4]) > 0, baseline_row
