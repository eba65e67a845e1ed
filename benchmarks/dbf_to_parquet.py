"""Side-by-side benchmark: dBase (.dbf) → Parquet with pyforge and with dbfread + pyarrow.

Usage: python benchmarks/dbf_to_parquet.py [--rows 1000000] [--runs 3]
"""
import argparse
import os
import sys
import tempfile

from side_by_side import compare, ensure_data

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    args = parser.parse_args()
    out_dir = tempfile.mkdtemp(prefix="pyforge-bench-")
    print("| rows | tool | median s | MB/s | peak RSS MB | output MB |")
    print("|---:|---|---:|---:|---:|---:|")
    for rows in [int(r) for r in args.rows.split(",")]:
        source = ensure_data(f"bench_{rows}.dbf", "generate_dbf.py", rows)
        tools = {
            "pyforge": lambda out: [args.pyforge, "convert", source, out, "--force"],
            "dbfread + pyarrow": lambda out: [sys.executable, os.path.join(HERE, "competitors", "dbfread_to_parquet.py"), source, out],
        }
        compare(f"{rows:,}", source, tools, args.runs, out_dir)


if __name__ == "__main__":
    main()
