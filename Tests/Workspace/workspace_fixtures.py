"""pytest fixtures of the workspace simulator (imported by Tests/EndToEnd/conftest.py).

See Tests/Workspace/README.md for what each piece imitates and how to use it from a test.
"""
from __future__ import annotations

import os
import selectors
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from proxy_handle import HERE
from volumes_handle import VolumesMount
import machine_processes
from workspace_client import Workspace

START_TIMEOUT = 600  # the cluster's Spark server: ~15 s alone, minutes while builds share the cores


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


def start_supervisor(log: Path) -> tuple[subprocess.Popen | None, Path | str]:
    """Starts workspace_supervisor.py with a fresh state directory under the host's /tmp;
    returns (process, workspace.json) or (None, why it failed)."""
    state = Path(tempfile.mkdtemp(prefix="pyforge-workspace-"))
    with open(log, "wb") as stderr:
        process = subprocess.Popen([sys.executable, str(HERE / "workspace_supervisor.py"), "--state", str(state)],
                                   stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True)
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        line = process.stdout.readline() if selector.select(START_TIMEOUT) else ""
    if not line.startswith("ready "):
        stop_supervisor(process)
        return None, f"{log.read_text(errors='replace')[-3000:]}"
    return process, line.split(" ", 1)[1].strip()


def stop_supervisor(process: subprocess.Popen) -> None:
    machine_processes.stop_process(process, grace=120)
    process.stdout.close()


@pytest.fixture(scope="session")
def workspace_session(tmp_path_factory):
    """The simulated workspace for the whole session: the one scripts/test started
    (PYFORGE_TEST_WORKSPACE names its workspace.json), else one of this session's own, torn
    down at its end."""
    given = os.environ.get("PYFORGE_TEST_WORKSPACE")
    if given:
        if not Path(given).is_file():
            unavailable(f"PYFORGE_TEST_WORKSPACE={given} does not exist (did the simulator start? see its log)")
        yield Workspace(given)
        return
    process, result = start_supervisor(tmp_path_factory.mktemp("workspace") / "supervisor.log")
    if process is None:
        unavailable(str(result))
    try:
        yield Workspace(result)
    finally:
        stop_supervisor(process)


@pytest.fixture
def workspace(workspace_session):
    """The session's workspace with both Spark proxies' faults reset, their call logs emptied
    and the driver's ~/.cache, ~/.local and ~/.databrickscfg removed before the test. A process still running on the driver after the
    test is an error of the test (nothing may be left behind in a notebook): it is killed and
    named."""
    workspace_session.kill_driver_processes()
    workspace_session.reset_faults()
    workspace_session.reset_driver_home()
    yield workspace_session
    workspace_session.reset_faults()
    left = workspace_session.driver_processes()
    if left:
        workspace_session.kill_driver_processes()
        pytest.fail("processes were left running on the driver after the test (killed now):\n"
                    + "\n".join(left[:20]) + (f"\n… and {len(left) - 20} more" if len(left) > 20 else ""),
                    pytrace=False)


@pytest.fixture(scope="session")
def driver_extensions_path(workspace_session, databricks_extensions_dir) -> str:
    """PYFORGE_EXTENSIONS_PATH for runs on the driver: the built Databricks extension
    (conftest's `databricks_extensions_dir`) copied into the driver's /tmp."""
    return workspace_session.install_in_driver(databricks_extensions_dir)
