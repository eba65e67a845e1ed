"""Spark conversions that produce a file on a Databricks workspace, end to end, in the
workspace simulator (Tests/Workspace/README.md): a laptop with Databricks Connect and the
Files API, a notebook driver reaching Spark through its Unix socket, and a cluster that sees
/Volumes (a FUSE mount with the Volumes mount's limits) and none of the other machines' files.

Each test runs the built `pyforge` with the Databricks extension as a user would and checks
the output with two independent readers: pyarrow on the volumes' backing directory and
pyspark (4.3.0) reading through the cluster. The Spark proxies' call logs show what went over
the wire, and the Files API stand-in's request log what was read from the volumes.
"""
from __future__ import annotations

import json
import sys
import urllib.request
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import REPO_ROOT

# Every Databricks Connect request carries the cluster it is for (x-databricks-cluster-id).
CLUSTER_ID = "0101-120000-abcd1234"


def write_csv(path: Path, n: int = 400) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["id,name,amount"] + [f'{i},"name, {i}",{i * 1.5}' for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def orders(fmt: str, n: int = 300) -> str:
    """A JSON array or an XML document of n order records."""
    if fmt == "json":
        return json.dumps([{"order": i, "customer": f"c{i % 7}", "total": i / 4} for i in range(n)], indent=1)
    return "<?xml version='1.0'?>\n<orders>\n" + "".join(
        f"  <row><order>{i}</order><customer>c{i % 7}</customer><total>{i / 4}</total></row>\n" for i in range(n)) + "</orders>\n"


def check_orders(path: Path, n: int = 300) -> None:
    rows = {r["order"]: r for r in pq.read_table(path).to_pylist()}
    assert len(rows) == n and rows[9]["customer"] == "c2" and rows[9]["total"] == 2.25
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def leftovers(root: Path) -> list[str]:
    """Staging names anywhere below root (Spark's `.x.spark-…`, pyforge's `.x.pyforge-…`)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".spark-" in p.name or ".pyforge-" in p.name)


def test_spark_staging_must_name_a_volume(run, databricks_env, work):
    source = work / "big.csv"
    write_csv(source, 5)
    proc = run("convert", source, "--spark-staging", "/tmp/scratch", env=databricks_env)
    assert proc.returncode == 2 and "--spark-staging must be a Unity Catalog Volume directory" in proc.stderr
    proc = run("convert", source, "--engine", "core", "--spark-staging", "/Volumes/main/raw/scratch", env=databricks_env)
    assert proc.returncode == 2 and "--spark-staging applies only to --engine spark or auto" in proc.stderr


# ---------------------------------------------------------------------------------------
# The laptop: Databricks Connect and the Files API
# ---------------------------------------------------------------------------------------


def files_api_log(workspace) -> list[dict]:
    with urllib.request.urlopen(workspace.files_api + "/__requests", timeout=30) as answer:
        return json.loads(answer.read())


def unique_dirs(workspace, *volumes: str) -> str:
    """A fresh directory in each of main.raw.<volume> for this test."""
    name = f"t{uuid.uuid4().hex[:10]}"
    for vol in volumes:
        workspace.backing_path(workspace.volume_path("main", "raw", vol, name)).mkdir(parents=True)
    return name


def staging_left(workspace) -> list[str]:
    """Staging anywhere in the volumes, or in the cluster's DBFS root (where a path without a
    scheme would have gone)."""
    found = leftovers(workspace.volumes_backing)
    found += [f"dbfs:{p}" for p in leftovers(workspace.dbfs_root)]
    return found


@pytest.fixture
def laptop(workspace, databricks_env):
    """Databricks Connect on a laptop: the workspace's REST stand-in, and the cluster's Spark
    through the token endpoint with the cluster id every Databricks Connect request carries."""
    env = {**databricks_env, **workspace.laptop_env(), "PYFORGE_SPARK_MIN_BYTES": "1000"}
    env["SPARK_REMOTE"] = workspace.laptop_spark_remote + f";x-databricks-cluster-id={CLUSTER_ID}"
    return env


def test_laptop_volume_to_volume_stages_in_the_volume_and_sniffs_with_one_ranged_read(run_json, workspace, laptop):
    name = unique_dirs(workspace, "in", "out")
    source = workspace.volume_path("main", "raw", "in", name, "big.csv")
    target = workspace.volume_path("main", "raw", "out", name, "big.parquet")
    write_csv(workspace.backing_path(source), 300)
    proc, result = run_json("convert", source, target, "--json", env=laptop, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["engine"] == "spark", result["details"]
    assert f"stages its output in /Volumes/main/raw/out/{name}" in result["details"]["decision"]
    out = workspace.backing_path(target)
    assert [p.name for p in out.parent.iterdir()] == ["big.parquet"]
    assert pq.read_table(out).num_rows == 300
    assert workspace.read_through_cluster(target)["count"] == 300
    assert "ExecutePlan" in [c["method"] for c in workspace.laptop_proxy.calls()]
    assert staging_left(workspace) == []
    # The input was never downloaded: a size (HEAD) and one ranged GET (206) for the sample.
    reads = [(r["method"], r["status"]) for r in files_api_log(workspace) if r["path"] == source]
    assert ("GET", 206) in reads and ("GET", 200) not in reads, reads


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_laptop_json_and_xml_volume_inputs(run_json, workspace, laptop, fmt):
    name = unique_dirs(workspace, "in", "out")
    source = workspace.volume_path("main", "raw", "in", name, f"orders.{fmt}")
    target = workspace.volume_path("main", "raw", "out", name, "orders.parquet")
    workspace.backing_path(source).write_text(orders(fmt), encoding="utf-8")
    proc, result = run_json("convert", source, target, "--json", env=laptop, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["engine"] == "spark" and result["rows"] == 300
    check_orders(workspace.backing_path(target))
    assert workspace.read_through_cluster(target)["count"] == 300
    assert staging_left(workspace) == []


def test_laptop_local_input_goes_through_the_named_staging_area(run_json, workspace, laptop, work):
    name = unique_dirs(workspace, "out", "scratch")
    source = work / "big.csv"
    write_csv(source, 150)
    area = workspace.volume_path("main", "raw", "scratch", name)
    target = workspace.volume_path("main", "raw", "out", name, "big.parquet")
    proc, result = run_json("convert", source, target, "--spark-staging", area, "--json", env=laptop, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["engine"] == "spark"
    assert f"the input is uploaded to {area} for Spark" in result["details"]["decision"]
    assert pq.read_table(workspace.backing_path(target)).num_rows == 150
    assert list(workspace.backing_path(area).iterdir()) == []
    assert staging_left(workspace) == []
    # And a local output: Spark stages it in the area, then it is downloaded.
    proc, result = run_json("convert", source, work / "big.parquet", "--spark-staging", area, "--json", env=laptop, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["engine"] == "spark"
    assert pq.read_table(work / "big.parquet").num_rows == 150
    assert sorted(p.name for p in work.iterdir()) == ["big.csv", "big.parquet"]
    assert list(workspace.backing_path(area).iterdir()) == []
    assert "PATH_NOT_FOUND" not in proc.stderr


def test_laptop_local_input_without_a_staging_area_is_converted_by_the_core_engine(run_json, run, workspace, laptop, work):
    source = work / "big.csv"
    write_csv(source, 60)
    proc, result = run_json("convert", source, work / "big.parquet", "--json", env=laptop, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["engine"] == "core"
    decision = result["details"]["decision"]
    assert decision.startswith("Using the core engine (") and "cannot read the local file" in decision and "--spark-staging" in decision
    assert decision in proc.stderr
    assert "PATH_NOT_FOUND" not in proc.stderr
    assert pq.read_table(work / "big.parquet").num_rows == 60
    assert "ExecutePlan" not in [c["method"] for c in workspace.laptop_proxy.calls()]
    # Asked for Spark by name: the same reason is the error; nothing was sent to the cluster.
    proc = run("convert", source, work / "again.parquet", "--engine", "spark", env=laptop, timeout=300)
    assert proc.returncode == 1
    assert "cannot read the local file" in proc.stderr and "--spark-staging" in proc.stderr
    assert "PATH_NOT_FOUND" not in proc.stderr and not (work / "again.parquet").exists()


def test_laptop_table_from_a_volume_input(run_json, workspace, laptop):
    name = unique_dirs(workspace, "in")
    source = workspace.volume_path("main", "raw", "in", name, "orders.csv")
    write_csv(workspace.backing_path(source), 80)
    table = f"pyforge_ws_{name}"
    proc, result = run_json("convert", source, "--engine", "spark", "--table", table, "--json", env=laptop, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert result["rows"] == 80 and result["details"]["table"] == table
    assert workspace.sql_through_cluster(f"SELECT COUNT(*) AS n FROM {table}")["rows"] == [["80"]]




# ---------------------------------------------------------------------------------------
# The notebook: the driver (its /Volumes mount, its Unix socket to Spark), the cluster
# ---------------------------------------------------------------------------------------


def driver_env(workspace, driver_extensions_path, kind="serverless", **extra) -> dict:
    return {**workspace.driver_env(kind), "PYFORGE_EXTENSIONS_PATH": driver_extensions_path, "PYFORGE_SPARK_MIN_BYTES": "1000", **extra}


def test_driver_small_volume_file_stays_on_the_core_engine(workspace, driver_extensions_path, pyforge_bin):
    # The core engine reads the mount through a link in scratch: handed the /Volumes path, the
    # host would give the claimed path back to the extension, which would call the core again.
    name = unique_dirs(workspace, "in", "out")
    source = workspace.volume_path("main", "raw", "in", name, "small.csv")
    target = workspace.volume_path("main", "raw", "out", name, "small.parquet")
    write_csv(workspace.backing_path(source), 20)
    env = driver_env(workspace, driver_extensions_path, PYFORGE_SPARK_MIN_BYTES=None)
    proc = workspace.run_in_driver([pyforge_bin, "convert", source, target, "--json"], env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["details"]["engine"] == "core" and result["details"]["decision"].startswith("Using the core engine (")
    out = workspace.backing_path(target)
    assert [p.name for p in out.parent.iterdir()] == ["small.parquet"] and pq.read_table(out).num_rows == 20
    assert "ExecutePlan" not in [c["method"] for c in workspace.notebook_proxy.calls()]
    assert staging_left(workspace) == []
