"""Excel (.xlsx/.xlsm) input: workbooks written here by openpyxl and xlsxwriter, converted
by pyforge, and compared value by value with what openpyxl reads from the same file.

Conventions checked (see README): a date-styled whole-day column is `date`, otherwise
`timestamp[us]` (wall clock); a column of times of day is "HH:MM:SS" text; error cells
(#N/A, #DIV/0!, ...) are null; columns mixing kinds are text as Excel shows them
(integral numbers without ".0", TRUE/FALSE, ISO dates).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
import xlsxwriter

ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"}


# --------------------------------------------------------------------------------------
# Reference: what openpyxl reads, shaped like pyforge's output
# --------------------------------------------------------------------------------------


def openpyxl_rows(path: Path, sheet: str) -> list[list]:
    """Non-blank rows of a sheet as openpyxl reads them (cached formula values), errors as None."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb[sheet]
    rows = []
    for row in ws.iter_rows():
        values = []
        for cell in row:
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "e" or value in ERRORS:
                value = None
            values.append(value)
        if any(v is not None and v != "" for v in values):
            rows.append(values)
    wb.close()
    return rows


def excel_text(value) -> str:
    """A cell as pyforge writes it into a text (mixed) column."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def expected_value(value, arrow_type: str):
    if value is None:
        return None
    if arrow_type == "string":
        return excel_text(value)
    if arrow_type.startswith("date32"):
        assert isinstance(value, dt.datetime) and value.time() == dt.time(0), value
        return value.date()
    if arrow_type.startswith("timestamp"):
        if isinstance(value, dt.time):
            return value
        return value
    if arrow_type == "double":
        return float(value)
    if arrow_type == "int64":
        assert float(value).is_integer(), value
        return int(value)
    if arrow_type == "bool":
        return bool(value)
    raise AssertionError(f"unexpected type {arrow_type}")


def assert_matches_openpyxl(xlsx: Path, sheet: str, parquet: Path, header: bool = True):
    table = pq.read_table(parquet)
    rows = openpyxl_rows(xlsx, sheet)
    width = len(table.schema.names)
    if header:
        names = [("" if v is None else str(v)).strip() for v in rows[0]]
        rows = rows[1:]
        for i, name in enumerate(names[:width]):
            if name:
                assert table.schema.names[i].startswith(name), (table.schema.names, names)
    assert table.num_rows == len(rows), (table.num_rows, len(rows))
    columns = table.to_pydict()
    for c, name in enumerate(table.schema.names):
        arrow_type = str(table.schema.field(name).type)
        for r, row in enumerate(rows):
            source = row[c] if c < len(row) else None
            want = expected_value(source, arrow_type)
            got = columns[name][r]
            if arrow_type.startswith("timestamp") and isinstance(want, dt.time):
                assert got.time() == want, (sheet, name, r, got, want)
                continue
            if isinstance(want, float) and isinstance(got, float):
                assert got == want, (sheet, name, r, got, want)
                continue
            assert got == want, (sheet, name, r, got, want, arrow_type)
    return table


def types_of(summary) -> dict:
    return {c["name"]: c["type"] for c in summary["columns"]}


# --------------------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------------------


def sheets_workbook(path: Path, sheets: dict) -> Path:
    """A workbook (openpyxl) with one sheet per entry of SHEETS, {title: [row, ...]}, in order."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        sheet = wb.create_sheet(title)
        for row in rows:
            sheet.append(row)
    wb.save(path)
    return path


def openpyxl_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kinds"
    ws.append(["id", "name", "price", "count", "when", "day", "flag", "clock", "mixed"])
    ws.append([1, "apple", 1.25, 3.0, dt.datetime(2024, 1, 2, 3, 4, 5), dt.date(2024, 1, 2), True, dt.time(12, 30), 7])
    ws.append([2, "pear", 2.5, 4, dt.datetime(2024, 2, 29, 23, 59, 59, 250000), dt.date(1999, 12, 31), False, dt.time(0, 0, 1), "text"])
    ws.append([3, "crème brûlée ✓", -0.1, 5, dt.datetime(1900, 3, 1, 6), dt.date(1900, 3, 1), None, dt.time(23, 59, 59), 2.5])
    ws.append([])  # a blank row is skipped
    ws.append([4, None, 1e-7, -6, None, dt.date(2100, 12, 31), True, None, True])
    ws.append([5, "  spaced  ", 123456789.125, 7, dt.datetime(2024, 6, 1), dt.date(1970, 1, 1), False, dt.time(6, 7, 8), dt.date(2024, 5, 6)])
    # A second sheet with an awkward name, ragged rows and gaps.
    ragged = wb.create_sheet('Q1 "Sales" & <more> | ü')
    ragged["A1"], ragged["B1"], ragged["C1"] = "a", "b", "c"
    ragged["A2"] = 1
    ragged["C3"] = "only c"
    ragged["B6"] = 2.5
    ragged["A8"], ragged["B8"], ragged["C8"], ragged["D8"] = 4, 5.5, "d", "beyond header"
    wb.create_sheet("Empty")
    wb.save(path)
    return path


def xlsxwriter_workbook(path: Path, constant_memory: bool = False, date_1904: bool = False,
                        vba_project: Path | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "date_1904": date_1904})
    if vba_project is not None:
        wb.add_vba_project(str(vba_project))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    stamp = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss.000"})
    clock = wb.add_format({"num_format": "hh:mm:ss"})
    custom = wb.add_format({"num_format": '[$-409]d\\-mmm\\-yy;@'})
    not_date = wb.add_format({"num_format": '0.00" days"'})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("Formulas & Rich")
    ws.write_row(0, 0, ["n", "double_it", "concat", "rich", "err", "d", "ts", "t", "custom", "days", "b"])
    for r in range(1, 6):
        ws.write_number(r, 0, r * 1.0)
        ws.write_formula(r, 1, f"=A{r + 1}*2", None, r * 2)
        ws.write_formula(r, 2, f'="x"&A{r + 1}', None, f"x{r}")
        if r % 2:
            ws.write_rich_string(r, 3, "plain ", bold, "bold", " tail")
        else:
            ws.write_string(r, 3, "simple")
        ws.write_formula(r, 4, "=1/0" if r % 2 else "=NA()", None, "#DIV/0!" if r % 2 else "#N/A")
        ws.write_datetime(r, 5, dt.datetime(2020, 1, r), date)
        ws.write_datetime(r, 6, dt.datetime(2021, 5, r, 13, 14, 15, 678000), stamp)
        ws.write_datetime(r, 7, dt.datetime(1899, 12, 31, r, 30) if not date_1904 else dt.datetime(1904, 1, 1, r, 30), clock)
        ws.write_datetime(r, 8, dt.datetime(2022, 3, r), custom)
        ws.write_number(r, 9, r + 0.5, not_date)
        ws.write_boolean(r, 10, r % 2 == 0)
    second = wb.add_worksheet("2nd")
    second.write_row(0, 0, ["k", "v"])
    second.write_row(1, 0, ["one", 1])
    second.write_row(2, 0, ["two", 2])
    wb.close()
    return path


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


def test_openpyxl_workbook_every_sheet_matches(work, convert_json):
    src = openpyxl_workbook(work / "kinds.xlsx")
    _, summary = convert_json(src)
    outputs = summary["outputs"]
    assert [Path(o["output"]).name for o in outputs] == ["Kinds.parquet", "Q1 _Sales_ & _more_ _ ü.parquet"]
    assert all(Path(o["output"]).parent == work / "kinds_parquet" for o in outputs)
    types = types_of(outputs[0])
    assert types == {
        "id": "int64", "name": "string", "price": "double", "count": "int64", "when": "timestamp[us]",
        "day": "date", "flag": "boolean", "clock": "string", "mixed": "string",
    }
    assert outputs[0]["rows"] == 5
    assert_matches_openpyxl(src, "Kinds", work / "kinds_parquet" / "Kinds.parquet")
    table = assert_matches_openpyxl(src, 'Q1 "Sales" & <more> | ü', Path(outputs[1]["output"]))
    assert table.schema.names == ["a", "b", "c", "column_4"]
    assert table.column("c").to_pylist() == [None, "only c", None, "d"]


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared-strings", "inline-strings"])
def test_xlsxwriter_formulas_rich_text_errors_dates(work, convert_json, constant_memory):
    src = xlsxwriter_workbook(work / "fx.xlsx", constant_memory=constant_memory)
    _, summary = convert_json(src, "--sheets", "Formulas & Rich")
    assert "outputs" not in summary and summary["output"].endswith("fx.parquet")
    assert types_of(summary) == {
        "n": "int64", "double_it": "int64", "concat": "string", "rich": "string", "err": "string",
        "d": "date", "ts": "timestamp[us]", "t": "string", "custom": "date", "days": "double", "b": "boolean",
    }
    assert any("Excel errors" in w for w in summary["warnings"])
    table = assert_matches_openpyxl(src, "Formulas & Rich", work / "fx.parquet")
    assert table.column("rich").to_pylist()[0] == "plain bold tail"
    assert table.column("err").null_count == 5
    assert table.column("t").to_pylist()[:2] == ["01:30:00", "02:30:00"]


MACRO_ENABLED_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def test_macro_enabled_workbook_xlsm(work, convert_json):
    # A real .xlsm as xlsxwriter writes one: the workbook part has the macro-enabled content
    # type and a vbaProject part is related to it. The VBA project itself is a stand-in (a
    # Compound File header and nothing else): pyforge must read the sheets and leave it alone.
    vba = work / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    src = xlsxwriter_workbook(work / "macros.xlsm", vba_project=vba)
    with zipfile.ZipFile(src) as archive:
        assert f'PartName="/xl/workbook.xml" ContentType="{MACRO_ENABLED_MAIN}"' in archive.read("[Content_Types].xml").decode()
        assert archive.read("xl/vbaProject.bin") == vba.read_bytes()
    _, summary = convert_json(src, "--sheets", "Formulas & Rich")
    assert summary["output"] == str(work / "macros.parquet")
    assert types_of(summary) == {
        "n": "int64", "double_it": "int64", "concat": "string", "rich": "string", "err": "string",
        "d": "date", "ts": "timestamp[us]", "t": "string", "custom": "date", "days": "double", "b": "boolean",
    }
    table = assert_matches_openpyxl(src, "Formulas & Rich", work / "macros.parquet")
    assert table.num_rows == 5
    _, summary = convert_json(src, work / "all")
    assert sorted(Path(o["output"]).name for o in summary["outputs"]) == ["2nd.parquet", "Formulas & Rich.parquet"]
    assert pq.read_table(work / "all" / "2nd.parquet").to_pylist() == [{"k": "one", "v": 1}, {"k": "two", "v": 2}]


def test_1904_date_system(work, convert_json):
    src = xlsxwriter_workbook(work / "mac.xlsx", date_1904=True)
    _, summary = convert_json(src, "--sheets", "1")
    assert summary["details"]["date_system"] == "1904"
    table = assert_matches_openpyxl(src, "Formulas & Rich", work / "mac.parquet")
    assert table.column("d").to_pylist()[0] == dt.date(2020, 1, 1)


def test_serial_60_and_small_serials(work, convert_json):
    src = work / "serials.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    date = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws = wb.add_worksheet("S")
    ws.write(0, 0, "serial")
    for r, serial in enumerate([1, 1.5, 59, 60, 60.25, 61, 45000.75], start=1):
        ws.write_number(r, 0, serial, date)
    wb.close()
    _, summary = convert_json(src)
    table = assert_matches_openpyxl(src, "S", work / "serials.parquet")
    assert table.column("serial").to_pylist() == [
        dt.datetime(1900, 1, 1), dt.datetime(1900, 1, 1, 12), dt.datetime(1900, 2, 28), dt.datetime(1900, 2, 28),
        dt.datetime(1900, 2, 28, 6), dt.datetime(1900, 3, 1), dt.datetime(2023, 3, 15, 18),
    ]


def test_multiple_sheets_to_output_directory_and_selection(work, run, convert_json):
    src = xlsxwriter_workbook(work / "multi.xlsx")
    out = work / "out"
    _, summary = convert_json(src, out, "--format", "csv")
    assert sorted(p.name for p in out.iterdir()) == ["2nd.csv", "Formulas & Rich.csv"]
    assert (out / "2nd.csv").read_text().splitlines() == ["k,v", "one,1", "two,2"]
    # By position and name, in the order given.
    _, summary = convert_json(src, work / "sel", "--sheets", "2,Formulas & Rich")
    assert [Path(o["output"]).name for o in summary["outputs"]] == ["2nd.parquet", "Formulas & Rich.parquet"]
    proc = run("convert", src, "--sheets", "Nope")
    assert proc.returncode != 0 and "no sheet 'Nope'" in proc.stderr and "'2nd'" in proc.stderr
    # Several sheets cannot go to one file.
    proc = run("convert", src, work / "one.parquet")
    assert proc.returncode == 1 and "directory" in proc.stderr and not (work / "one.parquet").exists()


def test_a_sheet_with_only_its_header_converts_to_no_rows(work, convert_json):
    # A sheet whose one row is its header: its batch has no data rows, which once made the
    # reader index the row numbers past their end (a trap, found by the xlsx fuzz seeds).
    src = sheets_workbook(work / "header_only.xlsx", {"Data": [["item", "qty"], ["a", 1]], "Empty": [["only", "columns"]]})
    out = work / "out"
    convert_json(src, out)
    table = pq.read_table(out / "Empty.parquet")
    assert table.num_rows == 0 and table.column_names == ["only", "columns"]
    assert pq.read_table(out / "Data.parquet").to_pylist() == [{"item": "a", "qty": 1}]
    _, summary = convert_json(src, work / "empty.parquet", "--sheets", "Empty")
    assert summary["rows"] == 0


def test_combine_stacks_sheets_with_a_sheet_column(work, convert_json, run):
    src = sheets_workbook(work / "months.xlsx", {
        "Jan": [["item", "qty"], ["a", 1]], "Feb": [["item", "qty"], ["b", 2.5], ["c", 3]], "Other": [["x"], [1]]})
    _, summary = convert_json(src, "--sheets", "Jan,Feb", "--combine")
    assert types_of(summary) == {"item": "string", "qty": "double", "sheet": "string"}
    table = pq.read_table(work / "months.parquet")
    assert table.to_pylist() == [
        {"item": "a", "qty": 1.0, "sheet": "Jan"}, {"item": "b", "qty": 2.5, "sheet": "Feb"},
        {"item": "c", "qty": 3.0, "sheet": "Feb"},
    ]
    proc = run("convert", src, work / "all.parquet", "--combine")
    assert proc.returncode == 1 and "same columns" in proc.stderr and not (work / "all.parquet").exists()


def test_header_sniffing_all_strings_and_duplicates(work, convert_json):
    src = work / "h.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "NoHeader"
    ws.append([1, "a", 2.5])
    ws.append([2, "b", 3.5])
    dup = wb.create_sheet("Dup")
    dup.append(["x", "x", None, "y"])
    dup.append([1, 2, 3, "04"])
    wb.save(src)
    _, summary = convert_json(src, work / "o")
    tables = {Path(o["output"]).stem: o for o in summary["outputs"]}
    assert [c["name"] for c in tables["NoHeader"]["columns"]] == ["column_1", "column_2", "column_3"]
    assert [c["name"] for c in tables["Dup"]["columns"]] == ["x", "x_1", "column_3", "y"]
    assert_matches_openpyxl(src, "NoHeader", work / "o" / "NoHeader.parquet", header=False)
    assert pq.read_table(work / "o" / "Dup.parquet").column("y").to_pylist() == ["04"]
    _, summary = convert_json(src, work / "s", "--all-strings")
    data = pq.read_table(work / "s" / "NoHeader.parquet").to_pylist()
    assert data == [{"column_1": "1", "column_2": "a", "column_3": "2.5"}, {"column_1": "2", "column_2": "b", "column_3": "3.5"}]


def test_late_value_widens_type_after_first_batch(work, convert_json):
    src = work / "late.xlsx"
    wb = xlsxwriter.Workbook(str(src), {"constant_memory": True})
    ws = wb.add_worksheet("Big")
    ws.write_row(0, 0, ["n", "late_col"])
    rows = 70_000
    for r in range(1, rows + 1):
        ws.write_number(r, 0, r if r != rows else 0.5)
    ws.write_string(rows, 2, "far right")
    wb.close()
    _, summary = convert_json(src)
    assert types_of(summary) == {"n": "double", "late_col": "string", "column_3": "string"}
    assert any("read again" in w or "widened" in w for w in summary["warnings"])
    table = pq.read_table(work / "late.parquet")
    assert table.num_rows == rows
    assert table.column("n").to_pylist()[-2:] == [rows - 1.0, 0.5]
    assert table.column("column_3").to_pylist()[-1] == "far right"


def test_info_validate_and_formats(work, run_json, run):
    src = openpyxl_workbook(work / "info.xlsx")
    proc, info = run_json("info", src, "--format", "json")
    assert proc.returncode == 0
    assert info["format"] == "xlsx"
    assert [s["name"] for s in info["sheets"]] == ["Kinds", 'Q1 "Sales" & <more> | ü', "Empty"]
    assert info["sheets"][0]["rows"] == 5 and info["sheets"][0]["dimension"] == "A1:I7"
    assert info["sheets"][0]["columns"][4] == {"name": "when", "type": "timestamp[us]", "nullable": True}
    proc = run("info", src)
    assert proc.returncode == 0 and "Sheet 2: 'Q1" in proc.stdout
    proc, report = run_json("validate", src, "--json")
    assert proc.returncode == 0 and report["valid"] is True
    proc, formats = run_json("formats", "--json")
    assert any(".xlsx" in f["extensions"] for f in formats)


def corrupt_cases(work: Path) -> dict[str, Path]:
    good = openpyxl_workbook(work / "good.xlsx").read_bytes()
    cases = {
        "not-zip": b"id,name\n1,a\n",
        "truncated": good[: len(good) // 2],
        "empty": b"",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    cases["no-workbook"] = buffer.getvalue()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            z.writestr(item.filename, data)
    cases["bad-xml"] = buffer.getvalue()
    flipped = bytearray(good)
    start = good.find(b"xl/worksheets/sheet1.xml") + 60
    flipped[start + 5] ^= 0xFF
    cases["bit-flip"] = bytes(flipped)
    paths = {}
    for name, data in cases.items():
        path = work / f"{name}.xlsx"
        path.write_bytes(data)
        paths[name] = path
    return paths


@pytest.mark.parametrize("case", ["not-zip", "truncated", "empty", "no-workbook", "bad-xml", "bit-flip"])
def test_corrupt_workbooks_fail_cleanly(work, run, run_json, case):
    path = corrupt_cases(work)[case]
    before = sorted(p.name for p in work.iterdir())
    proc, report = run_json("convert", path, "--json")
    assert proc.returncode == 1, proc.stderr
    assert report["success"] is False and path.name in report["error"]
    assert str(path.name) in proc.stderr
    assert sorted(p.name for p in work.iterdir()) == before, "nothing may be left behind"
    proc = run("validate", path)
    assert proc.returncode == 1


def test_zip_bomb_is_refused(work, run):
    src = openpyxl_workbook(work / "base.xlsx")
    bomb = work / "bomb.xlsx"
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # 64 MiB of whitespace inside the XML: inflates about 1000:1.
                text = data.decode()
                data = (text.replace("<sheetData>", "<sheetData>" + " " * (64 << 20), 1)).encode()
            z.writestr(item.filename, data)
    assert bomb.stat().st_size < 1 << 20
    proc = run("convert", bomb, "--json")
    assert proc.returncode == 1
    assert "ZIP bomb" in proc.stderr and "bomb.xlsx" in proc.stderr
    assert not (work / "bomb_parquet").exists() and not (work / "bomb.parquet").exists()


def test_json_and_ndjson_outputs(work, convert_json):
    src = xlsxwriter_workbook(work / "j.xlsx")
    convert_json(src, work / "j.ndjson", "--sheets", "Formulas & Rich")
    lines = [json.loads(line) for line in (work / "j.ndjson").read_text().splitlines()]
    assert lines[0]["concat"] == "x1" and lines[0]["d"] == "2020-01-01" and lines[0]["err"] is None


def test_iso_date_cells_header_flags_and_far_columns(work, convert_json):
    src = work / "iso.xlsx"
    wb = openpyxl.Workbook(iso_dates=True)  # dates as t="d" ISO 8601 text cells
    ws = wb.active
    ws.title = "Iso"
    ws.append(["when", "n"])
    ws.append([dt.datetime(2024, 1, 2, 3, 4, 5), 1])
    ws.append([dt.datetime(2024, 1, 3), 2])
    far = wb.create_sheet("Far")
    far["A1"], far["A2"], far["XFD2"] = "a", 1, 5
    wb.save(src)
    assert b't="d"' in zipfile.ZipFile(src).read("xl/worksheets/sheet1.xml")
    _, summary = convert_json(src, work / "o")
    iso = summary["outputs"][0]
    assert types_of(iso) == {"when": "timestamp[us]", "n": "int64"}
    assert_matches_openpyxl(src, "Iso", work / "o" / "Iso.parquet")
    table = pq.read_table(work / "o" / "Far.parquet")
    assert table.num_columns == 16384 and table.column(16383).to_pylist() == [5]
    # --no-header: the first row is data (the column mixes text and numbers → text).
    _, summary = convert_json(src, work / "nh.parquet", "--sheets", "Iso", "--no-header")
    assert pq.read_table(work / "nh.parquet").column("column_2").to_pylist() == ["n", "1", "2"]
    # --header: a numeric first row still names the columns.
    other = work / "num.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append([2023, 2024])
    wb.active.append([1.5, 2.5])
    wb.save(other)
    _, summary = convert_json(other, "--header")
    assert [c["name"] for c in summary["columns"]] == ["2023", "2024"]


def test_failure_on_a_later_sheet_removes_earlier_outputs(work, run):
    src = xlsxwriter_workbook(work / "two.xlsx")
    out = work / "two_parquet"
    out.mkdir()
    (out / "2nd.parquet").write_bytes(b"keep me")  # the second sheet's output exists already
    proc = run("convert", src)
    assert proc.returncode == 3 and "2nd.parquet" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["2nd.parquet"]
    assert (out / "2nd.parquet").read_bytes() == b"keep me"
    assert run("convert", src, "--force").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["2nd.parquet", "Formulas & Rich.parquet"]
