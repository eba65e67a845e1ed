"""Hostile inputs that used to trap the Swift runtime (issue #18, crash sites).

Each input is written byte by byte here, so the test says exactly what a file has to
hold to reach the site. Numbers read from a file must never overflow an integer, and
must never size an allocation; pyforge must either refuse the file with a sentence that
names it (exit 1), or, where the format asks readers for best effort, read around the
nonsensical value (exit 0) — never print a backtrace.
"""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from conftest import CRASH_MARKERS, temp_leftovers
from test_pdf import build_pdf  # a classic-xref PDF from object bodies

# Crash texts beyond conftest's list: the Swift runtime's own backtrace banners.
EXTRA_MARKERS = ("Backtrace", "Crash", "Stack dump", "Fatal error")


# --------------------------------------------------------------------------------------
# Excel: a minimal workbook whose one sheet is given as XML
# --------------------------------------------------------------------------------------


def xlsx(sheet_xml: str) -> bytes:
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + sheet_xml + "</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buffer.getvalue()


HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'


def xlsx_huge_row_attribute(d: Path) -> Path:
    # 23 digits: n*10 overflowed Int before the fix.
    return _write(d / "huge-row.xlsx", xlsx(HEADER_ROW + '<row r="99999999999999999999999"><c><v>1</v></c></row>'))


def xlsx_max_row_then_next(d: Path) -> Path:
    # Int.max, then a row without r: `rowNumber += 1` overflowed.
    return _write(d / "max-row.xlsx", xlsx(
        HEADER_ROW + '<row r="9223372036854775807"><c><v>1</v></c></row><row><c><v>2</v></c></row>'))


def xlsx_too_many_cells(d: Path) -> Path:
    # Cells without r follow each other: 20,000 of them pass Excel's last column.
    return _write(d / "wide.xlsx", xlsx(HEADER_ROW + '<row r="2">' + "<c><v>1</v></c>" * 20_000 + "</row>"))


# --------------------------------------------------------------------------------------
# dBase: header, field descriptors and records as raw bytes
# --------------------------------------------------------------------------------------


def dbf(fields: list[tuple[str, str, int, int]], records: list[bytes], version: int = 0x03,
        foxpro_backlink: bool = False) -> bytes:
    """A table: fields are (name, type, length, decimals); records are the field bytes
    (the deletion flag is added)."""
    record_length = 1 + sum(f[2] for f in fields)
    header_length = 32 + 32 * len(fields) + 1 + (263 if foxpro_backlink else 0)
    out = bytearray(struct.pack("<BBBBIHH20x", version, 124, 1, 1, len(records), header_length, record_length))
    offset = 1
    for name, kind, length, decimals in fields:
        out += struct.pack("<11scIBB14x", name.encode().ljust(11, b"\0"), kind.encode(), offset, length, decimals)
        offset += length
    out += b"\x0d" + (b"\0" * 263 if foxpro_backlink else b"")
    for record in records:
        assert len(record) == record_length - 1
        out += b" " + record
    return bytes(out + b"\x1a")


def dbf_numeric_40_digits(d: Path) -> Path:
    # N(40,0): value*10 overflowed Int128 on the 39th digit, before the digit count was checked.
    return _write(d / "wide-number.dbf", dbf([("AMOUNT", "N", 40, 0)], [b"9" * 40]))


def dbf_foxpro_datetime_julian_max(d: Path) -> Path:
    # Visual FoxPro T: Julian day 2^31-1, times microseconds per day, overflowed Int64.
    return _write(d / "datetime.dbf", dbf(
        [("STAMP", "T", 8, 0)], [struct.pack("<ii", 0x7FFF_FFFF, 0)], version=0x30, foxpro_backlink=True))


def dbf_memo_ascii_block_overflow(d: Path) -> Path:
    # A dBase III memo field 30 digits wide: the ASCII block number overflowed Int.
    (d / "memo-digits.dbt").write_bytes(b"\x02\0\0\0" + b"\0" * 508 + b"hello\x1a\x1a" + b"\0" * 505)
    return _write(d / "memo-digits.dbf", dbf([("NOTE", "M", 30, 0)], [b"9" * 30], version=0x83))


def dbf_memo_length_past_end(d: Path) -> Path:
    # A FoxPro memo whose length header claims 1 GiB in a 600-byte file: read as 1 GiB before.
    fpt = bytearray(512)
    fpt[0:4] = struct.pack(">I", 2)
    fpt[6:8] = struct.pack(">H", 64)
    fpt += b"\0" * 64  # block 8 holds the memo
    fpt[512:520] = struct.pack(">II", 1, (1 << 30))
    (d / "memo-length.fpt").write_bytes(bytes(fpt))
    return _write(d / "memo-length.dbf", dbf(
        [("NOTE", "M", 4, 0)], [struct.pack("<I", 8)], version=0x30, foxpro_backlink=True))


def dbf_narrow_binary_field(d: Path) -> Path:
    # A Visual FoxPro T field declared 1 byte wide, last in the record: its 8-byte value
    # was read past the end of the records.
    return _write(d / "narrow.dbf", dbf(
        [("STAMP", "T", 1, 0)], [b"\x01"], version=0x30, foxpro_backlink=True))


# --------------------------------------------------------------------------------------
# PDF: one page, one font, written object by object
# --------------------------------------------------------------------------------------


def stream(data: bytes) -> bytes:
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def pdf_with_font(font: bytes, text: bytes, extra: list[bytes] = ()) -> bytes:
    """Object 4 is the font F1; `text` is shown with it; extra objects start at 6."""
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        font,
        stream(b"BT /F1 12 Tf 72 720 Td " + text + b" Tj ET"),
        *extra,
    ])


def pdf_first_char_max(d: Path) -> Path:
    # /FirstChar Int.max: first + k overflowed; UInt32(first) trapped for anything above 2^32.
    return _write(d / "firstchar.pdf", pdf_with_font(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 9223372036854775807"
        b" /LastChar 9223372036854775807 /Widths [500 500] /Encoding /WinAnsiEncoding >>", b"(Hi)"))


def pdf_differences_code_max(d: Path) -> Path:
    # /Differences [Int.max /a /b]: code += 1 overflowed after the first name.
    return _write(d / "differences.pdf", pdf_with_font(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
        b" /Encoding << /Type /Encoding /Differences [9223372036854775807 /a /b] >> >>", b"(Hi)"))


def _type0(w: bytes, cmap: bytes | None = None) -> list[bytes]:
    to_unicode = b" /ToUnicode 7 0 R" if cmap else b""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R]"
            + to_unicode + b" >>")
    descendant = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 1000 /W " + w + b" >>"
    return [font, descendant] + ([stream(cmap)] if cmap else [])


def pdf_cid_widths_huge_first(d: Path) -> Path:
    # /W [huge [w w]]: UInt32(first + k) trapped beyond 2^32, first + k overflowed at Int.max.
    font, descendant = _type0(b"[4294967296 [500 600] 9223372036854775807 [500 600] 0 4294967296 700]")
    return _write(d / "cid-widths.pdf", pdf_with_font(font, b"<00480069>", [descendant]))


def _cmap(body: bytes) -> bytes:
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + body
            + b"\nendcmap CMapName currentdict /CMap defineresource pop end end")


def pdf_bfrange_full_span(d: Path) -> Path:
    # A bfrange over all 2^32 four-byte codes: to - from + 1 overflowed UInt32.
    font, descendant, cmap = _type0(b"[]", _cmap(
        b"1 beginbfrange <00000000> <FFFFFFFF> [<0041>] endbfrange\n"
        b"1 beginbfrange <0048> <0048> <0048> endbfrange"))
    return _write(d / "bfrange-span.pdf", pdf_with_font(font, b"<0048>", [descendant, cmap]))


def pdf_bfrange_scalar_overflow(d: Path) -> Path:
    # Four-byte codes (the font's encoding is not Identity, so the ToUnicode codespace
    # splits strings) and a range starting at U+10FFFF: the last scalar plus the code's
    # offset in the range overflowed UInt32.
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n"
            b"1 beginbfrange <00000000> <FFFFFFFF> <DBFFDFFF> endbfrange\n"
            b"1 beginbfrange <00000048> <00000048> <0048> endbfrange\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Custom-H /DescendantFonts [6 0 R]"
            b" /ToUnicode 7 0 R >>")
    descendant = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 1000 >>"
    return _write(d / "bfrange-scalar.pdf", pdf_with_font(font, b"<00000048FFFFFFFF>", [descendant, stream(cmap)]))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------

REFUSED = 1  # exit 1 with a sentence naming the file
READ_AROUND = 0  # best effort: the nonsensical value is ignored (or read as null with a warning)

CASES: list[tuple[str, Callable[[Path], Path], int, str, str]] = [
    # id, generator, exit code, output suffix, words the message has (for PDFs: the text read)
    ("xlsx-row-attribute-overflow", xlsx_huge_row_attribute, REFUSED, ".parquet", "row"),
    ("xlsx-row-counter-overflow", xlsx_max_row_then_next, REFUSED, ".parquet", "row"),
    ("xlsx-too-many-cells", xlsx_too_many_cells, REFUSED, ".parquet", "XFD"),
    ("dbf-numeric-40-digits", dbf_numeric_40_digits, READ_AROUND, ".parquet", "AMOUNT"),
    ("dbf-foxpro-datetime-julian", dbf_foxpro_datetime_julian_max, READ_AROUND, ".parquet", "STAMP"),
    ("dbf-memo-ascii-block", dbf_memo_ascii_block_overflow, READ_AROUND, ".parquet", "NOTE"),
    ("dbf-memo-length-past-end", dbf_memo_length_past_end, READ_AROUND, ".parquet", "NOTE"),
    ("dbf-narrow-binary-field", dbf_narrow_binary_field, REFUSED, ".parquet", "STAMP"),
    ("pdf-firstchar-max", pdf_first_char_max, READ_AROUND, ".txt", "Hi"),
    ("pdf-differences-code-max", pdf_differences_code_max, READ_AROUND, ".txt", "Hi"),
    ("pdf-cid-widths-huge", pdf_cid_widths_huge_first, READ_AROUND, ".txt", "Hi"),
    ("pdf-bfrange-full-span", pdf_bfrange_full_span, READ_AROUND, ".txt", "H"),
    ("pdf-bfrange-scalar-overflow", pdf_bfrange_scalar_overflow, READ_AROUND, ".txt", "H"),
]


@pytest.mark.parametrize("make,expected,suffix,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_never_traps(work, pyforge_bin, make, expected, suffix, words):
    import subprocess

    from conftest import base_env

    src = make(work)
    out = work / ("out" + suffix)
    proc = subprocess.run([str(pyforge_bin), "convert", str(src), str(out)], cwd=work, env=base_env(),
                          capture_output=True, text=True, errors="replace", timeout=120)
    for text in (proc.stdout, proc.stderr):
        for marker in CRASH_MARKERS + EXTRA_MARKERS:
            assert marker not in text, f"{marker!r} in output:\n{text[-3000:]}"
    assert proc.returncode == expected, f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    assert not temp_leftovers(work), temp_leftovers(work)
    if expected == REFUSED:
        assert str(src) in proc.stderr and words in proc.stderr, proc.stderr
        assert not out.exists()
    else:
        assert out.exists()
        if suffix == ".txt":  # the text is still read, around the nonsensical font entry
            assert out.read_text(encoding="utf-8").strip() == words
        else:  # a dBase value read as null is reported as a warning naming the field
            assert "warning" in proc.stderr and words in proc.stderr, proc.stderr
