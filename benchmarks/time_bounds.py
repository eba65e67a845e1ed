"""Time bounds that used to be assertions inside end-to-end tests, measured here instead.

A wall-clock limit inside a test fails on a slow or busy machine and proves little on a fast
one, so the tests (Tests/EndToEnd) now check only behaviour; how long each of these takes is a
row of this benchmark, with the goal the test used to assert:

- `pyforge env --json` with the Databricks extension installed (spawn, handshake, detection,
  shutdown) - test_databricks_environment.py asserted < 5 s;
- `pyforge serve --stdio` leaving after stdin closes - test_serve.py asserted < 2 s;
- a "billion laughs" XML file refused - test_xml.py asserted < 5 s; likewise a quadratic
  blowup (one 100 KB entity referenced 100,000 times, refused by the expansion budget,
  test_xml_shapes.py) and a "wide laughs" file (three levels of 1,000 references);
- `pyforge convert` falling back to the core engine after each misbehaving fake extension
  (crash, hang, garbage...) - test_extensions.py asserted < 30 s;
- a Python process using the notebook API (python/pyforge_cli) exiting with its `pyforge
  serve` still running - test_python_api.py asserted < 30 s.

Usage: python benchmarks/time_bounds.py [--runs 5] [--pyforge PATH] [--databricks PATH]
Prints a Markdown table: median and worst wall time of --runs runs, the goal, and whether the
worst run met it. Exits 1 when a row misses its goal.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FAKE_EXTENSION = os.path.join(ROOT, "Tests", "EndToEnd", "fixtures", "fake_extension.py")
FALLBACK_MODES = ["crash-init", "bad-version", "garbage", "oversize", "hang-init", "partial-line", "kill-mid-convert",
                  "hang-convert", "grandchild", "corrupt-output"]


def base_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYFORGE_", "DATABRICKS_", "SPARK_", "DB_"))}
    env.update(extra)
    return env


def timed(action):
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(command, env, **kwargs):
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, **kwargs)
    if proc.returncode != 0 and not kwargs.get("input"):
        raise RuntimeError(f"{command} failed ({proc.returncode}): {proc.stderr[-1000:]}")
    return proc


def private_dir(path):
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o755)  # extension directories must not be writable by others
    return path


def env_with_databricks(args, work):
    root = private_dir(os.path.join(work, "extensions"))
    target = private_dir(os.path.join(root, "databricks"))
    shutil.copy2(args.databricks, os.path.join(target, "pyforge-databricks"))
    shutil.copy2(os.path.join(ROOT, "extensions", "databricks", "pyforge-extension.json"), target)
    home = private_dir(os.path.join(work, "home"))
    env = base_env(PYFORGE_EXTENSIONS_PATH=root, HOME=home)
    return lambda: run([args.pyforge, "env", "--json"], env)


def serve_exit(args, work):
    def once():
        server = subprocess.Popen([args.pyforge, "serve", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=base_env(), text=True)
        server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}) + "\n")
        server.stdin.flush()
        server.stdout.readline()
        # Only the exit is timed: from closing stdin until the process is gone.
        started = time.perf_counter()
        server.stdin.close()
        server.wait(timeout=60)
        return time.perf_counter() - started
    return once


def billion_laughs_file(work):
    src = os.path.join(work, "lol.xml")
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * 10}">' for k in range(1, 10)]
    with open(src, "w") as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n' + "\n".join(entities) + "\n]>\n"
                "<lolz><r><a>&lol9;</a></r><r><a>&lol9;</a></r></lolz>\n")
    return src


def entity_blowup(body):
    """A refused entity expansion: `body(work)` writes the file and returns its path."""
    def setup(args, work):
        src = body(work)

        def once():
            proc = subprocess.run([args.pyforge, "convert", src, "--force"], env=base_env(), capture_output=True,
                                  text=True, timeout=300)
            assert proc.returncode == 1 and "entit" in proc.stderr, proc.stderr
        return once
    return setup


def quadratic_blowup_file(work):
    src = os.path.join(work, "quadratic.xml")
    with open(src, "w") as f:
        f.write(f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "{"x" * 100_000}">]>\n<r>'
                + "<i><v>&a;</v></i>" * 100_000 + "</r>\n")
    return src


def wide_laughs_file(work):
    src = os.path.join(work, "wide.xml")
    entities = ['<!ENTITY w0 "lol">'] + [f'<!ENTITY w{k} "{("&w" + str(k - 1) + ";") * 1000}">' for k in range(1, 4)]
    with open(src, "w") as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE r [\n' + "\n".join(entities) + "\n]>\n<r><i>&w3;</i><i>1</i></r>\n")
    return src


def fallback(mode):
    def setup(args, work):
        case = private_dir(os.path.join(work, mode))
        directory = private_dir(os.path.join(case, "extensions", "fake"))
        os.chmod(os.path.join(case, "extensions"), 0o755)
        executable = os.path.join(directory, "fake.py")
        with open(FAKE_EXTENSION) as source, open(executable, "w") as f:
            f.write(f"#!{sys.executable}\n" + source.read())
        os.chmod(executable, 0o755)
        with open(os.path.join(directory, "mode"), "w") as f:
            f.write(mode)
        manifest = {"name": "fake", "version": "1.0.0", "executable": "fake.py", "protocolVersions": ["1.0"],
                    "inputFormats": ["csv"], "outputFormats": ["parquet"],
                    "timeouts": {"startup": 3, "probe": 3, "idle": 3, "absolute": 20}}
        with open(os.path.join(directory, "pyforge-extension.json"), "w") as f:
            json.dump(manifest, f)
        src = os.path.join(case, "data.csv")
        with open(src, "w") as f:
            f.write("id,name\n1,a\n2,b\n3,c\n")
        # A private HOME per run keeps the circuit breaker's health record from skipping the
        # extension after three failures (that would time the skip, not the fallback).
        counter = iter(range(1_000_000))

        def once():
            home = private_dir(os.path.join(case, f"home{next(counter)}"))
            env = base_env(PYFORGE_EXTENSIONS_PATH=os.path.join(case, "extensions"), HOME=home)
            proc = run([args.pyforge, "convert", src, os.path.join(case, "out.parquet"), "--force", "--json"], env)
            assert json.loads(proc.stdout)["engine"] == "core", proc.stdout
        return once
    return setup


def api_interpreter_exit(args, work):
    src = os.path.join(work, "api.csv")
    with open(src, "w") as f:
        f.write("id,name\n1,a\n2,b\n")
    out = os.path.join(work, "api.parquet")
    script = ("import os\nfrom pyforge_cli.extensions.databricks import forge\n"
              f"if os.path.exists({out!r}): os.remove({out!r})\n"
              f"forge.convert({src!r}, {out!r}, progress=False)\n")
    env = base_env(PYFORGE_BIN=args.pyforge, PYTHONPATH=os.path.join(ROOT, "python"))
    return lambda: run([sys.executable, "-c", script], env)


ROWS = [
    ("`pyforge env --json`, Databricks extension installed", env_with_databricks, 5.0),
    ("`pyforge serve --stdio` exit after stdin closes", serve_exit, 2.0),
    ("billion-laughs XML refused", entity_blowup(billion_laughs_file), 5.0),
    ("quadratic-blowup XML refused (100 KB entity x 100,000)", entity_blowup(quadratic_blowup_file), 5.0),
    ("wide-laughs XML refused (3 levels x 1,000 references)", entity_blowup(wide_laughs_file), 5.0),
    *[(f"fallback to core: extension `{mode}`", fallback(mode), 30.0) for mode in FALLBACK_MODES],
    ("Python API: interpreter exit with a running server", api_interpreter_exit, 30.0),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
    parser.add_argument("--databricks", default=os.path.join(ROOT, "extensions", "databricks", ".build", "release",
                                                             "pyforge-databricks"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="pyforge-time-bounds-")
    missed = 0
    print("| measure | median s | worst s | goal | met |")
    print("|---|---:|---:|---:|---|")
    try:
        for label, setup, goal in ROWS:
            if setup is env_with_databricks and not os.path.isfile(args.databricks):
                print(f"| {label} | | | < {goal:g} s | not built: {args.databricks} |", flush=True)
                continue
            action = setup(args, work)
            samples = []
            for _ in range(args.runs):
                measured = action() if setup is serve_exit else timed(action)
                samples.append(measured)
            worst = max(samples)
            met = worst < goal
            missed += not met
            print(f"| {label} | {statistics.median(samples):.3f} | {worst:.3f} | < {goal:g} s | {'yes' if met else 'NO'} |",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
