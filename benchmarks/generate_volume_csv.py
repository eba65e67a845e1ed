"""Writes the CSVs of databricks_volume.py with numpy and pyarrow's CSV writer, not with
pyforge's own generate_csv.py, so neither the data's shape nor its quoting follows pyforge's
assumptions. Deterministic (a fixed seed); stops at the first batch that reaches the size.

  narrow  6 numeric columns: int64 ids, small and large (negative) integers, floats rounded
          to 2 decimals, full-precision doubles (some in exponent notation)
  wide    an id and 31 text columns; pyarrow quotes every text value, and the words carry
          commas, doubled quotes, apostrophes and non-ASCII letters; 2 % of the values empty

Usage: python generate_volume_csv.py narrow|wide MEGABYTES OUT.csv
Prints the number of data rows written.
"""
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

WORDS = pa.array(["invoice", "Müller", "São Paulo", 'the 5" disk', "a, b and c", "naïve", "résumé", "北京市",
                  "O'Brien", "n/a", "shipped", "returned", "-42", "3.14 units", 'say "hi"', "Zürich, CH",
                  "overdue", "paid", "partial", "ok"])
TEXT_COLUMNS = 31


def narrow(rng, first, count):
    return pa.table({
        "id": np.arange(first, first + count, dtype=np.int64),
        "sensor": rng.integers(0, 5000, count),
        "reading": np.round(rng.normal(20.0, 15.0, count), 2),
        "drift": rng.standard_normal(count) * 1e-3,
        "total": rng.integers(-1_000_000, 10_000_000_000, count),
        "ratio": rng.random(count),
    })


def wide(rng, first, count):
    columns = {"id": pa.array(np.arange(first, first + count, dtype=np.int64))}
    for index in range(TEXT_COLUMNS):
        words = [WORDS.take(rng.integers(0, len(WORDS), count)) for _ in range(3)]
        text = pc.binary_join_element_wise(*words, " ")
        empty = pa.array(rng.random(count) < 0.02)
        columns[f"text_{index:02d}"] = pc.if_else(empty, pa.scalar(None, pa.string()), text)
    return pa.table(columns)


def main():
    shape, megabytes, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    make, largest_batch = {"narrow": (narrow, 200_000), "wide": (wide, 10_000)}[shape]
    target = int(megabytes * 1_000_000)
    rng = np.random.default_rng(20261207)
    rows = 0
    with open(out, "wb") as sink:
        writer = None
        while sink.tell() < target:
            # A small first batch gives the bytes per row; later batches are sized from it so
            # that the file ends near the target.
            if not rows:
                batch_rows = min(largest_batch, 1000)
            else:
                per_row = sink.tell() / rows
                batch_rows = max(1, min(largest_batch, int((target - sink.tell()) / per_row) + 1))
            table = make(rng, rows, batch_rows)
            if writer is None:
                writer = pcsv.CSVWriter(sink, table.schema)
            writer.write_table(table)
            rows += batch_rows
            sink.flush()
        writer.close()
    print(rows)


if __name__ == "__main__":
    main()
