"""The Spark engine against the core engine, on this machine, for the auto threshold.

Usage: python benchmarks/spark_vs_core.py [--rows 100000,1000000] [--runs 5]

Converts the same generated CSV with `pyforge convert --engine core` and with
`--engine spark` through the Databricks extension and a local Spark Connect server
(scripts/spark-connect-server, pyspark 4.3.0, local[2]). "cold" is the first conversion
after the server started (JVM warm-up); "warm" the median of later ones. From the two
sizes it fits Spark's fixed cost and rate and prints the input size from which Spark
would win here (none, when its rate does not beat the core engine's).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

import pyarrow.parquet as pq

from side_by_side import ensure_data, measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SERVER = os.path.join(ROOT, "scripts", "spark-connect-server")
# The benchmark's server keeps its PID and logs apart from the one scripts/test starts.
STATE = os.path.join(ROOT, ".build", "spark-connect-benchmark")
os.environ["PYFORGE_SPARK_STATE"] = STATE


def start_server(port):
    return subprocess.run([SERVER, "start", str(port)], capture_output=True, text=True, check=True).stdout.strip()


def stop_server():
    subprocess.run([SERVER, "stop"], capture_output=True)


def server_peak_rss_mb():
    pid_dir = os.path.join(STATE, "pids")
    for name in os.listdir(pid_dir) if os.path.isdir(pid_dir) else []:
        with open(os.path.join(pid_dir, name)) as handle:
            pid = handle.read().strip()
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=2)
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    parser.add_argument("--extension", default=os.path.join(ROOT, "extensions", "databricks", ".build", "release", "pyforge-databricks"))
    args = parser.parse_args()

    extensions = tempfile.mkdtemp(prefix="pyforge-ext-")
    os.makedirs(os.path.join(extensions, "databricks"))
    shutil.copy2(args.extension, os.path.join(extensions, "databricks", "pyforge-databricks"))
    shutil.copy2(os.path.join(ROOT, "extensions", "databricks", "pyforge-extension.json"), os.path.join(extensions, "databricks"))
    out_dir = tempfile.mkdtemp(prefix="pyforge-bench-")
    out = os.path.join(out_dir, "out.parquet")
    port = 15012

    def run(engine, source, remote):
        env_before = dict(os.environ)
        os.environ.update({"PYFORGE_EXTENSIONS_PATH": extensions, "SPARK_REMOTE": remote})
        try:
            sample = measure([args.pyforge, "convert", source, out, "--engine", engine, "--force"])
        finally:
            os.environ.clear()
            os.environ.update(env_before)
        # A Spark failure falls back to the core engine: make sure Spark wrote this file.
        created_by = pq.read_metadata(out).created_by
        if (engine == "spark") != ("parquet-mr" in created_by):
            raise RuntimeError(f"--engine {engine} wrote a file created by {created_by!r}")
        return sample

    print("| rows | input MB | engine | median s | MB/s | pyforge peak RSS MB | Spark server peak RSS MB |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    fits = {}
    for rows in [int(r) for r in args.rows.split(",")]:
        source = ensure_data(f"bench_{rows}.csv", "generate_csv.py", rows)
        size_mb = os.path.getsize(source) / 1e6
        cold = []
        for _ in range(args.cold_runs):
            stop_server()
            remote = start_server(port)
            cold.append(run("spark", source, remote))
        core, warm = [], []
        for _ in range(args.runs):
            core.append(run("core", source, remote))
            warm.append(run("spark", source, remote))
        server_rss = server_peak_rss_mb()
        for label, samples, rss_server in (("core", core, ""), ("spark, cold server", cold, ""), ("spark, warm", warm, f"{server_rss:.0f}")):
            seconds = statistics.median(s[0] for s in samples)
            print(f"| {rows:,} | {size_mb:.0f} | {label} | {seconds:.2f} | {size_mb / seconds:.0f} | {max(s[1] for s in samples):.0f} | {rss_server} |", flush=True)
        fits[size_mb] = (statistics.median(s[0] for s in core), statistics.median(s[0] for s in warm))
    stop_server()
    if len(fits) >= 2:
        (small, (core_small, spark_small)), (large, (core_large, spark_large)) = sorted(fits.items())[0], sorted(fits.items())[-1]
        spark_rate = (large - small) / max(spark_large - spark_small, 1e-9)
        spark_fixed = spark_small - small / spark_rate
        core_rate = (large - small) / max(core_large - core_small, 1e-9)
        print(f"\nSpark here: {spark_fixed:.2f} s fixed + {spark_rate:.0f} MB/s; core engine: {core_rate:.0f} MB/s.")
        if spark_rate <= core_rate:
            print("Spark never catches up on this machine: the auto threshold for a non-Databricks endpoint is 'never'.")
        else:
            print(f"Break-even input size: {spark_fixed / (1 / core_rate - 1 / spark_rate):.0f} MB.")


if __name__ == "__main__":
    sys.exit(main())
