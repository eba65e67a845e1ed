"""Damaged Access databases, made from the committed `types` fixtures by patching bytes
(fixtures/access/README.md): pyforge must stop with one sentence naming the file and the
table, exit 1, leave nothing behind and never hang or crash, and libmdb's own stderr lines
must not reach the user. Before issue #18 these crashed (SIGSEGV), looped forever or
exited 0 with rows missing."""
from __future__ import annotations

import os
import signal
import struct
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CRASH_MARKERS, base_env

FIXTURES = Path(__file__).parent / "fixtures" / "access"
PAGE = 4096  # Jet 4 and ACE pages
TYPES_FILES = ["types.mdb", "types.accdb"]
# Offsets in a Jet 4 / ACE page (the layout both files use).
PAGE_TYPE_TABLE, PAGE_TYPE_DATA = 0x02, 0x01
TDEF_ROWS, TDEF_COLUMNS = 16, 45
DATA_OWNER, DATA_ROW_COUNT, DATA_ROW_OFFSETS = 4, 12, 14
# Generous: converting these fixtures takes tens of MB; a runaway read would take GBs.
PEAK_RSS_KB = 400_000


def pages(data: bytes):
    for number in range(len(data) // PAGE):
        yield number, number * PAGE


def table_definition(data: bytes, columns: int, rows: int) -> int:
    """The page holding the definition of the table with this many columns and rows."""
    found = [n for n, at in pages(data) if data[at] == PAGE_TYPE_TABLE
             and struct.unpack_from("<H", data, at + TDEF_COLUMNS)[0] == columns
             and struct.unpack_from("<I", data, at + TDEF_ROWS)[0] == rows]
    assert len(found) == 1, found
    return found[0]


def first_data_page(data: bytes, owner: int) -> int:
    return next(n for n, at in pages(data) if data[at] == PAGE_TYPE_DATA
                and struct.unpack_from("<I", data, at + DATA_OWNER)[0] == owner)


def patched(name: str, offset: int, value: int) -> bytes:
    data = bytearray((FIXTURES / name).read_bytes())
    struct.pack_into("<H", data, offset, value)
    return bytes(data)


def all_types_columns(name: str) -> bytes:
    """AllTypes' definition claims 0xFFFF columns (Access allows 255)."""
    data = (FIXTURES / name).read_bytes()
    return patched(name, table_definition(data, 14, 4) * PAGE + TDEF_COLUMNS, 0xFFFF)


def many_rows_page(name: str, field: str) -> bytes:
    """The first data page of `Many Rows` damaged in one 2-byte field."""
    data = (FIXTURES / name).read_bytes()
    at = first_data_page(data, table_definition(data, 2, 25_000)) * PAGE
    first_row = struct.unpack_from("<H", data, at + DATA_ROW_OFFSETS)[0] & 0x1FFF
    offset, value = {
        "row count": (at + DATA_ROW_COUNT, 0xFFFF),  # more rows than the page's offset table
        "row offset": (at + DATA_ROW_OFFSETS, 0x0010),  # the first row starts inside the header
        "row columns": (at + first_row, 0xFFFF),  # the first row claims 65535 columns
    }[field]
    return patched(name, offset, value)


def memo_chain_loop(name: str) -> bytes:
    """The 70,000-character memo of AllTypes is a chain of long-value (LVAL) page rows, each
    starting with the next one's page and row: its first link now points to itself."""
    data = (FIXTURES / name).read_bytes()
    lval = {n for n, at in pages(data) if data[at] == PAGE_TYPE_DATA and data[at + DATA_OWNER:at + DATA_OWNER + 4] == b"LVAL"}
    for number in sorted(lval):
        at = number * PAGE
        for row in range(struct.unpack_from("<H", data, at + DATA_ROW_COUNT)[0]):
            start = struct.unpack_from("<H", data, at + DATA_ROW_OFFSETS + 2 * row)[0] & 0x1FFF
            link = struct.unpack_from("<I", data, at + start)[0]
            if link and link >> 8 in lval:
                changed = bytearray(data)
                struct.pack_into("<I", changed, at + start, number << 8 | row)
                return bytes(changed)
    raise AssertionError("no chained long value in the fixture")


def truncated(name: str) -> bytes:
    """The first half of the pages: whole pages, so only the missing data pages tell."""
    data = (FIXTURES / name).read_bytes()
    return data[: (len(data) // PAGE // 2) * PAGE]


def run_bounded(pyforge_bin: Path, src: Path, guard: float = 120) -> tuple[int, str, str, int]:
    """Runs `pyforge convert src`; returns exit code, stdout, stderr and peak RSS (KB).
    `guard` only stops a hang from stalling the suite: it is not a timing assertion."""
    out, err = src.parent.parent / "stdout.txt", src.parent.parent / "stderr.txt"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        proc = subprocess.Popen([str(pyforge_bin), "convert", str(src)], stdout=stdout, stderr=stderr,
                                cwd=src.parent, env=base_env())
    deadline = time.monotonic() + guard
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.kill(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            pytest.fail(f"pyforge convert {src.name} still ran after {guard:g} s (a loop)", pytrace=False)
        time.sleep(0.05)
    proc.returncode = 0  # reaped above; keeps Popen from waiting again
    assert os.WIFEXITED(status), f"pyforge died from signal {os.WTERMSIG(status)}: {err.read_text()[-2000:]}"
    return os.WEXITSTATUS(status), out.read_text(), err.read_text(), usage.ru_maxrss


CASES = {
    "0xFFFF columns": (all_types_columns, "AllTypes", "claims 65535 columns"),
    "truncated": (truncated, "Many Rows", "page"),
    "data page row count": (lambda n: many_rows_page(n, "row count"), "Many Rows", "cannot be split into its columns"),
    "data page row offset": (lambda n: many_rows_page(n, "row offset"), "Many Rows", "cannot be split into its columns"),
    "data page row columns": (lambda n: many_rows_page(n, "row columns"), "Many Rows", "cannot be split into its columns"),
    "memo page chain loop": (memo_chain_loop, "AllTypes", "Memo value in column 12 is damaged"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("name", TYPES_FILES)
def test_damaged_database_fails_with_one_sentence(tmp_path, pyforge_bin, name, case):
    make, table, words = CASES[case]
    work = tmp_path / "work"
    work.mkdir()
    src = work / f"damaged{Path(name).suffix}"
    damaged = make(name)
    src.write_bytes(damaged)
    code, stdout, stderr, peak_kb = run_bounded(pyforge_bin, src)
    assert code == 1, (stdout, stderr)
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr  # libmdb's own lines ("warning: ...", "offset ... is beyond EOF") are not shown
    assert str(src) in lines[0] and f"table '{table}'" in lines[0] and words in lines[0], lines[0]
    assert "damaged" in lines[0] and "Compact and Repair" in lines[0], lines[0]
    assert not any(marker in stderr for marker in CRASH_MARKERS), stderr
    assert peak_kb < PEAK_RSS_KB, peak_kb
    assert sorted(p.name for p in work.iterdir()) == [src.name]  # nothing left behind
    assert src.read_bytes() == damaged  # the input is never modified


def test_property_record_of_length_zero_is_not_read(tmp_path, run, h):
    """libmdb's property parser (mdb_read_catalog) loops forever on a property record of
    length 0; mdb-export hangs on this file. pyforge reads the catalog without properties
    (it uses none), so the data, which is intact, converts completely."""
    data = bytearray((FIXTURES / "types.accdb").read_bytes())
    blob = data.find(b"MR2\x00")  # the first table's property blob ("MR2" + chunks)
    chunk = blob + 4
    chunk_length, chunk_type = struct.unpack_from("<IH", data, chunk)
    assert chunk_type == 0x80  # the list of property names comes first
    chunk += chunk_length
    chunk_type = struct.unpack_from("<H", data, chunk + 4)[0]
    assert chunk_type in (0x00, 0x01)  # then a block of properties
    name_length = struct.unpack_from("<H", data, chunk + 6 + 4)[0]
    record = chunk + 6 + 6 + name_length
    assert struct.unpack_from("<H", data, record)[0] != 0
    struct.pack_into("<H", data, record, 0)
    src = tmp_path / "props.accdb"
    src.write_bytes(bytes(data))
    proc = run("convert", src, "--json", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert all(line.startswith("Converted ") for line in proc.stderr.splitlines()), proc.stderr
    many = h.read_parquet(tmp_path / "props_parquet" / "Many Rows.parquet")
    assert many.column("N") == list(range(25_000))
