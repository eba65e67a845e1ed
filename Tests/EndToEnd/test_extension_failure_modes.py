"""Misbehaving extensions written on the kits (issue #19, "a host that never waits longer
than it must"): each failure mode ends in a fallback to the built-in engine with exactly one
warning line, the reason in --json, no process of the extension left (its process group
and grandchildren, by PID) and no temporary file; Ctrl-C during a delegated conversion
sends $/cancelRequest, which the kits answer with -32800. How long each mode takes with the
default limits is measured by benchmarks/extension_failure_modes.py, not asserted here.

The Python extension is Tests/EndToEnd/fixtures/kit_failure_modes_extension.py on the
Python kit (extensions/python-kit/src, on PYTHONPATH); the Swift one is the
pyforge-example-misbehaving product on PyForgeExtensionKit."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import base_env, wait_for

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "extensions" / "python-kit" / "src"
FIXTURE = Path(__file__).parent / "fixtures" / "kit_failure_modes_extension.py"
NAME = {"python": "kit-failure", "swift": "swift-misbehaving"}
# Short limits where a mode waits one out (the defaults are measured by the benchmark);
# generous ones elsewhere, so that a slow start on a busy machine is not a failure.
PATIENT = {"startup": 20, "probe": 20}


def install(work: Path, kit: str, mode: str, timeouts: dict | None = None, versions=("1.0",), pyforge_bin=None) -> Path:
    directory = work / "extensions" / NAME[kit]
    directory.mkdir(parents=True)
    for path in (work, work / "extensions", directory):
        path.chmod(0o755)
    if kit == "python":
        executable = directory / "extension.py"
        executable.write_text(f"#!{sys.executable}\n" + FIXTURE.read_text())
    else:
        binary = pyforge_bin.parent / "pyforge-example-misbehaving"
        assert binary.exists(), "build it: swift build --product pyforge-example-misbehaving"
        executable = directory / binary.name
        shutil.copy(binary, executable)
    executable.chmod(0o755)
    (directory / "mode").write_text(mode)
    manifest = {"name": NAME[kit], "version": "1.0.0", "executable": executable.name, "protocolVersions": list(versions),
                "inputFormats": ["csv"], "outputFormats": ["parquet"], "timeouts": timeouts or PATIENT}
    (directory / "pyforge-extension.json").write_text(json.dumps(manifest))
    return directory


def environment(work: Path) -> dict:
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(work / "extensions")
    env["HOME"] = str(work)
    env["PYTHONPATH"] = str(KIT)
    return env


def convert_command(pyforge_bin, work):
    source = work / "data.csv"
    source.write_text("id,name\n1,a\n2,b\n3,c\n")
    return [str(pyforge_bin), "convert", str(source), str(work / "out.parquet"), "--json"]


def running_members(directory: Path) -> list[str]:
    """Processes of the extension's process groups (recorded by each start) and its
    grandchildren that can still run (a zombie holds nothing), from /proc."""
    def recorded(name):
        path = directory / name
        return {int(line) for line in path.read_text().split()} if path.exists() else set()
    groups, pids = recorded("pgids"), recorded("grandchildren")
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = (Path("/proc") / entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] not in ("Z", "X") and (int(fields[2]) in groups or int(entry) in pids):
            alive.append(entry)
    return alive


def assert_nothing_left(work: Path, directory: Path):
    assert [n for n in os.listdir(work) if ".pyforge-" in n] == [], os.listdir(work)
    wait_for(lambda: running_members(directory) == [],
             lambda: f"no process of the extension is left: {running_members(directory)}", timeout=30)


def assert_fell_back(proc, work: Path, name: str, reason: str, description: str):
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "core"
    assert result["details"]["extensions_not_used"] == f"{name}: {reason}", result["details"]
    warning = [w for w in result["warnings"] if f"Extension '{name}' was not used" in w]
    assert len(warning) == 1 and description in warning[0], result["warnings"]
    lines = [line for line in proc.stderr.splitlines() if "warning" in line.lower() or "was not used" in line]
    assert lines == [f"warning: {warning[0]}"], proc.stderr
    assert pq.read_table(work / "out.parquet").to_pylist() == [
        {"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"}]


# The length of the fixture's oversize line (without its LF), counted across every chunk.
OVERSIZE_LINE = len(b'{"jsonrpc": "2.0", "method": "$/log", "params": {"pad": "') + (17 << 20) + len(b'"}}')

MODES = [
    # kit, mode, manifest timeouts, reason, words in the warning
    ("python", "crash-start", None, "crashed", "exited with status 3; its last words on stderr: kit-failure: cannot start, reason 1 of 3 | kit-failure: cannot start, reason 2 of 3 | kit-failure: cannot start, reason 3 of 3"),
    ("python", "crash-mid-convert", None, "crashed", "exited with status 5; its last words on stderr: " + " | ".join(f"kit-failure: step {n} of 5 went wrong" for n in range(1, 6))),
    ("python", "hang-init", {"startup": 1}, "timedOut", "did not answer initialize within 1.0 s"),
    ("python", "hang-probe", {"startup": 20, "probe": 1}, "timedOut", "did not answer probe within 1.0 s"),
    ("python", "hang-convert", {**PATIENT, "idle": 1}, "timedOut", "did not answer convert within 1.0 s"),
    # idle 3 s, so that a busy machine does not delay the heartbeats past it: the stall
    # limit (2 × idle) must be what ends it.
    ("python", "progress-stuck", {**PATIENT, "idle": 3}, "timedOut", "did not answer convert (its progress stood still) within 6.0 s"),
    ("python", "garbage", None, "malformedMessage", "not a protocol message on stdout ('Loading model... done')"),
    ("python", "partial-line", None, "crashed", "exited with status 0"),
    ("python", "oversize", None, "messageTooLarge", f"it sent a {OVERSIZE_LINE}-byte line, over the protocol's limit"),
    ("python", "bad-output", None, "badOutput", "output is not valid"),
    ("python", "wrong-version", None, "versionMismatch", "9.0"),
    ("python", "stray-grandchild", None, "malformedMessage", "('stray line from a grandchild')"),
    ("python", "grandchild-ignoring-sigterm", {**PATIENT, "idle": 1}, "timedOut", "did not answer convert within 1.0 s"),
    ("swift", "hang-init", {"startup": 1}, "timedOut", "did not answer initialize within 1.0 s"),
    ("swift", "crash-mid-convert", None, "crashed", "exited with status 7; its last words on stderr: " + " | ".join(f"swift-misbehaving: step {n} of 5 went wrong" for n in range(1, 6))),
    ("swift", "progress-stuck", {**PATIENT, "idle": 3}, "timedOut", "did not answer convert (its progress stood still) within 6.0 s"),
    ("swift", "cancellable", {**PATIENT, "idle": 1}, "timedOut", "did not answer convert within 1.0 s"),
]


@pytest.mark.parametrize("kit, mode, timeouts, reason, description", MODES, ids=[f"{m[0]}-{m[1]}" for m in MODES])
def test_failure_mode_falls_back_cleanly(pyforge_bin, work, kit, mode, timeouts, reason, description):
    directory = install(work, kit, mode, timeouts, pyforge_bin=pyforge_bin)
    proc = subprocess.run(convert_command(pyforge_bin, work), cwd=work, env=environment(work),
                          capture_output=True, text=True, timeout=120)
    assert_fell_back(proc, work, NAME[kit], reason, description)
    assert_nothing_left(work, directory)


def test_a_timed_out_convert_is_cancelled_first(pyforge_bin, work):
    # The Swift kit cancels the request's task on $/cancelRequest: its Task.sleep throws,
    # and the extension notes it before the host's shutdown ladder begins.
    directory = install(work, "swift", "cancellable", {**PATIENT, "idle": 1}, pyforge_bin=pyforge_bin)
    proc = subprocess.run(convert_command(pyforge_bin, work), cwd=work, env=environment(work),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (directory / "cancelled").exists()


@pytest.mark.parametrize("kit", ["python", "swift"])
def test_ctrl_c_during_a_delegated_convert_cancels_it(pyforge_bin, work, kit):
    directory = install(work, kit, "cancellable", pyforge_bin=pyforge_bin)
    host = subprocess.Popen(convert_command(pyforge_bin, work), cwd=work, env=environment(work),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (directory / "converting").exists(), "the extension is converting")
        host.send_signal(signal.SIGINT)
        out, err = host.communicate(timeout=60)
    finally:
        if host.poll() is None:
            host.kill()
    assert host.returncode == 130, err
    assert f"Interrupted: extension '{NAME[kit]}' cancelled its work (-32800)." in err, err
    assert (directory / "cancelled").exists()
    assert out == "" and not (work / "out.parquet").exists()
    # An interruption is not the extension's failure: nothing counts toward the breaker.
    assert health(work).get(NAME[kit], {}).get("failures", 0) == 0
    assert_nothing_left(work, directory)


def test_a_second_signal_during_the_grace_ends_cleanly(pyforge_bin, work):
    # hang-convert ignores the cancellation. The second signal ends the process without
    # waiting for the grace (if the kernel merges the two, the grace runs out instead):
    # either way the exit status is 128 + the signal and nothing is left.
    directory = install(work, "python", "hang-convert")
    host = subprocess.Popen(convert_command(pyforge_bin, work), cwd=work, env=environment(work),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (directory / "converting").exists(), "the extension is converting")
        host.send_signal(signal.SIGTERM)
        host.send_signal(signal.SIGTERM)
        host.communicate(timeout=60)
    finally:
        if host.poll() is None:
            host.kill()
    assert host.returncode == 128 + signal.SIGTERM
    assert not (work / "out.parquet").exists()
    assert_nothing_left(work, directory)


def health(work: Path) -> dict:
    path = work / ".cache" / "pyforge" / "extension-health.json"
    return json.loads(path.read_text()) if path.exists() else {}


@pytest.mark.parametrize("where", ["manifest", "initialize"])
def test_version_mismatches_do_not_trip_the_circuit_breaker(pyforge_bin, work, where):
    versions = ("9.0",) if where == "manifest" else ("1.0",)
    directory = install(work, "python", "wrong-version" if where == "initialize" else "decline", versions=versions)
    for _ in range(4):
        (work / "out.parquet").unlink(missing_ok=True)
        proc = subprocess.run(convert_command(pyforge_bin, work), cwd=work, env=environment(work),
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert "skipped until" not in proc.stderr, proc.stderr
        # No common version in the manifest: upgrade one side. A manifest that lists 1.0 but
        # an initialize that refuses it: the extension contradicts its manifest (SPEC §4.3).
        advice = "upgrade" if where == "manifest" else "make its initialize answer agree with its manifest"
        assert advice in proc.stderr, proc.stderr
    assert health(work).get(NAME["python"], {}).get("consecutiveFailures", 0) == 0
    starts = (directory / "pgids").read_text().split() if (directory / "pgids").exists() else []
    # Never started for work: offered no common version in its manifest, it is not even spawned.
    assert len(starts) == (0 if where == "manifest" else 4)
    assert_nothing_left(work, directory)


def test_an_error_with_id_null_is_survived(pyforge_bin, work):
    # The conformance suite's hostile lines make the Python kit answer -32700 with id null;
    # the host logs those and goes on with the next check.
    install(work, "python", "decline")
    proc = subprocess.run([str(pyforge_bin), "extensions", "check", str(work / "extensions" / NAME["python"]), "--json"],
                          env=environment(work), capture_output=True, text=True, timeout=120)
    checks = {check["name"]: check for check in json.loads(proc.stdout)}
    assert checks["unreadable line"]["passed"], checks["unreadable line"]
    assert "answered 2 with an error and id null" in checks["unreadable line"]["detail"]
    assert checks["stdout is protocol only"]["passed"]


def check(pyforge_bin, work, kit, mode, timeouts=None):
    directory = install(work, kit, mode, timeouts, pyforge_bin=pyforge_bin)
    proc = subprocess.run([str(pyforge_bin), "extensions", "check", str(directory), "--json"],
                          env=environment(work), capture_output=True, text=True, timeout=120)
    checks = json.loads(proc.stdout)
    assert proc.returncode == (0 if all(c["passed"] for c in checks) else 1), proc.stdout
    assert_nothing_left(work, directory)
    return {c["name"]: c for c in checks}


@pytest.mark.parametrize("kit, mode", [("python", "decline"), ("swift", "cancellable")])
def test_check_passes_a_conforming_kit_extension(pyforge_bin, work, kit, mode):
    checks = check(pyforge_bin, work, kit, mode, {**PATIENT, "idle": 1})
    assert list(checks) == ["manifest", "handshake", "ping", "unknown method", "large message", "cancellation",
                            "non-object line", "whitespace-only line", "unreadable line", "stdout is protocol only",
                            "exits on stdin EOF", "convert", "stdin closed mid-convert", "version negotiation"]
    failed = [c for c in checks.values() if not c["passed"] and c["name"] != "convert"]
    assert failed == [], failed
    # The Swift kit answers the hostile lines with -32700 and id null, and the host carries on.
    assert "answered 5 with an error and id null" in checks["non-object line"]["detail"]


def test_check_stops_after_a_hung_handshake(pyforge_bin, work):
    checks = check(pyforge_bin, work, "python", "hang-init")
    assert [(c["name"], c["passed"]) for c in checks.values()] == [("manifest", True), ("handshake", False)]
    assert "did not answer initialize" in checks["handshake"]["detail"]


def test_check_catches_a_grandchild_printing_on_stdout(pyforge_bin, work):
    checks = check(pyforge_bin, work, "python", "stray-grandchild")
    assert not checks["convert"]["passed"]
    assert "stray line from a grandchild" in checks["convert"]["detail"]


def test_check_catches_a_partial_file_left_when_stdin_closes(pyforge_bin, work):
    checks = check(pyforge_bin, work, "python", "litter-on-cancel", {**PATIENT, "idle": 1})
    assert not checks["stdin closed mid-convert"]["passed"]
    assert "left sample-out.parquet.part beside the output" in checks["stdin closed mid-convert"]["detail"]


def test_ctrl_c_during_a_batch_cancels_every_running_extension(pyforge_bin, work):
    directory = install(work, "python", "cancellable")
    inputs = [work / f"part{i}.csv" for i in range(2)]
    for source in inputs:
        source.write_text("id,name\n1,a\n")
    host = subprocess.Popen([str(pyforge_bin), "convert", *map(str, inputs), "--output-dir", str(work / "out"), "--workers", "2"],
                            cwd=work, env=environment(work), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    converting = directory / "converting"
    try:
        wait_for(lambda: converting.exists() and len(converting.read_text().split()) == 2, "both extensions are converting")
        host.send_signal(signal.SIGINT)
        _, err = host.communicate(timeout=60)
    finally:
        if host.poll() is None:
            host.kill()
    assert host.returncode == 130, err
    assert err.count(f"Interrupted: extension '{NAME['python']}' cancelled its work (-32800).") == 2, err
    assert len((directory / "cancelled").read_text().split("\n")) - 1 == 2
    assert not (work / "out").exists() or os.listdir(work / "out") == []
    assert_nothing_left(work, directory)
