"""Starts, controls and stops one spark_proxy.py process from a test or fixture.

The proxy runs with the test venv's Python (grpcio from Tests/requirements.txt); the handle
keeps its PID and stops exactly that process (never by name).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import machine_processes

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]


def spark_python() -> str:
    """The Python with pyspark 4.3.0 (scripts/spark-connect-server installs .venv-spark)."""
    return os.environ.get("PYFORGE_TEST_SPARK_PYTHON", str(REPO_ROOT / ".venv-spark" / "bin" / "python"))


class ProxyFiles:
    """A running proxy's control file and call log (also for a proxy another process started)."""

    def __init__(self, log_path: Path, control_path: Path):
        self.log_path, self.control_path = Path(log_path), Path(control_path)

    # -- faults ----------------------------------------------------------------------------

    def control(self, **settings) -> None:
        """Re-arms faults: down=bool, refuse_for=seconds, drop_execute_once_after=N|None.
        Written atomically with a fresh modification time, so the proxy re-reads it on the
        next call."""
        previous = json.loads(self.control_path.read_text()) if self.control_path.exists() else {}
        previous.pop("refuse_for", None)
        previous.pop("drop_execute_once_after", None)
        previous.update(settings)
        previous["written"] = time.time_ns()  # a new content and mtime even within one tick
        temporary = self.control_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(previous))
        os.replace(temporary, self.control_path)

    # -- the call log ----------------------------------------------------------------------

    def calls(self) -> list[dict]:
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def clear_calls(self) -> None:
        """Forget earlier calls (the proxy appends; truncating in place keeps its handle valid)."""
        if self.log_path.exists():
            with open(self.log_path, "r+") as handle:
                handle.truncate(0)


class SparkProxy(ProxyFiles):
    def __init__(self, listen: str, upstream: str, state_dir: Path, *, upstream_token: str | None = None,
                 require_token: str | None = None, extra: list[str] | None = None,
                 python: str = sys.executable, start_timeout: float = 30.0):
        state_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(state_dir / "calls.jsonl", state_dir / "control.json")
        self.stderr_path = state_dir / "proxy.err"
        argv = [python, str(HERE / "spark_proxy.py"), "--listen", listen, "--upstream", upstream,
                "--log", str(self.log_path), "--control", str(self.control_path)]
        if upstream_token:
            argv += ["--upstream-token", upstream_token]
        if require_token:
            argv += ["--require-token", require_token]
        argv += extra or []
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, text=True)
        line = self._first_line(start_timeout)
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"spark_proxy did not start ({line!r}); see {self.stderr_path}: "
                               f"{self.stderr_path.read_text(errors='replace')[-2000:]}")
        self.address = line.split(" ", 1)[1].strip()

    def _first_line(self, timeout: float) -> str:
        import selectors
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return ""
        return self.process.stdout.readline()

    @property
    def port(self) -> int:
        return int(self.address.rpartition(":")[2])

    def stop(self) -> None:
        machine_processes.stop_process(self.process, grace=10)
        if self.process.stdout:
            self.process.stdout.close()
