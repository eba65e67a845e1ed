"""The Databricks extension speaks the extension protocol like the examples do.

test_protocol_transcripts.py replays protocol/transcripts against the two example
extensions and runs `pyforge extensions check` on them; the Databricks extension, the one
that ships, was checked only through conversions. Here it is replayed through every
transcript that applies to any extension, and it must pass the host's conformance suite.
Databricks, Spark and workspace settings are removed from its environment (and HOME is
private), so its answers do not depend on the machine.

Binary: $PYFORGE_DATABRICKS_BIN, else extensions/databricks/.build/release/pyforge-databricks;
pyforge: $PYFORGE_BIN, else <repo>/.build/release/pyforge.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from test_protocol_transcripts import (INDEX, Extension, assert_extensions_check_passes, compare, prepare_files,
                                       pyforge_bin, substitute, transcript_lines)

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "extensions" / "databricks"
ANY_EXTENSION = [entry for entry in INDEX["transcripts"] if entry["extensions"] == "any"]


def databricks_bin() -> Path:
    binary = Path(os.environ.get("PYFORGE_DATABRICKS_BIN") or PACKAGE / ".build" / "release" / "pyforge-databricks")
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"the Databricks extension is not built at {binary}: run 'swift build -c release --package-path "
                    f"extensions/databricks --product pyforge-databricks' or set PYFORGE_DATABRICKS_BIN", pytrace=False)
    return binary


@pytest.fixture(scope="module")
def binaries() -> tuple[Path, Path]:
    """(pyforge-databricks, pyforge), resolved before the environment is cleaned of PYFORGE_*."""
    return databricks_bin(), pyforge_bin()


@pytest.fixture
def clean_environment(binaries, monkeypatch, tmp_path):
    """No Databricks, Spark or pyforge settings from the caller, and a private HOME."""
    for name in list(os.environ):
        if name.startswith(("DATABRICKS_", "SPARK_", "DB_", "PYFORGE_")) or name == "IS_SERVERLESS":
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))


def test_some_transcripts_apply():
    assert len(ANY_EXTENSION) >= 5, [entry["file"] for entry in ANY_EXTENSION]


@pytest.mark.parametrize("entry", ANY_EXTENSION, ids=[e["file"].removesuffix(".jsonl") for e in ANY_EXTENSION])
def test_databricks_replays_transcript(entry, tmp_path, binaries, clean_environment):
    binary = binaries[0]
    work = tmp_path / "work"
    work.mkdir()
    paths = prepare_files(entry, work)
    process = Extension([str(binary)], cwd=work)
    try:
        for number, line in enumerate(transcript_lines(entry["file"]), 1):
            where = f"{entry['file']}:{number} (databricks)"
            if line["direction"] == "host":
                process.send(line["raw"] if "raw" in line else json.dumps(substitute(line["message"], paths)))
            else:
                compare(substitute(line, paths), process.receive(where), where)
        extra = process.close_and_wait(entry["file"])
        assert not extra, f"{entry['file']} (databricks): unexpected lines after the transcript: {extra}"
    finally:
        process.kill()


def test_databricks_passes_extensions_check(tmp_path, binaries, clean_environment):
    binary, pyforge = binaries
    if not pyforge.is_file():
        pytest.fail(f"pyforge binary not found at {pyforge}; set PYFORGE_BIN", pytrace=False)
    directory = tmp_path / "databricks"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    shutil.copy2(binary, directory / "pyforge-databricks")
    (directory / "pyforge-databricks").chmod(0o755)
    shutil.copy2(PACKAGE / "pyforge-extension.json", directory / "pyforge-extension.json")
    assert_extensions_check_passes(pyforge, directory, timeout=300)
