"""The extension host: delegation to an out-of-process extension, and fallback to the
built-in engine whenever the extension declines, crashes, hangs or misbehaves."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import base_env, wait_for

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
    ("bad-version", "agree with its manifest"),
    ("garbage", "not a protocol message"),
    ("oversize", "over the protocol's limit"),
    ("hang-init", "did not answer initialize"),
    ("partial-line", "exited with status 0"),
    ("kill-mid-convert", "killed by signal 9"),
    ("hang-convert", "did not answer convert"),
    ("grandchild", "did not answer convert"),
    ("corrupt-output", "output is not valid"),
])
def test_misbehaving_extension_falls_back_to_core(pyforge_bin, work, mode, reason):
    path = install_fake(work, mode)
    proc = convert(pyforge_bin, work, path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "core"
    warning = next((w for w in result["warnings"] if "Extension 'fake'" in w), None)
    assert warning is not None and reason in warning, result["warnings"]
    assert "Extension 'fake'" in proc.stderr
    assert pq.read_table(work / "out.parquet").num_rows == 3
    assert not [n for n in os.listdir(work) if ".pyforge-" in n], os.listdir(work)
    # The host kills the extension's process group before it answers; the kernel may take a
    # moment to tear the processes down, so poll. A process the host failed to stop (the
    # fake's `sleep 1000` grandchild, a hung extension) outlives the deadline by far. How
    # quickly the fallback happens is a benchmark row (benchmarks/time_bounds.py).
    wait_for(lambda: leftover_processes(str(work)) == [] and leftover_processes("sleep 1000") == [],
             lambda: f"no process of the {mode!r} extension is left: {leftover_processes(str(work)) + leftover_processes('sleep 1000')}",
             timeout=30)


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


EXAMPLES = Path(__file__).resolve().parents[2] / "extensions" / "examples"


def install_example(root: Path, folder: str, executable: Path) -> Path:
    directory = root / "extensions" / folder
    directory.mkdir(parents=True)
    for path in (root, root / "extensions", directory):
        path.chmod(0o755)
    shutil.copy(EXAMPLES / folder / "pyforge-extension.json", directory)
    target = directory / executable.name
    shutil.copy(executable, target)
    target.chmod(0o755)
    if folder == "python-csv-to-ndjson":
        # Installed as its README says: pyforge-extension-kit vendored beside the script.
        shutil.copytree(EXAMPLES.parent / "python-kit" / "src" / "pyforge_extension_kit",
                        directory / "vendor" / "pyforge_extension_kit", ignore=shutil.ignore_patterns("__pycache__"))
    return root / "extensions"


def test_swift_example_extension_converts_legacy_files(pyforge_bin, work):
    binary = pyforge_bin.parent / "pyforge-example-allstrings"
    assert binary.exists(), "build it: swift build -c release --product pyforge-example-allstrings"
    path = install_example(work, "swift-allstrings", binary)
    source = work / "old.legacy.csv"
    source.write_text("id,code\n1,007\n2,010\n")
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(path)
    proc = subprocess.run([str(pyforge_bin), "convert", str(source), "--json"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["engine"] == "example-allstrings"
    table = pq.read_table(work / "old.legacy.parquet")
    assert table.to_pylist() == [{"id": "1", "code": "007"}, {"id": "2", "code": "010"}]
    # Other files are declined and converted by the built-in engine.
    other = work / "new.csv"
    other.write_text("id\n1\n")
    proc = subprocess.run([str(pyforge_bin), "convert", str(other), "--json"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=60)
    assert json.loads(proc.stdout)["engine"] == "core"


def test_python_example_extension(pyforge_bin, work):
    path = install_example(work, "python-csv-to-ndjson", EXAMPLES / "python-csv-to-ndjson" / "extension.py")
    source = work / "data.csv"
    source.write_text('id,name\n1,"Zoë, ""Z"""\n2,\n')
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(path)
    proc = subprocess.run([str(pyforge_bin), "convert", str(source), "-f", "ndjson", "--json"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["engine"] == "example-csv-to-ndjson"
    lines = [json.loads(line) for line in (work / "data.ndjson").read_text().splitlines()]
    assert lines == [{"id": "1", "name": 'Zoë, "Z"'}, {"id": "2", "name": ""}]


def test_circuit_breaker_skips_a_failing_extension(pyforge_bin, work):
    path = install_fake(work, "crash-init")
    for _ in range(3):
        (work / "out.parquet").unlink(missing_ok=True)
        proc = convert(pyforge_bin, work, path)
        assert "exited with status 3" in proc.stderr
    (work / "out.parquet").unlink(missing_ok=True)
    proc = convert(pyforge_bin, work, path)
    assert proc.returncode == 0
    assert "skipped until" in proc.stderr and "exited with status 3" in proc.stderr
    health = json.loads((work / ".cache" / "pyforge" / "extension-health.json").read_text())
    assert health["fake"]["crashes"] == 3 and health["fake"]["consecutiveFailures"] == 3
    assert "giving up before the handshake" in " ".join(health["fake"]["lastStderr"])


def test_conformance_check_passes_examples_and_fails_misbehaviour(pyforge_bin, work):
    env = base_env()
    proc = subprocess.run([str(pyforge_bin), "extensions", "check", str(EXAMPLES / "python-csv-to-ndjson"), "--json"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout
    assert all(check["passed"] for check in json.loads(proc.stdout))
    path = install_fake(work, "garbage")
    proc = subprocess.run([str(pyforge_bin), "extensions", "check", str(path / "fake")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "FAIL  handshake" in proc.stdout and "not a protocol message" in proc.stdout


def test_status_reports_handshake_and_health(pyforge_bin, work):
    path = install_fake(work, "success")
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(path)
    env["HOME"] = str(work)
    proc = subprocess.run([str(pyforge_bin), "extensions", "status", "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    status = json.loads(proc.stdout)["extensions"][0]
    assert status["name"] == "fake" and status["state"] == "ok" and status["protocolVersion"] == "1.0"
    assert status["handshakeMilliseconds"] > 0 and status["pingMilliseconds"] >= 0


def surviving_extension_processes(search_path: Path) -> list[str]:
    """The processes of the fake extension's process groups (one per start, recorded by the
    extension) that can still run — a zombie holds no files — from /proc."""
    groups = {int(line) for line in (search_path / "fake" / "pgids").read_text().split()}
    assert groups
    members = []
    for entry in os.listdir("/proc"):
        try:
            fields = (Path("/proc") / entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp in groups and state not in ("Z", "X"):
            members.append(entry)
    return members


# Extensions that go on writing to their output path for a second after the host gave up on
# them: the host must stop the whole process group before it removes the temporary output.
@pytest.mark.parametrize("run", range(20))
@pytest.mark.parametrize("mode, timeouts, reason", [
    ("stray-stdout-then-write", None, "not a protocol message"),
    ("stray-stdout-then-child-writes", None, "not a protocol message"),
    ("timeout-then-write", {"startup": 5, "probe": 5, "idle": 0.2, "absolute": 20}, "did not answer convert within 0.2 s"),
    ("bad-output-then-write", None, "output is not valid"),
])
def test_failed_delegation_leaves_no_temporary_output(pyforge_bin, work, mode, timeouts, reason, run):
    path = install_fake(work, mode, timeouts)
    proc = convert(pyforge_bin, work, path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "core"
    assert any("Extension 'fake'" in w and reason in w for w in result["warnings"]), result["warnings"]
    assert [n for n in os.listdir(work) if ".pyforge-" in n] == []
    assert pq.read_table(work / "out.parquet").to_pylist() == [
        {"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"}]
    assert surviving_extension_processes(path) == []


def test_batch_leaves_no_temporary_output(pyforge_bin, work):
    path = install_fake(work, "stray-stdout-then-child-writes")
    inputs = [work / f"part{i}.csv" for i in range(3)]
    for source in inputs:
        source.write_text("id,name\n1,a\n2,b\n3,c\n")
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(path)
    env["HOME"] = str(work)
    proc = subprocess.run([str(pyforge_bin), "convert", *map(str, inputs), "--output-dir", str(work / "out"), "--workers", "3"],
                          cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for source in inputs:
        assert f"{source}: Extension 'fake' was not used: it wrote something that is not a protocol message" in proc.stderr
    # The temporary outputs were beside these.
    assert sorted(os.listdir(work / "out")) == ["part0.parquet", "part1.parquet", "part2.parquet"]
    for name in os.listdir(work / "out"):
        assert pq.read_table(work / "out" / name).to_pylist() == [
            {"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"}]
    assert surviving_extension_processes(path) == []


def test_force_core_overrides_a_claimed_path(pyforge_bin, work):
    """SPEC §15.4: a pyforge started by an extension (which has PYFORGE_FORCE_CORE=true in its
    environment) must never hand a claimed path back to the extension — that was an unbounded
    process chain when the Databricks extension ran the built-in engine on a /Volumes input."""
    path = install_fake(work, "success")
    manifest = json.loads((path / "fake" / "pyforge-extension.json").read_text())
    manifest["pathPrefixes"] = [str(work) + "/"]
    manifest["protocolVersions"] = ["1.1"]  # pathPrefixes came with 1.1
    (path / "fake" / "pyforge-extension.json").write_text(json.dumps(manifest))
    (path / "fake" / "protocol").write_text("1.1")
    claimed = convert(pyforge_bin, work, path)
    assert json.loads(claimed.stdout)["engine"] == "fake", claimed.stderr  # the claim is honoured...
    (work / "out.parquet").unlink()
    proc = convert(pyforge_bin, work, path, "--engine", "core", env_extra={"PYFORGE_FORCE_CORE": "true"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["engine"] == "core"  # ...but not under PYFORGE_FORCE_CORE


def test_check_fails_a_cancelled_request_answered_with_another_error(pyforge_bin, work):
    """The conformance suite promises "result or -32800" for a cancelled request (SPEC §7);
    an extension answering -32603 must fail that check, not pass it as "answered"."""
    path = install_fake(work, "probe-internal-error")
    env = base_env()
    env["HOME"] = str(work)
    proc = subprocess.run([str(pyforge_bin), "extensions", "check", str(path / "fake"), "--json"],
                          env=env, capture_output=True, text=True, timeout=120)
    checks = {c["name"]: c for c in json.loads(proc.stdout)}
    assert proc.returncode == 1
    assert not checks["cancellation"]["passed"]
    assert "-32800, not error -32603" in checks["cancellation"]["detail"]
