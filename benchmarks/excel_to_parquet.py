"""Side-by-side benchmark: Excel (.xlsx) → Parquet with pyforge, fastexcel and DuckDB.

Usage: python benchmarks/excel_to_parquet.py [--rows 100000,1000000] [--runs 3]

The workbooks (8 columns: int, shared string, double, int, date, datetime, boolean,
sparse text) are generated deterministically by generate_xlsx.py with xlsxwriter in
constant-memory mode and cached under benchmarks/data/ (git-ignored). Rounds interleave
the tools so machine noise hits all alike. Reports the median wall time, throughput (MB
of .xlsx per second), peak RSS (from /usr/bin/time -v) and output size. DuckDB's excel
extension is skipped, with a note, when it cannot be loaded or installed (offline).
Requirements: benchmarks/requirements.txt.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

from side_by_side import Unavailable, measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = sys.executable


def ensure_data(rows):
    path = os.path.join(HERE, "data", f"bench_{rows}.xlsx")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        print(f"generating {path}", file=sys.stderr)
        subprocess.run([PYTHON, os.path.join(HERE, "generate_xlsx.py"), str(rows), path + ".tmp"], check=True)
        os.rename(path + ".tmp", path)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    args = parser.parse_args()
    out_dir = tempfile.mkdtemp(prefix="pyforge-excel-bench-")
    notes = []
    lines = ["| rows | tool | median s | MB/s | peak RSS MB | output MB |", "|---:|---|---:|---:|---:|---:|"]
    for rows in [int(r) for r in args.rows.split(",")]:
        source = ensure_data(rows)
        size_mb = os.path.getsize(source) / 1e6
        tools = {
            "pyforge": lambda out: [args.pyforge, "convert", source, out, "--force"],
            "fastexcel + pyarrow": lambda out: [PYTHON, os.path.join(HERE, "competitors", "fastexcel_to_parquet.py"), source, out],
            "duckdb (excel ext.)": lambda out: [PYTHON, os.path.join(HERE, "competitors", "duckdb_excel_to_parquet.py"), source, out],
        }
        timings = {name: [] for name in tools}
        skipped = set()
        for _ in range(args.runs):
            for name, command in tools.items():
                if name in skipped:
                    continue
                out = os.path.join(out_dir, f"{rows}_{name.split()[0]}.parquet")
                if os.path.exists(out):
                    os.remove(out)
                try:
                    timings[name].append((*measure(command(out))[:2], os.path.getsize(out) / 1e6))
                except Unavailable as reason:
                    skipped.add(name)
                    notes.append(f"{name}: {reason}")
        for name, runs in timings.items():
            if not runs:
                lines.append(f"| {rows:,} | {name} | n/a | n/a | n/a | n/a |")
                continue
            median = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            lines.append(f"| {rows:,} | {name} | {median:.2f} | {size_mb / median:.1f} | {rss:.0f} | {runs[-1][2]:.1f} |")
        print(f"{rows:,} rows: {size_mb:.1f} MB .xlsx", file=sys.stderr)
    print("\n".join(lines))
    for note in sorted(set(notes)):
        print(f"\nNote: {note}")


if __name__ == "__main__":
    main()
