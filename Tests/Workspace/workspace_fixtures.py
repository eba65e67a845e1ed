"""pytest fixtures of the workspace simulator (imported by Tests/EndToEnd/conftest.py).

See Tests/Workspace/README.md for what each imitates and how to use it from a test.
"""
from __future__ import annotations

import os

import pytest

from volumes_handle import VolumesMount


def require_workspace() -> bool:
    """CI (scripts/test) sets PYFORGE_REQUIRE_WORKSPACE=1: a simulator piece that cannot start
    is then a failure, never a skip."""
    return os.environ.get("PYFORGE_REQUIRE_WORKSPACE") == "1"


def unavailable(reason: str):
    if require_workspace() or os.geteuid() == 0:
        pytest.fail(f"the workspace simulator cannot start: {reason}", pytrace=False)
    pytest.skip(f"the workspace simulator needs root and /dev/fuse: {reason}")


@pytest.fixture(scope="session")
def volumes_fuse(tmp_path_factory):
    """A Volumes-like FUSE mount (volumes_fuse.py) of its own: `.backing` (the directory the
    data really lives in, read it with pyarrow) and `.mountpoint` (where the FUSE rules apply).
    Unmounted at the end of the session."""
    root = tmp_path_factory.mktemp("volumes-fuse")
    try:
        mount = VolumesMount(root / "backing", root / "mnt", log=root / "fuse.log")
    except (RuntimeError, OSError) as error:
        unavailable(str(error))
    yield mount
    mount.stop()
