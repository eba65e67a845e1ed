"""Every file under Tests/EndToEnd/hostile/<format>/ converted by the built binary (issue #18,
"never crash, never hang"): the fuzzers' regression inputs (scripts/fuzz) and hand-made
hostile files (Tests/EndToEnd/hostile/README.md says which is which).

For each file: exit 0 or 1, never a signal; on exit 1 one sentence on stderr that names the
file, and no backtrace; nothing left behind in the output directory (no output at all after a
refusal); the input unchanged; peak memory under a bound. A file is copied into the test's
own directory first (with its memo file, for dBase) so the repository is never written to.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from conftest import CRASH_MARKERS, base_env

HOSTILE = Path(__file__).parent / "hostile"
# Beyond conftest's markers: the Swift runtime's backtrace banners and a sanitizer's report.
EXTRA_MARKERS = ("Backtrace", "Stack dump", "Fatal error", "AddressSanitizer")
# Peak resident memory of one conversion (ru_maxrss, KiB): far above what these small files
# need, far below what an allocation sized by a hostile number would take.
MAX_RSS_KIB = 1 << 20  # 1 GiB
TIME_LIMIT = 120  # seconds; a hang is a failure, not a stuck CI job
# Files beside a table that are read with it, not inputs of their own.
COMPANIONS = {".dbt", ".fpt", ".md"}


def hostile_files() -> list[Path]:
    return sorted(p for p in HOSTILE.rglob("*") if p.is_file() and p.suffix.lower() not in COMPANIONS)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_measured(args: list[str], cwd: Path) -> tuple[int, str, str, int]:
    """Runs `args`; returns (exit code, or -signal; stdout; stderr; peak RSS in KiB) for that
    one child (os.wait4 gives its own rusage, not the session's maximum)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, env=base_env(), stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(TIME_LIMIT, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                usage.ru_maxrss)


def test_the_corpus_covers_every_format():
    formats = {p.name for p in HOSTILE.iterdir() if p.is_dir()}
    assert {"csv", "json", "xml", "xlsx", "dbf", "pdf", "access", "parquet"} <= formats, formats
    for name in formats:
        assert any(p.suffix.lower() not in COMPANIONS for p in (HOSTILE / name).iterdir()), f"{name}/ holds no input"


@pytest.mark.parametrize("source", hostile_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_hostile_file_is_refused_or_read_never_crashes(work, pyforge_bin, source):
    src = work / source.name
    shutil.copyfile(source, src)
    for companion in COMPANIONS - {".md"}:
        sibling = source.with_suffix(companion)
        if sibling.exists():
            shutil.copyfile(sibling, src.with_suffix(companion))
    before = sha256(src)
    out_dir = work / "out"
    out_dir.mkdir()
    if source.parent.name == "parquet":  # Parquet is an output format; `info` reads its footer
        args = [str(pyforge_bin), "info", str(src)]
    else:
        suffix = ".txt" if source.parent.name == "pdf" else ".parquet"
        args = [str(pyforge_bin), "convert", str(src), str(out_dir / ("result" + suffix))]

    code, stdout, stderr, peak_kib = run_measured(args, work)

    for text in (stdout, stderr):
        for marker in CRASH_MARKERS + EXTRA_MARKERS:
            assert marker not in text, f"{marker!r} in the output:\n{text[-3000:]}"
    assert code in (0, 1), f"exit {code} (negative: killed by a signal)\nstderr: {stderr[-3000:]}"
    assert sha256(src) == before, "the input was modified"
    assert peak_kib < MAX_RSS_KIB, f"peak RSS {peak_kib} KiB"
    leftovers = [p.name for p in out_dir.iterdir() if ".pyforge-" in p.name]
    assert not leftovers, leftovers
    assert not [p for p in work.iterdir() if ".pyforge-" in p.name]
    if code == 1:
        assert src.name in stderr, f"the message does not name the file:\n{stderr}"
        assert not list(out_dir.iterdir()), f"a refusal left outputs: {list(out_dir.iterdir())}"
        message = [line for line in stderr.splitlines() if line.strip()]
        assert 1 <= len(message) <= 3, f"expected one sentence, got:\n{stderr}"
