"""The processes inside one simulated machine: every process whose mount namespace is the one
its holder (node_holder.py) keeps open. Used to find what a run left behind and to stop it
(by PID, never by name) when a run times out or the workspace is torn down.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time


def members(holder_pid: int) -> set[int]:
    """PIDs in the holder's mount namespace, the holder itself excluded."""
    namespace = os.readlink(f"/proc/{holder_pid}/ns/mnt")
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == holder_pid:
            continue
        try:
            if os.readlink(f"/proc/{entry}/ns/mnt") == namespace:
                found.add(int(entry))
        except OSError:  # gone meanwhile, or a kernel thread
            pass
    return found


def describe(pids: set[int]) -> list[str]:
    lines = []
    for pid in sorted(pids):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
            lines.append(f"{pid}: {command[:200]}")
        except OSError:
            pass
    return lines


def kill_members(holder_pid: int, rounds: int = 20) -> int:
    """SIGSTOPs every member until no new one appears (so a process that keeps spawning
    children cannot outrun it), then SIGKILLs them all; repeats until none is left.
    Returns how many processes it killed."""
    killed = 0
    for _ in range(rounds):
        stopped: set[int] = set()
        while fresh := members(holder_pid) - stopped:
            for pid in fresh:
                try:
                    os.kill(pid, signal.SIGSTOP)
                except ProcessLookupError:
                    pass
            stopped |= fresh
        if not stopped:
            return killed
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        killed += len(stopped)
        time.sleep(0.2)
    return killed


def stop_process(process, grace: float) -> None:
    """Stops a child we started (a subprocess.Popen): SIGTERM, then SIGKILL after `grace`
    seconds; waits for it either way, so nothing is left running or unreaped."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
