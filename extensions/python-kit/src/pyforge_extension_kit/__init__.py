"""pyforge-extension-kit: write pyforge extensions in Python (standard library only).

The kit runs the extension protocol (``protocol/SPEC.md``) around your handlers: line
framing with the 16 MiB limit, the ``initialize`` handshake and version negotiation,
``ping``/``shutdown``, ``$/progress``, ``$/cancelRequest``, error responses, descriptor-level
stdout protection, logging to stderr and a prompt exit when stdin closes.

::

    from pyforge_extension_kit import Extension, ProbeResult, ConvertResult

    ext = Extension(name="csv-to-ndjson", version="1.0.0")

    @ext.probe
    def probe(request):
        if request.input.format == "csv" and request.output.format == "ndjson":
            return ProbeResult.accepting(priority=1)
        return ProbeResult.declining("CSV to NDJSON only")

    @ext.convert
    def convert(request, progress, cancelled):
        ...
        return ConvertResult(rows=rows)

    ext.run()
"""
from .framing import (CONVERSION_FAILED, INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, MAX_MESSAGE_BYTES,
                      METHOD_NOT_FOUND, PARSE_ERROR, REQUEST_CANCELLED, LineFramer, MalformedLine, decode_line,
                      encode_line)
from .messages import (KIT_PROTOCOL_VERSIONS, Cancelled, ConvertRequest, ConvertResult, ExtensionError, FileRef,
                       InvalidParams, Options, ProbeRequest, ProbeResult, negotiate)
from .server import CancellationToken, Extension, Progress, protect_stdio

__version__ = "1.0.0"

__all__ = [
    "Extension", "ProbeRequest", "ConvertRequest", "ProbeResult", "ConvertResult", "FileRef", "Options",
    "Progress", "CancellationToken", "Cancelled", "ExtensionError", "InvalidParams", "protect_stdio",
    "LineFramer", "MalformedLine", "decode_line", "encode_line", "negotiate", "KIT_PROTOCOL_VERSIONS",
    "MAX_MESSAGE_BYTES", "PARSE_ERROR", "INVALID_REQUEST", "METHOD_NOT_FOUND", "INVALID_PARAMS",
    "INTERNAL_ERROR", "REQUEST_CANCELLED", "CONVERSION_FAILED", "__version__",
]
