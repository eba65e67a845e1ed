"""Exit codes, error messages, and the promise that a failed or interrupted conversion
leaves nothing behind and never touches the input."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest


def age(path: Path) -> None:
    """Sets the file's times to 2001, so that any write by pyforge shows in its mtime however
    coarse the file system's clock is (instead of sleeping until the clock has moved on)."""
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))


def assert_failure_leaves_nothing(h, directory: Path, before: list[str]) -> None:
    after = h.listing(directory)
    assert after == before, f"directory changed: added {sorted(set(after) - set(before))}, " \
                            f"removed {sorted(set(before) - set(after))}"
    assert h.temp_leftovers(directory) == []


# --------------------------------------------------------------------------------------
# Existing output (exit 3)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json", "ndjson"])
def test_existing_output_without_force_is_refused(work, h, run, fmt):
    src = h.write_text(work / "in.csv", "a,b\n1,2\n")
    out = h.write_bytes(work / f"existing.{fmt}", b"precious bytes \x00\xff")
    age(out)
    state = h.file_state(out)
    before = h.listing(work)
    proc = run("convert", src, out)
    assert proc.returncode == 3, proc.stderr
    assert "already exists" in proc.stderr
    assert "--force" in proc.stderr
    assert h.file_state(out) == state
    assert_failure_leaves_nothing(h, work, before)


def test_existing_default_output_without_force_json(work, h, run):
    src = h.write_text(work / "in.csv", "a\n1\n")
    out = h.write_bytes(work / "in.parquet", b"old")
    before = h.listing(work)
    proc = run("convert", src, "--json")
    assert proc.returncode == 3
    result = h.parse_single_json(proc.stdout, proc)
    assert result["success"] is False
    assert result["exit_code"] == 3
    assert "already exists" in result["error"]
    assert Path(result["input"]).resolve() == src.resolve()
    assert out.read_bytes() == b"old"
    assert_failure_leaves_nothing(h, work, before)


def test_force_overwrites_existing_output(work, h, run):
    src = h.write_text(work / "in.csv", "a,b\n1,x\n2,y\n")
    out = h.write_bytes(work / "in.parquet", b"old content")
    proc = run("convert", src, "--force")
    assert proc.returncode == 0, proc.stderr
    assert h.read_parquet(out).rows == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    assert h.temp_leftovers(work) == []


def test_failed_forced_conversion_keeps_previous_output(work, h, run):
    """--force replaces the output only when the new one is complete."""
    src = h.write_text(work / "bad.csv", "a,b\n1,2\n3,4,5\n")
    out = h.write_bytes(work / "bad.parquet", b"previous good output")
    before = h.listing(work)
    proc = run("convert", src, out, "--force")
    assert proc.returncode == 1
    assert out.read_bytes() == b"previous good output"
    assert_failure_leaves_nothing(h, work, before)


def test_output_equal_to_input_is_refused_and_input_untouched(work, h, run):
    src = h.write_text(work / "same.csv", "a,b\n1,2\n")
    age(src)
    state = h.file_state(src)
    before = h.listing(work)
    for args in (["-f", "csv"], ["-f", "csv", "--force"], [src, "--force"]):
        proc = run("convert", src, *args)
        assert proc.returncode != 0, f"{args}: overwrote its own input"
        assert h.file_state(src) == state, args
        assert_failure_leaves_nothing(h, work, before)


# --------------------------------------------------------------------------------------
# Missing input (exit 4)
# --------------------------------------------------------------------------------------


def test_missing_input(work, h, run):
    before = h.listing(work)
    proc = run("convert", "does_not_exist.csv", cwd=work)
    assert proc.returncode == 4
    assert "does_not_exist.csv" in proc.stderr
    assert "does not exist" in proc.stderr
    assert proc.stdout.strip() == ""
    assert_failure_leaves_nothing(h, work, before)


def test_missing_input_json(work, h, run):
    missing = work / "nested" / "gone.csv"
    proc = run("convert", missing, "--json")
    assert proc.returncode == 4
    result = h.parse_single_json(proc.stdout, proc)
    assert result["success"] is False
    assert result["exit_code"] == 4
    assert "does not exist" in result["error"]
    assert str(missing) in result["input"] or Path(result["input"]).resolve() == missing.resolve()
    assert "gone.csv" in proc.stderr


# --------------------------------------------------------------------------------------
# Usage errors (exit 2)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["convert", "{src}", "--no-such-option"],
        ["convert", "{src}", "--format", "xml"],
        ["convert", "{src}", "-f", "PARQUETT"],
        ["convert", "{src}", "--compression", "lz4"],
        ["convert", "{src}", "-c", "brotli"],
        ["convert"],
        ["convert", "{src}", "--compression-level"],
        ["convert", "{src}", "--compression-level", "abc"],
        ["convert", "{src}", "--row-group-size", "0"],
        ["convert", "{src}", "--row-group-size", "many"],
        ["convert", "{src}", "--delimiter"],
        ["info", "{src}", "--format", "yaml"],
        ["no-such-command"],
    ],
    ids=lambda a: " ".join(a),
)
def test_usage_errors_exit_2(work, h, run, args):
    src = h.write_text(work / "in.csv", "a,b\n1,2\n")
    before = h.listing(work)
    proc = run(*[str(src) if a == "{src}" else a for a in args], cwd=work)
    assert proc.returncode == 2, f"exit {proc.returncode}: {proc.stderr}"
    assert proc.stderr.strip(), "a usage error must be explained on stderr"
    assert_failure_leaves_nothing(h, work, before)


# Regression test for a bug found by this suite and fixed in 101fd01: an out-of-range --compression-
# level is only rejected by the Parquet writer, after the input was read, with exit 1 ('Writing ...
# failed: Invalid Parquet writer options: gzip level 10 is outside 1...9') instead of a usage error
# (exit 2)
@pytest.mark.parametrize("codec,level", [("gzip", "10"), ("gzip", "0"), ("zstd", "99")])
def test_out_of_range_compression_level_is_usage_error(work, h, run, codec, level):
    src = h.write_text(work / "in.csv", "a,b\n1,2\n")
    before = h.listing(work)
    proc = run("convert", src, "-c", codec, "--compression-level", level)
    assert_failure_leaves_nothing(h, work, before)
    assert "level" in proc.stderr
    assert proc.returncode == 2, f"exit {proc.returncode}: {proc.stderr}"


# --------------------------------------------------------------------------------------
# Conversion failures (exit 1): message names file and line, nothing left behind
# --------------------------------------------------------------------------------------


def test_too_many_fields_names_file_and_line(work, h, run):
    src = h.write_text(work / "x.csv", "a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n")
    before = h.listing(work)
    proc = run("convert", src)
    assert proc.returncode == 1
    err = proc.stderr
    assert "x.csv" in err
    assert "line 3" in err
    assert "4 fields" in err and "header has 3" in err
    assert "--allow-ragged" in err and "--delimiter" in err
    assert proc.stdout.strip() == ""
    assert_failure_leaves_nothing(h, work, before)


def test_line_number_counts_physical_lines_after_multiline_field(work, h, run):
    # Record 2 spans lines 3-4; the bad record starts on line 5.
    src = h.write_text(work / "ml.csv", 'a,b\n1,x\n2,"two\nlines"\n3,y,extra\n')
    proc = run("convert", src)
    assert proc.returncode == 1
    assert "line 5" in proc.stderr, proc.stderr


def test_failure_json_report(work, h, run):
    src = h.write_text(work / "x.csv", "a,b\n1,2\n3,4,5\n")
    before = h.listing(work)
    proc = run("convert", src, "--json")
    assert proc.returncode == 1
    result = h.parse_single_json(proc.stdout, proc)
    assert result["success"] is False
    assert result["exit_code"] == 1
    assert "line 3" in result["error"] and "x.csv" in result["error"]
    assert Path(result["input"]).resolve() == src.resolve()
    assert_failure_leaves_nothing(h, work, before)


@pytest.mark.parametrize(
    "name,content,extra,needle",
    [
        ("unclosed.csv", b'a,b\n1,"never closed\n2,3\n', [], "quote"),
        ("badutf8.csv", b"a,b\n1,ok\n2,\xff\xfe bad\n", ["--encoding", "utf-8"], "UTF-8"),
        ("ragged_tsv.tsv", b"a\tb\n1\t2\n3\t4\t5\n", [], "line 3"),
    ],
)
def test_malformed_input_fails_cleanly(work, h, run, name, content, extra, needle):
    src = h.write_bytes(work / name, content)
    before = h.listing(work)
    proc = run("convert", src, *extra)
    assert proc.returncode == 1
    assert name in proc.stderr
    assert needle in proc.stderr
    assert "line" in proc.stderr
    assert_failure_leaves_nothing(h, work, before)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json", "ndjson"])
def test_failure_late_in_large_file_leaves_nothing(work, h, run, fmt):
    """The error is found after ~100,000 rows have been read (and partly written)."""
    lines = ["id,name,score"] + [f"{i},name {i},{i / 4}" for i in range(100_000)]
    lines.insert(95_001, "95000,too,many,fields")
    src = h.write_text(work / "late_bad.csv", "\n".join(lines) + "\n")
    outdir = work / "out"
    outdir.mkdir()
    before = h.listing(work)
    proc = run("convert", src, outdir, "-f", fmt)
    assert proc.returncode == 1
    assert "line 95002" in proc.stderr, proc.stderr
    assert_failure_leaves_nothing(h, work, before)


def test_missing_output_directory_is_created_and_removed_after_a_failure(work, h, run):
    # As in PyForge 1.x, missing directories are made (test_compressed_inputs.py has more).
    src = h.write_text(work / "in.csv", "a\n1\n")
    proc = run("convert", src, work / "no" / "such" / "dir" / "out.parquet")
    assert proc.returncode == 0, proc.stderr
    assert (work / "no" / "such" / "dir" / "out.parquet").is_file()
    bad = h.write_text(work / "bad.csv", 'a\n"never closed\n')
    before = h.listing(work)
    proc = run("convert", bad, work / "gone" / "dir" / "out.parquet")
    assert proc.returncode == 1
    assert "bad.csv" in proc.stderr
    assert_failure_leaves_nothing(h, work, before)


def test_input_is_a_directory_fails_cleanly(work, h, run):
    d = work / "adir.csv"
    d.mkdir()
    before = h.listing(work)
    proc = run("convert", d)
    assert proc.returncode == 1, proc.stderr
    assert "adir.csv" in proc.stderr and "is a directory" in proc.stderr
    assert_failure_leaves_nothing(h, work, before)


# --------------------------------------------------------------------------------------
# The input is never modified
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [[], ["-f", "csv", "{out_csv}"], ["-f", "json"], ["--all-strings"]],
                         ids=["parquet", "csv", "json", "all-strings"])
def test_input_is_never_modified(work, h, run, extra):
    src = h.write_bytes(work / "keep.csv", b"\xef\xbb\xbfa,b\r\n1,\"x\"\r\n2,y\r\n")
    os.utime(src, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    state = h.file_state(src)
    args = [str(work / "copy.csv") if a == "{out_csv}" else a for a in extra]
    proc = run("convert", src, *args)
    assert proc.returncode == 0, proc.stderr
    assert h.file_state(src) == state
    # Nor does a second run with other options (it may fail or succeed).
    proc = run("convert", src, work / "copy.csv" if "csv" in extra else work / "x.parquet",
               "--delimiter", ";", "--row-group-size", "1", "--force")
    assert h.file_state(src) == state


# --------------------------------------------------------------------------------------
# SIGINT
# --------------------------------------------------------------------------------------


def _big_csv(path: Path, target_bytes: int = 90_000_000) -> Path:
    block = "".join(
        f'{i},name_{i},{i * 0.5},2024-01-{i % 28 + 1:02d},{"true" if i % 2 else "false"},"text, with comma {i}"\n'
        for i in range(20_000)
    )
    with open(path, "w") as fh:
        fh.write("id,name,val,day,flag,txt\n")
        for _ in range(max(1, target_bytes // len(block))):
            fh.write(block)
    return path


@pytest.mark.parametrize("fmt", ["parquet", "ndjson"])
def test_sigint_leaves_no_output_and_exits_130(work, tmp_path, h, pyforge_bin, fmt):
    src = _big_csv(tmp_path / "big.csv")
    try:
        assert src.stat().st_size > 50_000_000
        before = h.listing(work)
        proc = subprocess.Popen(
            [str(pyforge_bin), "convert", str(src), str(work), "-f", fmt],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=h.base_env(),
        )
        try:
            # Wait until the conversion is writing (its temporary output exists and holds
            # bytes), then interrupt it. Polled, not slept: the interrupt must land mid-write.
            def writing():
                if proc.poll() is not None:
                    return True
                for name in h.temp_leftovers(work):
                    try:
                        if (work / name).stat().st_size > 0:
                            return True
                    except OSError:  # renamed or removed since the listing
                        pass
                return False
            h.wait_for(writing, "the conversion wrote into its temporary output")
            if proc.poll() is not None:
                _, err = proc.communicate()
                pytest.fail(f"conversion finished (exit {proc.returncode}) before it could be interrupted; "
                            f"make the generated file larger. stderr: {err[-500:]}")
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for marker in ("Traceback", "Fatal error", "Stack dump"):
            assert marker not in err
        assert proc.returncode == 130, f"exit {proc.returncode}: {err[-1000:]}"
        assert_failure_leaves_nothing(h, work, before)
    finally:
        src.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# Other failures
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["data.dat", "noext"])
def test_unsupported_input_extension(work, h, run, name):
    src = h.write_text(work / name, "a,b\n1,2\n")
    before = h.listing(work)
    proc = run("convert", src, "--json")
    assert proc.returncode == 1
    result = h.parse_single_json(proc.stdout, proc)
    assert result["success"] is False and result["exit_code"] == 1
    assert name in proc.stderr
    assert_failure_leaves_nothing(h, work, before)


# Regression test for a bug (spec deviation) found by this suite and fixed in 101fd01: with --json,
# usage errors (exit 2) print nothing on stdout; the documented contract is that any failure with
# --json prints {success: false, input, error, exit_code} on stdout
@pytest.mark.parametrize("bad", [["--format", "xml"], ["--compression", "lz4"], ["--row-group-size", "0"]],
                         ids=lambda a: " ".join(a))
def test_usage_error_with_json_reports_json(work, h, run, bad):
    src = h.write_text(work / "in.csv", "a\n1\n")
    proc = run("convert", src, "--json", *bad)
    assert proc.returncode == 2
    result = h.parse_single_json(proc.stdout, proc)
    assert result["success"] is False and result["exit_code"] == 2 and result["error"]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "ndjson"])
def test_random_bytes_never_crash(work, h, run, fmt):
    """Garbage input gives exit 0 or 1, never a crash, and a failure leaves nothing."""
    import random

    rng = random.Random(fmt)
    pieces = [b",", b";", b"\t", b"|", b'"', b'""', b"\n", b"\r\n", b"\r", b"a", b"1", b"2.5", b"\xff", b"\xe9",
              b"\xc3\xa9", b"\xef\xbb\xbf", b"\x00", b"true", b"2024-01-01", b" "]
    for i in range(25):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 200)))
        case = work / f"case{i}"
        case.mkdir()
        src = h.write_bytes(case / "fuzz.csv", data)
        before = h.listing(case)
        proc = run("convert", src, "-f", fmt, "--json")
        assert proc.returncode in (0, 1), (data, proc.returncode, proc.stderr)
        result = h.parse_single_json(proc.stdout, proc)
        if proc.returncode == 0:
            assert result["success"] is True
            assert h.temp_leftovers(case) == []
        else:
            assert result["success"] is False and result["error"]
            assert_failure_leaves_nothing(h, case, before)
