#!/usr/bin/env python3
"""An example pyforge extension on pyforge-extension-kit (standard library only): it
converts CSV to NDJSON, one object per row with every value the field's text, and declines
anything else. The kit runs the protocol (protocol/SPEC.md); this file is only the
conversion. See README.md for how it finds the kit and how to install it."""
import csv
import json
import sys
from pathlib import Path


def _find_kit() -> None:
    """Puts the kit on sys.path. Order: a copy vendored next to this script (an installed
    extension directory is self-contained, SPEC §10), then the repository's source (running
    from a checkout); otherwise a pip-installed `pyforge-extension-kit` is imported as usual.
    The script's real path is used, so a symlinked executable finds its own directory."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "vendor", here.parent.parent / "python-kit" / "src"):
        if (candidate / "pyforge_extension_kit" / "__init__.py").is_file():
            sys.path.insert(0, str(candidate))
            return


_find_kit()

from pyforge_extension_kit import ConvertResult, Extension, ExtensionError, ProbeResult  # noqa: E402

ext = Extension(name="example-csv-to-ndjson", version="1.0.0", protocol_versions=["1.0", "1.1", "1.2"])

# Progress is a sign of life for the host's idle timer (60 s by default); a count every
# 100,000 rows is plenty, and keeps small conversions silent (the transcript expects none).
PROGRESS_EVERY = 100_000


@ext.probe
def probe(request):
    if request.input.format == "csv" and request.output.format == "ndjson":
        return ProbeResult.accepting(priority=1)
    return ProbeResult.declining("CSV to NDJSON only")


@ext.convert
def convert(request, progress, cancelled):
    rows = 0
    try:
        with open(request.input.path, newline="", encoding="utf-8-sig") as source, \
                open(request.output.path, "w", encoding="utf-8") as target:
            for record in csv.DictReader(source):
                target.write(json.dumps(record, ensure_ascii=False) + "\n")
                rows += 1
                if rows % PROGRESS_EVERY == 0:
                    cancelled.raise_if_cancelled()  # the kit answers -32800; the host deletes the output
                    progress(rows, message="rows written")
    except UnicodeDecodeError as error:
        raise ExtensionError(f"'{request.input.path}' is not UTF-8 text (byte {error.start})",
                             reason="unsupportedEncoding") from None
    except csv.Error as error:
        raise ExtensionError(f"'{request.input.path}' is not valid CSV: {error}") from None
    return ConvertResult(rows=rows)


if __name__ == "__main__":
    ext.run()
