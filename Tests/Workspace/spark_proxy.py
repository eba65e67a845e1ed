#!/usr/bin/env python3
"""A Spark Connect gRPC proxy with a workspace's boundaries and faults (tests only).

Imitates two ways a Databricks workspace exposes Spark Connect:
- the notebook's socket: `SPARK_REMOTE=unix:///databricks/sparkconnect/grpc.sock;user_id=…;
  session_id=…` (public Databricks Connect clients' tests show this form). No token is needed on
  it: the socket's file permissions are the boundary, so the proxy adds the upstream server's
  token itself (`--upstream-token`);
- Databricks Connect's workspace endpoint, which refuses a call without the bearer token in
  the gRPC metadata (`--require-token`): UNAUTHENTICATED, as Apache Spark's own server answers
  ("No authentication token provided" / "Invalid authentication token").

Every method of `spark.connect.SparkConnectService` (pyspark 4.3.0's
`pyspark/sql/connect/proto/base_pb2_grpc.py`) is forwarded as raw bytes: requests, responses,
the status code, its message and the trailing metadata (which carries
`grpc-status-details-bin`, the rich error pyspark reads).

Faults, for the client's retry and reattach logic (pyspark's `client/retries.py` retries
UNAVAILABLE with exponential backoff; `client/reattach.py` answers a broken ExecutePlan stream
with ReattachExecute from the last response it saw and ends with ReleaseExecute):
- `--drop-execute-once-after N`: the first ExecutePlan/ReattachExecute stream that reaches
  response N+1 is cut: responses 1..N are forwarded, the next one is swallowed, the upstream
  call is cancelled and the client gets UNAVAILABLE (what a dropped connection looks like to
  grpc). A stream that ends with N responses or fewer leaves the fault armed for the next one.
- `--refuse-for S`: every call is answered UNAVAILABLE for the first S seconds (a cluster still
  starting);
- down: every call is answered UNAVAILABLE until further notice (a cluster that is gone),
  switched by SIGUSR1 or the control file.
The control file (`--control FILE`, JSON) re-arms faults while the proxy runs: it is re-read
whenever its modification time changes; keys `down` (bool), `refuse_for` (seconds, counted from
the moment it is read), `drop_execute_once_after` (int, armed once; null disarms).

`--log FILE` writes one JSON line per call: {"method", "status", "responses", "fault"}, so a
test can check that ReattachExecute, ReleaseExecute and ReleaseSession were called.

On start the proxy prints one line `listening <address>` (the real port when asked for port 0)
and runs until SIGTERM/SIGINT.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field

import grpc

SERVICE = "spark.connect.SparkConnectService"
# Method name -> (client streams, server streams), from base_pb2_grpc.py (pyspark 4.3.0).
METHODS: dict[str, tuple[bool, bool]] = {
    "ExecutePlan": (False, True),
    "AnalyzePlan": (False, False),
    "Config": (False, False),
    "AddArtifacts": (True, False),
    "ArtifactStatus": (False, False),
    "Interrupt": (False, False),
    "ReattachExecute": (False, True),
    "ReleaseExecute": (False, False),
    "ReleaseSession": (False, False),
    "FetchErrorDetails": (False, False),
    "CloneSession": (False, False),
    "GetStatus": (False, False),
}
DROPPABLE = {"ExecutePlan", "ReattachExecute"}
# Spark Connect messages can be large (Arrow batches, plans with local relations); the proxy
# only forwards, so it sets no limit of its own: the client and the server keep theirs.
UNLIMITED = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]
# Metadata grpc manages itself; forwarding these would duplicate or break the HTTP/2 headers.
HOP_BY_HOP = ("user-agent", "content-type", "te", "grpc-accept-encoding", "grpc-encoding", "grpc-timeout")


@dataclass
class Faults:
    """The fault state shared by all calls; every access holds `lock`."""
    down: bool = False
    refuse_until: float = 0.0
    drop_after: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refusal(self) -> str | None:
        with self.lock:
            if self.down:
                return "down"
            if time.monotonic() < self.refuse_until:
                return "refuse"
            return None

    def take_drop(self, forwarded: int) -> bool:
        """True once: when a droppable stream is about to forward response `drop_after + 1`."""
        with self.lock:
            if self.drop_after is not None and forwarded >= self.drop_after:
                self.drop_after = None
                return True
            return False

    def apply(self, control: dict) -> None:
        with self.lock:
            if "down" in control:
                self.down = bool(control["down"])
            if "refuse_for" in control:
                self.refuse_until = time.monotonic() + float(control["refuse_for"] or 0)
            if "drop_execute_once_after" in control:
                value = control["drop_execute_once_after"]
                self.drop_after = None if value is None else int(value)

    def toggle_down(self) -> None:
        with self.lock:
            self.down = not self.down


class ControlFile:
    """Re-reads the control file when its modification time changes (checked on every call)."""

    def __init__(self, path: str | None, faults: Faults):
        self.path, self.faults, self.seen = path, faults, None
        self.lock = threading.Lock()

    def poll(self) -> None:
        if not self.path:
            return
        with self.lock:
            try:
                stamp = os.stat(self.path).st_mtime_ns
            except FileNotFoundError:
                return
            if stamp == self.seen:
                return
            self.seen = stamp
            try:
                with open(self.path, encoding="utf-8") as handle:
                    control = json.load(handle)
            except (OSError, ValueError) as error:
                print(f"spark_proxy: control file {self.path} ignored: {error}", file=sys.stderr)
                return
        self.faults.apply(control)


class CallLog:
    def __init__(self, path: str | None):
        self.handle = open(path, "a", encoding="utf-8", buffering=1) if path else None
        self.lock = threading.Lock()

    def write(self, method: str, status: str, responses: int, fault: str | None) -> None:
        if self.handle is None:
            return
        line = json.dumps({"time": time.time(), "method": method, "status": status,
                           "responses": responses, "fault": fault})
        with self.lock:
            self.handle.write(line + "\n")


class Proxy(grpc.GenericRpcHandler):
    def __init__(self, channel: grpc.Channel, args: argparse.Namespace, faults: Faults,
                 control: ControlFile, log: CallLog):
        self.channel, self.faults, self.control, self.log = channel, faults, control, log
        self.upstream_token = args.upstream_token
        self.required = f"Bearer {args.require_token}" if args.require_token else None

    def service(self, details: grpc.HandlerCallDetails):
        prefix, _, name = details.method.rpartition("/")
        if prefix != "/" + SERVICE or name not in METHODS:
            return None  # grpc answers UNIMPLEMENTED, as the real server would
        client_streams, server_streams = METHODS[name]
        if server_streams:
            call = self.channel.unary_stream(details.method)
            return grpc.unary_stream_rpc_method_handler(
                lambda request, context: self.stream(name, call, request, context))
        if client_streams:
            call = self.channel.stream_unary(details.method)
        else:
            call = self.channel.unary_unary(details.method)
        handler = grpc.stream_unary_rpc_method_handler if client_streams else grpc.unary_unary_rpc_method_handler
        return handler(lambda request, context: self.unary(name, call, request, context))

    # -- the two call shapes --------------------------------------------------------------

    def unary(self, name, call, request, context):
        metadata = self.admit(name, context)
        try:
            response = call(request, metadata=metadata)
        except grpc.RpcError as error:
            self.fail_like(name, error, context, 0)
        self.log.write(name, "OK", 1, None)
        return response

    def stream(self, name, call, request, context):
        metadata = self.admit(name, context)
        upstream = call(request, metadata=metadata)
        context.add_callback(upstream.cancel)  # the client went away: so does the upstream call
        forwarded = 0
        try:
            for response in upstream:
                if name in DROPPABLE and self.faults.take_drop(forwarded):
                    upstream.cancel()
                    self.log.write(name, "UNAVAILABLE", forwarded, "drop")
                    context.abort(grpc.StatusCode.UNAVAILABLE,
                                  "Connection reset by the Spark proxy (simulated stream drop)")
                yield response
                forwarded += 1
        except grpc.RpcError as error:
            self.fail_like(name, error, context, forwarded)
        self.log.write(name, "OK", forwarded, None)

    # -- admission, errors ----------------------------------------------------------------

    def admit(self, name, context) -> list[tuple[str, str]]:
        """Applies refusals and the token check; returns the metadata to send upstream."""
        self.control.poll()
        refusal = self.faults.refusal()
        if refusal:
            self.log.write(name, "UNAVAILABLE", 0, refusal)
            context.abort(grpc.StatusCode.UNAVAILABLE,
                          "failed to connect to all addresses (simulated: Spark is not available)")
        incoming = [(k, v) for k, v in context.invocation_metadata()
                    if not k.startswith(":") and k not in HOP_BY_HOP]
        if self.required is not None:
            given = [v for k, v in incoming if k == "authorization"]
            if not given or given[0] != self.required:
                message = "Invalid authentication token" if given else "No authentication token provided"
                self.log.write(name, "UNAUTHENTICATED", 0, "token")
                context.abort(grpc.StatusCode.UNAUTHENTICATED, message)
        if self.upstream_token:
            incoming = [(k, v) for k, v in incoming if k != "authorization"]
            incoming.append(("authorization", f"Bearer {self.upstream_token}"))
        return incoming

    def fail_like(self, name, error: grpc.RpcError, context, forwarded: int):
        """Passes the upstream status on unchanged (code, message, trailing metadata)."""
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        if code == grpc.StatusCode.CANCELLED and not context.is_active():
            self.log.write(name, "CANCELLED", forwarded, None)
            context.abort(code, "cancelled by the client")
        trailing = [(k, v) for k, v in (error.trailing_metadata() or ()) if k != "grpc-status"]
        context.set_trailing_metadata(trailing)
        self.log.write(name, code.name, forwarded, None)
        context.abort(code, error.details() or "")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", required=True, help="unix:/path/grpc.sock or 127.0.0.1:PORT (0: any)")
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the Spark Connect server")
    parser.add_argument("--upstream-token", help="token the proxy sends upstream as Bearer")
    parser.add_argument("--require-token", help="token clients must send (else UNAUTHENTICATED)")
    parser.add_argument("--drop-execute-once-after", type=int, metavar="N")
    parser.add_argument("--refuse-for", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--down", action="store_true", help="start down (SIGUSR1 toggles)")
    parser.add_argument("--control", help="JSON control file, re-read when it changes")
    parser.add_argument("--log", help="JSON-lines call log")
    parser.add_argument("--workers", type=int, default=32, help="bound on concurrent calls")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    faults = Faults(down=args.down, refuse_until=time.monotonic() + args.refuse_for,
                    drop_after=args.drop_execute_once_after)
    control = ControlFile(args.control, faults)
    channel = grpc.insecure_channel(args.upstream, options=UNLIMITED)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers),
                         handlers=[Proxy(channel, args, faults, control, CallLog(args.log))],
                         options=UNLIMITED, maximum_concurrent_rpcs=args.workers)
    port = server.add_insecure_port(args.listen)
    if port == 0:
        print(f"spark_proxy: cannot listen on {args.listen}", file=sys.stderr)
        return 1
    server.start()
    address = args.listen
    if not args.listen.startswith("unix:"):
        address = f"{args.listen.rpartition(':')[0]}:{port}"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGUSR1, lambda *_: faults.toggle_down())
    print(f"listening {address}", flush=True)
    while not stop.wait(0.5):
        pass
    server.stop(grace=1).wait()
    channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
