"""A thread-safe client of one long-lived ``pyforge serve --stdio`` process.

One JSON-RPC 2.0 message per line. A reader thread dispatches responses to the
waiting callers by id and ``$/progress`` notifications to callbacks by token; writes
are serialised by a lock. Requests from many threads run concurrently on the server.

Crash policy: when the server exits, every outstanding ``convert`` (and any other
method that changes something) raises ServerError; it is NOT retried: a conversion
may have been half done, and retrying a crash-inducing input would crash the new
server too. Outstanding read-only requests (ping, info, validate, formats,
environment, extensions/list|status) are sent once more to a fresh server. The next
call starts a new server transparently. A request that could not even be written
(the server was already gone) is sent once more to a fresh server, since the old one
never saw it.
"""
import collections
import itertools
import json
import os
import subprocess
import threading
from typing import Any, Callable, Deque, Dict, List, Optional

from ._binary import find_binary
from .errors import ConversionFailed, InvalidRequest, PyForgeError, ServerError

CONVERSION_FAILED = -32001


class _Pending(object):
    __slots__ = ("event", "response", "process", "reader_done")

    def __init__(self, process: "subprocess.Popen", reader_done: threading.Event) -> None:
        self.event = threading.Event()
        self.response = None  # type: Optional[Dict[str, Any]]
        self.process = process
        self.reader_done = reader_done


class _ServerDied(Exception):
    """The request could not be written: the server never saw it."""


class _DiedWhileWaiting(Exception):
    """The server exited after the request was written, before it answered."""

    def __init__(self, error: ServerError) -> None:
        Exception.__init__(self, error.message)
        self.error = error


# Requests that change nothing, so re-sending one to a fresh server is always safe.
READ_ONLY_METHODS = frozenset(["ping", "info", "validate", "formats", "environment",
                               "extensions/list", "extensions/status"])


class ServerClient(object):
    def __init__(self, binary: Optional[str] = None) -> None:
        self._explicit_binary = binary
        self._lock = threading.RLock()        # process lifecycle
        self._write_lock = threading.Lock()   # stdin writes
        self._process = None  # type: Optional[subprocess.Popen]
        self._ids = itertools.count(1)
        self._pending = {}  # type: Dict[int, _Pending]
        self._progress = {}  # type: Dict[str, Callable[[Dict[str, Any]], None]]
        self._stderr_tail = collections.deque(maxlen=40)  # type: Deque[str]
        self.binary = None  # type: Optional[str]
        self.starts = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def pid(self) -> Optional[int]:
        process = self._process
        return process.pid if process is not None and not self._is_dead(process) else None

    def _ensure_started(self) -> "subprocess.Popen":
        with self._lock:
            process = self._process
            if process is not None and not self._is_dead(process):
                return process
            binary = find_binary(self._explicit_binary)
            try:
                process = subprocess.Popen(
                    [binary, "serve", "--stdio"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    env=dict(os.environ), close_fds=True)
            except OSError as error:
                raise ServerError("Could not start %r serve --stdio: %s" % (binary, error))
            self.binary = binary
            self.starts += 1
            self._process = process
            self._stderr_tail.clear()
            reader_done = threading.Event()
            process.pyforge_reader_done = reader_done  # type: ignore[attr-defined]
            threading.Thread(target=self._read_stdout, args=(process, reader_done), name="pyforge-serve-reader", daemon=True).start()
            threading.Thread(target=self._read_stderr, args=(process,), name="pyforge-serve-stderr", daemon=True).start()
            return process

    @staticmethod
    def _is_dead(process: "subprocess.Popen") -> bool:
        # poll() alone is not enough: it answers None while the reader thread is reaping.
        return process.pyforge_reader_done.is_set() or process.poll() is not None  # type: ignore[attr-defined]

    def _read_stderr(self, process: "subprocess.Popen") -> None:
        for raw in iter(process.stderr.readline, b""):
            self._stderr_tail.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def _read_stdout(self, process: "subprocess.Popen", done: threading.Event) -> None:
        try:
            for raw in iter(process.stdout.readline, b""):
                try:
                    message = json.loads(raw.decode("utf-8"))
                except ValueError:
                    continue
                if not isinstance(message, dict):
                    continue
                if "id" in message and ("result" in message or "error" in message):
                    pending = self._pending.pop(message["id"], None)
                    if pending is not None:
                        pending.response = message
                        pending.event.set()
                elif message.get("method") == "$/progress":
                    params = message.get("params") or {}
                    callback = self._progress.get(str(params.get("token")))
                    if callback is not None:
                        try:
                            callback(params)
                        except Exception:
                            pass
        finally:
            try:
                process.wait(timeout=5)
            except Exception:
                pass
            # Wake every caller still waiting on this process.
            for request_id, pending in list(self._pending.items()):
                if pending.process is process:
                    self._pending.pop(request_id, None)
                    pending.event.set()
            done.set()

    def close(self, timeout: float = 5.0) -> None:
        """Send ``shutdown`` and wait for the server to exit (kill it after ``timeout``)."""
        with self._lock:
            process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        try:
            with self._write_lock:
                process.stdin.write(b'{"jsonrpc":"2.0","id":0,"method":"shutdown"}\n')
                process.stdin.flush()
                process.stdin.close()
        except (OSError, ValueError):
            pass
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    # ------------------------------------------------------------------ requests

    def _send(self, process: "subprocess.Popen", request_id: int, method: str, params: Any) -> _Pending:
        pending = _Pending(process, process.pyforge_reader_done)  # type: ignore[attr-defined]
        self._pending[request_id] = pending
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        line = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            with self._write_lock:
                process.stdin.write(line)
                process.stdin.flush()
        except (OSError, ValueError):
            self._pending.pop(request_id, None)
            raise _ServerDied()
        return pending

    def call(self, method: str, params: Any = None, progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> Any:
        """Send one request and wait for its result. Raises a PyForgeError subclass.

        A read-only request (ping, info, validate, ...) whose server died before answering
        is sent once more to a fresh server; anything else (convert) raises ServerError."""
        try:
            return self._call_once(method, params, progress)
        except _DiedWhileWaiting as died:
            if method not in READ_ONLY_METHODS:
                raise died.error
        return self._call_once(method, params, progress)

    def _call_once(self, method: str, params: Any, progress: Optional[Callable[[Dict[str, Any]], None]]) -> Any:
        request_id = next(self._ids)
        token = None
        if progress is not None:
            token = "py-%d" % request_id
            params = dict(params or {})
            params["progress_token"] = token
            self._progress[token] = progress
        try:
            process = self._ensure_started()
            try:
                pending = self._send(process, request_id, method, params)
            except _ServerDied:
                # The server was gone before it saw the request: one fresh server, one retry.
                process.pyforge_reader_done.wait(5)  # type: ignore[attr-defined]
                self._wait_quietly(process)
                process = self._ensure_started()
                try:
                    pending = self._send(process, request_id, method, params)
                except _ServerDied:
                    raise self._died(process, method)
            while not pending.event.wait(0.5):
                if pending.reader_done.is_set():
                    break  # the server is gone and nobody will answer
            if pending.response is None:
                raise _DiedWhileWaiting(self._died(process, method))
            return self._unwrap(pending.response)
        finally:
            if token is not None:
                self._progress.pop(token, None)

    @staticmethod
    def _wait_quietly(process: "subprocess.Popen") -> None:
        try:
            process.wait(timeout=2)
        except Exception:
            pass

    def _died(self, process: "subprocess.Popen", method: str) -> ServerError:
        self._wait_quietly(process)
        code = process.poll()
        tail = [line for line in list(self._stderr_tail) if line.strip()][-5:]
        detail = ("; last stderr lines: " + " | ".join(tail)) if tail else ""
        how = ("killed by signal %d" % -code) if code is not None and code < 0 else ("exit code %s" % code)
        return ServerError(
            "The pyforge server (%s, pid %d) exited (%s) while handling '%s'; this call was not retried. "
            "The next call starts a new server.%s" % (self.binary, process.pid, how, method, detail))

    @staticmethod
    def _unwrap(response: Dict[str, Any]) -> Any:
        if "error" not in response:
            return response.get("result")
        error = response.get("error") or {}
        code = error.get("code")
        message = error.get("message") or "pyforge server error"
        data = error.get("data")
        if code == CONVERSION_FAILED:
            exit_code = data.get("exit_code") if isinstance(data, dict) else None
            raise ConversionFailed(message, exit_code=exit_code, code=code, data=data)
        if code in (-32600, -32601, -32602, -32700):
            raise InvalidRequest(message, code=code, data=data)
        raise PyForgeError(message, code=code, data=data)
