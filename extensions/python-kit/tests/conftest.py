"""Helpers for the kit's tests: the kit from this source tree, and extension processes
built on it, driven through real pipes as the host drives them."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

# Generous: the machine may be busy; every wait below ends as soon as its condition holds.
TIMEOUT = 20.0

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersions": ["1.0", "1.1"], "host": {"name": "pyforge", "version": "2.0.0"}}}

PRELUDE = f"""\
import os, subprocess, sys, threading, time
sys.path.insert(0, {str(SRC)!r})
from pyforge_extension_kit import *
"""


class KitProcess:
    """An extension script run with pipes; stdout is read as raw lines by a thread."""

    def __init__(self, script: str, directory: Path, env: Optional[Dict[str, str]] = None) -> None:
        path = directory / "ext.py"
        path.write_text(PRELUDE + textwrap.dedent(script), encoding="utf-8")
        self.process = subprocess.Popen([sys.executable, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, cwd=directory, env={**os.environ, **(env or {})})
        self.lines: "queue.Queue[Optional[bytes]]" = queue.Queue()
        self.stderr_chunks: List[bytes] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self) -> None:
        for chunk in iter(lambda: self.process.stderr.read1(65536), b""):
            self.stderr_chunks.append(chunk)

    @property
    def stderr(self) -> str:
        return b"".join(self.stderr_chunks).decode("utf-8", "replace")

    def write(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: Dict[str, Any]) -> None:
        self.write(json.dumps(message).encode("utf-8") + b"\n")

    def receive_raw(self, timeout: float = TIMEOUT) -> Optional[bytes]:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no line from the extension within {timeout} s; stderr:\n{self.stderr}", pytrace=False)

    def receive(self, timeout: float = TIMEOUT) -> Dict[str, Any]:
        """The next stdout line, which must be one complete JSON object."""
        line = self.receive_raw(timeout)
        assert line is not None, f"stdout closed; stderr:\n{self.stderr}"
        assert line.endswith(b"\n") and b"\n" not in line[:-1], line
        message = json.loads(line.decode("utf-8"))
        assert isinstance(message, dict) and message.get("jsonrpc") == "2.0", message
        return message

    def request(self, message: Dict[str, Any]) -> Dict[str, Any]:
        self.send(message)
        return self.receive()

    def initialize(self) -> Dict[str, Any]:
        answer = self.request(INITIALIZE)
        self.send({"jsonrpc": "2.0", "method": "initialized"})
        return answer

    def close_stdin(self) -> None:
        self.process.stdin.close()

    def wait_exit(self, timeout: float) -> Optional[int]:
        """The exit status, or None if it is still running after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def remaining_lines(self) -> List[bytes]:
        """Every stdout line until stdout closes (call after the process exited)."""
        lines = []
        while (line := self.receive_raw()) is not None:
            lines.append(line)
        return lines

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def kit(tmp_path):
    started: List[KitProcess] = []

    def start(script: str, env: Optional[Dict[str, str]] = None) -> KitProcess:
        process = KitProcess(script, tmp_path, env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


def wait_until(condition, timeout: float = TIMEOUT, what: str = "condition") -> None:
    """Polls `condition` until it is true or the deadline passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}", pytrace=False)
        time.sleep(0.01)


def probe_params(input_format: str = "csv", output_format: str = "ndjson") -> Dict[str, Any]:
    return {"input": {"path": "in.csv", "format": input_format, "size": 3},
            "output": {"path": "out.ndjson", "format": output_format}}
