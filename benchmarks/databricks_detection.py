"""Databricks environment detection against its 50 ms budget: in-process medians over 200
detections (databricks-detection-benchmark) on this machine's environment and filesystem, on
a Databricks-shaped directory standing in for `/`, and with serverless variables.
The budget is checked here, not in tests: timing assertions fail correct builds on busy
machines. Usage: python benchmarks/databricks_detection.py [--runs N]"""
import argparse
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(os.path.dirname(HERE), "extensions", "databricks")
BUDGET_MS = 50.0

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=200)
args = parser.parse_args()

subprocess.run(["swift", "build", "-c", "release", "--package-path", PACKAGE, "--product", "databricks-detection-benchmark"],
               check=True, stdout=subprocess.DEVNULL)
binary = os.path.join(PACKAGE, ".build", "release", "databricks-detection-benchmark")
report = json.loads(subprocess.run([binary, str(args.runs)], check=True, capture_output=True, text=True).stdout)

labels = {
    "system": "this machine's environment and filesystem",
    "rooted_classic": "Databricks-shaped root (version file, /Volumes)",
    "serverless_variables_system_files": "serverless variables, real filesystem",
}
print(f"Databricks environment detection, {report['runs']} runs each")
print("| case | first | median | worst | budget |")
print("|---|---:|---:|---:|---:|")
over = []
for key, label in labels.items():
    row = report["results"][key]
    print(f"| {label} | {row['first_ms']:.3f} ms | {row['median_ms']:.3f} ms | {row['max_ms']:.3f} ms | < {BUDGET_MS:.0f} ms |")
    if row["median_ms"] >= BUDGET_MS:
        over.append(label)
if over:
    print(f"OVER BUDGET (median): {', '.join(over)}")
