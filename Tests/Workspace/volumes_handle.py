"""Mounts volumes_fuse.py over a backing directory and unmounts it again (by its PID).

Needs /dev/fuse, fusermount3 (Debian fuse3) and mfusepy (Tests/requirements.txt); root or
`user_allow_other` in /etc/fuse.conf for allow_other.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import machine_processes

HERE = Path(__file__).resolve().parent


def is_mounted(path: Path | str) -> bool:
    """True when `path` is a mount point in this process's mount namespace (mountinfo field 5)."""
    target = os.path.realpath(path)
    with open("/proc/self/mountinfo", encoding="utf-8") as info:
        for line in info:
            fields = line.split()
            if fields[4].replace("\\040", " ") == target:
                return True
    return False


class VolumesMount:
    def __init__(self, backing: Path, mountpoint: Path, *, log: Path, extra: list[str] | None = None,
                 python: str = sys.executable, start_timeout: float = 30.0):
        self.backing, self.mountpoint, self.log = Path(backing), Path(mountpoint), Path(log)
        self.backing.mkdir(parents=True, exist_ok=True)
        self.mountpoint.mkdir(parents=True, exist_ok=True)
        if is_mounted(self.mountpoint):
            raise RuntimeError(f"{self.mountpoint} is already a mount point; unmount it first (fusermount3 -u).")
        with open(self.log, "ab") as log_file:
            self.process = subprocess.Popen(
                [python, str(HERE / "volumes_fuse.py"), str(self.backing), str(self.mountpoint), *(extra or [])],
                stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + start_timeout
        while not is_mounted(self.mountpoint):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the Volumes FUSE file system did not mount at {self.mountpoint}: "
                                   f"{self.log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM makes libfuse leave its loop and unmount; a lazy fusermount3 -u is the
        fallback when the daemon is gone or stuck, so nothing stays mounted."""
        machine_processes.stop_process(self.process, grace=10)
        if is_mounted(self.mountpoint):
            subprocess.run(["fusermount3", "-u", "-z", str(self.mountpoint)], check=False)
