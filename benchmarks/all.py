"""Every format side by side with its peers, in one run, printed as one table.

Usage: python benchmarks/all.py [--quick] [--runs N] [--pyforge PATH] [--baseline PATH] [--data-dir DIR] [--only FORMAT,...]

For each format, several data shapes (narrow/wide, flat/nested, quoted/plain), some from
pyforge's own generators (generate_*.py) and some from numpy + pyarrow
(generate_volume_csv.py) or DuckDB, re-shaped by derived_data.py; inputs are cached in
the data directory (git-ignored benchmarks/data/ by default). Every tool converts the same
input to Parquet; rounds interleave the tools so machine noise hits all alike. Columns:
median wall time, MB/s of the tool's input, peak RSS (/usr/bin/time -v, the largest of
the runs), and the ratio of the median to the best peer's median (below 1: faster than
every peer; XML's goal is 15x lxml, a ratio of 0.067 or less).

Peers: CSV and NDJSON: DuckDB, polars, pyarrow. XLSX: fastexcel + pyarrow, and DuckDB's
excel extension from PyPI's duckdb-extension-excel, which ships a binary for one DuckDB
version only (the newest is 1.5.5, the tests' DuckDB is 2.0.1): it runs from its own
directory, made once with
    pip install --target benchmarks/data/duckdb-excel-peer duckdb==1.5.5 duckdb-extension-excel==1.5.5
and is reported as unavailable without it. XML: lxml iterparse + pyarrow. dBase: no peer
reads .dbf fast (dbfread + pyarrow is far behind), so DuckDB and pyarrow convert the same
rows exported to CSV by pyforge: the honest reference.

--baseline PATH: a second pyforge binary (e.g. the release build of the commit before a change) run
in the same interleaved rounds as "pyforge baseline": a before/after comparison that shares the
machine's noise. It is not a peer (the ratio is still to the best peer).

--quick: tiny inputs and one run, a smoke test of the harness (no timing meaning).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import derived_data
from side_by_side import Unavailable, competitor, measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = sys.executable

# Input sizes: rows (or records, or megabytes for the numpy CSVs) per shape.
SIZES = {
    "full": {"csv": 1_000_000, "volume_mb": 100, "ndjson": 1_000_000, "nested": 500_000, "xlsx": 1_000_000,
             "xlsx_wide": 100_000, "xml": 200_000, "xml_flat": 500_000, "dbf": 1_000_000, "dbf_numeric": 1_000_000},
    "quick": {"csv": 2_000, "volume_mb": 0.3, "ndjson": 2_000, "nested": 2_000, "xlsx": 500,
              "xlsx_wide": 200, "xml": 300, "xml_flat": 2_000, "dbf": 2_000, "dbf_numeric": 2_000},
}


class Inputs:
    """Benchmark inputs, each made once and cached in the data directory."""

    def __init__(self, directory, pyforge):
        self.directory = directory
        self.pyforge = pyforge
        os.makedirs(directory, exist_ok=True)

    def make(self, name, writer):
        path = os.path.join(self.directory, name)
        if not os.path.exists(path):
            print(f"making {path}", file=sys.stderr, flush=True)
            temporary = path + ".tmp" + os.path.splitext(name)[1]
            writer(temporary)
            os.rename(temporary, path)
        return path

    def generated(self, name, script, *arguments):
        return self.make(name, lambda out: subprocess.run(
            [PYTHON, os.path.join(HERE, script), *map(str, arguments), out], check=True, stdout=subprocess.DEVNULL))

    def exported_csv(self, source):
        """SOURCE's rows as CSV, written by pyforge (dBase's honest reference input)."""
        name = os.path.basename(source) + ".csv"
        return self.make(name, lambda out: subprocess.run(
            [self.pyforge, "convert", source, out, "--force"], check=True, capture_output=True))


def cases(inputs, size):
    """(format, shape, source, {tool: (command(out), input path)}); the first tool is pyforge."""
    def pyforge(source):
        return lambda out: [inputs.pyforge, "convert", source, out, "--force"]

    def peer(script, source, *arguments):
        return lambda out: competitor(script, source, out, *arguments)

    def tabular(source, json=False):
        kind = "json" if json else "csv"
        tools = {"pyforge": (pyforge(source), source),
                 "duckdb": (peer(f"duckdb_{kind}_to_parquet.py", source), source),
                 "polars": (peer(f"polars_{kind}_to_parquet.py", source), source),
                 "pyarrow": (peer(f"pyarrow_{kind}_to_parquet.py", source), source)}
        return tools

    mb = size["volume_mb"]
    own_csv = inputs.generated(f"bench_{size['csv']}.csv", "generate_csv.py", size["csv"])
    narrow = inputs.generated(f"volume_narrow_{mb}MB.csv", "generate_volume_csv.py", "narrow", mb)
    wide = inputs.generated(f"volume_wide_{mb}MB.csv", "generate_volume_csv.py", "wide", mb)
    yield "CSV", "8 cols, typed + quoted text (own generator)", own_csv, tabular(own_csv)
    yield "CSV", "6 numeric cols (numpy + pyarrow)", narrow, tabular(narrow)
    yield "CSV", "32 cols, all text quoted (numpy + pyarrow)", wide, tabular(wide)

    own_ndjson = inputs.generated(f"bench_{size['ndjson']}.ndjson", "generate_ndjson.py", size["ndjson"])
    wide_ndjson = inputs.make(f"volume_wide_{mb}MB.ndjson", lambda out: derived_data.ndjson_from_csv(wide, out))
    nested = inputs.make(f"nested_{size['nested']}.ndjson", lambda out: derived_data.nested_ndjson(size["nested"], out))
    yield "NDJSON", "8 fields, flat (own generator)", own_ndjson, tabular(own_ndjson, json=True)
    yield "NDJSON", "32 text fields (DuckDB from numpy CSV)", wide_ndjson, tabular(wide_ndjson, json=True)
    yield "NDJSON", "structs + lists (DuckDB)", nested, tabular(nested, json=True)

    excel_peer = os.path.join(inputs.directory, "duckdb-excel-peer")
    for shape, source in [
        ("8 cols, typed (own generator)", inputs.generated(f"bench_{size['xlsx']}.xlsx", "generate_xlsx.py", size["xlsx"])),
        ("32 text cols (xlsxwriter from numpy CSV)", inputs.make(
            f"volume_wide_{size['xlsx_wide']}.xlsx", lambda out: derived_data.xlsx_from_csv(wide, out, size["xlsx_wide"]))),
    ]:
        duckdb_excel = competitor("duckdb_excel_to_parquet.py", source)
        if os.path.isdir(excel_peer):
            duckdb_excel = ["env", f"PYTHONPATH={excel_peer}"] + duckdb_excel
        yield "XLSX", shape, source, {
            "pyforge": (pyforge(source), source),
            "fastexcel": (peer("fastexcel_to_parquet.py", source), source),
            "duckdb excel": ((lambda command: lambda out: command + [out])(duckdb_excel), source),
        }

    orders = inputs.generated(f"orders_{size['xml']}.xml", "generate_xml.py", size["xml"])
    flat_xml = inputs.make(f"volume_narrow_{size['xml_flat']}.xml",
                           lambda out: derived_data.xml_from_csv(narrow, out, size["xml_flat"]))
    yield "XML", "nested orders, CDATA, namespaces (own generator)", orders, {
        "pyforge": (pyforge(orders), orders), "lxml": (peer("lxml_xml_to_parquet.py", orders, "order"), orders)}
    yield "XML", "flat rows, 6 numeric fields (from numpy CSV)", flat_xml, {
        "pyforge": (pyforge(flat_xml), flat_xml), "lxml": (peer("lxml_xml_to_parquet.py", flat_xml, "row"), flat_xml)}

    for shape, source in [
        ("5 fields: N, C, L, D (own generator)", inputs.generated(f"bench_{size['dbf']}.dbf", "generate_dbf.py", size["dbf"])),
        ("6 numeric N fields (from numpy CSV)", inputs.make(
            f"volume_narrow_{size['dbf_numeric']}.dbf", lambda out: derived_data.dbf_from_csv(narrow, out, size["dbf_numeric"]))),
    ]:
        exported = inputs.exported_csv(source)
        yield "dBase", shape, source, {
            "pyforge": (pyforge(source), source),
            "duckdb (same rows as CSV)": (peer("duckdb_csv_to_parquet.py", exported), exported),
            "pyarrow (same rows as CSV)": (peer("pyarrow_csv_to_parquet.py", exported), exported),
        }


def run_case(tools, runs, out_dir, notes):
    """Per tool: (median s, MB/s, peak RSS MB), or None when the tool is unavailable."""
    samples = {name: [] for name in tools}
    skipped = set()
    for _ in range(runs):
        for name, (command, _) in tools.items():
            if name in skipped:
                continue
            out = os.path.join(out_dir, "out.parquet")
            if os.path.exists(out):
                os.remove(out)
            try:
                seconds, rss, _ = measure(command(out))
            except Unavailable as reason:
                skipped.add(name)
                notes.add(f"{name}: {reason}")
                continue
            except RuntimeError as failure:
                # A peer that cannot read this shape is a finding, not the end of the run.
                skipped.add(name)
                last = [line for line in str(failure).splitlines()
                        if line.strip() and not line.startswith(("\t", "Command "))]
                notes.add(f"{name} failed: {last[-1] if last else failure}")
                continue
            samples[name].append((seconds, rss))
    results = {}
    for name, runs_ in samples.items():
        if not runs_:
            results[name] = None
            continue
        median = statistics.median(s for s, _ in runs_)
        size_mb = os.path.getsize(tools[name][1]) / 1e6
        results[name] = (median, size_mb / median if median > 0 else float("inf"), max(r for _, r in runs_))
    return results


def with_baseline(tools, pyforge, baseline):
    """TOOLS with "pyforge baseline" after "pyforge": the same command run by the BASELINE binary."""
    command, source = tools["pyforge"]
    swapped = (lambda out: [baseline if part == pyforge else part for part in command(out)], source)
    return {"pyforge": tools["pyforge"], "pyforge baseline": swapped,
            **{name: tool for name, tool in tools.items() if name != "pyforge"}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs, one run: a smoke test")
    parser.add_argument("--runs", type=int, help="runs per tool (default 3; 1 with --quick)")
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    parser.add_argument("--baseline", help="another pyforge binary to run beside --pyforge (before/after)")
    parser.add_argument("--data-dir", default=os.path.join(HERE, "data"))
    parser.add_argument("--only", help="comma-separated formats, e.g. CSV,XML")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    size = SIZES["quick" if args.quick else "full"]
    only = {f.strip().lower() for f in args.only.split(",")} if args.only else None
    inputs = Inputs(args.data_dir, args.pyforge)
    out_dir = tempfile.mkdtemp(prefix="pyforge-all-bench-")
    notes = set()
    print("| format | shape | input MB | tool | median s | MB/s | peak RSS MB | ratio to best peer |")
    print("|---|---|---:|---|---:|---:|---:|---:|", flush=True)
    for fmt, shape, source, tools in cases(inputs, size):
        if only and fmt.lower() not in only:
            continue
        if args.baseline:
            tools = with_baseline(tools, args.pyforge, args.baseline)
        results = run_case(tools, runs, out_dir, notes)
        peers = [r[0] for name, r in results.items() if not name.startswith("pyforge") and r]
        best = min(peers) if peers else None
        size_mb = os.path.getsize(source) / 1e6
        for name, result in results.items():
            if result is None:
                print(f"| {fmt} | {shape} | {size_mb:.1f} | {name} | n/a | n/a | n/a | n/a |", flush=True)
                continue
            median, throughput, rss = result
            ratio = f"{median / best:.2f}" if best else "n/a"
            print(f"| {fmt} | {shape} | {size_mb:.1f} | {name} | {median:.2f} | {throughput:.0f} | {rss:.0f} | {ratio} |",
                  flush=True)
    for note in sorted(notes):
        print(f"\nNote: {note}")
    if not os.path.isdir(os.path.join(args.data_dir, "duckdb-excel-peer")):
        print("\nNote: duckdb excel ran with the tests' DuckDB, for which PyPI has no excel extension (its newest,"
              " 1.5.5, loads only into DuckDB 1.5.5). For the peer: pip install --target"
              f" {os.path.join(args.data_dir, 'duckdb-excel-peer')} duckdb==1.5.5 duckdb-extension-excel==1.5.5")


if __name__ == "__main__":
    main()
