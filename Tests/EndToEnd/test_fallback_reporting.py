"""How a fallback to the built-in engine is reported (issue #19): one warning line per
failed extension on stderr (SPEC §12.4, GUIDE §11), the reason in --json, and a summary whose
duration is the time the user waited, extension attempts included."""
from __future__ import annotations

import json
import re
import subprocess
import time

import pyarrow.parquet as pq

from conftest import base_env
from test_extensions import install_fake


def run_convert(pyforge_bin, work, search_path, *extra):
    source = work / "data.csv"
    source.write_text("id,name\n1,a\n2,b\n3,c\n")
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(search_path)
    env["HOME"] = str(work)
    return subprocess.run([str(pyforge_bin), "convert", str(source), str(work / "out.parquet"), *extra],
                          cwd=work, env=env, capture_output=True, text=True, timeout=120)


def test_a_failed_extension_is_one_warning_line(pyforge_bin, work):
    path = install_fake(work, "garbage")
    proc = run_convert(pyforge_bin, work, path)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "Extension 'fake' was not used" in line]
    assert len(lines) == 1, proc.stderr
    assert pq.read_table(work / "out.parquet").num_rows == 3


def test_the_summary_counts_the_time_spent_on_the_extension(pyforge_bin, work):
    # The extension hangs in convert; its idle timeout (2 s) ends the wait.
    path = install_fake(work, "hang-convert", timeouts={"startup": 3, "probe": 3, "idle": 2, "absolute": 20})
    started = time.monotonic()
    proc = run_convert(pyforge_bin, work, path, "--json")
    waited = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "core"
    assert [w for w in result["warnings"] if "Extension 'fake' was not used" in w], result["warnings"]
    # Not a speed assertion: the reported duration must cover the idle timeout the host
    # waited out, and cannot exceed what this test measured around the process.
    assert 2.0 <= result["seconds"] <= waited, (result["seconds"], waited)
    proc = run_convert(pyforge_bin, work, path, "--force")
    reported = float(re.search(r" in ([0-9.]+) s ", proc.stderr).group(1))
    assert reported >= 2.0, proc.stderr
