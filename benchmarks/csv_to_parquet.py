"""Side-by-side benchmark: CSV → Parquet with pyforge, DuckDB and pyarrow in the same run.

Usage: python benchmarks/csv_to_parquet.py [--rows 1000000,10000000] [--runs 5]

Each tool converts the same generated file; rounds interleave the tools so that machine
noise hits all of them alike. Reports the median wall time, throughput (MB of CSV per
second), the peak RSS (from /usr/bin/time -v) and the output size.
"""
import argparse
import os
import sys
import tempfile

from side_by_side import compare, ensure_data

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = sys.executable


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    args = parser.parse_args()
    out_dir = tempfile.mkdtemp(prefix="pyforge-bench-")
    print("| rows | tool | median s | MB/s | peak RSS MB | output MB |")
    print("|---:|---|---:|---:|---:|---:|")
    for rows in [int(r) for r in args.rows.split(",")]:
        source = ensure_data(f"bench_{rows}.csv", "generate_csv.py", rows)
        stream = rows > 2_000_000
        tools = {
            "pyforge": lambda out: [args.pyforge, "convert", source, out, "--force"],
            "duckdb": lambda out: [PYTHON, os.path.join(HERE, "competitors", "duckdb_csv_to_parquet.py"), source, out],
            "pyarrow" + (" (streaming)" if stream else ""): lambda out: [
                PYTHON, os.path.join(HERE, "competitors", "pyarrow_csv_to_parquet.py"), source, out
            ] + (["--stream"] if stream else []),
        }
        compare(f"{rows:,}", source, tools, args.runs, out_dir)

if __name__ == "__main__":
    main()
