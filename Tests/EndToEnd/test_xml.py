"""XML input end to end: every value pyforge writes is checked against lxml's reading of
the same document; plus compressed inputs, the flattening options, and refusal of
malformed, entity-expanding and external-entity documents.

Self-contained: the binary is $PYFORGE_BIN, else <repo>/.build/release/pyforge.
Conventions checked here: attributes are `@name` columns (`price.@currency` when nested),
nested elements are dotted (`customer.address.city`), a child repeated within a record is
a JSON array of strings by default, text is whitespace-trimmed and empty text is null.
"""
from __future__ import annotations

import bz2
import datetime as dt
import gzip
import json
import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from lxml import etree

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("PYFORGE_BIN", REPO / ".build" / "release" / "pyforge"))
CRASH_MARKERS = ("Traceback", "Fatal error", "Stack dump", "fatalError", "Segmentation fault")


def run(*args, timeout=60):
    proc = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=timeout)
    for marker in CRASH_MARKERS:
        assert marker not in proc.stderr, proc.stderr
    return proc


def convert(src: Path, out: Path, *flags) -> dict[str, list]:
    proc = run("convert", src, out, "--force", *flags)
    assert proc.returncode == 0, proc.stderr
    return pq.read_table(out).to_pydict()


# --------------------------------------------------------------------------------------
# An independent reading with lxml
# --------------------------------------------------------------------------------------


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def expected_rows(path: Path, record_tag, resolve_entities: bool = False) -> list[dict[str, list[str]]]:
    """Each record as {column: [texts]} following the documented naming (moderate flattening).
    `record_tag` is a tag or a tuple of tags (records of several kinds, in document order)."""
    rows = []
    for _, element in etree.iterparse(str(path), events=("end",), tag=record_tag, resolve_entities=resolve_entities):
        values: dict[str, list[str]] = {}

        def walk(node, prefix):
            for name, value in node.attrib.items():
                values.setdefault(prefix + "@" + local(name), []).append(value)
            children = [c for c in node if isinstance(c.tag, str)]
            if not children:
                values.setdefault(prefix[:-1], []).append((node.text or "").strip())
                return
            own = ((node.text or "") + "".join(c.tail or "" for c in children)).strip()
            if own:
                values.setdefault(prefix[:-1], []).append(own)
            for child in children:
                walk(child, prefix + local(child.tag) + ".")

        for name, value in element.attrib.items():
            values.setdefault("@" + local(name), []).append(value)
        for child in element:
            if isinstance(child.tag, str):
                walk(child, local(child.tag) + ".")
        rows.append(values)
        element.clear()
    return rows


def cell_text(value) -> str | None:
    """A Parquet value as the text it was parsed from (for comparison with XML text)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def expected_cell(texts: list[str] | None) -> str | None:
    if texts is None:
        return None
    if len(texts) == 1:
        return texts[0] or None
    return json.dumps([t or None for t in texts], ensure_ascii=False, separators=(",", ":"))


def assert_matches_lxml(table: dict[str, list], path: Path, record_tag, numeric: dict[str, type] = {},
                        resolve_entities: bool = False):
    rows = expected_rows(path, record_tag, resolve_entities)
    expected_columns = {name for row in rows for name in row}
    assert set(table) == expected_columns
    for name, values in table.items():
        assert len(values) == len(rows)
        for i, (got, row) in enumerate(zip(values, rows, strict=True)):
            want = expected_cell(row.get(name))
            if name in numeric and want is not None:
                assert got == numeric[name](want), (name, i, got, want)
            else:
                assert cell_text(got) == want, (name, i, got, want)


# --------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------

CITIES = ["Paris", "Zürich", "東京", "São Paulo", "Kraków"]


def catalog_xml(records: int, late_column_at: int | None = None, late_text_at: int | None = None) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<catalog xmlns="http://default.example/" '
             'xmlns:ex="http://ex.example/ns">\n']
    for i in range(records):
        tags = "".join(f"<tag>t{i}-{k}</tag>" for k in range(i % 3))  # 0, 1 or 2 repeated children
        code = "X-late" if late_text_at is not None and i == late_text_at else str(i * 7)
        extra = f"<late>{i}</late>" if late_column_at is not None and i >= late_column_at else ""
        note = "" if i % 5 == 0 else f"<note><![CDATA[<b>{i}</b> & more]]></note>"
        parts.append(
            f'  <book id="{i}" ex:lang="{"en" if i % 2 else "fr"}" title="A &amp; B &lt;{i}&gt; &#233;">\n'
            f"    <name>Book {CITIES[i % len(CITIES)]} {i}</name>\n"
            f'    <price currency="EUR">{i * 1.25:.2f}</price>\n'
            f"    <code>{code}</code>\n"
            f"    <published>2024-{1 + i % 12:02d}-{1 + i % 28:02d}</published>\n"
            f"    <instock>{'true' if i % 3 else 'false'}</instock>\n"
            f"    <ex:author><first>Ann{i}</first><last>Lee  {i} </last>"
            f"<address kind=\"home\"><city>{CITIES[(i + 1) % len(CITIES)]}</city><zip>{10000 + i}</zip></address></ex:author>\n"
            f"    {tags}{note}{extra}<empty/>\n"
            f"  </book>\n")
    parts.append("</catalog>\n")
    return "".join(parts)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


def test_every_value_matches_lxml(work):
    src = work / "catalog.xml"
    src.write_text(catalog_xml(300), encoding="utf-8")
    table = convert(src, work / "out.parquet")
    schema = pq.read_schema(work / "out.parquet")
    types = {f.name: str(f.type) for f in schema}
    assert types["@id"] == "int64"
    assert types["price"] == "double"
    assert types["published"] == "date32[day]"
    assert types["instock"] == "bool"
    assert types["author.address.zip"] == "int64"
    assert types["name"] == "string"
    assert "@lang" in types and "author.address.@kind" in types  # namespaces stripped by default
    assert_matches_lxml(table, src, "{http://default.example/}book", {"price": float})
    assert table["title" if "title" in table else "@title"][1] == "A & B <1> é"
    assert table["note"][1] == "<b>1</b> & more"  # CDATA is text
    assert table["tag"][2] == '["t2-0","t2-1"]'
    assert table["empty"] == [None] * 300


def test_chunk_and_batch_boundaries_with_late_column_and_late_text(work):
    # More records than one batch (65,536 rows); a column that first appears late and a
    # value that forces a wider type late must both survive (one restart).
    src = work / "big.xml"
    src.write_text(catalog_xml(70_000, late_column_at=69_000, late_text_at=68_500), encoding="utf-8")
    proc = run("convert", src, work / "big.parquet", "--force", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["rows"] == 70_000
    table = pq.read_table(work / "big.parquet")
    assert str(table.schema.field("code").type) == "string"
    assert str(table.schema.field("late").type) == "int64"
    codes = table.column("code").to_pylist()
    assert codes[68_500] == "X-late" and codes[68_499] == str(68_499 * 7)
    late = table.column("late").to_pylist()
    assert late[:69_000] == [None] * 69_000 and late[69_000:] == list(range(69_000, 70_000))
    assert table.column("@id").to_pylist() == list(range(70_000))


@pytest.mark.parametrize("compress", ["gz", "bz2"])
def test_compressed_input_gives_the_same_table(work, compress):
    text = catalog_xml(500)
    plain = work / "c.xml"
    plain.write_text(text, encoding="utf-8")
    packed = work / f"c.xml.{compress}"
    packed.write_bytes((gzip.compress if compress == "gz" else bz2.compress)(text.encode()))
    expected = convert(plain, work / "plain.parquet")
    proc = run("convert", packed)
    assert proc.returncode == 0, proc.stderr
    assert (work / "c.parquet").exists()  # default output drops .xml.gz
    assert pq.read_table(work / "c.parquet").to_pydict() == expected


def test_truncated_gzip_fails_cleanly(work):
    packed = work / "t.xml.gz"
    packed.write_bytes(gzip.compress(catalog_xml(200).encode())[:-200])
    proc = run("convert", packed)
    assert proc.returncode == 1
    assert "t.xml.gz" in proc.stderr
    assert not (work / "t.parquet").exists()


# --------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------

ORDERS = """<?xml version="1.0"?>
<shop xmlns:p="urn:p">
  <meta><generated>2024-01-01</generated></meta>
  <orders>
    <order no="1"><p:customer>Ann</p:customer><item>a</item><item>b</item><desc>Hello <b>big</b> world</desc></order>
    <order no="2"><p:customer>Bob</p:customer><item>c</item><desc>plain</desc></order>
  </orders>
</shop>
"""


def test_record_path_and_row_tag(work):
    src = work / "shop.xml"
    src.write_text(ORDERS)
    by_path = convert(src, work / "a.parquet", "--record-path", "shop/orders/order")
    by_tag = convert(src, work / "b.parquet", "--row-tag", "order")
    assert by_path == by_tag
    assert by_path["@no"] == [1, 2]
    assert by_path["customer"] == ["Ann", "Bob"]
    assert by_path["item"] == ['["a","b"]', "c"]
    assert by_path["desc"] == ["Hello  world", "plain"]
    assert by_path["desc.b"] == ["big", None]
    assert_matches_lxml(by_path, src, "order")


def test_namespace_handling(work):
    src = work / "shop.xml"
    src.write_text(ORDERS)
    prefixed = convert(src, work / "p.parquet", "--row-tag", "order", "--namespace-handling", "prefix")
    preserved = convert(src, work / "q.parquet", "--row-tag", "order", "--namespace-handling", "preserve")
    assert prefixed["p:customer"] == ["Ann", "Bob"]
    assert preserved["{urn:p}customer"] == ["Ann", "Bob"]


def test_array_handling_and_flattening(work):
    src = work / "shop.xml"
    src.write_text(ORDERS)
    joined = convert(src, work / "c.parquet", "--row-tag", "order", "--array-handling", "concatenate")
    assert joined["item"] == ["a; b", "c"]
    expanded = convert(src, work / "e.parquet", "--row-tag", "order", "--array-handling", "expand")
    assert expanded["item"] == ["a", "b", "c"]
    assert expanded["@no"] == [1, 1, 2]
    assert expanded["customer"] == ["Ann", "Ann", "Bob"]
    aggressive = convert(src, work / "g.parquet", "--row-tag", "order", "--flatten-strategy", "aggressive")
    assert aggressive["desc"] == ["Hello big world", "plain"]
    nested = work / "n.xml"
    nested.write_text("<r><i><a><b><c>1</c><d>2</d></b></a></i><i><a><b><c>3</c></b></a></i></r>")
    conservative = convert(nested, work / "n1.parquet", "--flatten-strategy", "conservative")
    assert conservative == {"a": ["1 2", "3"]}
    moderate = convert(nested, work / "n2.parquet")
    assert moderate == {"a.b.c": [1, 3], "a.b.d": [2, None]}


def test_default_record_detection_skips_a_leading_header(work):
    src = work / "h.xml"
    src.write_text("<root><header><v>x</v></header><row><v>1</v></row><row><v>2</v></row></root>")
    assert convert(src, work / "h.parquet") == {"v": [1, 2]}


def test_bad_option_values_are_refused(work):
    src = work / "s.xml"
    src.write_text(ORDERS)
    for flags in (["--flatten-strategy", "deep"], ["--array-handling", "list"], ["--namespace-handling", "x"],
                  ["--row-tag", "a", "--record-path", "a/b"]):
        proc = run("convert", src, *flags)
        assert proc.returncode != 0
        assert "Error" in proc.stderr or "error" in proc.stderr
    assert not (work / "s.parquet").exists()


# --------------------------------------------------------------------------------------
# info, validate, formats, preview
# --------------------------------------------------------------------------------------


def test_info_validate_formats_and_preview(work):
    src = work / "catalog.xml"
    src.write_text(catalog_xml(50), encoding="utf-8")
    info = json.loads(run("info", src, "--format", "json").stdout)
    assert info["format"] == "xml" and info["rows"] == 50
    columns = {c["name"]: c["type"] for c in info["columns"]}
    assert columns["@id"] == "int64" and columns["published"] == "date"
    valid = run("validate", src)
    assert valid.returncode == 0 and "50 rows" in valid.stderr + valid.stdout
    formats = run("formats").stdout
    assert ".xml" in formats and ".xml.gz" in formats
    preview = run("convert", src, "--preview-schema")
    assert preview.returncode == 0
    assert "author.address.city" in preview.stdout and "int64" in preview.stdout
    assert not (work / "catalog.parquet").exists()


# --------------------------------------------------------------------------------------
# Malformed and hostile documents
# --------------------------------------------------------------------------------------


def assert_refused(proc, work: Path, name: str, *words):
    assert proc.returncode == 1, proc.stderr
    assert name in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    leftovers = [p.name for p in work.iterdir() if p.suffix == ".parquet" or ".pyforge-" in p.name]
    assert leftovers == []


def test_malformed_xml_names_file_and_line(work):
    src = work / "bad.xml"
    src.write_text("<r>\n  <i><v>1</v></i>\n  <i><v>2</i>\n</r>\n")
    assert_refused(run("convert", src), work, "bad.xml", "line 3", "not well-formed")
    proc = run("validate", src)
    assert proc.returncode == 1 and "line 3" in proc.stderr


def test_non_xml_file_is_refused(work):
    src = work / "data.xml"
    src.write_text("id,name\n1,a\n")
    assert_refused(run("convert", src), work, "data.xml", "line 1", "XML")


def test_billion_laughs_is_refused(work):
    # Refused, not expanded (a billion "lol"s would take gigabytes). How fast the refusal
    # comes is a benchmark row (benchmarks/time_bounds.py); the timeout is a hang guard.
    src = work / "lol.xml"
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * 10}">' for k in range(1, 10)]
    src.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n{chr(10).join(entities)}\n]>\n'
                   "<lolz><r><a>&lol9;</a></r><r><a>&lol9;</a></r></lolz>\n")
    proc = run("convert", src, timeout=120)
    assert_refused(proc, work, "lol.xml", "entit")


@pytest.mark.parametrize("kind", ["general", "parameter"])
def test_external_entity_is_never_read(work, kind):
    secret = work / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    src = work / "xxe.xml"
    if kind == "general":
        doctype = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        body = "<r><i><v>&xxe;</v></i><i><v>2</v></i></r>"
    else:
        doctype = f'<!DOCTYPE r [<!ENTITY % ext SYSTEM "file://{secret}"> %ext;]>'
        body = "<r><i><v>1</v></i><i><v>2</v></i></r>"
    src.write_text(f'<?xml version="1.0"?>\n{doctype}\n{body}\n')
    atime = secret.stat().st_atime_ns
    proc = run("convert", src, "--json")
    assert "TOP-SECRET-VALUE" not in proc.stdout + proc.stderr
    assert_refused(proc, work, "xxe.xml", "entit")
    assert secret.stat().st_atime_ns == atime


def test_default_record_detection_finds_rows_under_a_wrapper(work):
    # The root's only child wraps the records: they must not collapse into one row.
    src = work / "w.xml"
    rows = "".join(f"<row><id>{i}</id><tags><t>a</t><t>b</t></tags></row>" for i in range(5))
    src.write_text(f"<root><data>{rows}</data></root>")
    table = convert(src, work / "w.parquet")
    assert table["id"] == [0, 1, 2, 3, 4]
    assert table["tags.t"] == ['["a","b"]'] * 5
    info = json.loads(run("info", src, "--format", "json").stdout)
    assert info["details"]["record"] == "root/data/row"


def test_multi_stream_bzip2_and_all_strings(work):
    # pbzip2 writes several concatenated bzip2 streams; all of them are read.
    text = catalog_xml(400).encode()
    half = len(text) // 2
    src = work / "m.xml.bz2"
    src.write_bytes(bz2.compress(text[:half]) + bz2.compress(text[half:]))
    table = convert(src, work / "m.parquet", "--all-strings")
    assert table["@id"] == [str(i) for i in range(400)]
    assert table["published"][0] == "2024-01-01"


def test_xml_to_delta_and_ndjson(work):
    src = work / "d.xml"
    src.write_text(ORDERS)
    proc = run("convert", src, work / "d_delta", "-f", "delta", "--row-tag", "order")
    assert proc.returncode == 0, proc.stderr
    import deltalake  # in Tests/requirements.txt: a missing reader is an error, not a skip
    table = deltalake.DeltaTable(str(work / "d_delta")).to_pyarrow_table().to_pydict()
    assert table["@no"] == [1, 2] and table["customer"] == ["Ann", "Bob"]
    proc = run("convert", src, work / "d.ndjson", "--row-tag", "order")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in (work / "d.ndjson").read_text().splitlines()]
    assert [line["item"] for line in lines] == ['["a","b"]', "c"]


def test_external_dtd_is_not_loaded(work):
    # A DOCTYPE that points at an external DTD converts, but the DTD is never read: if it
    # were, its entity declaration would be refused.
    dtd = work / "evil.dtd"
    dtd.write_text('<!ENTITY leak SYSTEM "file:///etc/hostname">')
    src = work / "ext.xml"
    src.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "file://{dtd}">\n<r><i><v>1</v></i><i><v>2</v></i></r>\n')
    atime = dtd.stat().st_atime_ns
    assert convert(src, work / "ext.parquet") == {"v": [1, 2]}
    assert dtd.stat().st_atime_ns == atime
