"""Isolation and leftovers (issue #18): a crash or kill of one conversion fails that file
or request only, and a writer killed with SIGKILL leaves a temporary that later runs remove.

How a conversion is made to crash, honestly and deterministically: an extension on the
Python kit (the failure-modes fixture, mode "hang-on-stuck") accepts only `stuck*.csv` and
never answers its convert, with limits of ten minutes, so that file's worker waits; the test
finds that worker in /proc and sends it the signal a crash or the out-of-memory killer would
(SIGSEGV, SIGKILL). No timing is involved: the worker waits until it is killed. (A FIFO no
longer blocks: inputs that are not regular files are refused at once.)
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
from deltalake import DeltaTable

from conftest import assert_no_crash, base_env, wait_for
from test_extension_failure_modes import environment, install
from test_serve import Client

# The hanging extension waits far longer than any test: the worker is killed first.
HANGING = {"startup": 20, "probe": 20, "idle": 600, "absolute": 600}


def stuck_input(work: Path) -> Path:
    """An input whose conversion hangs in the installed extension until it is killed."""
    install(work, "python", "hang-on-stuck", timeouts=HANGING)
    stuck = work / "stuck.csv"
    stuck.write_text("id\n1\n")
    return stuck


def children(parent: int, flag: bytes, live_only: bool = False) -> list[int]:
    """`parent`'s child processes whose command line holds `flag` (from /proc); with
    `live_only`, not the zombies."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == parent and flag in argv and not (live_only and fields[0] == "Z"):
            found.append(int(entry))
    return found


def serve_workers(server: int) -> list[int]:
    """The server's worker processes (its children started with `serve --worker`)."""
    return children(server, b"--worker")


def live_batch_workers(batch: int) -> list[int]:
    """The batch's worker processes still running (not zombies)."""
    return children(batch, b"--batch-worker", live_only=True)


def host_hash() -> str:
    h = 2166136261
    for byte in socket.gethostname().encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return f"{h:08x}"


def start_time(pid: int) -> int:
    text = Path(f"/proc/{pid}/stat").read_text()
    return int(text[text.rindex(")") + 2:].split()[19])


def temporary_name(output_name: str, pid: int, start: int) -> str:
    return f".{output_name}.pyforge-{host_hash()}-{pid}-{start}-abc123"


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_crashed_file_fails_alone_and_the_batch_goes_on(pyforge_bin, work):
    for i in range(9):
        (work / f"f{i}.csv").write_text(f"id,name\n{i},x\n{i + 1},y\n")
    fifo = stuck_input(work)
    out = work / "out"
    batch = subprocess.Popen([str(pyforge_bin), "convert", str(work / "*.csv"), "--output-dir", str(out), "--workers", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(work))
    # Once the nine others are written, the one worker still running is the stuck file's (the
    # other thread's worker ended with its thread).
    def stuck_worker():
        written = out.exists() and len([p for p in out.iterdir() if p.suffix == ".parquet"]) == 9
        running = live_batch_workers(batch.pid)
        return written and len(running) == 1 and running
    worker = wait_for(stuck_worker, "nine files are written and only the stuck file's worker runs")[0]
    os.kill(worker, signal.SIGSEGV)
    stdout, stderr = batch.communicate(timeout=120)
    assert batch.returncode == 1, stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"f{i}.parquet" for i in range(9))
    for i in range(9):
        assert pq.read_table(out / f"f{i}.parquet").column("id").to_pylist() == [i, i + 1]
    failed = [line for line in stderr.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and str(fifo) in failed[0] and "crashed (SIGSEGV)" in failed[0], stderr
    assert "Backtrace" not in stderr and "Program crashed" not in stderr, stderr


def test_a_killed_serve_request_fails_and_the_next_succeeds(pyforge_bin, work):
    fifo = stuck_input(work)
    (work / "a.csv").write_text("id\n1\n2\n3\n")
    client = Client(pyforge_bin, environment(work))
    client.send_line(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "convert",
                                 "params": {"input": str(fifo), "output": str(work / "stuck.parquet")}}))
    worker = wait_for(lambda: serve_workers(client.process.pid), "the serve worker runs")[0]
    os.kill(worker, signal.SIGKILL)
    failed = client.read_response(1)
    assert failed["error"]["code"] == -32001, failed
    assert str(fifo) in failed["error"]["message"] and "SIGKILL" in failed["error"]["message"], failed
    client.next_id = 2
    ok = client.call("convert", {"input": str(work / "a.csv")})["result"]
    assert ok["success"] and ok["rows"] == 3
    assert pq.read_table(work / "a.parquet").num_rows == 3
    assert client.close() == 0
    assert not [p for p in work.iterdir() if ".pyforge-" in p.name]


def test_kill_9_leftover_is_removed_by_the_next_run_and_a_live_one_kept(pyforge_bin, work):
    big = work / "big.csv"
    with big.open("w") as f:
        f.write("id,name,value\n")
        for i in range(600_000):
            f.write(f"{i},name{i},{i * 0.5}\n")
    out = work / "big.parquet"
    writer = subprocess.Popen([str(pyforge_bin), "convert", str(big), str(out)], env=base_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    prefix = f".big.parquet.pyforge-{host_hash()}-{writer.pid}-"
    temporary = wait_for(lambda: [p for p in work.iterdir() if p.name.startswith(prefix)], "the writer's temporary appears")[0]
    writer.kill()
    writer.wait()
    assert temporary.exists() and not out.exists()
    # A live writer's temporary: this test process writing the same output.
    live = work / temporary_name("big.parquet", os.getpid(), start_time(os.getpid()))
    live.write_bytes(b"in progress")
    listed = subprocess.run([str(pyforge_bin), "info", str(work)], capture_output=True, text=True, env=base_env())
    assert listed.returncode != 0 and temporary.name in listed.stderr and live.name not in listed.stderr, listed.stderr
    again = subprocess.run([str(pyforge_bin), "convert", str(big), str(out)], capture_output=True, text=True, env=base_env())
    assert_no_crash(again)
    assert again.returncode == 0, again.stderr
    assert not temporary.exists() and live.exists()
    assert pq.read_table(out).num_rows == 600_000


def test_delta_stale_data_temporaries_are_swept(pyforge_bin, work):
    (work / "a.csv").write_text("id,part\n1,x\n2,y\n")
    table = work / "table"
    first = subprocess.run([str(pyforge_bin), "convert", str(work / "a.csv"), str(table), "-f", "delta", "--partition-by", "part"],
                           capture_output=True, text=True, env=base_env())
    assert first.returncode == 0, first.stderr
    stale = table / "part=x" / temporary_name("part-00007-dead-c000.snappy.parquet", dead_pid(), 12345)
    live = table / "part=y" / temporary_name("part-00008-live-c000.snappy.parquet", os.getpid(), start_time(os.getpid()))
    stale.write_bytes(b"PAR1 half")
    live.write_bytes(b"PAR1 half")
    info = subprocess.run([str(pyforge_bin), "info", str(table), "--format", "json"], capture_output=True, text=True, env=base_env())
    assert info.returncode == 0, info.stderr
    assert str(stale) in json.loads(info.stdout)["details"]["stale_temporaries"].split(",") and str(live) not in info.stdout
    appended = subprocess.run([str(pyforge_bin), "convert", str(work / "a.csv"), str(table), "-f", "delta", "--mode", "append"],
                              capture_output=True, text=True, env=base_env())
    assert appended.returncode == 0, appended.stderr
    assert not stale.exists() and live.exists()
    assert sorted(DeltaTable(str(table)).to_pyarrow_table().column("id").to_pylist()) == [1, 1, 2, 2]


def test_serve_workers_relay_progress(pyforge_bin, work):
    """The worker's counts reach the client: the last `$/progress` before the answer holds
    every byte and row (the server sends it however fast the conversion was)."""
    source = work / "p.csv"
    source.write_text("id\n" + "".join(f"{i}\n" for i in range(500)))
    client = Client(pyforge_bin, base_env())
    client.send_line(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "convert",
                                 "params": {"input": str(source), "progress_token": "p"}}))
    progress = []
    while True:
        message = json.loads(client.process.stdout.readline())
        if message.get("method") == "$/progress":
            progress.append(message["params"])
        elif message.get("id") == 1:
            break
    assert message["result"]["rows"] == 500, message
    assert progress[-1]["done"] == progress[-1]["total"] == source.stat().st_size, progress
    assert progress[-1]["message"] == "500 rows"
    assert client.close() == 0


def test_workers_die_with_a_killed_batch(pyforge_bin, work):
    """kill -9 of the batch: its workers get PR_SET_PDEATHSIG and end too."""
    fifo = stuck_input(work)
    batch = subprocess.Popen([str(pyforge_bin), "convert", str(fifo), str(fifo), "--output-dir", str(work / "out")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment(work))
    worker = wait_for(lambda: live_batch_workers(batch.pid), "the worker runs")[0]
    batch.kill()
    batch.wait()

    def gone():
        try:
            stat = Path(f"/proc/{worker}/stat").read_text()
        except OSError:
            return True
        return stat[stat.rindex(")") + 2] == "Z"
    wait_for(gone, "the orphaned worker ends")
