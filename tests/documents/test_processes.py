"""Reliability with real processes: two signers at the same moment, and a signing process killed
inside its transaction. Runs on the file database a deployment uses (SQLite in WAL mode, or the
PostgreSQL test database)."""

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
_TEMPLATE: Path | None = None


def _sqlite_template() -> Path:
    """A migrated SQLite file with the reference data, made once per test run."""
    global _TEMPLATE
    if _TEMPLATE is None:
        path = Path(tempfile.mkdtemp(prefix="innocluster-docs-db-")) / "template.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
        for command in (["migrate", "-v0"], ["load_reference", "-v0"]):
            subprocess.run(
                [sys.executable, "-m", "innocluster.cli", *command],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        _TEMPLATE = path
        atexit.register(shutil.rmtree, path.parent, True)
    return _TEMPLATE


@pytest.fixture
def process_env(transactional_db, tmp_path):
    """The environment of a process that shares this test's database and content store."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        database = tmp_path / "db.sqlite3"
        shutil.copy(_sqlite_template(), database)
        url = f"sqlite:///{database}"
    else:
        url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
            **{k: settings_dict.get(k) or "" for k in ("USER", "PASSWORD", "HOST", "PORT", "NAME")}
        )
    store = tmp_path / "store"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DOCUMENT_STORE_DIR": str(store),
        "DJANGO_SETTINGS_MODULE": "innocluster.settings",
        "PYTHONPATH": str(ROOT),
    }


def scenario(env, *args, **extra_env) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.documents.scenario", *args],
        env={**env, **extra_env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def start(env, *args, **extra_env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.documents.scenario", *args],
        env={**env, **extra_env},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_sign_a_parallel_step_at_the_same_moment(process_env):
    setup = scenario(process_env, "setup")
    document, (a, b) = setup["document"], setup["signers"]
    start_at = str(time.time() + 4)  # both processes are up and waiting by then
    procs = [start(process_env, "sign", document, email, START_AT=start_at) for email in (a, b)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outputs]
    state = scenario(process_env, "state", document)
    assert state["status"] == "signed"
    assert state["signatures"] == 2 and state["steps"] == ["signed", "signed"]
    assert state["log"].count("document.signature") == 2
    assert state["log"][-1] == "document.status"
    assert state["problems"] == []


def test_a_signing_process_killed_inside_its_transaction_leaves_nothing_behind(
    process_env, tmp_path
):
    setup = scenario(process_env, "setup")
    document, (a, b) = setup["document"], setup["signers"]
    before = scenario(process_env, "state", document)
    marker = tmp_path / "paused"
    proc = start(
        process_env,
        "sign",
        document,
        a,
        INNOCLUSTER_TEST_PAUSE_AT="after_signature_row",
        INNOCLUSTER_TEST_PAUSE_FILE=str(marker),
        INNOCLUSTER_TEST_PAUSE_SECONDS="120",
    )
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), proc.communicate(timeout=5)[1][-2000:]
    os.kill(proc.pid, signal.SIGKILL)  # inside the transaction: the signature row is written
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    after_kill = scenario(process_env, "state", document)
    assert after_kill == before  # nothing of the half-done signature survived
    assert after_kill["problems"] == []

    scenario(process_env, "sign", document, a)
    scenario(process_env, "sign", document, b)
    final = scenario(process_env, "state", document)
    assert final["status"] == "signed" and final["signatures"] == 2
    assert final["problems"] == []
