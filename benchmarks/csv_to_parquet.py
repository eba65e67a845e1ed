"""Side-by-side benchmark: CSV → Parquet with pyforge, DuckDB and pyarrow in the same run.

Usage: python benchmarks/csv_to_parquet.py [--rows 1000000,10000000] [--runs 5]

Each tool converts the same generated file; rounds interleave the tools so that machine
noise hits all of them alike. Reports the median wall time, throughput (MB of CSV per
second), the peak RSS (from /usr/bin/time -v) and the output size.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

from side_by_side import measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = sys.executable


def ensure_data(rows):
    path = os.path.join(HERE, "data", f"bench_{rows}.csv")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        print(f"generating {path}", file=sys.stderr)
        subprocess.run([PYTHON, os.path.join(HERE, "generate_csv.py"), str(rows), path + ".tmp"], check=True)
        os.rename(path + ".tmp", path)
    return path


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
        source = ensure_data(rows)
        size_mb = os.path.getsize(source) / 1e6
        stream = rows > 2_000_000
        tools = {
            "pyforge": lambda out: [args.pyforge, "convert", source, out, "--force"],
            "duckdb": lambda out: [PYTHON, os.path.join(HERE, "competitors", "duckdb_csv_to_parquet.py"), source, out],
            "pyarrow" + (" (streaming)" if stream else ""): lambda out: [
                PYTHON, os.path.join(HERE, "competitors", "pyarrow_csv_to_parquet.py"), source, out
            ] + (["--stream"] if stream else []),
        }
        samples = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, command in tools.items():
                out = os.path.join(out_dir, name.split()[0] + ".parquet")
                if os.path.exists(out):
                    os.remove(out)
                seconds, rss, _ = measure(command(out))
                samples[name].append((seconds, rss, os.path.getsize(out) / 1e6))
        for name, runs in samples.items():
            seconds = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            output = runs[-1][2]
            print(f"| {rows:,} ({size_mb:.0f} MB) | {name} | {seconds:.2f} | {size_mb / seconds:.0f} | {rss:.0f} | {output:.1f} |", flush=True)


if __name__ == "__main__":
    main()
