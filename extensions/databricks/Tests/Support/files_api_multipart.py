"""Multipart uploads for the Files API stand-in (files_api_server.py).

Imitates the flow databricks-sdk-py drives in `databricks/sdk/mixins/files.py`
(`_initiate_multipart_upload`, `_PresignedUrlRequestBuilder`, `_do_upload_one_part`,
`_complete_multipart_upload`, `_abort_multipart_upload`):
  POST /api/2.0/fs/files{path}?action=initiate-upload&overwrite=  -> {"multipart_upload": {"session_token"}}
  POST /api/2.0/fs/create-upload-part-urls {path, session_token, start_part_number, count, expire_time}
       -> {"upload_part_urls": [{"url", "part_number", "headers": [{"name", "value"}]}]}
  PUT  <presigned part URL>  (cloud storage: refuses a request that also carries a bearer
       token, as S3 refuses two auth mechanisms) -> 200 with an ETag
  POST /api/2.0/fs/files{path}?action=complete-upload&upload_type=multipart&session_token=
       {"parts": [{"part_number", "etag"}]}  -> the file appears, whole
  POST /api/2.0/fs/create-abort-upload-url {path, session_token, expire_time}
       -> {"abort_upload_url": {"url", "headers"}};  DELETE <that URL> drops the parts
Parts live in a staging directory until completed; nothing appears under the volume before.
Standard library only.
"""

import hashlib
import json
import os
import secrets
import shutil
import tempfile
import time
import urllib.parse

FS = "/api/2.0/fs"


class Sessions:
    def __init__(self, staging):
        self.staging = staging
        self.sessions = {}  # session token -> {"path", "local", "overwrite", "dir", "etags", "signature"}

    def initiate(self, volume_path, local, overwrite):
        token = secrets.token_urlsafe(24)
        directory = tempfile.mkdtemp(prefix="multipart-", dir=self.staging)
        self.sessions[token] = {
            "path": volume_path, "local": local, "overwrite": overwrite, "dir": directory,
            "etags": {}, "signature": secrets.token_hex(8),
        }
        return token

    def get(self, token, volume_path):
        session = self.sessions.get(token)
        if session is None or session["path"] != volume_path:
            return None
        return session

    def part_url(self, base, token, number):
        session = self.sessions[token]
        return "%s/__storage/part?session=%s&part=%d&sig=%s" % (base, token, number, session["signature"])

    def abort_url(self, base, token):
        return "%s/__storage/abort?session=%s&sig=%s" % (base, token, self.sessions[token]["signature"])

    def by_signature(self, token, signature):
        session = self.sessions.get(token)
        return session if session is not None and session["signature"] == signature else None

    def store_part(self, session, number, staged):
        target = os.path.join(session["dir"], "part-%05d" % number)
        with open(staged, "rb") as f:
            etag = '"%s"' % hashlib.md5(f.read()).hexdigest()
        shutil.move(staged, target)
        session["etags"][number] = etag
        return etag

    def complete(self, token, parts):
        """Joins the parts into a staged file; returns (staged path, error message)."""
        session = self.sessions[token]
        numbers = [p.get("part_number") for p in parts]
        if not numbers or numbers != list(range(1, len(numbers) + 1)):
            return None, "Parts must be numbered 1..n in order."
        for part in parts:
            if session["etags"].get(part["part_number"]) != part.get("etag"):
                return None, "Part %d has a wrong or missing ETag." % part["part_number"]
        fd, joined = tempfile.mkstemp(dir=self.staging)
        with os.fdopen(fd, "wb") as out:
            for number in numbers:
                with open(os.path.join(session["dir"], "part-%05d" % number), "rb") as f:
                    shutil.copyfileobj(f, out)
        return joined, None

    def drop(self, token):
        session = self.sessions.pop(token, None)
        if session:
            shutil.rmtree(session["dir"], ignore_errors=True)

    def open_count(self):
        return len(self.sessions)


class MultipartEndpoints:
    """The request handler's multipart endpoints (mixed into files_api_server.Handler)."""

    def initiate_upload(self, volume_path, local, query):
        overwrite = query.get("overwrite", ["true"])[0] != "false"
        if not os.path.isdir(os.path.dirname(local)):
            return self.send_error_json(404, "NOT_FOUND", "The parent directory does not exist.")
        if os.path.exists(local) and not overwrite:
            return self.send_error_json(409, "ALREADY_EXISTS", "The file being created already exists.")
        with self.state.lock:
            token = self.state.sessions.initiate(volume_path, local, overwrite)
        self.state.log(*self.current, 200)
        self.send_json(200, {"multipart_upload": {"session_token": token}})

    def presigned_url(self, path, body):
        self.current = ("POST", path, "")
        if not self.authorized():
            return self.send_error_json(403, 403, "Invalid access token.")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return self.send_error_json(400, "MALFORMED_REQUEST", "The body is not JSON.")
        with self.state.lock:
            session = self.state.sessions.get(request.get("session_token"), request.get("path"))
            if session is None:
                return self.send_error_json(404, "NOT_FOUND", "No such upload session.")
            if not request.get("expire_time"):
                return self.send_error_json(400, "INVALID_PARAMETER_VALUE", "expire_time is required.")
            token = request["session_token"]
            if path.endswith("create-abort-upload-url"):
                payload = {"abort_upload_url": {"url": self.state.sessions.abort_url(self.base_url(), token), "headers": []}}
            else:
                first, count = request.get("start_part_number"), request.get("count")
                if not isinstance(first, int) or not isinstance(count, int) or first < 1 or count < 1:
                    return self.send_error_json(400, "INVALID_PARAMETER_VALUE", "Bad part numbers.")
                urls = [{"url": self.state.sessions.part_url(self.base_url(), token, n), "part_number": n,
                         "headers": [{"name": "Content-Type", "value": "application/octet-stream"}]}
                        for n in range(first, first + count)]
                payload = {"upload_part_urls": urls}
        self.state.log("POST", path, "", 200)
        self.send_json(200, payload)

    def storage_session(self):
        """The session a presigned storage URL names, or None after an error answer."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if self.headers.get("Authorization"):
            # Cloud storage takes the presigned URL's signature only (S3: "Only one auth mechanism allowed").
            self.discard_body()
            self.send_error_json(400, "InvalidArgument", "Only one auth mechanism allowed.")
            return None, query
        with self.state.lock:
            session = self.state.sessions.by_signature(query.get("session", [""])[0], query.get("sig", [""])[0])
        if session is None:
            self.discard_body()
            self.send_error_json(403, "AccessDenied", "Request has expired or the signature does not match.")
            return None, query
        return session, query

    def put_part(self):
        number = int(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("part", ["0"])[0])
        self.current = ("PUT", "part:%d" % number, "")
        session, _ = self.storage_session()
        if session is None:
            return
        fault = self.state.take_fault("PUT", "part:%d" % number)
        if fault and "delay_seconds" in fault:
            time.sleep(fault["delay_seconds"])
        if fault and "status" in fault:
            self.discard_body()
            return self.send_error_json(fault["status"], fault.get("error_code", "InternalError"), fault.get("message", "Injected failure."))
        staged = self.receive_body(fault.get("drop_after_bytes") if fault else None)
        if staged is None:
            return
        with self.state.lock:
            etag = self.state.sessions.store_part(session, number, staged)
        self.state.log(*self.current, 200)
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def complete_upload(self, volume_path, local, query):
        token = query.get("session_token", [""])[0]
        if query.get("upload_type", [""])[0] != "multipart":
            return self.send_error_json(400, "INVALID_PARAMETER_VALUE", "upload_type must be multipart.")
        try:
            parts = json.loads(self.body or b"{}").get("parts", [])
        except ValueError:
            return self.send_error_json(400, "MALFORMED_REQUEST", "The body is not JSON.")
        with self.state.lock:
            session = self.state.sessions.get(token, volume_path)
            if session is None:
                return self.send_error_json(404, "NOT_FOUND", "No such upload session.")
            joined, problem = self.state.sessions.complete(token, parts)
            if problem:
                return self.send_error_json(400, "INVALID_PARAMETER_VALUE", problem)
            if os.path.exists(local) and not session["overwrite"]:
                os.unlink(joined)
                self.state.sessions.drop(token)
                return self.send_error_json(409, "ALREADY_EXISTS", "The file being created already exists.")
            shutil.move(joined, local)
            self.state.sessions.drop(token)
        self.send_json(200, {})
        self.state.log(*self.current, 200)

    def abort_upload(self):
        self.current = ("DELETE", "abort", "")
        session, query = self.storage_session()
        if session is None:
            return
        with self.state.lock:
            self.state.sessions.drop(query["session"][0])
        self.send_empty(204)

