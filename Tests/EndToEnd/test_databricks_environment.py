"""Databricks environment detection through `pyforge env`, `extensions status` and the
serve API: serverless, classic and laptop, from real values of each variable."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import assert_no_crash, base_env

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


@pytest.fixture
def bare(pyforge_bin, tmp_path):
    """A copy of pyforge in a directory of its own (the search path includes places beside the
    binary, such as .build/release/pyforge-extensions), an empty PYFORGE_EXTENSIONS_PATH and
    a private HOME: no extension can be found, as on a fresh `pip install` without one."""
    import shutil

    binary = tmp_path / "bin" / "pyforge"
    binary.parent.mkdir()
    shutil.copy2(pyforge_bin, binary)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in base_env().items() if not k.startswith(("DATABRICKS_", "SPARK_", "DB_", "XDG_"))}
    env.update({"HOME": str(home), "PYFORGE_EXTENSIONS_PATH": ""})
    return binary, env


def test_env_without_any_extension(bare):
    binary, env = bare
    for directory in ("/usr/local/share/pyforge/extensions", "/usr/share/pyforge/extensions"):
        assert not os.path.isdir(directory) or not os.listdir(directory), (
            f"{directory} holds extensions on this machine, so this test cannot run pyforge without one")
    proc = subprocess.run([str(binary), "env", "--json"], env={**env, "DATABRICKS_RUNTIME_VERSION": "15.4.x-scala2.12"},
                          capture_output=True, text=True, timeout=60)
    assert_no_crash(proc)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    # Nothing found, nothing detected: the core does not guess at Databricks on its own.
    assert report["extensions"] == {}
    assert report["searchPath"][0] == str(Path(env["HOME"]) / ".local" / "share" / "pyforge" / "extensions")
    assert report["variables"] == {"PYFORGE_EXTENSIONS_PATH": "", "DATABRICKS_RUNTIME_VERSION": "15.4.x-scala2.12"}
    assert report["pyforge"]
    proc = subprocess.run([str(binary), "env"], env=env, capture_output=True, text=True, timeout=60)
    assert_no_crash(proc)
    assert proc.returncode == 0, proc.stderr
    assert "no extension reports one (install the Databricks extension to detect Databricks)" in proc.stdout
    assert "Extension 'databricks'" not in proc.stdout
