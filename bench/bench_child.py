"""Running a benchmark's measuring part in a child process with its own fresh database, as the
navigator, review and ranking benchmarks do."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]


def run_child(script: str, args: list[str], env_extra: dict | None = None) -> dict:
    """Run ``script --child --out FILE ARGS`` with a temporary var/ (so a fresh SQLite file
    database unless ``env_extra`` names one) and return the JSON it wrote."""
    name = Path(script).stem
    with tempfile.TemporaryDirectory(prefix=f"innocluster-{name}-") as var:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update(
            {
                "INNOCLUSTER_VAR_DIR": var,
                "DJANGO_SETTINGS_MODULE": "innocluster.settings",
                "LOG_LEVEL": "ERROR",
                "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
            }
        )
        env.update(env_extra or {})
        out = Path(var) / "results.json"
        cmd = [sys.executable, str(Path(script).resolve()), "--child", "--out", str(out), *args]
        subprocess.run(cmd, env=env, check=True, cwd=ROOT)
        return json.loads(out.read_text())


def fresh_postgres(database: str) -> str | None:
    """A fresh, empty ``database`` on 127.0.0.1:5432 and its URL, or None when PostgreSQL does
    not answer."""
    if not shutil.which("pg_isready"):
        return None
    if subprocess.run(["pg_isready", *PG_ADMIN], capture_output=True).returncode != 0:
        return None
    drop_postgres(database)
    subprocess.run(["createdb", *PG_ADMIN, database], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{database}"


def drop_postgres(database: str) -> None:
    subprocess.run(["dropdb", *PG_ADMIN, "--if-exists", database], check=False, capture_output=True)


def add_child_options(parser: argparse.ArgumentParser) -> None:
    """The hidden ``--child`` and ``--out FILE`` options ``run_child`` calls a script with."""
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)


def measure_in_child(args: argparse.Namespace, measure) -> bool:
    """In the child (``--child``): set Django up, call ``measure()`` and write the dict it
    returns to ``--out`` as JSON; True then (the script's ``main`` returns), else False."""
    if not args.child:
        return False
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    args.out.write_text(json.dumps(measure(), indent=2, default=str))
    return True


def database_names(value: str) -> tuple[str, ...]:
    """``--databases sqlite,postgresql`` as a tuple of names."""
    return tuple(d.strip() for d in value.split(",") if d.strip())
