"""Writes the fuzz targets' seed corpora (Fuzz/corpus/<target>/), small inputs that reach
deep into each reader. Run with the project venv from the repository root:

    .venv/bin/python Fuzz/make_seeds.py

The committed corpora are its output; rerun it after changing it. The byte-level builders
are the end-to-end tests' own (test_hostile_inputs, test_pdf), so seeds and tests agree on
what a well-formed file looks like.
"""
from __future__ import annotations

import bz2
import datetime as dt
import gzip
import hashlib
import io
import json
import struct
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))

from test_hostile_inputs import dbf, xlsx, pdf_with_font, _type0, _cmap  # noqa: E402
from test_pdf import ascii85, build_pdf, one_page_pdf, stream  # noqa: E402

CORPUS = ROOT / "Fuzz" / "corpus"
MEMO_SEPARATOR = b"\n--PYFORGE-MEMO--\n"  # DBaseFuzz.separator


def csv_seeds() -> list[bytes]:
    sales = (ROOT / "Samples" / "sales.csv").read_bytes()
    head = b"\n".join(sales.split(b"\n")[:25]) + b"\n"
    return [
        head,
        b'id,name,amount,when\n1,"Smith, J",12.50,2024-01-02\n2,"say ""hi""",-3,2024-02-29T10:11:12Z\n3,,NA,\n',
        b'a;b;c\r\n1;"multi\r\nline";3,5\r\n4;5;6\r\n',
        b"x\ty\tz\n1\t2\t3\n4\t5\n6\t7\t8\t9\n",
        b"sep=|\nq|r\ntrue|1e5\nfalse|0x1F\n",
        b"\xef\xbb\xbfname,city\nJos\xc3\xa9,Z\xc3\xbcrich\n",
        "n,v\n\u00e9,1\n".encode("utf-16"),
        b"Report for 2024\n\nid,value\n1,2\n3,4\n",
        b'a,b\n1,"unterminated\n2,3\n',
        b"a,b\\,c\n1,2\\,3\n",
        gzip.compress(b"a,b\n1,2\n3,4\n", mtime=0),
        bz2.compress(b"a,b\n1,2\n"),
    ]


def json_seeds() -> list[bytes]:
    records = [{"id": 1, "name": "A\u00e9\\\"", "price": 1.5, "tags": ["x", "y"], "when": "2024-01-02T03:04:05Z",
                "nested": {"a": None, "b": True, "deep": {"c": 12345678901234567890}}},
               {"id": 2, "name": None, "price": -0.0, "tags": [], "extra": "\ud83d\ude00"}]
    return [
        json.dumps(records).encode(),
        b"\n".join(json.dumps(r).encode() for r in records) + b"\n",
        json.dumps({"data": {"items": records}, "meta": {"count": 2}}).encode(),
        b'[{"a":1e308,"b":-1e-400,"c":"\\u0000\\ud800"},{"a":"x","b":[[[[1]]]]}]',
        b'{"a": 1}\n{"a": 2.5}\n\n{"a": "three"}\n',
        b"\xef\xbb\xbf[{\"k\": \"v\"}]",
        gzip.compress(b'[{"a":1},{"a":2}]', mtime=0),
    ]


def xml_seeds() -> list[bytes]:
    return [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<root><record id="1"><name>A</name><price>1.5</price>'
        b'<tags><tag>x</tag><tag>y</tag></tags></record><record id="2"><name>B&amp;C</name><price/></record></root>',
        b'<r xmlns="urn:x" xmlns:p="urn:p"><p:row p:k="1"><v>1</v></p:row><p:row><v>2</v><v>3</v></p:row></r>',
        b'<!DOCTYPE d [<!ENTITY co "ACME">]><d><item><c>&co;</c><n>&#x41;&#66;</n></item><item><c><![CDATA[<x>]]></c></item></d>',
        b'<?xml version="1.0" encoding="ISO-8859-1"?><rows><row><t>caf\xe9</t></row><row><t>na</t></row></rows>',
        b'<a><b><c><d><e>1</e></d></c></b><b><c><d><e>2</e><e>3</e></d></c></b></a>',
        b'<root><record><x>1</x><!-- c --><?pi data?></record><record><x>2</x></record></root>',
        gzip.compress(b"<r><i><a>1</a></i><i><a>2</a></i></r>", mtime=0),
    ]


def xlsx_seeds() -> list[bytes]:
    inline = [
        xlsx('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>v</t></is></c></row>'
             '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="b"><v>1</v></c></row>'
             '<row r="3"><c r="A3"><v>2.5</v></c><c r="C3" t="e"><v>#N/A</v></c></row>'),
        xlsx('<row><c><v>1</v></c><c t="str"><v>x</v></c></row><row r="5"><c r="AA5"><v>3</v></c></row>'),
    ]
    seeds = [normalized_zip(data, zipfile.ZIP_DEFLATED) for data in inline]
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["name", "when", "amount", "flag"])
    ws.append(["caf\u00e9", dt.datetime(2024, 1, 2, 3, 4, 5), 1.25, True])
    ws.append(["x", dt.date(1900, 2, 28), None, False])
    ws["E3"] = "=A2&A3"
    wb.create_sheet("Second").append(["only"])
    buffer = io.BytesIO()
    wb.save(buffer)
    seeds.append(normalized_zip(buffer.getvalue(), zipfile.ZIP_DEFLATED))
    seeds.append(normalized_zip(buffer.getvalue(), zipfile.ZIP_STORED))
    return seeds


def normalized_zip(data: bytes, compression: int) -> bytes:
    """The same parts with fixed timestamps (reproducible seeds), stored or deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            part = zipfile.ZipInfo(info.filename, (2024, 1, 1, 0, 0, 0))
            part.compress_type = compression
            target.writestr(part, source.read(info))
    return out.getvalue()


def dbase_seeds() -> list[bytes]:
    plain = dbf([("NAME", "C", 10, 0), ("AMOUNT", "N", 8, 2), ("DAY", "D", 8, 0), ("OK", "L", 1, 0)],
                [b"Alice     " + b"   12.50" + b"20240102" + b"T", b"B\xe9b       " + b"  -3.00 " + b"        " + b"?"])
    foxpro = dbf([("STAMP", "T", 8, 0), ("PRICE", "Y", 8, 4), ("RATE", "B", 8, 0), ("COUNT", "I", 4, 0)],
                 [struct.pack("<ii", 2460000, 3600000) + struct.pack("<q", 123456) + struct.pack("<d", 1.5)
                  + struct.pack("<i", -7)], version=0x30, foxpro_backlink=True)
    dbt = b"\x02\0\0\0" + b"\0" * 508 + b"hello memo\x1a\x1a" + b"\0" * 500
    memo3 = dbf([("NOTE", "M", 10, 0)], [b"         1"], version=0x83)
    fpt = bytearray(512)
    fpt[0:4] = struct.pack(">I", 2)
    fpt[6:8] = struct.pack(">H", 64)
    fpt += struct.pack(">II", 1, 5) + b"memo!" + b"\0" * 51
    memo_fox = dbf([("NOTE", "M", 4, 0)], [struct.pack("<I", 8)], version=0x30, foxpro_backlink=True)
    return [plain, foxpro, memo3 + MEMO_SEPARATOR + dbt, memo_fox + MEMO_SEPARATOR + bytes(fpt)]


def pdf_seeds() -> list[bytes]:
    content = b"BT /F1 12 Tf 72 720 Td (Hello, world) Tj 0 -14 TD [(Ke) -120 (rn)] TJ T* (line) ' ET"
    type0, descendant, cmap = _type0(b"[1 [500 600] 10 20 700]", _cmap(
        b"2 beginbfchar <0001> <0048> <0002> <00690301> endbfchar\n1 beginbfrange <0010> <0012> <0041> endbfrange"))
    return [
        one_page_pdf(content),
        one_page_pdf(zlib.compress(content), filters="/Filter /FlateDecode "),
        one_page_pdf(ascii85(zlib.compress(content)), filters="/Filter [/ASCII85Decode /FlateDecode] "),
        one_page_pdf(content.hex().encode() + b">", filters="/Filter /ASCIIHexDecode "),
        pdf_with_font(type0, b"<000100020010>", [descendant, cmap]),
        pdf_with_font(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences [65 /B /C] >>"
                      b" /FirstChar 65 /LastChar 66 /Widths [500 600] >>", b"(AB)"),
        build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /Resources << /XObject << /X1 4 0 R >> >> /Contents 5 0 R >>",
                   stream(b"BT /F1 9 Tf (in form) Tj ET", "/Type /XObject /Subtype /Form "
                          "/Resources << /Font << /F1 6 0 R >> >> "),
                   stream(b"q 1 0 0 1 10 10 cm /X1 Do Q"),
                   b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"], version="1.7"),
    ]


def encrypted_pdf_seeds() -> list[bytes]:
    """The one-page seed encrypted by qpdf with each standard security handler revision
    (RC4 40/128-bit, AES-128, AES-256 R5 and R6), mostly with an empty user password and
    once with "fuzz" (the PDF target tries both); none when qpdf is missing."""
    import shutil
    import subprocess
    import tempfile
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        print("qpdf not found: no encrypted PDF seeds")
        return []
    plain = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (Secret text) Tj ET")
    variants = [("", ["40"], True), ("", ["128", "--use-aes=n"], True), ("", ["128", "--use-aes=y"], False),
                ("", ["256", "--force-R5"], True), ("", ["256"], False), ("fuzz", ["128", "--use-aes=y"], False)]
    seeds = []
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "plain.pdf"
        source.write_bytes(plain)
        for k, (user, key, weak) in enumerate(variants):
            out = Path(work) / f"encrypted{k}.pdf"
            subprocess.run([qpdf, *(["--allow-weak-crypto"] if weak else []), "--static-id", "--static-aes-iv", "--encrypt", user, "owner",
                            *key, "--", str(source), str(out)], check=True)
            seeds.append(out.read_bytes())
    return seeds


def access_seeds() -> list[bytes]:
    # The Access fixtures are 77 KB to 1.3 MB: scripts/fuzz adds their directory as a
    # second seed directory instead of copying them here.
    return [b"\0\x01\0\0Standard Jet DB\0" + b"\0" * 44]


def protocol_seeds() -> list[bytes]:
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "1.2", "host": {"name": "pyforge"}}},
        {"jsonrpc": "2.0", "id": "a", "result": {"ok": True, "n": [1, 2.5, None, "x\u00e9"]}},
        {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error", "data": {"line": 1}}},
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}},
        {"jsonrpc": "2.0", "method": "$/progress", "params": {"token": 3, "value": {"rows": 10}}},
    ]
    joined = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    return [joined, b'{"jsonrpc":"2.0","id":9223372036854775807,"result":1e400}\n{"unterminated', b"\n\n" + b"x" * 5000 + b"\n{}\n"]


def parquet_footer_seeds() -> list[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.table({"id": [1, 2, None], "name": ["a", None, "c"], "when": pa.array([0, 1, 2], pa.timestamp("us", "UTC")),
                      "nested": [{"x": 1}, None, {"x": 3}]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="snappy")
    return [buffer.getvalue()]


def delta_log_seeds() -> list[bytes]:
    """Commits as pyforge writes them (protocol, metadata with a schema string, add with
    stats, commitInfo), then an append and a remove, joined by the target's separator."""
    schema = json.dumps({"type": "struct", "fields": [
        {"name": "id", "type": "long", "nullable": True, "metadata": {}},
        {"name": "when", "type": "timestamp", "nullable": True, "metadata": {}},
        {"name": "part", "type": "string", "nullable": True, "metadata": {}},
        {"name": "amount", "type": "decimal(18,4)", "nullable": True, "metadata": {}}]})
    stats = json.dumps({"numRecords": 3, "minValues": {"id": 1}, "maxValues": {"id": 3}, "nullCount": {"id": 0}})
    first = [{"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}},
             {"metaData": {"id": "5d3c4d1e-0000-4000-8000-000000000001", "format": {"provider": "parquet", "options": {}},
                           "schemaString": schema, "partitionColumns": ["part"], "configuration": {}, "createdTime": 1700000000000}},
             {"add": {"path": "part=a/part-00000.parquet", "partitionValues": {"part": "a"}, "size": 1234,
                      "modificationTime": 1700000000000, "dataChange": True, "stats": stats}},
             {"commitInfo": {"timestamp": 1700000000000, "operation": "WRITE"}}]
    second = [{"add": {"path": "part=b%20c/part-00001.parquet", "partitionValues": {"part": None}, "size": 99,
                       "modificationTime": 1700000000001, "dataChange": True, "stats": json.dumps({"numRecords": 1})}},
              {"remove": {"path": "part=a/part-00000.parquet", "deletionTimestamp": 1700000000002, "dataChange": True}},
              {"commitInfo": {"timestamp": 1700000000002, "operation": "DELETE"}}]
    commit = lambda actions: "\n".join(json.dumps(a) for a in actions).encode() + b"\n"
    separator = b"\n--PYFORGE-COMMIT--\n"
    # The empty input: an empty commit file, whose read leaked its buffer (the first finding).
    return [commit(first), commit(first) + separator + commit(second), b""]


def temporary_name_seeds() -> list[bytes]:
    """Temporary names as pyforge writes them, and the near misses the parser refuses."""
    return [b".out.parquet.pyforge-1a2b3c4d-12345-987654-Ab3xYz", b".a.b.pyforge-.pyforge-00000000-1-0-zzzzzz",
            b".out.parquet.pyforge-1a2b3c4d-0-1-abcdef", b".out.parquet.pyforge-XXXXXX", b"part-00000.parquet",
            b".x.pyforge-ffffffff-2147483647-18446744073709551615-aaaaaa"]


SEEDS = {
    "csv": csv_seeds, "json": json_seeds, "xml": xml_seeds, "xlsx": xlsx_seeds, "dbase": dbase_seeds,
    "pdf": lambda: pdf_seeds() + encrypted_pdf_seeds(), "access": access_seeds, "protocol": protocol_seeds,
    "parquet-footer": parquet_footer_seeds, "delta-log": delta_log_seeds, "temporary-name": temporary_name_seeds,
}


def main() -> None:
    for target, make in SEEDS.items():
        directory = CORPUS / target
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.iterdir():
            old.unlink()
        for data in make():
            (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)
        print(f"{target}: {len(list(directory.iterdir()))} seeds, {sum(p.stat().st_size for p in directory.iterdir())} bytes")


if __name__ == "__main__":
    main()
