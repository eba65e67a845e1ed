"""Extension-host benchmark: discovery, spawn+handshake+probe, warm round trip and crash →
fallback (measured in process by the extension-host-benchmark executable, against the
Swift example extension), plus the overhead on `pyforge convert` when an installed
extension declines (CLI wall time with and without it, medians of 20 runs).
Usage: python benchmarks/extension_host.py"""
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RELEASE = os.path.join(ROOT, ".build", "release")

for product in ("pyforge", "pyforge-example-allstrings", "extension-host-benchmark"):
    subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)

work = tempfile.mkdtemp(prefix="pyforge-ext-bench-")
extensions = os.path.join(work, "extensions")
example = os.path.join(extensions, "swift-allstrings")
os.makedirs(example)
for path in (work, extensions, example):
    os.chmod(path, 0o755)
shutil.copy(os.path.join(ROOT, "extensions", "examples", "swift-allstrings", "pyforge-extension.json"), example)
shutil.copy(os.path.join(RELEASE, "pyforge-example-allstrings"), example)

measured = json.loads(subprocess.run([os.path.join(RELEASE, "extension-host-benchmark"), example], check=True,
                                     capture_output=True, text=True).stdout)

source = os.path.join(work, "small.csv")
with open(source, "w") as f:
    f.write("id,name\n" + "".join(f"{i},n{i}\n" for i in range(100)))


def cli_ms(env):
    times = []
    for _ in range(20):
        started = time.perf_counter()
        subprocess.run([os.path.join(RELEASE, "pyforge"), "convert", source, os.path.join(work, "out.parquet"), "--force"],
                       env=env, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


base = {k: v for k, v in os.environ.items() if not k.startswith("PYFORGE_")}
without = cli_ms({**base, "PYFORGE_EXTENSIONS_PATH": os.path.join(work, "none")})
declining = cli_ms({**base, "PYFORGE_EXTENSIONS_PATH": extensions})
print("| measure | median | goal |")
print("|---|---:|---:|")
print(f"| discovery of 100 manifests | {measured['discovery_100_ms']:.2f} ms | < 10 ms |")
print(f"| spawn + handshake + probe (Swift example) | {measured['spawn_handshake_probe_ms']:.2f} ms | < 20 ms |")
print(f"| warm request round trip (ping) | {measured['warm_round_trip_ms']:.3f} ms | < 1 ms |")
print(f"| crash → fallback decision | {measured['crash_to_fallback_ms']:.2f} ms | < 100 ms |")
print(f"| `pyforge convert` 100-row CSV, no extension | {without:.1f} ms | |")
print(f"| same, with an installed extension that declines | {declining:.1f} ms (+{declining - without:.1f} ms) | < 30 ms overhead |")
shutil.rmtree(work, ignore_errors=True)
