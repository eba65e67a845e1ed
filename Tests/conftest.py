"""Session-wide rules for every pytest suite under Tests/ (EndToEnd and Distribution).

No silent skips: a test that skips did not check anything, and a summary line such as
"412 passed, 9 skipped" reads like success. Every skip must be on the allow-list
Tests/skip_allowlist.txt with the reason it is acceptable; any other skip fails the whole
session (exit status 1) with a message naming the test and its skip reason. Expected
failures (pytest.mark.xfail, strict) are not skips and are not affected.
"""
from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

ALLOWLIST = Path(__file__).with_name("skip_allowlist.txt")

_skips: list[tuple[str, str]] = []
_unlisted: list[tuple[str, str]] = []


def load_allowlist(path: Path = ALLOWLIST) -> dict[str, str]:
    """`<node id or fnmatch pattern> | <reason>` per line; blank lines and # comments ignored.
    A pattern without a reason is an error: the list exists to say why."""
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pattern, _, reason = (part.strip() for part in line.partition("|"))
        if not pattern or not reason:
            raise pytest.UsageError(f"{path}:{number}: expected '<node id or pattern> | <reason>', got {line!r}")
        entries[pattern] = reason
    return entries


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _record(report) -> None:
    # An xfail is reported with outcome "skipped" and a `wasxfail` attribute: not a skip.
    if report.skipped and not hasattr(report, "wasxfail"):
        _skips.append((report.nodeid, _skip_reason(report)))


def pytest_runtest_logreport(report):
    _record(report)


def pytest_collectreport(report):
    # A module-level pytest.skip() or importorskip skips at collection.
    _record(report)


def pytest_sessionfinish(session, exitstatus):
    allowed = load_allowlist()
    _unlisted[:] = [(node, reason) for node, reason in _skips
                    if not any(fnmatch.fnmatchcase(node, pattern) for pattern in allowed)]
    if _unlisted and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if not _unlisted:
        return
    terminalreporter.section("skips not on the allow-list", sep="=", red=True, bold=True)
    for node, reason in _unlisted:
        terminalreporter.line(f"{node}: {reason}", red=True)
    terminalreporter.line(
        f"{len(_unlisted)} test(s) skipped without being on {ALLOWLIST.relative_to(ALLOWLIST.parents[1])}: "
        "a skipped test checked nothing, so the session fails. Install what the skip reason names "
        "(scripts/install-system-deps.sh, Tests/requirements.txt) or, if the skip is legitimate, add "
        "'<node id> | <reason>' to the allow-list.", red=True)
