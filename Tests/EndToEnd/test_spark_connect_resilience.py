"""The Spark Connect client under faults, end to end: `pyforge convert` reaches Spark through a
Unix-domain socket, as a Databricks notebook reaches its own Spark
(`SPARK_REMOTE=unix:///databricks/sparkconnect/grpc.sock;user_id=…;session_id=…`).

The socket is served by the workspace simulator's gRPC proxy (Tests/Workspace/spark_proxy.py),
which forwards to the local Spark Connect server (pyspark 4.3.0, scripts/test starts it) with the
server's token, and injects the faults pyspark's client is built for (client/retries.py,
client/reattach.py): a response stream cut mid-ExecutePlan, a server refusing calls while it
starts, a server gone for good. Its call log shows which calls the client made. Every output is
read by pyarrow and compared with the core engine's output of the same input.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import unquote

import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Workspace"))
from proxy_handle import SparkProxy  # noqa: E402

ROWS = 400


def upstream_of(remote: str) -> tuple[str, str | None]:
    """HOST:PORT and token of the local server's sc:// address."""
    address, _, parameters = remote[len("sc://"):].partition(";")
    token = None
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key == "token":
            token = unquote(value)
    host_port = address.rstrip("/")
    return (host_port if ":" in host_port else host_port + ":15002"), token


@pytest.fixture
def socket_dir():
    # Short: a socket path must fit in sun_path's 108 bytes, and pytest's tmp paths may not.
    directory = Path(tempfile.mkdtemp(prefix="pf-sock-", dir="/tmp"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def start_proxy(spark_remote, socket_dir, tmp_path):
    upstream, token = upstream_of(spark_remote)
    started: list[SparkProxy] = []

    def _start(*faults: str) -> SparkProxy:
        proxy = SparkProxy(f"unix:{socket_dir / 'grpc.sock'}", upstream, tmp_path / f"proxy{len(started)}",
                           upstream_token=token, extra=list(faults))
        started.append(proxy)
        return proxy

    yield _start
    for proxy in started:
        proxy.stop()


def notebook_remote(socket_dir: Path) -> str:
    return f"unix://{socket_dir / 'grpc.sock'};user_id=ana;session_id={uuid.uuid4()}"


def write_csv(path: Path, n: int = ROWS) -> None:
    lines = ["id,name,amount,day"]
    lines += [f"{i},\"Name {i}, Jr.\",{i * 0.5},2024-02-{(i % 28) + 1:02d}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def core_rows(run_json, env, source: Path, work: Path) -> dict:
    out = work / "core.parquet"
    proc, _ = run_json("convert", source, out, "--engine", "core", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    return by_id(out)


def by_id(path: Path) -> dict:
    return {row["id"]: row for row in pq.read_table(path).to_pylist()}


def methods(proxy: SparkProxy, status: str | None = None) -> list[str]:
    return [call["method"] for call in proxy.calls() if status is None or call["status"] == status]


@pytest.fixture
def notebook(databricks_env, start_proxy, socket_dir, work):
    """notebook(*faults) -> (proxy, source CSV, env with SPARK_REMOTE on the proxy's socket)."""

    def _notebook(*faults: str):
        proxy = start_proxy(*faults)
        source = work / "people.csv"
        write_csv(source)
        return proxy, source, {**databricks_env, "SPARK_REMOTE": notebook_remote(socket_dir)}

    return _notebook


def spark_converts_like_the_core(run_json, databricks_env, env, source: Path, work: Path) -> dict:
    """Converts with --engine spark, checks Spark did it, and compares with the core's output."""
    proc, result = run_json("convert", source, work / "spark.parquet", "--engine", "spark", "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["engine"] == "spark", proc.stderr
    assert result["rows"] == ROWS
    assert by_id(work / "spark.parquet") == core_rows(run_json, databricks_env, source, work)
    return result


def test_the_notebook_socket_converts_and_releases_everything(run_json, databricks_env, notebook, work):
    proxy, source, env = notebook()
    result = spark_converts_like_the_core(run_json, databricks_env, env, source, work)
    assert "the notebook's Spark at unix://" in result["details"]["decision"]
    calls = methods(proxy, "OK")
    assert "ExecutePlan" in calls and "ReleaseExecute" in calls and calls[-1] == "ReleaseSession", calls
    assert "ReattachExecute" not in calls  # nothing broke, so nothing to resume


def assert_resumed_after_the_drop(proxy: SparkProxy) -> None:
    calls = proxy.calls()
    drops = [c for c in calls if c["fault"] == "drop"]
    assert len(drops) == 1 and drops[0]["method"] == "ExecutePlan", calls
    after = [c["method"] for c in calls[calls.index(drops[0]) + 1:] if c["status"] == "OK"]
    assert after[:1] == ["ReattachExecute"], calls
    assert "ReleaseExecute" in after and after[-1] == "ReleaseSession", calls


def test_a_stream_dropped_before_its_first_response_is_resumed(run_json, databricks_env, notebook, work):
    # A small write answers with one response (result_complete); the proxy cuts the stream
    # before it, after the server has started the write.
    proxy, source, env = notebook("--drop-execute-once-after", "0")
    spark_converts_like_the_core(run_json, databricks_env, env, source, work)
    assert_resumed_after_the_drop(proxy)
    assert sorted(p.name for p in work.iterdir()) == ["core.parquet", "people.csv", "spark.parquet"]


def test_a_stream_dropped_after_a_response_resumes_after_it(run_json, notebook):
    # --table writes (one response), then counts the table: that query's stream has more
    # than one response and is cut after the first; the reattach resumes after it.
    proxy, source, env = notebook("--drop-execute-once-after", "1")
    table = f"pyforge_resilience_{uuid.uuid4().hex[:8]}"
    proc, result = run_json("convert", source, "--engine", "spark", "--table", table, "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["rows"] == ROWS and result["details"]["table"] == table
    assert_resumed_after_the_drop(proxy)
    assert next(c for c in proxy.calls() if c["fault"] == "drop")["responses"] == 1


def test_a_server_refusing_calls_at_first_is_retried(run_json, databricks_env, notebook, work):
    proxy, source, env = notebook("--refuse-for", "3")
    spark_converts_like_the_core(run_json, databricks_env, env, source, work)
    refused = [c for c in proxy.calls() if c["fault"] == "refuse"]
    assert len(refused) >= 2, proxy.calls()  # retried, with waits growing (50 ms × 4ⁿ)


@pytest.mark.parametrize("engine", ["spark", "auto"])
def test_a_server_down_for_good_is_a_clear_error_and_the_core_converts(run_json, databricks_env, notebook, socket_dir,
                                                                       work, engine):
    proxy, source, env = notebook("--down")
    env = {**env, "PYFORGE_SPARK_RETRY_MAX_SECONDS": "2", "PYFORGE_SPARK_MIN_BYTES": "1000"}
    proc, result = run_json("convert", source, work / "out.parquet", "--engine", engine, "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["engine"] == "core"
    reason = f"Cannot reach the Spark Connect server at unix://{socket_dir / 'grpc.sock'}"
    assert any(reason in w and "still failing after" in w and "PYFORGE_SPARK_RETRY_MAX_SECONDS" in w
               for w in result["warnings"]), result["warnings"]
    assert result["details"]["extensions_not_used"].startswith("databricks: "), result["details"]  # the reason is in the warning
    # The plan was tried again and again until the bound, then given up.
    attempts = [c for c in proxy.calls() if c["method"] in ("ExecutePlan", "ReattachExecute")]
    assert len(attempts) >= 3 and all(c["fault"] == "down" for c in attempts), proxy.calls()
    # The operation and the session are still released (tried, within their own short bound).
    assert "ReleaseExecute" in methods(proxy) and methods(proxy)[-1] == "ReleaseSession", proxy.calls()
    assert by_id(work / "out.parquet") == core_rows(run_json, databricks_env, source, work)


def test_a_spark_failure_still_releases_the_operation_and_the_session(run_json, notebook, work):
    # A short row: Spark's FAILFAST CSV reader fails the write; the core engine then converts.
    proxy, _, env = notebook()
    source = work / "ragged.csv"
    source.write_text("a,b\n1,2\n3\n")
    proc, result = run_json("convert", source, work / "out.parquet", "--engine", "spark", "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["engine"] == "core" and "Spark failed" in proc.stderr
    calls = proxy.calls()
    failed = [c for c in calls if c["method"] == "ExecutePlan" and c["status"] != "OK"]
    assert len(failed) == 1 and failed[0]["fault"] is None, calls  # a Spark error is not retried
    assert [c["method"] for c in calls if c["status"] == "OK"][-2:] == ["ReleaseExecute", "ReleaseSession"], calls
    assert pq.read_table(work / "out.parquet").num_rows == 2


def test_a_malformed_socket_remote_is_one_sentence(run, databricks_env, work):
    source = work / "people.csv"
    write_csv(source, 5)
    env = {**databricks_env, "SPARK_REMOTE": "unix://databricks/grpc.sock;token=SECRETVALUE"}
    proc = run("convert", source, work / "out.parquet", "--engine", "spark", env=env)
    assert proc.returncode == 1
    assert "is not a Spark Connect socket address: the socket path must be absolute" in proc.stderr
    assert "SECRETVALUE" not in proc.stderr
    assert not (work / "out.parquet").exists()
