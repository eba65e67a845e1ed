"""XML files as they come (issue #16): records of several kinds beside each other,
attribute-only records, DTDs that declare internal entities; and entity documents that
must still be refused (billion laughs, quadratic blowup, XXE). Values are compared with
lxml's reading of the same file.

Self-contained: the binary is $PYFORGE_BIN, else <repo>/.build/release/pyforge.
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from lxml import etree

from test_xml import BIN, assert_matches_lxml, assert_refused, convert, local, run

KIND_COLUMN = "#row_tag"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path


# --------------------------------------------------------------------------------------
# Two kinds of record
# --------------------------------------------------------------------------------------


def two_kinds_xml(entries: int, others: int, late_column_at: int | None = None) -> str:
    """`entries` <entry> and `others` <entry_3> siblings, interleaved, plus one lone <title>."""
    parts = ['<?xml version="1.0"?>\n<feed>\n<title>t</title>\n']
    every = max(1, (entries + others) // max(1, others))
    written_others = 0
    for i in range(entries + others):
        if written_others < others and i % every == every - 1:
            parts.append(f'<entry_3 id="{i}"><code>c{i}</code><n>{i}</n></entry_3>\n')
            written_others += 1
        else:
            late = f"<late>{i}</late>" if late_column_at is not None and i >= late_column_at else ""
            parts.append(f'<entry id="{i}" kind="k{i % 3}"><v>{i * 2}</v>{late}</entry>\n')
    assert written_others == others
    parts.append("</feed>\n")
    return "".join(parts)


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "left out of the table" in line]


def test_skipped_record_kind_is_named_with_its_exact_count_and_command(work):
    src = work / "feed.xml"
    src.write_text(two_kinds_xml(249, 31))
    proc = run("convert", src, work / "feed.parquet", "--force")
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "feed.parquet").num_rows == 249
    [warning] = warning_lines(proc.stderr)
    assert "31 <entry_3>" in warning and "<entry> records" in warning
    assert "<title>" not in warning  # a lone element beside the records is not a kind of record
    # The suggested command converts the skipped kind, exactly as written.
    command = re.search(r"Convert them with: (pyforge convert .*? --row-tag entry_3);", warning).group(1)
    args = shlex.split(command)
    assert args[:2] == ["pyforge", "convert"]
    done = subprocess.run([str(BIN), *args[1:]], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    table = pq.read_table(args[3]).to_pydict()
    assert len(table["@id"]) == 31
    assert_matches_lxml(table, src, "entry_3")
    # Converted with --row-tag entry_3 the other kind is the skipped one.
    assert any("249 <entry>" in line for line in warning_lines(done.stderr))


def test_counts_are_exact_across_batches_and_a_restart(work):
    # More than one batch of rows (65,536) and a column first seen late (one restart).
    src = work / "big.xml"
    src.write_text(two_kinds_xml(70_000, 3_001, late_column_at=72_000))
    proc = run("convert", src, work / "big.parquet", "--force", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["rows"] == 70_000
    [warning] = [w for w in result["warnings"] if "left out of the table" in w]
    assert "3001 <entry_3>" in warning
    assert any("read again" in w for w in result["warnings"])


def test_row_tag_union_matches_lxml_with_a_column_naming_the_element(work):
    src = work / "feed.xml"
    src.write_text(two_kinds_xml(249, 31))
    proc = run("convert", src, work / "all.parquet", "--force", "--row-tag", "entry,entry_3")
    assert proc.returncode == 0, proc.stderr
    assert warning_lines(proc.stderr) == []
    schema = pq.read_schema(work / "all.parquet")
    assert schema.names[0] == KIND_COLUMN and str(schema.field(KIND_COLUMN).type) == "string"
    table = pq.read_table(work / "all.parquet").to_pydict()
    kinds = table.pop(KIND_COLUMN)
    lxml_kinds = [local(e.tag) for _, e in etree.iterparse(str(src), events=("end",), tag=("entry", "entry_3"))]
    assert kinds == lxml_kinds
    assert kinds.count("entry") == 249 and kinds.count("entry_3") == 31
    assert_matches_lxml(table, src, ("entry", "entry_3"))


def test_row_tag_union_with_namespaces_and_expand(work):
    src = work / "ns.xml"
    src.write_text('<r xmlns:a="urn:a"><a:x id="1"><t>p</t><t>q</t></a:x><y id="2"><t>z</t></y><other/></r>')
    table = convert(src, work / "ns.parquet", "--row-tag", "x,y", "--array-handling", "expand",
                    "--namespace-handling", "prefix")
    assert table == {KIND_COLUMN: ["a:x", "a:x", "y"], "@id": [1, 1, 2], "t": ["p", "q", "z"]}


def test_row_tag_list_must_be_names(work):
    src = work / "feed.xml"
    src.write_text(two_kinds_xml(4, 2))
    for bad in ("entry,,entry_3", "entry,", "a/b,c"):
        proc = run("convert", src, "--row-tag", bad)
        assert proc.returncode != 0 and "--row-tag" in proc.stderr, proc.stderr
    assert not (work / "feed.parquet").exists()


# --------------------------------------------------------------------------------------
# Attribute-only records
# --------------------------------------------------------------------------------------


def test_attribute_only_records_have_only_attribute_columns(work):
    src = work / "items.xml"
    src.write_text('<?xml version="1.0"?>\n<items>\n'
                   + "".join(f'  <item id="{i}" name="n{i}" price="{i}.5"/>\n' for i in range(20))
                   + '  <item id="20" name="a &amp; b"></item>\n</items>\n')
    table = convert(src, work / "items.parquet")
    assert set(table) == {"@id", "@name", "@price"}
    assert_matches_lxml(table, src, "item", {"@price": float})


def test_record_with_text_and_attributes_keeps_its_text_column(work):
    src = work / "t.xml"
    src.write_text('<r><item id="1">first</item><item id="2"/><item id="3">third</item></r>')
    assert convert(src, work / "t.parquet") == {"@id": [1, 2, 3], "item": ["first", None, "third"]}
    # Text that first appears after attribute-only records still gets its column.
    late = work / "late.xml"
    late.write_text("<r>" + '<item id="1"/>' * 3 + '<item id="4">text</item></r>')
    assert convert(late, work / "late.parquet") == {"@id": [1, 1, 1, 4], "item": [None, None, None, "text"]}


# --------------------------------------------------------------------------------------
# Internal entities
# --------------------------------------------------------------------------------------

ENTITY_DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE catalog [
  <!ENTITY company "Acme &amp; Sons">
  <!ENTITY legal "&company; Ltd.&#38;#169;">
  <!ENTITY city 'Zürich'>
  <!ENTITY lines "one&#10;two">
  <!ENTITY answer "42">
  <!ENTITY empty "">
  <!ENTITY company "redeclared: the first declaration wins">
  <!ATTLIST book lang CDATA "&city;">
]>
<catalog>
  <book id="1" maker="&company;" note="&lines;" legal="by &legal; in &city;">
    <title>&legal;</title><count>&answer;</count><where>&city;, &lt;CH&gt;</where><blank>&empty;</blank>
  </book>
  <book id="2" maker="plain &amp; simple" note="x" legal="&#65;&company;">
    <title>Before &company; after</title><count>7</count><where>&lines;</where><blank>b</blank>
  </book>
</catalog>
"""


def test_internal_entities_in_text_and_attributes_match_lxml(work):
    src = work / "entities.xml"
    src.write_text(ENTITY_DOCUMENT, encoding="utf-8")
    table = convert(src, work / "entities.parquet")
    # A DTD default attribute is written like any attribute (lxml leaves defaults out unless
    # asked), and an entity in it is expanded too.
    assert table.pop("@lang") == ["Zürich", "Zürich"]
    assert_matches_lxml(table, src, "book", resolve_entities=True)
    assert table["@maker"][0] == "Acme & Sons"
    assert table["title"][0] == "Acme & Sons Ltd.©"
    assert table["@note"][0] == "one two"  # attribute-value normalization of the replacement text
    assert table["where"][1] == "one\ntwo"
    assert table["count"] == [42, 7]


def test_entities_in_the_records_own_text_and_in_gzip(work):
    import gzip
    text = ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY who "Ann">]>\n'
            '<r><name>&who;</name><name>Bob &amp; &who;</name></r>\n')
    src = work / "n.xml.gz"
    src.write_bytes(gzip.compress(text.encode()))
    assert convert(src, work / "n.parquet") == {"name": ["Ann", "Bob & Ann"]}


# --------------------------------------------------------------------------------------
# Entity documents still refused
# --------------------------------------------------------------------------------------


def lol_entities(levels: int, width: int) -> str:
    declarations = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * width}">' for k in range(1, levels + 1)]
    return "\n".join(declarations)


REFUSED = {
    "billion_laughs": (f'<!DOCTYPE r [\n{lol_entities(9, 10)}\n]>\n<r><i><a>&lol9;</a></i><i><a>1</a></i></r>',
                       "billion laughs"),
    "billion_laughs_in_an_attribute": (f'<!DOCTYPE r [\n{lol_entities(9, 10)}\n]>\n<r><i a="&lol9;"/><i a="1"/></r>',
                                       "billion laughs"),
    "wide_laughs": (f'<!DOCTYPE r [\n{lol_entities(3, 1000)}\n]>\n<r><i><a>&lol3;</a></i><i><a>1</a></i></r>',
                    "billion laughs"),
    "quadratic_blowup": (f'<!DOCTYPE r [<!ENTITY a "{"x" * 100_000}">]>\n<r>' + "<i><v>&a;</v></i>" * 100_000 + "</r>",
                         "billion laughs"),
    "deep_nesting": ("<!DOCTYPE r [\n" + "\n".join(['<!ENTITY d0 "x">'] + [f'<!ENTITY d{k} "&d{k - 1};">' for k in range(1, 20)])
                     + "\n]>\n<r><i><a>&d19;</a></i><i><a>1</a></i></r>", "16 deep"),
    "loop": ('<!DOCTYPE r [<!ENTITY a "x&b;"><!ENTITY b "&a;">]>\n<r><i><a>&a;</a></i><i><a>1</a></i></r>', "loop"),
    "xxe_passwd": ('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<r><i><a>&xxe;</a></i><i><a>1</a></i></r>',
                   "XXE"),
    "xxe_public": ('<!DOCTYPE r [<!ENTITY xxe PUBLIC "-//x//y" "http://127.0.0.1:9/x">]>\n<r><i><a>&xxe;</a></i><i><a>1</a></i></r>',
                   "XXE"),
    "internal_parameter_entity": ("<!DOCTYPE r [<!ENTITY % p \"<!ENTITY x 'y'>\"> %p;]>\n<r><i><a>&x;</a></i><i><a>1</a></i></r>",
                                  "parameter entity"),
    "markup_entity": ('<!DOCTYPE r [<!ENTITY m "<b>x</b>">]>\n<r><i><a>&m;</a></i><i><a>1</a></i></r>', "text only"),
    "undeclared_inner_entity": ('<!DOCTYPE r [<!ENTITY a "x&nope;">]>\n<r><i><a>&a;</a></i><i><a>1</a></i></r>', "nope"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_hostile_entity_documents_are_refused_and_leave_nothing(work, case):
    body, words = REFUSED[case]
    src = work / f"{case}.xml"
    src.write_text(f'<?xml version="1.0"?>\n{body}\n')
    proc = run("convert", src, "--json", timeout=120)
    assert "root:" not in proc.stdout + proc.stderr  # /etc/passwd's first line never shows
    assert_refused(proc, work, f"{case}.xml", "entit", words)
    for command in (["info", src], ["validate", src]):
        assert run(*command, timeout=120).returncode == 1


MUTATION_PIECES = [b"&company;", b"&legal;", b"&nope;", b"<", b">", b'"', b"'", b"&", b";", b"%", b"&#0;",
                   b"&#x110000;", b"&#38;", b"]>", b'<!ENTITY x "&legal;&legal;">', b'<!ENTITY % p "x">', b"%p;",
                   b'<!ENTITY y SYSTEM "file:///etc/passwd">', b"&y;", b"<!ENTITY z \"&z;\">", b"&z;"]


def test_mutated_entity_documents_convert_or_are_refused_never_trap(work):
    # Seeded, so a failure is reproducible: random insertions, deletions and byte changes
    # in a document with nested entities in text, attributes and an ATTLIST default.
    import random
    rng = random.Random(16)
    base = ENTITY_DOCUMENT.encode()
    outcomes = {0: 0, 1: 0}
    for n in range(150):
        data = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(data) + 1)
            choice = rng.random()
            if choice < 0.45:
                data[i:i] = rng.choice(MUTATION_PIECES)
            elif choice < 0.7:
                del data[i:i + rng.randint(1, 6)]
            else:
                data[i:i + 1] = bytes([rng.randrange(256)])
        src = work / "m.xml"
        src.write_bytes(bytes(data))
        proc = run("convert", src, work / "m.parquet", "--force")  # run() fails on a crash marker
        assert proc.returncode in (0, 1), (n, proc.returncode, proc.stderr)
        assert "root:" not in proc.stdout + proc.stderr
        if proc.returncode == 1:
            assert "m.xml" in proc.stderr and not (work / "m.parquet").exists(), (n, proc.stderr)
        outcomes[proc.returncode] += 1
        (work / "m.parquet").unlink(missing_ok=True)
        assert [p.name for p in work.iterdir() if ".pyforge-" in p.name] == []
    assert outcomes[0] > 0 and outcomes[1] > 0, outcomes
