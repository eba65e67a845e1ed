#!/usr/bin/env python3
"""An example pyforge extension in plain Python (standard library only): it converts CSV
to NDJSON, one object per row with every value the field's text, and declines anything
else. It implements the protocol in protocol/SPEC.md directly: one JSON-RPC message per
line on stdin/stdout, logs on stderr."""
import csv
import json
import sys

PROTOCOL = "1.0"
# stdout carries protocol messages only; keep a handle and send prints to stderr.
protocol_out = sys.stdout
sys.stdout = sys.stderr


def send(message):
    protocol_out.write(json.dumps(message, ensure_ascii=False) + "\n")
    protocol_out.flush()


def reply(request_id, result=None, error=None):
    message = {"jsonrpc": "2.0", "id": request_id}
    if error is not None:
        message["error"] = error
    else:
        message["result"] = result
    send(message)


def convert(request_id, params):
    source, target = params["input"]["path"], params["output"]["path"]
    token = params.get("progressToken")
    rows = 0
    with open(source, newline="", encoding="utf-8-sig") as inp, open(target, "w", encoding="utf-8") as out:
        for record in csv.DictReader(inp):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            rows += 1
            if token and rows % 100_000 == 0:
                send({"jsonrpc": "2.0", "method": "$/progress", "params": {"token": token, "done": rows}})
    reply(request_id, {"rows": rows, "engine": "example-csv-to-ndjson", "warnings": []})


for line in sys.stdin:
    if not line.strip():
        continue
    try:
        message = json.loads(line)
    except json.JSONDecodeError:
        send({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}})
        continue
    method, request_id = message.get("method"), message.get("id")
    params = message.get("params") or {}
    if method == "initialize":
        if PROTOCOL not in params.get("protocolVersions", []):
            reply(request_id, error={"code": -32602, "message": f"this extension speaks protocol {PROTOCOL}",
                                     "data": {"reason": "unsupportedProtocol", "supported": [PROTOCOL]}})
        else:
            reply(request_id, {"protocolVersion": PROTOCOL,
                               "extension": {"name": "example-csv-to-ndjson", "version": "1.0.0"}, "capabilities": {}})
    elif method == "probe":
        accept = params["input"]["format"] == "csv" and params["output"]["format"] == "ndjson"
        reply(request_id, {"accept": accept, "priority": 1} if accept else {"accept": False, "reason": "CSV to NDJSON only"})
    elif method == "convert":
        try:
            convert(request_id, params)
        except Exception as exc:  # reported to the host, which falls back to its own converter
            reply(request_id, error={"code": -32001, "message": str(exc), "data": {"reason": "conversionFailed"}})
    elif method in ("ping", "shutdown"):
        reply(request_id, {} if method == "ping" else None)
    elif request_id is not None:
        reply(request_id, error={"code": -32601, "message": f"unknown method {method}"})
