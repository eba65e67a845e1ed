"""The extension host: delegation to an out-of-process extension, and fallback to the
built-in engine whenever the extension declines, crashes, hangs or misbehaves."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import base_env

FIXTURE = Path(__file__).parent / "fixtures" / "fake_extension.py"


def install_fake(root: Path, mode: str, timeouts: dict | None = None) -> Path:
    directory = root / "extensions" / "fake"
    directory.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    (root / "extensions").chmod(0o755)
    directory.chmod(0o755)
    executable = directory / "fake.py"
    executable.write_text(f"#!{sys.executable}\n" + FIXTURE.read_text())
    executable.chmod(0o755)
    (directory / "mode").write_text(mode)
    manifest = {"name": "fake", "version": "1.0.0", "executable": "fake.py", "protocolVersions": ["1.0"],
                "inputFormats": ["csv"], "outputFormats": ["parquet"],
                "timeouts": timeouts or {"startup": 3, "probe": 3, "idle": 3, "absolute": 20}}
    (directory / "pyforge-extension.json").write_text(json.dumps(manifest))
    return root / "extensions"


def leftover_processes(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if marker in line and "ps -eo" not in line]


def convert(pyforge_bin, work, search_path, *extra, env_extra=None):
    source = work / "data.csv"
    source.write_text("id,name\n1,a\n2,b\n3,c\n")
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(search_path)
    env["HOME"] = str(work)
    env.update(env_extra or {})
    proc = subprocess.run([str(pyforge_bin), "convert", str(source), str(work / "out.parquet"), "--json", *extra],
                          cwd=work, env=env, capture_output=True, text=True, timeout=60)
    return proc


def test_successful_delegation(pyforge_bin, work):
    path = install_fake(work, "success")
    proc = convert(pyforge_bin, work, path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "fake" and result["rows"] == 3
    assert "converted by the fake extension" in result["warnings"]
    assert pq.read_table(work / "out.parquet").num_rows == 3


@pytest.mark.parametrize("mode, reason", [
    ("crash-init", "exited with status 3"),
    ("bad-version", "upgrade"),
    ("garbage", "not a protocol message"),
    ("oversize", "over the protocol's limit"),
    ("hang-init", "did not answer initialize"),
    ("kill-mid-convert", "killed by signal 9"),
    ("hang-convert", "did not answer convert"),
    ("grandchild", "did not answer convert"),
    ("corrupt-output", "output is not valid"),
])
def test_misbehaving_extension_falls_back_to_core(pyforge_bin, work, mode, reason):
    path = install_fake(work, mode)
    started = time.monotonic()
    proc = convert(pyforge_bin, work, path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "core"
    warning = next((w for w in result["warnings"] if "Extension 'fake'" in w), None)
    assert warning is not None and reason in warning, result["warnings"]
    assert "Extension 'fake'" in proc.stderr
    assert pq.read_table(work / "out.parquet").num_rows == 3
    assert not [n for n in os.listdir(work) if ".pyforge-" in n], os.listdir(work)
    assert time.monotonic() - started < 30
    time.sleep(0.2)
    assert leftover_processes(str(work)) == [] and leftover_processes("sleep 1000") == []


def test_declining_extension_is_silent(pyforge_bin, work):
    path = install_fake(work, "decline")
    proc = convert(pyforge_bin, work, path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "core" and not any("fake" in w for w in result["warnings"])


def test_required_extension_fails_instead_of_falling_back(pyforge_bin, work):
    path = install_fake(work, "crash-init")
    proc = convert(pyforge_bin, work, path, "--engine", "fake")
    assert proc.returncode == 1
    assert "extension 'fake'" in proc.stderr.lower() and "exited with status 3" in proc.stderr
    assert not (work / "out.parquet").exists()


def test_force_core_skips_extensions(pyforge_bin, work):
    path = install_fake(work, "success")
    for extra, env in [((), {"PYFORGE_FORCE_CORE": "true"}), (("--engine", "core"), None)]:
        (work / "out.parquet").unlink(missing_ok=True)
        proc = convert(pyforge_bin, work, path, *extra, env_extra=env)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["engine"] == "core"


def test_insecure_extension_is_reported_and_not_run(pyforge_bin, work):
    path = install_fake(work, "success")
    (path / "fake").chmod(0o777)
    proc = convert(pyforge_bin, work, path)
    assert json.loads(proc.stdout)["engine"] == "core"
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(path)
    listing = json.loads(subprocess.run([str(pyforge_bin), "extensions", "list", "--json"], env=env,
                                        capture_output=True, text=True).stdout)
    assert listing["found"] == [] and "writable by everyone" in listing["insecure"][0]["reason"]
