"""Databricks environment detection through `pyforge env`, `extensions status` and the
serve API: serverless, classic and laptop, from real values of each variable."""
from __future__ import annotations

import time

import pytest

CASES = {
    "serverless": ({"DATABRICKS_RUNTIME_VERSION": "client.2.1", "IS_SERVERLESS": "TRUE", "SPARK_CONNECT_MODE_ENABLED": "1"},
                   "serverless", "client.2.1"),
    "classic": ({"DATABRICKS_RUNTIME_VERSION": "15.4.x-scala2.12", "DB_IS_DRIVER": "TRUE", "DB_CLUSTER_ID": "0123-456789-abcdefgh",
                 "DB_INSTANCE_TYPE": "i3.xlarge"}, "classic", "15.4.x-scala2.12"),
    "classic-gpu": ({"DATABRICKS_RUNTIME_VERSION": "16.4.x-gpu-ml-scala2.12"}, "classic", "16.4.x-gpu-ml-scala2.12"),
    "laptop": ({}, "none", None),
}


@pytest.mark.parametrize("case", CASES)
def test_env_reports_the_compute(run_json, databricks_env, case):
    variables, compute, version = CASES[case]
    proc, report = run_json("env", "--json", env={**databricks_env, **variables})
    assert proc.returncode == 0, proc.stderr
    databricks = report["extensions"]["databricks"]
    assert databricks["compute"] == compute
    assert databricks["isDatabricks"] == (compute != "none")
    assert databricks["runtimeVersion"] == version
    if case == "classic":
        assert databricks["clusterId"] == "0123-456789-abcdefgh"
        assert any("DB_CLUSTER_ID" in s for s in databricks["signals"])
    if case == "laptop":
        assert databricks["summary"] == "not Databricks"


def test_env_text_output_and_secrets(run, databricks_env):
    proc = run("env", env={**databricks_env, "DATABRICKS_RUNTIME_VERSION": "client.1", "DATABRICKS_TOKEN": "dapi-secret-1",
                           "DATABRICKS_HOST": "https://adb-1.azuredatabricks.net", "SPARK_REMOTE": "sc://h:443/;token=dapi-secret-2"})
    assert proc.returncode == 0, proc.stderr
    assert "Extension 'databricks':" in proc.stdout and "serverless" in proc.stdout
    assert "dapi-secret" not in proc.stdout + proc.stderr


def test_extensions_status_shows_the_environment_capability(run_json, databricks_env):
    proc, report = run_json("extensions", "status", "--json", env={**databricks_env, "DATABRICKS_RUNTIME_VERSION": "client.3"})
    assert proc.returncode == 0, proc.stderr
    status = next(s for s in report["extensions"] if s["name"] == "databricks")
    assert status["state"] == "ok" and status["protocolVersion"] == "1.1"
    assert status["capabilities"]["environment"]["compute"] == "serverless"
    assert status["capabilities"]["engines"] == ["spark"]


def test_detection_is_fast(run_json, databricks_env):
    # The whole `pyforge env` (spawn, handshake, detection, shutdown) stays well under a
    # second; detection itself is bounded by the extension's unit tests (< 50 ms).
    started = time.monotonic()
    proc, _ = run_json("env", "--json", env=databricks_env)
    assert proc.returncode == 0
    assert time.monotonic() - started < 5
