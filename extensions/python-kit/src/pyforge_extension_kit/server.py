"""The extension side of the protocol: stdio protection, the read loop, dispatch, progress,
cancellation and the end of the process (SPEC §2, §4, §6, §7, §11)."""
from __future__ import annotations

import errno
import logging
import os
import signal
import sys
import threading
import time
import traceback
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .framing import (INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, MAX_MESSAGE_BYTES, METHOD_NOT_FOUND, PARSE_ERROR,
                      REQUEST_CANCELLED, Incoming, LineFramer, MalformedLine, MessageTooLarge, RequestId,
                      TooLarge, decode_line, encode_line, is_number)
from .messages import (KIT_PROTOCOL_VERSIONS, Cancelled, ConvertRequest, ExtensionError, InvalidParams,
                       ProbeRequest, convert_result_json, negotiate, parse_version, probe_result_json)

log = logging.getLogger("pyforge_extension_kit")

#: SPEC §6: an extension SHOULD NOT send more than about ten progress notifications a second.
PROGRESS_INTERVAL = 0.1


class CancellationToken:
    """Tells a handler that the host asked to stop its request (``$/cancelRequest``), or
    that the host is gone (stdin closed, ``shutdown``, SIGTERM).

    Poll it (``if cancelled: ...``, :meth:`raise_if_cancelled`), block on it (:meth:`wait`)
    or register a callback (:meth:`add_callback`) to interrupt blocking work such as a
    child process. Whatever the handler then returns, the kit answers −32800 (SPEC §7),
    as the Swift kit does: the host asked for the stop, so it must not take a late result
    for a finished one.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: List[Callable[[], Any]] = []
        self._cancelling = False  # set first; the event only after the callbacks ran
        self.reason: Optional[str] = None

    @property
    def is_cancelled(self) -> bool:
        return self._event.is_set()

    def __bool__(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled(self.reason or "cancelled")

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Blocks until cancelled or ``timeout`` seconds passed; True when cancelled."""
        return self._event.wait(timeout)

    def add_callback(self, callback: Callable[[], Any]) -> None:
        """Runs ``callback()`` once on cancellation (at once if already cancelled), before
        :meth:`wait` returns and before the kit answers −32800. It runs on the kit's reader
        thread, so it must be quick (kill a child, close a socket)."""
        with self._lock:
            if not self._cancelling:
                self._callbacks.append(callback)
                return
        _run_callback(callback)

    def cancel(self, reason: str = "cancelled") -> None:
        with self._lock:
            if self._cancelling:
                return
            self._cancelling = True
            self.reason = reason
            callbacks, self._callbacks = self._callbacks, []
        # The callbacks run before the event is set: a handler blocked in wait() wakes, and
        # the kit answers -32800, only after its clean-up callbacks finished (a child killed,
        # a partial file removed). Setting the event first let the answer overtake them.
        for callback in callbacks:
            _run_callback(callback)
        self._event.set()


def _run_callback(callback: Callable[[], Any]) -> None:
    try:
        callback()
    except Exception:  # a broken callback must not stop the reader thread
        log.exception("a cancellation callback failed")


class Progress:
    """Sends ``$/progress`` for one ``convert`` (SPEC §6). Call it as often as you like:

    - without a ``progressToken`` from the host it does nothing (SPEC §6: MUST NOT send);
    - it sends at most one notification per 0.1 s and drops the calls in between, so a
      per-row call does not flood the host; the first call is sent at once;
    - after the request is answered it does nothing (SPEC §6: not after the response).

    Progress is what keeps a long conversion alive: the host abandons it after
    ``timeouts.idle`` seconds (default 15) without any, and after twice that when
    ``done`` stopped rising (SPEC §6, §11.2).
    """

    def __init__(self, send: Callable[[Dict[str, Any]], None], token: Optional[str],
                 interval: float = PROGRESS_INTERVAL) -> None:
        self._send = send
        self.token = token
        self._interval = interval
        self._last: Optional[float] = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def enabled(self) -> bool:
        return self.token is not None

    def __call__(self, done: float, total: Optional[float] = None, message: Optional[str] = None,
                 force: bool = False) -> bool:
        """Reports ``done`` (of ``total``, in any unit). Returns True when a notification
        was sent. ``force`` skips the rate limit (for a last, important message)."""
        if not is_number(done) or (total is not None and not is_number(total)):
            raise TypeError("progress: done and total must be finite numbers")
        if message is not None and not isinstance(message, str):
            raise TypeError("progress: message must be a string")
        if self.token is None:
            return False
        with self._lock:
            now = time.monotonic()
            if self._closed or (not force and self._last is not None and now - self._last < self._interval):
                return False
            self._last = now
            params: Dict[str, Any] = {"token": self.token, "done": done}
            if total is not None:
                params["total"] = total
            if message is not None:
                params["message"] = message
            # Sent under the lock so that close() cannot slip between the check and the
            # write: no progress may follow the response.
            self._send({"jsonrpc": "2.0", "method": "$/progress", "params": params})
            return True

    def close(self) -> None:
        with self._lock:
            self._closed = True


class _Writer:
    """Writes whole lines to the protocol descriptor, one message at a time (SPEC §2.2:
    messages from several threads MUST NOT interleave)."""

    def __init__(self, fd: int, on_broken: Callable[[], None]) -> None:
        self._fd = fd
        self._lock = threading.Lock()
        self._on_broken = on_broken
        self.broken = False

    def send(self, message: Dict[str, Any]) -> None:
        line = encode_line(message)
        with self._lock:
            if self.broken:
                return
            view = memoryview(line)
            while view:
                try:
                    written = os.write(self._fd, view)
                except InterruptedError:
                    continue
                except OSError as error:
                    # EPIPE: the host is gone (SPEC §2.4); nothing more can be said to it.
                    self.broken = True
                    log.debug("the protocol output failed (%s)", os.strerror(error.errno or errno.EIO))
                    self._on_broken()
                    return
                view = view[written:]


class _Running:
    def __init__(self, method: str, token: CancellationToken, progress: Optional[Progress]) -> None:
        self.method = method
        self.token = token
        self.progress = progress
        self.done = threading.Event()


Handler = Callable[..., Any]


class Extension:
    """A pyforge extension: register handlers with the decorators, then call :meth:`run`.

    ::

        ext = Extension(name="csv-to-ndjson", version="1.0.0")

        @ext.probe
        def probe(request: ProbeRequest) -> ProbeResult: ...

        @ext.convert
        def convert(request: ConvertRequest, progress: Progress, cancelled: CancellationToken) -> ConvertResult: ...

        ext.run()

    ``name``, ``version`` and ``protocol_versions`` SHOULD equal the manifest's (SPEC §5.1,
    §13: the version lists MUST agree). ``capabilities`` is sent in the ``initialize``
    result; methods registered with :meth:`method` are added to its ``methods`` list
    (SPEC §15.5).

    ``probe`` and ``convert`` handlers, and extra methods, run on their own threads, so
    that ``ping`` and ``$/cancelRequest`` are handled while a conversion runs (SPEC §5.3,
    §7). ``initialize``, ``ping`` and ``shutdown`` are answered by the kit.
    """

    def __init__(self, name: str, version: str, *, protocol_versions: Sequence[str] = ("1.0",),
                 capabilities: Optional[Dict[str, Any]] = None, exit_grace: float = 1.5,
                 logger: Optional[logging.Logger] = None) -> None:
        unknown = [v for v in protocol_versions if v not in KIT_PROTOCOL_VERSIONS]
        if not protocol_versions or unknown:
            raise ValueError(f"protocol_versions must be a non-empty subset of {list(KIT_PROTOCOL_VERSIONS)}"
                             f" (this kit does not implement {unknown})")
        self.name = name
        self.version = version
        self.protocol_versions: Tuple[str, ...] = tuple(protocol_versions)
        self.capabilities = dict(capabilities or {})
        #: Seconds to wait for running handlers after stdin closed (the host escalates to
        #: SIGTERM 2 s after closing it, SPEC §11.3).
        self.exit_grace = exit_grace
        self.log = logger or logging.getLogger(name)
        #: The negotiated version, once ``initialize`` succeeded.
        self.protocol_version: Optional[str] = None
        #: The host's ``{name, version}`` from ``initialize``.
        self.host: Dict[str, Any] = {}
        self._probe: Optional[Handler] = None
        self._convert: Optional[Handler] = None
        self._methods: Dict[str, Handler] = {}
        self._running: Dict[Tuple[type, RequestId], _Running] = {}
        self._running_lock = threading.Lock()
        self._shutting_down = False
        self._writer: Optional[_Writer] = None

    # ---------------------------------------------------------------- registration

    def probe(self, handler: Handler) -> Handler:
        """Registers ``handler(request: ProbeRequest) -> ProbeResult | dict``."""
        self._probe = handler
        return handler

    def convert(self, handler: Handler) -> Handler:
        """Registers ``handler(request: ConvertRequest, progress: Progress,
        cancelled: CancellationToken) -> ConvertResult | dict``."""
        self._convert = handler
        return handler

    def method(self, name: str) -> Callable[[Handler], Handler]:
        """Registers an extension-defined request (SPEC §15.5), e.g. ``environment``:
        ``handler(params: dict, cancelled: CancellationToken) -> JSON value``."""
        if name in ("initialize", "initialized", "ping", "shutdown", "probe", "convert") or name.startswith("$/"):
            raise ValueError(f"'{name}' is a protocol method")

        def register(handler: Handler) -> Handler:
            self._methods[name] = handler
            return handler
        return register

    # ---------------------------------------------------------------- running

    def run(self) -> None:
        """Serves the protocol on stdin/stdout until stdin closes, then exits the process
        with status 0. Never returns.

        Before reading anything it protects the protocol streams at the descriptor level
        (see :func:`protect_stdio`) and sends logging to stderr.
        """
        _configure_logging()
        protocol_in, protocol_out = protect_stdio()
        signal.signal(signal.SIGTERM, self._on_sigterm)
        status = self.serve(protocol_in, protocol_out)
        _exit(status)

    def serve(self, input_fd: int, output_fd: int) -> int:
        """Runs the read loop on the given descriptors until end of input; returns the exit
        status. :meth:`run` is this plus stdio protection and the exit; tests may call it
        directly with pipes."""
        self._writer = _Writer(output_fd, on_broken=self._on_output_broken)
        framer = LineFramer()
        while True:
            try:
                chunk = os.read(input_fd, 1 << 16)
            except InterruptedError:
                continue
            except OSError as error:
                log.warning("reading stdin failed (%s); stopping", error)
                break
            if not chunk:
                break
            for event in framer.feed(chunk):
                if isinstance(event, TooLarge):
                    # SPEC §2.3: the id cannot be read, so -32700 with id null (as the Swift kit).
                    self._send_error(None, PARSE_ERROR, f"message over the protocol's size limit ({MAX_MESSAGE_BYTES} bytes)")
                else:
                    self._handle_line(event)
        if framer.unterminated:
            # The stream ended inside a line: not a message (SPEC §2.2: the peer waits for
            # the whole line), and there is nobody left to answer.
            log.debug("stdin ended with %d bytes of an unterminated line; ignored", framer.unterminated)
        self._finish("stdin closed")
        return 0

    def _finish(self, why: str) -> None:
        """SPEC §2.4: stdin closed, so the host has given up on every running request (it
        sends one request at a time and closes stdin only after shutdown or a timeout).
        Running handlers are cancelled and get ``exit_grace`` seconds to clean up; their
        answers (−32800) are still written if the pipe is open. Then the process exits."""
        running = self._cancel_all(why)
        deadline = time.monotonic() + self.exit_grace
        for entry in running:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not entry.done.wait(remaining):
                log.warning("a %s handler is still running %.1f s after %s; exiting anyway",
                            entry.method, self.exit_grace, why)
                break

    def _cancel_all(self, why: str) -> List[_Running]:
        with self._running_lock:
            running = list(self._running.values())
        for entry in running:
            entry.token.cancel(why)
        return running

    def _on_sigterm(self, signum: int, frame: Any) -> None:
        # SPEC §11.3: SIGKILL follows 1 s after SIGTERM; cancellation callbacks get most of
        # that second to remove temporary files.
        log.info("SIGTERM: cancelling running requests")
        self.exit_grace = min(self.exit_grace, 0.8)
        self._finish("SIGTERM")
        _exit(128 + signal.SIGTERM)

    def _on_output_broken(self) -> None:
        # The host closed our stdout: it is gone (SPEC §2.4). Exit like the Swift kit.
        self._cancel_all("the host is gone")
        _exit(0)

    # ---------------------------------------------------------------- dispatch

    def _send(self, message: Dict[str, Any]) -> None:
        assert self._writer is not None
        self._writer.send(message)

    def _send_error(self, request_id: Optional[RequestId], code: int, message: str,
                    data: Optional[Dict[str, Any]] = None) -> None:
        error: Dict[str, Any] = {"code": code, "message": message}
        if data:
            error["data"] = data
        self._send({"jsonrpc": "2.0", "id": request_id, "error": error})

    def _send_result(self, request_id: RequestId, result: Any, method: str) -> None:
        try:
            self._send({"jsonrpc": "2.0", "id": request_id, "result": result})
        except (MessageTooLarge, TypeError, ValueError) as error:
            # A result the protocol cannot carry must not leave the request unanswered.
            self.log.error("the %s result cannot be sent: %s", method, error)
            self._send_error(request_id, INTERNAL_ERROR, f"the {method} result cannot be sent: {error}",
                             {"reason": "internalError"})

    def _handle_line(self, line: bytes) -> None:
        try:
            message = decode_line(line)
        except MalformedLine as error:
            log.warning("malformed line from the host: %s", error)
            self._send_error(None, PARSE_ERROR, str(error))
            return
        if message is None:
            return  # an empty line (SPEC §2.2)
        if message.kind == "notification":
            self._handle_notification(message)
        elif message.kind == "request":
            self._handle_request(message)
        else:
            log.debug("ignoring a response from the host (id %r)", message.id)

    def _handle_notification(self, message: Incoming) -> None:
        if message.method == "$/cancelRequest":
            params = message.params if isinstance(message.params, dict) else {}
            target = params.get("id")
            if isinstance(target, bool) or not isinstance(target, (int, str)):
                return
            with self._running_lock:
                entry = self._running.get((type(target), target))
            # SPEC §7: a cancel for an unknown or answered id is ignored.
            if entry is not None:
                entry.token.cancel("cancelled by the host")
        # `initialized` and unknown notifications need nothing (SPEC §5.2, §5.9).

    def _handle_request(self, message: Incoming) -> None:
        request_id, method = message.id, message.method
        assert request_id is not None and method is not None
        if method == "initialize":
            self._answer_initialize(request_id, message.params)
        elif method == "ping":
            self._send_result(request_id, {}, method)  # params ignored (SPEC §5.3)
        elif method == "shutdown":
            # SPEC §4.1: the host is done; anything still running was abandoned (timed out).
            self._shutting_down = True
            self._cancel_all("shutdown")
            self._send_result(request_id, None, method)
        elif method in ("probe", "convert") or method in self._methods:
            if self._shutting_down:
                self._send_error(request_id, INVALID_REQUEST, f"the extension is shutting down; '{method}' refused",
                             {"reason": "invalidRequest"})
                return
            self._start(request_id, method, message.params)
        else:
            self._send_error(request_id, METHOD_NOT_FOUND, f"no method '{method}'", {"reason": "methodNotFound"})

    def _answer_initialize(self, request_id: RequestId, params: Any) -> None:
        versions = params.get("protocolVersions") if isinstance(params, dict) else None
        if not isinstance(versions, list):
            self._send_error(request_id, INVALID_PARAMS, "invalid params for initialize: protocolVersions must be an array")
            return
        agreed = negotiate(self.protocol_versions, versions)
        if agreed is None:
            # SPEC §4.2 (4): -32602 with data.reason unsupportedProtocol and our versions.
            self._send_error(request_id, INVALID_PARAMS, f"this extension speaks protocol {', '.join(self.protocol_versions)}",
                             {"reason": "unsupportedProtocol", "supported": list(self.protocol_versions)})
            return
        self.protocol_version = agreed
        host = params.get("host")
        self.host = host if isinstance(host, dict) else {}
        result: Dict[str, Any] = {"protocolVersion": agreed, "extension": {"name": self.name, "version": self.version}}
        capabilities = dict(self.capabilities)
        if self._methods:
            capabilities["methods"] = sorted(set(capabilities.get("methods", [])) | set(self._methods))
        if capabilities:
            result["capabilities"] = capabilities
        self._send_result(request_id, result, "initialize")

    def _start(self, request_id: RequestId, method: str, params: Any) -> None:
        token = CancellationToken()
        progress_token = params.get("progressToken") if method == "convert" and isinstance(params, dict) else None
        progress = Progress(self._send, progress_token if isinstance(progress_token, str) else None) \
            if method == "convert" else None
        entry = _Running(method, token, progress)
        # Keyed by (type, id): 1 and "1" are different ids (SPEC §3: echo the type too).
        key = (type(request_id), request_id)
        with self._running_lock:
            if key in self._running:
                duplicate = True
            else:
                duplicate = False
                self._running[key] = entry
        if duplicate:
            self._send_error(request_id, INVALID_REQUEST, f"request id {request_id!r} is already running",
                             {"reason": "invalidRequest"})
            return
        thread = threading.Thread(target=self._execute, args=(key, request_id, method, params, entry),
                                  name=f"pyforge-{method}-{request_id}", daemon=True)
        thread.start()

    def _execute(self, key: Tuple[type, RequestId], request_id: RequestId, method: str, params: Any,
                 entry: _Running) -> None:
        try:
            outcome: Optional[BaseException] = None
            result: Any = None
            try:
                result = self._call(request_id, method, params, entry)
            except BaseException as error:  # every request gets exactly one answer (SPEC §7)
                outcome = error
            finally:
                # No progress after the response (SPEC §6), and a cancel that arrives from
                # now on is for an answered id (SPEC §7: ignored).
                if entry.progress is not None:
                    entry.progress.close()
                with self._running_lock:
                    self._running.pop(key, None)
            if entry.token.is_cancelled and not isinstance(outcome, InvalidParams):
                # Whatever the handler did after the cancel (returned, or failed because a
                # callback killed its child process) is answered -32800, like the Swift kit.
                outcome = Cancelled(entry.token.reason or "cancelled")
            if outcome is None:
                self._send_result(request_id, result, method)
            else:
                self._send_failure(request_id, method, outcome)
        finally:
            entry.done.set()

    def _send_failure(self, request_id: RequestId, method: str, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self._send_error(request_id, REQUEST_CANCELLED, str(error) or "cancelled")
        elif isinstance(error, InvalidParams):
            self._send_error(request_id, error.code, f"invalid params for {method}: {error.message}",
                             error.to_error().get("data"))
        elif isinstance(error, ExtensionError):
            self.log.info("%s failed: %s", method, error.message)
            self._send({"jsonrpc": "2.0", "id": request_id, "error": error.to_error()})
        else:
            self.log.error("%s raised %s:\n%s", method, type(error).__name__,
                           "".join(traceback.format_exception(type(error), error, error.__traceback__)).rstrip())
            self._send_error(request_id, INTERNAL_ERROR, f"{method} failed: {type(error).__name__}: {error}",
                             {"reason": "internalError"})

    def _call(self, request_id: RequestId, method: str, params: Any, entry: _Running) -> Any:
        if method == "probe":
            request = ProbeRequest.from_json(request_id, params, self.protocol_version)
            if self._probe is None:
                # Without a probe handler the manifest's formats decide (the host only
                # probes conversions it lists, unless the user forces --engine).
                return {"accept": self._convert is not None} if self._convert is not None else \
                    {"accept": False, "reason": f"{self.name} has no convert handler"}
            return probe_result_json(self._probe(request))
        if method == "convert":
            request = ConvertRequest.from_json(request_id, params, self.protocol_version)
            if self._convert is None:
                raise ExtensionError(f"{self.name} does not convert files", reason="methodNotFound",
                                     code=METHOD_NOT_FOUND)
            assert entry.progress is not None
            return convert_result_json(self._convert(request, entry.progress, entry.token), self.name)
        return self._methods[method](params if params is not None else {}, entry.token)


def protect_stdio() -> Tuple[int, int]:
    """Takes fds 0 and 1 for the protocol and returns private duplicates of them.

    Rebinding ``sys.stdout`` only stops Python's own ``print``; a child process
    (``subprocess.run(["echo", ...])``) or a C library writes to *descriptor* 1 and would
    corrupt the protocol, which the host punishes by abandoning the extension (SPEC §8.3).
    So:

    - the real stdout is duplicated to a private, non-inheritable descriptor used only for
      protocol messages, and fd 1 becomes a copy of stderr (or /dev/null if there is no
      stderr): whatever anyone writes to fd 1 ends up in the host's log;
    - likewise the real stdin is kept privately and fd 0 becomes /dev/null, so that a child
      that reads its stdin (``cat``, a password prompt) cannot swallow protocol messages;
    - ``sys.stdout`` is rebound to ``sys.stderr`` and ``sys.stdin`` to /dev/null.
    """
    if sys.stdout is not None:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
    protocol_in = os.dup(0)   # os.dup's descriptors are not inherited by children
    protocol_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        try:
            os.dup2(2, 1)
        except OSError:  # no fd 2
            os.dup2(devnull, 1)
        os.dup2(devnull, 0)
    finally:
        os.close(devnull)
    sys.stdout = sys.stderr
    sys.stdin = open(os.devnull, "r")
    return protocol_in, protocol_out


def _configure_logging() -> None:
    """Logs go to stderr, one entry per line (SPEC §2.1); the host shows them with
    PYFORGE_LOG_LEVEL=debug, which the extension inherits, so it picks the level too."""
    root = logging.getLogger()
    if root.handlers:
        return  # the extension configured logging itself
    level = {"trace": logging.DEBUG, "debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
             "error": logging.ERROR}.get(os.environ.get("PYFORGE_LOG_LEVEL", "").lower(), logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)


def _exit(status: int) -> None:
    """Ends the process now. ``os._exit`` rather than ``sys.exit``: handler threads that
    ignored cancellation must not keep the process alive past the host's 2 s (SPEC §2.4),
    and it works from any thread (a broken pipe is noticed on a handler's thread)."""
    try:
        logging.shutdown()
        sys.stderr.flush()
    finally:
        os._exit(status)
