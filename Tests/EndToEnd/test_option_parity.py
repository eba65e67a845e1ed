"""One options schema: every `pyforge convert` option is also a `pyforge serve` convert
parameter and a keyword of the Python API's `forge.convert`, by the same snake_case name.

The CLI's options are read from the binary (`--experimental-dump-help`), serve's from the
server's own answer to an unknown parameter, Python's from `inspect.signature`; a new CLI
option that one of the others lacks fails here.
"""
from __future__ import annotations

import importlib
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from conftest import base_env
from test_serve import Client

REPO_ROOT = Path(__file__).resolve().parents[2]

# CLI options that are not conversion options, each with why serve and Python do without it.
CLI_ONLY = {
    "verbose": "global: logging of this process",
    "max-memory": "global: the memory budget of this process (serve has its own)",
    "output-dir": "batch mode (Python has batch_convert(output_dir=...))",
    "workers": "batch mode (Python has batch_convert(max_workers=...))",
    "batch-worker": "hidden: a batch's worker process",
    "force-pyspark": "hidden: PyForge 1.x's spelling of --engine spark",
    "json": "prints the result as JSON; serve and Python always return it",
    "preview-schema": "a different command in effect (columns only, nothing written); Python has get_info",
    "version": "not an option of a conversion",
    "help": "not an option of a conversion",
}
# The CLI spelling -> the schema's snake_case name where it is not the obvious one.
RENAMED = {"no-flatten": "flatten"}


# `info` and `validate` options that shape what the CLI prints, which serve and Python return as an object.
INSPECT_CLI_ONLY = {
    "format": "info's output style (table or json)",
    "json": "validate prints its report as JSON",
}


def cli_convert_options(pyforge_bin, command="convert", cli_only=CLI_ONLY) -> set[str]:
    proc = subprocess.run([str(pyforge_bin), command, "--experimental-dump-help"], capture_output=True, text=True,
                          env=base_env())
    assert proc.returncode == 0, proc.stderr
    arguments = json.loads(proc.stdout)["command"]["arguments"]
    names = set()
    for argument in arguments:
        if argument["kind"] == "positional":
            continue  # input and output: serve's 'input'/'output' (info's 'path'), Python's input_path/output_path
        longs = [n["name"] for n in argument.get("names", []) if n["kind"] == "long"]
        assert longs, argument
        for name in longs:
            if name in cli_only:
                continue
            names.add(RENAMED.get(name, name.replace("-", "_")))
    return names


def cli_inspect_options(pyforge_bin, command) -> set[str]:
    """The input options of `pyforge info` or `pyforge validate`."""
    return cli_convert_options(pyforge_bin, command, {**CLI_ONLY, **INSPECT_CLI_ONLY})


def serve_refusal(pyforge_bin, keys, method="convert") -> tuple[set[str], set[str]]:
    """The keys serve refuses as unknown, from one request naming them all (null values), and
    the parameters its refusal lists as accepted (both empty when it refuses none)."""
    client = Client(pyforge_bin, base_env())
    try:
        params = {"input": "/nonexistent/parity.csv"} if method == "convert" else {"path": "/nonexistent/parity.csv"}
        params.update({key: None for key in keys})
        answer = client.call(method, params)
    finally:
        client.close()
    error = answer.get("error") or {}
    if "has no parameter" not in error.get("message", ""):
        return set(), set()
    assert error["code"] == -32602, answer
    refused, accepted = error["message"].split(". Its parameters are: ")
    assert refused.startswith(method + " has no parameter"), answer
    return set(re.findall(r"'([a-z_]+)'", refused)), set(accepted.rstrip(".").split(", "))


def serve_unknown_parameters(pyforge_bin, keys, method="convert") -> set[str]:
    return serve_refusal(pyforge_bin, keys, method)[0]


def python_api():
    sys.path.insert(0, str(REPO_ROOT / "python"))
    try:
        return importlib.import_module("pyforge_cli.extensions.databricks.api")
    finally:
        sys.path.pop(0)


def python_convert_parameters() -> set[str]:
    api = python_api()
    parameters = inspect.signature(api.PyForgeDatabricks.convert).parameters
    assert set(api.CONVERT_OPTIONS) == {n for n, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    return set(parameters) - {"self", "input_path", "output_path", "progress"}


def test_every_cli_convert_option_is_a_serve_parameter(pyforge_bin):
    cli = cli_convert_options(pyforge_bin)
    assert {"delimiter", "flatten", "flatten_strategy", "header", "partition_by"} <= cli  # the dump was read
    assert serve_unknown_parameters(pyforge_bin, sorted(cli)) == set()


def test_serve_names_an_unknown_parameter(pyforge_bin):
    # The check above can fail: an option serve does not know is named in the error.
    assert serve_unknown_parameters(pyforge_bin, ["delimiter", "no_such_option"]) == {"no_such_option"}


def test_every_cli_convert_option_is_a_python_convert_keyword(pyforge_bin):
    cli = cli_convert_options(pyforge_bin)
    python = python_convert_parameters()
    # --format is the Python API's output_format (its third positional parameter).
    missing = {name for name in cli if (name if name != "format" else "output_format") not in python}
    assert missing == set(), f"forge.convert lacks {sorted(missing)}"
    extra = python - {n if n != "format" else "output_format" for n in cli}
    assert extra == set(), f"forge.convert has options the CLI lacks: {sorted(extra)}"


# --------------------------------------------------------------------------------------
# info and validate: the CLI's input options are serve's params and Python's keywords
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["info", "validate"])
def test_every_cli_inspect_option_is_a_serve_parameter_and_no_more(pyforge_bin, command):
    cli = cli_inspect_options(pyforge_bin, command)
    assert {"delimiter", "encoding", "flatten", "row_tag", "include_deleted", "password"} <= cli  # the dump was read
    assert serve_unknown_parameters(pyforge_bin, sorted(cli), command) == set()
    # The reverse: serve lists what it accepts when it refuses a name; the CLI has each of them.
    refused, accepted = serve_refusal(pyforge_bin, ["no_such_option"], command)
    assert refused == {"no_such_option"}
    assert accepted == cli | {"path"}


def test_info_and_validate_take_the_same_cli_options(pyforge_bin):
    assert cli_inspect_options(pyforge_bin, "info") == cli_inspect_options(pyforge_bin, "validate")


def test_every_cli_inspect_option_is_a_python_keyword_and_no_more(pyforge_bin):
    api = python_api()
    cli = cli_inspect_options(pyforge_bin, "info")
    for method in (api.PyForgeDatabricks.get_info, api.PyForgeDatabricks.validate):
        parameters = set(inspect.signature(method).parameters) - {"self", "file_path"}
        assert parameters == set(api.INSPECT_OPTIONS), method.__name__
        assert cli - parameters == set(), f"{method.__name__} lacks {sorted(cli - parameters)}"
        assert parameters - cli == set(), f"{method.__name__} has options the CLI lacks: {sorted(parameters - cli)}"


# A header in Latin-1 and commas inside semicolon-separated fields: the options change the columns.
SEMICOLONS = "caf\xe9,x;b,y\n1,2;3,4\n5,6;7,8\n".encode("latin-1")


def cli_info(pyforge_bin, path, *flags):
    proc = subprocess.run([str(pyforge_bin), "info", str(path), "--format", "json", *flags], capture_output=True,
                          text=True, env=base_env())
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def serve_call(pyforge_bin, method, params):
    client = Client(pyforge_bin, base_env())
    try:
        return client.call(method, params)
    finally:
        client.close()


def test_serve_info_and_validate_take_the_cli_input_options(pyforge_bin, work):
    src = work / "semi.csv"
    src.write_bytes(SEMICOLONS)
    cli = cli_info(pyforge_bin, src, "--delimiter", ";", "--encoding", "latin-1")
    names = [c["name"] for c in cli["columns"]]
    assert names == ["café,x", "b,y"]  # checked against the bytes, not only against serve
    options = {"path": str(src), "delimiter": ";", "encoding": "latin-1"}
    info = serve_call(pyforge_bin, "info", options)["result"]
    assert [c["name"] for c in info["columns"]] == names
    assert [c["type"] for c in info["columns"]] == [c["type"] for c in cli["columns"]]
    assert info["rows"] == cli["rows"] == 2
    report = serve_call(pyforge_bin, "validate", options)["result"]
    assert report["valid"] and [c["name"] for c in report["columns"]] == names
    # Without the options the file reads otherwise (so the options above were used).
    plain = serve_call(pyforge_bin, "info", {"path": str(src)})["result"]
    assert [c["name"] for c in plain["columns"]] != names
    assert src.read_bytes() == SEMICOLONS


def test_serve_info_refuses_an_unknown_key_naming_the_accepted_ones(pyforge_bin, work):
    (work / "a.csv").write_text("a\n1\n")
    for method in ("info", "validate"):
        answer = serve_call(pyforge_bin, method, {"path": str(work / "a.csv"), "sheets": "1"})
        assert answer["error"]["code"] == -32602, answer
        message = answer["error"]["message"]
        assert message.startswith(f"{method} has no parameter 'sheets'. Its parameters are: path, delimiter,"), message
    missing = serve_call(pyforge_bin, "info", {"delimiter": ";"})
    assert missing["error"]["code"] == -32602 and "'path'" in missing["error"]["message"]


def test_serve_info_refuses_an_option_for_another_format_as_the_cli_does(pyforge_bin, work):
    src = work / "a.csv"
    src.write_text("a\n1\n")
    proc = subprocess.run([str(pyforge_bin), "validate", str(src), "--row-tag", "r"], capture_output=True, text=True,
                          env=base_env())
    assert proc.returncode == 2 and "--row-tag applies only to XML" in proc.stderr, proc.stderr
    for method in ("info", "validate"):
        answer = serve_call(pyforge_bin, method, {"path": str(src), "row_tag": "r"})
        assert answer["error"]["code"] == -32001, answer
        assert "'row_tag' applies only to XML" in answer["error"]["message"], answer
    bad = serve_call(pyforge_bin, "info", {"path": str(src), "delimiter": ";", "quote": ";"})
    assert "'quote' and 'delimiter' are both ';'" in bad["error"]["message"], bad


def test_python_info_and_validate_send_the_options(pyforge_bin, work):
    # The Python API from this checkout (no wheel needed) driving the built binary's server.
    api = python_api()
    src = work / "semi.csv"
    src.write_bytes(SEMICOLONS)
    cli = cli_info(pyforge_bin, src, "--delimiter", ";", "--encoding", "latin-1")
    forge = api.PyForgeDatabricks(binary=str(pyforge_bin))
    try:
        info = forge.get_info(str(src), delimiter=";", encoding="latin-1")
        assert [c["name"] for c in info["schema"]] == [c["name"] for c in cli["columns"]] == ["café,x", "b,y"]
        assert info["row_count"] == cli["rows"]
        report = forge.validate(src, delimiter=";", encoding="latin-1", null_values="NA")
        assert report["valid"] and [c["name"] for c in report["columns"]] == ["café,x", "b,y"]
        with pytest.raises(api.ConversionFailed, match="'row_tag' applies only to XML"):
            forge.get_info(str(src), row_tag="r")
        with pytest.raises(TypeError):
            forge.get_info(str(src), sheets="1")  # not an info option: Python refuses it before serve would
    finally:
        forge.close()


# --------------------------------------------------------------------------------------
# The options serve lacked before it decoded the CLI's schema
# --------------------------------------------------------------------------------------

NESTED_XML = """<?xml version="1.0"?>
<shop xmlns:p="urn:p">
  <order id="1"><p:item>pen</p:item><tag>a</tag><tag>b</tag><ship><city>Oslo</city><zip><code>0150</code></zip></ship></order>
  <order id="2"><p:item>ink</p:item><tag>c</tag><ship><city>Rome</city><zip><code>00100</code></zip></ship></order>
</shop>
"""


def serve_convert(pyforge_bin, params):
    client = Client(pyforge_bin, base_env())
    try:
        return client.call("convert", params)
    finally:
        client.close()


def test_serve_takes_the_xml_flatten_array_and_namespace_options(pyforge_bin, work):
    src = work / "shop.xml"
    src.write_text(NESTED_XML)
    default = serve_convert(pyforge_bin, {"input": str(src), "output": str(work / "d.parquet"), "row_tag": "order"})
    assert "result" in default, default
    options = {"input": str(src), "output": str(work / "o.parquet"), "row_tag": "order",
               "flatten_strategy": "conservative", "array_handling": "expand", "namespace_handling": "prefix"}
    answer = serve_convert(pyforge_bin, options)
    assert "result" in answer, answer
    plain = pq.read_table(work / "d.parquet")
    shaped = pq.read_table(work / "o.parquet")
    # Defaults: repeated tags as a JSON array, namespaces stripped, every level flattened.
    assert json.loads(plain.column("tag").to_pylist()[0]) == ["a", "b"]
    assert "item" in plain.column_names and "ship.zip.code" in plain.column_names
    # expand: one row per tag; prefix: p:item; conservative: no column below level one.
    assert shaped.column("tag").to_pylist() == ["a", "b", "c"]
    assert "p:item" in shaped.column_names
    assert not any(name.count(".") > 1 for name in shaped.column_names), shaped.column_names


def test_serve_refuses_a_bad_xml_option_value_by_its_name(pyforge_bin, work):
    src = work / "shop.xml"
    src.write_text(NESTED_XML)
    answer = serve_convert(pyforge_bin, {"input": str(src), "flatten_strategy": "deep"})
    assert answer["error"]["code"] == -32001 and answer["error"]["data"]["exit_code"] == 1  # as serve refuses any bad value
    assert "'flatten_strategy' must be one of conservative, moderate, aggressive; got 'deep'" in answer["error"]["message"]
    assert not (work / "shop.parquet").exists()


def test_serve_takes_the_excel_header_option(pyforge_bin, work):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([1, 2])  # numbers: not sniffed as a header
    sheet.append([3, 4])
    src = work / "nums.xlsx"
    book.save(src)
    sniffed = serve_convert(pyforge_bin, {"input": str(src), "output": str(work / "s.parquet")})
    assert "result" in sniffed, sniffed
    assert pq.read_table(work / "s.parquet").num_rows == 2
    forced = serve_convert(pyforge_bin, {"input": str(src), "output": str(work / "h.parquet"), "header": True})
    assert "result" in forced, forced
    table = pq.read_table(work / "h.parquet")
    assert table.num_rows == 1 and table.column_names == ["1", "2"]
    assert table.to_pylist() == [{"1": 3, "2": 4}]
    refused = serve_convert(pyforge_bin, {"input": str(src), "combine": True, "separate": True})
    assert "'combine'" in refused["error"]["message"] and "'separate'" in refused["error"]["message"]


def test_serve_refuses_a_wrongly_typed_value(pyforge_bin, work):
    (work / "a.csv").write_text("a\n1\n")
    answer = serve_convert(pyforge_bin, {"input": str(work / "a.csv"), "skip_rows": "two"})
    assert "'skip_rows' must be a whole number" in answer["error"]["message"]


def test_serve_refuses_csv_options_that_cannot_work_together_by_their_names(pyforge_bin, work):
    (work / "a.csv").write_text("a;b\n1;2\n")
    answer = serve_convert(pyforge_bin, {"input": str(work / "a.csv"), "delimiter": ";", "quote": ";"})
    assert "'quote' and 'delimiter' are both ';'" in answer["error"]["message"], answer
    assert not (work / "a.parquet").exists()
