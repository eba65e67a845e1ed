"""Time to fallback per extension failure mode, with the host's default limits (issue #19:
"a host that never waits longer than it must"), and the host's overhead on a small
conversion when an installed extension declines.

Each mode installs a misbehaving extension — the Python one on the Python kit
(Tests/EndToEnd/fixtures/kit_failure_modes_extension.py, kit on PYTHONPATH) or the Swift one
(pyforge-example-misbehaving, on PyForgeExtensionKit) — with no `timeouts` in its manifest,
runs `pyforge convert` on a 3-row CSV and measures the wall time until the built-in engine
has written the file. "Ctrl-C" rows send SIGINT once the extension is converting and measure
from the signal to the host's exit. `extensions check` on an extension that hangs in
`initialize` is a row too. The end-to-end tests check the behaviour of each mode; this only
measures.

Usage: python benchmarks/extension_failure_modes.py [--pyforge PATH] [--runs 1] [--cap 120]
                                                    [--skip-overhead | --overhead-only]
  --pyforge  the pyforge binary (default .build/debug/pyforge); the Swift extensions are
             taken from the same directory (swift build --product pyforge-example-misbehaving
             --product pyforge-example-allstrings)
  --cap      seconds after which a run is stopped and reported as "> cap" (an older host
             waits 6 hours for progress that never advances)
Prints Markdown tables.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURE = os.path.join(ROOT, "Tests", "EndToEnd", "fixtures", "kit_failure_modes_extension.py")
KIT = os.path.join(ROOT, "extensions", "python-kit", "src")
PYTHON_MODES = ["crash-start", "crash-mid-convert", "hang-init", "hang-probe", "hang-convert", "progress-stuck", "garbage",
                "partial-line", "oversize", "bad-output", "wrong-version", "stray-grandchild", "grandchild-ignoring-sigterm"]
SWIFT_MODES = ["hang-init", "crash-mid-convert", "progress-stuck", "cancellable"]


def env_for(work):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYFORGE_", "DATABRICKS_", "SPARK_"))}
    env.update(PYFORGE_EXTENSIONS_PATH=os.path.join(work, "extensions"), HOME=work, PYTHONPATH=KIT)
    return env


def install(work, kit, mode, binaries):
    name = "kit-failure" if kit == "python" else "swift-misbehaving"
    directory = os.path.join(work, "extensions", name)
    os.makedirs(directory)
    for path in (work, os.path.join(work, "extensions"), directory):
        os.chmod(path, 0o755)
    if kit == "python":
        executable = "extension.py"
        with open(os.path.join(directory, executable), "w") as f:
            f.write(f"#!{sys.executable}\n" + open(FIXTURE).read())
    else:
        executable = "pyforge-example-misbehaving"
        shutil.copy(os.path.join(binaries, executable), directory)
    os.chmod(os.path.join(directory, executable), 0o755)
    with open(os.path.join(directory, "mode"), "w") as f:
        f.write(mode)
    manifest = {"name": name, "version": "1.0.0", "executable": executable, "protocolVersions": ["1.0"],
                "inputFormats": ["csv"], "outputFormats": ["parquet"]}
    with open(os.path.join(directory, "pyforge-extension.json"), "w") as f:
        json.dump(manifest, f)
    return directory


def fresh_work():
    work = tempfile.mkdtemp(prefix="pyforge-failure-bench-")
    with open(os.path.join(work, "data.csv"), "w") as f:
        f.write("id,name\n1,a\n2,b\n3,c\n")
    return work


def run_mode(pyforge, kit, mode, cap):
    """Seconds until the fallback finished (None past the cap), and the reason in --json."""
    work = fresh_work()
    try:
        install(work, kit, mode, os.path.dirname(pyforge))
        command = [pyforge, "convert", os.path.join(work, "data.csv"), os.path.join(work, "out.parquet"), "--json"]
        started = time.perf_counter()
        try:
            proc = subprocess.run(command, cwd=work, env=env_for(work), capture_output=True, text=True, timeout=cap)
        except subprocess.TimeoutExpired:
            return None, "-"
        seconds = time.perf_counter() - started
        result = json.loads(proc.stdout)
        reason = result.get("details", {}).get("extensions_not_used") or "; ".join(result.get("warnings", []))[:60]
        return seconds, reason.split(": ", 1)[-1]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_ctrl_c(pyforge, kit, cap):
    """Seconds from SIGINT to the host's exit while the extension converts."""
    work = fresh_work()
    try:
        directory = install(work, kit, "cancellable", os.path.dirname(pyforge))
        command = [pyforge, "convert", os.path.join(work, "data.csv"), os.path.join(work, "out.parquet")]
        host = subprocess.Popen(command, cwd=work, env=env_for(work), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not os.path.exists(os.path.join(directory, "converting")) and time.monotonic() < deadline:
            time.sleep(0.005)
        started = time.perf_counter()
        host.send_signal(signal.SIGINT)
        try:
            host.communicate(timeout=cap)
        except subprocess.TimeoutExpired:
            host.kill()
            host.communicate()
            return None, "-"
        return time.perf_counter() - started, f"exit {host.returncode}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_check_hang_init(pyforge, cap):
    work = fresh_work()
    try:
        directory = install(work, "python", "hang-init", os.path.dirname(pyforge))
        started = time.perf_counter()
        try:
            proc = subprocess.run([pyforge, "extensions", "check", directory], env=env_for(work), capture_output=True,
                                  text=True, timeout=cap)
        except subprocess.TimeoutExpired:
            return None, "-"
        return time.perf_counter() - started, f"exit {proc.returncode}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def overhead(pyforge, runs=20):
    """Median ms of a 100-row CSV conversion with the Swift example extension installed (it
    declines: the name does not end in .legacy.csv) and with no extension."""
    work = fresh_work()
    try:
        source = os.path.join(work, "small.csv")
        with open(source, "w") as f:
            f.write("id,name\n" + "".join(f"{i},n{i}\n" for i in range(100)))
        example = os.path.join(work, "extensions", "swift-allstrings")
        os.makedirs(example)
        for path in (work, os.path.join(work, "extensions"), example):
            os.chmod(path, 0o755)
        shutil.copy(os.path.join(ROOT, "extensions", "examples", "swift-allstrings", "pyforge-extension.json"), example)
        shutil.copy(os.path.join(os.path.dirname(pyforge), "pyforge-example-allstrings"), example)

        def median_ms(env):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run([pyforge, "convert", source, os.path.join(work, "small.parquet"), "--force"], env=env,
                               check=True, capture_output=True)
                times.append((time.perf_counter() - started) * 1000)
            return statistics.median(times)

        with_extension = env_for(work)
        without = dict(with_extension, PYFORGE_EXTENSIONS_PATH=os.path.join(work, "none"))
        return median_ms(with_extension), median_ms(without)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "debug", "pyforge"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cap", type=float, default=120)
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--overhead-only", action="store_true")
    args = parser.parse_args()
    pyforge = os.path.abspath(args.pyforge)

    rows = [(f"python: {mode}", lambda mode=mode: run_mode(pyforge, "python", mode, args.cap)) for mode in PYTHON_MODES]
    rows += [(f"swift: {mode}", lambda mode=mode: run_mode(pyforge, "swift", mode, args.cap)) for mode in SWIFT_MODES]
    rows += [(f"{kit}: Ctrl-C during convert (signal → exit)", lambda kit=kit: run_ctrl_c(pyforge, kit, args.cap))
             for kit in ("python", "swift")]
    rows.append(("`extensions check`, hang in initialize", lambda: run_check_hang_init(pyforge, args.cap)))

    print(f"Binary: {pyforge}; default limits; median of {args.runs} run(s)\n")
    if not args.overhead_only:
        print("| mode | seconds | outcome |")
        print("|---|---:|---|")
    for label, measure in [] if args.overhead_only else rows:
        results = [measure() for _ in range(args.runs)]
        times = [seconds for seconds, _ in results]
        shown = f"> {args.cap:g}" if None in times else f"{statistics.median(times):.2f}"
        print(f"| {label} | {shown} | {results[-1][1]} |", flush=True)

    if not args.skip_overhead:
        with_extension, without = overhead(pyforge)
        print("\n| 100-row CSV → Parquet | median ms (20 runs) |")
        print("|---|---:|")
        print(f"| an installed extension declines | {with_extension:.1f} |")
        print(f"| no extension installed | {without:.1f} |")


if __name__ == "__main__":
    main()
