"""Unity Catalog Volume paths through `pyforge convert`, handled by the Databricks
extension: the FUSE flow on Databricks (a directory stands in for /Volumes) and the Files
API off Databricks (a local server implementing the endpoints, with injected faults)."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import REPO_ROOT

SERVER = REPO_ROOT / "extensions" / "databricks" / "Tests" / "Support" / "files_api_server.py"
TOKEN = "dapi-test-token-0123456789"


def write_orders(path: Path, n: int = 200) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["order_id,customer,total"] + [f"{i},customer {i % 9},{i * 2.5}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if ".pyforge-" in p.name or ".spark-" in p.name)


# ---------------------------------------------------------------------------------------
# On Databricks: /Volumes is a FUSE mount (a directory here, via PYFORGE_VOLUMES_ROOT)
# ---------------------------------------------------------------------------------------


@pytest.fixture
def fuse(databricks_env, tmp_path):
    root = tmp_path / "Volumes"
    (root / "main" / "sales" / "raw").mkdir(parents=True)
    env = {**databricks_env, "DATABRICKS_RUNTIME_VERSION": "15.4.x-scala2.12", "PYFORGE_VOLUMES_ROOT": str(root)}
    return root, env


def test_fuse_volume_to_volume(run_json, fuse):
    root, env = fuse
    write_orders(root / "main" / "sales" / "raw" / "orders.csv")
    proc, result = run_json("convert", "/Volumes/main/sales/raw/orders.csv", "/Volumes/main/sales/raw/curated/orders.parquet",
                            "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    out = root / "main" / "sales" / "raw" / "curated" / "orders.parquet"
    table = pq.read_table(out)
    assert table.num_rows == 200 and result["rows"] == 200
    assert table.column("total").to_pylist()[3] == 7.5
    assert result["engine"] == "databricks"
    assert "Databricks classic" in result["details"]["environment"]
    assert leftovers(root) == []


def test_fuse_output_is_not_replaced_without_force(run, fuse):
    root, env = fuse
    write_orders(root / "main" / "sales" / "raw" / "orders.csv")
    out = root / "main" / "sales" / "raw" / "orders.parquet"
    out.write_text("existing")
    proc = run("convert", "/Volumes/main/sales/raw/orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=env)
    assert proc.returncode != 0
    assert "--force" in proc.stderr
    assert out.read_text() == "existing"
    assert leftovers(root) == []
    proc = run("convert", "/Volumes/main/sales/raw/orders.csv", "/Volumes/main/sales/raw/orders.parquet", "--force", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(out).num_rows == 200


def test_fuse_volume_input_to_local_output(run_json, fuse, work):
    root, env = fuse
    write_orders(root / "main" / "sales" / "raw" / "orders.csv", 30)
    proc, result = run_json("convert", "dbfs:/Volumes/main/sales/raw/orders.csv", work / "orders.parquet", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "orders.parquet").num_rows == 30


def test_fuse_excel_in_a_volume_converts(run, fuse):
    root, env = fuse
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "name"])
    for i in range(5):
        sheet.append([i, f"n{i}"])
    workbook.save(root / "main" / "sales" / "raw" / "book.xlsx")
    proc = run("convert", "/Volumes/main/sales/raw/book.xlsx", "/Volumes/main/sales/raw/book.parquet", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(root / "main" / "sales" / "raw" / "book.parquet").num_rows == 5


@pytest.mark.parametrize("path, expected", [
    ("/Volumes/main/sales", "names no volume"),
    ("/Volumes/main//raw/x.csv", "/Volumes/<catalog>/<schema>/<volume>/<path>"),
    ("/Volumes/main/sales/raw/../x.csv", "/Volumes/<catalog>/<schema>/<volume>/<path>"),
    ("dbfs:/Volumes/ma.in/sales/raw/x.csv", "catalog"),
])
def test_invalid_volume_paths_are_explained(run, fuse, path, expected):
    _, env = fuse
    proc = run("convert", path, "/Volumes/main/sales/raw/out.parquet", env=env)
    assert proc.returncode != 0
    assert expected in proc.stderr, proc.stderr


def test_volume_paths_off_databricks_without_a_workspace_say_what_to_set(run, databricks_env, work):
    write_orders(work / "orders.csv")
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=databricks_env)
    assert proc.returncode != 0
    assert "DATABRICKS_HOST and DATABRICKS_TOKEN" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------------------------------
# Off Databricks: the Files API, against a local server that implements it
# ---------------------------------------------------------------------------------------


@pytest.fixture
def files_api(tmp_path, databricks_env):
    root = tmp_path / "workspace"
    (root / "Volumes" / "main" / "sales" / "raw").mkdir(parents=True)
    server = subprocess.Popen([sys.executable, str(SERVER), "--root", str(root), "--token", TOKEN, "--port", "0",
                               "--client-id", "unused", "--client-secret", "unused"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline().strip())
    base = f"http://127.0.0.1:{port}"
    env = {**databricks_env, "DATABRICKS_HOST": base, "DATABRICKS_TOKEN": TOKEN}

    def fault(**spec):
        request = urllib.request.Request(base + "/__faults", data=json.dumps(spec).encode(), method="POST")
        urllib.request.urlopen(request).read()

    yield root, env, fault
    server.stdin.close()
    server.wait(timeout=10)


def assert_token_hidden(proc):
    assert TOKEN not in proc.stdout + proc.stderr


def test_files_api_volume_to_volume(run_json, files_api):
    root, env, _ = files_api
    write_orders(root / "Volumes" / "main" / "sales" / "raw" / "orders.csv")
    proc, result = run_json("convert", "/Volumes/main/sales/raw/orders.csv", "/Volumes/main/sales/raw/out/orders.parquet",
                            "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(root / "Volumes" / "main" / "sales" / "raw" / "out" / "orders.parquet").num_rows == 200
    assert result["rows"] == 200
    assert_token_hidden(proc)


def orders_rows(n: int) -> list[dict]:
    """The rows write_orders(path, n) writes, as Parquet holds them (known by construction)."""
    return [{"order_id": i, "customer": f"customer {i % 9}", "total": i * 2.5} for i in range(n)]


def test_files_api_local_to_volume_and_back(run, files_api, work):
    root, env, _ = files_api
    volume = root / "Volumes" / "main" / "sales" / "raw"
    write_orders(work / "orders.csv", 50)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(volume / "orders.parquet").to_pylist() == orders_rows(50)
    write_orders(volume / "remote.csv", 12)
    proc = run("convert", "/Volumes/main/sales/raw/remote.csv", work / "remote.parquet", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "remote.parquet").to_pylist() == orders_rows(12)
    assert [p.name for p in work.iterdir() if ".pyforge-" in p.name] == []


def uploads(base: str) -> list[dict]:
    """The file uploads (PUT /api/2.0/fs/files/...) the stand-in has handled."""
    with urllib.request.urlopen(base + "/__requests") as response:
        log = json.loads(response.read())
    return [r for r in log if r["method"] == "PUT" and r["path"].endswith(".parquet")]


def test_files_api_upload_always_states_overwrite(run, files_api, work):
    # The Files API overwrites when `overwrite` is missing ("true or unspecified"), so the
    # client must send overwrite=false explicitly to keep an existing file without --force.
    root, env, _ = files_api
    base = env["DATABRICKS_HOST"]
    target = root / "Volumes" / "main" / "sales" / "raw" / "orders.parquet"
    target.write_bytes(b"existing")
    write_orders(work / "orders.csv", 20)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=env)
    assert proc.returncode != 0
    assert "--force" in proc.stderr, proc.stderr
    assert target.read_bytes() == b"existing"
    # The upload was attempted and said overwrite=false; the service refused it.
    assert [(r["query"], r["status"]) for r in uploads(base)] == [("overwrite=false", 409)]
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", "--force", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(target).to_pylist() == orders_rows(20)
    assert uploads(base)[-1]["query"] == "overwrite=true" and uploads(base)[-1]["status"] == 204


def test_files_api_read_permission_names_the_privilege(run, files_api, work):
    root, env, fault = files_api
    write_orders(root / "Volumes" / "main" / "sales" / "raw" / "orders.csv")
    fault(path="/Volumes/main/sales/raw/orders.csv", status=403, count=-1, message="User does not have READ VOLUME",
          echo_authorization=True)
    proc = run("convert", "/Volumes/main/sales/raw/orders.csv", work / "orders.parquet", env=env)
    assert proc.returncode != 0
    assert "READ VOLUME" in proc.stderr and "USE CATALOG" in proc.stderr
    assert not (work / "orders.parquet").exists()
    assert_token_hidden(proc)


def test_files_api_write_permission_names_the_privilege(run, files_api, work):
    root, env, fault = files_api
    write_orders(work / "orders.csv")
    fault(method="PUT", status=403, count=-1, message="no WRITE VOLUME on main.sales.raw")
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=env)
    assert proc.returncode != 0
    assert "WRITE VOLUME" in proc.stderr
    assert not (root / "Volumes" / "main" / "sales" / "raw" / "orders.parquet").exists()
    assert_token_hidden(proc)


def test_files_api_missing_input(run, files_api, work):
    _, env, _ = files_api
    proc = run("convert", "/Volumes/main/sales/raw/nope.csv", work / "x.parquet", env=env)
    assert proc.returncode != 0
    assert "does not exist" in proc.stderr
    assert not (work / "x.parquet").exists()


def test_files_api_retries_rate_limits_and_a_dropped_upload(run, files_api, work):
    root, env, fault = files_api
    write_orders(work / "orders.csv", 5000)
    fault(method="PUT", path="/Volumes/main/sales/raw/orders.parquet", status=429, retry_after="0", count=2)
    fault(method="PUT", path="/Volumes/main/sales/raw/orders.parquet", drop_after_bytes=1000, count=1)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(root / "Volumes" / "main" / "sales" / "raw" / "orders.parquet").num_rows == 5000


def test_files_api_upload_dropped_every_time_leaves_nothing(run, files_api, work):
    root, env, fault = files_api
    write_orders(work / "orders.csv", 5000)
    fault(method="PUT", path="/Volumes/main/sales/raw/orders.parquet", drop_after_bytes=1000, count=-1)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=env, timeout=180)
    assert proc.returncode != 0
    assert "orders.parquet" in proc.stderr
    assert not (root / "Volumes" / "main" / "sales" / "raw" / "orders.parquet").exists()
    assert_token_hidden(proc)


def test_files_api_rejected_token(run, files_api, work):
    _, env, _ = files_api
    write_orders(work / "orders.csv", 5)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/o.parquet", env={**env, "DATABRICKS_TOKEN": "wrong-token-xyz"})
    assert proc.returncode != 0
    assert "the workspace rejected the token (expired or revoked)" in proc.stderr
    assert "databricks auth login --host" in proc.stderr and "READ VOLUME" not in proc.stderr
    assert "wrong-token-xyz" not in proc.stderr


# ---------------------------------------------------------------------------------------
# Multipart uploads (a small threshold stands in for the SDK's 50 MiB)
# ---------------------------------------------------------------------------------------

MULTIPART = {"PYFORGE_DATABRICKS_MULTIPART_THRESHOLD": "65536", "PYFORGE_DATABRICKS_MULTIPART_PART_SIZE": "65536"}


def write_wide(path: Path, n: int = 6000) -> None:
    """A CSV whose Parquet is a few hundred KiB: hex strings barely compress."""
    import hashlib
    lines = ["id,digest"] + [f"{i},{hashlib.sha256(str(i).encode()).hexdigest()}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def server_state(base: str, what: str):
    with urllib.request.urlopen(base + what) as response:
        return json.loads(response.read())


def test_files_api_multipart_upload_with_a_retried_part(run, files_api, work):
    root, env, fault = files_api
    base = env["DATABRICKS_HOST"]
    write_wide(work / "wide.csv")
    fault(method="PUT", path="part:2", status=503, count=1)
    proc = run("convert", work / "wide.csv", "/Volumes/main/sales/raw/wide.parquet", env={**env, **MULTIPART})
    assert proc.returncode == 0, proc.stderr
    out = root / "Volumes" / "main" / "sales" / "raw" / "wide.parquet"
    assert out.stat().st_size > 3 * 65536
    table = pq.read_table(out)
    import hashlib
    assert table.num_rows == 6000
    assert table.column("digest").to_pylist() == [hashlib.sha256(str(i).encode()).hexdigest() for i in range(6000)]
    log = server_state(base, "/__requests")
    parts = [(r["path"], r["status"]) for r in log if r["path"].startswith("part:")]
    assert ("part:2", 503) in parts and ("part:2", 200) in parts
    # Every attempt at a part asked for a fresh URL: one more URL than parts stored.
    assert len({p for p, s in parts if s == 200}) == len([r for r in log if "create-upload-part-urls" in r["path"]]) - 1
    initiate, complete = [r["query"] for r in log if r["method"] == "POST" and r["path"].endswith("wide.parquet")]
    assert initiate == "action=initiate-upload&overwrite=false"
    assert complete.startswith("action=complete-upload&upload_type=multipart&session_token=")
    assert server_state(base, "/__sessions")["open"] == 0
    assert_token_hidden(proc)


def test_files_api_multipart_failure_aborts_and_leaves_nothing(run, files_api, work):
    root, env, fault = files_api
    base = env["DATABRICKS_HOST"]
    write_wide(work / "wide.csv")
    fault(method="PUT", path="part:3", status=500, count=-1, message="storage is failing")
    proc = run("convert", work / "wide.csv", "/Volumes/main/sales/raw/wide.parquet", env={**env, **MULTIPART}, timeout=180)
    assert proc.returncode != 0
    assert "wide.parquet" in proc.stderr and "HTTP 500" in proc.stderr
    assert not (root / "Volumes" / "main" / "sales" / "raw" / "wide.parquet").exists()
    assert [p.name for p in (root / "Volumes").rglob("*") if p.is_file()] == []
    state = server_state(base, "/__sessions")
    assert state["open"] == 0 and state["staged"] == 0
    assert [r["path"] for r in server_state(base, "/__requests")][-2:] == ["/api/2.0/fs/create-abort-upload-url", "abort"]
    assert_token_hidden(proc)


# ---------------------------------------------------------------------------------------
# info and validate on Volume paths go through the extension (SPEC §15.6)
# ---------------------------------------------------------------------------------------


def test_files_api_info_on_a_volume_path(run_json, run, files_api):
    root, env, _ = files_api
    write_orders(root / "Volumes" / "main" / "sales" / "raw" / "orders.csv", 42)
    proc, info = run_json("info", "/Volumes/main/sales/raw/orders.csv", "--format", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert info["path"] == "/Volumes/main/sales/raw/orders.csv"
    assert info["format"] == "csv" and info["rows"] == 42
    assert [c["name"] for c in info["columns"]] == ["order_id", "customer", "total"]
    proc = run("info", "/Volumes/main/sales/raw/orders.csv", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "/Volumes/main/sales/raw/orders.csv" in proc.stdout and "pyforge-databricks-" not in proc.stdout
    assert_token_hidden(proc)


def test_files_api_info_on_a_parquet_volume_file(run_json, files_api, work):
    root, env, _ = files_api
    import pyarrow as pa
    pq.write_table(pa.table({"a": list(range(1000)), "b": [str(i) for i in range(1000)]}),
                   root / "Volumes" / "main" / "sales" / "raw" / "t.parquet", row_group_size=300)
    proc, info = run_json("info", "dbfs:/Volumes/main/sales/raw/t.parquet", "--format", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert info["rows"] == 1000 and info["file_name"] == "t.parquet"
    assert [group["rows"] for group in info["row_groups"]] == [300, 300, 300, 100]


def test_files_api_validate_on_volume_paths(run, run_json, files_api):
    root, env, _ = files_api
    volume = root / "Volumes" / "main" / "sales" / "raw"
    write_orders(volume / "orders.csv", 9)
    proc, report = run_json("validate", "/Volumes/main/sales/raw/orders.csv", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert report["valid"] is True and report["rows"] == 9
    (volume / "broken.json").write_text('{"a": 1,, }', encoding="utf-8")
    proc = run("validate", "/Volumes/main/sales/raw/broken.json", env=env)
    assert proc.returncode == 1
    assert "/Volumes/main/sales/raw/broken.json" in proc.stderr and "pyforge-databricks-" not in proc.stderr
    proc = run("validate", "/Volumes/main/sales/raw/missing.csv", env=env)
    assert proc.returncode != 0 and "does not exist" in proc.stderr
    assert_token_hidden(proc)


def test_fuse_info_and_validate_on_a_volume_path(run_json, fuse):
    root, env = fuse
    write_orders(root / "main" / "sales" / "raw" / "orders.csv", 11)
    proc, info = run_json("info", "/Volumes/main/sales/raw/orders.csv", "--format", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert info["path"] == "/Volumes/main/sales/raw/orders.csv" and info["rows"] == 11
    proc, report = run_json("validate", "/Volumes/main/sales/raw/orders.csv", "--json", env=env)
    assert proc.returncode == 0 and report["valid"] is True


def test_info_on_a_volume_path_without_a_workspace_says_what_to_set(run, databricks_env):
    proc = run("info", "/Volumes/main/sales/raw/orders.csv", env=databricks_env)
    assert proc.returncode != 0
    assert "DATABRICKS_HOST and DATABRICKS_TOKEN" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
