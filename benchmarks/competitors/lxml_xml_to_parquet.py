"""lxml iterparse + pyarrow: the XML benchmark's Python baseline.

Usage: python lxml_xml_to_parquet.py INPUT.xml OUTPUT.parquet [RECORD_TAG]
Flattens each record the way pyforge's defaults do (attributes as @name, nested elements
as dotted names, repeated children as JSON arrays of strings, local names), builds the
table in batches and writes it with pyarrow.
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq
from lxml import etree


def local(tag):
    return tag.rsplit("}", 1)[-1]


def flatten(element, prefix, out):
    for name, value in element.attrib.items():
        out.setdefault(prefix + "@" + local(name), []).append(value)
    children = list(element)
    text = (element.text or "").strip()
    if not children:
        out.setdefault(prefix[:-1] if prefix else local(element.tag), []).append(text)
        return
    for child in children:
        flatten(child, prefix + local(child.tag) + ".", out)


def record(element):
    values = {}
    for name, value in element.attrib.items():
        values.setdefault("@" + local(name), []).append(value)
    for child in element:
        flatten(child, local(child.tag) + ".", values)
    return {k: (v[0] or None) if len(v) == 1 else json.dumps([x or None for x in v], ensure_ascii=False) for k, v in values.items()}


def main():
    source, target = sys.argv[1], sys.argv[2]
    tag = sys.argv[3] if len(sys.argv) > 3 else "order"
    rows = []
    for _, element in etree.iterparse(source, events=("end",), tag=tag, resolve_entities=False):
        rows.append(record(element))
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, target, compression="snappy")


if __name__ == "__main__":
    main()
