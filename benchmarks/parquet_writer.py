"""Side-by-side benchmark of the Parquet writer alone: pyforge's writer (Swift, via the
parquet-write-benchmark executable) and pyarrow's pq.write_table, on the same 1,000,000-row,
8-column typed table, per codec. Throughput is MB/s of the Arrow table's in-memory size.
Both outputs are read back and compared, so a fast wrong writer cannot win.

Usage: python benchmarks/parquet_writer.py [--rows N] [--runs 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REGIONS = ["north", "south", "east", "west", "central", "online", "wholesale", "retail"]


def make_table(rows):
    i = np.arange(rows, dtype=np.int64)
    quantity = pa.array((i * 13) % 500, mask=(i % 10 == 0))
    return pa.table({
        "id": pa.array(i),
        "amount": pa.array(((i * 7919) % 10_000_000) / 100.0),
        "day": pa.array((10_957 + (i * 31) % 9_000).astype(np.int32)).cast(pa.date32()),
        "ts": pa.array(1_577_836_800_000_000 + i * 1_000_003).cast(pa.timestamp("us")),
        "region": pa.array([REGIONS[(k * 7) % 8] for k in range(rows)]),
        "active": pa.array(i % 3 == 0),
        "quantity": quantity,
        "comment": pa.array([f"comment {k % 997} for order {k}" for k in range(rows)]),
    })


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "parquet-write-benchmark"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    out_dir = tempfile.mkdtemp(prefix="pyforge-writer-bench-")
    table = make_table(args.rows)
    megabytes = table.nbytes / 1e6
    binary = os.path.join(ROOT, ".build", "release", "parquet-write-benchmark")
    ours = {}
    result = subprocess.run([binary, str(args.rows), str(args.runs), out_dir], check=True, capture_output=True, text=True)
    for line in result.stdout.splitlines():
        record = json.loads(line)
        ours[record["codec"]] = record
    print(f"Table: {args.rows:,} rows, 8 columns, {megabytes:.0f} MB in memory (Arrow). Medians of {args.runs} runs.\n")
    print("| codec | pyforge s | pyforge MB/s | pyforge file MB | pyarrow s | pyarrow MB/s | pyarrow file MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for codec in ["snappy", "zstd", "gzip", "uncompressed"]:
        path = os.path.join(out_dir, f"pyarrow-{codec}.parquet")
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            pq.write_table(table, path, compression="none" if codec == "uncompressed" else codec)
            times.append(time.perf_counter() - started)
        theirs = statistics.median(times)
        mine = ours[codec]
        written = pq.read_table(mine["path"])
        if not written.equals(table):
            raise SystemExit(f"pyforge's {codec} file does not read back equal to the table")
        print(f"| {codec} | {mine['median_seconds']:.3f} | {megabytes / mine['median_seconds']:.0f} | "
              f"{os.path.getsize(mine['path']) / 1e6:.1f} | {theirs:.3f} | {megabytes / theirs:.0f} | "
              f"{os.path.getsize(path) / 1e6:.1f} |", flush=True)


if __name__ == "__main__":
    main()
