"""The ``forge`` object: convert, inspect, validate and batch-convert files with the
``pyforge`` binary from Python notebooks (Databricks or anywhere else)."""
import atexit
import glob
import inspect
import json
import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from ._progress import Progress
from ._server import ServerClient
from .errors import ConversionFailed, PyForgeError, UnsupportedFeature

_LIST_OPTIONS = ("null_values", "bloom_filter", "sheets", "partition_by", "tables")


def _schema(columns: Any) -> List[Dict[str, Any]]:
    return [{"name": c.get("name"), "type": c.get("type"), "nullable": c.get("nullable", True)}
            for c in (columns or [])]


class PyForgeDatabricks(object):
    """Notebook API over one shared, lazily started ``pyforge serve --stdio`` process.

    Every method returns plain dicts and raises PyForgeError subclasses.
    """

    def __init__(self, binary: Optional[str] = None) -> None:
        self._client = ServerClient(binary)
        self._environment = None  # type: Optional[Dict[str, Any]]
        self._environment_lock = threading.Lock()
        atexit.register(self.close)

    # ------------------------------------------------------------------ plumbing

    @property
    def server_pid(self) -> Optional[int]:
        """Process id of the running server (None before the first call or after it died)."""
        return self._client.pid

    @property
    def server_starts(self) -> int:
        """How many server processes this object has started (1 + restarts)."""
        return self._client.starts

    @property
    def binary(self) -> Optional[str]:
        """The binary the server was started from (None before the first call)."""
        return self._client.binary

    def close(self) -> None:
        """Shut the server down (sends ``shutdown``). The next call starts a new one."""
        self._client.close()

    def call(self, method: str, params: Optional[Dict[str, Any]] = None) -> Any:
        """Send a raw JSON-RPC request to the server (e.g. ``formats``, ``extensions/list``)."""
        return self._client.call(method, params)

    def ping(self) -> Any:
        return self._client.call("ping")

    def _environment_result(self) -> Dict[str, Any]:
        with self._environment_lock:
            if self._environment is None:
                self._environment = dict(self._client.call("environment") or {})
            return dict(self._environment)

    # ------------------------------------------------------------------ API

    def get_environment_info(self) -> Dict[str, Any]:
        """The server's ``environment`` (host, databricks, runtime_version,
        extensions_generation, and each extension's own report under ``extensions``) plus
        ``is_databricks``, ``compute_type`` (serverless, classic or none, as the Databricks
        extension detects it; None without the extension), ``databricks_environment``
        (that extension's full report), the binary, Python and worker count."""
        info = self._environment_result()
        databricks = (info.get("extensions") or {}).get("databricks")
        info["databricks_environment"] = databricks if isinstance(databricks, dict) and "error" not in databricks else None
        info["compute_type"] = info["databricks_environment"].get("compute") if info["databricks_environment"] else None
        info["is_databricks"] = (bool(info["databricks_environment"] and info["databricks_environment"].get("isDatabricks"))
                                 or bool(info.get("databricks")) or "DATABRICKS_RUNTIME_VERSION" in os.environ)
        info["pyforge_binary"] = self._client.binary
        info["python_version"] = "%d.%d.%d" % tuple(__import__("sys").version_info[:3])
        info["default_workers"] = self._default_workers()
        return info

    def convert(self, input_path: str, output_path: Optional[str] = None, output_format: Optional[str] = None,
                progress: bool = True, *,
                force: Optional[bool] = None, engine: Optional[str] = None,
                compression: Optional[str] = None, compression_level: Optional[int] = None,
                row_group_size: Optional[int] = None, bloom_filter: Union[str, Sequence[str], None] = None,
                all_strings: Optional[bool] = None, delimiter: Optional[str] = None, quote: Optional[str] = None, escape: Optional[str] = None,
                encoding: Optional[str] = None, no_header: Optional[bool] = None, skip_rows: Optional[int] = None,
                allow_ragged: Optional[bool] = None, null_values: Union[str, Sequence[str], None] = None,
                max_record_bytes: Optional[int] = None, flatten: Optional[bool] = None,
                record_path: Optional[str] = None, row_tag: Optional[str] = None,
                flatten_strategy: Optional[str] = None, array_handling: Optional[str] = None,
                namespace_handling: Optional[str] = None,
                sheets: Union[str, Sequence[Union[str, int]], None] = None, combine: Optional[bool] = None,
                separate: Optional[bool] = None, header: Optional[bool] = None,
                include_deleted: Optional[bool] = None, tables: Union[str, Sequence[str], None] = None,
                password: Optional[str] = None, pages: Optional[str] = None, metadata: Optional[bool] = None,
                mode: Optional[str] = None, merge_schema: Optional[bool] = None,
                partition_by: Union[str, Sequence[str], None] = None, table: Optional[str] = None,
                spark_remote: Optional[str] = None, spark_staging: Optional[str] = None) -> Dict[str, Any]:
        """Convert one file. The keyword options are ``pyforge convert``'s options in snake_case
        (``--no-header`` is ``no_header=True``, ``--no-flatten`` is ``flatten=False``); None
        leaves an option unset. Raises ConversionFailed."""
        given = locals()
        options = dict((name, given[name]) for name in CONVERT_OPTIONS)
        params = self._convert_params(input_path, output_path, output_format, options)
        display = Progress("converting %s" % os.path.basename(str(input_path))) if progress else None
        try:
            result = self._client.call("convert", params, progress=display.update if display else None)
        except PyForgeError as error:
            if display is not None:
                display.finish("failed: %s" % error.message)
            raise
        mapped = self._map_result(result)
        if display is not None:
            display.finish("converted %s -> %s: %s rows, %s columns in %.2fs" % (
                os.path.basename(str(input_path)), mapped["output_path"], mapped["row_count"],
                mapped["column_count"], mapped["duration_seconds"] or 0.0))
        return mapped

    def get_info(self, file_path: str, password: Optional[str] = None, *,
                 delimiter: Optional[str] = None, quote: Optional[str] = None, escape: Optional[str] = None,
                 encoding: Optional[str] = None, no_header: Optional[bool] = None, skip_rows: Optional[int] = None,
                 allow_ragged: Optional[bool] = None, null_values: Union[str, Sequence[str], None] = None,
                 max_record_bytes: Optional[int] = None, flatten: Optional[bool] = None,
                 record_path: Optional[str] = None, row_tag: Optional[str] = None,
                 flatten_strategy: Optional[str] = None, array_handling: Optional[str] = None,
                 namespace_handling: Optional[str] = None, include_deleted: Optional[bool] = None) -> Dict[str, Any]:
        """Format, size, rows, columns and details of a file; for workbooks ``sheets`` with
        each sheet's name, index, dimension, rows, columns and hidden flag. ``password``
        opens an encrypted PDF; the keyword options are ``pyforge info``'s input options in
        snake_case, as in ``convert`` (an option for another format raises ConversionFailed)."""
        given = locals()
        params = self._inspect_params(file_path, dict((name, given[name]) for name in INSPECT_OPTIONS))
        result = dict(self._client.call("info", params) or {})
        result["file_path"] = result.get("path", os.fspath(file_path))
        result["schema"] = _schema(result.get("columns"))
        result["row_count"] = result.get("rows")
        result["column_count"] = len(result.get("columns") or [])
        if isinstance(result.get("sheets"), list):
            sheets = []
            for sheet in result["sheets"]:
                sheet = dict(sheet)
                sheet["column_count"] = len(sheet.get("columns") or [])
                sheet["row_count"] = sheet.get("rows")
                sheets.append(sheet)
            result["sheets"] = sheets
        return result

    def validate(self, file_path: str, password: Optional[str] = None, *,
                 delimiter: Optional[str] = None, quote: Optional[str] = None, escape: Optional[str] = None,
                 encoding: Optional[str] = None, no_header: Optional[bool] = None, skip_rows: Optional[int] = None,
                 allow_ragged: Optional[bool] = None, null_values: Union[str, Sequence[str], None] = None,
                 max_record_bytes: Optional[int] = None, flatten: Optional[bool] = None,
                 record_path: Optional[str] = None, row_tag: Optional[str] = None,
                 flatten_strategy: Optional[str] = None, array_handling: Optional[str] = None,
                 namespace_handling: Optional[str] = None, include_deleted: Optional[bool] = None) -> Dict[str, Any]:
        """``{valid, errors, warnings, format, rows, columns, path}``. An unreadable or
        malformed file gives ``valid: False``; only infrastructure problems and an option
        that does not apply to the file raise. ``password`` and the keyword options are
        ``get_info``'s."""
        given = locals()
        params = self._inspect_params(file_path, dict((name, given[name]) for name in INSPECT_OPTIONS))
        result = dict(self._client.call("validate", params) or {})
        result.setdefault("errors", [])
        result.setdefault("warnings", [])
        result["valid"] = bool(result.get("valid"))
        return result

    def batch_convert(self, file_patterns: Union[str, Sequence[str]], output_dir: Optional[str] = None,
                      output_format: str = "parquet", max_workers: Optional[int] = None,
                      progress: bool = True, **options: Any) -> Dict[str, Any]:
        """Convert every file matching ``file_patterns`` (glob patterns or paths) in parallel
        over the shared server. One failing file never stops the others: its entry has
        ``success: False`` and ``error``/``error_type``/``exit_code``."""
        _check_option_names(options)
        patterns = [file_patterns] if isinstance(file_patterns, (str, bytes, os.PathLike)) else list(file_patterns)
        files = []  # type: List[str]
        seen = set()
        for pattern in patterns:
            pattern = os.fspath(pattern)
            matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
            for match in matches:
                if os.path.isdir(match):
                    continue
                key = os.path.abspath(match)
                if key not in seen:
                    seen.add(key)
                    files.append(match)
        if output_dir is not None:
            os.makedirs(output_dir, exist_ok=True)
        workers = max(1, int(max_workers or self._default_workers()))
        started = time.time()
        display = Progress("batch") if progress and files else None
        counter = {"done": 0}
        counter_lock = threading.Lock()

        outputs = self._batch_outputs(files, output_dir, output_format)

        def one(path: str) -> Dict[str, Any]:
            output_path = outputs[path]
            try:
                entry = self.convert(path, output_path, output_format, progress=False, **options)
            except PyForgeError as error:
                entry = {"success": False, "input_path": path, "output_path": output_path,
                         "output_format": output_format, "error": error.message,
                         "error_type": type(error).__name__,
                         "exit_code": getattr(error, "exit_code", None)}
            with counter_lock:
                counter["done"] += 1
                if display is not None:
                    display._show("pyforge: batch %d/%d files" % (counter["done"], len(files)))
            return entry

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, files))
        succeeded = sum(1 for r in results if r.get("success"))
        summary = {
            "total": len(results), "succeeded": succeeded, "failed": len(results) - succeeded,
            "rows": sum(int(r.get("row_count") or 0) for r in results if r.get("success")),
            "duration_seconds": time.time() - started, "workers": workers,
        }
        if display is not None:
            display.finish("batch done: %d of %d files converted, %d failed, %d rows in %.2fs" % (
                succeeded, len(results), summary["failed"], summary["rows"], summary["duration_seconds"]))
        return {"results": results, "summary": summary}

    def install_sample_datasets(self, destination: str, formats: Optional[Iterable[str]] = None,
                                sizes: Optional[Iterable[str]] = None) -> Dict[str, Any]:
        """Run ``pyforge install sample-datasets DEST [--formats a,b] [--sizes s,m] --json``
        and return its JSON. Raises UnsupportedFeature when the binary has no such command."""
        from ._binary import find_binary
        binary = self._client.binary or find_binary(self._client._explicit_binary)
        command = [binary, "install", "sample-datasets", os.fspath(destination)]
        if formats:
            command += ["--formats", ",".join(formats) if not isinstance(formats, str) else formats]
        if sizes:
            command += ["--sizes", ",".join(sizes) if not isinstance(sizes, str) else sizes]
        command.append("--json")
        completed = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stdout = completed.stdout.decode("utf-8", "replace").strip()
        stderr = completed.stderr.decode("utf-8", "replace").strip()
        payload = None
        for line in reversed(stdout.splitlines()):
            try:
                payload = json.loads(line) if line.strip().startswith("{") else None
            except ValueError:
                payload = None
            if payload is not None:
                break
        if payload is None and stdout.startswith("{"):
            try:
                payload = json.loads(stdout)
            except ValueError:
                payload = None
        if completed.returncode == 0 and isinstance(payload, dict):
            return payload
        text = (payload or {}).get("error") if isinstance(payload, dict) else None
        text = text or stderr or stdout or "exit code %d" % completed.returncode
        unsupported = (isinstance(payload, dict) and payload.get("input") == "install") or \
            "Unknown option" in text or "nknown command" in text or "nknown subcommand" in text or \
            (isinstance(payload, dict) and payload.get("input") == "sample-datasets")
        if unsupported:
            raise UnsupportedFeature(
                "This pyforge binary (%s) does not support 'pyforge install sample-datasets' yet (%s). "
                "Install a newer pyforge build that includes the sample-datasets installer." % (binary, text.splitlines()[0]))
        raise ConversionFailed("pyforge install sample-datasets failed: %s" % text, exit_code=completed.returncode)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _batch_outputs(files: List[str], output_dir: Optional[str], output_format: str) -> Dict[str, Optional[str]]:
        """Output path per input: ``output_dir/<stem>.<format>``; inputs whose names would
        collide (a.csv and a.json, or dir1/a.csv and dir2/a.csv) get ``<stem>_<ext>`` and
        then ``_2``, ``_3``... so no output overwrites another. None: next to the input."""
        if output_dir is None:
            return dict((path, None) for path in files)
        extension = "" if output_format == "delta" else "." + output_format
        stems = {}  # type: Dict[str, int]
        for path in files:
            stem = os.path.splitext(os.path.basename(path))[0]
            stems[stem] = stems.get(stem, 0) + 1
        taken = set()  # type: set
        result = {}  # type: Dict[str, Optional[str]]
        for path in files:
            stem, input_extension = os.path.splitext(os.path.basename(path))
            name = stem if stems[stem] == 1 else "%s_%s" % (stem, input_extension.lstrip(".") or "noext")
            candidate, counter = name, 2
            while candidate in taken:
                candidate, counter = "%s_%d" % (name, counter), counter + 1
            taken.add(candidate)
            result[path] = os.path.join(output_dir, candidate + extension)
        return result

    @staticmethod
    def _default_workers() -> int:
        configured = os.environ.get("PYFORGE_PARALLEL_WORKERS")
        if configured:
            try:
                return max(1, int(configured))
            except ValueError:
                pass
        return os.cpu_count() or 1

    @staticmethod
    def _convert_params(input_path: Any, output_path: Any, output_format: Optional[str],
                        options: Dict[str, Any]) -> Dict[str, Any]:
        _check_option_names(options)
        params = {"input": os.fspath(input_path)}  # type: Dict[str, Any]
        if output_path is not None:
            params["output"] = os.fspath(output_path)
        if output_format is not None:
            params["format"] = output_format
        params.update(_option_params(options))
        return params

    @staticmethod
    def _inspect_params(file_path: Any, options: Dict[str, Any]) -> Dict[str, Any]:
        params = {"path": os.fspath(file_path)}  # type: Dict[str, Any]
        params.update(_option_params(options))
        return params

    def _map_one(self, result: Dict[str, Any]) -> Dict[str, Any]:
        columns = result.get("columns") or []
        return {
            "success": bool(result.get("success", True)),
            "input_path": result.get("input"),
            "output_path": result.get("output"),
            "input_format": result.get("input_format"),
            "output_format": result.get("format"),
            "row_count": result.get("rows"),
            "column_count": len(columns),
            "schema": _schema(columns),
            "processing_engine": result.get("engine"),
            "duration_seconds": result.get("seconds"),
            "bytes_in": result.get("bytes_in"),
            "bytes_out": result.get("bytes_out"),
            "warnings": list(result.get("warnings") or []),
            "details": result.get("details") or {},
        }

    def _map_result(self, result: Dict[str, Any]) -> Dict[str, Any]:
        environment = self._environment_result()
        if isinstance(result.get("outputs"), list):
            # A workbook converted sheet by sheet: one entry per sheet, totals on top.
            outputs = [self._map_one(o) for o in result["outputs"]]
            first = outputs[0] if outputs else {}
            paths = [o["output_path"] for o in outputs if o.get("output_path")]
            directory = os.path.commonpath(paths) if len(paths) > 1 else (os.path.dirname(paths[0]) if paths else None)
            warnings = []  # type: List[str]
            for o in outputs:
                warnings.extend(o["warnings"])
            mapped = {
                "success": bool(result.get("success", all(o["success"] for o in outputs))),
                "input_path": first.get("input_path"),
                "output_path": directory,
                "input_format": first.get("input_format"),
                "output_format": first.get("output_format"),
                "row_count": sum(int(o.get("row_count") or 0) for o in outputs),
                "column_count": first.get("column_count", 0),
                "schema": first.get("schema", []),
                "processing_engine": first.get("processing_engine"),
                "duration_seconds": sum(float(o.get("duration_seconds") or 0) for o in outputs),
                "warnings": warnings,
                "outputs": outputs,
            }
        else:
            mapped = self._map_one(result)
        mapped["environment"] = environment
        return mapped


# The options `convert` takes, read from its signature (its keyword-only parameters), so
# the list cannot drift from the function; Tests/EndToEnd/test_option_parity.py checks them
# against the CLI's options and the server's.
CONVERT_OPTIONS = tuple(name for name, parameter in inspect.signature(PyForgeDatabricks.convert).parameters.items()
                        if parameter.kind is inspect.Parameter.KEYWORD_ONLY)


# The input options `get_info` and `validate` take (``pyforge info``'s and ``validate``'s),
# read from get_info's signature; the parity test checks validate's is the same.
INSPECT_OPTIONS = tuple(name for name in inspect.signature(PyForgeDatabricks.get_info).parameters
                        if name not in ("self", "file_path"))


def _option_params(options: Dict[str, Any]) -> Dict[str, Any]:
    """The options given (None is not given) as serve's params: a list option as a list of texts."""
    params = {}  # type: Dict[str, Any]
    for name, value in options.items():
        if value is None:
            continue
        if name in _LIST_OPTIONS and isinstance(value, str):
            value = [value]
        elif name in _LIST_OPTIONS:
            value = [str(v) for v in value]
        params[name] = value
    return params


def _check_option_names(options: Dict[str, Any]) -> None:
    unknown = sorted(set(options) - set(CONVERT_OPTIONS))
    if unknown:
        raise TypeError("convert() got unknown option(s) %s; known options: %s" % (
            ", ".join(unknown), ", ".join(CONVERT_OPTIONS)))
