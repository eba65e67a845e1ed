#!/usr/bin/env python3
"""Builds one simulated Databricks machine's file system view and holds its namespaces open.

Run as `unshare --mount --propagation private [--net] -- python node_holder.py SPEC_JSON`:
the new mount namespace gets a root of its own (a small tmpfs) holding only
- the host's software, bound at the same paths (/usr, /etc, /opt and the `shared` directories:
  the repository, the venvs) and the /bin, /lib… links of a merged-/usr system;
- /proc (fresh), /dev and /sys (bound from the host);
- the `binds` of the spec: e.g. /tmp, the home directory and the "DBFS root" of this machine,
  /Volumes (the FUSE mount), /databricks/sparkconnect (the notebook's socket directory);
then pivot_root makes it the namespace's root, so the host's / (and its /tmp, its home, the
other machine's directories) is not reachable, also for commands entered later with
`nsenter --mount=/proc/PID/ns/mnt`. With --net the machine has only a loopback interface.

This imitates the boundary between a Databricks notebook's driver and the cluster that runs
its Spark Connect queries (Databricks docs "How to work with files on Databricks": local paths
on the driver are not visible to Spark; /Volumes is visible to both), not their contents.

Prints `ready` when done, then waits until stdin closes or SIGTERM; the namespaces go away
with the last process in them, taking every mount made here along.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

SYSTEM_DIRS = ("usr", "etc", "opt", "bin", "sbin", "lib", "lib32", "lib64", "libx32")


def run(*argv: str) -> None:
    subprocess.run(argv, check=True)


def bind(source: str, target: str, recursive: bool = False) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    run("mount", "--rbind" if recursive else "--bind", source, target)


def build(spec: dict) -> None:
    root = spec["root"]
    run("mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "machine-root", root)
    for name in SYSTEM_DIRS:
        host = "/" + name
        if os.path.islink(host):
            os.symlink(os.readlink(host), os.path.join(root, name))
        elif os.path.isdir(host):
            bind(host, os.path.join(root, name), recursive=True)
    os.makedirs(os.path.join(root, "proc"))
    run("mount", "-t", "proc", "proc", os.path.join(root, "proc"))
    bind("/dev", os.path.join(root, "dev"), recursive=True)
    bind("/sys", os.path.join(root, "sys"), recursive=True)
    for target, source in spec["binds"].items():
        bind(source, root + target)
    # After the binds: a shared directory may lie inside one (a base Python under /root).
    for directory in spec["shared"]:
        bind(directory, root + directory, recursive=True)
    for private in ("var/tmp", "run"):
        os.makedirs(os.path.join(root, private), exist_ok=True)
    os.chmod(os.path.join(root, "var/tmp"), 0o1777)
    os.chdir(root)
    os.mkdir(".old-root")
    run("pivot_root", ".", ".old-root")  # moves this process's root and cwd too
    run("umount", "-l", "/.old-root")
    os.rmdir("/.old-root")
    if spec.get("loopback_only"):
        run("ip", "link", "set", "lo", "up")


def main() -> int:
    spec = json.loads(sys.argv[1])
    build(spec)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    sys.stdin.read()  # until the supervisor closes the pipe (or dies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
