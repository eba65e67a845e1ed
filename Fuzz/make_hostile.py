"""Writes the hand-made hostile files of Tests/EndToEnd/hostile/<format>/ (the fuzzers'
regression inputs sit beside them, committed as found). Run from the repository root with
the project venv: .venv/bin/python Fuzz/make_hostile.py
"""
from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))

from test_hostile_inputs import dbf, xlsx  # noqa: E402
from test_pdf import build_pdf, one_page_pdf, stream  # noqa: E402

HOSTILE = ROOT / "Tests" / "EndToEnd" / "hostile"


def csv_files() -> dict[str, bytes]:
    return {
        "nul-bytes.csv": b"a,b\n1,\0\0\0\n\0,2\n",
        "invalid-utf8.csv": b"a,b\n\xff\xfe\xc3(,\xe2\x82\n\xf0\x28\x8c\x28,1\n",
        "unterminated-quote.csv": b'a,b\n1,"never closed\n2,3\n' + b"x" * 10_000,
        "lone-cr-lines.csv": b"a,b\r1,2\r3,4\r\r\r",
        "wide-header.csv": b",".join(b"c%d" % i for i in range(5000)) + b"\n" + b"1," * 4999 + b"1\n",
        "utf16-odd-length.csv": b"\xff\xfea\0,\0b\0\n\0" + b"1",
        "huge-numbers.csv": b"n\n" + b"9" * 400 + b"\n1e999999\n-0x8000000000000000\n",
    }


def json_files() -> dict[str, bytes]:
    return {
        "deep-nesting.json": b"[" * 20_000 + b"]" * 20_000,
        "deep-object.json": b'[{"a":' * 5_000 + b"1" + b"}]" * 5_000,
        "truncated.json": b'[{"a": 1, "b": "unterminated',
        "invalid-utf8.json": b'[{"a": "\xff\xfe"}, {"a": "\xed\xa0\x80"}]',
        "lone-surrogate-escapes.json": b'[{"a": "\\ud800\\udc00\\udfff\\ud800x"}]',
        "huge-number.json": b'[{"n": ' + b"9" * 5000 + b"}, {\"n\": 1e99999}]",
        "huge-key.json": b'[{"' + b"k" * 100_000 + b'": 1}]',
        "ndjson-garbage.ndjson": b'{"a":1}\n\0\0\0\n{"a":2}\n',
    }


def xml_files() -> dict[str, bytes]:
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i,) + (i - 1,) * 10) for i in range(1, 10)
    ) + b"]><r><i><a>&l9;</a></i><i><a>x</a></i></r>"
    return {
        "billion-laughs.xml": laughs,
        "external-entity.xml": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r><i><a>&x;</a></i><i><a>1</a></i></r>',
        # Deeper than libxml2's usual 256 levels (the push parser does not enforce them). At
        # 20,000 levels the record builder's flattened names took 3.2 GB (quadratic); the
        # resource-bounds work caps the depth, so the file stays shallow enough for both.
        "deep-nesting.xml": b"<r>" + b"<a>" * 300 + b"</a>" * 300 + b"</r>",
        "unterminated.xml": b"<r><i><a>1</a></i><i><a>2",
        "undeclared-prefix.xml": b"<r><p:i><a>1</a></p:i><p:i><a>2</a></p:i></r>",
        "bad-encoding-declaration.xml": b'<?xml version="1.0" encoding="X-NOPE"?><r><i>1</i><i>2</i></r>',
    }


def zipped(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return out.getvalue()


def xlsx_files() -> dict[str, bytes]:
    good = xlsx('<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c><v>1</v></c></row>')
    # A ratio bomb: 64 MiB of '<' deflates to ~64 KB... kept smaller: 16 MiB of zeros (~16 KB).
    bomb = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b" " * (16 << 20)})
    truncated = good[: len(good) // 2]
    # The end-of-central-directory record points past the end of the file.
    eocd = good.rfind(b"PK\x05\x06")
    bad_offset = bytearray(good)
    bad_offset[eocd + 16:eocd + 20] = struct.pack("<I", 0xFFFFFFF0)
    # Central directory entries claim a 4 GiB uncompressed size.
    huge_size = bytearray(good)
    at = 0
    while (at := huge_size.find(b"PK\x01\x02", at)) != -1:
        huge_size[at + 24:at + 28] = struct.pack("<I", 0xFFFFFFFF)
        at += 4
    return {
        "deflate-ratio-bomb.xlsx": bomb,
        "truncated-zip.xlsx": truncated,
        "directory-offset-past-end.xlsx": bytes(bad_offset),
        "entry-size-4gib.xlsx": bytes(huge_size),
        "not-a-zip.xlsx": b"PK\x03\x04" + b"\0" * 26,
        "shared-string-index-huge.xlsx": xlsx('<row r="1"><c t="s"><v>99999999999999999999</v></c></row><row r="2"><c t="s"><v>-1</v></c></row>'),
    }


def dbf_files() -> dict[str, bytes]:
    base = dbf([("NAME", "C", 10, 0)], [b"Alice     "])
    huge_count = bytearray(base)
    huge_count[4:8] = struct.pack("<I", 0xFFFFFFFF)
    short_header = bytearray(base)
    short_header[8:10] = struct.pack("<H", 1)
    zero_record = bytearray(base)
    zero_record[10:12] = struct.pack("<H", 0)
    return {
        "record-count-4g.dbf": bytes(huge_count),
        "header-length-1.dbf": bytes(short_header),
        "record-length-0.dbf": bytes(zero_record),
        "truncated-header.dbf": base[:20],
        "field-past-record.dbf": dbf([("A", "C", 250, 0), ("B", "N", 250, 0)], [b"x" * 500]),
    }


def pdf_files() -> dict[str, bytes]:
    good = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (Hi) Tj ET")
    return {
        "startxref-past-end.pdf": good[: good.rfind(b"startxref")] + b"startxref\n99999999999999999999\n%%EOF\n",
        "truncated.pdf": good[: len(good) // 2],
        "pages-cycle.pdf": build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                                      b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>"]),
        "length-huge.pdf": build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                      b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
                                      b"<< /Length 9223372036854775807 >>\nstream\nBT (x) Tj ET\nendstream"]),
        "flate-bomb.pdf": one_page_pdf(zlib.compress(b"\0" * (32 << 20), 9), filters="/Filter /FlateDecode "),
        "deep-array.pdf": build_pdf([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 50_000 + b"]" * 50_000 + b" >>",
                                     b"<< /Type /Pages /Kids [] /Count 0 >>"]),
        "no-xref-garbage.pdf": b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\n" * 3 + b"%%EOF",
    }


def access_files() -> dict[str, bytes]:
    empty = (ROOT / "Tests" / "EndToEnd" / "fixtures" / "access" / "empty.mdb").read_bytes()
    page = 4096 if empty[0x14] else 2048
    wrong_version = bytearray(empty[: page * 4])
    wrong_version[0x14] = 0xFF
    # MSysObjects' usage map pointed at a 0-byte row: libmdb 1.0.0 dereferences NULL on
    # the first row fetch (found by scripts/fuzz; mdbtools commit 4febc7b after 1.0.0).
    zero_usage_map = bytearray(empty)
    rco, usage_map_offset = (0x0C, 55) if empty[0x14] else (0x08, 35)
    map_page = struct.unpack_from("<I", empty, 2 * page + usage_map_offset)[0] >> 8
    struct.pack_into("<I", zero_usage_map, 2 * page + usage_map_offset, (map_page << 8) | 1)
    row0_start = struct.unpack_from("<H", empty, map_page * page + rco + 2)[0]
    struct.pack_into("<H", zero_usage_map, map_page * page + rco + 4, row0_start)
    return {
        "zero-length-usage-map.mdb": bytes(zero_usage_map),
        "first-page-only.mdb": empty[:page],
        "two-pages.mdb": empty[: page * 2],
        "zeroed-catalog.mdb": empty[: page * 2] + b"\0" * page * 2,
        "unknown-version.mdb": bytes(wrong_version),
        "header-only.accdb": b"\0\x01\0\0Standard ACE DB\0" + b"\0" * 44,
    }


def parquet_files() -> dict[str, bytes]:
    return {
        "footer-length-huge.parquet": b"PAR1" + b"\0" * 16 + struct.pack("<I", 0xFFFFFFFF) + b"PAR1",
        "footer-garbage.parquet": b"PAR1" + b"\xff" * 64 + struct.pack("<I", 64) + b"PAR1",
        "only-magic.parquet": b"PAR1PAR1",
        "nested-lists.parquet": b"PAR1" + b"\x19\x1c" + b"\x19" * 5000 + struct.pack("<I", 5002) + b"PAR1",
    }


FILES = {"csv": csv_files, "json": json_files, "xml": xml_files, "xlsx": xlsx_files, "dbf": dbf_files,
         "pdf": pdf_files, "access": access_files, "parquet": parquet_files}

if __name__ == "__main__":
    for name, make in FILES.items():
        directory = HOSTILE / name
        directory.mkdir(parents=True, exist_ok=True)
        for file_name, data in make().items():
            (directory / file_name).write_bytes(data)
            print(f"{name}/{file_name}: {len(data)} bytes")
