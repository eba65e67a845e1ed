"""Typed views of the protocol's bodies (SPEC §5, §15) and the errors handlers raise.

Requests are parsed into frozen dataclasses so a handler reads ``request.input.path``
instead of digging in dicts, and so malformed params are answered with -32602 by the kit
before a handler sees them. Every request keeps its raw ``params`` too: receivers MUST
ignore members they do not know (SPEC §3), and a handler may want one from a newer minor
version that this kit does not model yet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .framing import CONVERSION_FAILED, INVALID_PARAMS, REQUEST_CANCELLED, RequestId, is_number

#: The protocol versions this kit implements (SPEC §4.2, §15).
KIT_PROTOCOL_VERSIONS: Tuple[str, ...] = ("1.0", "1.1", "1.2")

_VERSION = re.compile(r"^[0-9]+\.[0-9]+$")


def parse_version(text: Any) -> Optional[Tuple[int, int]]:
    """``"1.10"`` → ``(1, 10)``; None when it is not a ``MAJOR.MINOR`` string."""
    if not isinstance(text, str) or not _VERSION.match(text):
        return None
    major, minor = text.split(".")
    return int(major), int(minor)


def negotiate(ours: Sequence[str], theirs: Sequence[Any]) -> Optional[str]:
    """The highest version in both lists, compared numerically (``1.10`` > ``1.9``); None
    when they share none. Entries of ``theirs`` that are not versions are ignored, so a
    future host listing something unexpected still negotiates what it can."""
    offered = {parse_version(v) for v in theirs} - {None}
    common = [v for v in ours if parse_version(v) in offered]
    return max(common, key=parse_version) if common else None


class ExtensionError(Exception):
    """Raise it from a handler to answer with a specific JSON-RPC error.

    The default is SPEC §8's −32001 with ``data.reason`` ``conversionFailed``; ``message``
    is shown to the user, so it SHOULD be one sentence they can act on (SPEC §8.2).
    """

    def __init__(self, message: str, reason: str = "conversionFailed", code: int = CONVERSION_FAILED,
                 data: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.code = code
        self.data = dict(data or {})

    def to_error(self) -> Dict[str, Any]:
        data = dict(self.data)
        if self.reason:
            data["reason"] = self.reason
        error: Dict[str, Any] = {"code": self.code, "message": self.message}
        if data:
            error["data"] = data
        return error


class InvalidParams(ExtensionError):
    """The request's params do not match the method's schema: −32602 (SPEC §8.1)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="invalidParams", code=INVALID_PARAMS)


class Cancelled(Exception):
    """Raise it (or call ``cancelled.raise_if_cancelled()``) to stop a cancelled request;
    the kit answers −32800 (SPEC §7)."""

    code = REQUEST_CANCELLED


def _object(value: Any, where: str) -> Dict[str, Any]:
    # SPEC §3: absent, null and {} params are the same thing.
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidParams(f"{where} must be an object")
    return value


def _string(obj: Dict[str, Any], key: str, where: str, required: bool = True) -> Optional[str]:
    value = obj.get(key)
    if value is None:
        if required:
            raise InvalidParams(f"{where}.{key} is missing")
        return None
    if not isinstance(value, str):
        raise InvalidParams(f"{where}.{key} must be a string")
    return value


@dataclass(frozen=True)
class FileRef:
    """A file named by path (SPEC §5). ``format`` is e.g. ``csv`` or ``parquet``; ``size``
    is sent for inputs only."""

    path: str
    format: str
    size: Optional[int] = None

    @classmethod
    def from_json(cls, value: Any, where: str) -> "FileRef":
        obj = _object(value, where)
        if value is None:
            raise InvalidParams(f"{where} is missing")
        size = obj.get("size")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise InvalidParams(f"{where}.size must be a non-negative integer")
        return cls(path=_string(obj, "path", where) or "", format=_string(obj, "format", where) or "", size=size)


@dataclass(frozen=True)
class Options:
    """``options`` (SPEC §5.4, §15.1, §16.1). A host that negotiated 1.0 sends none: then
    every member has its default, which is also what later versions mean by their absence.
    ``mode`` (``error``, ``append``, ``overwrite``) says how to write a Delta output (1.2) or
    a ``table`` (1.1)."""

    engine: Optional[str] = None
    force: bool = False
    direct: bool = False
    mode: Optional[str] = None
    table: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, value: Any) -> "Options":
        # `options` was "reserved, any" in 1.0, so a value of another shape is not an error.
        if not isinstance(value, dict):
            return cls()

        def text(name: str) -> Optional[str]:
            member = value.get(name)
            return member if isinstance(member, str) else None

        return cls(engine=text("engine"), force=value.get("force") is True, direct=value.get("direct") is True,
                   mode=text("mode"), table=text("table"), raw=dict(value))


def _files_and_options(obj: Dict[str, Any]) -> Dict[str, Any]:
    """The fields probe and convert share (SPEC §5.4, §5.5): input, output, options."""
    return {"input": FileRef.from_json(obj.get("input"), "input"),
            "output": FileRef.from_json(obj.get("output"), "output"),
            "options": Options.from_json(obj.get("options"))}


@dataclass(frozen=True)
class ProbeRequest:
    """``probe`` (SPEC §5.4): would you convert ``input`` into ``output`` (the final
    destination)? Answer quickly and write no file."""

    id: RequestId
    input: FileRef
    output: FileRef
    options: Options
    protocol_version: Optional[str]
    params: Dict[str, Any]

    @classmethod
    def from_json(cls, request_id: RequestId, params: Any, protocol_version: Optional[str]) -> "ProbeRequest":
        obj = _object(params, "params")
        return cls(id=request_id, **_files_and_options(obj), protocol_version=protocol_version, params=obj)


@dataclass(frozen=True)
class ConvertRequest:
    """``convert`` (SPEC §5.5): write the whole output to ``output.path``, a temporary file
    the host created (or, with ``options.direct``, the final destination, SPEC §15.3)."""

    id: RequestId
    input: FileRef
    output: FileRef
    options: Options
    progress_token: Optional[str]
    protocol_version: Optional[str]
    params: Dict[str, Any]

    @classmethod
    def from_json(cls, request_id: RequestId, params: Any, protocol_version: Optional[str]) -> "ConvertRequest":
        obj = _object(params, "params")
        return cls(id=request_id, **_files_and_options(obj),
                   progress_token=_string(obj, "progressToken", "params", required=False),
                   protocol_version=protocol_version, params=obj)


@dataclass
class ProbeResult:
    """The answer to ``probe``. Declining is a result, not an error (SPEC §5.4): use
    :meth:`declining` with a reason the user can read at debug level."""

    accept: bool
    reason: Optional[str] = None
    priority: Optional[int] = None
    estimated_seconds: Optional[float] = None
    #: 1.1 (SPEC §15.2): one sentence on the engine choice, shown to the user.
    decision: Optional[str] = None

    @classmethod
    def accepting(cls, priority: Optional[int] = None, estimated_seconds: Optional[float] = None,
                  decision: Optional[str] = None) -> "ProbeResult":
        return cls(True, priority=priority, estimated_seconds=estimated_seconds, decision=decision)

    @classmethod
    def declining(cls, reason: str, decision: Optional[str] = None) -> "ProbeResult":
        return cls(False, reason=reason, decision=decision)

    def to_json(self) -> Dict[str, Any]:
        if not isinstance(self.accept, bool):
            raise TypeError("ProbeResult.accept must be a bool")
        if self.priority is not None and (isinstance(self.priority, bool) or not isinstance(self.priority, int)):
            raise TypeError("ProbeResult.priority must be an int")
        if self.estimated_seconds is not None and not (is_number(self.estimated_seconds) and self.estimated_seconds >= 0):
            raise TypeError("ProbeResult.estimated_seconds must be a number >= 0")
        result: Dict[str, Any] = {"accept": self.accept}
        # SPEC §3: senders SHOULD omit optional members rather than send null.
        for key, value in (("reason", self.reason), ("priority", self.priority),
                           ("estimatedSeconds", self.estimated_seconds), ("decision", self.decision)):
            if value is not None:
                result[key] = value
        return result


@dataclass
class ConvertResult:
    """The answer to ``convert`` (SPEC §5.5). ``rows`` MUST equal the output's data rows
    (the host checks it for Parquet); ``engine`` defaults to the extension's name."""

    rows: int
    engine: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
    metadata: Any = None

    def to_json(self, default_engine: str) -> Dict[str, Any]:
        if isinstance(self.rows, bool) or not isinstance(self.rows, int) or self.rows < 0:
            raise TypeError("ConvertResult.rows must be a non-negative int")
        warnings = list(self.warnings)
        if not all(isinstance(w, str) for w in warnings):
            raise TypeError("ConvertResult.warnings must be strings")
        engine = self.engine if self.engine is not None else default_engine
        if not isinstance(engine, str):
            raise TypeError("ConvertResult.engine must be a string")
        result: Dict[str, Any] = {"rows": self.rows, "engine": engine, "warnings": warnings}
        if self.metadata is not None:
            result["metadata"] = self.metadata
        return result


def probe_result_json(value: Any) -> Dict[str, Any]:
    """Accepts what a probe handler may return: a ProbeResult or a dict with ``accept``."""
    if isinstance(value, ProbeResult):
        return value.to_json()
    if isinstance(value, dict) and isinstance(value.get("accept"), bool):
        return {k: v for k, v in value.items() if v is not None}
    raise TypeError(f"a probe handler must return a ProbeResult or a dict with a bool 'accept', not {type(value).__name__}")


def convert_result_json(value: Any, default_engine: str) -> Dict[str, Any]:
    """Accepts what a convert handler may return: a ConvertResult or a dict with ``rows``
    (``engine`` and ``warnings`` are filled in when missing: they are required on the wire)."""
    if isinstance(value, ConvertResult):
        return value.to_json(default_engine)
    if isinstance(value, dict) and "rows" in value:
        known = ConvertResult(rows=value["rows"], engine=value.get("engine"), warnings=value.get("warnings") or [],
                              metadata=value.get("metadata")).to_json(default_engine)
        extra = {k: v for k, v in value.items() if k not in known and v is not None}
        return {**extra, **known}
    raise TypeError(f"a convert handler must return a ConvertResult or a dict with 'rows', not {type(value).__name__}")
