"""The Spark Connect requests pyforge sends, decoded by Spark's own protobuf classes.

`spark-request-bytes` (extensions/databricks/Tools/SparkRequestBytes) writes the exact bytes
our client puts on the wire for a fixed set of plans. pyspark's generated classes
(`pyspark.sql.connect.proto`) parse them here, and every field we set is compared with what
each case means, by Spark's field names and enum names. A second check makes sure Spark's
classes understood every byte: after dropping unknown fields the message must re-encode to
as many bytes as we sent, so a field written under a wrong number or wire type fails.

Binary: $PYFORGE_SPARK_REQUEST_BYTES_BIN, else extensions/databricks/.build/{release,debug}/
spark-request-bytes (swift build --package-path extensions/databricks --product spark-request-bytes).
pyspark: $PYFORGE_SPARK_PYTHON, else <repo>/.venv-spark/bin/python (scripts/spark-connect-server
installs it). Without pyspark the tests skip, unless PYFORGE_REQUIRE_SPARK=1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = REPO_ROOT / "extensions" / "databricks"
SESSION = "9f3b6a2e-4c1d-4e8f-a7b5-0c2d4e6f8a1b"
OPERATION = "0b7a5c1e-2d3f-4a6b-8c9d-0e1f2a3b4c5d"

# Runs under pyspark's interpreter: parses each file as the message type it is sent as and
# prints {case: {"fields": MessageToDict, "understood": bool}}.
DECODER = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from google.protobuf.json_format import MessageToDict
from pyspark.sql.connect.proto import base_pb2
directory, kinds = sys.argv[1], json.loads(sys.argv[2])
out = {}
for case, kind in kinds.items():
    data = open(f"{directory}/{case}.bin", "rb").read()
    message = getattr(base_pb2, kind).FromString(data)
    fields = MessageToDict(message, preserving_proto_field_name=True)
    message.DiscardUnknownFields()
    out[case] = {"fields": fields, "understood": message.ByteSize() == len(data)}
print(json.dumps(out))
"""

KINDS = {
    "write_path_coalesced": "ExecutePlanRequest",
    "write_table_append": "ExecutePlanRequest",
    "write_repartitioned_json": "ExecutePlanRequest",
    "write_ignore": "ExecutePlanRequest",
    "query_sql": "ExecutePlanRequest",
    "analyze_schema": "AnalyzePlanRequest",
    "analyze_version": "AnalyzePlanRequest",
    "release_session": "ReleaseSessionRequest",
    "query_from_connection_string": "ExecutePlanRequest",
    "query_from_socket_remote": "ExecutePlanRequest",
    "execute_reattachable": "ExecutePlanRequest",
    "reattach_execute": "ReattachExecuteRequest",
    "reattach_execute_from_start": "ReattachExecuteRequest",
    "release_execute_all": "ReleaseExecuteRequest",
    "release_execute_until": "ReleaseExecuteRequest",
}

HEADER = {"session_id": SESSION, "user_context": {"user_id": "ana"}, "client_type": "pyforge"}
CSV_READ = {"read": {"data_source": {"format": "csv", "options": {"header": "true", "sep": ";"},
                                     "paths": ["/data/a.csv", "/data/b.csv"]}}}

# What each case must decode to: the whole message, field for field (int64 values are
# strings and enums are names in protobuf's JSON mapping).
EXPECTED = {
    "write_path_coalesced": {**HEADER, "plan": {"command": {"write_operation": {
        "input": {"repartition": {"input": CSV_READ, "num_partitions": 1, "shuffle": False}},
        "source": "parquet", "path": "/out/dir", "mode": "SAVE_MODE_OVERWRITE", "options": {"compression": "zstd"}}}}},
    "write_table_append": {**HEADER, "plan": {"command": {"write_operation": {
        "input": {"sql": {"query": "SELECT 1 AS x"}}, "source": "delta",
        "table": {"table_name": "main.sales.orders", "save_method": "TABLE_SAVE_METHOD_SAVE_AS_TABLE"},
        "mode": "SAVE_MODE_APPEND"}}}},
    "write_repartitioned_json": {**HEADER, "plan": {"command": {"write_operation": {
        "input": {"repartition": {
            "input": {"read": {"data_source": {"format": "json", "paths": ["/Volumes/cat/sch/vol/données.json"]}}},
            "num_partitions": 8, "shuffle": True}},
        "source": "parquet", "path": "/Volumes/cat/sch/vol/out", "mode": "SAVE_MODE_ERROR_IF_EXISTS"}}}},
    "write_ignore": {**HEADER, "plan": {"command": {"write_operation": {
        "input": {"read": {"data_source": {"format": "xml", "options": {"rowTag": "row"}, "paths": ["/x.xml"]}}},
        "source": "parquet", "path": "/y", "mode": "SAVE_MODE_IGNORE"}}}},
    "query_sql": {**HEADER, "plan": {"root": {"sql": {"query": "SELECT COUNT(*) FROM parquet.`/out/dir`"}}}},
    "analyze_schema": {**HEADER, "schema": {"plan": {"root": CSV_READ}}},
    "analyze_version": {**HEADER, "spark_version": {}},
    "release_session": HEADER,
    # From sc://localhost/;user_id=bo;user_agent=my_app;session_id=550E8400-...: the session
    # id in canonical (lowercase) form, user_id in UserContext, user_agent as client_type.
    "query_from_connection_string": {"session_id": "550e8400-e29b-41d4-a716-446655440000", "user_context": {"user_id": "bo"},
                                     "client_type": "my_app", "plan": {"root": {"sql": {"query": "SELECT 1"}}}},
    # From unix:///databricks/sparkconnect/grpc.sock;user_id=4711;session_id=...: the notebook's socket.
    "query_from_socket_remote": {"session_id": "550e8400-e29b-41d4-a716-446655440000", "user_context": {"user_id": "4711"},
                                 "client_type": "pyforge", "plan": {"root": {"sql": {"query": "SELECT 1"}}}},
    # Reattachable execution (pyspark's reattach.py sends the same fields).
    "execute_reattachable": {**HEADER, "operation_id": OPERATION, "plan": {"root": {"sql": {"query": "SELECT 1"}}},
                             "request_options": [{"reattach_options": {"reattachable": True}}]},
    "reattach_execute": {**HEADER, "operation_id": OPERATION, "last_response_id": "r-7"},
    "reattach_execute_from_start": {**HEADER, "operation_id": OPERATION},
    "release_execute_all": {**HEADER, "operation_id": OPERATION, "release_all": {}},
    "release_execute_until": {**HEADER, "operation_id": OPERATION, "release_until": {"response_id": "r-9"}},
}


def _request_bytes_binary() -> Path:
    configured = os.environ.get("PYFORGE_SPARK_REQUEST_BYTES_BIN")
    if configured:
        return Path(configured)
    for configuration in ("release", "debug"):
        candidate = PACKAGE / ".build" / configuration / "spark-request-bytes"
        if candidate.is_file():
            return candidate
    pytest.fail("spark-request-bytes is not built: run 'swift build --package-path extensions/databricks "
                "--product spark-request-bytes' or set PYFORGE_SPARK_REQUEST_BYTES_BIN", pytrace=False)


def _spark_python() -> str:
    configured = os.environ.get("PYFORGE_SPARK_PYTHON")
    candidates = [configured] if configured else [str(REPO_ROOT / ".venv-spark" / "bin" / "python"), sys.executable]
    for python in candidates:
        if python and subprocess.run([python, "-c", "import pyspark.sql.connect.proto"], capture_output=True).returncode == 0:
            return python
    if os.environ.get("PYFORGE_REQUIRE_SPARK") == "1":
        pytest.fail("pyspark is not importable but PYFORGE_REQUIRE_SPARK=1", pytrace=False)
    pytest.skip("pyspark is not installed (scripts/spark-connect-server start installs it into .venv-spark)")


@pytest.fixture(scope="module")
def decoded(tmp_path_factory) -> dict:
    python = _spark_python()
    out = tmp_path_factory.mktemp("spark-requests")
    written = subprocess.run([str(_request_bytes_binary()), str(out)], capture_output=True, text=True, check=True)
    assert sorted(written.stdout.split()) == sorted(KINDS), written.stdout
    proc = subprocess.run([python, "-c", DECODER, str(out), json.dumps(KINDS)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_spark_decodes_every_field_we_set(decoded, case):
    assert decoded[case]["fields"] == EXPECTED[case]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_spark_understands_every_byte(decoded, case):
    assert decoded[case]["understood"], f"{case}: bytes Spark's {KINDS[case]} does not know (wrong field number or wire type)"
