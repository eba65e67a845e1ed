"""Checks a Parquet file against an expectation written by the Swift tests, reading it
with two independent readers: pyarrow and DuckDB.

Usage: python parquet_check.py EXPECTATION.json

Values are compared in a canonical form so that nothing is lost in translation:
integers, dates and timestamps as decimal strings of their stored integers, doubles as
the hex of their IEEE-754 bits (NaN, -0.0 and infinities exact), decimals as their
unscaled integers, binary as base64. A value may also be {"sha256": ..., "length": ...}
for huge strings.
"""
import base64
import hashlib
import json
import struct
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq


def canonical_values(array):
    t = array.type
    if pa.types.is_dictionary(t):
        array = array.cast(t.value_type)
        t = array.type
    if pa.types.is_date32(t):
        return [None if v is None else str(v) for v in array.cast(pa.int32()).to_pylist()]
    if pa.types.is_timestamp(t):
        return [None if v is None else str(v) for v in array.cast(pa.int64()).to_pylist()]
    if pa.types.is_floating(t):
        return [None if v is None else struct.pack("<d", v).hex() for v in array.to_pylist()]
    if pa.types.is_integer(t):
        return [None if v is None else str(v) for v in array.to_pylist()]
    if pa.types.is_decimal(t):
        out = []
        for v in array.to_pylist():
            if v is None:
                out.append(None)
                continue
            sign, digits, exponent = v.as_tuple()
            n = int("".join(map(str, digits)) or "0")
            shift = exponent + t.scale
            n = n * 10**shift if shift >= 0 else n // 10 ** (-shift)
            out.append(str(-n if sign else n))
        return out
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return [None if v is None else "b:" + base64.b64encode(v).decode() for v in array.to_pylist()]
    return array.to_pylist()


def matches(expected, actual):
    if isinstance(expected, dict) and "sha256" in expected:
        if actual is None:
            return False
        data = actual.encode("utf-8") if isinstance(actual, str) else actual
        return len(data) == expected["length"] and hashlib.sha256(data).hexdigest() == expected["sha256"]
    return expected == actual


def describe(value):
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


def compare_table(reader, table, spec, errors):
    if table.num_rows != spec["rows"]:
        errors.append(f"{reader}: {table.num_rows} rows, expected {spec['rows']}")
        return
    names = [c["name"] for c in spec["columns"]]
    if table.column_names != names:
        errors.append(f"{reader}: columns {table.column_names}, expected {names}")
        return
    for column in spec["columns"]:
        actual = canonical_values(table.column(column["name"]).combine_chunks())
        expected = column.get("values")
        if expected is None:
            continue
        if len(actual) != len(expected):
            errors.append(f"{reader}: column {column['name']} has {len(actual)} values, expected {len(expected)}")
            continue
        for i, (e, a) in enumerate(zip(expected, actual)):
            if not matches(e, a):
                errors.append(f"{reader}: column {column['name']} row {i}: {describe(a)} != expected {describe(e)}")
                break


def check_metadata(path, spec, errors):
    parquet = pq.ParquetFile(path)
    meta = parquet.metadata
    schema = parquet.schema_arrow
    for column in spec["columns"]:
        field = schema.field(column["name"])
        if "arrow_type" in column and str(field.type) != column["arrow_type"]:
            errors.append(f"pyarrow: column {column['name']} type {field.type}, expected {column['arrow_type']}")
        if "nullable" in column and field.nullable != column["nullable"]:
            errors.append(f"pyarrow: column {column['name']} nullable={field.nullable}, expected {column['nullable']}")
    if "row_groups" in spec and meta.num_row_groups != spec["row_groups"]:
        errors.append(f"pyarrow: {meta.num_row_groups} row groups, expected {spec['row_groups']}")
    if "created_by_prefix" in spec and not (meta.created_by or "").startswith(spec["created_by_prefix"]):
        errors.append(f"pyarrow: created_by {meta.created_by!r}")
    for key, value in spec.get("key_value", {}).items():
        kv = meta.metadata or {}
        if kv.get(key.encode()) != value.encode():
            errors.append(f"pyarrow: key/value metadata {key!r} is {kv.get(key.encode())!r}, expected {value!r}")
    names = [c["name"] for c in spec["columns"]]
    for rg in range(meta.num_row_groups):
        group = meta.row_group(rg)
        for ci in range(group.num_columns):
            chunk = group.column(ci)
            if "codec" in spec and chunk.compression != spec["codec"]:
                errors.append(f"pyarrow: row group {rg} column {ci} codec {chunk.compression}, expected {spec['codec']}")
            name = names[ci]
            need = spec.get("encodings", {}).get(name)
            if need and rg == 0:
                missing = [e for e in need if e not in chunk.encodings]
                if missing:
                    errors.append(f"pyarrow: column {name} encodings {chunk.encodings} lack {missing}")
            forbid = spec.get("forbidden_encodings", {}).get(name)
            if forbid:
                present = [e for e in forbid if e in chunk.encodings]
                if present:
                    errors.append(f"pyarrow: column {name} row group {rg} uses {present}")
    for name, expected in spec.get("statistics", {}).items():
        ci = names.index(name)
        stats = meta.row_group(0).column(ci).statistics
        if stats is None:
            errors.append(f"pyarrow: column {name} has no statistics")
            continue
        if "null_count" in expected and stats.null_count != expected["null_count"]:
            errors.append(f"pyarrow: column {name} null_count {stats.null_count}, expected {expected['null_count']}")
        if "min" in expected or "max" in expected:
            if not stats.has_min_max:
                errors.append(f"pyarrow: column {name} statistics have no min/max")
                continue
            field_type = schema.field(name).type
            for key, got in (("min", stats.min), ("max", stats.max)):
                if key not in expected:
                    continue
                canon = canonical_values(pa.array([got], type=field_type))[0]
                if not matches(expected[key], canon):
                    errors.append(f"pyarrow: column {name} {key} {describe(canon)}, expected {describe(expected[key])}")
        if expected.get("no_min_max") and stats.has_min_max:
            errors.append(f"pyarrow: column {name} should have no min/max")


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    path = spec["path"]
    errors = []
    try:
        compare_table("pyarrow", pq.read_table(path), spec, errors)
        check_metadata(path, spec, errors)
    except Exception as exc:  # a reader rejecting the file is a failure to report, not a crash
        errors.append(f"pyarrow failed: {type(exc).__name__}: {exc}")
    if not spec.get("skip_duckdb"):
        try:
            con = duckdb.connect()
            con.execute("SET TimeZone='UTC'")
            literal = "'" + path.replace("'", "''") + "'"
            table = con.sql(f"SELECT * FROM read_parquet({literal})").to_arrow_table()
            compare_table("duckdb", table, spec, errors)
        except Exception as exc:
            errors.append(f"duckdb failed: {type(exc).__name__}: {exc}")
    if errors:
        print("\n".join(errors[:40]), file=sys.stderr)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
