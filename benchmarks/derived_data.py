"""Benchmark inputs derived from data pyforge's own generators did not make: the numpy +
pyarrow CSVs of generate_volume_csv.py re-shaped into NDJSON, XLSX, XML and dBase, and
nested NDJSON made by DuckDB. Each maker writes PATH from SOURCE (or from nothing)."""
import struct

import duckdb
import pyarrow.csv as pcsv


def ndjson_from_csv(source, path):
    """The CSV's rows as NDJSON, written by DuckDB (its types, its escaping)."""
    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{source}')) TO '{path}' (FORMAT json)")


def nested_ndjson(records, path):
    """Records with a struct, a list of structs and a list of numbers, written by DuckDB."""
    duckdb.connect().execute(f"""
        COPY (SELECT i AS id,
                     {{'name': 'customer ' || (i % 5000), 'city': ['Paris', 'Zürich', 'Kraków'][1 + i % 3],
                       'geo': {{'lat': (i % 180) - 90.5, 'lon': (i % 360) - 180.25}}}} AS customer,
                     [{{'sku': 'SKU-' || (i * 7 % 99991), 'qty': 1 + i % 9}},
                      {{'sku': 'SKU-' || (i * 13 % 99991), 'qty': 1 + i % 4}}] AS items,
                     [i % 10, i % 7, i % 3] AS scores,
                     (i % 3 = 0) AS priority
              FROM range({records}) t(i))
        TO '{path}' (FORMAT json)""")


def xlsx_from_csv(source, path, rows):
    """The first ROWS rows of the CSV as one sheet of inline text and numbers (xlsxwriter)."""
    import xlsxwriter

    table = pcsv.read_csv(source).slice(0, rows)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("data")
    sheet.write_row(0, 0, table.column_names)
    columns = [column.to_pylist() for column in table.columns]
    for r in range(table.num_rows):
        for c, column in enumerate(columns):
            if column[r] is not None:
                sheet.write(r + 1, c, column[r])
    workbook.close()


def xml_from_csv(source, path, rows):
    """The first ROWS rows of the CSV as flat <row> records of one element per column."""
    table = pcsv.read_csv(source).slice(0, rows)
    names = table.column_names
    columns = [column.to_pylist() for column in table.columns]
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rows>\n')
        for r in range(table.num_rows):
            out.write("<row>" + "".join(f"<{n}>{columns[c][r]}</{n}>" for c, n in enumerate(names)) + "</row>\n")
        out.write("</rows>\n")


def dbf_from_csv(source, path, rows):
    """The first ROWS rows of a numeric CSV as a dBase III table of N fields, 20 wide with
    the decimals each column needs (at most 8)."""
    table = pcsv.read_csv(source).slice(0, rows)
    columns = [column.to_pylist() for column in table.columns]
    decimals = [0 if all(isinstance(v, int) for v in column[:1000]) else 8 for column in columns]
    fields = [(name.upper()[:10].encode(), 20, d) for name, d in zip(table.column_names, decimals)]
    record_length = 1 + 20 * len(fields)
    with open(path, "wb") as out:
        out.write(struct.pack("<BBBBIHH20x", 0x03, 126, 12, 7, table.num_rows, 32 + 32 * len(fields) + 1, record_length))
        for name, length, d in fields:
            out.write(struct.pack("<11sc4xBB14x", name.ljust(11, b"\0"), b"N", length, d))
        out.write(b"\r")
        for r in range(table.num_rows):
            out.write(b" " + b"".join(f"{columns[c][r]:20.{d}f}".encode()[:20] for c, (_, _, d) in enumerate(fields)))
        out.write(b"\x1a")
