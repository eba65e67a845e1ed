"""A CSV in a Unity Catalog Volume converted to Parquet in a Volume, in the workspace simulator
(Tests/Workspace/README.md), by the paths a Databricks notebook user has, for the auto
threshold (EnginePlanner.databricksThreshold, PYFORGE_SPARK_MIN_BYTES):

  spark         on the driver, serverless notebook environment, `--engine spark`: the Databricks
                extension sends the conversion over the notebook's Spark Connect socket
                (SPARK_REMOTE=unix://…) to the cluster's server (pyspark 4.3.0, local[2]), which
                reads and writes the Volume through its FUSE mount
  core-fuse     on the driver, same environment and extension, `--engine core`: the core engine
                reads and writes through the FUSE mount (volumes_fuse.py)
  core-backing  on the host, `--engine core`, no extension, on the backing directory itself
                (no FUSE): the difference to core-fuse is what the FUSE stand-in costs

Usage (as root; release builds; pyspark in .venv-spark or PYFORGE_TEST_SPARK_PYTHON):
  .venv/bin/python benchmarks/databricks_volume.py [--size-mb 1000] [--probe-mb 1] [--runs 3]
      [--shapes narrow,wide] [--paths spark,core-fuse,core-backing] [--workspace STATE/workspace.json]

Starts the simulator (workspace_supervisor.py) unless --workspace names a running one, and stops
it at the end. Inputs come from generate_volume_csv.py (numpy + pyarrow), cached in
benchmarks/data/. Per shape and size: one unmeasured warm-up round (the JVM's JIT, the page
cache; --warmup), then --runs rounds that run every path in turn, so machine noise hits all alike.
Reported: median wall time, MB/s of CSV, peak RSS from /usr/bin/time -v (the largest single
process of the run: pyforge, its extension or the core pyforge the extension starts), the Spark
server's RSS (before the row's first and after its last Spark run, and its peak VmHWM) and the
1-minute load average during the row. Each output is checked with pyarrow on the backing
directory (rows; the spark path's file must come from Spark's writer, not a fallback), the last
one of each path also with pyspark on the cluster (rows), and the output directory must hold
nothing else (no staging left). From the probe size and the full size it fits
each path's fixed cost and rate and prints the break-even size here and the rate Spark must
reach on a real cluster for the planner's threshold to hold.
Results: benchmarks/results/databricks_volume-<UTC time>.{md,json}.
"""
import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.parquet as pq

from side_by_side import ROOT, HERE, time_report

sys.path.insert(0, os.path.join(ROOT, "Tests", "Workspace"))
import machine_processes  # noqa: E402
from workspace_client import Workspace  # noqa: E402

SUPERVISOR = os.path.join(ROOT, "Tests", "Workspace", "workspace_supervisor.py")
PLANNER = os.path.join(ROOT, "extensions", "databricks", "Sources", "DatabricksExtension", "EnginePlanner.swift")
PATHS = ("spark", "core-fuse", "core-backing")
RUN_TIMEOUT = 3600


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=1000, help="the input size measured (default 1000)")
    parser.add_argument("--probe-mb", type=float, default=1, help="a small input that measures each path's fixed cost (0: skip)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured rounds before the measured ones")
    parser.add_argument("--shapes", default="narrow,wide")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--kind", default="serverless", choices=("serverless", "classic"), help="the notebook's compute")
    parser.add_argument("--workspace", help="workspace.json of a running simulator (default: start one)")
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    parser.add_argument("--extension", default=os.path.join(ROOT, "extensions", "databricks", ".build", "release", "pyforge-databricks"))
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    args.shapes = args.shapes.split(",")
    args.paths = args.paths.split(",")
    unknown = set(args.paths) - set(PATHS)
    if unknown:
        parser.error(f"unknown paths {sorted(unknown)}; choose from {', '.join(PATHS)}")
    if "spark" in args.paths and not os.path.isfile(args.extension):
        parser.error(f"the Databricks extension is not built at {args.extension}: "
                     "cd extensions/databricks && swift build -c release (or leave out --paths spark)")
    if not os.path.isfile(args.pyforge):
        parser.error(f"pyforge is not built at {args.pyforge}: swift build -c release --product pyforge")
    return args


# -- the simulator ---------------------------------------------------------------------------

class Simulator:
    """A running workspace: the given one, or one started here and stopped by stop()."""

    def __init__(self, given):
        self.process = None
        if given:
            self.workspace = Workspace(given)
            return
        self.state = tempfile.mkdtemp(prefix="pyforge-workspace-bench-")
        self.log = open(os.path.join(tempfile.gettempdir(), os.path.basename(self.state) + ".log"), "wb")
        print(f"starting the workspace simulator (log: {self.log.name})", file=sys.stderr, flush=True)
        self.process = subprocess.Popen([sys.executable, SUPERVISOR, "--state", self.state], stdout=subprocess.PIPE,
                                        stderr=self.log, stdin=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("ready "):
            self.stop()
            sys.exit(f"the workspace simulator did not start:\n{open(self.log.name, errors='replace').read()[-3000:]}")
        self.workspace = Workspace(line.split(" ", 1)[1].strip())

    def stop(self):
        if self.process is None:
            return
        machine_processes.stop_process(self.process, grace=180)
        self.process = None


def spark_server_memory(workspace):
    """(VmRSS, VmHWM) in MB of the cluster's Spark server JVM, found by its PID file."""
    for pid_file in glob.glob(os.path.join(workspace.info["cluster"]["spark_state"], "pids", "*.pid")):
        try:
            with open(f"/proc/{open(pid_file).read().strip()}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            return tuple(int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))
        except (FileNotFoundError, KeyError):
            pass
    return float("nan"), float("nan")


def install_extension(workspace, binary):
    """The extension as install.sh lays it out, copied into the driver's /tmp."""
    staging = tempfile.mkdtemp(prefix="pyforge-bench-ext-")
    try:
        target = os.path.join(staging, "databricks")
        os.makedirs(target, mode=0o755)
        shutil.copy2(binary, os.path.join(target, "pyforge-databricks"))
        shutil.copy2(os.path.join(ROOT, "extensions", "databricks", "pyforge-extension.json"), target)
        return workspace.install_in_driver(staging, name="pyforge-bench-extensions")
    finally:
        shutil.rmtree(staging)


# -- inputs ----------------------------------------------------------------------------------

def input_file(shape, megabytes):
    """benchmarks/data/volume_SHAPE_MEGABYTESmb.csv and its row count, generated once."""
    path = os.path.join(HERE, "data", f"volume_{shape}_{megabytes:g}mb.csv")
    if not os.path.exists(path + ".rows"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        print(f"generating {path}", file=sys.stderr, flush=True)
        rows = subprocess.run([sys.executable, os.path.join(HERE, "generate_volume_csv.py"), shape, str(megabytes), path],
                              capture_output=True, text=True, check=True).stdout.strip()
        with open(path + ".rows", "w") as handle:
            handle.write(rows)
    with open(path + ".rows") as handle:
        return path, int(handle.read())


def place_in_volume(workspace, source, volume_path):
    """Puts the input's bytes into the backing directory (a hard link where possible: the
    input is only read)."""
    backing = workspace.backing_path(volume_path)
    backing.parent.mkdir(parents=True, exist_ok=True)
    backing.unlink(missing_ok=True)
    try:
        os.link(source, backing)
    except OSError:
        shutil.copyfile(source, backing)


# -- one run ---------------------------------------------------------------------------------

class RunFailed(Exception):
    pass


def clear_directory(directory):
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)


def run_once(path, workspace, args, env, source, output, expected_rows):
    """One conversion; returns (seconds, peak RSS MB, what pyforge said). Raises RunFailed with
    pyforge's words when it fails or when the output is not what this path must produce."""
    out_backing = workspace.backing_path(output)
    clear_directory(out_backing.parent)
    engine = "spark" if path == "spark" else "core"
    argv = ["/usr/bin/time", "-v", args.pyforge, "convert", source, output, "--engine", engine]
    if path == "core-backing":
        argv[4:6] = [str(workspace.backing_path(source)), str(out_backing)]
        run = workspace.run_on_laptop
    else:
        workspace.reset_driver_home()  # a failure must not put the extension on hold for the next run
        run = workspace.run_in_driver
    try:
        proc = run(argv, env=env, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RunFailed(f"no result within {RUN_TIMEOUT} s (killed)") from None
    said = proc.stderr.split("\tCommand being timed:")[0].strip()
    if proc.returncode != 0:
        raise RunFailed(f"exit {proc.returncode}: {said[-1500:]}")
    seconds, rss, _ = time_report(proc.stderr)
    left = sorted(set(os.listdir(out_backing.parent)) - {out_backing.name})
    if left:
        raise RunFailed(f"the output directory holds more than the output: {left} ({said[-500:]})")
    try:
        metadata = pq.read_metadata(out_backing)
    except (OSError, pa.ArrowException) as error:
        raise RunFailed(f"pyarrow cannot read the output: {error} ({said[-500:]})") from None
    if metadata.num_rows != expected_rows:
        raise RunFailed(f"{metadata.num_rows} rows in the output, {expected_rows} in the input")
    spark_wrote = "parquet-mr" in (metadata.created_by or "")
    if spark_wrote != (path == "spark"):
        raise RunFailed(f"the output was written by {metadata.created_by!r}, not by the {engine} engine: {said[-1500:]}")
    return seconds, rss, said


def load_average():
    with open("/proc/loadavg") as handle:
        return float(handle.read().split()[0])


# -- the benchmark ---------------------------------------------------------------------------

def measure_size(workspace, args, envs, shape, megabytes):
    """Rows of the table for one shape and size: {path: {...}}."""
    source_file, rows = input_file(shape, megabytes)
    size_mb = os.path.getsize(source_file) / 1e6
    source = workspace.volume_path("main", "bench", "raw", f"{shape}_{megabytes:g}mb.csv")
    place_in_volume(workspace, source_file, source)
    results = {p: {"samples": [], "rss": [], "load": [], "error": None} for p in args.paths}
    memory_before = spark_server_memory(workspace)
    for round_index in range(args.warmup + args.runs):
        for path in args.paths:
            result = results[path]
            if result["error"]:
                continue
            output = workspace.volume_path("main", "bench", f"out-{path}", f"{shape}.parquet")
            result["load"].append(load_average())
            try:
                seconds, rss, said = run_once(path, workspace, args, envs[path](), source, output, rows)
            except RunFailed as failure:
                result["error"] = str(failure)
                print(f"{shape} {megabytes:g} MB {path}: FAILED {failure}", file=sys.stderr, flush=True)
                continue
            if round_index >= args.warmup:
                result["samples"].append(seconds)
                result["rss"].append(rss)
            print(f"{shape} {megabytes:g} MB {path} round {round_index}: {seconds:.2f} s ({said.splitlines()[0] if said else ''})",
                  file=sys.stderr, flush=True)
    memory_after = spark_server_memory(workspace)
    for path, result in results.items():  # the second reader: pyspark on the cluster, through its FUSE mount
        output = workspace.volume_path("main", "bench", f"out-{path}", f"{shape}.parquet")
        if result["error"]:
            continue
        try:
            counted = workspace.read_through_cluster(output, limit=1)["count"]
        except AssertionError as failure:
            counted = str(failure)
        if counted != rows:
            result["error"] = f"pyspark on the cluster does not count {rows} rows in {output}: {counted}"
    workspace.backing_path(source).unlink()
    for path, result in results.items():
        result.update(shape=shape, size_mb=size_mb, rows=rows, path=path)
        if result["samples"]:
            result["median_s"] = statistics.median(result["samples"])
            result["peak_rss_mb"] = max(result["rss"])
        if path == "spark":
            result["spark_rss_mb"] = {"before": memory_before[0], "after": memory_after[0], "peak": memory_after[1]}
    return list(results.values())


def table(rows):
    lines = ["| shape | input MB | rows | path | median s | MB/s | peak RSS MB | Spark server RSS MB (before → after, peak) | load 1 min |",
             "|---|---:|---:|---|---:|---:|---:|---|---|"]
    for r in rows:
        memory = r.get("spark_rss_mb")
        memory = f"{memory['before']:.0f} → {memory['after']:.0f}, {memory['peak']:.0f}" if memory else ""
        load = f"{min(r['load']):.1f}–{max(r['load']):.1f}" if r["load"] else ""
        if "median_s" in r:
            timing = f"{r['median_s']:.2f} | {r['size_mb'] / r['median_s']:.0f} | {r['peak_rss_mb']:.0f}"
        else:
            timing = "failed (below) | | "
        lines.append(f"| {r['shape']} | {r['size_mb']:.1f} | {r['rows']:,} | {r['path']} | {timing} | {memory} | {load} |")
    return "\n".join(lines)


def fit(small, large):
    """Fixed seconds and MB/s of a path from its median at two sizes."""
    rate = (large["size_mb"] - small["size_mb"]) / (large["median_s"] - small["median_s"])
    return max(small["median_s"] - small["size_mb"] / rate, 0.0), rate


def planner_threshold_mb():
    with open(PLANNER) as handle:
        value = re.search(r"static let databricksThreshold: Int64 = ([\d_]+)", handle.read()).group(1)
    return int(value.replace("_", "")) / 1e6


def threshold_notes(rows):
    """Per shape: each path's fitted cost, the FUSE stand-in's cost, the break-even size here,
    and the Spark rate a real cluster needs for the planner's threshold to hold."""
    threshold = planner_threshold_mb()
    notes = [f"{r['shape']} {r['size_mb']:.1f} MB {r['path']} failed: {r['error']}" for r in rows if r["error"]]
    for shape in dict.fromkeys(r["shape"] for r in rows):
        by = {}
        for r in rows:
            if r["shape"] == shape and "median_s" in r:
                by.setdefault(r["path"], []).append(r)
        fits = {}
        for path, found in by.items():
            small, large = min(found, key=lambda r: r["size_mb"]), max(found, key=lambda r: r["size_mb"])
            if large["size_mb"] > small["size_mb"] and large["median_s"] > small["median_s"]:
                fits[path] = fit(small, large)
            elif large["size_mb"] > small["size_mb"]:
                notes.append(f"{shape}, {path}: no fit (the larger input was not slower: sizes too close for the noise)")
        for path, (fixed, rate) in fits.items():
            notes.append(f"{shape}, {path}: {fixed:.2f} s fixed + {rate:.0f} MB/s")
        if "core-fuse" in fits and "core-backing" in fits:
            notes.append(f"{shape}: the FUSE stand-in divides the core engine's rate by "
                         f"{fits['core-backing'][1] / fits['core-fuse'][1]:.1f}")
        if "spark" in fits and "core-fuse" in fits:
            (spark_fixed, spark_rate), (core_fixed, core_rate) = fits["spark"], fits["core-fuse"]
            if spark_rate > core_rate:
                here = f"Spark wins here from {(spark_fixed - core_fixed) / (1 / core_rate - 1 / spark_rate):.0f} MB"
            else:
                here = "Spark never catches up here (same two cores)"
            budget = core_fixed + threshold / core_rate - spark_fixed
            needed = (f"needs Spark to sustain ≥ {threshold / budget:.0f} MB/s on a cluster (with this fixed cost)"
                      if budget > 0 else "cannot hold: Spark's fixed cost alone exceeds the core engine's time")
            notes.append(f"{shape}: {here}; the planner's threshold of {threshold:.0f} MB {needed}")
    return notes


def main():
    args = arguments()
    simulator = Simulator(args.workspace)
    workspace = simulator.workspace
    rows = []
    try:
        # Environments are made per run: each notebook run gets a session_id of its own, as
        # in the simulator's tests (the server keeps a released session closed for good).
        envs = {"core-backing": lambda: {"LC_ALL": "C.UTF-8", "PYFORGE_EXTENSIONS_PATH": None, "SPARK_REMOTE": None}}
        if {"spark", "core-fuse"} & set(args.paths):
            extensions = install_extension(workspace, args.extension) if os.path.isfile(args.extension) else None
            notebook = lambda: {**workspace.driver_env(args.kind), "PYFORGE_EXTENSIONS_PATH": extensions}  # noqa: E731
            envs.update({"spark": notebook, "core-fuse": notebook})
        sizes = [s for s in (args.probe_mb, args.size_mb) if s > 0]
        for shape in args.shapes:
            for megabytes in sizes:
                rows += measure_size(workspace, args, envs, shape, megabytes)
                print(table(rows[-len(args.paths):]).split("\n", 2)[2], file=sys.stderr, flush=True)
    finally:
        simulator.stop()
    notes = threshold_notes(rows)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    report = "\n".join([table(rows), "", *notes, "", f"uptime at the end: {uptime}"])
    print(report)
    os.makedirs(args.results, exist_ok=True)
    stem = os.path.join(args.results, "databricks_volume-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    with open(stem + ".md", "w") as handle:
        handle.write(report + "\n")
    with open(stem + ".json", "w") as handle:
        json.dump({"arguments": vars(args), "rows": rows, "notes": notes, "uptime": uptime}, handle, indent=1)
    print(f"\nwritten: {stem}.md, {stem}.json", file=sys.stderr)


if __name__ == "__main__":
    main()
