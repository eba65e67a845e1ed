"""What a test uses of a running workspace simulator (workspace_supervisor.py wrote its
workspace.json): run commands on the notebook's driver, on the laptop, read through the
cluster, map /Volumes paths to the backing directory, and control the Spark proxies' faults.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path, PurePosixPath

import machine_processes
from proxy_handle import HERE, ProxyFiles

# DATABRICKS_RUNTIME_VERSION as the runtime sets it: "15.4" on classic compute (the Clusters
# API's spark_version is "15.4.x-scala2.12"; databricks-sdk-py#287 shows the variable holds
# "13.3"), "client.<n>" on serverless (MLflow's serverless check, databricks-facts.md).
CLASSIC_RUNTIME = "15.4"
SERVERLESS_RUNTIME = "client.3"
CLUSTER_ID = "1207-101500-simulat0"   # the shape of a cluster ID: MMDD-HHMMSS-8 characters
USER = "pyforge-tester@example.com"


class Workspace:
    def __init__(self, description_path: Path | str):
        self.path = Path(description_path)
        self.info = json.loads(self.path.read_text())
        self.volumes_backing = Path(self.info["volumes_backing"])
        self.storage = Path(self.info["storage"])
        self.notebook_proxy = ProxyFiles(self.info["notebook"]["log"], self.info["notebook"]["control"])
        self.laptop_proxy = ProxyFiles(self.info["laptop"]["log"], self.info["laptop"]["control"])
        self.files_api = self.info["laptop"]["files_api"]
        self.laptop_token = self.info["laptop"]["token"]
        self.laptop_spark_remote = self.info["laptop"]["spark_remote"]
        self.spark_python = self.info["spark_python"]

    # -- paths -----------------------------------------------------------------------------

    def volume_path(self, catalog: str, schema: str, volume: str, *parts: str, create: bool = True) -> str:
        """`/Volumes/<catalog>/<schema>/<volume>/<parts…>` as both machines see it; the volume
        (not the parts) is created in the backing directory unless create=False."""
        if create:
            (self.volumes_backing / catalog / schema / volume).mkdir(parents=True, exist_ok=True)
        return str(PurePosixPath("/Volumes", catalog, schema, volume, *parts))

    def backing_path(self, volume_path: str) -> Path:
        """Where a /Volumes/... path's bytes live on the host (read outputs here with pyarrow)."""
        relative = PurePosixPath(volume_path).relative_to("/Volumes")
        return self.volumes_backing / relative

    def _machine_path(self, machine: str, path: str) -> Path:
        for inside, host in sorted(self.info[machine]["host_dirs"].items(), key=lambda kv: -len(kv[0])):
            if path == inside or path.startswith(inside.rstrip("/") + "/"):
                return Path(host) / PurePosixPath(path).relative_to(inside)
        return Path(f"/proc/{self.info[machine]['pid']}/root") / PurePosixPath(path).relative_to("/")

    def driver_host_path(self, driver_path: str) -> Path:
        """The host path of a file in the driver's own /tmp or home (/root), to put inputs there
        or check what a run left behind; other paths go through /proc/PID/root."""
        return self._machine_path("driver", driver_path)

    def cluster_host_path(self, cluster_path: str) -> Path:
        """Same for the cluster: its /tmp, home, and DBFS root (/dbfs, where unqualified Spark
        paths land)."""
        return self._machine_path("cluster", cluster_path)

    def install_in_driver(self, extensions_dir: Path | str, name: str = "pyforge-extensions") -> str:
        """Copies an extension search-path directory (e.g. the `databricks_extensions_dir`
        fixture's) into the driver's /tmp, which is where the driver can see it; returns the
        driver path to put in PYFORGE_EXTENSIONS_PATH."""
        target = f"/tmp/{name}"
        host = self.driver_host_path(target)
        if host.exists():
            shutil.rmtree(host)
        shutil.copytree(extensions_dir, host, symlinks=True)
        return target

    def reset_driver_home(self) -> None:
        """Removes what runs leave in the driver's home (~/.cache with pyforge's extension
        health record, ~/.local, ~/.databrickscfg), so one test's failures cannot put the
        extension on hold for the next."""
        home = self.driver_host_path("/root")
        for name in (".cache", ".local"):
            shutil.rmtree(home / name, ignore_errors=True)
        (home / ".databrickscfg").unlink(missing_ok=True)

    @property
    def dbfs_root(self) -> Path:
        return self.cluster_host_path(self.info["cluster"]["dbfs_root"])

    # -- environments ----------------------------------------------------------------------

    def driver_env(self, kind: str = "serverless", session_id: str | None = None) -> dict[str, str]:
        """The Databricks variables a notebook process has on serverless or on a classic
        (standard-access) cluster; both reach Spark through the notebook's socket. Each call
        gets a new session_id unless given: the server closes a released session for good."""
        remote = (f"unix://{self.info['notebook']['socket']};user_id={USER};"
                  f"session_id={session_id or uuid.uuid4()}")
        env = {"SPARK_REMOTE": remote, "SPARK_CONNECT_MODE_ENABLED": "1"}
        if kind == "serverless":
            env.update({"DATABRICKS_RUNTIME_VERSION": SERVERLESS_RUNTIME, "IS_SERVERLESS": "TRUE"})
        elif kind == "classic":
            env.update({"DATABRICKS_RUNTIME_VERSION": CLASSIC_RUNTIME, "DB_CLUSTER_ID": CLUSTER_ID,
                        "DB_IS_DRIVER": "TRUE"})
        else:
            raise ValueError(f"kind must be 'serverless' or 'classic', not {kind!r}")
        return env

    def laptop_env(self, *, spark: bool = True) -> dict[str, str]:
        """A laptop with Databricks Connect set up: the Files API stand-in as the workspace host
        and, unless spark=False, the token endpoint to the cluster's Spark."""
        env = {"DATABRICKS_HOST": self.files_api, "DATABRICKS_TOKEN": self.laptop_token}
        if spark:
            env["SPARK_REMOTE"] = self.laptop_spark_remote
        return env

    # -- running ---------------------------------------------------------------------------

    def _enter(self, machine: str, cwd: str, network: bool) -> list[str]:
        pid = self.info[machine]["pid"]
        argv = ["nsenter", f"--mount=/proc/{pid}/ns/mnt"]
        if network:
            argv.append(f"--net=/proc/{pid}/ns/net")
        return argv + [f"--wdns={cwd}", "--"]

    @staticmethod
    def _base_env(env: dict[str, str | None] | None, home: str) -> dict[str, str]:
        merged = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "HOME": home}
        for key, value in (env or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged

    def run_in_driver(self, argv: list, env: dict[str, str | None] | None = None, cwd: str = "/root",
                      timeout: float = 300, input: str | None = None) -> subprocess.CompletedProcess:
        """Runs argv on the notebook's driver (its file system view and loopback-only network),
        with only PATH, LC_ALL, HOME=/root and `env` (None values remove a key) in its
        environment: pass driver_env(...) for the Databricks variables. On a timeout every
        process in the driver is killed (not only argv's), then TimeoutExpired is raised."""
        try:
            return subprocess.run(self._enter("driver", cwd, network=True) + [str(a) for a in argv],
                                  env=self._base_env(env, "/root"), input=input, capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_driver_processes()
            raise

    def driver_processes(self) -> list[str]:
        """"PID: command line" of every process running on the driver (the holder aside)."""
        return machine_processes.describe(machine_processes.members(self.info["driver"]["pid"]))

    def kill_driver_processes(self) -> int:
        """Kills whatever still runs on the driver (e.g. children a run left behind)."""
        return machine_processes.kill_members(self.info["driver"]["pid"])

    def run_in_cluster(self, argv: list, env: dict[str, str | None] | None = None, cwd: str = "/dbfs",
                       timeout: float = 300) -> subprocess.CompletedProcess:
        """Runs argv with the cluster's file system view (for self-tests of its boundaries)."""
        return subprocess.run(self._enter("cluster", cwd, network=False) + [str(a) for a in argv],
                              env=self._base_env(env, "/root"), capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=timeout)

    def run_on_laptop(self, argv: list, env: dict[str, str | None] | None = None, cwd: str | Path | None = None,
                      timeout: float = 300) -> subprocess.CompletedProcess:
        """Runs argv on the host: no /Volumes, only the REST stand-in and the sc:// endpoint
        (pass laptop_env() for them)."""
        merged = dict(os.environ)
        for key, value in (env or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return subprocess.run([str(a) for a in argv], env=merged, cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=timeout)

    # -- independent reading through the cluster --------------------------------------------

    def cluster_spark_remote(self) -> str:
        """The cluster's own server, straight (not through either proxy, so their call logs
        hold only what the product under test sent)."""
        return f"sc://localhost:{self.info['cluster']['spark_port']}/;token={self.info['cluster']['spark_token']}"

    def read_through_cluster(self, path: str, fmt: str = "parquet", options: dict[str, str] | None = None,
                             limit: int = 20, timeout: float = 300) -> dict:
        """pyspark 4.3.0 (.venv-spark) reads `path` on the cluster: {"count", "schema": [[name,
        type]…], "rows": the first `limit` rows as strings, sorted}. Raises with pyspark's
        stderr when the read fails (e.g. the path does not exist in the cluster's view)."""
        argv = [self.spark_python, str(HERE / "spark_client.py"), "--remote", self.cluster_spark_remote(),
                "read", fmt, path, "--limit", str(limit)]
        for key, value in (options or {}).items():
            argv += ["--option", f"{key}={value}"]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise AssertionError(f"pyspark could not read {path} on the cluster:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def sql_through_cluster(self, text: str, limit: int = 20, timeout: float = 300) -> dict:
        """Same shape as read_through_cluster, for a query (e.g. SELECT * FROM main.sales.orders)."""
        argv = [self.spark_python, str(HERE / "spark_client.py"), "--remote", self.cluster_spark_remote(),
                "sql", text, "--limit", str(limit)]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise AssertionError(f"pyspark could not run {text!r} on the cluster:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])

    # -- faults ----------------------------------------------------------------------------

    def reset_faults(self) -> None:
        """Both Spark proxies up, no refusal, no armed drop, empty call logs."""
        for proxy in (self.notebook_proxy, self.laptop_proxy):
            proxy.control(down=False, refuse_for=0, drop_execute_once_after=None)
            proxy.clear_calls()
