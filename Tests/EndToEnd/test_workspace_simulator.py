"""Self-tests of the workspace simulator (Tests/Workspace/README.md): each boundary and fault
it claims, checked from the outside, so that a Databricks test passing in the simulator means
the boundary was really there.

Spark proxy: checked with pyspark's own client (Tests/Workspace/spark_client.py, .venv-spark),
whose retry/reattach behaviour is the reference, and with raw grpc calls where only the
proxy's answer matters.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from conftest import REPO_ROOT, wait_for

sys.path.insert(0, str(REPO_ROOT / "Tests" / "Workspace"))
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
    assert methods(calls)[-1] == "ReleaseSession"
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
    assert "ReattachExecute" in after and "ReleaseExecute" in after and after[-1] == "ReleaseSession"


def test_a_cluster_still_starting_answers_unavailable_and_pyspark_retries(proxy):
    endpoint = proxy()
    endpoint.control(refuse_for=3)
    result = pyspark_json(f"sc://localhost:{endpoint.port}/", "range", "1000")
    assert result["count"] == 1000
    calls = endpoint.calls()
    refused = [c for c in calls if c["fault"] == "refuse"]
    assert refused and all(c["status"] == "UNAVAILABLE" for c in refused)
    assert calls[-1]["method"] == "ReleaseSession" and calls[-1]["status"] == "OK"


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


def test_the_notebook_socket_needs_no_token_and_carries_pyspark(proxy, tmp_path):
    socket_path = tmp_path / "grpc.sock"
    endpoint = proxy(listen=f"unix:{socket_path}")
    assert socket_path.is_socket()
    remote = f"unix://{socket_path};user_id=simulated-user;session_id=8c6a4c0e-8a40-4b8e-9a39-5d6b2e1f0a77"
    assert pyspark_json(remote, "range", "5000") == {"count": 5000, "sum": 5000 * 4999 // 2}
    assert methods(endpoint.calls())[-1] == "ReleaseSession"
