"""Side-by-side benchmark: dBase (.dbf) → Parquet with pyforge and with dbfread + pyarrow.

Usage: python benchmarks/dbf_to_parquet.py [--rows 1000000] [--runs 3]
"""
import tempfile

from side_by_side import arguments, compare, competitor, ensure_data


def main():
    args = arguments("--rows", "1000000", runs=3)
    out_dir = tempfile.mkdtemp(prefix="pyforge-bench-")
    print("| rows | tool | median s | MB/s | peak RSS MB | output MB |")
    print("|---:|---|---:|---:|---:|---:|")
    for rows in [int(r) for r in args.rows.split(",")]:
        source = ensure_data(f"bench_{rows}.dbf", "generate_dbf.py", rows)
        tools = {
            "pyforge": lambda out: [args.pyforge, "convert", source, out, "--force"],
            "dbfread + pyarrow": lambda out: competitor("dbfread_to_parquet.py", source, out),
        }
        compare(f"{rows:,}", source, tools, args.runs, out_dir)


if __name__ == "__main__":
    main()
