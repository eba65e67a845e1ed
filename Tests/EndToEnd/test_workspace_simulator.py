"""Self-tests of the workspace simulator (Tests/Workspace/README.md): each boundary and fault
it claims, checked from the outside, so that a Databricks test passing in the simulator means
the boundary was really there.

Spark proxy: checked with pyspark's own client (Tests/Workspace/spark_client.py, .venv-spark),
whose retry/reattach behaviour is the reference, and with raw grpc calls where only the
proxy's answer matters.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import grpc
import pytest

from conftest import REPO_ROOT, wait_for

from proxy_handle import SparkProxy, spark_python  # noqa: E402
import spark_proxy  # noqa: E402

CONFIG = "/spark.connect.SparkConnectService/Config"


@pytest.fixture(scope="module")
def upstream(spark_remote) -> tuple[str, str]:
    """(host:port, token) of the local Spark Connect server."""
    address, _, params = spark_remote[len("sc://"):].partition("/;")
    token = dict(p.split("=", 1) for p in params.split(";") if p)["token"]
    return address, token


@pytest.fixture
def proxy(upstream, tmp_path):
    handles = []

    def start(listen="127.0.0.1:0", **kwargs):
        handle = SparkProxy(listen, upstream[0], tmp_path / f"proxy{len(handles)}", upstream_token=upstream[1], **kwargs)
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()


def pyspark(remote: str, *command: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([spark_python(), str(REPO_ROOT / "Tests" / "Workspace" / "spark_client.py"), "--remote", remote,
                           *command], capture_output=True, text=True, timeout=timeout)


def pyspark_json(remote: str, *command: str) -> dict:
    proc = pyspark(remote, *command)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def methods(calls: list[dict]) -> list[str]:
    return [call["method"] for call in calls]


def closing_call(calls: list[dict]) -> dict:
    """The session's last call, not counting ReleaseExecute: pyspark 4.3.0's session.stop()
    sends ReleaseSession first and only then, in client.close(), waits for the ReleaseExecute
    calls its reattachable iterator submitted to a thread pool (pyspark/sql/connect/session.py
    stop(), client/core.py close(), client/reattach.py _release_all), so one of those may be
    logged after ReleaseSession."""
    return [call for call in calls if call["method"] != "ReleaseExecute"][-1]


def raw_config_call(target: str, token: str | None) -> grpc.RpcError | bytes:
    """One Config call with an empty request: enough to see the proxy's own answers."""
    with grpc.insecure_channel(target) as channel:
        metadata = [("authorization", f"Bearer {token}")] if token else []
        try:
            return channel.unary_unary(CONFIG)(b"", metadata=metadata, timeout=30)
        except grpc.RpcError as error:
            return error


# --------------------------------------------------------------------------------------
# Spark proxy
# --------------------------------------------------------------------------------------


def test_proxy_forwards_every_spark_connect_method_with_its_shape():
    """The proxy's method table is pyspark 4.3.0's service: a method missing there would be
    answered UNIMPLEMENTED, one with the wrong shape would break its calls."""
    script = ("import json; from pyspark.sql.connect.proto import base_pb2; "
              "s = base_pb2.DESCRIPTOR.services_by_name['SparkConnectService']; "
              "print(json.dumps([s.full_name, {m.name: [m.client_streaming, m.server_streaming] for m in s.methods}]))")
    proc = subprocess.run([spark_python(), "-c", script], capture_output=True, text=True, timeout=120, check=True)
    name, table = json.loads(proc.stdout.strip().splitlines()[-1])
    assert name == spark_proxy.SERVICE
    assert table == {method: list(shape) for method, shape in spark_proxy.METHODS.items()}


def test_pyspark_through_the_token_endpoint_gets_results_and_the_log_records_the_session(proxy):
    endpoint = proxy(require_token="outer-token")
    result = pyspark_json(f"sc://localhost:{endpoint.port}/;token=outer-token", "range", "200000")
    assert result == {"count": 200000, "sum": 200000 * 199999 // 2}
    calls = endpoint.calls()
    assert {"method": "ExecutePlan", "status": "OK"}.items() <= next(c for c in calls if c["method"] == "ExecutePlan").items()
    assert closing_call(calls)["method"] == "ReleaseSession"
    assert all(call["status"] == "OK" and call["fault"] is None for call in calls)


@pytest.mark.parametrize("token, message", [(None, "No authentication token provided"),
                                            ("wrong", "Invalid authentication token")])
def test_the_token_endpoint_refuses_a_call_without_the_right_token(proxy, token, message):
    endpoint = proxy(require_token="outer-token")
    error = raw_config_call(endpoint.address, token)
    assert isinstance(error, grpc.RpcError) and error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error.details() == message
    assert endpoint.calls() == [{**endpoint.calls()[0], "method": "Config", "status": "UNAUTHENTICATED", "fault": "token"}]


def test_without_the_proxy_token_the_server_itself_refuses(proxy, upstream):
    """The upstream token is really needed (so the socket adding it is what lets a notebook in)."""
    error = raw_config_call(upstream[0], None)
    assert isinstance(error, grpc.RpcError) and error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_dropped_execute_stream_is_survived_by_pyspark_through_reattach(proxy):
    endpoint = proxy(extra=["--drop-execute-once-after", "1"])
    result = pyspark_json(f"sc://localhost:{endpoint.port}/", "range", "300000")
    assert result == {"count": 300000, "sum": 300000 * 299999 // 2}
    calls = endpoint.calls()
    dropped = [c for c in calls if c["fault"] == "drop"]
    assert len(dropped) == 1 and dropped[0]["method"] == "ExecutePlan" and dropped[0]["status"] == "UNAVAILABLE"
    assert dropped[0]["responses"] == 1
    after = methods(calls[calls.index(dropped[0]) + 1:])
    assert "ReattachExecute" in after and "ReleaseExecute" in after and closing_call(calls)["method"] == "ReleaseSession"


def test_a_cluster_still_starting_answers_unavailable_and_pyspark_retries(proxy):
    endpoint = proxy()
    endpoint.control(refuse_for=3)
    result = pyspark_json(f"sc://localhost:{endpoint.port}/", "range", "1000")
    assert result["count"] == 1000
    calls = endpoint.calls()
    refused = [c for c in calls if c["fault"] == "refuse"]
    assert refused and all(c["status"] == "UNAVAILABLE" for c in refused)
    assert closing_call(calls)["method"] == "ReleaseSession" and closing_call(calls)["status"] == "OK"


def test_down_answers_unavailable_until_switched_back_by_control_file_or_signal(proxy, upstream):
    endpoint = proxy()
    endpoint.control(down=True)
    error = raw_config_call(endpoint.address, None)
    assert isinstance(error, grpc.RpcError) and error.code() == grpc.StatusCode.UNAVAILABLE
    endpoint.control(down=False)
    answer = raw_config_call(endpoint.address, None)
    # Up again: the empty request now reaches the server, which answers it (not UNAVAILABLE).
    assert not isinstance(answer, grpc.RpcError) or answer.code() != grpc.StatusCode.UNAVAILABLE
    endpoint.process.send_signal(signal.SIGUSR1)

    def refused_by_the_signal():
        outcome = raw_config_call(endpoint.address, None)
        return isinstance(outcome, grpc.RpcError) and outcome.code() == grpc.StatusCode.UNAVAILABLE
    wait_for(refused_by_the_signal, "SIGUSR1 put the proxy down", timeout=30, interval=0.1)
    assert [c["fault"] for c in endpoint.calls() if c["fault"]][0] == "down"


@pytest.mark.parametrize("flags, fault", [(["--down"], "down"), (["--refuse-for", "600"], "refuse")])
def test_the_command_line_faults_answer_unavailable(proxy, flags, fault):
    endpoint = proxy(extra=flags)
    error = raw_config_call(endpoint.address, None)
    assert isinstance(error, grpc.RpcError) and error.code() == grpc.StatusCode.UNAVAILABLE
    assert [c["fault"] for c in endpoint.calls()] == [fault]


def test_the_notebook_socket_needs_no_token_and_carries_pyspark(proxy, tmp_path):
    socket_path = tmp_path / "grpc.sock"
    endpoint = proxy(listen=f"unix:{socket_path}")
    assert socket_path.is_socket()
    remote = f"unix://{socket_path};user_id=simulated-user;session_id={uuid.uuid4()}"
    assert pyspark_json(remote, "range", "5000") == {"count": 5000, "sum": 5000 * 4999 // 2}
    assert closing_call(endpoint.calls())["method"] == "ReleaseSession"


# --------------------------------------------------------------------------------------
# Volumes FUSE (volumes_fuse.py), checked from outside through the kernel
# --------------------------------------------------------------------------------------

RENAME_NOREPLACE = 1
_libc = ctypes.CDLL(None, use_errno=True)


def renameat2(old: Path, new: Path, flags: int) -> None:
    if _libc.renameat2(-100, os.fsencode(old), -100, os.fsencode(new), flags) != 0:  # AT_FDCWD
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(old))


@pytest.fixture
def volume(volumes_fuse, request):
    """A fresh directory inside the mount: (path through FUSE, the same path in the backing dir)."""
    name = request.node.name.replace("[", "-").replace("]", "")
    (volumes_fuse.backing / name).mkdir()
    return volumes_fuse.mountpoint / name, volumes_fuse.backing / name


def test_hard_links_are_refused(volume):
    """delta-rs#2540: link(2) on the Volumes mount fails ("Function not implemented"). The FUSE
    server answers ENOSYS; Linux 6.x kernels hand that to the caller as EPERM (fs/fuse/dir.c
    fuse_link maps -ENOSYS to -EPERM), older ones (Ubuntu 22.04's 5.15, as on Databricks
    Runtime 13-15) as ENOSYS: both mean "no hard links here"."""
    mounted, backing = volume
    (mounted / "a").write_bytes(b"data")
    with pytest.raises(OSError) as caught:
        os.link(mounted / "a", mounted / "b")
    assert caught.value.errno in (errno.ENOSYS, errno.EPERM)
    assert not (backing / "b").exists()


def test_symbolic_links_are_refused(volume):
    mounted, backing = volume
    with pytest.raises(OSError) as caught:
        os.symlink("a", mounted / "s")
    assert caught.value.errno == errno.ENOSYS
    assert not os.path.lexists(backing / "s")


def test_appending_to_an_existing_file_is_an_illegal_seek(volume):
    mounted, backing = volume
    (mounted / "log.txt").write_text("one\n")
    with pytest.raises(OSError) as caught:
        open(mounted / "log.txt", "a")
    assert caught.value.errno == errno.ESPIPE
    assert (backing / "log.txt").read_text() == "one\n"
    # A new file opened for append has nothing to append to: its writes are sequential.
    with open(mounted / "new.txt", "a") as handle:
        handle.write("fresh\n")
    assert (backing / "new.txt").read_text() == "fresh\n"


@pytest.mark.parametrize("how", ["seek-back", "hole", "in-place"])
def test_non_sequential_writes_are_illegal_seeks(volume, how):
    mounted, backing = volume
    target = mounted / "f.bin"
    if how == "in-place":
        target.write_bytes(b"0123456789")
        fd = os.open(target, os.O_WRONLY)
        offset = 0
    else:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, b"0123456789")
        offset = 2 if how == "seek-back" else 20
    try:
        with pytest.raises(OSError) as caught:
            os.pwrite(fd, b"XY", offset)
        assert caught.value.errno == errno.ESPIPE
    finally:
        os.close(fd)
    assert (backing / "f.bin").read_bytes() == b"0123456789"


def test_sequential_writes_reads_with_seeks_and_stat_work(volume):
    mounted, backing = volume
    payload = bytes(range(256)) * 40_000  # 10 MB: many FUSE write requests, all in order
    with open(mounted / "big.bin", "wb") as handle:
        for start in range(0, len(payload), 1 << 20):
            handle.write(payload[start:start + (1 << 20)])
    assert (backing / "big.bin").read_bytes() == payload
    assert os.stat(mounted / "big.bin").st_size == len(payload)
    with open(mounted / "big.bin", "rb") as handle:
        handle.seek(5_000_000)
        assert handle.read(100) == payload[5_000_000:5_000_100]
        handle.seek(10)
        assert handle.read(10) == payload[10:20]
    # Rewriting a file from scratch (O_TRUNC, or ftruncate to 0 on the handle) is sequential.
    (mounted / "big.bin").write_bytes(b"short")
    fd = os.open(mounted / "big.bin", os.O_WRONLY)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, b"again")
    finally:
        os.close(fd)
    assert (backing / "big.bin").read_bytes() == b"again"


def test_exclusive_create_works_and_refuses_an_existing_file(volume):
    mounted, backing = volume
    fd = os.open(mounted / "x", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, b"1")
    os.close(fd)
    with pytest.raises(FileExistsError):
        os.open(mounted / "x", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    assert (backing / "x").read_bytes() == b"1"


def test_rename_directories_unlink_and_rmdir_work(volume):
    mounted, backing = volume
    (mounted / "d" / "sub").mkdir(parents=True)
    (mounted / "d" / "sub" / "part-0").write_bytes(b"p")
    os.rename(mounted / "d", mounted / "e")
    assert (backing / "e" / "sub" / "part-0").read_bytes() == b"p" and not (backing / "d").exists()
    (mounted / "other").write_bytes(b"o")
    os.rename(mounted / "other", mounted / "e" / "sub" / "part-0")  # replaces, as POSIX rename does
    assert (backing / "e" / "sub" / "part-0").read_bytes() == b"o"
    assert sorted(os.listdir(mounted / "e" / "sub")) == ["part-0"]
    os.unlink(mounted / "e" / "sub" / "part-0")
    os.rmdir(mounted / "e" / "sub")
    os.rmdir(mounted / "e")
    assert os.listdir(backing) == []


def test_rename_noreplace_is_not_available(volume):
    """The real mount's answer to renameat2 flags is not documented; the simulator answers like
    a FUSE server without them (the kernel reports EINVAL), so code cannot rely on an atomic
    no-replace publish. The kernel itself refuses NOREPLACE onto a name it sees (EEXIST)."""
    mounted, backing = volume
    (mounted / "a").write_bytes(b"a")
    (mounted / "b").write_bytes(b"b")
    with pytest.raises(OSError) as caught:
        renameat2(mounted / "a", mounted / "c", RENAME_NOREPLACE)
    assert caught.value.errno == errno.EINVAL
    with pytest.raises(FileExistsError):
        renameat2(mounted / "a", mounted / "b", RENAME_NOREPLACE)
    assert sorted(os.listdir(backing)) == ["a", "b"]


def test_the_backing_directory_and_the_mount_agree_at_once(volume):
    """The workspace REST stand-in writes the backing directory directly: no kernel caching."""
    mounted, backing = volume
    assert not (mounted / "late").exists()
    (backing / "late").write_bytes(b"12345")
    assert (mounted / "late").read_bytes() == b"12345"
    (backing / "late").write_bytes(b"1234567")
    assert os.stat(mounted / "late").st_size == 7


# --------------------------------------------------------------------------------------
# Driver, cluster and laptop (workspace_supervisor.py)
# --------------------------------------------------------------------------------------

PYTHON = sys.executable  # the test venv's Python: shared by both machines at the same path


def exists_in(workspace, machine: str, path: str) -> bool:
    run = workspace.run_in_driver if machine == "driver" else workspace.run_in_cluster
    proc = run([PYTHON, "-c", "import os, sys; sys.exit(0 if os.path.lexists(sys.argv[1]) else 3)", path])
    assert proc.returncode in (0, 3), proc.stderr
    return proc.returncode == 0


def spark_in_driver(workspace, *command: str, kind: str = "serverless") -> subprocess.CompletedProcess:
    """pyspark on the driver, through the notebook's socket named by driver_env's SPARK_REMOTE."""
    remote = workspace.driver_env(kind)["SPARK_REMOTE"]
    return workspace.run_in_driver([workspace.spark_python, REPO_ROOT / "Tests" / "Workspace" / "spark_client.py",
                                    "--remote", remote, *command])


def last_json(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_laptop_has_no_volumes_and_no_notebook_socket(workspace):
    assert not os.path.lexists("/Volumes") and not os.path.lexists("/databricks")
    assert exists_in(workspace, "driver", "/databricks/sparkconnect/grpc.sock")
    assert not exists_in(workspace, "cluster", "/databricks/sparkconnect/grpc.sock")


def test_driver_and_cluster_see_the_same_volume_through_fuse(workspace):
    path = workspace.volume_path("main", "raw", "shared", "from-driver.txt")
    written = workspace.run_in_driver([PYTHON, "-c", "import sys; open(sys.argv[1], 'w').write('hello')", path])
    assert written.returncode == 0, written.stderr
    assert workspace.backing_path(path).read_text() == "hello"
    read = workspace.run_in_cluster(["cat", path])
    assert read.returncode == 0 and read.stdout == "hello", read.stderr
    # The FUSE rules hold inside the machines too: no hard links on the driver's /Volumes.
    link = workspace.run_in_driver([PYTHON, "-c", "import os, sys; os.link(sys.argv[1], sys.argv[1] + '.link')", path])
    assert link.returncode != 0 and ("Operation not permitted" in link.stderr or "Function not implemented" in link.stderr)
    mounts = workspace.run_in_driver(["cat", "/proc/self/mountinfo"]).stdout
    assert any(line.split()[4] == "/Volumes" and " fuse.volumes " in line for line in mounts.splitlines())


def test_the_cluster_does_not_see_the_drivers_tmp_home_or_working_directory(workspace):
    for driver_path in ("/tmp/driver-only.csv", "/root/notebook-dir/driver-only.csv"):
        host = workspace.driver_host_path(driver_path)
        host.parent.mkdir(parents=True, exist_ok=True)
        host.write_text("a\n1\n")
        assert exists_in(workspace, "driver", driver_path)
        assert not exists_in(workspace, "cluster", driver_path)
    pwd = workspace.run_in_driver(["pwd"], cwd="/root/notebook-dir")
    assert pwd.stdout.strip() == "/root/notebook-dir"
    # Nor does the driver see the cluster's files, nor the laptop's /tmp.
    workspace.cluster_host_path("/tmp/cluster-only").write_text("c")
    assert not exists_in(workspace, "driver", "/tmp/cluster-only")
    assert not exists_in(workspace, "driver", workspace.info["state"])


def test_spark_cannot_read_a_driver_local_path(workspace):
    """The boundary issue #14 is about: a path on the driver means nothing to the cluster."""
    workspace.driver_host_path("/tmp/local-input.csv").write_text("a,b\n1,2\n")
    proc = spark_in_driver(workspace, "read", "csv", "/tmp/local-input.csv")
    assert proc.returncode != 0 and "PATH_NOT_FOUND" in proc.stderr, proc.stderr[-2000:]


def test_unqualified_spark_paths_land_in_the_clusters_dbfs_root(workspace):
    result = last_json(spark_in_driver(workspace, "write-range", "10", "parquet", "unqualified-out"))
    assert result == {"written": 10}
    assert sorted(p.name for p in (workspace.dbfs_root / "unqualified-out").glob("part-*.parquet"))
    assert not exists_in(workspace, "driver", "/root/unqualified-out")
    assert not exists_in(workspace, "driver", "/dbfs/unqualified-out")


def test_the_driver_reaches_spark_only_through_the_socket(workspace):
    port = workspace.info["cluster"]["spark_port"]
    probe = ("import socket, sys\n"
             "s = socket.socket(); s.settimeout(5)\n"
             "sys.exit(s.connect_ex(('127.0.0.1', int(sys.argv[1]))))")
    assert workspace.run_in_driver([PYTHON, "-c", probe, str(port)]).returncode != 0
    assert workspace.run_on_laptop([PYTHON, "-c", probe, str(port)]).returncode == 0  # the server is up
    links = workspace.run_in_driver(["ip", "-o", "link"]).stdout.splitlines()
    assert [line.split(":")[1].strip() for line in links] == ["lo"]


@pytest.mark.parametrize("kind", ["serverless", "classic"])
def test_pyspark_in_the_notebook_writes_a_volume_through_the_socket(workspace, kind):
    out = workspace.volume_path("main", "raw", "out", f"range-{kind}.parquet")
    assert last_json(spark_in_driver(workspace, "write-range", "1000", "parquet", out, kind=kind)) == {"written": 1000}
    import pyarrow.parquet as pq
    table = pq.read_table(workspace.backing_path(out))
    assert table.num_rows == 1000 and sorted(table.column("id").to_pylist()) == list(range(1000))
    assert workspace.read_through_cluster(out)["count"] == 1000
    calls = workspace.notebook_proxy.calls()
    assert "ExecutePlan" in methods(calls) and closing_call(calls)["method"] == "ReleaseSession"


def test_a_dropped_stream_on_the_notebook_socket_is_survived_by_pyspark(workspace):
    workspace.notebook_proxy.control(drop_execute_once_after=1)
    assert last_json(spark_in_driver(workspace, "range", "300000"))["count"] == 300000
    calls = workspace.notebook_proxy.calls()
    assert [c["fault"] for c in calls if c["fault"]] == ["drop"]
    assert "ReattachExecute" in methods(calls)


def test_driver_env_matches_what_the_extension_detects(workspace):
    serverless, classic = workspace.driver_env("serverless"), workspace.driver_env("classic")
    assert serverless["DATABRICKS_RUNTIME_VERSION"].startswith("client.") and serverless["IS_SERVERLESS"] == "TRUE"
    assert classic["DATABRICKS_RUNTIME_VERSION"] == "15.4" and classic["DB_IS_DRIVER"] == "TRUE" and classic["DB_CLUSTER_ID"]
    for env in (serverless, classic):
        assert env["SPARK_REMOTE"].startswith("unix:///databricks/sparkconnect/grpc.sock;user_id=")
    assert serverless["SPARK_REMOTE"] != workspace.driver_env("serverless")["SPARK_REMOTE"]  # a new session each


def test_the_laptop_reaches_the_cluster_only_with_the_token(workspace):
    remote = workspace.laptop_spark_remote.replace("sc://127.0.0.1:", "sc://localhost:")  # pyspark: no TLS on localhost
    assert pyspark_json(remote, "range", "100")["count"] == 100
    wrong = pyspark(remote.replace(workspace.laptop_token, "not-the-token"), "range", "100")
    assert wrong.returncode != 0 and "Invalid authentication token" in wrong.stderr
    assert {"UNAUTHENTICATED", "OK"} <= {c["status"] for c in workspace.laptop_proxy.calls()}


def test_the_files_api_serves_the_same_storage(workspace):
    import urllib.request
    path = workspace.volume_path("main", "raw", "api", "via-api.txt")
    workspace.run_in_driver([PYTHON, "-c", "import sys; open(sys.argv[1], 'w').write('over rest')", path])
    request = urllib.request.Request(f"{workspace.files_api}/api/2.0/fs/files{path}",
                                     headers={"Authorization": f"Bearer {workspace.laptop_token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.read() == b"over rest"


def test_processes_left_running_on_the_driver_are_found_and_killed(workspace):
    """The `workspace` fixture fails a test that leaves processes behind on the driver."""
    started = workspace.run_in_driver(["sh", "-c", "sleep 600 > /dev/null 2>&1 &"])
    assert started.returncode == 0
    assert any("sleep 600" in line for line in workspace.driver_processes())
    assert workspace.kill_driver_processes() >= 1
    assert workspace.driver_processes() == []


# --------------------------------------------------------------------------------------
# Smoke test: today's pyforge in the notebook
# --------------------------------------------------------------------------------------


def test_core_engine_in_the_notebook_converts_a_volume_csv_into_the_volume(workspace, pyforge_bin):
    import pyarrow.parquet as pq
    assert exists_in(workspace, "driver", str(pyforge_bin)), (
        f"{pyforge_bin} is not visible on the driver: build it inside the repository or set PYFORGE_BIN "
        "before the simulator starts (it shares that directory)")
    source = workspace.volume_path("main", "raw", "in", "orders.csv")
    rows = [(i, f"name {i}", i * 1.5) for i in range(500)]
    workspace.backing_path(source).write_text("id,name,amount\n" + "".join(f"{i},{n},{a}\n" for i, n, a in rows))
    output = workspace.volume_path("main", "raw", "smoke", "orders.parquet")
    proc = workspace.run_in_driver([pyforge_bin, "convert", source, output, "--engine", "core"],
                                   env=workspace.driver_env("serverless"))
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(workspace.backing_path(output))
    assert table.to_pydict() == {"id": [r[0] for r in rows], "name": [r[1] for r in rows], "amount": [r[2] for r in rows]}
    assert sorted(os.listdir(workspace.backing_path(output).parent)) == ["orders.parquet"]  # no temporary left
    assert workspace.read_through_cluster(output)["count"] == 500


@pytest.mark.parametrize("kind, summary", [("serverless", "Databricks serverless (client."), ("classic", "Databricks classic (15.4")])
def test_the_extension_detects_the_notebook_the_simulator_imitates(workspace, pyforge_bin, driver_extensions_path, kind, summary):
    proc = workspace.run_in_driver([pyforge_bin, "env", "--json"],
                                   env={**workspace.driver_env(kind), "PYFORGE_EXTENSIONS_PATH": driver_extensions_path})
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)["extensions"]["databricks"]
    assert found["isDatabricks"] is True and found["compute"] == kind and found["summary"].startswith(summary)
    assert found["volumesMounted"] is True


def test_the_extension_on_the_laptop_sees_no_databricks_but_the_workspace(workspace, pyforge_bin, databricks_extensions_dir):
    proc = workspace.run_on_laptop([pyforge_bin, "env", "--json"],
                                   env={**workspace.laptop_env(), "PYFORGE_EXTENSIONS_PATH": str(databricks_extensions_dir)})
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)["extensions"]["databricks"]
    assert found["isDatabricks"] is False and found["volumesMounted"] is False and found["filesAPI"] is True
