"""The memory budget (issue #18, "never eat the machine"): `--max-memory` / PYFORGE_MAX_MEMORY.

The readers take their bounds from the budget: a file that genuinely needs more (here an
Excel workbook whose shared-strings table is larger than the budget's quarter for it) is
refused with one sentence naming the file, the place, what was too big and the fix, and in
a batch the other files are still written. Behind the bounds, the process limit
(RLIMIT_DATA) turns an allocation that passes them all into that file's failure. Peak RSS is
read by GNU time, from wait4: for a batch, the largest of the parent and its workers.
"""
from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import CRASH_MARKERS, base_env, temp_leftovers
from test_resource_bounds import MIB, column_letters, run_measured

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def write_xlsx(path: Path, strings, sheet_rows: str) -> Path:
    """A workbook whose shared-strings part holds `strings` (streamed into the ZIP, so a
    large table costs the test little memory) and whose one sheet holds `sheet_rows`."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels",
                   f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{rels}">'
                   '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        with z.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode())
            chunk = io.StringIO()
            for text in strings:
                chunk.write(f"<si><t>{text}</t></si>")
                if chunk.tell() > 1 << 20:
                    part.write(chunk.getvalue().encode())
                    chunk = io.StringIO()
            part.write(chunk.getvalue().encode() + b"</sst>")
        z.writestr("xl/worksheets/sheet1.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>{sheet_rows}</sheetData></worksheet>')
    return path


def big_strings_workbook(path: Path) -> Path:
    """80 MiB of distinct shared strings (800,000 of 100 bytes), used by a 3-row sheet: the
    table is held whole, so the file needs it in memory; the ZIP is about 2 MB."""
    strings = (f"{k:08d}" + "x" * 92 for k in range(800_000))
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>{r * 1000}</v></c></row>' for r in range(2, 5))
    return write_xlsx(path, strings, header + rows)


def measured(binary: Path, args: list[str], cwd: Path, env: dict[str, str] | None = None,
             data_limit: int | None = None) -> tuple[int, str, int]:
    """run_measured with extra environment and, optionally, a hard RLIMIT_DATA set from
    outside (as `ulimit -d` would)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(base_env() | (env or {}))
    before = resource.getrlimit(resource.RLIMIT_DATA)
    try:
        if data_limit is not None:
            # Inherited by GNU time and pyforge; this test process never allocates near it.
            resource.setrlimit(resource.RLIMIT_DATA, (data_limit, before[1]))
        return run_measured(binary, args, cwd)
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, before)
        os.environ.clear()
        os.environ.update(saved)


def text_column_summary(path: Path, column: str) -> dict:
    """Rows, ids and the distinct lengths and first characters of `column`, read by pyarrow
    in small batches in a child process: hundreds of MB of text read here would raise this
    process's peak RSS, which Linux passes on to every later child whose peak a test asserts."""
    script = """
import json, sys
import pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
ids, lengths, firsts = [], set(), set()
for batch in f.iter_batches(batch_size=64):
    d = batch.to_pydict()
    ids += d.get("id", [])
    for v in d[sys.argv[2]]:
        lengths.add(len(v)); firsts.add(v[:1])
print(json.dumps({"rows": f.metadata.num_rows, "ids": ids, "lengths": sorted(lengths), "firsts": sorted(firsts)}))
"""
    done = subprocess.run([sys.executable, "-c", script, str(path), column], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def small_csvs(directory: Path, count: int) -> list[Path]:
    paths = []
    for k in range(count):
        path = directory / f"part{k}.csv"
        path.write_text("id,name\n" + "".join(f"{r},row {r} of {k}\n" for r in range(100)))
        paths.append(path)
    return paths


def assert_budget_sentence(stderr: str, path: Path, *phrases: str) -> None:
    assert not any(marker in stderr for marker in CRASH_MARKERS), stderr
    for phrase in (str(path), "memory budget", "--max-memory", *phrases):
        assert phrase in stderr, stderr


# --------------------------------------------------------------------------------------
# The option and the environment variable
# --------------------------------------------------------------------------------------


def test_an_unreadable_max_memory_is_a_usage_error(pyforge_bin, tmp_path):
    source = small_csvs(tmp_path, 1)[0]
    code, stderr, _ = measured(pyforge_bin, ["convert", str(source), "--max-memory", "lots"], tmp_path)
    assert code == 2 and "--max-memory must be a size" in stderr and "'lots'" in stderr, stderr
    code, stderr, _ = measured(pyforge_bin, ["convert", str(source), "--max-memory", "1M"], tmp_path)
    assert code == 2 and "at least 256 MiB" in stderr, stderr
    code, stderr, _ = measured(pyforge_bin, ["convert", str(source)], tmp_path, env={"PYFORGE_MAX_MEMORY": "2 gigs"})
    assert code == 1 and "PYFORGE_MAX_MEMORY must be a size" in stderr, stderr
    assert not (tmp_path / "part0.parquet").exists()


def test_the_environment_variable_and_the_option_set_the_budget(pyforge_bin, tmp_path):
    source = big_strings_workbook(tmp_path / "strings.xlsx")
    code, stderr, _ = measured(pyforge_bin, ["convert", str(source)], tmp_path, env={"PYFORGE_MAX_MEMORY": "256M"})
    assert code == 1
    assert_budget_sentence(stderr, source, "xl/sharedStrings.xml", "the shared-strings table", "64 MiB", "256 MiB memory budget")
    assert not (tmp_path / "strings.parquet").exists() and temp_leftovers(tmp_path) == []
    # The option wins over the variable.
    code, stderr, _ = measured(pyforge_bin, ["convert", str(source), "--max-memory", "1G"], tmp_path,
                               env={"PYFORGE_MAX_MEMORY": "256M"})
    assert code == 0, stderr
    assert pq.read_table(tmp_path / "strings.parquet").column("name").to_pylist() == [
        f"{r * 1000:08d}" + "x" * 92 for r in range(2, 5)]


# --------------------------------------------------------------------------------------
# A batch with one file over the budget
# --------------------------------------------------------------------------------------


def test_a_batch_fails_the_file_over_its_budget_and_writes_the_others(pyforge_bin, tmp_path):
    inputs = small_csvs(tmp_path, 4)
    big = big_strings_workbook(tmp_path / "big-strings.xlsx")
    inputs.insert(2, big)
    out = tmp_path / "out"
    budget = 256 * MIB
    code, stderr, peak = measured(
        pyforge_bin, ["convert", *map(str, inputs), "--output-dir", str(out), "--workers", "2", "--max-memory", "256M"], tmp_path)
    assert code == 1, stderr
    failed = [line for line in stderr.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1, stderr
    assert_budget_sentence(failed[0], big, "the shared-strings table", "for example --max-memory 1G")
    for k in range(4):
        assert pq.read_table(out / f"part{k}.parquet").num_rows == 100
    assert not (out / "big-strings.parquet").exists() and temp_leftovers(out) == []
    assert peak < budget, f"peak RSS {peak / MIB:.0f} MiB"


def test_the_same_file_converts_under_the_default_budget(pyforge_bin, tmp_path):
    source = big_strings_workbook(tmp_path / "big-strings.xlsx")
    code, stderr, peak = measured(pyforge_bin, ["convert", str(source)], tmp_path)
    assert code == 0, stderr
    assert pq.read_table(tmp_path / "big-strings.parquet").num_rows == 3
    assert peak < 1536 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


# --------------------------------------------------------------------------------------
# One shared string repeated by many cells: each cell copies it into the batch
# --------------------------------------------------------------------------------------


def test_a_row_repeating_a_long_shared_string_is_refused_in_bounded_memory(pyforge_bin, tmp_path):
    # 16,000 cells of one 64 KiB string: 1 GiB of text in one row, from a 100 KB file.
    header = "".join(f'<c r="{column_letters(k)}1" t="inlineStr"><is><t>h{k}</t></is></c>' for k in range(16_000))
    cells = "".join(f'<c r="{column_letters(k)}2" t="s"><v>0</v></c>' for k in range(16_000))
    source = write_xlsx(tmp_path / "repeat.xlsx", ["y" * (64 << 10)], f'<row r="1">{header}</row><row r="2">{cells}</row>')
    code, stderr, peak = measured(pyforge_bin, ["convert", str(source), str(tmp_path / "out.parquet")], tmp_path)
    assert code == 1
    assert_budget_sentence(stderr, source, "sheet 'Sheet1' row 2", "the row's text", "96 MiB", "1.5 GiB memory budget")
    assert not (tmp_path / "out.parquet").exists() and temp_leftovers(tmp_path) == []
    assert peak < 500 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_rows_repeating_a_long_shared_string_convert_in_smaller_batches(pyforge_bin, tmp_path):
    # 3,000 rows of one 100 KB string: 300 MB of text, read in batches of at most 96 MiB.
    value = "z" * 100_000
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>' + "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(2, 3_002))
    source = write_xlsx(tmp_path / "rows.xlsx", [value], rows)
    output = tmp_path / "out.parquet"
    code, stderr, peak = measured(pyforge_bin, ["convert", str(source), str(output)], tmp_path)
    assert code == 0, stderr
    summary = text_column_summary(output, "text")
    assert summary["rows"] == 3_000 and summary["lengths"] == [100_000] and summary["firsts"] == ["z"]
    assert peak < 700 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


@pytest.mark.parametrize("kind", ["ndjson", "xml"])
def test_records_of_long_values_are_read_in_batches_within_the_budget(pyforge_bin, tmp_path, kind):
    # 2,500 records of 200 KB: 500 MB of text, read in batches of at most 96 MiB of text
    # (before the budget: one batch of every record).
    value = "v" * 200_000
    source = tmp_path / f"long.{kind}"
    with source.open("w") as f:
        if kind == "xml":
            f.write("<rows>")
            for k in range(2_500):
                f.write(f"<row><id>{k}</id><text>{value}</text></row>")
            f.write("</rows>")
        else:
            for k in range(2_500):
                f.write(f'{{"id": {k}, "text": "{value}"}}\n')
    output = tmp_path / "out.parquet"
    code, stderr, peak = measured(pyforge_bin, ["convert", str(source), str(output)], tmp_path)
    assert code == 0, stderr
    summary = text_column_summary(output, "text")
    assert summary["rows"] == 2_500 and summary["ids"] == list(range(2_500))
    assert summary["lengths"] == [200_000] and summary["firsts"] == ["v"]
    assert peak < 900 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


# --------------------------------------------------------------------------------------
# The backstop: an allocation past the process limit fails that file only
# --------------------------------------------------------------------------------------


def test_a_worker_meeting_the_process_limit_fails_alone(pyforge_bin, tmp_path):
    # One 60 MB field: within the record limit, but reading and writing it takes several
    # copies, more than the 160 MiB of private memory the batch is allowed here.
    inputs = small_csvs(tmp_path, 3)
    wide = tmp_path / "wide-field.csv"
    with wide.open("w") as f:  # in pieces: a 60 MB string here would raise this process's peak
        f.write("id,blob\n1,")
        for _ in range(60):
            f.write("b" * 1_000_000)
        f.write("\n")
    inputs.insert(1, wide)
    out = tmp_path / "out"
    code, stderr, _ = measured(
        pyforge_bin, ["convert", *map(str, inputs), "--output-dir", str(out), "--workers", "1"], tmp_path,
        data_limit=160 * MIB)
    assert code == 1, stderr
    failed = [line for line in stderr.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and str(wide) in failed[0], stderr
    assert "ran out of its memory budget" in failed[0] and "process limit of 160 MiB" in failed[0], stderr
    for k in range(3):
        assert pq.read_table(out / f"part{k}.parquet").num_rows == 100
    assert not (out / "wide-field.parquet").exists() and temp_leftovers(out) == []
