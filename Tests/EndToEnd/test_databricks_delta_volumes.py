"""Delta tables and directory outputs (a workbook's sheets, an Access database's tables) into
Unity Catalog Volumes, through the Databricks extension, both ways:

- "fuse": on Databricks, /Volumes is a FUSE mount: the workspace simulator's Volumes FUSE
  (Tests/Workspace/volumes_fuse.py: link(2) refused, rename flags refused, sequential
  writes only), reached through PYFORGE_VOLUMES_ROOT. The core must commit without hard
  links. "Two drivers" are two FUSE mounts of the same backing directory, as two cluster
  nodes see one volume.
- "files_api": off Databricks, the Files API stand-in (files_api_server.py): data files are
  uploaded, then the commit with PUT ...?overwrite=false as the put-if-absent.
- A medium with no put-if-absent at all is played by an LD_PRELOAD shim
  (fixtures/volumes/without_links.c) over a plain directory.

Tables are read back by delta-rs (deltalake) and pyarrow, never by pyforge."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import base_env, parse_single_json, wait_for
from test_databricks_volumes import SERVER, TOKEN
from volumes_handle import VolumesMount

deltalake = pytest.importorskip("deltalake")

SHIM = Path(__file__).parent / "fixtures" / "volumes" / "without_links.c"
ACCESS = Path(__file__).parent / "fixtures" / "access"


@pytest.fixture(scope="session")
def without_links(tmp_path_factory) -> Path:
    library = tmp_path_factory.mktemp("shim") / "without_links.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(SHIM), "-ldl"], check=True)
    return library


@pytest.fixture(scope="session")
def second_driver_mount(volumes_fuse, tmp_path_factory):
    """A second FUSE mount of the simulator's backing directory: another node's view."""
    root = tmp_path_factory.mktemp("volumes-fuse-second")
    mount = VolumesMount(volumes_fuse.backing, root / "mnt", log=root / "fuse.log")
    yield mount
    mount.stop()


class Volume:
    """A volume `/Volumes/main/sales/<name>`: where its files really are (`root`), and the
    environments that reach it (`env`; `drivers`: one per driver)."""

    def __init__(self, kind: str, name: str, root: Path, drivers: list[dict], base: str | None = None):
        self.kind, self.name, self.root, self.drivers, self.base = kind, name, root, drivers, base
        self.env = drivers[0]
        self.path = f"/Volumes/main/sales/{name}"

    def local(self, volume_path: str) -> Path:
        return self.root / volume_path[len(self.path) + 1:]

    def requests(self) -> list[dict]:
        import urllib.request
        with urllib.request.urlopen(self.base + "/__requests") as response:
            return json.loads(response.read())


def on_databricks(databricks_env: dict, mount: Path) -> dict:
    return {**databricks_env, "DATABRICKS_RUNTIME_VERSION": "15.4.x-scala2.12", "PYFORGE_VOLUMES_ROOT": str(mount)}


@pytest.fixture(params=["fuse", "files_api"])
def volume(request, tmp_path, databricks_env):
    name = "v" + uuid.uuid4().hex[:10]
    if request.param == "fuse":
        fuse = request.getfixturevalue("volumes_fuse")
        second = request.getfixturevalue("second_driver_mount")
        root = Path(fuse.backing) / "main" / "sales" / name
        root.mkdir(parents=True)
        yield Volume("fuse", name, root, [on_databricks(databricks_env, fuse.mountpoint),
                                          on_databricks(databricks_env, second.mountpoint)])
        return
    workspace = tmp_path / "workspace"
    root = workspace / "Volumes" / "main" / "sales" / name
    root.mkdir(parents=True)
    # Three entries a listing page, so the client must follow next_page_token.
    server = subprocess.Popen([sys.executable, str(SERVER), "--root", str(workspace), "--token", TOKEN, "--port", "0",
                               "--page-size", "3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{int(server.stdout.readline().strip())}"
    env = {**databricks_env, "DATABRICKS_HOST": base, "DATABRICKS_TOKEN": TOKEN}
    yield Volume("files_api", name, root, [env, {**env, "HOME": str(tmp_path / "second-home")}], base)
    server.stdin.close()
    server.wait(timeout=10)


def environment(overrides: dict) -> dict:
    """The environment `run` would give a process, for the ones started with Popen."""
    env = base_env()
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def write_batch(path: Path, batch: str, n: int, first: int = 0) -> Path:
    lines = ["id,batch,region,amount"] + [f"{i},{batch},{['north', 'south', 'east'][i % 3]},{i * 1.5}"
                                          for i in range(first, first + n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def convert(run, source: Path, target: str, volume: Volume, *extra) -> tuple[subprocess.CompletedProcess, dict]:
    proc = run("convert", source, target, "-f", "delta", "--json", *extra, env=volume.env, timeout=300)
    return proc, (parse_single_json(proc.stdout, proc) if proc.stdout.strip() else {})


def read_table(path: Path) -> tuple[int, list[dict]]:
    table = deltalake.DeltaTable(str(path))
    rows = table.to_pyarrow_table().to_pylist()
    return table.version(), sorted(rows, key=lambda r: (r["batch"], r["id"]))


def read_files_with_pyarrow(path: Path) -> int:
    """The rows of the data files the log names, read by pyarrow directly (not through deltalake)."""
    table = deltalake.DeltaTable(str(path))
    return sum(pq.read_metadata(uri.removeprefix("file://")).num_rows for uri in table.file_uris())


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.name.startswith(".") or p.name.endswith(".tmp") or ".pyforge-" in p.name)


def commit_method(volume: Volume) -> str:
    return "exclusive-create" if volume.kind == "fuse" else "files-api-overwrite-false"


def test_delta_create_append_overwrite(run, volume, work):
    target = f"{volume.path}/orders_delta"
    table = volume.local(target)
    proc, result = convert(run, write_batch(work / "a.csv", "a", 200), target, volume)
    assert proc.returncode == 0, proc.stderr
    assert result["rows"] == 200 and result["details"]["delta_version"] == "0"
    assert result["details"]["delta_commit"] == commit_method(volume)
    assert read_table(table)[0] == 0 and len(read_table(table)[1]) == 200

    # Without --mode the existing table is refused and left as it was.
    proc, _ = convert(run, write_batch(work / "b.csv", "b", 50), target, volume)
    assert proc.returncode != 0 and "--mode" in proc.stderr, proc.stderr
    assert read_table(table)[0] == 0

    proc, result = convert(run, work / "b.csv", target, volume, "--mode", "append")
    assert proc.returncode == 0, proc.stderr
    version, rows = read_table(table)
    assert version == 1 and len(rows) == 250
    assert [r["id"] for r in rows if r["batch"] == "b"] == list(range(50))
    assert rows[3] == {"id": 3, "batch": "a", "region": "north", "amount": 4.5}

    proc, result = convert(run, write_batch(work / "c.csv", "c", 30), target, volume, "--mode", "overwrite")
    assert proc.returncode == 0, proc.stderr
    version, rows = read_table(table)
    assert version == 2 and {r["batch"] for r in rows} == {"c"} and len(rows) == 30
    assert read_files_with_pyarrow(table) == 30
    assert leftovers(volume.root) == []


def test_delta_partitioned_into_a_volume(run, volume, work):
    target = f"{volume.path}/by_region"
    proc, result = convert(run, write_batch(work / "a.csv", "a", 90), target, volume, "--partition-by", "region")
    assert proc.returncode == 0, proc.stderr
    proc, result = convert(run, write_batch(work / "b.csv", "b", 9, first=100), target, volume, "--mode", "append")
    assert proc.returncode == 0, proc.stderr
    table = deltalake.DeltaTable(str(volume.local(target)))
    assert table.metadata().partition_columns == ["region"]
    assert sorted({Path(uri).parent.name for uri in table.file_uris()}) == ["region=east", "region=north", "region=south"]
    rows = table.to_pyarrow_table().to_pylist()
    assert len(rows) == 99
    assert {r["region"] for r in rows if r["id"] == 101} == {"east"}  # 101 % 3 == 2
    assert leftovers(volume.root) == []


def test_delta_checkpoint_after_ten_versions(run, volume, work):
    target = f"{volume.path}/long_lived"
    for version in range(11):
        proc, result = convert(run, write_batch(work / f"{version}.csv", f"v{version:02}", 3), target, volume,
                               *(["--mode", "append"] if version else []))
        assert proc.returncode == 0, proc.stderr
    log = volume.local(target) / "_delta_log"
    assert (log / "00000000000000000010.checkpoint.parquet").is_file()
    assert json.loads((log / "_last_checkpoint").read_text())["version"] == 10
    # The checkpoint alone (without commits 0-9) still gives the whole table.
    checkpoint = pq.read_table(log / "00000000000000000010.checkpoint.parquet").to_pylist()
    assert len([row for row in checkpoint if row["add"]]) == 11
    version, rows = read_table(volume.local(target))
    assert version == 10 and len(rows) == 33


def test_six_concurrent_appends_from_two_drivers_land_once_each(run, volume, work, pyforge_bin):
    target = f"{volume.path}/shared"
    proc, _ = convert(run, write_batch(work / "base.csv", "base", 10), target, volume)
    assert proc.returncode == 0, proc.stderr
    processes = []
    for driver, driver_env in (("d1", volume.drivers[0]), ("d2", volume.drivers[1])):
        for n in range(3):
            name = f"{driver}-{n}"
            source = write_batch(work / f"{name}.csv", name, 20 + n)
            processes.append((name, subprocess.Popen(
                [str(pyforge_bin), "convert", str(source), target, "-f", "delta", "--mode", "append", "--json"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(driver_env))))
    versions = []
    for name, process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}: {err}"
        versions.append(int(json.loads(out)["details"]["delta_version"]))
    assert sorted(versions) == [1, 2, 3, 4, 5, 6]
    version, rows = read_table(volume.local(target))
    assert version == 6
    for name, _ in processes:
        n = int(name[-1])
        assert [r["id"] for r in rows if r["batch"] == name] == list(range(20 + n)), name
    assert len(rows) == 10 + 2 * (20 + 21 + 22)
    log = sorted(p.name for p in (volume.local(target) / "_delta_log").iterdir() if p.suffix == ".json")
    assert log == [f"{v:020}.json" for v in range(7)]
    if volume.kind == "files_api":
        commits = [r for r in volume.requests() if r["method"] == "PUT" and "/_delta_log/" in r["path"]]
        assert all(r["query"] == "overwrite=false" for r in commits)
        assert sum(r["status"] == 204 for r in commits) == 7
    assert leftovers(volume.root) == []


def descendants(pid: int) -> list[int]:
    """The process and every process below it (host, extension, core), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue += children.get(current, [])
    return found


def test_a_writer_killed_mid_write_leaves_a_readable_table(volume, work, pyforge_bin, run):
    target = f"{volume.path}/survivor"
    proc, _ = convert(run, write_batch(work / "base.csv", "base", 10), target, volume)
    assert proc.returncode == 0, proc.stderr
    scratch = work / "tmp"
    scratch.mkdir()
    env = {**environment(volume.env), "TMPDIR": str(scratch)}
    table = volume.local(target)
    before = {p.name for p in table.rglob("*")}
    big = write_batch(work / "big.csv", "big", 400_000)
    process = subprocess.Popen([str(pyforge_bin), "convert", str(big), target, "-f", "delta", "--mode", "append"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # SIGKILL for every process of the write once its data files are being written (in the
    # table through the mount; in the local stage before a Files API upload).
    wait_for(lambda: process.poll() is not None
             or any("part-" in p.name and p.name not in before for p in table.rglob("*"))
             or any("part-" in p.name for p in scratch.rglob("*")), "the append to start writing data files")
    for pid in descendants(process.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    version, rows = read_table(table)
    assert version == 0 and len(rows) == 10
    # The next writer is not blocked by what the killed one left.
    proc, result = convert(run, write_batch(work / "after.csv", "after", 5), target, volume, "--mode", "append")
    assert proc.returncode == 0, proc.stderr
    version, rows = read_table(table)
    assert version == 1 and len(rows) == 15


def test_without_any_put_if_absent_the_commit_says_so(run, tmp_path, databricks_env, without_links, work):
    mount = tmp_path / "Volumes"
    (mount / "main" / "sales" / "raw").mkdir(parents=True)
    env = {**on_databricks(databricks_env, mount), "LD_PRELOAD": str(without_links), "NO_LINKS_UNDER": str(mount),
           "NO_EXCLUSIVE_CREATE": "1"}
    volume = Volume("shim", "raw", mount / "main" / "sales" / "raw", [env])
    target = f"{volume.path}/unguarded"
    proc, result = convert(run, write_batch(work / "a.csv", "a", 5), target, volume)
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["delta_commit"] == "unguarded-rename"
    assert any("no put-if-absent" in w and "one machine at a time" in w for w in result["warnings"]), result
    assert read_table(volume.local(target))[1][0]["id"] == 0


def make_workbook(path: Path) -> None:
    import openpyxl
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Orders"
    first.append(["id", "item"])
    for i in range(6):
        first.append([i, f"item {i}"])
    second = workbook.create_sheet("Customers")
    second.append(["name", "city"])
    second.append(["Ada", "London"])
    second.append(["Linus", "Helsinki"])
    workbook.save(path)


def test_multi_sheet_workbook_into_a_volume(run_json, volume, work):
    make_workbook(work / "book.xlsx")
    proc, result = run_json("convert", work / "book.xlsx", f"{volume.path}/book_parquet", "--json", env=volume.env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    directory = volume.local(f"{volume.path}/book_parquet")
    assert sorted(p.name for p in directory.iterdir()) == ["Customers.parquet", "Orders.parquet"]
    assert pq.read_table(directory / "Orders.parquet").to_pylist()[2] == {"id": 2, "item": "item 2"}
    assert pq.read_table(directory / "Customers.parquet").column("city").to_pylist() == ["London", "Helsinki"]
    assert result["rows"] == 8
    assert leftovers(volume.root) == []


def test_multi_sheet_delivery_refuses_existing_files_and_leaves_nothing_new(run, volume, work):
    make_workbook(work / "book.xlsx")
    directory = volume.local(f"{volume.path}/book_parquet")
    directory.mkdir()
    (directory / "Orders.parquet").write_bytes(b"existing")
    proc = run("convert", work / "book.xlsx", f"{volume.path}/book_parquet", env=volume.env, timeout=300)
    assert proc.returncode != 0
    assert "--force" in proc.stderr, proc.stderr
    assert (directory / "Orders.parquet").read_bytes() == b"existing"
    assert sorted(p.name for p in directory.iterdir()) == ["Orders.parquet"]


@pytest.mark.parametrize("database", ["types.accdb", "types.mdb"])
def test_access_database_into_a_volume(run_json, volume, work, database):
    source = ACCESS / database
    assert source.is_file(), f"the Access fixture {source} is missing"
    proc, result = run_json("convert", source, f"{volume.path}/types_parquet", "--json", env=volume.env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    directory = volume.local(f"{volume.path}/types_parquet")
    files = sorted(p.name for p in directory.iterdir())
    assert files and all(name.endswith(".parquet") for name in files)
    assert sum(pq.read_metadata(directory / name).num_rows for name in files) == result["rows"] > 0
    assert leftovers(volume.root) == []
