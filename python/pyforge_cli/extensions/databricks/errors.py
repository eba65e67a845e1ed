"""Exceptions raised by the pyforge notebook API."""
from typing import Any, Optional


class PyForgeError(Exception):
    """Base class of every error raised by the pyforge notebook API.

    ``message`` is the human-readable explanation; ``code`` the JSON-RPC error code
    when the error came from the server, ``data`` its error data (or None).
    """

    def __init__(self, message: str, code: Optional[int] = None, data: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.data = data


class PyForgeNotFoundError(PyForgeError):
    """The ``pyforge`` binary could not be found (or is not executable)."""


class ServerError(PyForgeError):
    """The ``pyforge serve`` process failed: it could not start, or it exited while a
    request was outstanding. The next call starts a fresh server."""


class ConversionFailed(PyForgeError):
    """A conversion failed (JSON-RPC error -32001). ``exit_code`` is the exit code the
    ``pyforge convert`` CLI would have returned for the same failure."""

    def __init__(self, message: str, exit_code: Optional[int] = None, code: Optional[int] = None, data: Any = None) -> None:
        super().__init__(message, code=code, data=data)
        self.exit_code = exit_code


class InvalidRequest(PyForgeError):
    """The server rejected the request (unknown method, invalid params, ...)."""


class UnsupportedFeature(PyForgeError):
    """The installed ``pyforge`` binary is too old for the requested feature."""
