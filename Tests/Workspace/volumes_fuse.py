#!/usr/bin/env python3
"""A FUSE file system over a backing directory that behaves like the Unity Catalog Volumes
FUSE mount (`/Volumes/<catalog>/<schema>/<volume>/…`) on Databricks compute (tests only).

What it imitates, and from where:
- Databricks docs "What are Unity Catalog volumes?" / "Work with files in Unity Catalog
  volumes" (limitations of the FUSE mount): sequential writes, reads, directories, rename and
  delete work; appending to a file and random (non-sequential) writes are not supported —
  "write locally, then copy". The error for those is `OSError: [Errno 29] Illegal seek`
  (ESPIPE), as reported by users writing with append mode or seeking back.
- delta-io/delta-rs#2540 (write_deltalake to /Volumes on Databricks Runtime 13.3 LTS):
  "Unable to copy file … Function not implemented (os error 38)": hard links (object_store's
  LocalFileSystem copy/rename_if_not_exists uses link(2)) fail with ENOSYS; developmentseed/
  obstore#748 (Runtime 17.3) shows the same for copy. Symbolic links are refused likewise.

Behaviour (each checked from outside by Tests/EndToEnd/test_workspace_simulator.py):
- link(2), symlink(2), mknod(2) → ENOSYS.
- open(2) of an existing file with O_APPEND for writing → ESPIPE. (A new file created with
  O_APPEND is accepted: its writes are sequential from 0.)
- every write must land exactly at the handle's next sequential offset, starting at 0 on a
  new or truncated file; anything else (seek back, seek forward leaving a hole, pwrite
  elsewhere, writing into an existing non-empty file opened without O_TRUNC) → ESPIPE.
  ftruncate(fd, 0) on the handle starts it over at 0.
- rename(2) works (files and directories; replacing an existing file, as POSIX says).
  renameat2 flags: the kernel passes RENAME_NOREPLACE/RENAME_EXCHANGE to a FUSE server in
  FUSE_RENAME2 (libfuse 3 hands them to the `rename` operation; mfusepy drops them, so this
  file overrides that hook). What the real Volumes mount answers is not publicly documented
  (unknown). By default the simulator answers like a FUSE server without rename flags
  (ENOSYS, which the kernel turns into EINVAL for the caller and remembers for the mount), so
  code must not rely on an atomic no-replace rename; `--rename-noreplace` honours
  RENAME_NOREPLACE instead (EEXIST when the target exists).
- O_CREAT|O_EXCL works (EEXIST on an existing file: the kernel checks it by lookup).
- stat, readdir, mkdir, rmdir, unlink, truncate, chmod, utimens, statfs: passed through.
- No attribute or entry caching in the kernel (timeouts 0), since the workspace REST stand-in
  on the laptop writes the backing directory directly and both views must agree at once.

Usage: volumes_fuse.py BACKING_DIR MOUNT_POINT [--rename-noreplace]
Runs in the foreground until unmounted (fusermount3 -u MOUNT_POINT) or sent SIGTERM/SIGINT.
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
import threading

import mfusepy

RENAME_NOREPLACE = 1


def refuse(code: int):
    raise mfusepy.FuseOSError(code)


class WriteHandle:
    """The next offset a write on this handle must use (None: no write may succeed)."""

    def __init__(self, next_offset: int | None):
        self.next_offset = next_offset


class VolumesOperations(mfusepy.Operations):
    use_ns = True

    def __init__(self, backing: str, honour_noreplace: bool):
        self.backing = os.path.realpath(backing)
        self.honour_noreplace = honour_noreplace
        self.writers: dict[int, WriteHandle] = {}
        self.guard = threading.Lock()

    def full(self, path: str) -> str:
        return os.path.join(self.backing, path.lstrip("/"))

    # -- metadata --------------------------------------------------------------------------

    def getattr(self, path, fh=None):
        st = os.fstat(fh) if fh is not None else os.lstat(self.full(path))
        return {"st_mode": st.st_mode, "st_nlink": st.st_nlink, "st_size": st.st_size,
                "st_uid": st.st_uid, "st_gid": st.st_gid, "st_blocks": st.st_blocks,
                "st_atime": st.st_atime_ns, "st_mtime": st.st_mtime_ns, "st_ctime": st.st_ctime_ns}

    def access(self, path, amode):
        if not os.access(self.full(path), amode):
            refuse(errno.EACCES)

    def readdir(self, path, fh):
        return [".", "..", *os.listdir(self.full(path))]

    def statfs(self, path):
        st = os.statvfs(self.full(path))
        return {key: getattr(st, key) for key in ("f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail",
                                                  "f_files", "f_ffree", "f_favail", "f_namemax")}

    def chmod(self, path, mode):
        os.chmod(self.full(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self.full(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self.full(path), ns=times)

    # -- namespace -------------------------------------------------------------------------

    def mkdir(self, path, mode):
        os.mkdir(self.full(path), mode)

    def rmdir(self, path):
        os.rmdir(self.full(path))

    def unlink(self, path):
        os.unlink(self.full(path))

    def rename(self, old, new, flags=0):
        if flags:
            if flags != RENAME_NOREPLACE or not self.honour_noreplace:
                refuse(errno.ENOSYS)
            if os.path.lexists(self.full(new)):
                refuse(errno.EEXIST)
        os.rename(self.full(old), self.full(new))

    def link(self, target, source):
        refuse(errno.ENOSYS)

    def symlink(self, target, source):
        refuse(errno.ENOSYS)

    def mknod(self, path, mode, dev):
        refuse(errno.ENOSYS)

    # -- files -----------------------------------------------------------------------------

    def create(self, path, mode, flags=os.O_WRONLY):
        fd = os.open(self.full(path), (flags & ~os.O_APPEND) | os.O_CREAT, mode)
        with self.guard:
            self.writers[fd] = WriteHandle(0)
        return fd

    def open(self, path, flags):
        writing = flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)
        if writing and flags & os.O_APPEND:
            refuse(errno.ESPIPE)
        fd = os.open(self.full(path), flags & ~(os.O_APPEND | os.O_CREAT | os.O_EXCL))
        if writing:
            # The kernel truncates (O_TRUNC) before it opens, so an empty file here is a new
            # write from 0; a non-empty one can only be changed in place, which is refused.
            with self.guard:
                self.writers[fd] = WriteHandle(0 if os.fstat(fd).st_size == 0 else None)
        return fd

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        with self.guard:
            handle = self.writers.get(fh)
            if handle is None or handle.next_offset != offset:
                refuse(errno.ESPIPE)
            written = os.pwrite(fh, data, offset)
            handle.next_offset = offset + written
        return written

    def truncate(self, path, length, fh=None):
        if fh is None:
            os.truncate(self.full(path), length)
            return
        os.ftruncate(fh, length)
        with self.guard:
            if fh in self.writers and length == 0:
                self.writers[fh].next_offset = 0

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        os.fsync(fh)

    def release(self, path, fh):
        with self.guard:
            self.writers.pop(fh, None)
        os.close(fh)


class VolumesFUSE(mfusepy.FUSE):
    """mfusepy drops rename's flags (RENAME_NOREPLACE…) and ftruncate's file handle; pass them on."""

    def truncate_fuse_3(self, path, length: int, fip) -> int:
        fh = fip.contents.fh if fip else None
        return self.operations.truncate(None if path is None else path.decode(self.encoding, self.errors), length, fh)

    def rename_fuse_3(self, old: bytes, new: bytes, flags: int) -> int:
        return self.operations.rename(old.decode(self.encoding, self.errors),
                                      new.decode(self.encoding, self.errors), flags)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Unity Catalog Volumes FUSE stand-in")
    parser.add_argument("backing")
    parser.add_argument("mountpoint")
    parser.add_argument("--rename-noreplace", action="store_true",
                        help="honour renameat2(RENAME_NOREPLACE) instead of answering ENOSYS")
    args = parser.parse_args(argv)
    operations = VolumesOperations(args.backing, args.rename_noreplace)
    VolumesFUSE(operations, args.mountpoint, foreground=True, allow_other=True, fsname="volumes-sim",
                subtype="volumes", attr_timeout=0, entry_timeout=0, negative_timeout=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
