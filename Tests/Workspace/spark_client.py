#!/usr/bin/env python3
"""A real pyspark Spark Connect client for the simulator's checks (run with .venv-spark).

It is the independent reader of outputs (pyspark 4.3.0 reading through the cluster's server)
and the client the proxy's faults are tested with, since pyspark's own retry and reattach
logic (`pyspark/sql/connect/client/{retries,reattach}.py`) is the reference behaviour.

Remotes: `sc://host:port/;token=…` (pyspark's own parser; use host `localhost` so that a
token travels over local channel credentials without TLS) or the notebook form
`unix:///path/grpc.sock;user_id=…;session_id=…`, which stock pyspark does not parse: a
channel builder of ours opens the socket (what Databricks' own client does in a notebook).

Commands (one JSON document on stdout):
  range N                     {"count": N, "sum": …}: a query whose results stream back
  read FORMAT PATH [--option k=v]… [--limit N]
                              {"count", "schema": [[name, type]…], "rows": first N rows sorted}
  sql TEXT [--limit N]        same shape as read
  write-range N FORMAT PATH   {"written": N}: spark.range(N) saved at PATH (a path as given: the
                              server resolves it, so a relative one lands in its working dir)
"""
from __future__ import annotations

import argparse
import json
import sys
import uuid

from pyspark.sql import SparkSession
from pyspark.sql.connect.client import ChannelBuilder
from pyspark.sql.connect.session import SparkSession as ConnectSession


class UnixSocketChannelBuilder(ChannelBuilder):
    """`unix:///path;user_id=…;session_id=…`: a plain channel on the socket, no token."""

    def __init__(self, remote: str):
        path, *pairs = remote[len("unix://"):].split(";")
        params = dict(pair.split("=", 1) for pair in pairs if pair)
        params.setdefault("session_id", str(uuid.uuid4()))
        super().__init__(params=params)
        self.path = path

    def toChannel(self):
        return self._insecure_channel(f"unix:{self.path}")

    @property
    def host(self) -> str:
        return self.path


def session(remote: str) -> SparkSession:
    if remote.startswith("unix://"):
        return ConnectSession.builder.channelBuilder(UnixSocketChannelBuilder(remote)).create()
    return SparkSession.builder.remote(remote).create()


def describe(frame, limit: int) -> dict:
    rows = sorted(([None if v is None else str(v) for v in row] for row in frame.limit(limit).collect()),
                  key=lambda r: [v or "" for v in r])
    return {"count": frame.count(), "schema": [[f.name, f.dataType.simpleString()] for f in frame.schema.fields],
            "rows": rows}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--remote", required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    count = commands.add_parser("range")
    count.add_argument("n", type=int)
    read = commands.add_parser("read")
    read.add_argument("format")
    read.add_argument("path")
    read.add_argument("--option", action="append", default=[])
    read.add_argument("--limit", type=int, default=20)
    sql = commands.add_parser("sql")
    sql.add_argument("text")
    sql.add_argument("--limit", type=int, default=20)
    write = commands.add_parser("write-range")
    write.add_argument("n", type=int)
    write.add_argument("format")
    write.add_argument("path")
    args = parser.parse_args(argv)
    spark = session(args.remote)
    try:
        if args.command == "range":
            rows = spark.range(0, args.n).collect()
            result = {"count": len(rows), "sum": sum(row.id for row in rows)}
        elif args.command == "read":
            reader = spark.read.format(args.format)
            for option in args.option:
                key, _, value = option.partition("=")
                reader = reader.option(key, value)
            result = describe(reader.load(args.path), args.limit)
        elif args.command == "write-range":
            spark.range(0, args.n).write.format(args.format).mode("overwrite").save(args.path)
            result = {"written": args.n}
        else:
            result = describe(spark.sql(args.text), args.limit)
    finally:
        spark.stop()  # ReleaseSession
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
