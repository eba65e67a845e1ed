"""Workspace authentication for Volume paths off Databricks, in the order the Databricks SDKs
use: a personal access token, OAuth machine-to-machine client credentials (tokens from the
workspace's /oidc/v1/token, short-lived here), ~/.databrickscfg profiles of each kind, and
`auth_type = databricks-cli` profiles through the CLI's token cache. Every secret holds shell
metacharacters and must appear nowhere: stdout, stderr, --json, the health file, logs.

The workspace is the Files API stand-in (extensions/databricks/Tests/Support/files_api_server.py,
with workspace_oauth.py and files_api_multipart.py; each says what it imitates)."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import REPO_ROOT

SERVER = REPO_ROOT / "extensions" / "databricks" / "Tests" / "Support" / "files_api_server.py"
SPECIAL = "'\"$\\`;&|"
PAT = f"dapi-{SPECIAL}-0123456789"
CLIENT_ID = "svc-pyforge-ci"
SECRET = f"dose-{SPECIAL}-s3cr3t"
CLI_TOKEN = f"eyJ-{SPECIAL}-cli-login"
SECRETS = [PAT, SECRET, CLI_TOKEN]


class Workspace:
    def __init__(self, root: Path, token: str, lifetime: int):
        (root / "Volumes" / "main" / "sales" / "raw").mkdir(parents=True)
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER), "--root", str(root), "--token", token, "--port", "0",
             "--client-id", CLIENT_ID, "--client-secret", SECRET, "--token-lifetime", str(lifetime)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.base = f"http://127.0.0.1:{int(self.process.stdout.readline().strip())}"

    def get(self, what: str):
        with urllib.request.urlopen(self.base + what) as response:
            return json.loads(response.read())

    def fault(self, **spec):
        request = urllib.request.Request(self.base + "/__faults", data=json.dumps(spec).encode(), method="POST")
        urllib.request.urlopen(request).read()

    def volume(self, *parts: str) -> Path:
        return self.root.joinpath("Volumes", "main", "sales", "raw", *parts)

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture
def workspace(tmp_path):
    started = []

    def start(token: str = PAT, lifetime: int = 3600) -> Workspace:
        started.append(Workspace(tmp_path / f"workspace{len(started)}", token, lifetime))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def env(databricks_env):
    return {**databricks_env, "PYFORGE_LOG_LEVEL": "debug"}


def write_orders(path: Path, n: int) -> None:
    lines = ["order_id,digest"] + [f"{i},{hashlib.sha256(str(i).encode()).hexdigest()}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def expected_digests(n: int) -> list[str]:
    return [hashlib.sha256(str(i).encode()).hexdigest() for i in range(n)]


def assert_no_secret(proc, env, *allowed: Path):
    """No secret in stdout, stderr, or any file pyforge left under HOME (health file, logs, caches)."""
    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for path in Path(env["HOME"]).rglob("*"):
        if path.is_file() and path not in allowed:
            texts[str(path)] = path.read_text(errors="replace")
    for where, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, f"a secret leaked into {where}"
            assert secret[-12:] not in text, f"part of a secret leaked into {where}"


def write_config(env, text: str) -> Path:
    path = Path(env["HOME"]) / ".databrickscfg"
    path.write_text(text, encoding="utf-8")
    return path


def write_cli_cache(env, key: str, expiry: str) -> Path:
    path = Path(env["HOME"]) / ".databricks" / "token-cache.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    cache = {"version": 1, "tokens": {key: {"access_token": CLI_TOKEN, "token_type": "Bearer",
                                            "refresh_token": "refresh-" + SECRET, "expiry": expiry}}}
    path.write_text(json.dumps(cache, indent=2), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------
# Personal access token
# ---------------------------------------------------------------------------------------


def test_pat_with_shell_metacharacters_round_trips(run, run_json, workspace, env, work):
    ws = workspace()
    env = {**env, "DATABRICKS_HOST": ws.base, "DATABRICKS_TOKEN": PAT}
    write_orders(work / "orders.csv", 300)
    proc, result = run_json("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert result["rows"] == 300
    assert pq.read_table(ws.volume("orders.parquet")).column("digest").to_pylist() == expected_digests(300)
    assert_no_secret(proc, env)
    proc, info = run_json("info", "/Volumes/main/sales/raw/orders.parquet", "--format", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert info["rows"] == 300 and info["path"] == "/Volumes/main/sales/raw/orders.parquet"
    assert_no_secret(proc, env)


def test_env_command_shows_secrets_as_set(run, workspace, env):
    env = {**env, "DATABRICKS_HOST": "https://dbc.example.com", "DATABRICKS_TOKEN": PAT,
           "DATABRICKS_CLIENT_ID": CLIENT_ID, "DATABRICKS_CLIENT_SECRET": SECRET}
    proc = run("env", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    variables = json.loads(proc.stdout)["variables"]
    assert variables["DATABRICKS_TOKEN"] == "(set)" and variables["DATABRICKS_CLIENT_SECRET"] == "(set)"
    assert_no_secret(proc, env)


# ---------------------------------------------------------------------------------------
# OAuth machine-to-machine
# ---------------------------------------------------------------------------------------


def test_oauth_m2m_conversion_outlives_its_tokens(run_json, workspace, env, work):
    # Tokens live 2 s; the upload goes in parts, each slowed to 0.8 s: several tokens are needed.
    ws = workspace(lifetime=2)
    ws.fault(method="PUT", delay_seconds=0.8, count=-1)
    env = {**env, "DATABRICKS_HOST": ws.base, "DATABRICKS_CLIENT_ID": CLIENT_ID, "DATABRICKS_CLIENT_SECRET": SECRET,
           "PYFORGE_DATABRICKS_MULTIPART_THRESHOLD": "65536", "PYFORGE_DATABRICKS_MULTIPART_PART_SIZE": "65536"}
    write_orders(work / "orders.csv", 6000)
    proc, result = run_json("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", "--json",
                            env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert result["rows"] == 6000
    assert pq.read_table(ws.volume("orders.parquet")).column("digest").to_pylist() == expected_digests(6000)
    parts = [r for r in ws.get("/__requests") if r["path"].startswith("part:")]
    assert len(parts) >= 4
    state = ws.get("/__sessions")
    assert state["tokens_issued"] >= 2 and state["open"] == 0
    assert all(r["status"] != 403 for r in ws.get("/__requests"))
    assert_no_secret(proc, env)


def test_oauth_m2m_from_a_profile(run, workspace, env, work):
    ws = workspace()
    config = write_config(env, f"[sp]\nhost = {ws.base}\nclient_id = {CLIENT_ID}\nclient_secret = {SECRET}\n")
    env = {**env, "DATABRICKS_CONFIG_PROFILE": "sp"}
    write_orders(ws.volume("remote.csv"), 40)
    proc = run("convert", "/Volumes/main/sales/raw/remote.csv", work / "remote.parquet", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "remote.parquet").column("digest").to_pylist() == expected_digests(40)
    assert ws.get("/__sessions")["tokens_issued"] == 1
    assert_no_secret(proc, env, config)


def test_oauth_m2m_wrong_secret_is_explained_without_the_secret(run, workspace, env, work):
    ws = workspace()
    wrong = f"wrong-{SPECIAL}-secret"
    env = {**env, "DATABRICKS_HOST": ws.base, "DATABRICKS_CLIENT_ID": CLIENT_ID, "DATABRICKS_CLIENT_SECRET": wrong}
    write_orders(work / "orders.csv", 5)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=env)
    assert proc.returncode != 0
    assert f"no OAuth token to client {CLIENT_ID}" in proc.stderr, proc.stderr
    assert "invalid_client" in proc.stderr and "DATABRICKS_CLIENT_SECRET" in proc.stderr
    assert wrong not in proc.stdout + proc.stderr
    assert not ws.volume("orders.parquet").exists()
    assert "Traceback" not in proc.stderr


def test_client_id_without_secret_says_what_to_set(run, workspace, env, work):
    ws = workspace()
    write_orders(work / "orders.csv", 5)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet",
               env={**env, "DATABRICKS_HOST": ws.base, "DATABRICKS_CLIENT_ID": CLIENT_ID})
    assert proc.returncode != 0
    assert "no client secret" in proc.stderr and "DATABRICKS_CLIENT_SECRET" in proc.stderr


# ---------------------------------------------------------------------------------------
# `databricks auth login` profiles: the CLI's token cache
# ---------------------------------------------------------------------------------------


def cli_profile(env, ws) -> Path:
    return write_config(env, f"[dev]\nhost = {ws.base}\nauth_type = databricks-cli\n")


def test_cli_profile_with_a_valid_cached_login(run_json, workspace, env, work):
    ws = workspace(token=CLI_TOKEN)
    config = cli_profile(env, ws)
    cache = write_cli_cache(env, "dev", "2099-01-01T00:00:00.123456789Z")
    env = {**env, "DATABRICKS_CONFIG_PROFILE": "dev"}
    write_orders(work / "orders.csv", 25)
    proc, result = run_json("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(ws.volume("orders.parquet")).column("digest").to_pylist() == expected_digests(25)
    assert_no_secret(proc, env, config, cache)


def test_cli_profile_with_a_host_keyed_login(run, workspace, env, work):
    # Older CLIs key the cache by host; a profile with only a host finds it too.
    ws = workspace(token=CLI_TOKEN)
    config = write_config(env, f"[DEFAULT]\nhost = {ws.base}\n")
    cache = write_cli_cache(env, ws.base, "2099-01-01T00:00:00Z")
    write_orders(work / "orders.csv", 7)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet", env=env)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(ws.volume("orders.parquet")).num_rows == 7
    assert_no_secret(proc, env, config, cache)


def test_cli_profile_with_an_expired_login_names_the_command(run, workspace, env, work):
    ws = workspace(token=CLI_TOKEN)
    config = cli_profile(env, ws)
    cache = write_cli_cache(env, "dev", "2020-01-01T00:00:00Z")
    write_orders(work / "orders.csv", 5)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet",
               env={**env, "DATABRICKS_CONFIG_PROFILE": "dev"})
    assert proc.returncode != 0
    assert f"The Databricks CLI login for {ws.base} (profile dev) has expired" in proc.stderr, proc.stderr
    assert "Run 'databricks auth token --profile dev' to refresh it" in proc.stderr
    assert not ws.volume("orders.parquet").exists()
    assert_no_secret(proc, env, config, cache)


def test_cli_profile_without_a_login_names_the_command(run, workspace, env, work):
    ws = workspace(token=CLI_TOKEN)
    cli_profile(env, ws)
    write_orders(work / "orders.csv", 5)
    proc = run("convert", work / "orders.csv", "/Volumes/main/sales/raw/orders.parquet",
               env={**env, "DATABRICKS_CONFIG_PROFILE": "dev"})
    assert proc.returncode != 0
    assert f"Run 'databricks auth login --host {ws.base} --profile dev'" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
