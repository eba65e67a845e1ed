#!/usr/bin/env python3
"""A stand-in for the Databricks Files API, for the UnityCatalogVolumes tests.

What it imitates is the public Files API reference (https://docs.databricks.com/api/files/v2,
the /api/2.0/fs/files and /api/2.0/fs/directories endpoints), not pyforge's client: where the
reference says what a missing parameter means, the stand-in does that, so a client relying on
an assumption the real service does not share fails here.

Serves GET/HEAD/PUT/DELETE /api/2.0/fs/files/Volumes/... and PUT/GET/DELETE
/api/2.0/fs/directories/Volumes/... over the directory --root (which holds Volumes/<catalog>/<schema>/<volume>/...), checking
`Authorization: Bearer <--token>`. Like the real service, an upload is written to a staging
file and committed only once its whole body arrived, so a dropped upload leaves nothing; a
wrong token gets what the workspace's front door answers, 403 with a numeric error code
({"error_code": 403, "message": "Invalid access token."}); and GET honours a single
`Range: bytes=first-last` (or `first-`, or the suffix `-count`) with 206 Partial Content. A
directory listing is {"contents": [{"path", "is_directory", "file_size", "last_modified", "name"}],
"next_page_token"} in pages (1000 entries, the reference's maximum; fewer with --page-size or
after POST /__settings); DELETE of a directory refuses one that is not empty ("To delete a
non-empty directory, first delete all of its contents").

Also (see the modules for what they imitate and from which source):
  - OAuth machine-to-machine (workspace_oauth.py): with --client-id/--client-secret, the
    workspace's /oidc endpoints issue access tokens living --token-lifetime seconds, accepted
    like --token until they expire;
  - multipart uploads (files_api_multipart.py): initiate, presigned part URLs, complete, abort.

Faults are injected through control endpoints, which need no token:
  POST /__faults   JSON {"method": "PUT", "path": "/Volumes/c/s/v/f.csv", "count": 2,
                         "status": 429, "retry_after": "0", "message": "...",
                         "echo_authorization": false, "drop_after_bytes": 1024}
                   "count": -1 means every matching request; a missing "path" or "method"
                   matches any. "status" answers with a Databricks JSON error;
                   "drop_after_bytes" closes the connection after that many body bytes
                   (of the upload for PUT, of the response for GET);
                   "delay_seconds" waits that long before answering (a slow transfer);
                   "action" matches the query's action (initiate-upload, complete-upload).
                   A multipart part is matched as method "PUT", path "part:<n>".
  POST /__reset    clears faults and the request log.
  POST /__settings JSON {"page_size": 2}: entries per listing page.
  GET  /__requests JSON list of {"method", "path", "query", "status"} handled so far
                   ("query": the request's query string, e.g. "overwrite=false").
  GET  /__sessions {"open": multipart sessions neither completed nor aborted,
                   "staged": files in the staging directory, "tokens_issued": OAuth tokens}.

Prints its port on stdout when ready (use --port 0 for a free one) and exits when stdin closes.
Standard library only.
"""

import argparse
import http.server
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse

from files_api_multipart import MultipartEndpoints, Sessions
from workspace_oauth import OAuthIssuer

FS = "/api/2.0/fs"
FILES = "/api/2.0/fs/files"
DIRECTORIES = "/api/2.0/fs/directories"


class State:
    def __init__(self, root, token, oauth):
        self.root = os.path.abspath(root)
        self.token = token
        self.oauth = oauth
        self.staging = tempfile.mkdtemp(prefix="files-api-staging-")
        self.sessions = Sessions(self.staging)
        self.lock = threading.Lock()
        self.faults = []
        self.requests = []
        self.page_size = 1000

    def take_fault(self, method, path, action=None):
        """Returns the first fault matching the request and counts it down."""
        with self.lock:
            for fault in self.faults:
                if fault.get("method") not in (None, method):
                    continue
                if fault.get("path") not in (None, path):
                    continue
                if fault.get("action") not in (None, action):
                    continue
                count = fault.get("count", 1)
                if count == 0:
                    continue
                if count > 0:
                    fault["count"] = count - 1
                return dict(fault)
        return None

    def log(self, method, path, query, status):
        with self.lock:
            self.requests.append({"method": method, "path": path, "query": query, "status": status})


class Handler(MultipartEndpoints, http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None

    def handle_one_request(self):
        self.__dict__.pop("body", None)  # a kept-alive connection's next request has its own
        super().handle_one_request()

    def log_message(self, format, *args):  # quiet: the tests read stdout for the port only
        pass

    # Routing

    def do_GET(self):
        if self.path == "/__requests":
            with self.state.lock:
                return self.send_json(200, self.state.requests)
        if self.path == "/__sessions":
            staged = sum(len(files) for _, _, files in os.walk(self.state.staging))
            with self.state.lock:
                issued = self.state.oauth.issued
                return self.send_json(200, {"open": self.state.sessions.open_count(), "staged": staged, "tokens_issued": issued})
        if self.path == "/oidc/.well-known/oauth-authorization-server":
            return self.send_json(200, self.state.oauth.metadata(self.base_url()))
        self.handle_api("GET")

    def do_HEAD(self):
        self.handle_api("HEAD")

    def do_PUT(self):
        if self.path.startswith("/__storage/part?"):
            return self.put_part()
        self.handle_api("PUT")

    def do_DELETE(self):
        if self.path.startswith("/__storage/abort?"):
            return self.abort_upload()
        self.handle_api("DELETE")

    def do_POST(self):
        body = self.read_body_fully()
        self.body = body
        if self.path == "/__settings":
            self.state.page_size = int(json.loads(body or b"{}").get("page_size", 1000))
            return self.send_json(200, {"ok": True})
        path = urllib.parse.urlsplit(self.path).path
        if path == "/oidc/v1/token":
            with self.state.lock:
                status, payload = self.state.oauth.issue(self.headers, body)
            self.state.log("POST", path, "", status)
            return self.send_json(status, payload)
        if path in (FS + "/create-upload-part-urls", FS + "/create-abort-upload-url"):
            return self.presigned_url(path, body)
        if path.startswith(FILES + "/"):
            return self.handle_api("POST")
        if self.path == "/__faults":
            fault = json.loads(body or b"{}")
            with self.state.lock:
                self.state.faults.append(fault)
            return self.send_json(200, {"ok": True})
        if self.path == "/__reset":
            with self.state.lock:
                self.state.faults.clear()
                self.state.requests.clear()
            return self.send_json(200, {"ok": True})
        self.send_error_json(404, "ENDPOINT_NOT_FOUND", "No such endpoint.")

    def handle_api(self, method):
        url = urllib.parse.urlsplit(self.path)
        raw_path = url.path
        if raw_path.startswith(FILES + "/"):
            kind, volume_path = "files", urllib.parse.unquote(raw_path[len(FILES):])
        elif raw_path.startswith(DIRECTORIES + "/"):
            kind, volume_path = "directories", urllib.parse.unquote(raw_path[len(DIRECTORIES):])
        else:
            self.discard_body()
            return self.send_error_json(404, "ENDPOINT_NOT_FOUND", "No API found for '%s'." % raw_path, method)
        self.current = (method, volume_path, url.query)

        if not self.authorized():
            self.discard_body()
            return self.send_error_json(403, 403, "Invalid access token.")

        query = urllib.parse.parse_qs(url.query)
        action = query.get("action", [None])[0]
        fault = self.state.take_fault(method, volume_path, action)
        if fault and "delay_seconds" in fault:
            time.sleep(fault["delay_seconds"])
        if fault and "status" in fault:
            self.discard_body()
            message = fault.get("message", "Injected failure.")
            if fault.get("echo_authorization"):
                message += " Request had Authorization: " + self.headers.get("Authorization", "")
            extra = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
            return self.send_error_json(fault["status"], fault.get("error_code", "INJECTED"), message, extra_headers=extra)
        drop_after = fault.get("drop_after_bytes") if fault else None

        local = self.local_path(volume_path)
        if local is None:
            self.discard_body()
            return self.send_error_json(400, "INVALID_PARAMETER_VALUE", "Not a volume path.")
        if kind == "directories":
            self.discard_body()
            if method == "GET":
                return self.list_directory(url, volume_path, local)
            if method == "DELETE":
                return self.delete_directory(local)
            return self.make_directory(method, local)
        if method == "DELETE":
            self.discard_body()
            return self.delete_file(local)
        if method in ("GET", "HEAD"):
            return self.read_file(method, local, drop_after)
        if method == "POST" and action == "initiate-upload":
            return self.initiate_upload(volume_path, local, query)
        if method == "POST" and action == "complete-upload":
            return self.complete_upload(volume_path, local, query)
        if method != "PUT":
            return self.send_error_json(405, "METHOD_NOT_ALLOWED", "Not supported here.")
        return self.write_file(url, local, drop_after)

    # Endpoints

    def make_directory(self, method, local):
        if method != "PUT":
            return self.send_error_json(405, "METHOD_NOT_ALLOWED", "Use PUT.")
        if os.path.isfile(local):
            return self.send_error_json(409, "RESOURCE_ALREADY_EXISTS", "A file exists at that path.")
        os.makedirs(local, exist_ok=True)
        self.send_empty(204)

    def list_directory(self, url, volume_path, local):
        # "List directory contents" (GET /api/2.0/fs/directories{directory_path}): 404 for a
        # missing directory; {"contents": [DirectoryEntry], "next_page_token"} with entries
        # {path, name, is_directory, file_size, last_modified} (databricks-sdk-py
        # service/files.py). Pages of page_size entries, so clients must follow the token.
        if not os.path.isdir(local):
            return self.send_error_json(404, "NOT_FOUND", "The directory being accessed is not found.")
        names = sorted(os.listdir(local))
        token = urllib.parse.parse_qs(url.query).get("page_token", ["0"])[0]
        start = int(token) if token.isdigit() else 0
        page = names[start:start + self.state.page_size]
        contents = []
        for name in page:
            path = os.path.join(local, name)
            entry = {"path": volume_path.rstrip("/") + "/" + name, "name": name, "is_directory": os.path.isdir(path)}
            if not entry["is_directory"]:
                entry["file_size"] = os.path.getsize(path)
                entry["last_modified"] = int(os.path.getmtime(path) * 1000)
            contents.append(entry)
        payload = {"contents": contents}
        if start + len(page) < len(names):
            payload["next_page_token"] = str(start + len(page))
        self.state.log(*self.current, 200)
        self.send_json(200, payload)

    def delete_directory(self, local):
        if not os.path.isdir(local):
            return self.send_error_json(404, "NOT_FOUND", "The directory being accessed is not found.")
        if os.listdir(local):
            return self.send_error_json(400, "DIRECTORY_NOT_EMPTY", "The directory is not empty.")
        os.rmdir(local)
        self.send_empty(204)

    def delete_file(self, local):
        if not os.path.isfile(local):
            return self.send_error_json(404, "NOT_FOUND", "The file being accessed is not found.")
        os.unlink(local)
        self.send_empty(204)

    def read_file(self, method, local, drop_after):
        if not os.path.isfile(local):
            return self.send_error_json(404, "NOT_FOUND", "The file being accessed is not found.")
        size = os.path.getsize(local)
        first, last, status = 0, size - 1, 200
        wanted = self.headers.get("Range") if method == "GET" else None
        if wanted:
            # One inclusive, zero-based range as RFC 9110 §14.1.2 writes it (the Files API reference,
            # "Download a file": "The range is inclusive and zero-based, see RFC 9110"):
            # bytes=first-last, bytes=first- or the suffix bytes=-count.
            match = re.fullmatch(r"bytes=(\d*)-(\d*)", wanted.strip())
            if not match or not (match.group(1) or match.group(2)):
                return self.send_error_json(400, "INVALID_PARAMETER_VALUE", "Unsupported Range.")
            if not match.group(1):
                first, last = max(0, size - int(match.group(2))), size - 1
            else:
                first = int(match.group(1))
                last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            if first >= size or last < first:
                return self.send_error_json(416, "REQUESTED_RANGE_NOT_SATISFIABLE", "The range is outside the file.")
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(last - first + 1))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, size))
        self.send_header("Last-Modified", self.date_time_string(os.path.getmtime(local)))
        self.end_headers()
        if method == "HEAD":
            return self.state.log(*self.current, 200)
        sent = 0
        remaining = last - first + 1
        with open(local, "rb") as f:
            f.seek(first)
            while remaining > 0:
                chunk = f.read(min(64 * 1024, remaining))
                if not chunk:
                    break
                if drop_after is not None and sent + len(chunk) > drop_after:
                    self.wfile.write(chunk[: max(0, drop_after - sent)])
                    return self.drop_connection()
                self.wfile.write(chunk)
                sent += len(chunk)
                remaining -= len(chunk)
        self.state.log(*self.current, status)

    def write_file(self, url, local, drop_after):
        # The Databricks Files API reference, "Upload a file" (PUT /api/2.0/fs/files{file_path},
        # https://docs.databricks.com/api/files/v2/upload-file): query parameter `overwrite`,
        # "If true or unspecified, an existing file will be overwritten. If false, an error
        # will be returned if the path points to an existing file." So only an explicit
        # `false` refuses; a client that leaves the parameter out replaces the file.
        overwrite = urllib.parse.parse_qs(url.query).get("overwrite", ["true"])[0] != "false"
        length = int(self.headers.get("Content-Length", "-1"))
        if length < 0:
            return self.send_error_json(411, "LENGTH_REQUIRED", "Content-Length is required.")
        if not os.path.isdir(os.path.dirname(local)):
            self.discard_body()
            return self.send_error_json(404, "NOT_FOUND", "The parent directory does not exist.")
        staged = self.receive_body(drop_after)  # None: the client went away, commit nothing
        if staged is None:
            return
        try:
            # The check and the move are one step: with overwrite=false the service is a
            # put-if-absent, which Delta writers rely on (two concurrent uploads: one 409s).
            with self.state.lock:
                refused = os.path.exists(local) and not overwrite
                if not refused:
                    shutil.move(staged, local)
            if refused:
                return self.send_error_json(409, "ALREADY_EXISTS", "The file being created already exists.")
            staged = None
            self.send_empty(204)
        finally:
            if staged and os.path.exists(staged):
                os.unlink(staged)

    def authorized(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        bearer = header[len("Bearer "):]
        with self.state.lock:
            return bearer == self.state.token or self.state.oauth.valid(bearer)

    def base_url(self):
        return "http://" + self.headers.get("Host", "127.0.0.1")

    def receive_body(self, drop_after):
        """Reads the Content-Length body into a staging file; None (and the answer sent) if it broke off."""
        length = int(self.headers.get("Content-Length", "-1"))
        if length < 0:
            self.send_error_json(411, "LENGTH_REQUIRED", "Content-Length is required.")
            return None
        fd, staged = tempfile.mkstemp(dir=self.state.staging)
        received = 0
        with os.fdopen(fd, "wb") as out:
            while received < length:
                want = min(64 * 1024, length - received)
                if drop_after is not None:
                    want = min(want, drop_after - received)
                if want <= 0 or not (chunk := self.rfile.read(want)):
                    os.unlink(staged)
                    self.drop_connection()
                    return None
                out.write(chunk)
                received += len(chunk)
        return staged

    def local_path(self, volume_path):
        """Maps /Volumes/c/s/v/... under the root, refusing anything that escapes it."""
        parts = volume_path.split("/")
        if len(parts) < 5 or parts[:2] != ["", "Volumes"] or any(p in ("", ".", "..") for p in parts[2:]):
            return None
        return os.path.join(self.state.root, *parts[1:])

    def read_body_fully(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length > 0 else b""

    def discard_body(self):
        if hasattr(self, "body"):
            return  # a POST body is read on arrival
        length = int(self.headers.get("Content-Length", "0"))
        while length > 0:
            chunk = self.rfile.read(min(length, 64 * 1024))
            if not chunk:
                break
            length -= len(chunk)

    def drop_connection(self):
        self.state.log(*self.current, "dropped")
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        self.connection.shutdown(2)  # SHUT_RDWR: the client sees the connection break

    def send_json(self, status, payload, extra_headers=None):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error_json(self, status, code, message, method=None, extra_headers=None):
        if hasattr(self, "current"):
            self.state.log(*self.current, status)
        self.send_json(status, {"error_code": code, "message": message}, extra_headers)

    def send_empty(self, status):
        self.state.log(*self.current, status)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="directory holding Volumes/<catalog>/<schema>/<volume>")
    parser.add_argument("--token", required=True, help="the bearer token to accept")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-id", help="the OAuth client id to accept (enables /oidc/v1/token)")
    parser.add_argument("--client-secret", help="the OAuth client secret to accept")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="seconds an OAuth access token lives")
    parser.add_argument("--page-size", type=int, default=1000, help="entries per directory listing page")
    args = parser.parse_args()

    Handler.state = State(args.root, args.token, OAuthIssuer(args.client_id, args.client_secret, args.token_lifetime))
    Handler.state.page_size = args.page_size
    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # runs until the test closes stdin or ends the process
    server.shutdown()
    shutil.rmtree(Handler.state.staging, ignore_errors=True)


if __name__ == "__main__":
    main()
