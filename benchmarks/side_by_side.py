"""Shared helpers for the side-by-side benchmarks: run a command under /usr/bin/time -v
and read its wall time and peak RSS; run several tools round-robin and report medians."""
import argparse
import os
import re
import statistics
import subprocess
import sys


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def arguments(size_flag, default, runs, kind=str):
    """The options every benchmark takes: its input size, --runs and --pyforge."""
    parser = argparse.ArgumentParser()
    parser.add_argument(size_flag, type=kind, default=default)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    return parser.parse_args()


def competitor(script, *arguments):
    """The command running benchmarks/competitors/SCRIPT with this Python."""
    return [sys.executable, os.path.join(HERE, "competitors", script), *arguments]


class Unavailable(Exception):
    """A competitor that cannot run here (e.g. a DuckDB extension that must be downloaded)."""


def measure(command):
    """Wall seconds, peak RSS in MB and CPU seconds of one run."""
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True)
    if result.returncode == 3 and "unavailable" in result.stderr:
        raise Unavailable(result.stderr.strip().splitlines()[0])
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr[-2000:]}")
    return time_report(result.stderr)


def time_report(stderr):
    """Wall seconds, peak RSS in MB and CPU seconds from the report `/usr/bin/time -v` appends
    to a command's stderr."""
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr).group(1))
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", stderr).group(1)) for kind in ("User", "System"))
    return seconds, rss_kb / 1024, cpu


def compare(label, source, tools, runs, out_dir):
    """tools: name -> function(output_path) -> command. Prints markdown rows."""
    size_mb = os.path.getsize(source) / 1e6
    samples = {name: [] for name in tools}
    for _ in range(runs):
        for name, command in tools.items():
            out = os.path.join(out_dir, name.split()[0] + ".parquet")
            if os.path.exists(out):
                os.remove(out)
            seconds, rss, _ = measure(command(out))
            samples[name].append((seconds, rss, os.path.getsize(out) / 1e6))
    for name, results in samples.items():
        seconds = statistics.median(r[0] for r in results)
        rss = max(r[1] for r in results)
        print(f"| {label} ({size_mb:.0f} MB) | {name} | {seconds:.2f} | {size_mb / seconds:.0f} | {rss:.0f} | {results[-1][2]:.1f} |", flush=True)


def ensure_data(name, generator, count):
    """benchmarks/data/NAME, made by `generator COUNT PATH` (a script beside this one) once."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "data", name)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        print(f"generating {path}", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(here, generator), str(count), path + ".tmp"], check=True)
        os.rename(path + ".tmp", path)
    return path
