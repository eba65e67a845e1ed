"""`pyforge serve --stdio`: the long-lived JSON-RPC server behind the Python API."""
from __future__ import annotations

import json
import os
import subprocess

import pyarrow.parquet as pq

from conftest import base_env, wait_for
from test_extensions import install_fake, surviving_extension_processes


class Client:
    def __init__(self, binary, env):
        self.process = subprocess.Popen([str(binary), "serve", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env, text=True, bufsize=1)
        self.next_id = 1

    def send_line(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def call(self, method, params=None):
        request_id = self.next_id
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send_line(json.dumps(message))
        return self.read_response(request_id)

    def read_response(self, request_id):
        while True:
            line = self.process.stdout.readline()
            assert line, "the server closed stdout: " + self.process.stderr.read()
            message = json.loads(line)
            if message.get("id") == request_id:
                return message

    def close(self):
        self.process.stdin.close()
        return self.process.wait(timeout=10)


def test_requests_and_errors(pyforge_bin, work):
    (work / "a.csv").write_text("id,name\n1,x\n2,y\n")
    client = Client(pyforge_bin, base_env())
    assert client.call("ping")["result"] == {}
    converted = client.call("convert", {"input": str(work / "a.csv")})["result"]
    assert converted["success"] and converted["rows"] == 2 and converted["engine"] == "core"
    assert pq.read_table(work / "a.parquet").num_rows == 2
    again = client.call("convert", {"input": str(work / "a.csv")})
    assert again["error"]["code"] == -32001 and again["error"]["data"]["exit_code"] == 3
    assert client.call("info", {"path": str(work / "a.csv")})["result"]["rows"] == 2
    (work / "bad.csv").write_text("a,b\n1,2,3\n")
    report = client.call("validate", {"path": str(work / "bad.csv")})["result"]
    assert report["valid"] is False and "line 2" in report["errors"][0]
    assert client.call("no/such")["error"]["code"] == -32601
    assert client.call("convert", {"wrong": 1})["error"]["code"] == -32602
    client.send_line("this is not json")
    assert json.loads(client.process.stdout.readline())["error"]["code"] == -32700
    assert client.call("formats")["result"][0]["input"]
    assert client.call("shutdown")["result"] is None
    assert client.process.wait(timeout=10) == 0


def test_exits_on_stdin_eof(pyforge_bin):
    # close() waits up to 10 s, a hang guard; how fast the server leaves is a benchmark row
    # (benchmarks/time_bounds.py), not a test.
    client = Client(pyforge_bin, base_env())
    assert client.call("ping")["result"] == {}
    assert client.close() == 0


def test_changed_extensions_are_used_by_the_next_request(pyforge_bin, work):
    (work / "data.csv").write_text("id,name\n1,a\n2,b\n3,c\n")
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(work / "extensions")
    env["HOME"] = str(work)
    (work / "extensions").mkdir()
    (work / "extensions").chmod(0o755)
    work.chmod(0o755)
    client = Client(pyforge_bin, env)
    first = client.call("convert", {"input": str(work / "data.csv"), "output": str(work / "one.parquet")})["result"]
    assert first["engine"] == "core"
    generation = client.call("environment")["result"]["extensions_generation"]
    install_fake(work, "success")
    # The server's inotify watcher counts changes in the search path; wait until it has
    # seen the new extension instead of sleeping for a guessed time.
    wait_for(lambda: client.call("environment")["result"]["extensions_generation"] > generation,
             "the server's watcher saw the newly installed extension", interval=0.05)
    second = client.call("convert", {"input": str(work / "data.csv"), "output": str(work / "two.parquet")})["result"]
    assert second["engine"] == "fake"
    (work / "extensions" / "fake" / "mode").write_text("decline")
    third = client.call("convert", {"input": str(work / "data.csv"), "output": str(work / "three.parquet")})["result"]
    assert third["engine"] == "core"
    listing = client.call("extensions/reload")["result"]
    assert [e["manifest"]["name"] for e in listing["found"]] == ["fake"]
    assert client.close() == 0


def test_failed_delegation_leaves_no_temporary_output(pyforge_bin, work):
    # The server answers while it keeps running: the extension must be gone by then.
    (work / "data.csv").write_text("id,name\n1,a\n2,b\n3,c\n")
    path = install_fake(work, "stray-stdout-then-child-writes")
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(path)
    env["HOME"] = str(work)
    client = Client(pyforge_bin, env)
    for name in ("one", "two"):
        converted = client.call("convert", {"input": str(work / "data.csv"), "output": str(work / f"{name}.parquet")})["result"]
        assert converted["engine"] == "core"
        assert any("not a protocol message" in w for w in converted["warnings"]), converted["warnings"]
        assert [n for n in os.listdir(work) if ".pyforge-" in n] == []
        assert surviving_extension_processes(path) == []
        assert pq.read_table(work / f"{name}.parquet").to_pylist() == [
            {"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"}]
    assert client.close() == 0
