"""The kit in a real process, through pipes, as the host drives it: handshake, framing
errors, cancellation, progress, stdout protection, stdin EOF, SIGTERM and error mapping."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import INITIALIZE, PRELUDE, TIMEOUT, probe_params, wait_until

BASIC = """
ext = Extension(name="kit-test", version="0.1.0", protocol_versions=["1.0", "1.1"])

@ext.probe
def probe(request):
    if request.input.format == "csv":
        return ProbeResult.accepting(priority=2)
    return ProbeResult.declining("CSV only")

@ext.convert
def convert(request, progress, cancelled):
    with open(request.output.path, "w") as out:
        out.write("x\\n")
    return ConvertResult(rows=1, warnings=["w"])

ext.run()
"""


def convert_params(token="convert"):
    params = {"input": {"path": "in.csv", "format": "csv", "size": 3}, "output": {"path": "out.txt", "format": "ndjson"}}
    if token is not None:
        params["progressToken"] = token
    return params


# ----------------------------------------------------------------------------- handshake

def test_handshake_negotiates_the_highest_common_version(kit):
    ext = kit(BASIC)
    answer = ext.request(INITIALIZE)
    assert answer == {"jsonrpc": "2.0", "id": 1,
                      "result": {"protocolVersion": "1.1", "extension": {"name": "kit-test", "version": "0.1.0"}}}
    ext.send({"jsonrpc": "2.0", "method": "initialized"})  # never answered: the next line is the ping's
    assert ext.request({"jsonrpc": "2.0", "id": "p", "method": "ping", "params": {"pad": "x" * 1000}}) == \
        {"jsonrpc": "2.0", "id": "p", "result": {}}


def test_handshake_with_a_10_host_answers_10(kit):
    ext = kit(BASIC)
    answer = ext.request({**INITIALIZE, "params": {"protocolVersions": ["1.0"], "host": {"name": "h", "version": "1"}}})
    assert answer["result"]["protocolVersion"] == "1.0"


def test_no_common_version_is_refused_with_unsupported_protocol(kit):
    ext = kit(BASIC)
    answer = ext.request({**INITIALIZE, "params": {"protocolVersions": ["99.0"], "host": {"name": "h", "version": "1"}}})
    assert answer["error"]["code"] == -32602
    assert answer["error"]["data"] == {"reason": "unsupportedProtocol", "supported": ["1.0", "1.1"]}
    # SPEC §4.2: it keeps running until stdin closes.
    assert ext.request({"jsonrpc": "2.0", "id": 2, "method": "ping"})["result"] == {}
    ext.close_stdin()
    assert ext.wait_exit(TIMEOUT) == 0


def test_initialize_without_versions_is_invalid_params(kit):
    ext = kit(BASIC)
    answer = ext.request({"jsonrpc": "2.0", "id": 1, "method": "initialize"})
    assert answer["error"]["code"] == -32602 and "reason" not in answer["error"].get("data", {})


def test_extra_methods_are_listed_in_capabilities(kit):
    ext = kit("""
ext = Extension(name="m", version="1", capabilities={"formats": 1})

@ext.method("environment")
def environment(params, cancelled):
    return {"python": sys.version_info[0], "params": params}

ext.run()
""")
    answer = ext.request(INITIALIZE)
    assert answer["result"]["capabilities"] == {"formats": 1, "methods": ["environment"]}
    assert ext.request({"jsonrpc": "2.0", "id": 2, "method": "environment"})["result"] == {"python": 3, "params": {}}


# ----------------------------------------------------------------------------- framing

def test_malformed_lines_get_parse_errors_and_the_session_goes_on(kit):
    ext = kit(BASIC)
    ext.initialize()
    for bad in (b"   \n", b"[]\n", b'[{"jsonrpc":"2.0","id":5,"method":"ping"}]\n', b"42\n", b'"x"\n',
                b'{"jsonrpc":"2.0","id":5,"method":"p\xff"}\n', b"not json\n"):
        ext.write(bad)
        answer = ext.receive()
        assert answer["id"] is None and answer["error"]["code"] == -32700, (bad, answer)
    ext.write(b"\n\r\n")  # empty lines: no answer
    assert ext.request({"jsonrpc": "2.0", "id": 9, "method": "ping"}) == {"jsonrpc": "2.0", "id": 9, "result": {}}


def test_oversized_line_gets_a_parse_error_and_the_next_line_is_read(kit):
    ext = kit(BASIC)
    ext.initialize()
    # A valid request padded past 16 MiB: it must be dropped, not executed.
    huge = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "ping", "params": {"pad": "x" * (16 * 1024 * 1024)}})
    ext.write(huge.encode() + b"\n")
    answer = ext.receive()
    assert answer["id"] is None and answer["error"]["code"] == -32700 and "size limit" in answer["error"]["message"]
    assert ext.request({"jsonrpc": "2.0", "id": 3, "method": "ping"}) == {"jsonrpc": "2.0", "id": 3, "result": {}}


def test_partial_line_at_eof_is_not_a_message(kit):
    ext = kit(BASIC)
    ext.initialize()
    ext.write(b'{"jsonrpc":"2.0","id":2,"method":"ping"}')  # no terminator
    ext.close_stdin()
    assert ext.wait_exit(TIMEOUT) == 0
    assert ext.remaining_lines() == []


def test_crlf_lines_are_accepted(kit):
    ext = kit(BASIC)
    ext.write(json.dumps(INITIALIZE).encode() + b"\r\n")
    assert ext.receive()["result"]["protocolVersion"] == "1.1"


# ----------------------------------------------------------------------------- methods and errors

def test_probe_convert_shutdown(kit, tmp_path):
    ext = kit(BASIC)
    ext.initialize()
    assert ext.request({"jsonrpc": "2.0", "id": 2, "method": "probe", "params": probe_params("xml")})["result"] == \
        {"accept": False, "reason": "CSV only"}
    assert ext.request({"jsonrpc": "2.0", "id": 3, "method": "convert", "params": convert_params()})["result"] == \
        {"rows": 1, "engine": "kit-test", "warnings": ["w"]}
    assert (tmp_path / "out.txt").read_text() == "x\n"
    assert ext.request({"jsonrpc": "2.0", "id": 4, "method": "shutdown"}) == {"jsonrpc": "2.0", "id": 4, "result": None}
    # SPEC §4.1: it stops accepting work after shutdown.
    assert ext.request({"jsonrpc": "2.0", "id": 5, "method": "probe", "params": probe_params()})["error"]["code"] == -32600
    ext.close_stdin()
    assert ext.wait_exit(TIMEOUT) == 0


def test_unknown_request_and_notification(kit):
    ext = kit(BASIC)
    ext.initialize()
    ext.send({"jsonrpc": "2.0", "method": "$/future", "params": {}})
    answer = ext.request({"jsonrpc": "2.0", "id": 2, "method": "frobnicate"})
    assert answer["error"]["code"] == -32601 and answer["error"]["data"] == {"reason": "methodNotFound"}


def test_string_and_integer_ids_are_echoed_with_their_type(kit):
    ext = kit(BASIC)
    ext.initialize()
    assert ext.request({"jsonrpc": "2.0", "id": "2", "method": "probe", "params": probe_params()})["id"] == "2"
    assert ext.request({"jsonrpc": "2.0", "id": 2, "method": "probe", "params": probe_params()})["id"] == 2


def test_invalid_params_are_answered_32602(kit):
    ext = kit(BASIC)
    ext.initialize()
    answer = ext.request({"jsonrpc": "2.0", "id": 2, "method": "convert", "params": {"input": "a.csv"}})
    assert answer["error"]["code"] == -32602 and "input must be an object" in answer["error"]["message"]


HANDLER_ERRORS = """
ext = Extension(name="errors", version="1")

@ext.probe
def probe(request):
    kind = request.input.path
    if kind == "extension-error":
        raise ExtensionError("the file is not UTF-8", reason="unsupportedEncoding", data={"byte": 7})
    if kind == "bug":
        return {}["missing"]
    if kind == "bad-result":
        return "yes"
    if kind == "huge-result":
        return {"accept": True, "reason": "x" * (17 * 1024 * 1024)}
    if kind == "exit":
        sys.exit(3)
    return ProbeResult.accepting()

ext.run()
"""


@pytest.mark.parametrize("kind, code, message, data", [
    ("extension-error", -32001, "the file is not UTF-8", {"reason": "unsupportedEncoding", "byte": 7}),
    ("bug", -32603, "probe failed: KeyError: 'missing'", {"reason": "internalError"}),
    ("bad-result", -32603, "must return a ProbeResult", {"reason": "internalError"}),
    ("huge-result", -32603, "over the protocol's limit", {"reason": "internalError"}),
    ("exit", -32603, "SystemExit", {"reason": "internalError"}),
])
def test_handler_failures_become_error_responses(kit, kind, code, message, data):
    ext = kit(HANDLER_ERRORS)
    ext.initialize()
    params = probe_params()
    params["input"]["path"] = kind
    answer = ext.request({"jsonrpc": "2.0", "id": 2, "method": "probe", "params": params})
    assert answer["id"] == 2 and answer["error"]["code"] == code, answer
    assert message in answer["error"]["message"] and answer["error"]["data"] == data
    # The extension keeps serving.
    assert ext.request({"jsonrpc": "2.0", "id": 3, "method": "ping"})["result"] == {}
    if code == -32603:
        assert "Traceback" in ext.stderr or "cannot be sent" in ext.stderr  # the cause is logged for the author


# ----------------------------------------------------------------------------- progress and cancellation

SLOW = """
ext = Extension(name="slow", version="1")

@ext.convert
def convert(request, progress, cancelled):
    marker = request.input.path + ".cleaned"
    cancelled.add_callback(lambda: open(marker, "w").close())
    progress(0, message="started", force=True)     # tells the test the handler runs
    if request.input.path == "stubborn":
        time.sleep(60)                               # ignores cancellation entirely
    if not cancelled.wait(60):
        return ConvertResult(rows=0)
    cancelled.raise_if_cancelled()

ext.run()
"""


def started(ext, request_id=2, path="in.csv"):
    params = convert_params()
    params["input"]["path"] = path
    ext.send({"jsonrpc": "2.0", "id": request_id, "method": "convert", "params": params})
    note = ext.receive()
    assert note == {"jsonrpc": "2.0", "method": "$/progress",
                    "params": {"token": "convert", "done": 0, "message": "started"}}


def test_cancel_request_answers_32800_and_ping_works_meanwhile(kit, tmp_path):
    ext = kit(SLOW)
    ext.initialize()
    started(ext)
    # SPEC §5.3: ping is answered while a convert runs.
    assert ext.request({"jsonrpc": "2.0", "id": 3, "method": "ping"}) == {"jsonrpc": "2.0", "id": 3, "result": {}}
    ext.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 99}})   # unknown id: ignored
    ext.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": "2"}})  # "2" is not 2: ignored
    assert ext.request({"jsonrpc": "2.0", "id": 4, "method": "ping"})["id"] == 4
    ext.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 2}})
    answer = ext.receive()
    assert answer["id"] == 2 and answer["error"]["code"] == -32800, answer
    assert (tmp_path / "in.csv.cleaned").exists()
    ext.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 2}})   # answered id: ignored
    assert ext.request({"jsonrpc": "2.0", "id": 5, "method": "ping"})["id"] == 5


def test_progress_is_rate_limited_and_never_follows_the_response(kit):
    ext = kit("""
ext = Extension(name="p", version="1")

@ext.convert
def convert(request, progress, cancelled):
    sent = sum(progress(i, total=100000) for i in range(100000))
    leaked.append(progress)
    return ConvertResult(rows=sent)

leaked = []

@ext.method("late")
def late(params, cancelled):
    return leaked[0](1, force=True)

ext.run()
""")
    ext.initialize()
    ext.send({"jsonrpc": "2.0", "id": 2, "method": "convert", "params": convert_params()})
    started_at = time.monotonic()
    notes = []
    while "id" not in (message := ext.receive()):
        notes.append(message)
    elapsed = time.monotonic() - started_at
    assert message["id"] == 2 and message["result"]["rows"] == len(notes) >= 1
    # At most one per 0.1 s (plus the first, which is sent at once).
    assert len(notes) <= elapsed / 0.1 + 1, (len(notes), elapsed)
    assert notes[0]["params"] == {"token": "convert", "done": 0, "total": 100000}
    # After the response, even a forced progress call sends nothing.
    assert ext.request({"jsonrpc": "2.0", "id": 3, "method": "late"}) == {"jsonrpc": "2.0", "id": 3, "result": False}


def test_no_progress_without_a_token(kit):
    ext = kit("""
ext = Extension(name="p", version="1")

@ext.convert
def convert(request, progress, cancelled):
    return ConvertResult(rows=int(progress(1, force=True)) + 10 * int(progress.enabled))

ext.run()
""")
    ext.initialize()
    answer = ext.request({"jsonrpc": "2.0", "id": 2, "method": "convert", "params": convert_params(token=None)})
    assert answer["result"]["rows"] == 0


# ----------------------------------------------------------------------------- end of stream, signals

def test_stdin_eof_during_convert_cancels_it_and_exits_promptly(kit, tmp_path):
    ext = kit(SLOW)
    ext.initialize()
    started(ext)
    closed_at = time.monotonic()
    ext.close_stdin()
    # SPEC §2.4/§11.3: exit (status 0) well within the host's 2 s.
    assert ext.wait_exit(TIMEOUT) == 0
    assert time.monotonic() - closed_at < 2.0
    assert (tmp_path / "in.csv.cleaned").exists()          # the handler was told
    [line] = ext.remaining_lines()                          # and its request still answered
    assert json.loads(line)["error"]["code"] == -32800


def test_stdin_eof_with_a_handler_that_ignores_cancellation_still_exits(kit):
    ext = kit(SLOW)
    ext.initialize()
    started(ext, path="stubborn")
    closed_at = time.monotonic()
    ext.close_stdin()
    assert ext.wait_exit(TIMEOUT) == 0
    assert time.monotonic() - closed_at < 2.0
    assert "still running" in ext.stderr


def test_sigterm_cancels_running_work_and_exits(kit, tmp_path):
    ext = kit(SLOW)
    ext.initialize()
    started(ext)
    ext.process.send_signal(signal.SIGTERM)
    assert ext.wait_exit(TIMEOUT) == 128 + signal.SIGTERM
    assert (tmp_path / "in.csv.cleaned").exists()


def test_exits_when_the_host_stops_reading(tmp_path):
    # The host's end of our stdout is closed before we answer: the write fails with EPIPE
    # (the kit ignores SIGPIPE like Python does), and the kit exits with status 0.
    script = tmp_path / "ext.py"
    script.write_text(PRELUDE + BASIC, encoding="utf-8")
    read_end, write_end = os.pipe()
    process = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=write_end,
                               stderr=subprocess.DEVNULL)
    os.close(write_end)
    os.close(read_end)
    try:
        process.stdin.write(json.dumps(INITIALIZE).encode() + b"\n")
        process.stdin.flush()
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# ----------------------------------------------------------------------------- stdout protection

NOISY = """
import ctypes, logging
print("banner from print")                            # before run(): not yet protected
ext = Extension(name="noisy", version="1")

@ext.convert
def convert(request, progress, cancelled):
    print("stray print")
    subprocess.run(["echo", "stray from a child"], check=True)
    os.write(1, b"x")
    os.write(1, b"raw write to fd 1\\n")
    ctypes.CDLL(None).puts(b"stray from C")
    ctypes.CDLL(None).fflush(None)
    os.system("echo stray from a shell")
    # A child that reads its stdin must not swallow protocol messages.
    child = subprocess.run(["cat"], capture_output=True, timeout=10)
    logging.getLogger("noisy").info("cat read %d bytes", len(child.stdout))
    return ConvertResult(rows=len(child.stdout))

ext.run()
"""


def test_stray_output_never_reaches_the_protocol_stream(kit):
    ext = kit(NOISY)
    # The only stdout bytes before run() are the banner: that is the author's bug, not the kit's.
    assert ext.receive_raw() == b"banner from print\n"
    ext.initialize()
    answer = ext.request({"jsonrpc": "2.0", "id": 2, "method": "convert", "params": convert_params()})
    assert answer == {"jsonrpc": "2.0", "id": 2, "result": {"rows": 0, "engine": "noisy", "warnings": []}}
    assert ext.request({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})["result"] is None
    ext.close_stdin()
    assert ext.wait_exit(TIMEOUT) == 0
    assert ext.remaining_lines() == []
    # Nothing was lost either: it all went to stderr, where the host logs it.
    wait_until(lambda: "stray from a shell" in ext.stderr, what="stderr to drain")
    for text in ("stray print", "stray from a child", "raw write to fd 1", "stray from C", "cat read 0 bytes"):
        assert text in ext.stderr, text


def test_logging_goes_to_stderr_at_the_hosts_level(kit):
    ext = kit("""
import logging
ext = Extension(name="logs", version="1")

@ext.probe
def probe(request):
    ext.log.debug("debug detail")
    ext.log.info("info detail")
    return ProbeResult.declining("no")

ext.run()
""", env={"PYFORGE_LOG_LEVEL": "debug"})
    ext.initialize()
    ext.request({"jsonrpc": "2.0", "id": 2, "method": "probe", "params": probe_params()})
    ext.close_stdin()
    assert ext.wait_exit(TIMEOUT) == 0
    wait_until(lambda: "info detail" in ext.stderr, what="stderr")
    assert "DEBUG logs: debug detail" in ext.stderr
