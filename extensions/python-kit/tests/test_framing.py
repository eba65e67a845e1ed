"""Line framing and message decoding, in process (SPEC §2.2, §2.3, §3)."""
from __future__ import annotations

import json

import pytest

from pyforge_extension_kit.framing import (MAX_MESSAGE_BYTES, LineFramer, MalformedLine, MessageTooLarge, TooLarge,
                                           decode_line, encode_line)


def feed_all(framer: LineFramer, chunks):
    events = []
    for chunk in chunks:
        events.extend(framer.feed(chunk))
    return events


def test_lines_split_on_lf_only_whatever_the_chunking():
    data = b'{"a":1}\n{"b":"x\xe2\x80\xa8y"}\r\n{"c":"p\rq"}\n'
    expected = [b'{"a":1}', b'{"b":"x\xe2\x80\xa8y"}', b'{"c":"p\rq"}']
    for size in (1, 2, 3, 7, len(data)):
        framer = LineFramer()
        assert feed_all(framer, [data[i:i + size] for i in range(0, len(data), size)]) == expected, size
        assert framer.unterminated == 0


def test_only_one_cr_before_lf_is_removed():
    assert LineFramer().feed(b"x\r\r\n") == [b"x\r"]


def test_oversized_line_is_dropped_up_to_its_terminator_and_reading_goes_on():
    framer = LineFramer(limit=10)
    events = feed_all(framer, [b"0123456", b"789AB", b"CDEF\nok\n"])
    assert events == [TooLarge(16), b"ok"]


def test_the_limit_is_inclusive_and_counts_a_cr_as_the_host_does():
    framer = LineFramer(limit=4)
    assert framer.feed(b"abcd\nabcde\nabc\r\nabcd\r\n") == [b"abcd", TooLarge(5), b"abc", TooLarge(5)]


def test_default_limit_is_16_mib():
    assert MAX_MESSAGE_BYTES == 16 * 1024 * 1024
    framer = LineFramer()
    assert framer.feed(b"x" * MAX_MESSAGE_BYTES + b"\n") == [b"x" * MAX_MESSAGE_BYTES]
    assert framer.feed(b"x" * (MAX_MESSAGE_BYTES + 1) + b"\n") == [TooLarge(MAX_MESSAGE_BYTES + 1)]


def test_partial_line_at_end_is_reported_not_emitted():
    framer = LineFramer()
    assert framer.feed(b'{"jsonrpc":"2.0","id":1,"method":"ping"}\n{"jsonrpc"') == [
        b'{"jsonrpc":"2.0","id":1,"method":"ping"}']
    assert framer.unterminated == len(b'{"jsonrpc"')


def test_empty_line_is_ignored_but_whitespace_only_is_malformed():
    assert decode_line(b"") is None
    for line in (b" ", b"\t", b"  \r"):
        with pytest.raises(MalformedLine, match="whitespace"):
            decode_line(line)


@pytest.mark.parametrize("line", [b"[]", b'[{"jsonrpc":"2.0","id":1,"method":"ping"}]', b"3", b'"ping"', b"null",
                                  b"true"])
def test_json_that_is_not_an_object_is_malformed(line):
    with pytest.raises(MalformedLine):
        decode_line(line)


@pytest.mark.parametrize("line", [b'{"jsonrpc":"2.0","id":1,"method":"p\xff"}', b"\xc3\x28", b"\xed\xa0\x80"])
def test_invalid_utf8_is_malformed(line):
    with pytest.raises(MalformedLine, match="UTF-8"):
        decode_line(line)


@pytest.mark.parametrize("line", [
    b'{"id":1,"method":"ping"}',                      # no jsonrpc
    b'{"jsonrpc":"1.0","id":1,"method":"ping"}',
    b'{"jsonrpc":"2.0","id":true,"method":"ping"}',   # a bool is not an id
    b'{"jsonrpc":"2.0","id":1.5,"method":"ping"}',
    b'{"jsonrpc":"2.0","id":[1],"method":"ping"}',
    b'{"jsonrpc":"2.0","id":1,"method":7}',
    b'{"jsonrpc":"2.0","id":1}',                      # neither request nor response
    b'{"jsonrpc":"2.0","id":1,"method":"ping","params":NaN}',
    b'{"jsonrpc":"2.0","id":1,"method":"ping"',
])
def test_not_a_jsonrpc_message(line):
    with pytest.raises(MalformedLine):
        decode_line(line)


def test_request_notification_and_response_kinds():
    request = decode_line(b' {"jsonrpc":"2.0","id":"a","method":"probe","params":{"x":1}} ')
    assert (request.kind, request.id, request.method, request.params) == ("request", "a", "probe", {"x": 1})
    # SPEC §3: a method with "id": null is read as a notification.
    assert decode_line(b'{"jsonrpc":"2.0","id":null,"method":"initialized"}').kind == "notification"
    assert decode_line(b'{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":3}}').kind == "notification"
    assert decode_line(b'{"jsonrpc":"2.0","id":3,"result":null}').kind == "response"


def test_encoded_line_is_one_line_of_utf8():
    line = encode_line({"jsonrpc": "2.0", "id": 1, "result": {"text": "a\nb\u2028c\u00e9", "lone": "x"}})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {"jsonrpc": "2.0", "id": 1, "result": {"text": "a\nb\u2028c\u00e9", "lone": "x"}}
    assert "\u00e9".encode() in line  # raw UTF-8, not escaped


def test_lone_surrogates_are_escaped_instead_of_failing():
    line = encode_line({"text": "\ud800"})
    assert line == b'{"text":"\\ud800"}\n'


def test_oversized_outgoing_message_is_refused():
    with pytest.raises(MessageTooLarge):
        encode_line({"x": "y" * 100}, limit=50)
    with pytest.raises(ValueError):
        encode_line({"x": float("nan")})
