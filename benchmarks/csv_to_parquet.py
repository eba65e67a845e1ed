"""Side-by-side benchmark: CSV → Parquet with pyforge, DuckDB and pyarrow in the same run.

Usage: python benchmarks/csv_to_parquet.py [--rows 1000000,10000000] [--runs 5]

Each tool converts the same generated file; rounds interleave the tools so that machine
noise hits all of them alike. Reports the median wall time, throughput (MB of CSV per
second), the peak RSS (from /usr/bin/time -v) and the output size.
"""
import tempfile

from side_by_side import arguments, compare, competitor, ensure_data


def main():
    args = arguments("--rows", "1000000", runs=5)
    out_dir = tempfile.mkdtemp(prefix="pyforge-bench-")
    print("| rows | tool | median s | MB/s | peak RSS MB | output MB |")
    print("|---:|---|---:|---:|---:|---:|")
    for rows in [int(r) for r in args.rows.split(",")]:
        source = ensure_data(f"bench_{rows}.csv", "generate_csv.py", rows)
        stream = rows > 2_000_000
        tools = {
            "pyforge": lambda out: [args.pyforge, "convert", source, out, "--force"],
            "duckdb": lambda out: competitor("duckdb_csv_to_parquet.py", source, out),
            "pyarrow" + (" (streaming)" if stream else ""): lambda out: competitor(
                "pyarrow_csv_to_parquet.py", source, out, *(["--stream"] if stream else [])),
        }
        compare(f"{rows:,}", source, tools, args.runs, out_dir)

if __name__ == "__main__":
    main()
