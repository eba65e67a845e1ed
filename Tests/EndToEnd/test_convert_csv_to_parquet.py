"""CSV/TSV → Parquet: type inference, values, quoting, encodings, sniffing, widening.

Every conversion is checked value by value against Python's csv module reading the
same file, and the Parquet file is read with both pyarrow and DuckDB."""
from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

UTC = dt.timezone.utc


# --------------------------------------------------------------------------------------
# Types and values
# --------------------------------------------------------------------------------------

MIXED_CSV = (
    "id,name,score,ok,day,ts,tsz,code\n"
    "1,Alice,1.5,true,2024-01-02,2024-01-02T03:04:05,2024-01-02T03:04:05+02:00,007\n"
    '2,"Bob, Jr.",,FALSE,2024-02-29,2024-01-02 03:04,2024-01-02T03:04:05Z,42\n'
    '-3,"say ""hi""",1e5,True,2000-12-31,2024-01-02T03:04:05.123456,2024-01-02T03:04:05.5-01:30,x\n'
    ",,.5,,,,,\n"
    "9223372036854775807,Zoë,-2.5E-3,false,1970-01-01,1969-12-31T23:59:59.999999,1970-01-01T00:00:00+00:00,0042\n"
)

MIXED_TYPES = {
    "id": "int64",
    "name": "string",
    "score": "double",
    "ok": "boolean",
    "day": "date",
    "ts": "timestamp[us]",
    "tsz": "timestamp[us, UTC]",
    "code": "string",
}


def test_types_are_inferred_and_values_match_csv_module(work, h, check_against_csv):
    src = h.write_text(work / "mixed.csv", MIXED_CSV)
    summary, data = check_against_csv(src, expect_types=MIXED_TYPES)
    assert summary["rows"] == 5
    assert [c["name"] for c in summary["columns"]] == list(MIXED_TYPES)
    assert all(c["nullable"] is True for c in summary["columns"])
    # Spot checks written out by hand (independent of the typed() helper).
    assert data.column("id") == [1, 2, -3, None, 9223372036854775807]
    assert data.column("name") == ["Alice", "Bob, Jr.", 'say "hi"', None, "Zoë"]
    assert data.column("score") == [1.5, None, 100000.0, 0.5, -0.0025]
    assert data.column("ok") == [True, False, True, None, False]
    assert data.column("day") == [dt.date(2024, 1, 2), dt.date(2024, 2, 29), dt.date(2000, 12, 31), None,
                                  dt.date(1970, 1, 1)]
    assert data.column("ts") == [
        dt.datetime(2024, 1, 2, 3, 4, 5),
        dt.datetime(2024, 1, 2, 3, 4),
        dt.datetime(2024, 1, 2, 3, 4, 5, 123456),
        None,
        dt.datetime(1969, 12, 31, 23, 59, 59, 999999),
    ]
    # Values with an offset are converted to UTC.
    assert [None if v is None else v.astimezone(UTC).replace(tzinfo=None) for v in data.column("tsz")] == [
        dt.datetime(2024, 1, 2, 1, 4, 5),
        dt.datetime(2024, 1, 2, 3, 4, 5),
        dt.datetime(2024, 1, 2, 4, 34, 5, 500000),
        None,
        dt.datetime(1970, 1, 1),
    ]
    assert data.arrow_type("tsz") == pa.timestamp("us", tz="UTC")
    # "007" and "0042" have leading zeros: the column stays text, exactly as written.
    assert data.column("code") == ["007", "42", "x", None, "0042"]
    assert data.metadata.created_by.startswith("pyforge")


def test_leading_zeros_keep_integer_like_column_as_string(work, h, check_against_csv):
    src = h.write_text(work / "zip.csv", "zip,n\n01234,1\n98765,2\n00501,3\n")
    _, data = check_against_csv(src, expect_types={"zip": "string", "n": "int64"})
    assert data.column("zip") == ["01234", "98765", "00501"]


def test_int64_limits_and_overflow_stay_exact(work, h, check_against_csv):
    src = h.write_text(
        work / "big.csv",
        "fits,too_big,too_small\n"
        "9223372036854775807,9223372036854775808,-9223372036854775809\n"
        "-9223372036854775808,18446744073709551616,1\n"
        "0,123456789012345678901234567890,2\n",
    )
    _, data = check_against_csv(src, expect_types={"fits": "int64", "too_big": "string", "too_small": "string"})
    assert data.column("fits") == [2**63 - 1, -(2**63), 0]
    # Never rounded to a double: the exact digits survive.
    assert data.column("too_big") == ["9223372036854775808", "18446744073709551616",
                                      "123456789012345678901234567890"]
    assert data.column("too_small") == ["-9223372036854775809", "1", "2"]


def test_double_special_values_and_precision(work, h, check_against_csv):
    values = ["1e5", ".5", "NaN", "inf", "-inf", "Infinity", "0.1", "1.7976931348623157e308",
              "5e-324", "123456789.12345679", "-0.0", "2.5E-3", "3"]
    # (18 significant digits such as 123456789.123456789 would be rounded: they stay text,
    # test_no_silent_change.py.)
    src = h.write_text(work / "dbl.csv", "x\n" + "\n".join(values) + "\n")
    _, data = check_against_csv(src, expect_types={"x": "double"})
    got = data.column("x")
    assert math.isnan(got[2])
    assert got[3] == math.inf and got[4] == -math.inf and got[5] == math.inf
    # Correctly rounded parsing, bit for bit.
    assert len(got) == len(values)
    for text, value in zip(values, got, strict=True):
        expected = float(text)
        if math.isnan(expected):
            continue
        assert value == expected and math.copysign(1, value) == math.copysign(1, expected), (text, value)


def test_booleans_in_any_case(work, h, check_against_csv):
    src = h.write_text(work / "b.csv", "flag,other\ntrue,yes\nFALSE,no\nTrue,yes\nfAlSe,no\n,yes\n")
    _, data = check_against_csv(src, expect_types={"flag": "boolean", "other": "string"})
    assert data.column("flag") == [True, False, True, False, None]


def test_invalid_dates_and_times_stay_strings(work, h, check_against_csv):
    src = h.write_text(
        work / "bad_dates.csv",
        "d1,d2,t1\n2024-01-01,2023-02-29,2024-01-01T00:00:00\n2024-12-31,2023-03-01,2024-01-01T25:00:00\n",
    )
    _, data = check_against_csv(src, expect_types={"d1": "date", "d2": "string", "t1": "string"})
    assert data.column("d2") == ["2023-02-29", "2023-03-01"]
    assert data.column("t1") == ["2024-01-01T00:00:00", "2024-01-01T25:00:00"]


def test_timestamp_variants_and_utc_conversion(work, h, check_against_csv):
    src = h.write_text(
        work / "ts.csv",
        "naive,aware\n"
        "2024-03-10T02:30,2024-03-10T02:30:00+05:30\n"
        "2024-03-10 02:30:15,2024-03-10T02:30:00-08:00\n"
        "2024-03-10T02:30:15.1,2024-03-10 23:59:59.999999Z\n"
        "2024-03-10 02:30:15.654321,2024-03-10T00:00:00+00:00\n",
    )
    _, data = check_against_csv(src, expect_types={"naive": "timestamp[us]", "aware": "timestamp[us, UTC]"})
    assert data.column("naive")[2] == dt.datetime(2024, 3, 10, 2, 30, 15, 100000)
    utc = [v.astimezone(UTC).replace(tzinfo=None) for v in data.column("aware")]
    assert utc == [
        dt.datetime(2024, 3, 9, 21, 0),
        dt.datetime(2024, 3, 10, 10, 30),
        dt.datetime(2024, 3, 10, 23, 59, 59, 999999),
        dt.datetime(2024, 3, 10, 0, 0),
    ]


# --------------------------------------------------------------------------------------
# Quoting, line ends, blank lines
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_rfc4180_quoting(work, h, check_against_csv, eol):
    lines = [
        "id,text,note",
        '1,"a,b","he said ""hi"""',
        '2,"line1\nline2","crlf\r\ninside"',
        '3,plain,"ends with quote """',
        '4,"""quoted at start",",,,"',
        '5,"ünïcödé, 日本語","tab\there"',
    ]
    src = h.write_text(work / "quotes.csv", eol.join(lines) + eol)
    _, data = check_against_csv(src, expect_types={"id": "int64", "text": "string", "note": "string"})
    assert data.column("text") == ["a,b", "line1\nline2", "plain", '"quoted at start', "ünïcödé, 日本語"]
    assert data.column("note") == ['he said "hi"', "crlf\r\ninside", 'ends with quote "', ",,,", "tab\there"]


def test_quoted_empty_is_empty_string_and_unquoted_empty_is_null(work, h, convert_json):
    src = h.write_text(work / "empties.csv", 's,n\n"",1\n,2\nx,3\n"",\n')
    out = work / "empties.parquet"
    _, summary = convert_json(src, out)
    assert h.schema_types(summary) == {"s": "string", "n": "int64"}
    data = h.read_parquet(out)
    assert data.column("s") == ["", None, "x", ""]
    assert data.column("n") == [1, 2, 3, None]


def test_mixed_line_endings_and_no_trailing_newline(work, h, check_against_csv):
    src = h.write_bytes(work / "eol.csv", b'a,b\r\n1,x\n2,y\r\n3,"last ""quoted"""')
    _, data = check_against_csv(src, expect_types={"a": "int64", "b": "string"})
    assert data.column("b") == ["x", "y", 'last "quoted"']


def test_blank_lines_are_skipped(work, h, convert_json):
    src = h.write_bytes(work / "blank.csv", b"a,b\n\n1,2\n\n\r\n3,4\n\n")
    out = work / "blank.parquet"
    _, summary = convert_json(src, out)
    assert summary["rows"] == 2
    data = h.read_parquet(out)
    assert data.rows == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_many_multiline_quoted_unicode_records(work, h, check_against_csv, eol):
    """Enough data (a few MB) that quoted fields, CR/LF pairs and multi-byte characters
    straddle every internal buffer boundary."""
    words = ["naïve", "日本語", "emoji 🎉🚀", 'q"uote', "comma, inside", "x" * 300, "Ω≈ç√∫", "plain"]
    lines = ["id,text,amount,when"]
    for i in range(30_000):
        w = words[i % len(words)]
        text = f"{w} {i}" if i % 5 else f"first line {i}{eol}second {w}"
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(f"{i},{quoted},{i * 0.25},2024-01-{i % 28 + 1:02d}")
    src = h.write_text(work / "multi.csv", eol.join(lines) + eol)
    summary, data = check_against_csv(
        src, expect_types={"id": "int64", "text": "string", "amount": "double", "when": "date"}
    )
    assert summary["rows"] == 30_000


# --------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------

UNICODE_TEXT = "name,city,n\nZoë,Zürich,1\n李雷,北京,2\n\U0001F600 smile,Ñoño,3\nא ב,مرحبا,4\n"


@pytest.mark.parametrize(
    "label,encoded,encoding_names",
    [
        ("utf-8", UNICODE_TEXT.encode("utf-8"), ("utf-8",)),
        ("utf-8-bom", b"\xef\xbb\xbf" + UNICODE_TEXT.encode("utf-8"), ("utf-8-sig", "utf-8")),
        ("utf-16-le-bom", b"\xff\xfe" + UNICODE_TEXT.encode("utf-16-le"), ("utf-16-le", "utf-16")),
        ("utf-16-be-bom", b"\xfe\xff" + UNICODE_TEXT.encode("utf-16-be"), ("utf-16-be", "utf-16")),
    ],
)
def test_unicode_encodings_are_detected(work, h, convert_json, label, encoded, encoding_names):
    src = h.write_bytes(work / f"{label}.csv", encoded)
    out = work / f"{label}.parquet"
    _, summary = convert_json(src, out)
    assert summary["details"]["encoding"] in encoding_names
    data = h.read_parquet(out)
    # No BOM in the first column name.
    assert data.names == ["name", "city", "n"]
    header, rows = h.csv_reference(_ref(work, UNICODE_TEXT))
    assert data.rows == h.expected_rows(header, rows, {"name": "string", "city": "string", "n": "int64"})
    assert data.column("name")[2] == "\U0001F600 smile"


def _ref(work: Path, text: str) -> Path:
    path = work / "reference_utf8.txt"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return path


def test_windows_1252_is_detected_when_not_utf8(work, h, check_against_csv):
    text = "item,price\ncafé,1\n€ sign,2\n“smart quotes”,3\nŸ and ß,4\n"
    src = h.write_bytes(work / "cp.csv", text.encode("cp1252"))
    summary, data = check_against_csv(src, encoding="cp1252", expect_types={"item": "string", "price": "int64"})
    assert summary["details"]["encoding"] in ("windows-1252", "cp1252")
    assert data.column("item") == ["café", "€ sign", "“smart quotes”", "Ÿ and ß"]


@pytest.mark.parametrize("option,expected", [("latin-1", "\x80 caf\xe9"), ("cp1252", "€ café")])
def test_encoding_option_overrides_detection(work, h, convert_json, option, expected):
    src = h.write_bytes(work / "enc.csv", b"v\n\x80 caf\xe9\n")
    out = work / "enc.parquet"
    convert_json(src, out, "--encoding", option)
    assert h.read_parquet(out).column("v") == [expected]


def test_utf16_encoding_option(work, h, convert_json):
    src = h.write_bytes(work / "u16.csv", "a,b\nü,1\n".encode("utf-16"))  # with BOM, native order
    out = work / "u16.parquet"
    convert_json(src, out, "--encoding", "utf-16")
    assert h.read_parquet(out).rows == [{"a": "ü", "b": 1}]


# Regression test for a bug (spec deviation) found by this suite and fixed in 101fd01: encoding
# detection only looks at the start of the file. An ASCII file whose only non-UTF-8 byte (0xE9) is on
# line 100002 fails with exit 1 'byte 0xE9 is not valid UTF-8. Pass the file's encoding...' instead of
# being detected as Windows-1252 (and re-read, as is done when types widen)
def test_late_non_utf8_byte_means_windows_1252(work, h, convert_json):
    """An ASCII file whose only non-ASCII byte (cp1252 'é') comes after the first
    1.5 MB (past any detection sample) is not UTF-8; the value must be decoded as
    Windows-1252, not replaced or refused."""
    body = "".join(f"{i},row {i}\n" for i in range(100_000))
    data = ("id,label\n" + body).encode("ascii") + b"100000,caf\xe9\n"
    src = h.write_bytes(work / "late.csv", data)
    out = work / "late.parquet"
    _, summary = convert_json(src, out)
    assert summary["details"]["encoding"] in ("windows-1252", "cp1252")
    table = h.read_parquet(out)
    labels = table.column("label")
    assert len(labels) == 100_001
    assert labels[-1] == "café"
    assert "\ufffd" not in labels[-1]


def test_unicode_column_names(work, h, check_against_csv):
    src = h.write_text(work / "names.csv", "naïve,日本,emoji 🎉,\"with,comma\"\n1,2,3,4\n")
    _, data = check_against_csv(src, expect_types={"naïve": "int64", "日本": "int64", "emoji 🎉": "int64", "with,comma": "int64"})
    assert data.names == ["naïve", "日本", "emoji 🎉", "with,comma"]


# --------------------------------------------------------------------------------------
# Delimiters and headers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_delimiter_is_sniffed(work, h, check_against_csv, delim):
    others = [c for c in [",", ";", "\t", "|"] if c != delim]
    rows = [["name", "amount", "note"]]
    for i in range(40):
        # Other candidate delimiters appear inside values, in varying numbers per line.
        note = others[i % 3] * (i % 4) + f"n{i}"
        rows.append([f"item {i}{others[(i + 1) % 3]}", str(i * 10), note])
    text = "\n".join(delim.join(r) for r in rows) + "\n"
    src = h.write_text(work / "sniff.csv", text)
    summary, data = check_against_csv(src, delimiter=delim,
                                      expect_types={"name": "string", "amount": "int64", "note": "string"})
    assert summary["details"]["delimiter"] in (delim, {"\t": "\\t"}.get(delim, delim))
    assert len(data.rows) == 40


def test_tsv_extension_means_tab_even_with_many_commas(work, h, check_against_csv):
    src = h.write_text(work / "data.tsv", "a,b,c\td\n1,2,3\t4\n5,6,7\t8\n")
    summary, data = check_against_csv(src, delimiter="\t", expect_types={"a,b,c": "string", "d": "int64"})
    assert data.names == ["a,b,c", "d"]
    assert data.column("a,b,c") == ["1,2,3", "5,6,7"]
    assert data.column("d") == [4, 8]


@pytest.mark.parametrize("option", [";", "\\t"])
def test_explicit_delimiter(work, h, convert_json, option):
    delim = "\t" if option == "\\t" else option
    src = h.write_text(work / "explicit.txt", f"a{delim}b,c\n1{delim}2,3\n4{delim}5,6\n")
    out = work / "explicit.parquet"
    convert_json(src, out, "--delimiter", option)
    data = h.read_parquet(out)
    assert data.names == ["a", "b,c"]
    assert data.rows == [{"a": 1, "b,c": "2,3"}, {"a": 4, "b,c": "5,6"}]


def test_headerless_file_is_detected(work, h, convert_json):
    src = h.write_text(work / "nohdr.csv", "1,2.5,2024-01-01\n3,4.5,2024-01-02\n5,6.5,2024-01-03\n")
    out = work / "nohdr.parquet"
    _, summary = convert_json(src, out)
    assert summary["details"]["header"] in ("no", False)
    data = h.read_parquet(out)
    assert data.names == ["column_1", "column_2", "column_3"]
    assert data.column("column_1") == [1, 3, 5]
    assert data.column("column_2") == [2.5, 4.5, 6.5]
    assert data.column("column_3") == [dt.date(2024, 1, d) for d in (1, 2, 3)]


def test_header_is_detected_over_typed_columns(work, h, convert_json):
    src = h.write_text(work / "hdr.csv", "id,price,day\n1,2.5,2024-01-01\n3,4.5,2024-01-02\n")
    out = work / "hdr.parquet"
    _, summary = convert_json(src, out)
    assert summary["details"]["header"] in ("yes", True)
    assert h.read_parquet(out).names == ["id", "price", "day"]


def test_no_header_option_forces_first_row_as_data(work, h, convert_json):
    src = h.write_text(work / "forced.csv", "name,city\nAlice,Paris\nBob,Rome\n")
    out = work / "forced.parquet"
    _, summary = convert_json(src, out, "--no-header")
    assert summary["rows"] == 3
    data = h.read_parquet(out)
    assert data.names == ["column_1", "column_2"]
    assert data.column("column_1") == ["name", "Alice", "Bob"]
    assert data.column("column_2") == ["city", "Paris", "Rome"]


# --------------------------------------------------------------------------------------
# Ragged rows
# --------------------------------------------------------------------------------------


def test_short_rows_become_nulls_with_warning(work, h, convert_json):
    src = h.write_text(work / "short.csv", "a,b,c\n1,2,3\n4,5\n6\n")
    out = work / "short.parquet"
    _, summary = convert_json(src, out)
    assert summary["warnings"], "a short row must produce a warning"
    data = h.read_parquet(out)
    assert data.rows == [
        {"a": 1, "b": 2, "c": 3},
        {"a": 4, "b": 5, "c": None},
        {"a": 6, "b": None, "c": None},
    ]


def test_allow_ragged_drops_extra_fields_with_warning(work, h, convert_json):
    src = h.write_text(work / "long.csv", "a,b\n1,2\n3,4,5\n6,7,8,9\n")
    out = work / "long.parquet"
    _, summary = convert_json(src, out, "--allow-ragged")
    assert summary["warnings"], "dropping fields must produce a warning"
    data = h.read_parquet(out)
    assert data.rows == [{"a": 1, "b": 2}, {"a": 3, "b": 4}, {"a": 6, "b": 7}]


# --------------------------------------------------------------------------------------
# Widening after the inference sample
# --------------------------------------------------------------------------------------

N_ROWS = 100_000
ODD_ROW = 90_000  # well past the 65,536-row inference sample


def _late_value_csv(path: Path, odd_value: str) -> Path:
    lines = ["id,value,stable"]
    for i in range(N_ROWS):
        value = odd_value if i == ODD_ROW else str(i * 7 - 350_000)
        lines.append(f"{i},{value},{i % 1000}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    "odd_value,expected_type",
    [("1.5", "double"), ("abc", "string"), ("99999999999999999999", "string")],
    ids=["int-to-double", "int-to-string", "int-to-string-overflow"],
)
def test_late_value_widens_column_without_losing_data(work, h, convert_json, odd_value, expected_type):
    src = _late_value_csv(work / "late.csv", odd_value)
    out = work / "late.parquet"
    _, summary = convert_json(src, out)
    types = h.schema_types(summary)
    assert types == {"id": "int64", "value": expected_type, "stable": "int64"}
    assert summary["rows"] == N_ROWS
    warnings = " ".join(summary["warnings"])
    assert "value" in warnings, f"warnings must mention the widened column: {summary['warnings']}"
    assert expected_type in warnings or "widen" in warnings.lower(), summary["warnings"]

    data = h.read_parquet(out)
    values = data.column("value")
    expected = [
        (odd_value if i == ODD_ROW else str(i * 7 - 350_000)) for i in range(N_ROWS)
    ]
    if expected_type == "double":
        expected = [float(v) for v in expected]
    assert values == expected
    assert data.column("stable") == [i % 1000 for i in range(N_ROWS)]


def test_column_null_throughout_sample_keeps_late_values(work, h, convert_json):
    lines = ["id,late"]
    for i in range(N_ROWS):
        lines.append(f"{i},{i if i >= ODD_ROW else ''}")
    src = h.write_text(work / "late_null.csv", "\n".join(lines) + "\n")
    out = work / "late_null.parquet"
    _, summary = convert_json(src, out)
    late_type = h.schema_types(summary)["late"]
    data = h.read_parquet(out)
    values = data.column("late")
    expected = [None if i < ODD_ROW else i for i in range(N_ROWS)]
    if late_type == "string":
        expected = [None if v is None else str(v) for v in expected]
    else:
        assert late_type == "int64"
    assert values == expected


# --------------------------------------------------------------------------------------
# --all-strings and --null-values
# --------------------------------------------------------------------------------------


def test_all_strings_keeps_text_exactly(work, h, convert_json):
    text = (
        "i,f,b,d,s\n"
        "007,1.50,TRUE,2024-01-02, padded \n"
        "-1,1e5,false,2024-13-01,\"a,b\"\n"
        ",NaN,,,\n"
    )
    src = h.write_text(work / "strs.csv", text)
    out = work / "strs.parquet"
    _, summary = convert_json(src, out, "--all-strings")
    assert set(h.schema_types(summary).values()) == {"string"}
    data = h.read_parquet(out)
    for name in data.names:
        assert data.arrow_type(name) == pa.string()
    assert data.rows == [
        {"i": "007", "f": "1.50", "b": "TRUE", "d": "2024-01-02", "s": " padded "},
        {"i": "-1", "f": "1e5", "b": "false", "d": "2024-13-01", "s": "a,b"},
        {"i": None, "f": "NaN", "b": None, "d": None, "s": None},
    ]


def test_null_values_option(work, h, convert_json):
    text = "n,s\n1,NA\nNA,x\nNULL,NULL\n4,\n"
    src = h.write_text(work / "nulls.csv", text)

    plain = work / "plain.parquet"
    _, summary = convert_json(src, plain)
    assert h.schema_types(summary) == {"n": "string", "s": "string"}
    assert h.read_parquet(plain).column("n") == ["1", "NA", "NULL", "4"]

    out = work / "nulls.parquet"
    _, summary = convert_json(src, out, "--null-values", "NA,NULL")
    assert h.schema_types(summary) == {"n": "int64", "s": "string"}
    data = h.read_parquet(out)
    assert data.column("n") == [1, None, None, 4]
    assert data.column("s") == [None, "x", None, None]


# --------------------------------------------------------------------------------------
# Empty and header-only files
# --------------------------------------------------------------------------------------


# Files of blank lines only: regression test for a bug fixed in 101fd01 (they failed with
# "the first record has a quote that is never closed").
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xef\xbb\xbf", id="bom-only"),
        pytest.param(b"\n", id="one-LF"),
        pytest.param(b"\n\n\n", id="blank-lines"),
        pytest.param(b"\r\n\r\n", id="blank-CRLF-lines"),
    ],
)
def test_empty_file_gives_empty_parquet(work, h, convert_json, content):
    src = h.write_bytes(work / "empty.csv", content)
    out = work / "empty.parquet"
    _, summary = convert_json(src, out)
    assert summary["rows"] == 0
    assert summary["columns"] == []
    table = h.read_parquet_pyarrow(out)
    assert table.num_rows == 0 and table.num_columns == 0
    assert h.read_parquet(out).metadata.num_rows == 0


@pytest.mark.parametrize("content", ["a,b,c\n", "a,b,c", "a,b,c\r\n"], ids=["LF", "no-eol", "CRLF"])
def test_header_only_file_gives_typed_empty_table(work, h, convert_json, content):
    src = h.write_text(work / "hdr_only.csv", content)
    out = work / "hdr_only.parquet"
    _, summary = convert_json(src, out)
    assert summary["rows"] == 0
    assert [(c["name"], c["type"]) for c in summary["columns"]] == [("a", "string"), ("b", "string"), ("c", "string")]
    data = h.read_parquet(out)
    assert data.names == ["a", "b", "c"]
    assert data.table.num_rows == 0
    assert all(data.arrow_type(n) == pa.string() for n in data.names)


# --------------------------------------------------------------------------------------
# Output placement and the --json summary
# --------------------------------------------------------------------------------------


def test_default_output_is_beside_input_not_in_cwd(work, tmp_path, h, run):
    src = h.write_text(work / "data.csv", "a\n1\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = run("convert", src.resolve(), cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert (work / "data.parquet").is_file()
    assert h.listing(elsewhere) == []
    assert h.read_parquet(work / "data.parquet").rows == [{"a": 1}]


def test_relative_input_path_from_cwd(work, tmp_path, h, run):
    sub = work / "sub"
    sub.mkdir()
    h.write_text(sub / "rel.data.csv", "a\n2\n")
    proc = run("convert", "sub/rel.data.csv", cwd=work)
    assert proc.returncode == 0, proc.stderr
    # The stem drops only the last extension.
    assert (sub / "rel.data.parquet").is_file()
    assert h.read_parquet(sub / "rel.data.parquet").rows == [{"a": 2}]


def test_output_may_be_a_directory(work, h, run):
    src = h.write_text(work / "dirout.csv", "a,b\nx,1\n")
    outdir = work / "out"
    outdir.mkdir()
    proc = run("convert", src, outdir)
    assert proc.returncode == 0, proc.stderr
    assert h.listing(outdir) == ["dirout.parquet"]
    assert h.read_parquet(outdir / "dirout.parquet").rows == [{"a": "x", "b": 1}]


def test_json_summary_describes_the_conversion(work, h, run_json):
    src = h.write_text(work / "sum.csv", MIXED_CSV)
    out = work / "sum.parquet"
    proc, summary = run_json("convert", src, out, "--json")
    assert proc.returncode == 0, proc.stderr
    required = {"success", "input", "output", "input_format", "format", "rows", "columns", "bytes_in",
                "bytes_out", "seconds", "engine", "warnings", "details"}
    assert required <= set(summary), required - set(summary)
    assert summary["success"] is True
    assert Path(summary["input"]).resolve() == src.resolve()
    assert Path(summary["output"]).resolve() == out.resolve()
    assert summary["input_format"] == "csv"
    assert summary["format"] == "parquet"
    assert summary["engine"] == "core"
    assert summary["rows"] == 5
    assert summary["bytes_in"] == src.stat().st_size
    assert summary["bytes_out"] == out.stat().st_size
    assert isinstance(summary["seconds"], (int, float)) and summary["seconds"] >= 0
    assert summary["warnings"] == []
    assert summary["columns"] == [{"name": n, "type": t, "nullable": True} for n, t in MIXED_TYPES.items()]
    assert {"delimiter", "encoding", "header"} <= set(summary["details"])
    assert summary["details"]["delimiter"] == ","
    assert summary["details"]["encoding"] == "utf-8"
    # Human text goes to stderr, never into the JSON on stdout.
    assert proc.stdout.strip().startswith("{") and proc.stdout.strip().endswith("}")


def test_human_message_without_json(work, h, run):
    src = h.write_text(work / "human.csv", "a\n1\n2\n")
    proc = run("convert", src)
    assert proc.returncode == 0
    assert "{" not in proc.stdout  # no JSON unless asked
    combined = proc.stdout + proc.stderr
    assert "human" in combined and "2" in combined


@pytest.mark.parametrize(
    "make,odd_value,expected_type",
    [
        (lambda i: f"2024-01-{i % 28 + 1:02d}", "soon", "string"),
        (lambda i: "true" if i % 2 else "false", "maybe", "string"),
        (lambda i: f"{i}.5", "x", "string"),
        (lambda i: f"2024-01-01T00:00:{i % 60:02d}", "2024-13-01T00:00:00", "string"),
        (lambda i: f"2024-01-{i % 28 + 1:02d}", "2024-01-01T12:30:00", "timestamp[us]"),
    ],
    ids=["date-to-string", "bool-to-string", "double-to-string", "timestamp-to-string", "date-to-timestamp"],
)
def test_late_value_widens_other_types(work, h, convert_json, make, odd_value, expected_type):
    texts = [odd_value if i == ODD_ROW else make(i) for i in range(N_ROWS)]
    src = h.write_text(work / "late_other.csv", "id,v\n" + "\n".join(f"{i},{t}" for i, t in enumerate(texts)) + "\n")
    out = work / "late_other.parquet"
    _, summary = convert_json(src, out)
    assert h.schema_types(summary) == {"id": "int64", "v": expected_type}
    assert any(re.search(r"\bv\b", w) for w in summary["warnings"]), summary["warnings"]
    values = h.read_parquet(out).column("v")
    assert values == [h.typed(t, expected_type) for t in texts]


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_late_widening_with_text_outputs(work, h, convert_json, fmt):
    import csv as csv_module
    import json

    src = _late_value_csv(work / "late_txt.csv", "abc")
    out = work / f"late_txt_out.{fmt}"
    _, summary = convert_json(src, out)
    assert h.schema_types(summary)["value"] == "string"
    if fmt == "ndjson":
        with open(out) as fh:
            values = [json.loads(line)["value"] for line in fh]
    else:
        with open(out, newline="") as fh:
            values = [r[1] for r in list(csv_module.reader(fh))[1:]]
    assert len(values) == N_ROWS
    assert values[ODD_ROW] == "abc"
    assert values[ODD_ROW - 1] == str((ODD_ROW - 1) * 7 - 350_000)
    assert values == [("abc" if i == ODD_ROW else str(i * 7 - 350_000)) for i in range(N_ROWS)]


def test_late_widening_in_utf16_file(work, h, convert_json):
    lines = ["id,v"] + [f"{i},{'1.5' if i == ODD_ROW else i}" for i in range(N_ROWS)]
    src = h.write_bytes(work / "late16.csv", b"\xff\xfe" + ("\n".join(lines) + "\n").encode("utf-16-le"))
    out = work / "late16.parquet"
    _, summary = convert_json(src, out)
    assert h.schema_types(summary) == {"id": "int64", "v": "double"}
    data = h.read_parquet(out)
    assert data.names == ["id", "v"]
    assert data.column("v") == [1.5 if i == ODD_ROW else float(i) for i in range(N_ROWS)]


# --------------------------------------------------------------------------------------
# Property test: random CSV written by Python's csv module reads back exactly
# --------------------------------------------------------------------------------------

ALPHABET = ["a", "Z", "0", "7", " ", ",", ";", "|", "\t", '"', "\n", "\r\n", "é", "日", "🎉", "-", ".", "x y"]


@pytest.mark.parametrize("seed", range(12))
def test_random_csv_round_trips_as_strings(work, h, convert_json, seed):
    import csv as csv_module
    import io
    import random

    rng = random.Random(seed)
    delimiter = rng.choice([",", ";", "\t", "|"])
    quoting = rng.choice([csv_module.QUOTE_MINIMAL, csv_module.QUOTE_ALL])
    terminator = rng.choice(["\n", "\r\n"])
    ncols = rng.randint(1, 6)
    nrows = rng.randint(1, 300)
    table = [["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))) for _ in range(ncols)]
             for _ in range(nrows)]
    buf = io.StringIO(newline="")
    csv_module.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=terminator).writerows(table)
    src = h.write_text(work / "rand.csv", buf.getvalue())
    out = work / "rand.parquet"
    option = "\\t" if delimiter == "\t" else delimiter
    _, summary = convert_json(src, out, "--all-strings", "--no-header", "--delimiter", option)
    assert summary["rows"] == nrows
    data = h.read_parquet(out)
    assert data.names == [f"column_{i + 1}" for i in range(ncols)]
    # The independent reader sees the same table as pyforge.
    reference = [r for r in csv_module.reader(io.StringIO(buf.getvalue(), newline=""), delimiter=delimiter)]
    assert reference == table
    assert [list(r.values()) for r in data.rows] == table


# --------------------------------------------------------------------------------------
# Numbers and times at the edges of their types
# --------------------------------------------------------------------------------------


# Regression test for a bug found by this suite and fixed in 101fd01: a double column that also holds
# an integer of 16-19 digits (fits int64, but a double would round it) is neither kept as double nor
# widened to string: the reader restarts with the same schema until it gives up with exit 1 "'x.csv'
# is malformed at several places: the file changed while it was being read". (info reports the column
# as double, validate says valid.)
@pytest.mark.parametrize("order", ["double-first", "int-first"])
def test_double_column_with_long_integer_widens_to_string(work, h, convert_json, order):
    values = ["1.5", "9007199254740993"] if order == "double-first" else ["9007199254740993", "1.5"]
    src = h.write_text(work / "prec.csv", "id,x\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)))
    out = work / "prec.parquet"
    _, summary = convert_json(src, out)
    # 9007199254740993 = 2**53 + 1 has no exact double: only text keeps it.
    assert h.schema_types(summary)["x"] == "string"
    assert h.read_parquet(out).column("x") == values


def test_short_integers_mixed_with_doubles_become_double(work, h, check_against_csv):
    src = h.write_text(work / "mix.csv", "x\n1.5\n123456789012345\n-7\n")
    _, data = check_against_csv(src, expect_types={"x": "double"})
    assert data.column("x") == [1.5, 123456789012345.0, -7.0]


# Regression test for a bug found by this suite and fixed in 101fd01: a decimal literal outside the
# double range is silently changed: '1e400' and '1.7976931348623159e308' become +Infinity (and
# '1e-400' becomes 0.0) instead of the column staying string ('inference never loses data';
# NumberParsing's own contract says nil when the text is not exactly such a value)
@pytest.mark.parametrize("text", ["1e400", "-1.7976931348623159e308", "1e-400"])
def test_out_of_range_double_literal_stays_string(work, h, convert_json, text):
    src = h.write_text(work / "range.csv", f"x\n1.5\n{text}\n")
    out = work / "range.parquet"
    _, summary = convert_json(src, out)
    assert h.schema_types(summary)["x"] == "string"
    assert h.read_parquet(out).column("x") == ["1.5", text]


def test_sub_microsecond_fraction_stays_string(work, h, check_against_csv):
    src = h.write_text(work / "ns.csv", "t\n2024-01-02T03:04:05.1234567\n2024-01-02T03:04:05\n")
    _, data = check_against_csv(src, expect_types={"t": "string"})
    assert data.column("t") == ["2024-01-02T03:04:05.1234567", "2024-01-02T03:04:05"]


# Regression test for a bug found by this suite and fixed in 101fd01: UTC offsets with minutes > 59
# are accepted: '2024-01-01T00:00:00+05:99' is read as offset 6h39m (2023-12-31T17:21:00Z) instead of
# being left as text
@pytest.mark.parametrize("text", ["2024-01-01T00:00:00+05:99", "2024-01-01T00:00:00-0160"])
def test_invalid_utc_offset_stays_string(work, h, convert_json, text):
    src = h.write_text(work / "off.csv", f"t\n{text}\n")
    out = work / "off.parquet"
    _, summary = convert_json(src, out)
    assert h.schema_types(summary)["t"] == "string"
    assert h.read_parquet(out).column("t") == [text]


def test_extreme_dates_and_timestamps(work, h, check_against_csv):
    src = h.write_text(
        work / "extreme.csv",
        "d,ts,tz\n"
        "0001-01-01,0001-01-01T00:00:00,1969-12-31T23:59:59.999999+00:00\n"
        "9999-12-31,9999-12-31T23:59:59.999999,1900-06-01T12:00:00.25-03:00\n"
        "1969-12-31,1969-12-31T23:59:59.5,0001-01-01T00:00:00Z\n"
        "2000-02-29,1899-12-31 23:59:59.000001,2024-02-29T23:30:00-01:00\n",
    )
    check_against_csv(src, expect_types={"d": "date", "ts": "timestamp[us]", "tz": "timestamp[us, UTC]"})


# --------------------------------------------------------------------------------------
# Large fields and large transcoded files
# --------------------------------------------------------------------------------------

def _long_field_csv(path: Path, prefix_rows: int, value: str) -> Path:
    rows = "".join(f"{i},short {i}\n" for i in range(prefix_rows))
    text = f'id,s\n{rows}{prefix_rows},"{value}"\n{prefix_rows + 1},last\n'
    path.write_text(text, encoding="utf-8")
    return path


def _convert_long_field(run, src: Path, out: Path, timeout: float = 120):
    # The timeout is a hang guard, not a speed check (the bug spun forever), so it is generous.
    try:
        return run("convert", src, out, "--force", timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pyforge did not finish within {timeout} s on {src.name} "
                    f"({src.stat().st_size} bytes): it hangs on a record this long")


@pytest.mark.parametrize(
    "prefix_rows,value",
    [(0, "x" * 4_000_000), (3, ("é" * 1000 + "\n" + "x" * 1000) * 2_500), (200, "y" * 8_000_000)],
    ids=["4MB", "7MB-multibyte-multiline", "8MB-after-rows"],
)
def test_long_field(work, h, run, prefix_rows, value):
    src = _long_field_csv(work / "longfield.csv", prefix_rows, value)
    out = work / "longfield.parquet"
    proc = _convert_long_field(run, src, out)
    assert proc.returncode == 0, proc.stderr
    got = h.read_parquet(out).column("s")
    assert len(got) == prefix_rows + 2
    assert got[prefix_rows] == value
    assert got[-1] == "last"


# Regression test for a bug found by this suite and fixed in 101fd01: a record longer than the 8 MiB
# read buffer can make convert (and info, validate) spin forever at 100% CPU, depending on where the
# record starts: CSVReader.tokenizeNext (and readHeader) grow the buffer only when it is exactly full,
# but ChunkBuffer.refill stops up to 15 bytes short of capacity. Repro: 'id,s' header + one row with a
# 9,000,000-byte quoted field.
def test_field_longer_than_8_mib(work, h, run):
    """Tries a few record start offsets (the hang depends on alignment)."""
    value = "x" * 9_000_000
    out = work / "huge.parquet"
    for prefix_rows in range(6):
        src = _long_field_csv(work / "huge.csv", prefix_rows, value)
        proc = _convert_long_field(run, src, out)
        assert proc.returncode == 0, proc.stderr
        got = h.read_parquet(out).column("s")
        assert got[prefix_rows] == value and got[-1] == "last"


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_large_utf16_file_with_surrogate_pairs(work, h, convert_json, encoding, bom):
    words = ["日本語テキスト", "emoji 🎉🚀👩‍👩‍👧", "Ωμέγα", "plain", '"quoted, text"']
    lines = ["id,text"] + [f'{i},"{words[i % 5].replace(chr(34), chr(34) * 2)} {i}"' for i in range(120_000)]
    text = "\n".join(lines) + "\n"
    src = h.write_bytes(work / "big16.csv", bom + text.encode(encoding))
    out = work / "big16.parquet"
    _, summary = convert_json(src, out)
    assert summary["details"]["encoding"] in (encoding, "utf-16")
    ref = _ref(work, text)
    header, rows = h.csv_reference(ref)
    h.assert_rows_equal(h.read_parquet(out).rows, h.expected_rows(header, rows, {"id": "int64", "text": "string"}))


def test_large_windows_1252_file(work, h, check_against_csv):
    words = ["café €", "naïve “q”", "Ÿ ß ñ", "plain"]
    text = "id,text\n" + "".join(f"{i},{words[i % 4]} {i}\n" for i in range(400_000))
    src = h.write_bytes(work / "bigcp.csv", text.encode("cp1252"))
    summary, data = check_against_csv(src, encoding="cp1252", expect_types={"id": "int64", "text": "string"})
    assert summary["details"]["encoding"] in ("windows-1252", "cp1252")
