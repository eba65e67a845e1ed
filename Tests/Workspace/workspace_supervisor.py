#!/usr/bin/env python3
"""Starts a whole simulated Databricks workspace, keeps it up, and tears it down on SIGTERM.

Pieces (Tests/Workspace/README.md says what each imitates and from which public source):
  storage   one FUSE daemon (volumes_fuse.py) on the host over STATE/storage/Volumes,
            mounted at STATE/volumes-mnt and bound as /Volumes into both machines
  cluster   a mount namespace (node_holder.py) with its own /tmp, home (/root) and DBFS root
            (/dbfs, the Spark server's working directory, where unqualified paths land),
            running pyspark 4.3.0's Spark Connect server on 127.0.0.1:SPARK_PORT
  driver    a mount namespace and a network namespace with only loopback: its own /tmp and
            home, /Volumes, and /databricks/sparkconnect/grpc.sock, the notebook's socket
            (spark_proxy.py on the host, forwarding to the cluster with the server's token)
  laptop    the host itself: the Files API stand-in (files_api_server.py over STATE/storage)
            and a Databricks Connect endpoint (spark_proxy.py --require-token on 127.0.0.1)

  workspace_supervisor.py --state DIR [--spark-port N] [--share DIR]...
Writes DIR/workspace.json (read by workspace_client.Workspace) once everything answers, prints
`ready DIR/workspace.json`, and waits for SIGTERM/SIGINT; then stops every process it started
by PID (Spark server, proxies, REST stand-in, namespace holders, FUSE daemon), checks that
nothing is left mounted and removes DIR (unless --keep). On a failure while starting it tears
down what it had started and exits 1 with one line saying what failed.
Needs root, /dev/fuse, util-linux (unshare, nsenter, pivot_root), iproute2 and Java 17.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import machine_processes  # noqa: E402
from proxy_handle import SparkProxy, spark_python  # noqa: E402
from volumes_handle import VolumesMount, is_mounted  # noqa: E402

FILES_API_SERVER = REPO_ROOT / "extensions" / "databricks" / "Tests" / "Support" / "files_api_server.py"
SERVER_TOKEN = "pyforge-test-token"        # the cluster's own Spark Connect token
LAPTOP_TOKEN = "pyforge-laptop-token"      # what Databricks Connect users send (a PAT)
NOTEBOOK_SOCKET = "/databricks/sparkconnect/grpc.sock"
DBFS_ROOT = "/dbfs"                        # the cluster's "DBFS root": its Spark server's cwd


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def venv_of(python: str) -> Path:
    return Path(os.path.abspath(python)).parent.parent


def base_prefix(python: str) -> str:
    out = subprocess.run([python, "-c", "import sys; print(sys.base_prefix)"], capture_output=True, text=True, check=True)
    return os.path.realpath(out.stdout.strip())


def shared_directories(extra: list[str]) -> list[str]:
    """The software both machines run, bound at the same paths: the repository, both venvs and
    the Python they were made from, and the directories of the binaries under test
    (PYFORGE_BIN, PYFORGE_DATABRICKS_BIN) when they live elsewhere. Nested entries are dropped
    (a recursive bind covers them)."""
    # Binaries both by the path given and resolved (…/.build/release is a link SwiftPM makes).
    binaries = {os.path.dirname(resolve(os.environ[name]))
                for name in ("PYFORGE_BIN", "PYFORGE_DATABRICKS_BIN") if os.environ.get(name)
                for resolve in (os.path.abspath, os.path.realpath)}
    candidates = {str(REPO_ROOT), str(venv_of(sys.executable)), str(venv_of(spark_python())),
                  base_prefix(sys.executable), base_prefix(spark_python()), *extra}
    candidates = {os.path.realpath(c) for c in candidates if os.path.isdir(c)} | {b for b in binaries if os.path.isdir(b)}
    system = ("/usr", "/etc", "/opt")
    kept = [c for c in sorted(candidates) if not c.startswith(system)]
    return [c for c in kept if not any(c != o and c.startswith(o + "/") for o in kept)]


class Supervisor:
    def __init__(self, args: argparse.Namespace):
        self.state = Path(args.state).resolve()
        self.args = args
        self.started: list[tuple[str, object]] = []  # (kind, handle), stopped in reverse order

    def note(self, message: str) -> None:
        print(f"workspace: {message}", file=sys.stderr, flush=True)

    # -- pieces ----------------------------------------------------------------------------

    def machine(self, name: str, binds: dict[str, str], loopback_only: bool) -> subprocess.Popen:
        base = self.state / name
        root = base / "root"
        root.mkdir(parents=True)
        for target, source in binds.items():
            Path(source).mkdir(parents=True, exist_ok=True)
        os.chmod(binds["/tmp"], 0o1777)
        spec = {"root": str(root), "shared": self.shared, "binds": binds, "loopback_only": loopback_only}
        argv = ["unshare", "--mount", "--propagation", "private", *(["--net"] if loopback_only else []),
                "--", sys.executable, str(HERE / "node_holder.py"), json.dumps(spec)]
        with open(base / "holder.log", "wb") as log:
            holder = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        self.started.append(("holder", holder))
        line = holder.stdout.readline().decode().strip()
        if line != "ready":
            raise RuntimeError(f"the {name} namespace did not start: {(base / 'holder.log').read_text()[-2000:]}")
        return holder

    def cluster_spark(self, holder: subprocess.Popen, port: int) -> None:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/root", "LC_ALL": "C.UTF-8",
               "PYFORGE_SPARK_STATE": "/root/spark-connect", "PYFORGE_SPARK_VENV": str(venv_of(spark_python())),
               "PYFORGE_SPARK_WORKDIR": DBFS_ROOT, "SPARK_CONNECT_TEST_TOKEN": SERVER_TOKEN}
        if "JAVA_HOME" in os.environ:
            env["JAVA_HOME"] = os.environ["JAVA_HOME"]
        self.started.append(("spark", holder))
        with open(self.state / "cluster" / "spark-start.log", "wb") as log:
            subprocess.run(["nsenter", f"--mount=/proc/{holder.pid}/ns/mnt", f"--wdns={DBFS_ROOT}", "--",
                            str(REPO_ROOT / "scripts" / "spark-connect-server"), "start", str(port)],
                           env=env, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=300)

    def stop_cluster_spark(self) -> None:
        """The JVM runs detached (spark-daemon.sh); stop it by the PID its PID file names."""
        pid_dir = self.state / "cluster" / "home" / "spark-connect" / "pids"
        for pid_file in pid_dir.glob("*.pid") if pid_dir.is_dir() else []:
            pid = int(pid_file.read_text().strip())
            for sig, wait in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 10.0)):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
                deadline = time.monotonic() + wait
                while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
                    time.sleep(0.2)
                if not Path(f"/proc/{pid}").exists():
                    break

    def files_api(self) -> tuple[subprocess.Popen, int]:
        with open(self.state / "files-api.log", "wb") as log:
            server = subprocess.Popen([sys.executable, str(FILES_API_SERVER), "--root", str(self.state / "storage"),
                                       "--token", LAPTOP_TOKEN, "--port", "0"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        self.started.append(("files-api", server))
        line = server.stdout.readline().decode().strip()
        if not line.isdigit():
            raise RuntimeError(f"the Files API stand-in did not start: {(self.state / 'files-api.log').read_text()[-2000:]}")
        return server, int(line)

    # -- the whole -------------------------------------------------------------------------

    def start(self) -> dict:
        if not os.access(spark_python(), os.X_OK):
            raise RuntimeError(f"pyspark's Python is not at {spark_python()}: run scripts/spark-connect-server start "
                               "once (it installs .venv-spark) or set PYFORGE_TEST_SPARK_PYTHON")
        self.state.mkdir(parents=True, exist_ok=True)
        self.shared = shared_directories(self.args.share)
        if any(str(self.state).startswith(d + "/") for d in self.shared):
            raise RuntimeError(f"the state directory {self.state} lies in a directory both machines see; "
                               "put it elsewhere (the default is under the host's /tmp)")
        storage = self.state / "storage"
        (storage / "Volumes").mkdir(parents=True)
        mount = VolumesMount(storage / "Volumes", self.state / "volumes-mnt", log=self.state / "fuse.log")
        self.started.append(("fuse", mount))
        socket_dir = self.state / "sparkconnect"
        socket_dir.mkdir()
        cluster_dirs = {"/tmp": self.state / "cluster" / "tmp", "/root": self.state / "cluster" / "home",
                        DBFS_ROOT: self.state / "cluster" / "dbfs"}
        driver_dirs = {"/tmp": self.state / "driver" / "tmp", "/root": self.state / "driver" / "home"}
        common = {"/Volumes": str(self.state / "volumes-mnt")}
        cluster = self.machine("cluster", {**{k: str(v) for k, v in cluster_dirs.items()}, **common}, loopback_only=False)
        driver = self.machine("driver", {**{k: str(v) for k, v in driver_dirs.items()}, **common,
                                         "/databricks/sparkconnect": str(socket_dir)}, loopback_only=True)
        spark_port = self.args.spark_port or free_port()
        if port_open(spark_port):
            raise RuntimeError(f"port {spark_port} is taken; the cluster needs a Spark server of its own")
        self.cluster_spark(cluster, spark_port)
        upstream = f"127.0.0.1:{spark_port}"
        notebook = SparkProxy(f"unix:{socket_dir / 'grpc.sock'}", upstream, self.state / "notebook-proxy",
                              upstream_token=SERVER_TOKEN)
        self.started.append(("proxy", notebook))
        laptop = SparkProxy("127.0.0.1:0", upstream, self.state / "laptop-proxy", upstream_token=SERVER_TOKEN,
                            require_token=LAPTOP_TOKEN)
        self.started.append(("proxy", laptop))
        files_api, files_port = self.files_api()
        description = {
            "state": str(self.state), "supervisor_pid": os.getpid(), "spark_python": spark_python(),
            "shared": self.shared,
            "storage": str(storage), "volumes_backing": str(storage / "Volumes"),
            "volumes_mount": str(self.state / "volumes-mnt"),
            "driver": {"pid": driver.pid, "host_dirs": {k: str(v) for k, v in driver_dirs.items()}},
            "cluster": {"pid": cluster.pid, "host_dirs": {k: str(v) for k, v in cluster_dirs.items()},
                        "dbfs_root": DBFS_ROOT, "spark_port": spark_port, "spark_token": SERVER_TOKEN,
                        "spark_state": str(self.state / "cluster" / "home" / "spark-connect")},
            "notebook": {"socket": NOTEBOOK_SOCKET, "host_socket": str(socket_dir / "grpc.sock"),
                         "proxy_pid": notebook.process.pid, "log": str(notebook.log_path),
                         "control": str(notebook.control_path)},
            "laptop": {"spark_remote": f"sc://127.0.0.1:{laptop.port}/;token={LAPTOP_TOKEN}", "token": LAPTOP_TOKEN,
                       "proxy_pid": laptop.process.pid, "log": str(laptop.log_path), "control": str(laptop.control_path),
                       "files_api": f"http://127.0.0.1:{files_port}", "files_api_pid": files_api.pid},
        }
        temporary = self.state / "workspace.json.tmp"
        temporary.write_text(json.dumps(description, indent=1))
        os.replace(temporary, self.state / "workspace.json")
        return description

    def stop(self) -> list[str]:
        """Stops everything started, newest first; returns what could not be cleaned up."""
        problems = []
        for kind, handle in reversed(self.started):
            try:
                if kind == "spark":
                    self.stop_cluster_spark()
                elif kind in ("proxy", "fuse"):
                    handle.stop()
                else:  # holders and the Files API stand-in exit when their stdin closes
                    if kind == "holder" and handle.poll() is None:
                        machine_processes.kill_members(handle.pid)  # whatever a run left behind
                    handle.stdin.close()
                    try:
                        handle.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        handle.kill()
                        handle.wait()
            except Exception as error:  # keep stopping the rest
                problems.append(f"{kind}: {error}")
        self.started.clear()
        if is_mounted(self.state / "volumes-mnt"):
            problems.append(f"{self.state / 'volumes-mnt'} is still mounted")
        elif not self.args.keep and self.state.exists():
            shutil.rmtree(self.state, ignore_errors=True)
        return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--state", required=True, help="a new directory outside the repository (e.g. under /tmp)")
    parser.add_argument("--spark-port", type=int, default=0, help="the cluster's Spark Connect port (default: a free one)")
    parser.add_argument("--share", action="append", default=[], help="another directory both machines see")
    parser.add_argument("--keep", action="store_true", help="keep the state directory after stopping")
    args = parser.parse_args(argv)
    supervisor = Supervisor(args)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    try:
        supervisor.start()
    except Exception as error:
        problems = supervisor.stop()
        print(f"workspace: the simulator could not start: {error}", file=sys.stderr)
        for problem in problems:
            print(f"workspace: cleanup: {problem}", file=sys.stderr)
        return 1
    print(f"ready {args.state}/workspace.json", flush=True)
    while not stop:
        time.sleep(0.2)
    problems = supervisor.stop()
    for problem in problems:
        print(f"workspace: cleanup: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
