"""Resource bounds of the binary readers (issue #18, found with the built binary).

Each input is written byte by byte here: a PDF whose form XObjects fan out (10^15
operations), PNG-predictor parameters that size a 2 GB row, a workbook holding one part
twice, date serials that are no date, and a dBase table whose memo file is named as the
output. Every run checks the exit code, the sentence or warning, that nothing is left
behind, and the peak memory of the pyforge process (measured by a wrapper process, so
only pyforge's own peak counts). No wall-clock assertion: the timeout only guards
against a hang.
"""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import warnings
import zipfile
import zlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import CRASH_MARKERS, base_env, temp_leftovers
from test_hostile_inputs import dbf
from test_pdf import build_pdf, stream

# Peak resident memory one pyforge run may reach on these inputs (the debug build reads
# an ordinary small file in about 30 MiB).
PEAK_RSS_BOUND = 256 << 20
HANG_GUARD_SECONDS = 300

# The limits as README documents them.
OPERATIONS_PER_PAGE = 5_000_000

# Runs one command and prints its exit code and its own peak RSS (ru_maxrss of the only
# child the wrapper waits for), stdout and stderr as JSON.
_WRAPPER = """
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True, errors="replace")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"code": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr, "peak": peak}))
"""


def run_measured(pyforge_bin: Path, cwd: Path, *args) -> dict:
    wrapper = subprocess.run([sys.executable, "-c", _WRAPPER, str(pyforge_bin), *map(str, args)], cwd=cwd,
                             env=base_env(), capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    result = json.loads(wrapper.stdout)
    for text in (result["stdout"], result["stderr"]):
        for marker in CRASH_MARKERS + ("Backtrace",):
            assert marker not in text, f"{marker!r} in output:\n{text[-3000:]}"
    assert result["peak"] < PEAK_RSS_BOUND, f"peak RSS {result['peak'] >> 20} MiB"
    assert not temp_leftovers(cwd), temp_leftovers(cwd)
    return result


# --------------------------------------------------------------------------------------
# PDF: form XObjects that fan out
# --------------------------------------------------------------------------------------

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def fan_out_pdf(levels: int = 16, copies: int = 10) -> bytes:
    """Page 1 draws form 1; form k draws form k+1 `copies` times; the last form shows
    "Hi": copies^(levels-1) times "Hi", about 10^15 operations. Page 2 is ordinary."""
    first_form = 7  # objects: 1 catalog, 2 pages, 3 page 1, 4 font, 5 page 1 content, 6 page 2 ... forms
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
        f" /Resources << /XObject << /X {first_form} 0 R >> >> >>".encode(),
        FONT,
        stream(b"/X Do"),
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {first_form + levels} 0 R"
        f" /Resources << /Font << /F1 4 0 R >> >> >>".encode(),
    ]
    for level in range(levels):
        number = first_form + level
        if level == levels - 1:
            content, resources = b"BT /F1 12 Tf 72 720 Td (Hi) Tj ET", b"/Font << /F1 4 0 R >>"
        else:
            content, resources = b"/X Do " * copies, f"/XObject << /X {number + 1} 0 R >>".encode()
        objects.append(stream(content, "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << "
                              + resources.decode() + " >> "))
    objects.append(stream(b"BT /F1 12 Tf 72 720 Td (Second page) Tj ET"))
    return build_pdf(objects)


def test_fan_out_forms_stop_at_the_page_budget_with_a_warning(work, pyforge_bin):
    src = work / "fan-out.pdf"
    src.write_bytes(fan_out_pdf())
    result = run_measured(pyforge_bin, work, "convert", src, work / "out.txt")
    assert result["code"] == 0, result["stderr"]
    stopped = f"Page 1: stopped after {OPERATIONS_PER_PAGE} operations; the text of this page may be incomplete"
    assert stopped in result["stderr"], result["stderr"]
    assert result["stderr"].count("stopped after") == 1, result["stderr"]  # once, not per form drawn
    text = (work / "out.txt").read_text(encoding="utf-8")
    assert text.startswith("Hi") and "Second page" in text  # page 2 has its own budget
    # Each "Hi" costs 7 operations (BT Tf Td Tj ET and 2 characters) plus the Do that drew it.
    assert 0 < text.count("Hi") < OPERATIONS_PER_PAGE // 7

    report = run_measured(pyforge_bin, work, "validate", src, "--json")
    assert report["code"] == 0, report["stderr"]
    parsed = json.loads(report["stdout"])
    assert parsed["valid"] is True and any(stopped in w for w in parsed["warnings"]), parsed


def test_forms_drawn_many_times_within_the_budget_give_the_whole_text(work, pyforge_bin):
    # 3 levels of 10 copies: 100 "Hi", well inside the budget: no warning, all the text.
    src = work / "fan-small.pdf"
    src.write_bytes(fan_out_pdf(levels=3, copies=10))
    result = run_measured(pyforge_bin, work, "convert", src, work / "out.txt")
    assert result["code"] == 0 and "stopped after" not in result["stderr"], result["stderr"]
    assert (work / "out.txt").read_text(encoding="utf-8").count("Hi") == 100


# --------------------------------------------------------------------------------------
# PDF: decode parameters
# --------------------------------------------------------------------------------------


def predictor_pdf(parms: str, data: bytes, filter_name: str = "/FlateDecode") -> bytes:
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        FONT,
        stream(data, f"/Filter {filter_name} /DecodeParms << {parms} >> "),
    ])


CONTENT = b"BT /F1 12 Tf 72 720 Td (Predicted) Tj ET"


@pytest.mark.parametrize("columns", [16_777_216, 2_147_483_647, 4_611_686_018_427_387_904],
                         ids=["1-GiB-rows", "64-GiB-rows", "overflowing"])
def test_png_predictor_rows_beyond_the_stream_limit_are_refused(work, pyforge_bin, columns):
    # 700 bytes whose /Columns × /Colors × /BitsPerComponent make predictor rows of 1 GiB
    # (two row buffers: 2 GiB), 64 GiB, or more than Int.max bits.
    src = work / "columns.pdf"
    src.write_bytes(predictor_pdf(f"/Predictor 12 /Columns {columns} /Colors 32 /BitsPerComponent 16",
                                  zlib.compress(b"\x00" + CONTENT)))
    assert len(src.read_bytes()) < 800
    result = run_measured(pyforge_bin, work, "convert", src, work / "out.txt")
    assert result["code"] == 1, result["stderr"]
    assert str(src) in result["stderr"] and f"/Columns {columns}" in result["stderr"] and "256 MiB" in result["stderr"]
    assert not (work / "out.txt").exists()


def test_png_predictor_row_longer_than_the_data_reads_the_data(work, pyforge_bin):
    # A 1 MB row, but the data holds one short row: it is read, without a 1 MB buffer per row.
    src = work / "long-row.pdf"
    src.write_bytes(predictor_pdf("/Predictor 12 /Columns 1000000", zlib.compress(b"\x00" + CONTENT)))
    result = run_measured(pyforge_bin, work, "convert", src, work / "out.txt")
    assert result["code"] == 0, result["stderr"]
    assert (work / "out.txt").read_text(encoding="utf-8").strip() == "Predicted"


@pytest.mark.parametrize("parms,filter_name,named", [
    ("/Predictor 7 /Columns 4", "/FlateDecode", "/Predictor 7"),
    ("/Predictor 12 /Colors 0", "/FlateDecode", "/Colors 0"),
    ("/Predictor 12 /BitsPerComponent 3", "/FlateDecode", "/BitsPerComponent 3"),
    ("/Predictor 12 /Columns -5", "/FlateDecode", "/Columns -5"),
    ("/EarlyChange 9", "/LZWDecode", "/EarlyChange 9"),
], ids=["predictor", "colors", "bits", "columns-negative", "early-change"])
def test_decode_parameters_out_of_their_range_are_named(work, pyforge_bin, parms, filter_name, named):
    src = work / "parms.pdf"
    src.write_bytes(predictor_pdf(parms, zlib.compress(CONTENT), filter_name))
    result = run_measured(pyforge_bin, work, "convert", src, work / "out.txt")
    assert result["code"] == 1, result["stderr"]
    assert str(src) in result["stderr"] and named in result["stderr"], result["stderr"]
    assert not (work / "out.txt").exists()


# --------------------------------------------------------------------------------------
# XLSX: duplicate entries, dates that are no date
# --------------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>")
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>")
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>")
# Style 1 shows numbers as dates (built-in format 14, m/d/yyyy).
STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')


def sheet(rows: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + rows + "</sheetData></worksheet>")


def workbook(parts: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is asked to write
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in parts:
                z.writestr(name, text)
    return buffer.getvalue()


def standard_parts(sheet_xml: str) -> list[tuple[str, str]]:
    return [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/styles.xml", STYLES),
            ("xl/worksheets/sheet1.xml", sheet_xml)]


def test_workbook_with_an_entry_twice_is_refused_naming_it(work, pyforge_bin):
    shown = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>')
    hidden = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c r="A2"><v>666</v></c></row>')
    src = work / "twice.xlsx"
    src.write_bytes(workbook(standard_parts(shown) + [("xl/worksheets/sheet1.xml", hidden)]))
    assert [i.filename for i in zipfile.ZipFile(src).infolist()].count("xl/worksheets/sheet1.xml") == 2
    for command in (["convert", src, work / "out.parquet"], ["validate", src]):
        result = run_measured(pyforge_bin, work, *command)
        assert result["code"] == 1, result["stderr"]
        message = result["stderr"] + result["stdout"]
        assert str(src) in message and "'xl/worksheets/sheet1.xml' twice" in message, message
    assert not (work / "out.parquet").exists()


def date_rows() -> str:
    def cell(ref: str, value: str) -> str:
        return f'<c r="{ref}" s="1"><v>{value}</v></c>'
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>when</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>never</t></is></c></row>')
    # Column A: a real date, then serials past 9999-12-31; column B holds only such serials
    # (it used to be read again and again until "the file changed while it was being read").
    return header + "".join([
        f'<row r="2">{cell("A2", "45000")}{cell("B2", "1000000000")}</row>',
        f'<row r="3">{cell("A3", "2958466")}{cell("B3", "5000000")}</row>',
        f'<row r="4">{cell("A4", "2958465")}{cell("B4", "1E+300")}</row>',
    ])


def test_date_serials_that_are_no_date_are_null_with_a_warning(work, pyforge_bin):
    src = work / "dates.xlsx"
    src.write_bytes(workbook(standard_parts(sheet(date_rows()))))
    out = work / "dates.parquet"
    result = run_measured(pyforge_bin, work, "convert", src, out)
    assert result["code"] == 0, result["stderr"]
    assert "changed while it was being read" not in result["stderr"]
    # The first bad cell in reading order is B2; the warning counts the others and names the range.
    assert "cell B2 (and 3 more such cell(s)) holds the date serial 1000000000.0," in result["stderr"], result["stderr"]
    assert "-693593 to 2958465" in result["stderr"] and "read as null" in result["stderr"]
    table = pq.read_table(out)
    import datetime as dt
    assert table.column("when").to_pylist() == [dt.date(2023, 3, 15), None, dt.date(9999, 12, 31)]
    assert table.column("never").to_pylist() == [None, None, None]

    report = run_measured(pyforge_bin, work, "validate", src, "--json")
    assert report["code"] == 0 and any("cell B2" in w for w in json.loads(report["stdout"])["warnings"]), report


# --------------------------------------------------------------------------------------
# dBase: the table's own files are never an output
# --------------------------------------------------------------------------------------


def memo_table(d: Path) -> tuple[Path, Path]:
    """A dBase III table with one memo field; its .dbt holds "hello" in block 1."""
    memo = d / "d3.dbt"
    memo.write_bytes(b"\x02\0\0\0" + b"\0" * 508 + b"hello\x1a\x1a" + b"\0" * 505)
    table = d / "d3.dbf"
    table.write_bytes(dbf([("NOTE", "M", 10, 0)], [b"1".rjust(10)], version=0x83))
    return table, memo


@pytest.mark.parametrize("output", ["d3.dbt", "D3.DBT", "d3.fpt", "d3.cdx", "D3.MDX", "link.parquet"])
def test_table_companion_files_are_refused_as_outputs(work, pyforge_bin, output):
    table, memo = memo_table(work)
    before = {p.name: p.read_bytes() for p in work.iterdir()}
    if output == "link.parquet":
        (work / output).symlink_to(memo.name)  # a link to the memo file is the memo file
        before[output] = memo.read_bytes()
    result = run_measured(pyforge_bin, work, "convert", table.name, output, "--force")
    assert result["code"] == 1, result["stderr"]
    role = "index file" if output.lower().endswith(("cdx", "mdx")) else "memo file"
    assert f"is the {role} of the input table 'd3.dbf'" in result["stderr"], result["stderr"]
    assert {p.name: p.read_bytes() for p in work.iterdir()} == before


def test_table_converts_beside_its_memo_file(work, pyforge_bin):
    table, _ = memo_table(work)
    result = run_measured(pyforge_bin, work, "convert", table.name, "d3.parquet")
    assert result["code"] == 0, result["stderr"]
    assert pq.read_table(work / "d3.parquet").column("NOTE").to_pylist() == ["hello"]


def test_dbase4_memo_length_past_the_end_of_the_memo_file_is_null(work, pyforge_bin):
    # A dBase IV block header claiming 2 GiB in a 1 KiB memo file: null with a warning,
    # never an allocation of the claimed size.
    memo = bytearray(1024)
    memo[0:4] = struct.pack("<I", 2)
    memo[20:22] = struct.pack("<H", 512)
    memo[512:520] = b"\xff\xff\x08\x00" + struct.pack("<I", 0x7FFF_FFFF)
    (work / "d4.dbt").write_bytes(bytes(memo))
    (work / "d4.dbf").write_bytes(dbf([("NOTE", "M", 10, 0)], [b"1".rjust(10)], version=0x8B))
    result = run_measured(pyforge_bin, work, "convert", "d4.dbf", "d4.parquet")
    assert result["code"] == 0, result["stderr"]
    assert "NOTE" in result["stderr"] and "null" in result["stderr"], result["stderr"]
    assert pq.read_table(work / "d4.parquet").column("NOTE").to_pylist() == [None]


def test_records_pointing_at_one_memo_again_and_again_are_refused(work, pyforge_bin):
    # 65,536 FoxPro records all pointing at one 40 KB memo: 2.6 GB from 370 KB of input.
    # It used to trap (a batch's 32-bit offsets overflowed) after 2 GB of memory.
    memo_length = 40_000
    fpt = bytearray(512)
    fpt[0:4] = struct.pack(">I", 2 + (8 + memo_length) // 64 + 1)
    fpt[6:8] = struct.pack(">H", 64)
    fpt += struct.pack(">II", 1, memo_length) + b"x" * memo_length
    (work / "many.fpt").write_bytes(bytes(fpt))
    (work / "many.dbf").write_bytes(dbf([("NOTE", "M", 4, 0)], [struct.pack("<I", 8)] * 65_536,
                                        version=0x30, foxpro_backlink=True))
    result = run_measured(pyforge_bin, work, "convert", "many.dbf", "many.parquet")
    assert result["code"] == 1, result["stderr"]
    assert "many.fpt" in result["stderr"] and "field 'NOTE'" in result["stderr"], result["stderr"]
    assert "point at the same memo again and again" in result["stderr"]
    assert not (work / "many.parquet").exists()
