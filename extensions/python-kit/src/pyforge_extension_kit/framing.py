"""Line framing and message decoding of the pyforge extension protocol (SPEC §2.2, §2.3, §3).

The framing works on bytes, not text: SPEC splits on the byte 0x0A and nothing else, while
Python's text I/O (``for line in sys.stdin``) would also split on a lone 0x0D (universal
newlines) and would decode before we can tell a broken line from a broken stream.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union

#: SPEC §2.3: the largest message, in bytes, excluding the terminator.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
REQUEST_CANCELLED = -32800
CONVERSION_FAILED = -32001

RequestId = Union[int, str]


@dataclass(frozen=True)
class TooLarge:
    """A line went over the limit; its bytes up to and including the next 0x0A were dropped."""

    dropped: int


class LineFramer:
    """Splits a byte stream into protocol lines, fed with chunks of any size.

    It mirrors the host's framer (``Sources/ExtensionProtocol/LineFramer.swift``) so that
    both sides agree on every edge case:

    - lines end at 0x0A only; one 0x0D right before it is removed;
    - a line is too large when the bytes before its 0x0A, *including* a 0x0D that would
      be removed, exceed the limit; it is dropped up to its terminator and reading goes on;
    - an unterminated tail at end of stream is never a message (see :attr:`unterminated`).
    """

    def __init__(self, limit: int = MAX_MESSAGE_BYTES) -> None:
        if limit <= 0:
            raise ValueError("limit must be positive")
        self._limit = limit
        self._pending = bytearray()
        self._discarding = False
        self._dropped = 0

    def feed(self, chunk: bytes) -> List[Union[bytes, TooLarge]]:
        """Returns the lines (without terminator) and oversize events this chunk completes."""
        events: List[Union[bytes, TooLarge]] = []
        start, size = 0, len(chunk)
        while start < size:
            newline = chunk.find(b"\n", start)
            end = size if newline < 0 else newline
            if self._discarding:
                self._dropped += end - start
            else:
                self._pending += chunk[start:end]
                if len(self._pending) > self._limit:
                    # Stop buffering at once: a peer sending gigabytes without a newline
                    # must not make us hold them in memory.
                    self._discarding = True
                    self._dropped = len(self._pending)
                    self._pending = bytearray()
            if newline < 0:
                break
            if self._discarding:
                events.append(TooLarge(self._dropped))
                self._discarding = False
                self._dropped = 0
            else:
                line = bytes(self._pending)
                if line.endswith(b"\r"):
                    line = line[:-1]
                events.append(line)
                self._pending = bytearray()
            start = newline + 1
        return events

    @property
    def unterminated(self) -> int:
        """Bytes of an unfinished line (the stream ended without its 0x0A)."""
        return max(self._dropped, 1) if self._discarding else len(self._pending)


class MalformedLine(Exception):
    """A line that is not a JSON-RPC message; answered with -32700 and ``"id": null``."""


@dataclass(frozen=True)
class Incoming:
    """One decoded message from the host. ``kind`` is ``request``, ``notification`` or
    ``response`` (the host sends no responses in protocol 1.x; they are ignored)."""

    kind: str
    method: Optional[str]
    id: Optional[RequestId]
    params: Any
    has_params: bool


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (RFC 8259); the host's decoder refuses them too.
    raise ValueError(f"{name} is not valid JSON")


def decode_line(line: bytes) -> Optional[Incoming]:
    """Decodes one framed line. Returns None for an empty line (SPEC §2.2: ignored), raises
    :class:`MalformedLine` for anything that is not a JSON-RPC message (SPEC §8.1: -32700).

    A line of only whitespace is *not* empty: SPEC §2.2 says the host and the Swift kit
    treat it as malformed, and so does this kit. Non-object JSON (arrays, i.e. batches,
    numbers, strings) is malformed too (SPEC §3: batches are not part of the protocol).
    """
    if not line:
        return None
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedLine(f"the line is not UTF-8 (byte {error.start})") from None
    if not text.strip():
        # SPEC §2.2: not empty, so not ignored; the host and the Swift kit call it malformed.
        raise MalformedLine("the line holds only whitespace")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise MalformedLine(f"the line is not JSON ({error})") from None
    if not isinstance(value, dict):
        kind = "a batch (JSON array)" if isinstance(value, list) else f"a JSON {type(value).__name__}"
        raise MalformedLine(f"the line is {kind}, not a JSON-RPC message object")
    if value.get("jsonrpc") != "2.0":
        raise MalformedLine('the message lacks "jsonrpc": "2.0"')
    request_id = value.get("id")
    if request_id is not None and (isinstance(request_id, bool) or not isinstance(request_id, (int, str))):
        raise MalformedLine("the message's id is neither an integer nor a string")
    method = value.get("method")
    if "method" in value and method is not None and not isinstance(method, str):
        raise MalformedLine("the message's method is not a string")
    if isinstance(method, str):
        # SPEC §3: a message with a method is a notification when its id is absent or null.
        kind = "notification" if request_id is None else "request"
        return Incoming(kind, method, request_id, value.get("params"), "params" in value)
    if "error" in value or ("result" in value and request_id is not None):
        return Incoming("response", None, request_id, None, False)
    raise MalformedLine("the message is neither a request, a notification nor a response")


class MessageTooLarge(Exception):
    """An outgoing message would be over the protocol's size limit."""


def encode_line(message: Dict[str, Any], limit: int = MAX_MESSAGE_BYTES) -> bytes:
    """One protocol line: compact JSON in UTF-8 and a final 0x0A.

    ``json.dumps`` escapes every control character inside strings, so the only 0x0A is the
    terminator. Raw non-ASCII is kept (smaller, readable in transcripts) unless the value
    holds lone surrogates, which UTF-8 cannot encode; then everything is escaped.
    """
    try:
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(message, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode("ascii")
    if len(data) > limit:
        raise MessageTooLarge(f"the message is {len(data)} bytes, over the protocol's limit of {limit}")
    return data + b"\n"


def is_number(value: Any) -> bool:
    """A JSON number that can be sent: int or finite float, never bool."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)
