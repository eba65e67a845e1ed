"""Side-by-side benchmark: XML → Parquet with pyforge and with lxml iterparse + pyarrow.

Usage: python benchmarks/xml_to_parquet.py [--records 200000] [--runs 3]

Both convert the same generated file of nested <order> records (~700 bytes each, cached
under benchmarks/data/); rounds interleave the tools so machine noise hits both alike.
Reports the median wall time, throughput (MB of XML per second), the median CPU time
(user + system), the peak RSS (from /usr/bin/time -v), the output size, and the wall-time
speed-up over lxml. pyforge parses and writes on two threads, so on a busy machine its
wall time suffers more than the single-threaded baseline's; the CPU column shows the work.
"""
import argparse
import os
import statistics
import sys
import tempfile

from side_by_side import ensure_data, measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = sys.executable


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    args = parser.parse_args()
    source = ensure_data(f"orders_{args.records}.xml", "generate_xml.py", args.records)
    size_mb = os.path.getsize(source) / 1e6
    out_dir = tempfile.mkdtemp(prefix="pyforge-xml-bench-")
    tools = {
        "pyforge": lambda out: [args.pyforge, "convert", source, out, "--force"],
        "lxml iterparse + pyarrow": lambda out: [
            PYTHON, os.path.join(HERE, "competitors", "lxml_xml_to_parquet.py"), source, out, "order"],
    }
    samples = {name: [] for name in tools}
    for _ in range(args.runs):
        for name, command in tools.items():
            out = os.path.join(out_dir, name.split()[0] + ".parquet")
            if os.path.exists(out):
                os.remove(out)
            samples[name].append(measure(command(out)) + (os.path.getsize(out) / 1e6,))
    medians = {name: statistics.median(r[0] for r in runs) for name, runs in samples.items()}
    print("| records | tool | median s | MB/s | CPU s | peak RSS MB | output MB | speed-up |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in samples.items():
        seconds = medians[name]
        rss = max(r[1] for r in runs)
        speedup = medians["lxml iterparse + pyarrow"] / seconds
        cpu = statistics.median(r[2] for r in runs)
        print(f"| {args.records:,} ({size_mb:.0f} MB) | {name} | {seconds:.2f} | {size_mb / seconds:.1f} | {cpu:.2f} | {rss:.0f} | "
              f"{runs[-1][3]:.1f} | {speedup:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
